"""Issue 13, items 6 and 8: the order of handling without deadlines (``[[workflow.order]]``,
obligations without ``within``), and a lead unit per level (``workflow.lead_units``).

Due instants on the official calendar: found Tue 30 Sep 2025 17:00 (National Day 2025: 1-8 Oct
off, Sat 11 Oct a make-up working day); ``2h`` is elapsed time (30 Sep 19:00), ``1wd`` ends at
24:00 of 9 Oct; found Fri 13 Feb 2026 10:00 (Spring Festival 2026: 15-23 Feb off, Sat 14 Feb a
make-up working day), ``1wd`` ends at 24:00 of 14 Feb.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import yuqing_core as yq
from tests.helpers import cst, fmt
from yuqing_core.accountability import accountability
from yuqing_core.render.timeline import render
from yuqing_core.rules.obligations import NO_DUE

POLICY: dict[str, Any] = {
    "name": "ordered",
    "title": "先后有序",
    "roles": [
        {"id": "working_group", "label": "工作组"},
        {"id": "bureau_director", "label": "局长"},
        {"id": "city_bureau", "label": "市局"},
    ],
    "obligations": [
        {
            "id": "report-publicity",
            "rule": "S1",
            "kind": "report",
            "role": "publicity_dept",
            "within": "2h",
        },
        {"id": "wg", "rule": "S2", "kind": "report", "role": "working_group"},
        {
            "id": "director",
            "rule": "S2",
            "kind": "report",
            "role": "bureau_director",
            "after": "wg",
        },
        {"id": "city", "rule": "S2", "kind": "report", "role": "city_bureau", "after": "director"},
        {
            "id": "major-response",
            "rule": "S3",
            "kind": "initial_response",
            "role": "handling_unit",
            "within": "1wd",
            "levels": ["major"],
        },
    ],
    "workflow": {
        "order": [
            {
                "trigger": "start",
                "obligations": ["report-publicity"],
                "rule": "S1",
                "text": "先报宣传部",
            },
            {"trigger": "respond", "obligations": ["city"], "rule": "S2"},
            {
                "trigger": "archive",
                "triggers": ["refer"],
                "any_categories": ["fabrication"],
                "rule": "S4",
            },
            {"trigger": "track", "obligations": ["major-response"]},
        ],
        "units": ["信息组", "相关科室"],
        "lead_units": [
            {"level": "critical", "unit": "leading_group"},
            {"level": "major", "unit": "信息组"},
        ],
    },
}


@pytest.fixture(scope="module")
def policy() -> yq.Policy:
    return yq.load_policy(POLICY)


FOUND = cst(2025, 9, 30, 17)


def _open(
    policy: yq.Policy,
    found: datetime = FOUND,
    severity: str | None = None,
    **incident: Any,
) -> yq.Case:
    inc = yq.Incident(id="YQ-5", title="网传消息", discovered_at=found, **incident)
    return policy.open_case(inc, at=found, actor="monitor", severity=severity)


def _refused(case: yq.Case, trigger: str, at: datetime, **data: Any) -> str:
    before = case.events
    with pytest.raises(yq.TransitionError) as e:
        case.fire(trigger, at=at, actor="x", **data)
    assert case.events == before
    return str(e.value).split(" (allowed now")[0]


# -- item 6: order without deadlines --------------------------------------------------------


def test_handling_waits_for_the_report_to_the_publicity_department(policy: yq.Policy) -> None:
    case = _open(policy)
    assert _refused(case, "start", cst(2025, 9, 30, 17, 30)) == (
        "start: report-publicity (to be met or waived) must come first（S1）"
    )
    case.fire("report", at=cst(2025, 9, 30, 17, 40), actor="x", role="publicity_dept")
    case.fire("start", at=cst(2025, 9, 30, 17, 45), actor="x")
    assert case.state == "handling"


def test_a_waived_obligation_no_longer_holds_a_step_up(policy: yq.Policy) -> None:
    case = _open(policy)
    case.fire(
        "waive",
        at=cst(2025, 9, 30, 18),
        actor="x",
        obligation="report-publicity",
        reason="宣传部已知悉",
    )
    case.fire("start", at=cst(2025, 9, 30, 18, 5), actor="x")
    assert case.state == "handling"


def test_the_chain_of_reports_has_an_order_and_no_deadline(policy: yq.Policy) -> None:
    case = _open(policy)
    at = cst(2025, 9, 30, 17, 30)
    assert _refused(case, "respond", at) == "respond: city (not yet owed) must come first（S2）"
    # Untimed: owed, never due, never breached, even months later.
    wg = next(o for o in case.obligations if o.id == "wg")
    assert (wg.timed, wg.due_at, wg.status(cst(2026, 6, 1))) == (False, NO_DUE, "pending")
    assert [n.obligation_id for n in case.notifications(cst(2025, 10, 1))] == ["report-publicity"]
    case.fire("report", at=at, actor="x", role="working_group")
    assert _refused(case, "respond", at) == "respond: city (not yet owed) must come first（S2）"
    case.fire("report", at=cst(2025, 10, 2, 9), actor="x", role="bureau_director")
    assert _refused(case, "respond", cst(2025, 10, 2, 9)) == (
        "respond: city (to be met or waived) must come first（S2）"
    )
    case.fire("report", at=cst(2025, 10, 2, 10), actor="x", role="city_bureau")
    case.fire("respond", at=cst(2025, 10, 2, 11), actor="x")
    chain = [(o.id, fmt(o.anchor_at), fmt(o.met_at), o.timed) for o in case.obligations[1:4]]
    assert chain == [
        ("wg", "2025-09-30 17:00", "2025-09-30 17:30", False),
        ("director", "2025-09-30 17:30", "2025-10-02 09:00", False),
        ("city", "2025-10-02 09:00", "2025-10-02 10:00", False),
    ]
    lines = render(case, cst(2025, 10, 3)).splitlines()
    assert (
        "  2025-09-30 17:00 Tue  ◆ wg               报告 → 工作组（09-30 17:30 履行 met）"
        "（无时限 no deadline） [S2] ✓"
    ) in lines


CHAIN: dict[str, Any] = {
    **POLICY,
    "name": "chain",
    "workflow": {
        "order": [
            {"trigger": "report", "to": "bureau_director", "obligations": ["wg"], "rule": "S2"},
            {"trigger": "report", "to": ["city_bureau"], "obligations": ["director"], "rule": "S2"},
        ]
    },
}


def test_an_order_entry_with_to_guards_only_reports_to_those_roles() -> None:
    chain = yq.load_policy(CHAIN)
    case = _open(chain)
    at = cst(2025, 9, 30, 17, 30)
    # The director's report waits for the working group's; the city bureau's for the
    # director's; a report to anyone else (the publicity department) is not held up.
    assert _refused(case, "report", at, role="bureau_director") == (
        "report: wg (to be met or waived) must come first（S2）"
    )
    assert _refused(case, "report", at, roles=["city_bureau"]) == (
        "report: director (not yet owed) must come first（S2）"
    )
    case.fire("report", at=at, actor="x", role="publicity_dept")
    case.fire("report", at=cst(2025, 9, 30, 17, 40), actor="x", role="working_group")
    assert _refused(case, "report", cst(2025, 9, 30, 17, 45), role="city_bureau") == (
        "report: director (to be met or waived) must come first（S2）"
    )
    case.fire("report", at=cst(2025, 9, 30, 17, 50), actor="x", role="bureau_director")
    case.fire("report", at=cst(2025, 9, 30, 18), actor="x", role="city_bureau")
    assert [(o.id, fmt(o.met_at)) for o in case.obligations[1:4]] == [
        ("wg", "2025-09-30 17:40"),
        ("director", "2025-09-30 17:50"),
        ("city", "2025-09-30 18:00"),
    ]


def test_an_order_entry_to_an_unknown_role_is_a_load_error_naming_the_key() -> None:
    bad = {
        **CHAIN,
        "workflow": {"order": [{"trigger": "report", "to": "mayor", "obligations": ["wg"]}]},
    }
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(bad)
    assert "workflow.order[0].to[0]: 'mayor' is not a role of this policy" in str(e.value)


def test_a_fabrication_is_referred_before_it_is_archived(policy: yq.Policy) -> None:
    case = _open(policy, category=yq.Category.FABRICATION)
    for ident in ("report-publicity", "wg"):
        case.fire("waive", at=cst(2025, 9, 30, 18), actor="x", obligation=ident, reason="r")
    assert _refused(case, "archive", cst(2025, 9, 30, 19)) == (
        "archive: 'refer' must come first（S4）"
    )
    case.fire("refer", at=cst(2025, 9, 30, 19), actor="x")
    case.fire("archive", at=cst(2025, 9, 30, 19, 5), actor="x")
    assert case.state == "archived"


def test_other_content_is_archived_without_a_referral(policy: yq.Policy) -> None:
    case = _open(policy, category=yq.Category.INQUIRY)
    for ident in ("report-publicity", "wg"):
        case.fire("waive", at=cst(2025, 9, 30, 18), actor="x", obligation=ident, reason="r")
    case.fire("archive", at=cst(2025, 9, 30, 19), actor="x")
    assert case.state == "archived"


def test_an_obligation_the_case_does_not_owe_holds_nothing_up(policy: yq.Policy) -> None:
    general = _open(policy)
    general.fire("track", at=cst(2025, 9, 30, 18), actor="x")  # major-response: major only
    major = _open(policy, severity="major")
    # Major: the response is 1wd from 30 Sep 17:00 -> 24:00 of 9 Oct.
    assert fmt(next(o for o in major.obligations if o.id == "major-response").due_at) == (
        "2025-10-10 00:00"
    )
    assert _refused(major, "track", cst(2025, 9, 30, 18)) == (
        "track: major-response (to be met or waived) must come first"
    )


# -- item 8: a lead unit per level -----------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "unit"),
    [("critical", "leading_group"), ("major", "信息组"), ("general", "handling_unit")],
)
def test_assign_without_a_unit_goes_to_the_level_s_lead_unit(
    policy: yq.Policy, severity: str, unit: str
) -> None:
    case = _open(policy, severity=severity)
    case.fire(
        "waive", at=cst(2025, 9, 30, 18), actor="x", obligation="report-publicity", reason="r"
    )
    case.fire("assign", at=cst(2025, 9, 30, 18), actor="x")
    assert case.unit == unit
    assert case.events[-1].data == {}  # the unit is the policy's, not written in the event


def test_accountability_charges_the_lead_unit_before_assignment(policy: yq.Policy) -> None:
    # Found Fri 13 Feb 2026 10:00 (Spring Festival): the major response, 1wd, ends at 24:00
    # of Sat 14 Feb, a make-up working day.
    case = _open(policy, found=cst(2026, 2, 13, 10), severity="major")
    response = next(o for o in case.obligations if o.id == "major-response")
    assert fmt(response.due_at) == "2026-02-15 00:00"
    rows = accountability([case], cst(2026, 2, 1), cst(2026, 3, 1), now=cst(2026, 2, 24))
    assert [(r.role, r.unit, r.label, r.missed) for r in rows] == [
        ("handling_unit", "信息组", "信息组（责任单位）", 1),
        ("publicity_dept", None, "宣传部门", 1),
    ]
    assigned = _open(policy, found=cst(2026, 2, 13, 10), severity="major")
    assigned.fire("assign", at=cst(2026, 2, 13, 11), actor="x", unit="相关科室")
    rows = accountability([assigned], cst(2026, 2, 1), cst(2026, 3, 1), now=cst(2026, 2, 24))
    assert [(r.unit, r.label) for r in rows if r.role == "handling_unit"] == [
        ("相关科室", "相关科室（责任单位）")
    ]


def test_a_policy_without_lead_units_assigns_as_before() -> None:
    tiered = yq.presets.load("school-tiered")
    inc = yq.Incident(id="YQ-6", title="t", discovered_at=cst(2025, 9, 30, 17))
    case = tiered.open_case(inc, at=cst(2025, 9, 30, 17), actor="m", severity="critical")
    case.fire("report", at=cst(2025, 9, 30, 18), actor="x", role="principal_leader")
    case.fire("assign", at=cst(2025, 9, 30, 18), actor="x")
    assert case.unit == "handling_unit"


def test_an_untimed_obligation_is_never_due_work_in_the_store(
    policy: yq.Policy, tmp_path: Path
) -> None:
    case = _open(policy)
    with yq.SQLiteStore(tmp_path / "s.db") as store:
        store.save(case)
        due = [i.obligation_id for i in store.due_before(cst(2099, 12, 31), limit=100)]
        notices = {n.obligation_id for n in store.outbox(case.id)}
    with sqlite3.connect(tmp_path / "s.db") as db:  # the index itself, not only its reader
        indexed = [r[0] for r in db.execute("SELECT obligation_id FROM yq_open_obligations")]
    assert indexed == ["report-publicity"]
    untimed = {o.id for o in case.obligations if not o.timed}
    assert untimed == {"wg"}
    # report-publicity is the only deadline the case owes now; wg is owed but has none.
    assert due == ["report-publicity"]
    assert notices == {"report-publicity"}
