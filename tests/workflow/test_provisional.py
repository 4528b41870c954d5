"""Provisional deadlines instead of refusals (issue 12): a case records, replays and reads back
whatever the calendar data, and says which due instants may still move.

``holidays`` 0.109 carries the State Council's arrangement to the end of 2026, so days from
1 Dec 2026 on are not settled. Without a notice, obligations past them are counted on the
projection: weekends rest, statutory holidays rest (New Year's Day, Fri 1 Jan 2027), no 调休
make-up days. The 2027 notice used here (``TEST_NOTICE_2027``) is made up for the tests: it
rests on Thu 31 Dec 2026 to Sat 2 Jan 2027 and works on Sun 3 Jan 2027.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import yuqing_core as yq
from tests.helpers import TEST_NOTICE_2027, cst
from yuqing_core.workflow import Case

OPENED = cst(2026, 12, 30, 17)  # a Wednesday
ASSESSED = cst(2026, 12, 30, 17, 30)


def _incident(**kw: Any) -> yq.Incident:
    base: dict[str, Any] = {"id": "YQ-2026-1230", "title": "跨年投诉", "discovered_at": OPENED}
    base.update(kw)
    return yq.Incident(**base)


def _facts(case: Case) -> list[tuple[str, str, datetime, bool]]:
    return [(o.id, o.rule, o.due_at, o.provisional) for o in case.obligations]


def _noticed(tmp_path: Path, notice: str = TEST_NOTICE_2027) -> yq.Policy:
    """school-tiered with the test's 2027 notice (same name: the same policy, a notice on)."""
    (tmp_path / "cn-2027.toml").write_text(notice, encoding="utf-8")
    policy_file = tmp_path / "school.toml"
    policy_file.write_text(
        'extends = "school-tiered"\n[calendar]\nnotices = ["cn-2027.toml"]\n', encoding="utf-8"
    )
    return yq.load_policy(policy_file)


@pytest.fixture
def case(tiered: yq.Policy) -> Case:
    case = tiered.open_case(_incident(), at=OPENED, actor="monitor")
    case.fire("assess", at=ASSESSED, actor="office", severity="major")
    return case


def test_a_case_across_the_horizon_opens_fires_and_owes_provisional_deadlines(
    case: Case,
) -> None:
    assert (case.state, case.severity, case.version) == ("assessed", yq.Severity.MAJOR, 2)
    # general-report, 1wd: Thu 31 Dec 2026 (official, but December of the last year) -> 24:00.
    # general-response, 3wd: 31 Dec, (Fri 1 Jan New Year's Day, 2-3 Jan weekend), Mon 4 and
    #   Tue 5 Jan -> 24:00 on 5 Jan; the escalation's major-response, 2wd from 17:30: 31 Dec and
    #   Mon 4 Jan -> 24:00 on 4 Jan, earlier, so it caps the running duty (P7, rule R3.2).
    # major-report, 24h from the escalation: elapsed time, never provisional.
    assert _facts(case) == [
        ("general-report", "R3.1", cst(2027, 1, 1), True),
        ("general-response", "R3.2", cst(2027, 1, 5), True),
        ("major-report", "R3.2", cst(2026, 12, 31, 17, 30), False),
    ]
    assert [o.projected for o in case.obligations] == [True, True, False]  # the earlier name
    # The policy's own calendar still refuses 2027: only the engine projects.
    with pytest.raises(yq.CalendarCoverageError):
        case.policy.calendar.due(OPENED, "3wd")


