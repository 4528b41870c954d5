"""Issue 13, items 3-5: alternative recipients and the acting role, what meets an obligation,
and anchors on milestones (``conclude``, the latest firing of a trigger).

Every due instant is derived by hand on the official calendar:

- National Day 2025: 1-8 Oct off; Sun 28 Sep and Sat 11 Oct are make-up working days;
- National Day 2026: 1-7 Oct off; Sun 20 Sep and Sat 10 Oct are make-up working days;
- Spring Festival 2026: 15-23 Feb off; Sat 14 Feb and Sat 28 Feb are make-up working days.

A working-day period starts the next day and ends at 24:00 of its last working day (shown as
00:00 of the day after); ``same_day`` ends at 24:00 of the anchor's day.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst, fmt
from yuqing_core.accountability import accountability

POLICY: dict[str, Any] = {
    "name": "second-edition",
    "title": "第二版制度",
    "roles": [{"id": "network_centre", "label": "网络中心"}],
    "obligations": [
        {
            "id": "leader-report",
            "rule": "S5",
            "kind": "report",
            "role": ["principal_leader", "leader_in_charge"],
            "by": "office",
            "within": "1wd",
            "text": "报告主要领导或分管领导",
        },
        {
            "id": "party-report",
            "rule": "S10",
            "kind": "special_report",
            "role": ["party_branch", "publicity_dept"],
            "within": "3wd",
            "met_by": [{"trigger": "report", "by": "network_centre"}],
        },
        {
            "id": "principal-notice",
            "rule": "R1",
            "kind": "notify",
            "role": "principal_leader",
            "within": "2wd",
            "met_by": [{"trigger": "acknowledge", "by": "principal_leader"}],
        },
        {
            "id": "reply",
            "rule": "R2",
            "kind": "reply",
            "role": "handling_unit",
            "anchor": "conclude",
            "anchor_firing": "latest",
            "within": "same_day",
            "text": "办结当日答复",
        },
        {
            "id": "result",
            "rule": "R3",
            "kind": "feedback",
            "role": "office",
            "anchor": "conclude",
            "within": "2wd",
            "met_by": ["follow_up"],
        },
    ],
}


@pytest.fixture(scope="module")
def policy() -> yq.Policy:
    return yq.load_policy(POLICY)


def _open(policy: yq.Policy, found: datetime, case_id: str = "YQ-2") -> yq.Case:
    inc = yq.Incident(id=case_id, title="家长咨询", discovered_at=found)
    return policy.open_case(inc, at=found, actor="monitor")


def _due(case: yq.Case) -> list[tuple[str, str | None]]:
    return [(o.id, fmt(o.due_at)) for o in case.obligations]


# -- item 3: alternative recipients and the acting role -------------------------------------


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        # 30 Sep 2025 17:00: 1wd -> 9 Oct; 3wd -> 9, 10, 11 (Sat, make-up); 2wd -> 9, 10.
        (
            cst(2025, 9, 30, 17),
            ["2025-10-10 00:00", "2025-10-12 00:00", "2025-10-11 00:00"],
        ),
        # 30 Sep 2026 17:00: 1wd -> 8 Oct; 3wd -> 8, 9, 10 (Sat, make-up); 2wd -> 8, 9.
        (
            cst(2026, 9, 30, 17),
            ["2026-10-09 00:00", "2026-10-11 00:00", "2026-10-10 00:00"],
        ),
        # Fri 13 Feb 2026 10:00: 1wd -> 14 (Sat, make-up); 3wd -> 14, 24, 25; 2wd -> 14, 24.
        (
            cst(2026, 2, 13, 10),
            ["2026-02-15 00:00", "2026-02-26 00:00", "2026-02-25 00:00"],
        ),
    ],
)
def test_due_instants_across_the_holidays(
    policy: yq.Policy, found: datetime, expected: list[str]
) -> None:
    case = _open(policy, found)
    assert _due(case) == list(
        zip(["leader-report", "party-report", "principal-notice"], expected, strict=True)
    )


def test_a_report_to_any_of_the_recipients_meets_it(policy: yq.Policy) -> None:
    case = _open(policy, cst(2025, 9, 30, 17))
    # A report to the office is not one of them.
    case.fire("report", at=cst(2025, 10, 9, 9), actor="x", role="office")
    assert case.obligations[0].met_at is None
    case.fire("report", at=cst(2025, 10, 9, 10), actor="x", role="leader_in_charge")
    ob = case.obligations[0]
    assert (ob.role, ob.roles, ob.recipients, ob.by, fmt(ob.met_at), ob.met_by) == (
        "principal_leader",
        ("principal_leader", "leader_in_charge"),
        ("principal_leader", "leader_in_charge"),
        "office",
        "2025-10-09 10:00",
        3,
    )
    assert ob.status(cst(2025, 10, 10)) == "met"


def test_notifications_name_every_recipient(policy: yq.Policy) -> None:
    case = _open(policy, cst(2025, 9, 30, 17))
    (first, *_) = case.notifications(cst(2025, 9, 30, 18))
    assert (first.obligation_id, first.role_label, first.message) == (
        "leader-report",
        "主要领导或分管领导",
        "【报告】家长咨询：主要领导或分管领导，时限 2025-10-10 00:00（S5）",
    )


def test_accountability_charges_the_acting_role_not_the_recipient(policy: yq.Policy) -> None:
    case = _open(policy, cst(2025, 9, 30, 17))
    case.fire("report", at=cst(2025, 10, 10, 9), actor="x", role="principal_leader")
    rows = accountability([case], cst(2025, 10, 1), cst(2025, 11, 1), now=cst(2025, 10, 20))
    charged = {r.role: [(i.obligation_id, i.outcome) for i in r.items] for r in rows}
    # leader-report is owed to the leaders, sent by the office: the office met it late.
    assert charged["office"] == [("leader-report", "late")]
    assert (
        "principal_leader" not in charged
        or ("leader-report", "late") not in charged["principal_leader"]
    )
    assert rows[[r.role for r in rows].index("office")].label == "领导小组办公室"


# -- item 4: what meets an obligation ---------------------------------------------------------


def test_only_a_report_by_the_network_centre_meets_the_party_report(policy: yq.Policy) -> None:
    case = _open(policy, cst(2025, 9, 30, 17))
    case.fire(
        "report", at=cst(2025, 10, 9, 10), actor="x", role="publicity_dept", kind="special_report"
    )
    assert case.obligations[1].met_at is None
    case.fire(
        "report",
        at=cst(2025, 10, 9, 11),
        actor="x",
        role="publicity_dept",
        kind="special_report",
        by="network_centre",
    )
    assert fmt(case.obligations[1].met_at) == "2025-10-09 11:00"
    assert case.events[-1].data == {
        "by": "network_centre",
        "role": "publicity_dept",
        "kind": "special_report",
    }


def test_only_the_principal_s_acknowledgement_meets_the_notice(policy: yq.Policy) -> None:
    case = _open(policy, cst(2025, 9, 30, 17))
    case.fire("acknowledge", at=cst(2025, 10, 9, 12), actor="x", role="office")
    assert case.obligations[2].met_at is None
    case.fire("acknowledge", at=cst(2025, 10, 9, 13), actor="x", role="principal_leader")
    assert fmt(case.obligations[2].met_at) == "2025-10-09 13:00"


def test_an_acting_role_the_policy_does_not_have_is_refused(policy: yq.Policy) -> None:
    case = _open(policy, cst(2025, 9, 30, 17))
    before = case.events
    with pytest.raises(yq.TransitionError) as e:
        case.fire("report", at=cst(2025, 10, 9, 9), actor="x", role="office", by="dean")
    assert str(e.value).startswith("by: 'dean' is not a role of policy 'second-edition'")
    with pytest.raises(yq.TransitionError, match=r"data.by: String should match pattern"):
        case.fire("report", at=cst(2025, 10, 9, 9), actor="x", role="office", by="网络中心")
    assert case.events == before


def test_a_file_without_met_by_tables_means_what_it_meant() -> None:
    tiered = yq.presets.load("school-tiered")
    inc = yq.Incident(id="YQ-3", title="t", discovered_at=cst(2025, 9, 30, 17))
    case = tiered.open_case(inc, at=cst(2025, 9, 30, 17), actor="m")
    # A report naming an acting role meets a duty whose met_by names none, as any report.
    case.fire("report", at=cst(2025, 10, 9, 9), actor="x", role="business_supervisor", by="office")
    first = case.obligations[0]
    assert (first.id, fmt(first.met_at), first.roles, first.by) == (
        "general-report",
        "2025-10-09 09:00",
        (),
        None,
    )


# -- item 5: anchors on milestones ------------------------------------------------------------


def test_a_reply_falls_due_on_the_day_handling_concludes(policy: yq.Policy) -> None:
    case = _open(policy, cst(2025, 9, 29, 10))
    assert "reply" not in {o.id for o in case.obligations}  # waits for its milestone
    # Handling takes days across the holiday; it concludes Fri 10 Oct 15:00.
    case.fire("conclude", at=cst(2025, 10, 10, 15), actor="unit")
    now = cst(2025, 10, 10, 16)
    assert [(o.id, fmt(o.anchor_at), fmt(o.due_at), o.status(now)) for o in case.obligations][
        3:
    ] == [
        # same_day -> 24:00 of 10 Oct (due soon from 21:45, 3/4 of the 9 hours);
        # 2wd -> 11 Oct (Sat, make-up), Mon 13 Oct.
        ("reply", "2025-10-10 15:00", "2025-10-11 00:00", "pending"),
        ("result", "2025-10-10 15:00", "2025-10-14 00:00", "pending"),
    ]
    assert case.obligations[3].status(cst(2025, 10, 10, 21, 45)) == "due_soon"
    case.fire("respond", at=cst(2025, 10, 10, 22), actor="unit", kind="reply")
    case.fire("follow_up", at=cst(2025, 10, 13, 9), actor="office")
    assert [o.status(cst(2025, 10, 20)) for o in case.obligations][3:] == ["met", "met"]


@pytest.mark.parametrize(
    ("concluded", "reply_due", "result_due"),
    [
        # Wed 30 Sep 2026 10:00: same_day -> 1 Oct 00:00; 2wd -> 8, 9 Oct -> 10 Oct 00:00.
        (cst(2026, 9, 30, 10), "2026-10-01 00:00", "2026-10-10 00:00"),
        # Fri 13 Feb 2026 10:00: same_day -> 14 Feb 00:00; 2wd -> 14 (Sat), 24 -> 25 Feb.
        (cst(2026, 2, 13, 10), "2026-02-14 00:00", "2026-02-25 00:00"),
        # On a rest day (Sat 3 Oct 2026) the same day still ends at its 24:00.
        (cst(2026, 10, 3, 10), "2026-10-04 00:00", "2026-10-10 00:00"),
    ],
)
def test_milestone_anchored_due_instants(
    policy: yq.Policy, concluded: datetime, reply_due: str, result_due: str
) -> None:
    case = _open(policy, concluded.replace(hour=8))
    case.fire("conclude", at=concluded, actor="unit")
    assert _due(case)[3:] == [("reply", reply_due), ("result", result_due)]


def test_the_latest_firing_owes_it_anew_and_a_missed_one_stays_missed(policy: yq.Policy) -> None:
    case = _open(policy, cst(2025, 9, 29, 10))
    case.fire("conclude", at=cst(2025, 10, 10, 15), actor="unit")
    # Concluded again on Mon 13 Oct (a further finding): the reply due 11 Oct 00:00 was
    # missed and stays so; a new one is owed by 24:00 of 13 Oct. ``result`` runs from the
    # first conclusion only.
    case.fire("conclude", at=cst(2025, 10, 13, 15), actor="unit")
    now = cst(2025, 10, 13, 16)
    assert [
        (o.id, fmt(o.anchor_at), fmt(o.due_at), fmt(o.breached_at), o.status(now))
        for o in case.obligations[3:]
    ] == [
        ("reply", "2025-10-10 15:00", "2025-10-11 00:00", "2025-10-11 00:00", "breached"),
        ("result", "2025-10-10 15:00", "2025-10-14 00:00", None, "due_soon"),
        ("reply@2", "2025-10-13 15:00", "2025-10-14 00:00", None, "pending"),
    ]


def test_a_met_reply_is_owed_again_after_the_next_conclusion(policy: yq.Policy) -> None:
    case = _open(policy, cst(2025, 9, 29, 10))
    case.fire("conclude", at=cst(2025, 10, 10, 15), actor="unit")
    case.fire("respond", at=cst(2025, 10, 10, 16), actor="unit", kind="reply")
    case.fire("conclude", at=cst(2025, 10, 11, 10), actor="unit")
    assert [
        (o.id, fmt(o.due_at), fmt(o.met_at)) for o in case.obligations if o.kind == "reply"
    ] == [
        ("reply", "2025-10-11 00:00", "2025-10-10 16:00"),
        ("reply@2", "2025-10-12 00:00", None),
    ]


def test_anchors_at_refer_and_escalate_start_their_obligations() -> None:
    # Before the second edition an obligation anchored at refer or escalate never started.
    policy = yq.load_policy(
        {
            "name": "anchors",
            "title": "锚点",
            "obligations": [
                {
                    "id": "ref",
                    "rule": "R1",
                    "kind": "report",
                    "role": "superior",
                    "anchor": "refer",
                    "within": "1wd",
                },
                {
                    "id": "esc",
                    "rule": "R2",
                    "kind": "notify",
                    "role": "office",
                    "anchor": "escalate",
                    "within": "2h",
                },
            ],
        }
    )
    case = _open(policy, cst(2025, 9, 30, 9))
    case.fire("refer", at=cst(2025, 9, 30, 10), actor="x")
    case.fire("escalate", at=cst(2025, 9, 30, 23), actor="x", severity="major")
    # refer Tue 30 Sep 2025 10:00 + 1wd -> 9 Oct; escalate 23:00 + 2h -> 1 Oct 01:00.
    assert _due(case) == [("ref", "2025-10-10 00:00"), ("esc", "2025-10-01 01:00")]


# -- properties ---------------------------------------------------------------------------------

_ROLES = ("principal_leader", "leader_in_charge", "office", "party_branch", "publicity_dept")


@settings(max_examples=60, deadline=None)
@given(named=st.lists(st.sampled_from(_ROLES), min_size=1, max_size=3, unique=True))
def test_a_report_meets_an_obligation_iff_it_names_one_of_its_recipients(named: list[str]) -> None:
    policy = yq.load_policy(POLICY)
    case = _open(policy, cst(2025, 9, 30, 17))
    case.fire("report", at=cst(2025, 10, 9, 9), actor="x", roles=named)
    met = case.obligations[0].met_at is not None
    assert met == bool(set(named) & {"principal_leader", "leader_in_charge"})


@settings(max_examples=40, deadline=None)
@given(hours=st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=4))
def test_each_conclusion_owes_one_reply_from_it(hours: list[int]) -> None:
    from datetime import timedelta

    policy = yq.load_policy(POLICY)
    start = cst(2025, 9, 29, 10)
    case = _open(policy, start)
    instants = [start + timedelta(hours=sum(hours[: k + 1])) for k in range(len(hours))]
    for at in instants:
        case.fire("conclude", at=at, actor="unit")
    replies = [o for o in case.obligations if o.spec_id == "reply"]
    # One per conclusion, unless an earlier one was replaced before it fell due.
    assert replies[-1].anchor_at == instants[-1]
    assert [o.id for o in replies][-1] == (
        "reply" if len(instants) == 1 else f"reply@{len(instants)}"
    )
    for o in replies[:-1]:
        assert o.breached_at is not None
        assert o.closed_at is not None
    result = [o for o in case.obligations if o.spec_id == "result"]
    assert [o.anchor_at for o in result] == [instants[0]]
