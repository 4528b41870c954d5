"""``yuqing simulate`` says what is wrong with its input instead of failing with a traceback."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import yuqing_core as yq
from yuqing_core.cli import main
from yuqing_core.simulate import simulate

OPEN = {"type": "incident", "id": "A", "title": "t", "discovered_at": "2025-11-03T09:00:00+08:00"}


def test_a_bad_now_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps(OPEN), "utf-8")
    assert main(["simulate", "--policy", "school-tiered", "--now", "soon", str(f)]) == 2
    assert capsys.readouterr().err == (
        "yuqing: simulate: argument --now: 'soon' is not an ISO datetime (write "
        "2025-09-30T10:00+08:00, or 2025-09-30T10:00 in the calendar's zone); see yuqing "
        "simulate --help\n"
    )


def test_input_that_is_not_utf8_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "in.jsonl"
    f.write_bytes(b"\xff\xfe{}")
    assert main(["simulate", "--policy", "school-tiered", str(f)]) == 1
    assert capsys.readouterr().err == f"yuqing: {f}: is not UTF-8 text\n"


def test_a_byte_order_mark_is_dropped_from_a_file_and_from_standard_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "in.jsonl"
    f.write_bytes(b"\xef\xbb\xbf" + json.dumps(OPEN).encode())
    assert main(["simulate", "--policy", "school-tiered", str(f)]) == 0
    assert capsys.readouterr().out.startswith("A t — school-tiered: registered")
    monkeypatch.setattr("sys.stdin", io.StringIO("\ufeff" + json.dumps(OPEN)))
    assert main(["simulate", "--policy", "school-tiered", "-"]) == 0
    assert capsys.readouterr().out.startswith("A t — school-tiered: registered")


def test_bad_lines_are_named_and_skipped() -> None:
    lines = [
        json.dumps(OPEN),
        json.dumps({"type": "event", "case": "A", "trigger": "report", "at": "13912345678"}),
        json.dumps(
            {"type": "event", "case": "A", "trigger": "report", "at": OPEN["discovered_at"]}
            | {"data": [1, 2]}
        ),
        "[" * 100_000,
        json.dumps({"type": "incident", "id": "B", "title": "t", "discovered_at": "x"}),
    ]
    sim = simulate(yq.presets.load("school-tiered"), lines)
    assert sim.errors == [
        (2, "at '13912345678' is not an ISO instant such as 2025-11-03T09:00+08:00"),
        (3, "data must be a JSON object"),
        (4, "the line nests too deeply to be read"),
        (
            5,
            "discovered_at: Input should be a valid datetime or date, input is too short (got str)",
        ),
    ]
    assert list(sim.cases) == ["A"]