def test_notifications_say_which_due_instants_are_provisional(case: Case) -> None:
    notes = case.notifications(cst(2026, 12, 30, 18))
    assert [(n.obligation_id, n.due_at, n.provisional, n.message) for n in notes] == [
        (
            "major-report",
            cst(2026, 12, 31, 17, 30),
            False,
            "【报告】跨年投诉：主要领导，时限 2026-12-31 17:30（R3.2）",
        ),
        (
            "general-report",
            cst(2027, 1, 1),
            True,
            "【报告】跨年投诉：业务主管部门，时限 2027-01-01 00:00 暂定（R3.1）",
        ),
        (
            "general-response",
            cst(2027, 1, 5),
            True,
            "【初步处置并回应】跨年投诉：责任单位，时限 2027-01-05 00:00 暂定（R3.2）",
        ),
    ]


def test_json_and_replay_rebuild_the_same_provisional_case(case: Case) -> None:
    again = Case.from_json(case.policy, case.to_json())
    assert again == case
    assert again.obligations == case.obligations
    replayed = Case.replay(case.policy, case.events)
    assert replayed == case
    assert replayed.obligations == case.obligations
    # And it goes on: the report to the principal leader and to the business supervisor.
    case.fire(
        "report",
        at=cst(2026, 12, 31, 9),
        actor="office",
        roles=["principal_leader", "business_supervisor"],
    )
    assert [(o.id, o.status(cst(2026, 12, 31, 10))) for o in case.obligations] == [
        ("general-report", "met"),
        ("general-response", "pending"),
        ("major-report", "met"),
    ]


def _adopted(noticed: yq.Policy, case: Case) -> Case:
    """``case`` replayed with the notice's version of its policy adopted after its last event:
    a notice is part of the policy, so a case moves to it as to any new version."""
    return Case.replay(noticed, case.events, versions=[case.policy], adopt_at=case.events[-1].at)


def test_with_the_2027_notice_the_same_events_owe_official_deadlines(
    case: Case, tmp_path: Path
) -> None:
    noticed = _noticed(tmp_path)
    assert noticed.name == case.policy.name
    official = _adopted(noticed, case)
    # general-report, 1wd: Thu 31 Dec to Sat 2 Jan rest, Sun 3 Jan is a make-up working day:
    #   24:00 on 3 Jan (it was 24:00 on 31 Dec on the projection).
    # major-response, 2wd from 17:30: Sun 3 and Mon 4 Jan -> 24:00 on 4 Jan; general-response,
    #   3wd: 3, 4, 5 Jan -> 24:00 on 5 Jan, capped at 24:00 on 4 Jan.
    assert _facts(official) == [
        ("general-report", "R3.1", cst(2027, 1, 4), False),
        ("general-response", "R3.2", cst(2027, 1, 5), False),
        ("major-report", "R3.2", cst(2026, 12, 31, 17, 30), False),
    ]
    from_json = Case.from_json(
        noticed, case.to_json(), versions=[case.policy], adopt_at=case.events[-1].at
    )
    assert from_json.obligations == official.obligations
    assert [n.provisional for n in official.notifications(cst(2026, 12, 30, 18))] == [False] * 3


def test_the_make_up_working_day_is_what_moves_the_report(case: Case, tmp_path: Path) -> None:
    # The same notice without its make-up Sunday: 31 Dec to 3 Jan all rest, so the 1wd report
    # runs to Mon 4 Jan; with Sun 3 Jan worked it ends a day earlier.
    without = TEST_NOTICE_2027.replace("work_days = [2027-01-03]\n", "")
    assert without != TEST_NOTICE_2027
    policy = _noticed(tmp_path, without)
    assert _facts(_adopted(policy, case))[0] == (
        "general-report",
        "R3.1",
        cst(2027, 1, 5),
        False,
    )


