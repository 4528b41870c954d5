"""Invariants of deadlines (RULES P3-P5), checked by hypothesis over the official years."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from yuqing_core.time import DurationKind

CST = ZoneInfo("Asia/Shanghai")
# Each has working hours too, so that every kind of duration (``4wh`` included) is drawn.
CALENDARS = {
    "plain": yq.WorkCalendar.china(
        immediate_grace="30min", working_hours=["08:30-12:00", "14:00-17:30"]
    ),
    "close": yq.WorkCalendar.china(
        business_close="17:30", immediate_grace="30min", working_hours=["09:00-17:30"]
    ),
    "campus": yq.WorkCalendar.china(
        business_close="18:00",
        immediate_grace="1h",
        working_hours=["08:00-11:30", "13:30-17:00", "19:00-21:00"],
        extra_rest_days=[date(2025, 11, 3), date(2025, 11, 4), date(2026, 2, 24)],
        extra_work_days=[date(2025, 11, 8), date(2026, 2, 22)],
    ),
}
ZONES: list[tzinfo] = [
    UTC,
    CST,
    timezone(timedelta(hours=8)),
    timezone(timedelta(hours=-11, minutes=-30)),
    ZoneInfo("America/New_York"),
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("Pacific/Kiritimati"),
]

calendars = st.sampled_from(sorted(CALENDARS)).map(CALENDARS.__getitem__)
zones = st.sampled_from(ZONES)
# Starts stay far enough from the end of 2026 that 60 working days stay inside the schedule.
starts = st.datetimes(
    min_value=datetime(2001, 1, 2),
    max_value=datetime(2026, 8, 31),
    timezones=st.just(CST),
)
any_zone_starts = st.tuples(starts, zones).map(lambda p: p[0].astimezone(p[1]))


def _durations(kind: DurationKind, lo: int = 1) -> st.SearchStrategy[yq.Duration]:
    if kind is DurationKind.ELAPSED:
        return st.integers(lo, 30 * 24 * 60).map(lambda m: yq.Duration(kind, m))
    if kind in (DurationKind.SAME_DAY, DurationKind.NOW):
        return st.just(yq.Duration(kind))
    return st.integers(lo, 60).map(lambda n: yq.Duration(kind, n))


durations = st.sampled_from(list(DurationKind)).flatmap(_durations)
period_kinds = st.sampled_from([DurationKind.DAYS, DurationKind.WORKING_DAYS])
ordered_kinds = st.sampled_from(
    [DurationKind.ELAPSED, DurationKind.DAYS, DurationKind.WORKING_DAYS]
)


def _last_day(cal: yq.WorkCalendar, at: datetime) -> date:
    """The day whose end ``at`` is: 24:00 is shown as 00:00 of the next day."""
    local = cal.local(at)
    if cal.business_close is not None:
        assert local.time() == cal.business_close
        return local.date()
    assert local.time() == time(0)
    return local.date() - timedelta(days=1)


@given(cal=calendars, start=any_zone_starts, d=durations)
def test_a_deadline_is_never_before_its_start(
    cal: yq.WorkCalendar, start: datetime, d: yq.Duration
) -> None:
    due = cal.due(start, d)
    assert due > start
    assert due.tzinfo is cal.zone


@given(cal=calendars, start=any_zone_starts, kind=ordered_kinds, data=st.data())
def test_a_longer_duration_never_ends_earlier(
    cal: yq.WorkCalendar, start: datetime, kind: DurationKind, data: st.DataObject
) -> None:
    a = data.draw(_durations(kind))
    b = data.draw(_durations(kind, lo=a.amount))
    assert cal.due(start, a) <= cal.due(start, b)


@given(cal=calendars, a=any_zone_starts, b=any_zone_starts, d=durations)
def test_a_later_start_never_ends_earlier(
    cal: yq.WorkCalendar, a: datetime, b: datetime, d: yq.Duration
) -> None:
    a, b = min(a, b), max(a, b)
    assert cal.due(a, d) <= cal.due(b, d)


@given(cal=calendars, start=any_zone_starts, kind=period_kinds, data=st.data())
def test_periods_never_end_on_a_rest_day(
    cal: yq.WorkCalendar, start: datetime, kind: DurationKind, data: st.DataObject
) -> None:
    d = data.draw(_durations(kind))
    result = cal.deadline(start, d)
    last = _last_day(cal, result.at)
    assert last == result.last_day
    assert cal.is_working_day(last)
    assert last > cal.local(start).date()
    if kind is DurationKind.WORKING_DAYS:
        assert cal.working_days_between(cal.local(start).date(), last) == d.amount
    else:
        nominal = cal.local(start).date() + timedelta(days=d.amount)
        assert last >= nominal
        # Every day from the nominal last day up to the result is a rest day but the last.
        assert not any(
            cal.is_working_day(nominal + timedelta(days=i)) for i in range((last - nominal).days)
        )
        assert (result.moved_from is not None) == (last != nominal)


@given(cal=calendars, start=starts, zone=zones, d=durations)
def test_results_do_not_depend_on_the_start_zone(
    cal: yq.WorkCalendar, start: datetime, zone: tzinfo, d: yq.Duration
) -> None:
    here = cal.due(start, d)
    there = cal.due(start.astimezone(zone), d)
    assert repr(there) == repr(here)


@given(cal=calendars, starts_=st.lists(any_zone_starts, max_size=20), d=durations)
def test_batches_agree_with_single_calls(
    cal: yq.WorkCalendar, starts_: list[datetime], d: yq.Duration
) -> None:
    single = [cal.due(s, d) for s in starts_]
    assert cal.due_many(starts_, d) == single
    whole = [s.replace(microsecond=0) for s in starts_]
    assert cal.due_many_epoch([int(s.timestamp()) for s in whole], d) == [
        int(cal.due(s, d).timestamp()) for s in whole
    ]


pauses = st.lists(
    st.tuples(starts, st.integers(0, 5 * 24 * 60)).map(
        lambda p: (p[0], p[0] + timedelta(minutes=p[1]))
    ),
    max_size=4,
)


@settings(max_examples=200)
@given(cal=calendars, start=starts, d=durations, ps=pauses, extra=pauses)
def test_pausing_never_brings_a_deadline_forward(
    cal: yq.WorkCalendar,
    start: datetime,
    d: yq.Duration,
    ps: list[tuple[datetime, datetime]],
    extra: list[tuple[datetime, datetime]],
) -> None:
    plain = cal.due(start, d)
    paused = cal.due(start, d, pauses=ps)
    assert paused >= plain
    assert cal.due(start, d, pauses=ps + extra) >= paused
    if d.kind is DurationKind.ELAPSED:
        # Elapsed time: never more than the paused time added.
        total = sum((b - a for a, b in ps), timedelta())
        assert paused - plain <= total


@given(cal=calendars, start=starts, d=st.sampled_from(list(DurationKind)).flatmap(_durations))
def test_extension_never_shortens(cal: yq.WorkCalendar, start: datetime, d: yq.Duration) -> None:
    due = cal.due(start, "3d")
    if d.kind in (DurationKind.SAME_DAY, DurationKind.NOW):
        return
    extended = cal.extend(due, d)
    assert extended > due
    if d.kind is DurationKind.WORKING_HOURS:
        # Working hours end inside them, on a working day, not at a day's end.
        assert cal.is_working_day(extended)
    elif d.kind is not DurationKind.ELAPSED:
        assert cal.is_working_day(_last_day(cal, extended))
