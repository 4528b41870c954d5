"""The duty roster (值班表): rest-day moves, periods, open cases, fulfilments and statuses,
with due instants derived by hand on the official calendar.

National Day 2025: 1-8 Oct off (Mon 6 Oct is 中秋节), Sun 28 Sep and Sat 11 Oct are make-up
working days. Spring Festival 2026: 15-23 Feb off, Sat 14 and Sat 28 Feb are make-up working
days. 中秋节 2026: 25-27 Sep off; National Day 2026: 1-7 Oct off (Mon 5 Oct is the 补假), Sun
20 Sep and Sat 10 Oct are make-up working days. 2026 is the last year of the installed data,
so its December and every day of 2027 are not settled: instants resting on them are
provisional.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.rules.monitoring import CaseSpan
from yuqing_core.rules.roster import DutyFulfilment, DutyInstance, due_before, fulfil, roster
from yuqing_core.workflow.roster_notices import roster_notifications

HEAD = {"name": "roster", "title": "某校舆情值班"}
WEEKLY = {
    "id": "weekly-report",
    "rule": "本校第9条",
    "kind": "report",
    "recipient": "office",
    "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0",
    "on_rest_day": "next_working_day",
    "text": "每周一上午10点前报送上周舆情周报，遇节假日顺延至节后第一个工作日",
}
FRIDAY = {
    "id": "friday-bulletin",
    "rule": "R3.4",
    "kind": "bulletin",
    "rrule": "FREQ=WEEKLY;BYDAY=FR;BYHOUR=17;BYMINUTE=0",
    "on_rest_day": "next_working_day",
}
WATCH = {
    "id": "holiday-watch",
    "rule": "R7.1",
    "kind": "watch",
    "role": "office",
    "rrule": "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
    "during": ["holidays"],
}
POLICY = yq.load_policy(
    {
        **HEAD,
        "periods": [{"id": "holidays", "label": "节假日", "rule": "official_holidays"}],
        "monitoring": [WEEKLY, FRIDAY, WATCH],
    }
)


def listed(policy: yq.Policy, duty: str, start: datetime, end: datetime, **kw: Any) -> list[Any]:
    return [
        (i.due_at, i.provisional)
        for i in policy.monitoring_duties(start, end, **kw)
        if i.duty_id == duty
    ]


def one(**keys: Any) -> yq.Policy:
    return yq.load_policy({**HEAD, "monitoring": [{**WEEKLY, **keys}]})


# -- moving off rest days ------------------------------------------------------------------


def test_monday_report_moves_off_national_day_2025() -> None:
    assert listed(POLICY, "weekly-report", cst(2025, 9, 22), cst(2025, 10, 20)) == [
        (cst(2025, 9, 22, 10), False),
        (cst(2025, 9, 29, 10), False),
        (cst(2025, 10, 9, 10), False),  # Mon 6 Oct (中秋节) -> Thu 9 Oct, first working day
        (cst(2025, 10, 13, 10), False),
    ]


def test_monday_report_moves_off_national_day_2026() -> None:
    assert listed(POLICY, "weekly-report", cst(2026, 9, 21), cst(2026, 10, 19)) == [
        (cst(2026, 9, 21, 10), False),
        (cst(2026, 9, 28, 10), False),
        (cst(2026, 10, 8, 10), False),  # Mon 5 Oct (补假) -> Thu 8 Oct
        (cst(2026, 10, 12, 10), False),
    ]


def test_two_holiday_mondays_of_spring_festival_2026_are_one_report() -> None:
    # Mon 16 Feb and Mon 23 Feb are both off; both move to Tue 24 Feb 10:00: one instant.
    assert listed(POLICY, "weekly-report", cst(2026, 2, 9), cst(2026, 3, 3)) == [
        (cst(2026, 2, 9, 10), False),
        (cst(2026, 2, 24, 10), False),
        (cst(2026, 3, 2, 10), False),
    ]
    moved = [
        i
        for i in POLICY.monitoring_duties(cst(2026, 2, 24), cst(2026, 2, 25))
        if i.duty_id == "weekly-report"
    ]
    assert [(i.scheduled_at, i.recipient) for i in moved] == [(cst(2026, 2, 16, 10), "office")]


def test_a_moved_instant_is_listed_by_a_window_that_starts_after_the_rest_day() -> None:
    assert listed(POLICY, "weekly-report", cst(2025, 10, 9), cst(2025, 10, 10)) == [
        (cst(2025, 10, 9, 10), False)
    ]
    # ... and not by one that ends before the working day it moved to.
    assert listed(POLICY, "weekly-report", cst(2025, 10, 6), cst(2025, 10, 9)) == []


def test_friday_bulletin_moves_to_the_next_working_day_make_up_days_included() -> None:
    assert listed(POLICY, "friday-bulletin", cst(2025, 9, 26), cst(2025, 10, 18)) == [
        (cst(2025, 9, 26, 17), False),
        (cst(2025, 10, 9, 17), False),  # Fri 3 Oct -> Thu 9 Oct
        (cst(2025, 10, 10, 17), False),
        (cst(2025, 10, 17, 17), False),
    ]
    assert listed(POLICY, "friday-bulletin", cst(2026, 9, 18), cst(2026, 10, 10)) == [
        (cst(2026, 9, 18, 17), False),
        (cst(2026, 9, 28, 17), False),  # Fri 25 Sep (中秋节) -> Mon 28 Sep
        (cst(2026, 10, 8, 17), False),  # Fri 2 Oct -> Thu 8 Oct
        (cst(2026, 10, 9, 17), False),
    ]


def test_skip_and_keep_on_a_holiday_monday() -> None:
    window = (cst(2025, 9, 29), cst(2025, 10, 14))
    assert listed(one(on_rest_day="skip"), "weekly-report", *window) == [
        (cst(2025, 9, 29, 10), False),
        (cst(2025, 10, 13, 10), False),
    ]
    assert listed(one(on_rest_day="keep"), "weekly-report", *window) == [
        (cst(2025, 9, 29, 10), False),
        (cst(2025, 10, 6, 10), False),
        (cst(2025, 10, 13, 10), False),
    ]
    old = one(on_rest_day=None, working_days_only=True)
    assert listed(old, "weekly-report", *window) == listed(
        one(on_rest_day="skip"), "weekly-report", *window
    )


def test_past_the_official_data_moves_are_provisional() -> None:
    assert listed(POLICY, "weekly-report", cst(2026, 11, 23), cst(2027, 1, 12)) == [
        (cst(2026, 11, 23, 10), False),
        (cst(2026, 11, 30, 10), False),
        (cst(2026, 12, 7, 10), True),  # December 2026 is not settled
        (cst(2026, 12, 14, 10), True),
        (cst(2026, 12, 21, 10), True),
        (cst(2026, 12, 28, 10), True),
        (cst(2027, 1, 4, 10), True),
        (cst(2027, 1, 11, 10), True),
    ]
    # 国庆节 2027 by rule: 1-5 Oct off (Fri 1 Oct to Tue 5 Oct), Mon 4 Oct moves to Wed 6 Oct.
    assert listed(POLICY, "weekly-report", cst(2027, 9, 27), cst(2027, 10, 12)) == [
        (cst(2027, 9, 27, 10), True),
        (cst(2027, 10, 6, 10), True),
        (cst(2027, 10, 11, 10), True),
    ]


# -- periods and open cases ----------------------------------------------------------------


def test_holiday_watch_on_official_holidays_only() -> None:
    national_day = [(cst(2025, 10, d, 9), False) for d in range(1, 9)]
    assert listed(POLICY, "holiday-watch", cst(2025, 9, 20), cst(2025, 10, 20)) == national_day
    spring = [(cst(2026, 2, d, 9), False) for d in range(15, 24)]
    assert listed(POLICY, "holiday-watch", cst(2026, 2, 7), cst(2026, 3, 9)) == spring
    autumn = [(cst(2026, 9, d, 9), False) for d in (25, 26, 27)]
    national = [(cst(2026, 10, d, 9), False) for d in range(1, 8)]
    assert listed(POLICY, "holiday-watch", cst(2026, 9, 19), cst(2026, 10, 19)) == [
        *autumn,
        *national,
    ]
    # An ordinary weekend is no holiday: Sat 12 and Sun 13 Sep 2026.
    assert listed(POLICY, "holiday-watch", cst(2026, 9, 12), cst(2026, 9, 14)) == []


def test_watch_while_a_mass_incident_is_open() -> None:
    policy = yq.load_policy(
        {
            **HEAD,
            "monitoring": [
                {
                    "id": "watch-24h",
                    "rule": "本校第7条",
                    "kind": "watch",
                    "rrule": "FREQ=HOURLY;BYMINUTE=0",
                    "while_open": {"levels": ["major", "critical"], "any_flags": ["mass_incident"]},
                }
            ],
        }
    )
    window = (cst(2025, 10, 2), cst(2025, 10, 3))
    mass = CaseSpan(
        "YQ-1",
        cst(2025, 10, 2, 10, 30),
        cst(2025, 10, 2, 14),
        yq.Severity.MAJOR,
        frozenset({"mass_incident"}),
    )
    assert listed(policy, "watch-24h", *window, cases=[mass]) == [
        (cst(2025, 10, 2, 11), False),
        (cst(2025, 10, 2, 12), False),
        (cst(2025, 10, 2, 13), False),
    ]
    low = CaseSpan(
        "YQ-2", cst(2025, 10, 2), None, yq.Severity.GENERAL, frozenset({"mass_incident"})
    )
    plain = CaseSpan("YQ-3", cst(2025, 10, 2), None, yq.Severity.MAJOR)
    assert listed(policy, "watch-24h", *window, cases=[low, plain]) == []
    assert listed(policy, "watch-24h", *window) == []
    still_open = CaseSpan(
        "YQ-4",
        cst(2025, 10, 2, 22, 1),
        None,
        yq.Severity.CRITICAL,
        frozenset({"mass_incident", "emergency"}),
    )
    assert listed(policy, "watch-24h", *window, cases=[still_open]) == [
        (cst(2025, 10, 2, 23), False)
    ]


# -- fulfilments and statuses --------------------------------------------------------------


DAILY = yq.load_policy(
    {
        **HEAD,
        "monitoring": [
            {
                "id": "daily-log",
                "rule": "R4.2",
                "kind": "daily_log",
                "rrule": "FREQ=DAILY;BYHOUR=16;BYMINUTE=0",
                "working_days_only": True,
            }
        ],
    }
)


def statuses(items: list[DutyInstance], now: datetime) -> list[tuple[datetime, str]]:
    return [(i.due_at, i.status(now)) for i in items]


def log(at: datetime, **kw: Any) -> DutyFulfilment:
    return fulfil(DAILY, "daily-log", at=at, actor="张三", **kw)


def test_fulfilments_meet_the_nearest_instant() -> None:
    done = [
        log(cst(2025, 9, 28, 15, 50)),  # Sunday make-up day: in time
        log(cst(2025, 9, 29, 17, 30)),  # an hour and a half late
        log(cst(2025, 10, 9, 9)),  # next morning after a missed 30 Sep: it is the 9th's
        log(cst(2025, 10, 9, 9, 5), report="日志-1009"),  # the same again: surplus
        log(cst(2025, 10, 10, 20), due_at=cst(2025, 9, 30, 16)),  # named: late for 30 Sep
    ]
    items = roster(DAILY, cst(2025, 9, 27), cst(2025, 10, 12), done)
    now = cst(2025, 10, 11, 12)
    assert statuses(items, now) == [
        (cst(2025, 9, 28, 16), "met"),
        (cst(2025, 9, 29, 16), "late"),
        (cst(2025, 9, 30, 16), "late"),
        (cst(2025, 10, 9, 16), "met"),
        (cst(2025, 10, 10, 16), "missed"),
        (cst(2025, 10, 11, 16), "pending"),
    ]
    assert [i.met_at for i in items] == [
        cst(2025, 9, 28, 15, 50),
        cst(2025, 9, 29, 17, 30),
        cst(2025, 10, 10, 20),
        cst(2025, 10, 9, 9),
        None,
        None,
    ]
    # As of an earlier instant, fulfilments recorded later do not count yet.
    assert statuses(items, cst(2025, 10, 1))[:3] == [
        (cst(2025, 9, 28, 16), "met"),
        (cst(2025, 9, 29, 16), "late"),
        (cst(2025, 9, 30, 16), "missed"),
    ]


def test_a_fulfilment_just_before_the_window_serves_the_instant_before_it() -> None:
    # Fri 26 Sep 16:30 is the 26th's log (late), not Sunday the 28th's.
    items = roster(DAILY, cst(2025, 9, 27), cst(2025, 9, 30), [log(cst(2025, 9, 26, 16, 30))])
    assert statuses(items, cst(2025, 9, 30)) == [
        (cst(2025, 9, 28, 16), "missed"),
        (cst(2025, 9, 29, 16), "missed"),
    ]


def test_a_fulfilment_far_from_every_instant_meets_none() -> None:
    # Holiday watch: a log on Sat 13 Sep 2025 is weeks from the first National Day watch.
    done = [fulfil(POLICY, "holiday-watch", at=cst(2025, 9, 13, 9), actor="李四")]
    items = [
        i
        for i in roster(POLICY, cst(2025, 9, 1), cst(2025, 10, 2), done)
        if i.duty_id == "holiday-watch"
    ]
    assert [(i.due_at, i.fulfilment) for i in items] == [(cst(2025, 10, 1, 9), None)]


def test_errors_name_the_duty_and_never_the_actor() -> None:
    with pytest.raises(yq.InvalidArgumentError) as e:
        fulfil(DAILY, "weekly", at=cst(2025, 9, 29, 15), actor="张三")
    assert str(e.value) == "'weekly' is not a monitoring duty of policy 'roster' (daily-log)"
    with pytest.raises(yq.InvalidArgumentError) as e:
        roster(
            DAILY,
            cst(2025, 9, 27),
            cst(2025, 10, 12),
            [DutyFulfilment("patrol", cst(2025, 9, 29), "张三")],
        )
    assert str(e.value) == (
        "a fulfilment names 'patrol', which is not a monitoring duty of policy 'roster'"
    )
    with pytest.raises(yq.InvalidArgumentError) as e:
        roster(
            DAILY,
            cst(2025, 9, 27),
            cst(2025, 10, 12),
            [log(cst(2025, 10, 3), due_at=cst(2025, 10, 3, 16))],
        )
    assert str(e.value) == (
        "a fulfilment of duty 'daily-log' names due instant 2025-10-03T16:00:00+08:00, at "
        "which the duty does not fall due"
    )
    with pytest.raises(yq.InvalidArgumentError) as e:
        fulfil(DAILY, "daily-log", at=cst(2025, 10, 3), actor="")
    assert str(e.value) == "a fulfilment of duty 'daily-log' needs an actor (a non-empty text)"
    with pytest.raises(yq.InvalidArgumentError) as e:
        DutyFulfilment("daily-log", cst(2025, 10, 3), " ")
    assert str(e.value) == "a fulfilment of duty 'daily-log' needs an actor (a non-empty text)"
    with pytest.raises(yq.InvalidArgumentError) as e:
        fulfil(DAILY, "daily-log", at=cst(2025, 10, 3), actor="张三", report=5)  # type: ignore[arg-type]
    assert str(e.value) == "report: expected a text or None, got int"
    with pytest.raises(yq.YuqingError) as naive:
        DutyFulfilment("daily-log", datetime(2025, 10, 3, 9), "张三")
    assert str(naive.value) == (
        "at: 2025-10-03T09:00:00 has no time zone; give an aware datetime such as "
        "2025-10-03T09:00:00+08:00"
    )
    with pytest.raises(yq.YuqingError) as naive:
        roster(DAILY, datetime(2025, 9, 27), cst(2025, 10, 12))
    assert str(naive.value).startswith("start: 2025-09-27T00:00:00 has no time zone")
    secret = log(cst(2025, 9, 29, 15), report="欧阳娜娜 13912345678 的日志")
    shown = repr(roster(DAILY, cst(2025, 9, 29), cst(2025, 9, 30), [secret])) + repr(secret)
    assert "DutyFulfilment(duty_id='daily-log'" in shown
    for text in ("张三", "欧阳娜娜", "13912345678"):
        assert text not in shown
    with pytest.raises(yq.YuqingError) as naive:
        CaseSpan("YQ-1", datetime(2025, 10, 2, 10), None, yq.Severity.MAJOR)
    assert str(naive.value).startswith("opened_at: 2025-10-02T10:00:00 has no time zone")


# -- properties ----------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(first=st.dates(date(2024, 1, 1), date(2026, 11, 1)), days=st.integers(1, 60))
def test_moved_instants_land_on_working_days_at_the_same_time(first: date, days: int) -> None:
    cal = POLICY.calendar
    start = cst(first.year, first.month, first.day)
    for item in POLICY.monitoring_duties(start, start + timedelta(days=days)):
        if item.duty_id == "holiday-watch":
            assert not cal.is_working_day(item.due_at.date())
            continue
        assert cal.is_working_day(item.due_at.date())
        scheduled = item.scheduled_at or item.due_at
        assert scheduled.time() == item.due_at.time()
        assert scheduled <= item.due_at
        if item.scheduled_at is not None:
            day = scheduled.date() + timedelta(days=1)
            assert not cal.is_working_day(scheduled.date())
            while day < item.due_at.date():
                assert not cal.is_working_day(day)
                day += timedelta(days=1)


@settings(max_examples=40, deadline=None)
@given(
    offsets=st.lists(st.integers(0, 14 * 24 * 60), max_size=12),
    named=st.lists(st.booleans(), min_size=12, max_size=12),
    seed=st.integers(0, 1000),
)
def test_each_fulfilment_meets_at_most_one_instant_whatever_the_order(
    offsets: list[int], named: list[bool], seed: int
) -> None:
    start, end = cst(2025, 9, 27), cst(2025, 10, 12)
    every = roster(DAILY, start, end)
    done = []
    for n, minutes in enumerate(offsets):
        at = start + timedelta(minutes=minutes)
        due = every[n % len(every)].due_at if named[n] else None
        done.append(log(at, due_at=due))
    items = roster(DAILY, start, end, done)
    shuffled = list(done)
    random.Random(seed).shuffle(shuffled)
    assert roster(DAILY, start, end, shuffled) == items
    used = [i.fulfilment for i in items if i.fulfilment is not None]
    assert len(used) == len({id(f) for f in used})
    now = end + timedelta(days=1)
    for item in items:
        status = item.status(now)
        met = item.met_at
        assert status == ("missed" if met is None else "met" if met <= item.due_at else "late")


# -- due work and notifications ------------------------------------------------------------


def test_due_work_is_what_no_fulfilment_met_by_then() -> None:
    done = [log(cst(2025, 9, 28, 15, 50)), log(cst(2025, 9, 30, 18))]
    due = due_before(DAILY, cst(2025, 10, 9, 16), done, since=cst(2025, 9, 27))
    # 29 Sep missed; 30 Sep met late, so no longer due; 9 Oct due exactly now.
    assert [i.due_at for i in due] == [cst(2025, 9, 29, 16), cst(2025, 10, 9, 16)]
    assert due_before(DAILY, cst(2025, 9, 30, 17), done, since=cst(2025, 9, 27)) == [
        i
        for i in roster(DAILY, cst(2025, 9, 27), cst(2025, 10, 1), done)
        if i.due_at in (cst(2025, 9, 29, 16), cst(2025, 9, 30, 16))
    ]


def test_roster_notifications_name_the_duty_instant_and_say_provisional() -> None:
    items = roster(POLICY, cst(2026, 12, 1), cst(2027, 1, 12))
    notes = roster_notifications(POLICY, items, cst(2026, 12, 29, 12))
    assert [(n.obligation_id, n.status, n.since, n.provisional) for n in notes] == [
        ("friday-bulletin@2026-12-04T17:00", "missed", cst(2026, 11, 27, 17), True),
        ("weekly-report@2026-12-07T10:00", "missed", cst(2026, 11, 30, 10), True),
        ("friday-bulletin@2026-12-11T17:00", "missed", cst(2026, 12, 4, 17), True),
        ("weekly-report@2026-12-14T10:00", "missed", cst(2026, 12, 7, 10), True),
        ("friday-bulletin@2026-12-18T17:00", "missed", cst(2026, 12, 11, 17), True),
        ("weekly-report@2026-12-21T10:00", "missed", cst(2026, 12, 14, 10), True),
        ("friday-bulletin@2026-12-25T17:00", "missed", cst(2026, 12, 18, 17), True),
        ("weekly-report@2026-12-28T10:00", "missed", cst(2026, 12, 21, 10), True),
        # Fri 1 Jan 2027 (元旦, by rule) moves to Mon 4 Jan, after the weekly report.
        ("weekly-report@2027-01-04T10:00", "pending", cst(2026, 12, 28, 10), True),
        ("friday-bulletin@2027-01-04T17:00", "pending", cst(2026, 12, 28, 17), True),
    ]
    assert (
        notes[-2].message
        == "【定期报送】监测员 报 领导小组办公室，时限 2027-01-04 10:00 暂定（本校第9条）"
    )


def _oracle_block_day(day: date) -> bool:
    """By chinese_calendar: ``day`` is in a run of rest days holding a named holiday (the
    notice's 与周末连休: the weekend next to a one-day holiday is in its block)."""
    if chinese_calendar.is_workday(day):
        return False
    run = [day]
    for step in (-1, 1):
        d = day + timedelta(days=step)
        while not chinese_calendar.is_workday(d):
            run.append(d)
            d += timedelta(days=step)
    return any(chinese_calendar.get_holiday_detail(d)[1] is not None for d in run)


@settings(max_examples=30, deadline=None)
@given(first=st.dates(date(2024, 1, 1), date(2026, 10, 1)), days=st.integers(1, 60))
def test_holiday_watch_and_moves_match_the_chinesecalendar_oracle(first: date, days: int) -> None:
    start = cst(first.year, first.month, first.day)
    items = POLICY.monitoring_duties(start, start + timedelta(days=days))
    watch = [
        cst(d.year, d.month, d.day, 9)
        for d in (first + timedelta(days=n) for n in range(days))
        if _oracle_block_day(d)
    ]
    assert [i.due_at for i in items if i.duty_id == "holiday-watch"] == watch
    for item in items:
        if item.scheduled_at is not None:
            day = chinese_calendar.find_workday(0, item.scheduled_at.date())
            assert item.due_at.date() == day


def test_a_weekend_joined_to_a_one_day_holiday_is_in_its_block() -> None:
    # 端午节 2024: Mon 10 June off, "与周末连休": 8-10 June is one block.
    assert [i.due_at for i in POLICY.monitoring_duties(cst(2024, 6, 7), cst(2024, 6, 12))] == [
        cst(2024, 6, 7, 17),  # the Friday bulletin, a working day
        cst(2024, 6, 8, 9),
        cst(2024, 6, 9, 9),
        cst(2024, 6, 10, 9),
        cst(2024, 6, 11, 10),  # the Monday report moved to Tuesday
    ]
