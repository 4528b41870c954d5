"""Exact deadlines on China's official calendar (RULES P3-P5), worked out by hand.

The State Council notices these vectors rest on:
- 2025 National Day + Mid-Autumn: 1-8 Oct (Wed-Wed) off; Sun 28 Sep and Sat 11 Oct worked.
- 2026 New Year: 1-3 Jan (Thu-Sat) off; Sun 4 Jan worked.
- 2026 Spring Festival: 15-23 Feb (Sun-Mon) off; Sat 14 Feb and Sat 28 Feb worked.
A period ending at 24:00 of day D is returned as 00:00 of D+1 (API.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import yuqing_core as yq
from tests.helpers import CST, cst
from yuqing_core.time import Deadline, PauseError, official_last_year

CAL = yq.WorkCalendar.china()
CLOSE = yq.WorkCalendar.china(business_close="17:30")
GRACE = yq.WorkCalendar.china(immediate_grace="30min")
PROJ = yq.WorkCalendar.china(allow_projection=True)


# -- the calendar itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 9, 26), True),  # Fri
        (date(2025, 9, 27), False),  # Sat
        (date(2025, 9, 28), True),  # Sun, make-up working day
        (date(2025, 9, 30), True),
        (date(2025, 10, 1), False),
        (date(2025, 10, 6), False),  # Mid-Autumn, a Monday
        (date(2025, 10, 8), False),  # Wed, swapped rest day
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Sat, make-up working day
        (date(2025, 10, 12), False),
        (date(2026, 1, 2), False),  # Fri, swapped rest day
        (date(2026, 1, 4), True),  # Sun, make-up working day
        (date(2026, 2, 14), True),  # Sat, make-up working day
        (date(2026, 2, 15), False),
        (date(2026, 2, 23), False),  # Mon, still Spring Festival
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Sat, make-up working day
        (date(2026, 3, 1), False),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_is_working_day_reads_a_datetime_in_the_calendar_zone() -> None:
    # 30 Sep 17:00 UTC is 1 Oct 01:00 in Shanghai: a holiday.
    assert CAL.is_working_day(datetime(2025, 9, 30, 17, tzinfo=UTC)) is False
    assert CAL.is_working_day(datetime(2025, 9, 30, 15, tzinfo=UTC)) is True
    with pytest.raises(yq.NaiveDatetimeError):
        CAL.is_working_day(datetime(2025, 9, 30, 15))


def test_makeup_days_and_holiday_names() -> None:
    assert CAL.is_makeup_working_day(date(2025, 9, 28)) is True
    assert CAL.is_makeup_working_day(date(2025, 9, 27)) is False
    assert CAL.is_makeup_working_day(date(2025, 9, 30)) is False  # an ordinary Tuesday
    assert CAL.holiday_name(date(2025, 10, 1)) == "国庆节"
    assert CAL.holiday_name(date(2025, 10, 6)) == "中秋节"
    assert CAL.holiday_name(date(2026, 2, 17)) == "春节"
    assert CAL.holiday_name(date(2025, 10, 9)) is None
    assert CAL.holiday_name(date(2025, 10, 4)) is None  # a plain Saturday inside the break


def test_day_helpers() -> None:
    assert CAL.next_working_day(date(2025, 10, 1)) == date(2025, 10, 9)
    assert CAL.next_working_day(date(2025, 10, 9)) == date(2025, 10, 9)
    assert CAL.next_working_day(date(2025, 10, 9), inclusive=False) == date(2025, 10, 10)
    assert CAL.nth_working_day_after(date(2025, 9, 30), 3) == date(2025, 10, 11)
    with pytest.raises(ValueError, match="n must be at least 1"):
        CAL.nth_working_day_after(date(2025, 9, 30), 0)
    # 1 Oct .. 12 Oct: working days 9, 10, 11 Oct.
    assert CAL.working_days_between(date(2025, 9, 30), date(2025, 10, 12)) == 3
    assert CAL.working_days_between(date(2025, 10, 12), date(2025, 9, 30)) == 0
    october = CAL.working_days_in(2025, 10)
    assert len(october) == 18
    assert october[:3] == [date(2025, 10, 9), date(2025, 10, 10), date(2025, 10, 11)]
    assert len(CAL.working_days_in(2025, 12)) == 23


def test_repr_and_coverage_attributes() -> None:
    assert repr(CLOSE) == (
        "WorkCalendar.china(tz='Asia/Shanghai', business_close='17:30', "
        "official_until=2026, allow_projection=False)"
    )
    assert CAL.first_covered_year == 2001
    assert CAL.last_covered_year == 2026


def test_installed_schedule_ends_with_2026() -> None:
    """The coverage vectors below assume holidays' China data stops at 2026. When an upgrade
    publishes 2027, this fails first: move the coverage vectors and docs/deadlines.md on."""
    assert official_last_year() == 2026


# -- every duration kind, without and with business close -----------------------------------

VECTORS = [
    # (start, duration, due without close, due with close 17:30)
    # National Day 2025: 1-8 Oct off, first working day 9 Oct.
    (cst(2025, 9, 30, 10), "1wd", cst(2025, 10, 10), cst(2025, 10, 9, 17, 30)),
    (cst(2025, 9, 30, 10), "3wd", cst(2025, 10, 12), cst(2025, 10, 11, 17, 30)),  # Sat 11 works
    (cst(2025, 9, 30, 10), "4wd", cst(2025, 10, 14), cst(2025, 10, 13, 17, 30)),
    (cst(2025, 9, 30, 20), "1wd", cst(2025, 10, 10), cst(2025, 10, 9, 17, 30)),  # after close
    (cst(2025, 9, 26, 10), "1wd", cst(2025, 9, 29), cst(2025, 9, 28, 17, 30)),  # Sun 28 works
    (cst(2025, 9, 27, 10), "1wd", cst(2025, 9, 29), cst(2025, 9, 28, 17, 30)),  # from a Sat
    (cst(2025, 10, 1, 0, 0), "1wd", cst(2025, 10, 10), cst(2025, 10, 9, 17, 30)),
    # Day periods: 3 Oct is a holiday, the period moves to 9 Oct.
    (cst(2025, 9, 30, 10), "1d", cst(2025, 10, 10), cst(2025, 10, 9, 17, 30)),
    (cst(2025, 9, 30, 10), "3d", cst(2025, 10, 10), cst(2025, 10, 9, 17, 30)),
    (cst(2025, 9, 29, 10), "1d", cst(2025, 10, 1), cst(2025, 9, 30, 17, 30)),  # Tue 30 works
    (cst(2025, 10, 8, 10), "3d", cst(2025, 10, 12), cst(2025, 10, 11, 17, 30)),  # ends Sat 11
    (cst(2025, 10, 9, 10), "3d", cst(2025, 10, 14), cst(2025, 10, 13, 17, 30)),  # Sun 12 rest
    (cst(2025, 9, 25, 10), "3d", cst(2025, 9, 29), cst(2025, 9, 28, 17, 30)),  # ends Sun 28
    (cst(2025, 10, 30, 10), "2d", cst(2025, 11, 4), cst(2025, 11, 3, 17, 30)),  # Sat 1 Nov
    (cst(2025, 11, 3, 10), "3d", cst(2025, 11, 7), cst(2025, 11, 6, 17, 30)),
    # New Year 2026: 1-3 Jan off, Sun 4 Jan works.
    (cst(2025, 12, 31, 10), "1wd", cst(2026, 1, 5), cst(2026, 1, 4, 17, 30)),
    (cst(2025, 12, 31, 10), "2wd", cst(2026, 1, 6), cst(2026, 1, 5, 17, 30)),
    (cst(2025, 12, 31, 10), "1d", cst(2026, 1, 5), cst(2026, 1, 4, 17, 30)),
    # Spring Festival 2026: Sat 14 Feb works, 15-23 Feb off, Sat 28 Feb works.
    (cst(2026, 2, 13, 10), "3wd", cst(2026, 2, 26), cst(2026, 2, 25, 17, 30)),
    (cst(2026, 2, 13, 10), "1wd", cst(2026, 2, 15), cst(2026, 2, 14, 17, 30)),
    (cst(2026, 2, 13, 10), "1d", cst(2026, 2, 15), cst(2026, 2, 14, 17, 30)),
    (cst(2026, 2, 13, 10), "2d", cst(2026, 2, 25), cst(2026, 2, 24, 17, 30)),
    (cst(2026, 2, 14, 10), "9d", cst(2026, 2, 25), cst(2026, 2, 24, 17, 30)),
    (cst(2026, 2, 27, 10), "1wd", cst(2026, 3, 1), cst(2026, 2, 28, 17, 30)),
    (cst(2026, 2, 27, 10), "2wd", cst(2026, 3, 3), cst(2026, 3, 2, 17, 30)),
    # Elapsed time ignores the calendar and business close.
    (cst(2025, 9, 30, 22, 30), "3h", cst(2025, 10, 1, 1, 30), cst(2025, 10, 1, 1, 30)),
    (cst(2025, 9, 30, 23), "90min", cst(2025, 10, 1, 0, 30), cst(2025, 10, 1, 0, 30)),
    (cst(2025, 10, 1, 9), "24h", cst(2025, 10, 2, 9), cst(2025, 10, 2, 9)),
    (cst(2025, 9, 30, 16), "3h", cst(2025, 9, 30, 19), cst(2025, 9, 30, 19)),
    # same_day: business close if still ahead, else 24:00 of the same day.
    (cst(2025, 9, 30, 10), "same_day", cst(2025, 10, 1), cst(2025, 9, 30, 17, 30)),
    (cst(2025, 9, 30, 17, 29), "same_day", cst(2025, 10, 1), cst(2025, 9, 30, 17, 30)),
    (cst(2025, 9, 30, 17, 30), "same_day", cst(2025, 10, 1), cst(2025, 10, 1)),
    (cst(2025, 9, 30, 18), "same_day", cst(2025, 10, 1), cst(2025, 10, 1)),
    (cst(2025, 10, 1, 10), "same_day", cst(2025, 10, 2), cst(2025, 10, 1, 17, 30)),  # holiday
]


@pytest.mark.parametrize(("start", "duration", "plain", "closing"), VECTORS)
def test_due_vectors(start: datetime, duration: str, plain: datetime, closing: datetime) -> None:
    got = CAL.due(start, duration)
    assert got == plain
    assert got.tzinfo is CST
    assert repr(got) == repr(plain)
    got_close = CLOSE.due(start, duration)
    assert got_close == closing
    assert repr(got_close) == repr(closing)


@pytest.mark.parametrize(("start", "duration", "plain", "closing"), VECTORS)
def test_deadline_and_batches_agree_with_due(
    start: datetime, duration: str, plain: datetime, closing: datetime
) -> None:
    assert CAL.deadline(start, duration).at == plain
    assert CAL.due(start, yq.Duration.parse(duration)) == plain
    assert CAL.due_many([start, start], duration) == [plain, plain]
    assert CLOSE.due_many([start], duration) == [closing]
    assert CAL.due_many_epoch([int(start.timestamp())], duration) == [int(plain.timestamp())]
    assert CLOSE.due_many_epoch([int(start.timestamp())], duration) == [int(closing.timestamp())]


def test_deadline_explains_the_rule() -> None:
    assert CAL.deadline(cst(2025, 9, 30, 10), "3d") == Deadline(
        cst(2025, 10, 10),
        projected=False,
        last_day=date(2025, 10, 9),
        rule="24:00",
        moved_from=date(2025, 10, 3),
    )
    assert CLOSE.deadline(cst(2025, 9, 30, 10), "1wd") == Deadline(
        cst(2025, 10, 9, 17, 30), last_day=date(2025, 10, 9), rule="business_close"
    )
    assert CAL.deadline(cst(2025, 10, 8, 10), "3d").moved_from is None  # Sat 11 Oct works
    assert CAL.deadline(cst(2025, 9, 30, 10), "3h") == Deadline(cst(2025, 9, 30, 13))
    assert CLOSE.deadline(cst(2025, 9, 30, 18), "same_day") == Deadline(
        cst(2025, 10, 1), last_day=date(2025, 9, 30), rule="24:00"
    )
    assert GRACE.deadline(cst(2025, 9, 30, 10), "now") == Deadline(
        cst(2025, 9, 30, 10, 30), rule="immediate"
    )


# -- now (RULES P5) ---------------------------------------------------------------------------


def test_now_uses_the_explicit_grace() -> None:
    assert GRACE.due(cst(2025, 9, 30, 23, 50), "now") == cst(2025, 10, 1, 0, 20)


def test_now_without_grace_is_a_policy_error() -> None:
    with pytest.raises(yq.PolicyError) as e:
        CAL.due(cst(2025, 9, 30, 10), "now")
    assert str(e.value) == (
        "'now' needs an explicit immediate grace (timing.immediate_grace in the policy, or "
        "immediate_grace= on the calendar); it is never silently zero"
    )


def test_grace_must_be_elapsed_time() -> None:
    with pytest.raises(yq.PolicyError, match=r"^immediate grace 1wd must be elapsed time"):
        yq.WorkCalendar.china(immediate_grace="1wd")


# -- naive datetimes and time zones -----------------------------------------------------------


def test_naive_start_is_rejected() -> None:
    naive = datetime(2025, 9, 30, 10)
    for call in (
        lambda: CAL.due(naive, "1wd"),
        lambda: CAL.due(naive, "3h"),
        lambda: CAL.deadline(naive, "1wd"),
        lambda: CAL.due_many([naive], "1wd"),
        lambda: CAL.extend(naive, "1d"),
    ):
        with pytest.raises(yq.NaiveDatetimeError, match="2025-09-30T10:00:00 has no time zone"):
            call()


def test_a_date_is_not_a_start() -> None:
    with pytest.raises(TypeError, match="expected a datetime, got date"):
        CAL.due(date(2025, 9, 30), "1wd")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "tz",
    [UTC, timezone(timedelta(hours=8)), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")],
)
@pytest.mark.parametrize("duration", ["1wd", "3d", "3h", "same_day"])
def test_result_does_not_depend_on_the_start_zone(tz: object, duration: str) -> None:
    start = cst(2025, 9, 30, 10)
    other = start.astimezone(tz)  # type: ignore[arg-type]
    assert repr(CLOSE.due(other, duration)) == repr(CLOSE.due(start, duration))
    assert repr(CAL.due(other, duration)) == repr(CAL.due(start, duration))


def test_the_day_is_taken_in_the_calendar_zone() -> None:
    # 30 Sep 17:00 UTC is already 1 Oct 01:00 in Shanghai: the period starts from 1 Oct.
    assert CAL.due(datetime(2025, 9, 30, 17, tzinfo=UTC), "same_day") == cst(2025, 10, 2)
    # 29 Sep 17:00 UTC is 30 Sep 01:00 in Shanghai: 1wd is 9 Oct, not 30 Sep.
    assert CAL.due(datetime(2025, 9, 29, 17, tzinfo=UTC), "1wd") == cst(2025, 10, 10)


def test_elapsed_time_is_elapsed_across_a_dst_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    cal = yq.WorkCalendar.china(tz="Europe/Berlin")
    # Clocks go back from 03:00 CEST to 02:00 CET on 26 Oct 2025: 01:00 CEST + 3h = 03:00 CET.
    start = datetime(2025, 10, 26, 1, tzinfo=berlin)
    got = cal.due(start, "3h")
    assert got == datetime(2025, 10, 26, 2, tzinfo=UTC)
    assert got.utcoffset() == timedelta(hours=1)
    assert (got.hour, got.minute) == (3, 0)
    # Days in that zone still end at 24:00 local time.
    assert cal.due(start, "1wd") == datetime(2025, 10, 28, tzinfo=berlin)


def test_unknown_zone_and_bad_close_are_policy_errors() -> None:
    with pytest.raises(yq.PolicyError, match=r"^'Mars/Olympus' is not a known time zone$"):
        yq.WorkCalendar.china(tz="Mars/Olympus")
    for bad in ("25:00", "17h30", "1730", "7:30"):
        with pytest.raises(yq.PolicyError, match=r"is not a time like '17:30'"):
            yq.WorkCalendar.china(business_close=bad)
    with pytest.raises(yq.PolicyError, match="'00:00' is not a closing time"):
        yq.WorkCalendar.china(business_close="00:00")


# -- coverage horizon ----------------------------------------------------------------------


def test_the_last_official_day_still_counts() -> None:
    # Wed 30 Dec 2026 + 1wd: Thu 31 Dec is the last day; 24:00 is shown as 1 Jan 2027 00:00,
    # which is not a projection.
    d = CAL.deadline(cst(2026, 12, 30, 10), "1wd")
    assert d.at == cst(2027, 1, 1)
    assert d.projected is False


@pytest.mark.parametrize(
    ("start", "duration"),
    [
        (cst(2026, 12, 30, 10), "2wd"),
        (cst(2026, 12, 30, 10), "2d"),
        (cst(2026, 12, 31, 10), "1wd"),
        (cst(2027, 3, 1, 10), "1wd"),
        (cst(2027, 3, 1, 10), "3d"),
    ],
)
def test_a_2027_computation_raises_coverage_error(start: datetime, duration: str) -> None:
    with pytest.raises(yq.CalendarCoverageError) as e:
        CAL.due(start, duration)
    assert e.value.year == 2027
    assert e.value.last_covered_year == 2026
    assert str(e.value).startswith(
        "2027 is past the official holiday schedule this calendar knows (2001-2026, from holidays "
    )
    assert str(e.value).endswith(
        "); upgrade holidays or build the calendar with allow_projection=True"
    )
    with pytest.raises(yq.CalendarCoverageError):
        CAL.due_many([start], duration)
    with pytest.raises(yq.CalendarCoverageError):
        CAL.due_many_epoch([int(start.timestamp())], duration)


def test_coverage_error_is_a_yuqing_error_and_covers_single_days() -> None:
    with pytest.raises(yq.YuqingError):
        CAL.is_working_day(date(2027, 1, 4))
    with pytest.raises(yq.CalendarCoverageError, match=r"^2000 is before the official"):
        CAL.due(cst(2000, 6, 1, 10), "1wd")


def test_calendar_free_durations_need_no_coverage() -> None:
    assert CAL.due(cst(2027, 3, 1, 10), "3h") == cst(2027, 3, 1, 13)
    assert CLOSE.due(cst(2027, 3, 1, 10), "same_day") == cst(2027, 3, 1, 17, 30)
    assert CAL.deadline(cst(2027, 3, 1, 10), "3h").projected is False


def test_projection_marks_results() -> None:
    # Mon 1 Mar 2027 + 1wd: Tue 2 Mar (no holiday near).
    d = PROJ.deadline(cst(2027, 3, 1, 10), "1wd")
    assert d == Deadline(cst(2027, 3, 3), projected=True, last_day=date(2027, 3, 2), rule="24:00")
    assert PROJ.due(cst(2027, 3, 1, 10), "1wd") == cst(2027, 3, 3)
    # Wed 30 Dec 2026 + 2wd: Thu 31 Dec, (1 Jan New Year's Day, weekend), Mon 4 Jan 2027.
    assert PROJ.deadline(cst(2026, 12, 30, 10), "2wd") == Deadline(
        cst(2027, 1, 5), projected=True, last_day=date(2027, 1, 4), rule="24:00"
    )
    # Inside the official years nothing is projected.
    assert PROJ.deadline(cst(2025, 9, 30, 10), "1wd").projected is False
    assert PROJ.is_projected(date(2027, 1, 1)) is True
    assert PROJ.is_projected(date(2026, 12, 31)) is False


def test_projection_has_limits() -> None:
    with pytest.raises(yq.CalendarCoverageError, match=r"^2100 is outside the years this"):
        PROJ.due(cst(2099, 12, 31, 10), "1wd")


# -- institution overrides ----------------------------------------------------------------------


def test_extra_rest_days_campus_closure() -> None:
    # Closed Mon 3 and Tue 4 Nov 2025.
    cal = yq.WorkCalendar.china(extra_rest_days=[date(2025, 11, 3), date(2025, 11, 4)])
    assert cal.is_working_day(date(2025, 11, 3)) is False
    assert cal.due(cst(2025, 10, 31, 10), "1wd") == cst(2025, 11, 6)  # Wed 5 Nov
    assert cal.due(cst(2025, 11, 2, 10), "1d") == cst(2025, 11, 6)  # 3 Nov closed, moves to 5th
    assert cal.deadline(cst(2025, 11, 2, 10), "1d").moved_from == date(2025, 11, 3)
    assert CAL.due(cst(2025, 10, 31, 10), "1wd") == cst(2025, 11, 4)  # others unaffected


def test_extra_rest_day_on_a_makeup_saturday() -> None:
    cal = yq.WorkCalendar.china(extra_rest_days=[date(2025, 10, 11)])
    assert cal.is_working_day(date(2025, 10, 11)) is False
    assert cal.is_makeup_working_day(date(2025, 10, 11)) is False
    assert cal.due(cst(2025, 9, 30, 10), "3wd") == cst(2025, 10, 14)  # 9, 10, 13 Oct


def test_extra_work_days() -> None:
    cal = yq.WorkCalendar.china(extra_work_days=[date(2025, 11, 8)])  # a Saturday
    assert cal.is_working_day(date(2025, 11, 8)) is True
    assert cal.is_makeup_working_day(date(2025, 11, 8)) is True
    assert cal.due(cst(2025, 11, 7, 10), "1wd") == cst(2025, 11, 9)
    assert cal.due(cst(2025, 11, 7, 10), "1d") == cst(2025, 11, 9)
    assert CAL.due(cst(2025, 11, 7, 10), "1wd") == cst(2025, 11, 11)  # Mon 10 Nov


def test_an_override_cannot_be_both() -> None:
    with pytest.raises(yq.PolicyError, match=r"^2025-11-08 is both an extra rest day and"):
        yq.WorkCalendar.china(
            extra_rest_days=[date(2025, 11, 8)], extra_work_days=[date(2025, 11, 8)]
        )
    with pytest.raises(yq.PolicyError, match="is not a date"):
        yq.WorkCalendar.china(extra_rest_days=[datetime(2025, 11, 8, tzinfo=CST)])


# -- pauses (clock stopped while waiting on the citizen) -------------------------------------


def test_elapsed_pause_adds_the_paused_time_before_the_due() -> None:
    start = cst(2025, 11, 3, 9)  # +3h -> 12:00
    assert CAL.due(start, "3h", pauses=[(cst(2025, 11, 3, 10), cst(2025, 11, 3, 10, 45))]) == (
        cst(2025, 11, 3, 12, 45)
    )
    # Overlapping pauses count once: 10:00-11:00.
    overlapping = [
        (cst(2025, 11, 3, 10), cst(2025, 11, 3, 10, 45)),
        (cst(2025, 11, 3, 10, 30), cst(2025, 11, 3, 11)),
    ]
    assert CAL.due(start, "3h", pauses=overlapping) == cst(2025, 11, 3, 13)
    # Only the part after the start counts.
    before = [(cst(2025, 11, 3, 8), cst(2025, 11, 3, 9, 30))]
    assert CAL.due(start, "3h", pauses=before) == cst(2025, 11, 3, 12, 30)
    # A pause after the due instant changes nothing ...
    after = [(cst(2025, 11, 3, 12, 30), cst(2025, 11, 3, 13, 30))]
    assert CAL.due(start, "3h", pauses=after) == cst(2025, 11, 3, 12)
    # ... unless an earlier pause moved the due instant past its start.
    both = [(cst(2025, 11, 3, 10), cst(2025, 11, 3, 11)), *after]
    assert CAL.due(start, "3h", pauses=both) == cst(2025, 11, 3, 14)
    # Given in another zone, or out of order, the same.
    utc_pauses = [(b.astimezone(UTC), c.astimezone(UTC)) for b, c in reversed(both)]
    assert CAL.due(start, "3h", pauses=utc_pauses) == cst(2025, 11, 3, 14)


def test_now_and_same_day_pause_like_elapsed_time() -> None:
    pauses = [(cst(2025, 9, 30, 10, 10), cst(2025, 9, 30, 10, 20))]
    assert GRACE.due(cst(2025, 9, 30, 10), "now", pauses=pauses) == cst(2025, 9, 30, 10, 40)
    evening = [(cst(2025, 9, 30, 16), cst(2025, 10, 1, 9))]
    assert CLOSE.due(cst(2025, 9, 30, 10), "same_day", pauses=evening) == cst(2025, 10, 1, 10, 30)


def test_day_period_pause_adds_the_midnights_passed_while_paused() -> None:
    start = cst(2025, 11, 3, 10)  # Mon; 3d -> last day Thu 6 Nov
    assert CAL.due(start, "3d") == cst(2025, 11, 7)
    # Paused over the midnights ending 4 and 5 Nov: 5 days -> Sat 8 Nov, moved to Mon 10 Nov.
    pauses = [(cst(2025, 11, 4, 15), cst(2025, 11, 6, 9))]
    assert CAL.due(start, "3d", pauses=pauses) == cst(2025, 11, 11)
    assert CLOSE.due(start, "3d", pauses=pauses) == cst(2025, 11, 10, 17, 30)
    # A pause within one day passes no midnight.
    assert CAL.due(start, "3d", pauses=[(cst(2025, 11, 4, 10), cst(2025, 11, 4, 16))]) == (
        cst(2025, 11, 7)
    )
    # A pause that began before the start counts from the start: midnights ending 3 and 4 Nov.
    early = [(cst(2025, 11, 3, 8), cst(2025, 11, 5, 8))]
    assert CAL.due(start, "3d", pauses=early) == cst(2025, 11, 11)  # 5d: Sat 8 -> Mon 10
    # After the due instant: nothing.
    late = [(cst(2025, 11, 7, 8), cst(2025, 11, 9, 8))]
    assert CAL.due(start, "3d", pauses=late) == cst(2025, 11, 7)


def test_working_day_pause_adds_only_paused_working_days() -> None:
    start = cst(2025, 11, 5, 10)  # Wed; 3wd -> Thu 6, Fri 7, Mon 10 Nov
    assert CAL.due(start, "3wd") == cst(2025, 11, 11)
    # Fri 15:00 to Mon 09:00: the midnights ending Fri (working), Sat and Sun (rest) -> +1wd.
    weekend = [(cst(2025, 11, 7, 15), cst(2025, 11, 10, 9))]
    assert CAL.due(start, "3wd", pauses=weekend) == cst(2025, 11, 12)
    # The same pause on a 3d period (last day Sat 8 -> Mon 10) adds 3 days: Tue 11 Nov.
    assert CAL.due(start, "3d", pauses=weekend) == cst(2025, 11, 12)
    d = CAL.deadline(start, "3wd", pauses=weekend)
    assert d.last_day == date(2025, 11, 11)


def test_bad_pauses() -> None:
    with pytest.raises(PauseError, match=r"^pauses\[0\]: the pause ends"):
        CAL.due(cst(2025, 11, 3, 9), "3h", pauses=[(cst(2025, 11, 3, 11), cst(2025, 11, 3, 10))])
    with pytest.raises(yq.NaiveDatetimeError, match=r"^pauses\[0\]\[1\]"):
        CAL.due(cst(2025, 11, 3, 9), "3h", pauses=[(cst(2025, 11, 3, 10), datetime(2025, 11, 3))])
    assert issubclass(PauseError, yq.YuqingError)
    empty = [(cst(2025, 11, 3, 10), cst(2025, 11, 3, 10))]
    assert CAL.due(cst(2025, 11, 3, 9), "3h", pauses=empty) == cst(2025, 11, 3, 12)


# -- extension (RULES R5.2) ------------------------------------------------------------------


def test_extension_counts_from_the_original_due_instant() -> None:
    due = CAL.due(cst(2025, 11, 3, 10), "3d")
    assert due == cst(2025, 11, 7)  # 24:00 on Thu 6 Nov
    assert CAL.extend(due, "5d") == cst(2025, 11, 12)  # 24:00 on Tue 11 Nov
    assert CAL.extend(due, "2wd") == cst(2025, 11, 11)  # Fri 7, Mon 10
    assert CAL.extend(due, "24h") == cst(2025, 11, 8)
    close_due = CLOSE.due(cst(2025, 11, 3, 10), "3d")
    assert close_due == cst(2025, 11, 6, 17, 30)
    assert CLOSE.extend(close_due, "5d") == cst(2025, 11, 11, 17, 30)


def test_extension_moves_off_rest_days_like_a_period() -> None:
    # 24:00 on Mon 29 Sep + 5d: nominal 4 Oct is in the holiday, moves to Thu 9 Oct.
    assert CAL.extend(cst(2025, 9, 30), "5d") == cst(2025, 10, 10)
    # Ending at 12:00 on 29 Sep, the extension's starting day is still 29 Sep.
    assert CAL.extend(cst(2025, 9, 29, 12), "5d") == cst(2025, 10, 10)
    assert CAL.extend(cst(2025, 9, 30, 0, 1), "1d") == cst(2025, 10, 10)


def test_extension_by_now_or_same_day_is_a_policy_error() -> None:
    for by in ("now", "same_day"):
        with pytest.raises(
            yq.PolicyError, match=f"^an extension must be a length of time, not {by}"
        ):
            CAL.extend(cst(2025, 11, 7), by)


def test_extension_past_coverage_raises() -> None:
    with pytest.raises(yq.CalendarCoverageError):
        CAL.extend(cst(2026, 12, 31), "5d")
    assert PROJ.extend(cst(2026, 12, 31), "5d") == cst(2027, 1, 5)  # Mon 4 Jan 2027


# -- batches ------------------------------------------------------------------------------------


def test_due_many_mixes_zones_and_slow_paths() -> None:
    starts = [
        cst(2025, 9, 30, 10),
        datetime(2025, 9, 30, 2, tzinfo=UTC),
        cst(2025, 9, 26, 10),
    ]
    assert CAL.due_many(starts, "1wd") == [cst(2025, 10, 10), cst(2025, 10, 10), cst(2025, 9, 29)]
    assert CAL.due_many((s for s in starts), "3h") == [s + timedelta(hours=3) for s in starts]
    assert GRACE.due_many(starts[:1], "now") == [cst(2025, 9, 30, 10, 30)]
    assert CAL.due_many([], "1wd") == []


def test_due_many_epoch() -> None:
    start = int(cst(2025, 9, 30, 10).timestamp())
    assert CAL.due_many_epoch([start], "1wd") == [int(cst(2025, 10, 10).timestamp())]
    assert CAL.due_many_epoch([start], "3h") == [start + 3 * 3600]
    assert CLOSE.due_many_epoch([start], "same_day") == [int(cst(2025, 9, 30, 17, 30).timestamp())]
    assert GRACE.due_many_epoch([start], "now") == [start + 1800]
    berlin = yq.WorkCalendar.china(tz="Europe/Berlin")  # not a fixed offset: the general path
    assert berlin.due_many_epoch([start], "1wd") == [
        int(datetime(2025, 10, 10, tzinfo=ZoneInfo("Europe/Berlin")).timestamp())
    ]
