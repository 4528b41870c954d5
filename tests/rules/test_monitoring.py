"""Monitoring duties (监测值守, RULES X1, R3.4, R4.2, R7.1) on China's official calendar.

National Day 2025 (State Council notice): 1-8 October are rest days; Sunday 28 September and
Saturday 11 October are make-up working days (调休). Expected instants are listed by hand.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.rules import DutyInstant, monitoring_duties

DUTIES: dict[str, Any] = {
    "name": "duties",
    "title": "监测值守",
    "monitoring": [
        {
            "id": "daily-log",
            "rule": "R4.2",
            "kind": "daily_log",
            "rrule": "FREQ=DAILY;BYHOUR=16;BYMINUTE=0",
            "working_days_only": True,
            "text": "舆情日志下午4:00前报传播中心",
        },
        {
            "id": "weekly-bulletin",
            "rule": "R3.4",
            "kind": "bulletin",
            "rrule": "FREQ=WEEKLY;BYDAY=FR;BYHOUR=17;BYMINUTE=0",
        },
        {
            "id": "holiday-watch",
            "rule": "R7.1",
            "kind": "watch",
            "role": "office",
            "rrule": "RRULE:FREQ=DAILY;BYHOUR=0;BYMINUTE=0",
            "rest_days_only": True,
        },
    ],
}
POLICY = yq.load_policy(DUTIES)
START, END = cst(2025, 9, 27), cst(2025, 10, 13)


def due(items: list[DutyInstant], duty: str | None = None) -> list[datetime]:
    return [i.due_at for i in items if duty is None or i.duty_id == duty]


def test_daily_log_on_working_days_across_national_day() -> None:
    items = POLICY.monitoring_duties(START, END)
    assert due(items, "daily-log") == [
        cst(2025, 9, 28, 16),  # Sunday, make-up working day
        cst(2025, 9, 29, 16),
        cst(2025, 9, 30, 16),
        cst(2025, 10, 9, 16),
        cst(2025, 10, 10, 16),
        cst(2025, 10, 11, 16),  # Saturday, make-up working day
    ]


def test_every_duty_merged_earliest_first() -> None:
    items = POLICY.monitoring_duties(START, END)
    assert [(i.duty_id, i.due_at) for i in items] == [
        ("holiday-watch", cst(2025, 9, 27)),
        ("daily-log", cst(2025, 9, 28, 16)),
        ("daily-log", cst(2025, 9, 29, 16)),
        ("daily-log", cst(2025, 9, 30, 16)),
        ("holiday-watch", cst(2025, 10, 1)),
        ("holiday-watch", cst(2025, 10, 2)),
        ("holiday-watch", cst(2025, 10, 3)),
        ("weekly-bulletin", cst(2025, 10, 3, 17)),
        ("holiday-watch", cst(2025, 10, 4)),
        ("holiday-watch", cst(2025, 10, 5)),
        ("holiday-watch", cst(2025, 10, 6)),
        ("holiday-watch", cst(2025, 10, 7)),
        ("holiday-watch", cst(2025, 10, 8)),
        ("daily-log", cst(2025, 10, 9, 16)),
        ("daily-log", cst(2025, 10, 10, 16)),
        ("weekly-bulletin", cst(2025, 10, 10, 17)),
        ("daily-log", cst(2025, 10, 11, 16)),
        ("holiday-watch", cst(2025, 10, 12)),
    ]


def test_instant_fields() -> None:
    first_log = POLICY.monitoring_duties(START, END)[1]
    assert first_log == DutyInstant(
        duty_id="daily-log",
        rule="R4.2",
        kind="daily_log",
        role="monitor",
        due_at=cst(2025, 9, 28, 16),
        text="舆情日志下午4:00前报传播中心",
    )
    assert first_log.due_at.tzinfo == ZoneInfo("Asia/Shanghai")
    watch = POLICY.monitoring_duties(START, END)[0]
    assert (watch.role, watch.kind, watch.rule) == ("office", "watch", "R7.1")


def test_start_is_included_and_end_is_not() -> None:
    at_four = cst(2025, 9, 29, 16)
    assert due(POLICY.monitoring_duties(at_four, at_four + timedelta(days=1))) == [
        cst(2025, 9, 29, 16),
    ]
    assert due(POLICY.monitoring_duties(at_four + timedelta(minutes=1), cst(2025, 9, 30, 16))) == []
    assert POLICY.monitoring_duties(at_four, at_four) == []
    assert POLICY.monitoring_duties(END, START) == []


def test_other_zones_are_read_on_the_calendar_zone() -> None:
    # 17:00 UTC on the 28th is 01:00 on the 29th in Beijing: the rule starts on the 29th.
    start = datetime(2025, 9, 28, 17, tzinfo=UTC)
    end = datetime(2025, 9, 29, 9, tzinfo=UTC)  # 17:00 in Beijing
    items = monitoring_duties(POLICY, start, end)
    assert due(items) == [cst(2025, 9, 29, 16)]
    assert items[0].due_at.tzinfo == ZoneInfo("Asia/Shanghai")


def test_naive_bounds_are_rejected() -> None:
    with pytest.raises(yq.NaiveDatetimeError, match=r"^start: 2025-09-27T00:00:00 has no time"):
        POLICY.monitoring_duties(datetime(2025, 9, 27), END)
    with pytest.raises(yq.NaiveDatetimeError, match=r"^end: 2025-10-13T00:00:00 has no time"):
        POLICY.monitoring_duties(START, datetime(2025, 10, 13))


def test_duties_due_together_keep_the_policy_order() -> None:
    policy = yq.load_policy(
        {
            "name": "tie",
            "title": "同一时刻",
            "monitoring": [
                {"id": "z-patrol", "rule": "X1", "kind": "patrol", "rrule": "FREQ=DAILY;BYHOUR=9"},
                {"id": "a-report", "rule": "X1", "kind": "report", "rrule": "FREQ=DAILY;BYHOUR=9"},
            ],
        }
    )
    items = policy.monitoring_duties(cst(2025, 10, 1), cst(2025, 10, 2))
    assert [(i.duty_id, i.due_at) for i in items] == [
        ("z-patrol", cst(2025, 10, 1, 9)),
        ("a-report", cst(2025, 10, 1, 9)),
    ]


def test_until_is_local_time() -> None:
    policy = yq.load_policy(
        {
            "name": "until",
            "title": "国庆值守",
            "monitoring": [
                {
                    "id": "watch",
                    "rule": "R7.1",
                    "kind": "watch",
                    "rrule": "FREQ=DAILY;BYHOUR=9;UNTIL=20251002T090000",
                }
            ],
        }
    )
    assert due(policy.monitoring_duties(cst(2025, 9, 30), cst(2025, 10, 9))) == [
        cst(2025, 9, 30, 9),
        cst(2025, 10, 1, 9),
        cst(2025, 10, 2, 9),
    ]


def test_working_day_filter_past_the_official_schedule_is_provisional() -> None:
    # Changed on purpose (issue 13): duties are read on the projecting twin of the calendar,
    # as obligations are, so a listing past the official data no longer raises; the instants
    # that rest on the calendar are marked provisional instead.
    assert yq.WorkCalendar.china().last_covered_year == 2026
    later = cst(2027, 3, 2)  # a Tuesday
    items = POLICY.monitoring_duties(later, later + timedelta(days=7))
    assert [(i.duty_id, i.due_at, i.provisional) for i in items] == [
        ("daily-log", cst(2027, 3, 2, 16), True),
        ("daily-log", cst(2027, 3, 3, 16), True),
        ("daily-log", cst(2027, 3, 4, 16), True),
        ("daily-log", cst(2027, 3, 5, 16), True),
        ("weekly-bulletin", cst(2027, 3, 5, 17), False),  # kept whatever the day: no calendar
        ("holiday-watch", cst(2027, 3, 6), True),
        ("holiday-watch", cst(2027, 3, 7), True),
        ("daily-log", cst(2027, 3, 8, 16), True),
    ]


@settings(max_examples=40, deadline=None)
@given(first=st.dates(date(2024, 1, 1), date(2025, 12, 1)), days=st.integers(1, 40))
def test_daily_log_days_match_the_chinesecalendar_oracle(first: date, days: int) -> None:
    start = cst(first.year, first.month, first.day)
    items = POLICY.monitoring_duties(start, start + timedelta(days=days))
    expected = [
        cst(d.year, d.month, d.day, 16)
        for d in (first + timedelta(days=n) for n in range(days))
        if chinese_calendar.is_workday(d)
    ]
    assert due(items, "daily-log") == expected
    watch = [cst(d.year, d.month, d.day) for d in (first + timedelta(days=n) for n in range(days))]
    assert due(items, "holiday-watch") == [
        t for t in watch if not chinese_calendar.is_workday(t.date())
    ]
