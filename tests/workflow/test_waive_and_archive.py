"""No silent archive (issue 13, item 7): ``archive`` waits until every obligation whose clock
started is met or waived (``waive``, with a reason, by an actor); a waiver stays on the record
(timeline, accountability) and never erases a breach.

Due instants on the official calendar: found Tue 30 Sep 2025 17:00, school-tiered ``general``:
``general-report`` 1wd -> 1-8 Oct are off, 9 Oct is the first working day -> 10 Oct 00:00;
``general-response`` 3wd -> 9, 10, 11 Oct (Sat, a make-up working day) -> 12 Oct 00:00.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst, fmt
from yuqing_core.accountability import accountability
from yuqing_core.render.accountability import render_accountability_markdown
from yuqing_core.render.timeline import render

FOUND = cst(2025, 9, 30, 17)


@pytest.fixture
def tiered() -> yq.Policy:
    return yq.presets.load("school-tiered")


def _case(policy: yq.Policy, case_id: str = "YQ-7") -> yq.Case:
    inc = yq.Incident(id=case_id, title="食堂投诉", discovered_at=FOUND)
    return policy.open_case(inc, at=FOUND, actor="monitor")


def _snapshot(case: yq.Case) -> tuple[object, ...]:
    return (case.events, case.state, case.obligations)


def test_archive_five_minutes_after_open_is_refused_and_changes_nothing(
    tiered: yq.Policy,
) -> None:
    case = _case(tiered)
    before = _snapshot(case)
    with pytest.raises(yq.TransitionError) as e:
        case.fire("archive", at=cst(2025, 9, 30, 17, 5), actor="office")
    assert str(e.value).startswith(
        "archive: 2 obligation(s) still owed (general-report, general-response); meet each, "
        "or waive it with a reason (waive), or dismiss the case with a reason"
    )
    assert _snapshot(case) == before


def test_waived_obligations_stay_on_the_record_and_archive_goes_ahead(tiered: yq.Policy) -> None:
    case = _case(tiered)
    at = cst(2025, 9, 30, 17, 5)
    case.fire("waive", at=at, actor="office", obligation="general-report", reason="误报，已核实")
    with pytest.raises(yq.TransitionError, match=r"1 obligation\(s\) still owed \(general-resp"):
        case.fire("archive", at=at, actor="office")
    case.fire("waive", at=at, actor="office", obligation="general-response", reason="误报")
    case.fire("archive", at=cst(2025, 9, 30, 17, 6), actor="office")
    later = cst(2025, 10, 20)
    assert [
        (o.id, fmt(o.due_at), o.status(later), fmt(o.waived_at), o.waived_by)
        for o in case.obligations
    ] == [
        ("general-report", "2025-10-10 00:00", "waived", "2025-09-30 17:05", 2),
        ("general-response", "2025-10-12 00:00", "waived", "2025-09-30 17:05", 3),
    ]
    # Before the waiver the obligation was pending, as an officer saw it then.
    assert case.obligations[0].status(cst(2025, 9, 30, 17, 1)) == "pending"
    assert [e.data for e in case.events if e.trigger == "waive"] == [
        {"obligation": "general-report", "reason": "误报，已核实"},
        {"obligation": "general-response", "reason": "误报"},
    ]
    text = render(case, later)
    assert (
        "  2025-10-10 00:00 Fri  ◆ general-report   报告 → 业务主管部门"
        "（09-30 17:05 免除 waived，附理由 reason given） [R3.1] ○ 免除 waived"
    ) in text.splitlines()
    assert "误报" not in text  # the reason is free text: the timeline says one was given
    again = yq.Case.from_json(tiered, case.to_json())
    assert again == case
    assert again.obligations == case.obligations


def test_a_waiver_after_the_due_instant_keeps_the_breach(tiered: yq.Policy) -> None:
    case = _case(tiered)
    # general-report fell due 10 Oct 00:00 unmet; it is waived on 13 Oct.
    case.fire("report", at=cst(2025, 10, 9, 9), actor="office", role="principal_leader")
    case.fire(
        "waive", at=cst(2025, 10, 13, 9), actor="office", obligation="general-report", reason="x"
    )
    report = case.obligations[0]
    assert (fmt(report.breached_at), fmt(report.waived_at)) == (
        "2025-10-10 00:00",
        "2025-10-13 09:00",
    )
    assert report.status(cst(2025, 10, 14)) == "breached"
    rows = accountability([case], cst(2025, 10, 1), cst(2025, 10, 31), now=cst(2025, 10, 14))
    # general-response (due 12 Oct) is still owed on 14 Oct: missed too.
    assert [(r.role, r.late, r.missed, r.waived) for r in rows] == [
        ("business_supervisor", 0, 1, 0),
        ("handling_unit", 0, 1, 0),
    ]
    item = rows[0].items[0]
    assert (item.outcome, fmt(item.due_at), fmt(item.waived_at), item.waived_by) == (
        "missed",
        "2025-10-10 00:00",
        "2025-10-13 09:00",
        3,
    )


def test_accountability_lists_waivers_beside_misses(tiered: yq.Policy) -> None:
    case = _case(tiered)
    case.fire("waive", at=cst(2025, 10, 2, 9), actor="o", obligation="general-response", reason="r")
    rows = accountability([case], cst(2025, 10, 1), cst(2025, 10, 31), now=cst(2025, 10, 14))
    assert [(r.label, r.late, r.missed, r.waived) for r in rows] == [
        ("业务主管部门", 0, 1, 0),
        ("责任单位", 0, 0, 1),
    ]
    assert render_accountability_markdown(rows).splitlines() == [
        "| 单位/角色 | 逾期办结 | 未办 | 免除 | 明细 |",
        "| --- | ---: | ---: | ---: | --- |",
        "| 业务主管部门 | 0 | 1 | 0 | YQ-7 general-report（R3.1）时限 2025-10-10 00:00，未办 |",
        "| 责任单位 | 0 | 0 | 1 | YQ-7 general-response（R3.1）时限 2025-10-12 00:00，"
        "免除 2025-10-02 09:00（附理由） |",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"obligation": "general-report"}, "waive needs 'reason'"),
        ({"obligation": "general-report", "reason": "   "}, "data.reason:"),
        ({"reason": "r"}, "waive needs 'obligation'"),
        (
            {"obligation": "major-report", "reason": "r"},
            "waive: 'major-report' is not an obligation the case owes now "
            "(owed: general-report, general-response)",
        ),
    ],
)
def test_a_waiver_that_cannot_be_taken_is_refused(
    tiered: yq.Policy, data: dict[str, str], message: str
) -> None:
    case = _case(tiered)
    before = _snapshot(case)
    with pytest.raises(yq.TransitionError) as e:
        case.fire("waive", at=cst(2025, 9, 30, 18), actor="office", **data)
    assert message in str(e.value)
    assert _snapshot(case) == before


def test_a_met_obligation_cannot_be_waived(tiered: yq.Policy) -> None:
    case = _case(tiered)
    case.fire("report", at=cst(2025, 9, 30, 18), actor="o", role="business_supervisor")
    with pytest.raises(yq.TransitionError, match="'general-report' is not an obligation the"):
        case.fire(
            "waive", at=cst(2025, 9, 30, 19), actor="o", obligation="general-report", reason="r"
        )


def test_a_dismissal_with_a_reason_closes_the_case_as_before(tiered: yq.Policy) -> None:
    case = _case(tiered)
    case.fire("dismiss", at=cst(2025, 9, 30, 17, 5), actor="office", reason="不属于舆情")
    assert (case.state, case.obligations) == ("dismissed", ())


def test_a_ladder_step_can_be_waived_and_ends_the_ladder() -> None:
    policy = yq.load_policy(
        {
            "name": "ladder",
            "title": "逐级通知",
            "ladders": [
                {
                    "id": "call",
                    "rule": "R1",
                    "steps": [
                        {"role": "office", "timeout": "30min"},
                        {"role": "principal_leader", "timeout": "1h"},
                    ],
                }
            ],
        }
    )
    case = _case(policy)
    case.fire("waive", at=cst(2025, 9, 30, 17, 10), actor="o", obligation="call#1", reason="r")
    assert [(o.id, fmt(o.due_at), o.status(cst(2025, 9, 30, 19))) for o in case.obligations] == [
        ("call#1", "2025-09-30 17:30", "waived")
    ]
    case.fire("archive", at=cst(2025, 9, 30, 17, 11), actor="o")
    assert case.state == "archived"


# -- a property: archive is accepted exactly when nothing started is left owed -------------


_LEVEL_OBLIGATIONS = ("general-report", "general-response")


@settings(max_examples=40, deadline=None)
@given(
    met=st.sets(st.sampled_from(_LEVEL_OBLIGATIONS)),
    waived=st.sets(st.sampled_from(_LEVEL_OBLIGATIONS)),
    minutes=st.integers(min_value=1, max_value=60 * 24 * 20),
)
def test_archive_is_accepted_exactly_when_each_obligation_is_met_or_waived(
    met: set[str], waived: set[str], minutes: int
) -> None:
    from datetime import timedelta

    policy = yq.presets.load("school-tiered")
    case = _case(policy)
    at: datetime = FOUND + timedelta(minutes=minutes)
    if "general-report" in met:
        case.fire("report", at=at, actor="o", role="business_supervisor")
    if "general-response" in met:
        case.fire("respond", at=at, actor="o")
    for ident in sorted(waived - met):
        case.fire("waive", at=at, actor="o", obligation=ident, reason="核实")
    settled = met | waived
    if settled >= set(_LEVEL_OBLIGATIONS):
        case.fire("archive", at=at, actor="o")
        assert case.state == "archived"
    else:
        with pytest.raises(yq.TransitionError, match="still owed"):
            case.fire("archive", at=at, actor="o")
    # Nothing settled is dropped from the record.
    assert {o.id for o in case.obligations} == set(_LEVEL_OBLIGATIONS)


def test_a_case_archived_before_the_check_still_replays(tiered: yq.Policy) -> None:
    # Recorded by an earlier release: archived five minutes after it opened, nothing met.
    # Replay accepts what was recorded (a refusal would make the stored case unreadable);
    # the obligations closed unmet before their due instants are left out, as then.
    opened = _case(tiered)
    archived = yq.workflow.Event("archive", cst(2025, 9, 30, 17, 5), "office", {})
    case = yq.Case.replay(tiered, [*opened.events, archived])
    assert (case.state, case.obligations) == ("archived", ())
    # The same command given now is refused.
    with pytest.raises(yq.TransitionError, match="still owed"):
        opened.fire("archive", at=cst(2025, 9, 30, 17, 5), actor="office")
