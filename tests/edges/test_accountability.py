"""Accountability (RULES X2): late and missed obligations per role and per handling unit.

Six cases on the school-tiered preset (S3) in November 2025, which has no holiday. Due
instants by hand: general report 1 working day, response 3 working days from discovery;
major report 24 h, response 2 working days; critical report 3 h, response 24 h (P4).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.accountability import (
    AccountabilityError,
    AccountabilityItem,
    AccountabilityRow,
    accountability,
)
from yuqing_core.render.accountability import render_accountability_markdown
from yuqing_core.store import SQLiteStore
from yuqing_core.workflow import Case

START = cst(2025, 11, 3)
END = cst(2025, 11, 8)
NOW = cst(2025, 11, 10, 9)


def open_case(policy: yq.Policy, case_id: str, found: datetime, severity: str) -> Case:
    inc = yq.Incident(id=case_id, title="投诉", discovered_at=found)
    return policy.open_case(inc, at=found, actor="monitor", severity=severity)


def scenario() -> list[Case]:
    policy = yq.presets.load("school-tiered")
    # YQ-1 general, found Mon 3 Nov 09:00: report due 5 Nov 00:00, met 10:00 (late);
    # response due 7 Nov 00:00, met 6 Nov 15:00 (in time).
    k1 = open_case(policy, "YQ-1", cst(2025, 11, 3, 9), "general")
    k1.fire("report", at=cst(2025, 11, 5, 10), actor="office")
    k1.fire("assign", at=cst(2025, 11, 5, 11), actor="office", unit="后勤处")
    k1.fire("respond", at=cst(2025, 11, 6, 15), actor="后勤处")
    # YQ-2 critical, found Tue 4 Nov 10:00: report due 13:00, met 12:00 (in time);
    # response due 5 Nov 10:00, met 16:00 by 后勤处 (late).
    k2 = open_case(policy, "YQ-2", cst(2025, 11, 4, 10), "critical")
    k2.fire("report", at=cst(2025, 11, 4, 12), actor="office")
    k2.fire("assign", at=cst(2025, 11, 4, 12, 30), actor="office", unit="后勤处")
    k2.fire("respond", at=cst(2025, 11, 5, 16), actor="后勤处")
    # YQ-3 major, found Mon 3 Nov 20:00: report due 4 Nov 20:00 and response due 6 Nov
    # 00:00, both never met; assigned to 教务处.
    k3 = open_case(policy, "YQ-3", cst(2025, 11, 3, 20), "major")
    k3.fire("assign", at=cst(2025, 11, 4, 9), actor="office", unit="教务处")
    # YQ-4 general, found Mon 10 Nov: due 12 and 14 Nov, outside the period.
    k4 = open_case(policy, "YQ-4", cst(2025, 11, 10, 8), "general")
    # YQ-5 general, found Mon 3 Nov 09:00: report met 4 Nov; response due 7 Nov 00:00 never
    # met and never assigned: charged to the default unit.
    k5 = open_case(policy, "YQ-5", cst(2025, 11, 3, 9), "general")
    k5.fire("report", at=cst(2025, 11, 4, 9), actor="office")
    # YQ-6 general, found Mon 3 Nov 09:00, dismissed Thu 6 Nov 09:00: the report (due 5 Nov
    # 00:00) was overdue when the case closed, so it stays missed; the response (due 7 Nov)
    # was waived before it fell due.
    k6 = open_case(policy, "YQ-6", cst(2025, 11, 3, 9), "general")
    k6.fire("dismiss", at=cst(2025, 11, 6, 9), actor="office", reason="重复登记")
    return [k1, k2, k3, k4, k5, k6]


def late(case_id: str, ob: str, rule: str, due: datetime, met: datetime) -> AccountabilityItem:
    kind = "report" if ob.endswith("report") else "initial_response"
    return AccountabilityItem(case_id, ob, kind, rule, due, met, "late")


def missed(case_id: str, ob: str, rule: str, due: datetime) -> AccountabilityItem:
    kind = "report" if ob.endswith("report") else "initial_response"
    return AccountabilityItem(case_id, ob, kind, rule, due, None, "missed")


EXPECTED = [
    AccountabilityRow(
        "business_supervisor",
        None,
        "业务主管部门",
        1,
        1,
        (
            late("YQ-1", "general-report", "R3.1", cst(2025, 11, 5), cst(2025, 11, 5, 10)),
            missed("YQ-6", "general-report", "R3.1", cst(2025, 11, 5)),
        ),
    ),
    AccountabilityRow(
        "handling_unit",
        "handling_unit",
        "责任单位",
        0,
        1,
        (missed("YQ-5", "general-response", "R3.1", cst(2025, 11, 7)),),
    ),
    AccountabilityRow(
        "handling_unit",
        "教务处",
        "教务处（责任单位）",
        0,
        1,
        (missed("YQ-3", "major-response", "R3.2", cst(2025, 11, 6)),),
    ),
    AccountabilityRow(
        "principal_leader",
        None,
        "主要领导",
        0,
        1,
        (missed("YQ-3", "major-report", "R3.2", cst(2025, 11, 4, 20)),),
    ),
    AccountabilityRow(
        "handling_unit",
        "后勤处",
        "后勤处（责任单位）",
        1,
        0,
        (late("YQ-2", "critical-response", "R3.3", cst(2025, 11, 5, 10), cst(2025, 11, 5, 16)),),
    ),
]


def test_rows_per_role_and_per_handling_unit() -> None:
    assert accountability(scenario(), START, END, now=NOW) == EXPECTED


def test_markdown_table() -> None:
    text = render_accountability_markdown(accountability(scenario(), START, END, now=NOW))
    assert text.splitlines() == [
        "| 单位/角色 | 逾期办结 | 未办 | 明细 |",
        "| --- | ---: | ---: | --- |",
        "| 业务主管部门 | 1 | 1 | YQ-1 general-report（R3.1）时限 2025-11-05 00:00，"
        "办结 2025-11-05 10:00<br>YQ-6 general-report（R3.1）时限 2025-11-05 00:00，未办 |",
        "| 责任单位 | 0 | 1 | YQ-5 general-response（R3.1）时限 2025-11-07 00:00，未办 |",
        "| 教务处（责任单位） | 0 | 1 | YQ-3 major-response（R3.2）时限 2025-11-06 00:00，未办 |",
        "| 主要领导 | 0 | 1 | YQ-3 major-report（R3.2）时限 2025-11-04 20:00，未办 |",
        "| 后勤处（责任单位） | 1 | 0 | YQ-2 critical-response（R3.3）时限 2025-11-05 10:00，"
        "办结 2025-11-05 16:00 |",
    ]


def test_empty_table_says_so() -> None:
    assert render_accountability_markdown([]).splitlines()[-1] == "| （无逾期或未办） | 0 | 0 | |"


def test_pipes_in_unit_names_do_not_break_the_table() -> None:
    policy = yq.presets.load("school-tiered")
    case = open_case(policy, "YQ-7", cst(2025, 11, 3, 9), "general")
    case.fire("assign", at=cst(2025, 11, 3, 10), actor="office", unit="后勤|保卫")
    rows = accountability([case], START, END, now=NOW)
    assert [r.label for r in rows] == ["业务主管部门", "后勤|保卫（责任单位）"]
    assert "| 后勤\\|保卫（责任单位） | 0 | 1 |" in render_accountability_markdown(rows)


def test_period_is_half_open_on_the_due_instant() -> None:
    cases = scenario()
    # Both general reports are due exactly 5 Nov 00:00.
    at_start = accountability(cases, cst(2025, 11, 5), cst(2025, 11, 5, 1), now=NOW)
    assert [(r.role, r.late, r.missed) for r in at_start] == [("business_supervisor", 1, 1)]
    assert accountability(cases, cst(2025, 11, 4, 21), cst(2025, 11, 5), now=NOW) == []


def test_as_of_now_a_duty_met_later_was_still_missed() -> None:
    cases = scenario()
    rows = accountability(cases, START, END, now=cst(2025, 11, 5, 5))
    # At 05:00 on 5 Nov only the two reports due before then were overdue; YQ-1's report
    # was met later that morning, so at 05:00 it was missed, not late.
    assert [(r.label, [(i.case_id, i.outcome, i.met_at) for i in r.items]) for r in rows] == [
        ("业务主管部门", [("YQ-1", "missed", None), ("YQ-6", "missed", None)]),
        ("主要领导", [("YQ-3", "missed", None)]),
    ]


def test_paused_duties_are_not_missed() -> None:
    # school-tiered pauses nothing; a policy built on it that pauses responses does.
    policy = yq.load_policy(
        {"extends": "school-tiered", "workflow": {"pausable": ["initial_response"]}}
    )
    case = open_case(policy, "YQ-8", cst(2025, 11, 3, 9), "general")
    case.fire("report", at=cst(2025, 11, 4, 9), actor="office")
    case.fire("pause", at=cst(2025, 11, 4, 10), actor="unit", reason="等待来信人补充材料")
    assert accountability([case], START, cst(2025, 12, 1), now=NOW) == []


def test_stored_cases_give_the_same_rows(tmp_path: Path) -> None:
    policy = yq.presets.load("school-tiered")
    store = SQLiteStore(tmp_path / "s.db")
    for case in scenario():
        store.save(case)
    assert accountability(store.load_all(policy), START, END, now=NOW) == EXPECTED


def test_bad_period_or_naive_time() -> None:
    with pytest.raises(AccountabilityError, match="the period is empty"):
        accountability([], END, START, now=NOW)
    with pytest.raises(yq.NaiveDatetimeError, match="now: 2025-11-10T09:00:00 has no time zone"):
        accountability([], START, END, now=datetime(2025, 11, 10, 9))


@settings(max_examples=30, deadline=None)
@given(split=st.integers(1, 24 * 12), span=st.integers(1, 24 * 12))
def test_counts_add_up_across_a_split_period(split: int, span: int) -> None:
    cases = scenario()
    a = cst(2025, 11, 1)
    b = a + timedelta(hours=split)
    c = b + timedelta(hours=span)

    def totals(rows: list[AccountabilityRow]) -> dict[tuple[str, str | None], tuple[int, int]]:
        return {(r.role, r.unit): (r.late, r.missed) for r in rows}

    whole = totals(accountability(cases, a, c, now=NOW))
    parts = [totals(accountability(cases, lo, hi, now=NOW)) for lo, hi in ((a, b), (b, c))]
    merged: dict[tuple[str, str | None], tuple[int, int]] = {}
    for part in parts:
        for key, (lt, ms) in part.items():
            old = merged.get(key, (0, 0))
            merged[key] = (old[0] + lt, old[1] + ms)
    assert merged == whole
    for row in accountability(cases, b, c, now=NOW):
        assert all(b <= i.due_at < c for i in row.items)


def test_a_late_extension_is_counted_against_the_due_instant_it_missed() -> None:
    # The general response is not extendable in school-tiered: make the rule extendable.
    policy = yq.load_policy(
        {
            "extends": "school-tiered",
            "workflow": {"max_extension": "5wd", "late_extension": True},
            "obligations": [{"id": "general-response", "extendable": True}],
        }
    )
    case = open_case(policy, "YQ-9", cst(2025, 11, 3, 9), "general")
    # Response 3 working days from Mon 3 Nov: due 7 Nov 00:00; extended on Mon 10 Nov by 2
    # working days from 24:00 on 6 Nov: Fri 7, Mon 10 Nov -> 11 Nov 00:00.
    case.fire("extend", at=cst(2025, 11, 10, 9), actor="o", by="2wd", obligation="general-response")
    response = next(o for o in case.obligations if o.id == "general-response")
    assert (response.due_at, response.breached_at) == (cst(2025, 11, 11), cst(2025, 11, 7))
    # Counted in the period holding 7 Nov, not in the one holding 11 Nov: once, never twice.
    first = accountability([case], START, END, now=NOW)
    assert [
        (i.obligation_id, i.due_at, i.extended_to, i.outcome) for r in first for i in r.items
    ] == [
        ("general-report", cst(2025, 11, 5), None, "missed"),
        ("general-response", cst(2025, 11, 7), cst(2025, 11, 11), "missed"),
    ]
    second = accountability([case], END, cst(2025, 11, 15), now=NOW)
    assert [i.obligation_id for r in second for i in r.items] == []
