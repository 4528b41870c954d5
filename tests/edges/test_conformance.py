"""The conformance vectors: shipped, current, passed by the library, valid against their
schema, and a vector the library does not meet is reported with the case and the step."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import yuqing_core as yq
from yuqing_core.cli import main
from yuqing_core.wire import schema
from yuqing_core.wire.conformance import (
    VECTORS_DIR,
    check_vector,
    check_vectors,
    dumps,
    vectors,
)

SCENARIOS = [n for n in yq.presets.names() if yq.presets.scenario_path(n) is not None]
REGENERATE = "yuqing conformance --write src/yuqing_core/data/conformance"


def shipped(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((VECTORS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return doc


def test_one_vector_is_shipped_per_preset_scenario() -> None:
    assert sorted(p.stem for p in VECTORS_DIR.glob("*.json")) == sorted(SCENARIOS)
    assert len(SCENARIOS) == 11


def test_the_shipped_vectors_are_current() -> None:
    for name, doc in vectors().items():
        text = (VECTORS_DIR / f"{name}.json").read_text(encoding="utf-8")
        assert text == dumps(doc), f"{name}.json is out of date: run `{REGENERATE}`"


def test_the_library_passes_the_shipped_vectors() -> None:
    assert check_vectors() == {f"{name}.json": [] for name in SCENARIOS}


def test_the_vectors_validate_against_their_schema() -> None:
    checker = jsonschema.Draft202012Validator(
        schema("conformance"), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for name in SCENARIOS:
        assert [e.message for e in checker.iter_errors(shipped(name))] == [], name


def test_a_vector_states_exact_due_instants_on_the_official_calendar() -> None:
    doc = shipped("school-tiered")
    assert doc["format"] == "yuqing_core.conformance/1"
    assert doc["fingerprint"] == yq.presets.load("school-tiered").fingerprint
    case = next(c for c in doc["cases"] if c["id"] == "YQ-2025-0930-01")
    first = case["steps"][0]
    assert (first["events"], first["at"], first["state"]) == (
        1,
        "2025-09-30T16:30:00+08:00",
        "registered",
    )
    report = next(o for o in first["obligations"] if o["id"] == "general-report")
    # Found 16:20 on 30 September 2025; one working day: 1-8 October is the National Day
    # holiday, so the day is 9 October and the deadline its end.
    assert (report["due_at"], report["status"]) == ("2025-10-10T00:00:00+08:00", "pending")
    last = case["steps"][-1]
    assert last["events"] == len(case["events"])
    done = next(o for o in last["obligations"] if o["id"] == "general-report")
    assert (done["met_at"], done["status"]) == ("2025-10-09T09:10:00+08:00", "met")


def test_each_step_counts_the_events_in_order() -> None:
    for name in SCENARIOS:
        for case in shipped(name)["cases"]:
            counts = [s["events"] for s in case["steps"]]
            n = len(case["events"])
            assert counts[:n] == list(range(1, n + 1)), (name, case["id"])
            assert counts[n:] in ([], [n])


def test_a_vector_the_library_does_not_meet_is_reported() -> None:
    doc = copy.deepcopy(shipped("school-tiered"))
    step = doc["cases"][0]["steps"][0]
    step["obligations"][0]["due_at"] = "2025-10-09T00:00:00+08:00"
    assert check_vector(doc) == [
        "case YQ-2025-0930-01, after 1 events, at 2025-09-30T16:30:00+08:00: obligation "
        "'general-report': due_at is '2025-10-10T00:00:00+08:00', not '2025-10-09T00:00:00+08:00'"
    ]
    del step["obligations"][0]
    assert check_vector(doc) == [
        "case YQ-2025-0930-01, after 1 events, at 2025-09-30T16:30:00+08:00: obligation "
        "'general-report' is owed but not expected"
    ]
    doc = copy.deepcopy(shipped("school-tiered"))
    doc["policy"]["title"] = "another"
    assert check_vector(doc)[0].startswith("the policy's fingerprint is sha256:")


def test_the_command_writes_and_checks_vectors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["conformance", "--write", str(tmp_path)]) == 0
    written = capsys.readouterr().out.split()
    assert sorted(Path(p).name for p in written) == sorted(f"{n}.json" for n in SCENARIOS)
    for name in SCENARIOS:
        assert (tmp_path / f"{name}.json").read_text(encoding="utf-8") == dumps(shipped(name))
    assert main(["conformance", "--check", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"{sorted(SCENARIOS)[0]}.json: ok"
    bad = shipped("hr-bureau")
    bad["cases"][0]["steps"][0]["state"] = "archived"
    (tmp_path / "hr-bureau.json").write_text(json.dumps(bad), encoding="utf-8")
    assert main(["conformance", "--check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "hr-bureau.json: 1 differences\n" in out
    assert "state is 'registered', not 'archived'" in out


def test_checking_an_empty_directory_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["conformance", "--check", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"yuqing: {tmp_path}: no conformance vectors (*.json)\n"
