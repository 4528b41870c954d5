"""Restoring checks what it reads: ``Case.replay`` and ``Case.from_json`` hold every event to
what ``open`` and ``fire`` record (issue 12, failure 3). The store's side is in
``tests/edges/test_store.py``.

Anything that cannot be read is a ``CorruptCaseError`` naming the case id and the 1-based seq
of the event at fault; never a bare Python exception, never a silently different case, never
the reporter's personal data in the message.

The case is on school-tiered: found Mon 3 Nov 2025 09:00 (no holiday that week).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.model.vocab import TRIGGERS
from yuqing_core.workflow import Case, Event

SECRETS = ("张三", "13800000000", "@zhang")
"""The personal data of the incident: never in an error message."""

REPLAY = "the event does not replay under policy 'school-tiered'"


def incident(case_id: str = "YQ-R", **kw: Any) -> yq.Incident:
    return yq.Incident(
        id=case_id,
        title="食堂投诉",
        discovered_at=cst(2025, 11, 3, 9),
        reporter=yq.Reporter(name="张三", phone="13800000000", unit="后勤处"),
        source=yq.Source(platform="微博", author_handle="@zhang"),
        **kw,
    )


def opened(policy: yq.Policy, **kw: Any) -> Case:
    return policy.open_case(incident(), at=cst(2025, 11, 3, 9), actor="monitor", **kw)


def doc_of(case: Case) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(case.to_json())
    return doc


def event_dict(trigger: str, at: datetime, actor: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"trigger": trigger, "at": at.isoformat(), "actor": actor, "data": data}


def refused(call: Callable[[], object]) -> yq.CorruptCaseError:
    """The error ``call`` raises, which must be a CorruptCaseError without personal data."""
    with pytest.raises(yq.CorruptCaseError) as e:
        call()
    for secret in SECRETS:
        assert secret not in str(e.value)
    return e.value


def refused_json(policy: yq.Policy, doc: dict[str, Any]) -> yq.CorruptCaseError:
    text = json.dumps(doc)
    return refused(lambda: Case.from_json(policy, text))


def refused_replay(policy: yq.Policy, events: list[Event]) -> yq.CorruptCaseError:
    return refused(lambda: Case.replay(policy, events))


def both_ways(case: Case, extra: dict[str, Any]) -> list[yq.CorruptCaseError]:
    """The errors of replaying ``case`` plus one event given as a dict: as JSON and as
    Event objects (built the way the JSON reader builds them)."""
    doc = doc_of(case)
    doc["events"].append(extra)
    as_json = refused(lambda: Case.from_json(case.policy, json.dumps(doc)))
    at = datetime.fromisoformat(extra["at"])
    events = [*case.events, Event(extra["trigger"], at, extra["actor"], extra["data"])]
    as_events = refused(lambda: Case.replay(case.policy, events))
    return [as_json, as_events]


# -- the inputs of the issue ------------------------------------------------------------------


def test_a_downgrade_without_reason_does_not_lower_the_severity(tiered: yq.Policy) -> None:
    case = opened(tiered, severity="major")
    with pytest.raises(yq.TransitionError, match="downgrade needs 'reason'"):
        case.fire("downgrade", at=cst(2025, 11, 3, 10), actor="o", severity="general")
    bad = event_dict("downgrade", cst(2025, 11, 3, 10), "o", {"severity": "general"})
    for err in both_ways(case, bad):
        assert str(err) == f"case 'YQ-R' seq 2: {REPLAY}: downgrade needs 'reason'"
        assert (err.case_id, err.seq) == ("YQ-R", 2)
        # The error handlers written before still catch it.
        assert isinstance(err, yq.TransitionError)
        assert isinstance(err, yq.YuqingError)


def test_flags_as_one_string_are_not_split_into_letters(tiered: yq.Policy) -> None:
    case = opened(tiered)
    with pytest.raises(yq.TransitionError, match=r"data\.flags"):
        case.fire("update_metrics", at=cst(2025, 11, 3, 10), actor="m", flags="emergency")
    bad = event_dict("update_metrics", cst(2025, 11, 3, 10), "m", {"flags": "emergency"})
    for err in both_ways(case, bad):
        assert str(err) == f"case 'YQ-R' seq 2: {REPLAY}: data.flags: Input should be a valid tuple"


def test_metrics_that_are_not_metrics_are_refused_not_dropped(tiered: yq.Policy) -> None:
    case = opened(tiered)
    bad = event_dict("update_metrics", cst(2025, 11, 3, 10), "m", {"metrics": "x"})
    for err in both_ways(case, bad):
        assert str(err) == (
            f"case 'YQ-R' seq 2: {REPLAY}: "
            "data.metrics: Input should be a valid dictionary or instance of Metrics"
        )
    # With a flag beside it, the bad metrics are not dropped either.
    bad["data"] = {"metrics": "x", "flags": ["emergency"]}
    for err in both_ways(case, bad):
        assert err.seq == 2
        assert "data.metrics" in err.problem


def test_metrics_held_as_a_model_replay_only_alone_as_fire_records_them(
    tiered: yq.Policy,
) -> None:
    case = opened(tiered)
    at = cst(2025, 11, 3, 10)
    m = yq.Metrics(observed_at=at, views=5)
    ok = Event("update_metrics", at, "m", {"metrics": m})
    assert Case.replay(tiered, [*case.events, ok]).incident.metrics == (m,)
    for data, problem in [
        ({"metrics": m, "bogus": 1}, "update_metrics takes no 'bogus'"),
        ({"metrics": m, "flags": ["a", "a"]}, "data.flags: not in the form fire records it"),
    ]:
        with pytest.raises(yq.CorruptCaseError) as err:
            Case.replay(tiered, [*case.events, Event("update_metrics", at, "m", data)])
        assert err.value.seq == 2
        assert err.value.problem == f"{REPLAY}: {problem}"


def test_a_forged_automatic_escalation_is_refused(tiered: yq.Policy) -> None:
    case = opened(tiered)
    forged = event_dict(
        "escalate",
        cst(2025, 11, 3, 10),
        "yuqing_core",
        {"severity": "critical", "reason": "R3.3 s3-critical-instruction", "auto": True},
    )
    for err in both_ways(case, forged):
        assert str(err) == (
            f"case 'YQ-R' seq 2: {REPLAY}: an automatic escalation the library did not "
            "record: re-assessing the incident at 2025-11-03T10:00:00+08:00 gives no "
            "escalation, and the library records one only right after the update_metrics "
            "that raises the level"
        )
    # After counts that raise nothing, it is refused all the same.
    case.fire(
        "update_metrics",
        at=cst(2025, 11, 3, 10),
        actor="m",
        metrics=yq.Metrics(observed_at=cst(2025, 11, 3, 10), views=20),
    )
    for err in both_ways(case, forged):
        assert err.seq == 3
        assert "gives no escalation" in err.problem


def test_an_automatic_escalation_replays_only_as_the_library_records_it(
    tiered: yq.Policy,
) -> None:
    case = opened(tiered)
    case.fire("update_metrics", at=cst(2025, 11, 3, 10), actor="m", flags=["superior_instruction"])
    assert [e.trigger for e in case.events] == ["open", "update_metrics", "escalate"]
    assert Case.replay(tiered, case.events) == case
    assert Case.from_json(tiered, case.to_json()) == case
    # A prefix is the case as it stood: it ends before the escalation and replays.
    assert Case.replay(tiered, case.events[:2]).severity is yq.Severity.GENERAL
    expected = (
        f"case 'YQ-R' seq 3: {REPLAY}: the update_metrics before it raises the automatic "
        "level to critical: the event after it must be that automatic escalation "
        "(by 'yuqing_core', at the same instant)"
    )
    tampered: list[Callable[[dict[str, Any]], None]] = [
        lambda e: e["data"].update(severity="major"),  # another level
        lambda e: e.update(actor="office"),  # another actor
        lambda e: e.update(at="2025-11-03T10:05:00+08:00"),  # another instant
        lambda e: e["data"].pop("auto"),  # a person's escalation in its place
    ]
    for change in tampered:
        doc = doc_of(case)
        change(doc["events"][2])
        assert str(refused_json(tiered, doc)) == expected


def test_a_host_cannot_record_an_automatic_escalation(tiered: yq.Policy) -> None:
    case = opened(tiered)
    with pytest.raises(yq.TransitionError, match="escalate takes no 'auto'"):
        case.fire("escalate", at=cst(2025, 11, 3, 10), actor="o", severity="critical", auto=True)
    assert case.version == 1


@pytest.mark.parametrize(
    ("trigger", "data", "problem"),
    [
        ("escalate", {"severity": "major", "extra": 1}, "escalate takes no 'extra'"),
        ("report", {"role": None}, "data.role: fire records no null value"),
        ("escalate", {"severity": "重大"}, "data.severity: not in the form fire records it"),
        ("escalate", {"severity": 4}, "data.severity: not in the form fire records it"),
        (
            "update_metrics",
            {"flags": ["superior_instruction", "emergency"]},
            "data.flags: not in the form fire records it",
        ),
        ("extend", {"by": "90min"}, "data.by: not in the form fire records it"),
        ("escalate", {"severity": "major", "auto": False}, "an automatic escalation"),
        ("assess", {"grade": 5}, "data.grade: Input should be a valid string"),
        ("dismiss", {"reason": "   "}, "data.reason: String should have at least 1 character"),
        # Personal data put where a name or level belongs is not echoed.
        ("escalate", {"severity": "13800000000"}, "data.severity: <value> is not a severity"),
        ("extend", {"by": "张三"}, "data.by: <value> is not a duration"),
        ("assess", {"张三": 1}, "assess takes no '<not a name>'"),
        ("13800000000", {}, "unknown trigger <not a name>"),
    ],
)
def test_data_fire_would_never_record_is_refused(
    tiered: yq.Policy, trigger: str, data: dict[str, Any], problem: str
) -> None:
    case = opened(tiered)
    for err in both_ways(case, event_dict(trigger, cst(2025, 11, 3, 10), "o", data)):
        assert err.seq == 2
        assert err.problem.startswith(f"{REPLAY}: {problem}")


# -- the open event ----------------------------------------------------------------------------


def test_the_open_event_is_checked_as_open_case_checks_it(tiered: yq.Policy) -> None:
    flagged = tiered.open_case(
        incident(flags={"superior_instruction"}), at=cst(2025, 11, 3, 9), actor="m"
    )
    assert flagged.events[0].data["assessed"] == "critical"
    assert Case.from_json(tiered, flagged.to_json()) == flagged

    def problem(change: Callable[[dict[str, Any]], None], case: Case = flagged) -> str:
        doc = doc_of(case)
        change(doc["events"][0]["data"])
        err = refused(lambda: Case.from_json(tiered, json.dumps(doc)))
        assert (err.case_id, err.seq) == ("YQ-R", 1)
        return err.problem

    assert problem(lambda d: d.update(severity="general")) == (
        "data.severity: general is not the automatic level critical, and the event records "
        "no person's judgement ('judged')"
    )
    assert problem(lambda d: d.update(severity="general", judged=True)) == (
        "data.severity: general is below the automatic floor critical; a lower level needs "
        "a reason (P8)"
    )
    assert problem(lambda d: d.update(assessed="general")) == (
        "data.assessed: assessing the incident at that instant gives critical"
    )
    assert problem(lambda d: d.pop("assessed")) == (
        "data.assessed: assessing the incident at that instant gives critical"
    )
    assert problem(lambda d: d.update(judged="yes")) == "data.judged: open records only true"
    assert problem(lambda d: d.update(reason=7)) == "data.reason: must be a non-empty text"
    assert problem(lambda d: d.update(severity="special")) == (
        "data.severity: 'special' is not a level"
    )
    assert problem(lambda d: d.update(severity="low")) == (
        "data.severity: low is not a level of policy 'school-tiered' (general, major, critical)"
    )
    assert problem(lambda d: d.pop("severity")) == "open needs 'severity'"
    assert problem(lambda d: d.update(note="x")) == "open takes no 'note'"
    assert problem(lambda d: d.pop("incident")) == "the open event carries no incident"
    # With a reason, a person may open below the floor: that replays.
    lowered = tiered.open_case(
        incident(flags={"superior_instruction"}),
        at=cst(2025, 11, 3, 9),
        actor="m",
        severity="general",
        reason="核实为误报",
    )
    assert Case.from_json(tiered, lowered.to_json()) == lowered
    plain = opened(tiered)
    assert problem(lambda d: d.update(assessed="general"), plain) == (
        "data.assessed: assessing the incident at that instant gives no level"
    )


def test_open_case_refuses_a_reason_that_is_not_text(tiered: yq.Policy) -> None:
    with pytest.raises(yq.TransitionError, match="reason must be text"):
        tiered.open_case(
            incident(),
            at=cst(2025, 11, 3, 9),
            actor="m",
            severity="general",
            reason=7,  # type: ignore[arg-type]
        )


def test_the_first_event_must_be_open_and_only_the_first(tiered: yq.Policy) -> None:
    case = opened(tiered)
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="o")
    err = refused(lambda: Case.replay(tiered, case.events[1:]))
    assert str(err) == "case (id unknown) seq 1: a case's first event must be 'open'"
    assert str(refused(lambda: Case.replay(tiered, []))) == (
        "case (id unknown) seq 1: a case's first event must be 'open'"
    )
    err = refused(lambda: Case.replay(tiered, [*case.events, case.events[0]]))
    assert str(err) == f"case 'YQ-R' seq 3: {REPLAY}: 'open' can only be a case's first event"
    err = refused(lambda: Case.replay(tiered, case.events, case_id="YQ-S"))
    assert str(err) == "case 'YQ-S' seq 1: the open event is for incident 'YQ-R'"
    err = refused(lambda: Case.replay(tiered, [case.events[0], "assess"]))  # type: ignore[list-item]
    assert str(err) == f"case 'YQ-R' seq 2: {REPLAY}: not an Event but a str"


# -- tampered JSON -----------------------------------------------------------------------------


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


READ = "cannot read the event"

TAMPERED_JSON = [
    (
        _set(("events", 1), [1]),
        "case 'YQ-R' seq 2: " + READ + ": an event is a JSON object, not a list",
    ),
    (_drop(("events", 1, "actor")), f"case 'YQ-R' seq 2: {READ}: no 'actor'"),
    (_drop(("events", 2, "data")), f"case 'YQ-R' seq 3: {READ}: no 'data'"),
    (_set(("events", 1, "seq"), 2), f"case 'YQ-R' seq 2: {READ}: unknown key 'seq'"),
    (
        _set(("events", 1, "at"), 5),
        f"case 'YQ-R' seq 2: {READ}: at is a JSON number, not a string",
    ),
    (
        _set(("events", 1, "trigger"), None),
        f"case 'YQ-R' seq 2: {READ}: trigger is a JSON null, not a string",
    ),
    (
        _set(("events", 2, "data"), []),
        f"case 'YQ-R' seq 3: {READ}: data is a JSON list, not an object",
    ),
    (
        _set(("events", 1, "at"), "yesterday"),
        f"case 'YQ-R' seq 2: {READ}: at: not an ISO 8601 date and time",
    ),
    (
        _set(("events", 1, "at"), "2025-11-03T10:00:00"),
        f"case 'YQ-R' seq 2: {READ}: at: 2025-11-03T10:00:00 has no time zone; "
        "give an aware datetime such as 2025-11-03T10:00:00+08:00",
    ),
    (
        _set(("events", 0, "data", "incident", "reporter", "phone"), 13800000000),
        f"case 'YQ-R' seq 1: {READ}: data.incident.reporter.phone: "
        "Input should be a valid string (got int)",
    ),
    (
        _set(("events", 0, "data", "incident", "id"), " YQ-R"),
        f"case 'YQ-R' seq 1: {READ}: data.incident.id: an id must not start or end with whitespace",
    ),
    (
        _set(("events", 1, "trigger"), "explode"),
        f"case 'YQ-R' seq 2: {REPLAY}: unknown trigger 'explode'",
    ),
    (
        _set(("events", 1, "actor"), " "),
        f"case 'YQ-R' seq 2: {REPLAY}: the actor must be a non-empty string naming who acted",
    ),
    (
        _set(("events", 2, "at"), "2025-11-03T09:30:00+08:00"),
        f"case 'YQ-R' seq 3: {REPLAY}: report at 2025-11-03T09:30:00+08:00 is before the "
        "last event (2025-11-03T10:00:00+08:00); events are recorded in time order",
    ),
    (_set(("id",), 5), "case (id unknown): the case id is a JSON number, not a string"),
    (_set(("id",), "YQ-S"), "case 'YQ-S' seq 1: the open event is for incident 'YQ-R'"),
    (_set(("events",), {}), "case 'YQ-R': events is a JSON object, not a list"),
    (_set(("signed",), True), "case 'YQ-R': unknown key 'signed' in the case JSON"),
    (
        _set(("format",), "yuqing_core.case/0"),
        "case (id unknown): not case JSON of format 'yuqing_core.case/1'",
    ),
]


@pytest.mark.parametrize(("change", "message"), TAMPERED_JSON)
def test_tampered_json_names_the_case_and_seq(
    tiered: yq.Policy, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    case = opened(tiered)
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    case.fire("report", at=cst(2025, 11, 3, 11), actor="office")
    doc = doc_of(case)
    assert Case.from_json(tiered, json.dumps(doc)) == case
    change(doc)
    assert str(refused(lambda: Case.from_json(tiered, json.dumps(doc)))) == message


def test_text_that_is_not_json_is_refused(tiered: yq.Policy) -> None:
    assert str(refused(lambda: Case.from_json(tiered, "{"))) == (
        "case (id unknown): not case JSON: it does not parse (line 1 column 2)"
    )
    assert str(refused(lambda: Case.from_json(tiered, b"\xff"))) == (  # type: ignore[arg-type]
        "case (id unknown): not case JSON: it does not parse"
    )
    assert str(refused(lambda: Case.from_json(tiered, 5))) == (  # type: ignore[arg-type]
        "case (id unknown): not case JSON: a int, not text"
    )


def test_json_nested_100000_deep_names_the_event(tiered: yq.Policy) -> None:
    case = opened(tiered)
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office", note="NOTE")
    deep = "[" * 100_000 + "]" * 100_000
    text = case.to_json().replace('"NOTE"', deep)
    assert str(refused(lambda: Case.from_json(tiered, text))) == (
        "case 'YQ-R' seq 2: cannot read the event: nested too deeply"
    )
    # Outside the events, the document is what cannot be read.
    outside = text.replace(deep, '"NOTE"').replace('"format"', f'"x": {deep}, "format"')
    assert str(refused(lambda: Case.from_json(tiered, outside))) == (
        "case (id unknown): not case JSON: nested too deeply"
    )


def test_data_nested_100000_deep_is_refused_without_recursion(tiered: yq.Policy) -> None:
    case = opened(tiered)
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    nested: Any = {}
    for _ in range(100_000):
        nested = {"x": nested}
    at = cst(2025, 11, 3, 10)
    for data, problem in [
        ({"note": deep}, "data.note: Input should be a valid string"),
        ({"x": nested}, "assess takes no 'x'"),
    ]:
        err = refused_replay(tiered, [*case.events, Event("assess", at, "o", data)])
        assert str(err) == f"case 'YQ-R' seq 2: {REPLAY}: {problem}"
    opening = Event("open", cst(2025, 11, 3, 9), "m", {"incident": nested, "severity": "general"})
    assert str(refused(lambda: Case.replay(tiered, [opening]))) == (
        "case (id unknown) seq 1: the open event carries no incident"
    )


# -- to_json is the persistence format -----------------------------------------------------


def test_to_json_round_trips_with_personal_data_and_export_json_leaves_it_out(
    tiered: yq.Policy,
) -> None:
    case = opened(tiered)
    case.fire("report", at=cst(2025, 11, 3, 10), actor="office", text="已报告")
    whole = case.to_json()
    assert Case.from_json(tiered, whole) == case
    shared = case.export_json()
    for secret in SECRETS:
        assert secret in whole
        assert secret not in shared
    assert case.export_json(include_personal=True) == whole
    # The redacted export reads back, as the same events without the personal data.
    back = Case.from_json(tiered, shared)
    assert [e.trigger for e in back.events] == ["open", "report"]
    reporter = back.incident.reporter
    assert reporter is not None
    assert (reporter.unit, reporter.name, reporter.phone) == ("后勤处", None, None)
    assert back != case


# -- hypothesis: a mutated document is refused or read as written -----------------------------


def rich_case() -> Case:
    # school-tiered pauses nothing; the same rules with responses pausable let it pause.
    policy = yq.load_policy(
        {"extends": "school-tiered", "workflow": {"pausable": ["initial_response"]}}
    )
    inc = incident(
        "YQ-H",
        posted_at=cst(2025, 11, 3, 8),
        metrics=[yq.Metrics(observed_at=cst(2025, 11, 3, 9), views=100)],
    )
    case = policy.open_case(inc, at=cst(2025, 11, 3, 9), actor="monitor")
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office", severity="major")
    case.fire(
        "update_metrics",
        at=cst(2025, 11, 3, 11),
        actor="m",
        metrics=yq.Metrics(observed_at=cst(2025, 11, 3, 11), views=900, comments=40),
    )
    case.fire(
        "report",
        at=cst(2025, 11, 3, 12),
        actor="office",
        roles=["business_supervisor", "principal_leader"],
    )
    case.fire("update_metrics", at=cst(2025, 11, 3, 13), actor="m", flags=["superior_instruction"])
    case.fire("assign", at=cst(2025, 11, 3, 14), actor="office", unit="后勤处")
    case.fire("pause", at=cst(2025, 11, 3, 15), actor="office", reason="等待核实")
    case.fire("resume", at=cst(2025, 11, 3, 16), actor="office")
    case.fire("downgrade", at=cst(2025, 11, 3, 17), actor="office", severity="major", reason="核实")
    case.fire("draft_reply", at=cst(2025, 11, 3, 18), actor="unit", text="答复")
    return case


RICH = rich_case()
RICH_DOC = doc_of(RICH)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _leaves(v)]
    if isinstance(value, list):
        return [x for v in value for x in _leaves(v)]
    return [value]


PATHS = [p for p in _paths(RICH_DOC["events"], ("events",)) if len(p) > 1]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=4,
)
# Values a forger would try: others from the same case, levels, triggers, flags.
PLAUSIBLE = st.sampled_from(
    sorted({repr(v): v for v in _leaves(RICH_DOC["events"])}.values(), key=repr)
    + [s.key for s in yq.Severity]
    + [*TRIGGERS, "open"]
    + [["emergency"], "emergency", True, 1, "3d", "", "yuqing_core"]
)


@st.composite
def mutations(draw: st.DrawFn) -> dict[str, Any]:
    doc = copy.deepcopy(RICH_DOC)
    events = doc["events"]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["drop", "replace", "replace", "reorder"]))
        if kind == "reorder":
            i = draw(st.integers(0, len(events) - 1))
            j = draw(st.integers(0, len(events) - 1))
            events.insert(j, events.pop(i))
            continue
        path = draw(st.sampled_from(PATHS))
        target: Any = doc
        try:
            for key in path[:-1]:
                target = target[key]
            if kind == "drop":
                del target[path[-1]]
            else:
                target[path[-1]] = draw(PLAUSIBLE | JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced the place
    return doc


def _as_written(raw: Any, value: Any) -> bool:
    """``value`` (read) is ``raw`` (written) in kind and value: no silent conversion."""
    if isinstance(value, BaseModel):
        return isinstance(raw, dict) and type(value).model_validate(raw) == value
    if isinstance(value, bool) or isinstance(raw, bool):
        return type(value) is type(raw) and value == raw
    if isinstance(value, list):
        return (
            isinstance(raw, list)
            and len(raw) == len(value)
            and all(_as_written(r, v) for r, v in zip(raw, value, strict=True))
        )
    return type(value) is type(raw) and value == raw


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=mutations())
def test_a_mutated_case_is_refused_with_case_and_seq_or_read_as_written(
    doc: dict[str, Any],
) -> None:
    policy = RICH.policy
    try:
        back = Case.from_json(policy, json.dumps(doc))
    except yq.CorruptCaseError as e:
        error = e
    else:
        _check_read_as_written(doc, back)
        return
    assert error.case_id == "YQ-H"
    assert error.seq is not None
    assert 1 <= error.seq <= len(doc["events"])
    assert str(error).startswith(f"case 'YQ-H' seq {error.seq}: ")
    for secret in SECRETS:
        assert secret not in str(error)


def _check_read_as_written(doc: dict[str, Any], back: Case) -> None:
    policy = RICH.policy
    if doc == RICH_DOC:
        assert back == RICH
    # Whatever replays is the document as written, event by event: nothing converted,
    # dropped or split on the way.
    assert len(back.events) == len(doc["events"])
    for raw, event in zip(doc["events"], back.events, strict=True):
        assert (raw["trigger"], raw["actor"]) == (event.trigger, event.actor)
        assert datetime.fromisoformat(raw["at"]) == event.at
        assert datetime.fromisoformat(raw["at"]).utcoffset() == event.at.utcoffset()
        assert set(raw["data"]) == set(event.data)
        for key, value in event.data.items():
            assert _as_written(raw["data"][key], value), (event.trigger, key)
    assert Case.from_json(policy, back.to_json()) == back


def test_an_instant_outside_the_computable_years_is_refused_not_a_calendar_error(
    tiered: yq.Policy,
) -> None:
    # Found by the mutation test: "13800000000" reads as epoch seconds, a day in 2407, where
    # no deadline can be counted. Such a document is unreadable, not a calendar failure.
    case = opened(tiered)
    doc = doc_of(case)
    doc["events"][0]["data"]["incident"]["discovered_at"] = "13800000000"
    e = refused_json(tiered, doc)
    assert str(e) == (
        f"case {case.id!r} seq 1: {READ}: data.incident.discovered_at: "
        "2407 is outside the years the library computes (1950-2099)"
    )
    doc = doc_of(case)
    doc["events"][0]["at"] = "2150-01-01T09:00:00+08:00"
    assert str(refused_json(tiered, doc)) == (
        f"case {case.id!r} seq 1: {READ}: at: "
        "2150 is outside the years the library computes (1950-2099)"
    )


def test_commands_and_incidents_outside_the_computable_years_are_refused(
    tiered: yq.Policy,
) -> None:
    with pytest.raises(yq.InvalidDataError, match="discovered_at: 2407 is outside the years"):
        yq.Incident(id="YQ-F", title="t", discovered_at=cst(2407, 1, 1))
    case = opened(tiered)
    with pytest.raises(yq.TransitionError, match="at: 2150 is outside the years"):
        case.fire("assess", at=cst(2150, 1, 1), actor="office")
    assert case.version == 1
