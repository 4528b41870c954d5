"""Accountability for the duty roster (X2 in docs/rules.md): roster duties met late or missed,
per role, from recorded fulfilments; the open spans of real cases for ``while_open`` duties.

National Day 2025: 1-8 Oct off (Mon 6 Oct is 中秋节); Sun 28 Sep and Sat 11 Oct are make-up
working days.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.accountability import (
    AccountabilityItem,
    case_spans,
    duty_accountability,
)
from yuqing_core.render.accountability import render_accountability_markdown
from yuqing_core.rules.monitoring import CaseSpan
from yuqing_core.rules.roster import fulfil

POLICY = yq.load_policy(
    {
        "name": "roster",
        "title": "某校舆情值班",
        "monitoring": [
            {
                "id": "daily-log",
                "rule": "R4.2",
                "kind": "daily_log",
                "rrule": "FREQ=DAILY;BYHOUR=16;BYMINUTE=0",
                "working_days_only": True,
            },
            {
                "id": "weekly-report",
                "rule": "本校第9条",
                "kind": "report",
                "role": "office",
                "recipient": "principal_leader",
                "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0",
                "on_rest_day": "next_working_day",
            },
            {
                "id": "watch",
                "rule": "本校第7条",
                "kind": "watch",
                "role": "leading_group",
                "rrule": "FREQ=DAILY;BYHOUR=20;BYMINUTE=0",
                "while_open": {"any_flags": ["mass_incident"]},
            },
        ],
    }
)


def item(duty: str, rule: str, kind: str, due: datetime, met: datetime | None) -> Any:
    return AccountabilityItem(
        case_id="",
        obligation_id=duty,
        kind=kind,
        rule=rule,
        due_at=due,
        met_at=met,
        outcome="late" if met else "missed",
    )


def test_late_and_missed_roster_duties_per_role() -> None:
    done = [
        fulfil(POLICY, "daily-log", at=cst(2025, 9, 28, 15), actor="a"),
        fulfil(POLICY, "daily-log", at=cst(2025, 9, 29, 18), actor="a"),
        fulfil(POLICY, "weekly-report", at=cst(2025, 9, 29, 9), actor="b", report="周报-39"),
        fulfil(POLICY, "weekly-report", at=cst(2025, 10, 9, 11, 30), actor="b"),
    ]
    rows = duty_accountability(
        POLICY, cst(2025, 9, 27), cst(2025, 10, 11), done, now=cst(2025, 10, 12)
    )
    assert [(r.role, r.label, r.late, r.missed) for r in rows] == [
        ("monitor", "监测员", 1, 3),
        ("office", "领导小组办公室", 1, 0),
    ]
    assert rows[0].items == (
        item("daily-log", "R4.2", "daily_log", cst(2025, 9, 29, 16), cst(2025, 9, 29, 18)),
        item("daily-log", "R4.2", "daily_log", cst(2025, 9, 30, 16), None),
        item("daily-log", "R4.2", "daily_log", cst(2025, 10, 9, 16), None),
        item("daily-log", "R4.2", "daily_log", cst(2025, 10, 10, 16), None),
    )
    # The weekly report of Mon 6 Oct (中秋节) was due Thu 9 Oct 10:00: met 90 minutes late.
    assert rows[1].items == (
        item(
            "weekly-report", "本校第9条", "report", cst(2025, 10, 9, 10), cst(2025, 10, 9, 11, 30)
        ),
    )
    table = render_accountability_markdown(rows)
    assert table.splitlines()[-1] == (
        "| 领导小组办公室 | 1 | 0 | 值班 weekly-report（本校第9条）时限 2025-10-09 10:00，"
        "办结 2025-10-09 11:30 |"
    )


def test_nothing_owed_before_now_is_charged() -> None:
    rows = duty_accountability(
        POLICY, cst(2025, 9, 27), cst(2025, 10, 11), [], now=cst(2025, 9, 28, 16)
    )
    assert rows == []
    with pytest.raises(yq.AccountabilityError) as e:
        duty_accountability(POLICY, cst(2025, 10, 11), cst(2025, 10, 11), [], now=cst(2025, 10, 12))
    assert str(e.value) == (
        "the period is empty: end 2025-10-11T00:00:00+08:00 is not after start "
        "2025-10-11T00:00:00+08:00"
    )


def _mass_incident_case() -> yq.Case:
    policy = yq.presets.load("school-tiered")
    incident = yq.Incident(
        id="YQ-1",
        title="校门口聚集",
        discovered_at=cst(2025, 10, 2, 10),
        flags=frozenset({"mass_incident"}),
    )
    case = policy.open_case(incident, at=cst(2025, 10, 2, 10, 30), actor="m", severity="general")
    case.fire("escalate", at=cst(2025, 10, 3, 12), actor="m", severity="major", reason="升级")
    case.fire("dismiss", at=cst(2025, 10, 4, 21), actor="m", reason="不实")
    return case


def test_case_spans_follow_level_changes_and_closing() -> None:
    flags = frozenset({"mass_incident"})
    assert case_spans([_mass_incident_case()]) == [
        CaseSpan(
            "YQ-1", cst(2025, 10, 2, 10, 30), cst(2025, 10, 3, 12), yq.Severity.GENERAL, flags
        ),
        CaseSpan("YQ-1", cst(2025, 10, 3, 12), cst(2025, 10, 4, 21), yq.Severity.MAJOR, flags),
    ]


def test_a_watch_owed_while_a_mass_incident_was_open_is_charged_when_missed() -> None:
    spans = case_spans([_mass_incident_case()])
    done = [fulfil(POLICY, "watch", at=cst(2025, 10, 2, 19, 55), actor="c")]
    rows = duty_accountability(
        POLICY, cst(2025, 10, 2), cst(2025, 10, 6), done, now=cst(2025, 10, 6), cases=spans
    )
    watch = [r for r in rows if r.role == "leading_group"]
    # Watches at 20:00 on 2, 3 and 4 Oct (the case closed at 21:00 on the 4th); 2 Oct met.
    assert [(i.due_at, i.outcome) for r in watch for i in r.items] == [
        (cst(2025, 10, 3, 20), "missed"),
        (cst(2025, 10, 4, 20), "missed"),
    ]
