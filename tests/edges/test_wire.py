"""The JSON Schemas of yuqing_core.wire: valid Draft 2020-12, built from the real types, and
every real output of the library (each preset scenario's events, case documents, commands,
obligations, notifications, due items, accountability rows) valid against them, while bad
documents are refused."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.cli import main
from yuqing_core.model.vocab import ADOPT_POLICY
from yuqing_core.simulate import Simulation, run_scenario
from yuqing_core.store import ClaimedDue, DueItem, OutboxEntry
from yuqing_core.wire import (
    accountability_row_json,
    all_schemas,
    claimed_due_json,
    due_item_json,
    notification_json,
    obligation_json,
    outbox_entry_json,
    read_claimed_due,
    read_outbox_entry,
    schema,
)
from yuqing_core.wire.schemas import AdoptData, OpenData
from yuqing_core.workflow.commands import COMMAND_MODELS, validate_data
from yuqing_core.workflow.replay import OPEN_KEYS
from yuqing_core.workflow.versions import ADOPT_KEYS

NAMES = [
    "policy",
    "case",
    "events",
    "commands",
    "obligations",
    "due_items",
    "claimed_due",
    "outbox_entries",
    "notifications",
    "accountability_rows",
    "conformance",
]
SCENARIOS = [n for n in yq.presets.names() if yq.presets.scenario_path(n) is not None]
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


@functools.cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(name), format_checker=FORMATS)


def problems(name: str, doc: Any) -> list[str]:
    return [e.message for e in validator(name).iter_errors(doc)]


@pytest.fixture(scope="module")
def sims() -> dict[str, Simulation]:
    return {name: run_scenario(name) for name in SCENARIOS}


def cases(sims: dict[str, Simulation]) -> Iterator[yq.Case]:
    for sim in sims.values():
        yield from sim.cases.values()


def test_the_schemas_are_the_named_ones_and_valid_draft_2020_12() -> None:
    schemas = all_schemas()
    assert list(schemas) == NAMES
    for name, body in schemas.items():
        jsonschema.Draft202012Validator.check_schema(body)
        assert body["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert body["$id"] == f"urn:yuqing-core:schema:{name}"


def test_yuqing_schema_all_prints_every_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--all"]) == 0
    assert json.loads(capsys.readouterr().out) == all_schemas()


def test_the_plain_schema_command_still_prints_the_policy_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == yq.policy.schema.PolicySpec.model_json_schema()


def test_the_schemas_follow_the_code() -> None:
    """A trigger or a field added to the types is in the schemas without an edit there."""
    command = schema("commands")
    assert set(command["discriminator"]["mapping"]) == set(COMMAND_MODELS)
    event = schema("events")
    assert set(event["discriminator"]["mapping"]) == {*COMMAND_MODELS, "open", ADOPT_POLICY}
    assert set(OpenData.__annotations__) == OPEN_KEYS
    assert set(AdoptData.__annotations__) == set(ADOPT_KEYS)
    for name, kind in [
        ("obligations", yq.Obligation),
        ("due_items", DueItem),
        ("claimed_due", ClaimedDue),
        ("outbox_entries", OutboxEntry),
        ("notifications", yq.Notification),
        ("accountability_rows", yq.AccountabilityRow),
    ]:
        fields = [f.name for f in dataclasses.fields(kind)]
        assert schema(name)["required"] == fields
    assert set(schema("obligations")["properties"]) == {
        *(f.name for f in dataclasses.fields(yq.Obligation)),
        "status",
    }


def test_every_preset_scenario_s_events_and_case_documents_validate(
    sims: dict[str, Simulation],
) -> None:
    count = 0
    for case in cases(sims):
        for event in case.events:
            assert problems("events", event.to_dict(include_personal=True)) == []
            assert problems("events", event.to_dict()) == []
            count += 1
        assert problems("case", json.loads(case.to_json())) == []
        assert problems("case", json.loads(case.export_json())) == []
    assert count > 100


def test_every_recorded_command_validates_as_a_command(sims: dict[str, Simulation]) -> None:
    triggers = set()
    for case in cases(sims):
        for event in case.events[1:]:
            doc = event.to_dict()
            if doc["trigger"] == ADOPT_POLICY:  # pragma: no cover - no scenario adopts
                continue
            if doc["trigger"] == "escalate" and doc["data"].get("auto"):
                continue  # the library records these itself
            assert problems("commands", doc) == []
            triggers.add(doc["trigger"])
    assert {"report", "assign", "respond", "escalate", "update_metrics"} <= triggers


def test_obligations_notifications_and_accountability_validate(
    sims: dict[str, Simulation],
) -> None:
    statuses = set()
    for sim in sims.values():
        assert sim.now is not None
        for case in sim.cases.values():
            for ob in case.obligations:
                assert problems("obligations", obligation_json(ob)) == []
                for at in (case.events[0].at, sim.now):
                    doc = obligation_json(ob, at)
                    assert problems("obligations", doc) == []
                    statuses.add(doc["status"])
            for at in (case.events[0].at, sim.now):
                for n in case.notifications(at):
                    assert problems("notifications", notification_json(n)) == []
        start, end = cst(1950, 1, 1), cst(2099, 12, 31)
        for row in yq.accountability(sim.cases.values(), start, end, now=sim.now):
            assert problems("accountability_rows", accountability_row_json(row)) == []
    assert {"met", "late", "breached", "pending"} <= statuses


def test_due_items_of_every_scenario_validate(sims: dict[str, Simulation], tmp_path: Path) -> None:
    items = []
    for name, sim in sims.items():  # case ids repeat across presets: one store each
        with yq.SQLiteStore(tmp_path / f"{name}.db") as store:
            for case in sim.cases.values():
                store.save(case)
            found = cst(2025, 9, 30, 17)
            fresh = yq.Incident(id="DUE-1", title="t", discovered_at=found)
            highest = sim.policy.severities[-1]
            store.save(sim.policy.open_case(fresh, at=found, actor="m", severity=highest))
            items += store.due_before(cst(2099, 12, 31), limit=10_000)
    assert len(items) > 10
    for item in items:
        assert problems("due_items", due_item_json(item)) == []


def test_the_json_forms_are_exact() -> None:
    policy = yq.presets.load("school-tiered")
    found = cst(2025, 9, 30, 17)
    incident = yq.Incident(id="YQ-1", title="食堂投诉", discovered_at=found)
    case = policy.open_case(incident, at=found, actor="monitor")
    report = case.obligations[0]
    assert obligation_json(report, cst(2025, 10, 9, 18)) == {
        "id": "general-report",
        "kind": "report",
        "role": "business_supervisor",
        "rule": "R3.1",
        "anchor_at": "2025-09-30T17:00:00+08:00",
        # 1 working day: 1-8 October are the National Day holiday, 9 October works.
        "due_at": "2025-10-10T00:00:00+08:00",
        "met_at": None,
        "met_by": None,
        "closed_at": None,
        "breached_at": None,
        "spec_id": "general-report",
        "level": "general",
        "extensions": [],
        "paused": False,
        "provisional": False,
        "due_soon_share": 0.75,
        "source": "obligation",
        "text": report.text,
        "own_label": "",
        # 75% of its span in working time: 30 Sep 17:00-24:00 (7 h) and 9 Oct (24 h) are
        # 31 h; 23.25 h of them have passed at 16:15 on 9 October.
        "warn_at": ["2025-10-09T16:15:00+08:00"],
        "roles": [],
        "by": None,
        "waived_at": None,
        "waived_by": None,
        "status": "due_soon",
    }


BAD = [
    (
        "events",
        {"trigger": "teleport", "at": "2025-10-09T09:00:00+08:00", "actor": "a", "data": {}},
    ),
    ("events", {"trigger": "report", "at": "2025-10-09T09:00:00", "actor": "a", "data": {}}),
    ("events", {"trigger": "report", "at": "2025-10-09T09:00:00+08:00", "actor": "a"}),
    (
        "events",
        {
            "trigger": "report",
            "at": "2025-10-09T09:00:00+08:00",
            "actor": "a",
            "data": {"role": None},
        },
    ),
    (
        "events",
        {"trigger": "dismiss", "at": "2025-10-09T09:00:00+08:00", "actor": "a", "data": {}},
    ),
    ("commands", {"at": "2025-10-09T09:00:00+08:00", "actor": "a"}),
    ("commands", {"trigger": "report", "at": "2025-10-09T09:00:00+08:00", "actor": ""}),
    (
        "commands",
        {
            "trigger": "escalate",
            "at": "2025-10-09T09:00:00+08:00",
            "actor": "a",
            "data": {"severity": "huge"},
        },
    ),
    (
        "commands",
        {
            "trigger": "extend",
            "at": "2025-10-09T09:00:00+08:00",
            "actor": "a",
            "data": {"by": "3y"},
        },
    ),
    (
        "commands",
        {"trigger": "report", "at": "2025-10-09T09:00:00+08:00", "actor": "a", "data": {"x": 1}},
    ),
    ("case", {"format": "yuqing_core.case/2", "policy": "p", "id": "c", "events": []}),
    ("due_items", {"case_id": "c", "obligation_id": "o", "kind": "report", "role": "office"}),
]


@pytest.mark.parametrize(("name", "doc"), BAD, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BAD)])
def test_a_bad_document_is_refused(name: str, doc: Any) -> None:
    assert problems(name, doc) != []


def test_an_obligation_with_its_level_as_a_rank_is_refused() -> None:
    policy = yq.presets.load("school-tiered")
    found = cst(2025, 9, 30, 17)
    case = policy.open_case(
        yq.Incident(id="Y", title="t", discovered_at=found), at=found, actor="m"
    )
    doc = obligation_json(case.obligations[0])
    assert problems("obligations", doc) == []
    assert problems("obligations", {**doc, "level": 2}) != []
    assert problems("obligations", {**doc, "status": "forgotten"}) != []
    del doc["due_at"]
    assert problems("obligations", doc) == ["'due_at' is a required property"]


def test_every_preset_validates_against_the_policy_schema() -> None:
    for name in yq.presets.names():
        assert problems("policy", yq.presets.load(name).to_dict()) == [], name


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10),
    st.text(max_size=6),
    st.sampled_from(["major", "general", "重大", "3h", "1wd", "same_day", "office", "reply"]),
    st.lists(st.sampled_from(["office", "reply", "initial_response", "x"]), max_size=3),
    st.fixed_dictionaries({"observed_at": st.just("2025-10-09T09:00:00+08:00")}),
)


LIKELY = st.sampled_from(["major", "general", "3h", "1wd", "office", "reply", "a note", True])
"""Values many fields take, so that a good share of the drawn commands are accepted."""


@st.composite
def commands(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    trigger = draw(st.sampled_from(sorted(COMMAND_MODELS)))
    keys = list(COMMAND_MODELS[trigger].model_fields)
    if draw(st.booleans()):
        keys.append("other")
    values = st.one_of(LIKELY, LIKELY, VALUES)
    data = draw(st.dictionaries(st.sampled_from(keys), values, max_size=3))
    return trigger, data


@settings(max_examples=300, deadline=None)
@given(commands())
def test_whatever_the_library_records_its_schemas_describe(command: tuple[str, Any]) -> None:
    """Data a command accepts is recorded in a form the ``event`` schema describes, and sent
    again in that form it is a ``command`` the schema describes."""
    trigger, data = command
    try:
        stored = validate_data(trigger, data, [])
    except yq.TransitionError:
        return
    event = yq.Event(trigger, cst(2025, 10, 9, 9), "office", stored).to_dict()
    assert problems("events", event) == []
    if trigger != "escalate" or not stored.get("auto"):  # the library's own, not a host's
        assert problems("commands", event) == []


def test_claims_and_outbox_entries_read_back_as_written(tmp_path: Path) -> None:
    """A worker hands a claim back as it got it: its JSON form reads back to an equal claim
    (token, lease and warning instants included), and each form meets its schema."""
    policy = yq.presets.load("school-tiered")
    found = cst(2025, 9, 30, 17)
    case = policy.open_case(
        yq.Incident(id="W-1", title="t", discovered_at=found), at=found, actor="m"
    )
    with yq.SQLiteStore(tmp_path / "w.db") as store:
        store.save(case)
        claims = store.claim_due(found + timedelta(days=10), 5, timedelta(minutes=5))
        entries = store.claim_outbox(found, 5, timedelta(minutes=5))
    assert [c.item.obligation_id for c in claims] == ["general-report"]
    assert [(e.obligation_id, e.stage) for e in entries] == [
        ("general-report", "start"),
        ("general-response", "start"),
    ]
    for c in claims:
        again = read_claimed_due(claimed_due_json(c))
        assert (again, again.token, again.item.warn_at) == (c, c.token, c.item.warn_at)
        assert problems("claimed_due", claimed_due_json(c)) == []
    for e in entries:
        assert read_outbox_entry(outbox_entry_json(e)) == e
        assert problems("outbox_entries", outbox_entry_json(e)) == []