def test_a_december_deadline_is_provisional_until_the_next_notice(
    tiered: yq.Policy, tmp_path: Path
) -> None:
    opened = cst(2026, 12, 7, 10)  # a Monday
    case = tiered.open_case(_incident(discovered_at=opened), at=opened, actor="monitor")
    # 1wd: Tue 8 Dec; 3wd: 8, 9, 10 Dec. The days are official, but the 2027 notice may still
    # move December 2026.
    assert _facts(case) == [
        ("general-report", "R3.1", cst(2026, 12, 9), True),
        ("general-response", "R3.1", cst(2026, 12, 11), True),
    ]
    # Once the 2027 notice is known, December 2026 is settled: the same instants, official.
    assert _facts(_adopted(_noticed(tmp_path), case)) == [
        ("general-report", "R3.1", cst(2026, 12, 9), False),
        ("general-response", "R3.1", cst(2026, 12, 11), False),
    ]
    # A November deadline never was provisional.
    november = tiered.open_case(
        _incident(id="YQ-11", discovered_at=cst(2026, 11, 25, 10)),
        at=cst(2026, 11, 25, 10),
        actor="monitor",
    )
    # 1wd: Thu 26 Nov; 3wd: 26, 27, 30 Nov.
    assert _facts(november) == [
        ("general-report", "R3.1", cst(2026, 11, 27), False),
        ("general-response", "R3.1", cst(2026, 12, 1), False),
    ]


def test_elapsed_deadlines_are_never_provisional(tiered: yq.Policy) -> None:
    far = cst(2031, 6, 2, 9)
    case = tiered.open_case(
        _incident(discovered_at=far, flags=frozenset({"superior_instruction"})), at=far, actor="m"
    )
    assert _facts(case) == [
        ("critical-report", "R3.3", cst(2031, 6, 2, 12), False),  # 3h
        ("critical-response", "R3.3", cst(2031, 6, 3, 9), False),  # 24h
    ]


def test_an_extension_in_a_projected_year_is_recorded_and_provisional() -> None:
    policy = yq.presets.load("park-message-board")
    posted = cst(2027, 3, 1, 10)  # a Monday
    case = policy.open_case(
        _incident(posted_at=posted, discovered_at=posted), at=posted, actor="admin"
    )
    reply = {o.id: o for o in case.obligations}["reply"]
    # 3d from Mon 1 Mar: Thu 4 Mar, 24:00.
    assert (reply.due_at, reply.provisional) == (cst(2027, 3, 5), True)
    # Extended by 3d from 24:00 on 4 Mar: nominal Sun 7 Mar, moved to Mon 8 Mar. The cap
    # check counts on the same projecting calendar, so the command is taken.
    case.fire("extend", at=cst(2027, 3, 2, 9), actor="office", obligation="reply", by="3d")
    reply = {o.id: o for o in case.obligations}["reply"]
    assert (reply.due_at, reply.extensions, reply.provisional) == (cst(2027, 3, 9), ("3d",), True)
    assert Case.replay(policy, case.events).obligations == case.obligations


def test_ladder_steps_rest_on_the_steps_before_them() -> None:
    policy = yq.load_policy(
        {
            "name": "ladder",
            "title": "逐级通知",
            "ladders": [
                {
                    "id": "call",
                    "rule": "L1",
                    "steps": [
                        {"role": "office", "timeout": "1wd"},
                        {"role": "principal_leader", "timeout": "2h"},
                    ],
                }
            ],
        }
    )
    found = cst(2026, 11, 27, 10)  # a Friday
    case = policy.open_case(_incident(discovered_at=found), at=found, actor="m")
    # Step 1, 1wd: Mon 30 Nov, 24:00 (settled). Step 2, 2h after that: settled too.
    assert _facts(case) == [
        ("call#1", "L1", cst(2026, 12, 1), False),
        ("call#2", "L1", cst(2026, 12, 1, 2), False),
    ]
    found = cst(2026, 11, 30, 10)
    case = policy.open_case(_incident(id="YQ-2", discovered_at=found), at=found, actor="m")
    # Step 1 ends with Tue 1 Dec (unsettled), and step 2 counts from it.
    assert _facts(case) == [
        ("call#1", "L1", cst(2026, 12, 2), True),
        ("call#2", "L1", cst(2026, 12, 2, 2), True),
    ]
