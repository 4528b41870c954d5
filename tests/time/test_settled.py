"""Settled and unsettled days, and provisional deadlines on the calendar (issue 12).

A day is settled when its year's official arrangement is known and it is not in the December
of the last known year. ``holidays`` 0.109 knows 2001-2026, so the settled days run from
1 Jan 2001 to 30 Nov 2026. The 2027 notices here are made up for the tests.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import CST, STATUTORY_2027, cst
from yuqing_core.time import Deadline, DurationKind

CAL = yq.WorkCalendar.china()
CLOSE = yq.WorkCalendar.china(business_close="17:30", immediate_grace="30min")
PROJ = yq.WorkCalendar.china(allow_projection=True)


def _days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


# -- settled days ----------------------------------------------------------------------------


def test_the_settled_days_end_with_november_of_the_last_official_year() -> None:
    for cal in (CAL, PROJ, CLOSE):
        assert cal.last_settled_day == date(2026, 11, 30)
        assert cal.is_settled(date(2001, 1, 1)) is True
        assert cal.is_settled(date(2026, 11, 30)) is True
        # The 2027 notice can still move December 2026 (as the 2008 notice moved 29 and
        # 31 Dec 2007).
        assert cal.is_settled(date(2026, 12, 1)) is False
        assert cal.is_settled(date(2026, 12, 31)) is False
        assert cal.is_settled(date(2027, 6, 1)) is False
        assert cal.is_settled(date(2000, 12, 31)) is False
    # A datetime is read as its day in the calendar's zone: 16:00 UTC on 30 Nov is 1 Dec.
    assert CAL.is_settled(datetime(2026, 11, 30, 15, 59, tzinfo=UTC)) is True
    assert CAL.is_settled(datetime(2026, 11, 30, 16, 0, tzinfo=UTC)) is False


def test_the_projection_is_statutory_holidays_with_their_weekday_substitutes_and_no_makeup() -> (
    None
):
    """What a projected year holds, exactly: holidays' statutory holidays (元旦, 春节 from its
    eve, 清明, 劳动节 1-2 May, 端午, 中秋, 国庆 1-3 Oct), each one on a Saturday or Sunday moved
    to the next weekday that is not one already (补假), weekends resting, no make-up days."""
    rest_weekdays = [d for d in _days(2027) if d.weekday() < 5 and not PROJ.is_working_day(d)]
    assert rest_weekdays == [
        date(2027, 1, 1),  # 元旦, Fri
        date(2027, 2, 5),  # 除夕, Fri
        date(2027, 2, 8),  # 春节 day 3, Mon
        date(2027, 2, 9),  # for 春节 day 1 on Sat 6 Feb
        date(2027, 2, 10),  # for 春节 day 2 on Sun 7 Feb
        date(2027, 4, 5),  # 清明, Mon
        date(2027, 5, 3),  # for 劳动节 on Sat 1 May
        date(2027, 5, 4),  # for 劳动节 on Sun 2 May
        date(2027, 6, 9),  # 端午, Wed
        date(2027, 9, 15),  # 中秋, Wed
        date(2027, 10, 1),  # 国庆, Fri
        date(2027, 10, 4),  # for 国庆 on Sat 2 Oct
        date(2027, 10, 5),  # for 国庆 on Sun 3 Oct
    ]
    assert [d for d in _days(2027) if d.weekday() >= 5 and PROJ.is_working_day(d)] == []


# -- provisional deadlines -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "duration", "due", "provisional"),
    [
        # Fri 27 Nov 2026 + 1wd ends with Mon 30 Nov: 24:00 is 00:00 on 1 Dec, still settled
        # (the last day looked up decides, not the instant).
        (cst(2026, 11, 27, 10), "1wd", cst(2026, 12, 1), False),
        # Mon 30 Nov + 1wd ends with Tue 1 Dec: December of the last official year.
        (cst(2026, 11, 30, 10), "1wd", cst(2026, 12, 2), True),
        # Day periods look up their nominal last day and, on a rest day, the days after it:
        # Wed 25 Nov + 3d: nominal Sat 28 Nov, moved to Mon 30 Nov: settled.
        (cst(2026, 11, 25, 10), "3d", cst(2026, 12, 1), False),
        # Thu 26 Nov + 3d: nominal Sun 29 Nov, moved to Mon 30 Nov: settled.
        (cst(2026, 11, 26, 10), "3d", cst(2026, 12, 1), False),
        # Fri 27 Nov + 3d: Mon 30 Nov, a working day: settled.
        (cst(2026, 11, 27, 10), "3d", cst(2026, 12, 1), False),
        # Sat 28 Nov + 3d: Tue 1 Dec: provisional.
        (cst(2026, 11, 28, 10), "3d", cst(2026, 12, 2), True),
        # Wed 30 Dec 2026 + 1wd: Thu 31 Dec, computed without an error, but provisional.
        (cst(2026, 12, 30, 10), "1wd", cst(2027, 1, 1), True),
        # Elapsed time, same_day and now never look a day up.
        (cst(2026, 12, 30, 22, 0), "3h", cst(2026, 12, 31, 1, 0), False),
        (cst(2027, 3, 1, 10), "90min", cst(2027, 3, 1, 11, 30), False),
        (cst(2026, 12, 31, 10), "same_day", cst(2026, 12, 31, 17, 30), False),
        (cst(2026, 12, 31, 10), "now", cst(2026, 12, 31, 10, 30), False),
    ],
)
def test_a_deadline_is_provisional_when_it_needs_an_unsettled_day(
    start: datetime, duration: str, due: datetime, provisional: bool
) -> None:
    cal = CLOSE if duration in ("same_day", "now") else CAL
    d = cal.deadline(start, duration)
    assert (d.at, d.provisional, d.projected) == (due, provisional, False)


def test_a_projected_deadline_is_always_provisional() -> None:
    # Wed 30 Dec 2026 + 2wd on the projection: Thu 31 Dec, (1 Jan, 2-3 Jan), Mon 4 Jan 2027.
    d = PROJ.deadline(cst(2026, 12, 30, 10), "2wd")
    assert (d.at, d.projected, d.provisional) == (cst(2027, 1, 5), True, True)
    # Building a projected Deadline marks it provisional too: one implies the other.
    assert Deadline(cst(2027, 1, 5), projected=True).provisional is True
    assert Deadline(cst(2027, 1, 5)).provisional is False


def test_due_still_refuses_past_the_data_without_projection() -> None:
    with pytest.raises(yq.CalendarCoverageError):
        CAL.due(cst(2026, 12, 30, 10), "2wd")
    with pytest.raises(yq.CalendarCoverageError):
        CAL.deadline(cst(2027, 3, 1, 10), "1wd")
    with pytest.raises(yq.CalendarCoverageError):
        CAL.extension(cst(2026, 12, 31), "2d")


def test_extensions_and_pauses_are_provisional_when_they_reach_unsettled_days() -> None:
    # 24:00 on Thu 26 Nov (returned as 27 Nov 00:00) extended by 2d: nominal Sat 28 Nov,
    # moved to Mon 30 Nov: settled.
    assert CAL.extension(cst(2026, 11, 27), "2d") == Deadline(
        cst(2026, 12, 1), last_day=date(2026, 11, 30), rule="24:00", moved_from=date(2026, 11, 28)
    )
    # By 5d: Tue 1 Dec.
    d = CAL.extension(cst(2026, 11, 27), "5d")
    assert (d.at, d.provisional) == (cst(2026, 12, 2), True)
    assert CAL.extend(cst(2026, 11, 27), "5d") == cst(2026, 12, 2)
    # An elapsed extension looks no day up.
    assert CAL.extension(cst(2026, 12, 31), "3h") == Deadline(cst(2026, 12, 31, 3))
    # Fri 20 Nov + 5wd ends with Fri 27 Nov (settled). A pause from Fri 27 Nov 15:00 to
    # Wed 2 Dec 09:00 passes the ends of Fri 27, Mon 30 Nov and Tue 1 Dec (working) and of
    # the weekend: three more working days, so Mon 30 Nov, Tue 1 Dec, Wed 2 Dec.
    plain = CAL.deadline(cst(2026, 11, 20, 10), "5wd")
    assert (plain.at, plain.provisional) == (cst(2026, 11, 28), False)
    paused = CAL.deadline(
        cst(2026, 11, 20, 10), "5wd", pauses=[(cst(2026, 11, 27, 15), cst(2026, 12, 2, 9))]
    )
    assert (paused.at, paused.provisional) == (cst(2026, 12, 3), True)


def test_with_projection_is_a_twin_with_the_same_settings() -> None:
    cal = yq.WorkCalendar.china(
        business_close="17:30",
        extra_rest_days=[date(2026, 12, 28)],
        immediate_grace="30min",
    )
    twin = cal.with_projection()
    assert twin is cal.with_projection()  # built once
    assert twin.with_projection() is twin
    assert PROJ.with_projection() is PROJ
    assert (twin.tz, twin.business_close, twin.immediate_grace) == (
        cal.tz,
        cal.business_close,
        cal.immediate_grace,
    )
    assert twin.extra_rest_days == cal.extra_rest_days
    assert (cal.allow_projection, twin.allow_projection) == (False, True)
    # Tue 29 Dec 2026 + 1wd: Mon 28 Dec is the institution's rest day, not in the way here;
    # Wed 30 Dec is the last day, provisional, at business close.
    assert twin.deadline(cst(2026, 12, 29, 10), "1wd").at == cst(2026, 12, 30, 17, 30)
    assert twin.due(cst(2027, 3, 1, 10), "1wd") == cst(2027, 3, 2, 17, 30)
    with pytest.raises(yq.CalendarCoverageError):
        cal.due(cst(2027, 3, 1, 10), "1wd")


# -- a notice settles days without moving the settled ones ---------------------------------------

_weekdays = st.dates(min_value=date(2026, 12, 1), max_value=date(2027, 12, 31)).filter(
    lambda d: d.weekday() < 5
)
_weekend = st.dates(min_value=date(2026, 12, 1), max_value=date(2027, 12, 31)).filter(
    lambda d: d.weekday() >= 5
)
notices = st.builds(
    lambda rest, work: yq.OfficialNotice.from_data(
        {
            "year": 2027,
            "source": "property test only",
            "rest_days": sorted({*STATUTORY_2027, *rest}),
            "work_days": sorted(work),
        }
    ),
    st.sets(_weekdays, max_size=12),
    st.sets(_weekend, max_size=6),
)
starts = st.datetimes(
    min_value=datetime(2026, 9, 1), max_value=datetime(2027, 10, 31), timezones=st.just(CST)
)
durations = st.one_of(
    st.integers(1, 40).map(lambda n: f"{n}wd"),
    st.integers(1, 40).map(lambda n: f"{n}d"),
    st.integers(1, 3000).map(lambda m: f"{m}min"),
)


@settings(max_examples=300, deadline=None)
@given(notices, starts, durations)
def test_a_notice_never_moves_a_due_instant_that_did_not_depend_on_its_days(
    notice: yq.OfficialNotice, start: datetime, duration: str
) -> None:
    before = PROJ
    after = yq.WorkCalendar.china(allow_projection=True, notices=[notice])
    d0, d1 = before.deadline(start, duration), after.deadline(start, duration)
    if not d0.provisional:
        assert d1 == d0  # a settled deadline never moves
    d = yq.Duration.parse(duration)
    if d.kind is DurationKind.ELAPSED:
        assert d0 == d1
        assert not d0.provisional
        return
    assert d0.last_day is not None
    anchor = start.date()
    first = anchor + timedelta(days=d.amount if d.kind is DurationKind.DAYS else 1)
    looked_up = [first + timedelta(days=i) for i in range((d0.last_day - first).days + 1)]
    if all(before.is_working_day(x) == after.is_working_day(x) for x in looked_up):
        assert d1.at == d0.at
    # With the notice, whatever it needs up to 30 Nov 2027 is settled.
    assert d1.provisional == (d1.last_day is not None and d1.last_day > date(2027, 11, 30))


@settings(max_examples=100, deadline=None)
@given(starts, st.integers(1, 20))
def test_provisional_means_a_day_looked_up_is_not_settled(start: datetime, n: int) -> None:
    d = PROJ.deadline(start, f"{n}wd")
    assert d.last_day is not None
    looked_up = [
        start.date() + timedelta(days=i) for i in range(1, (d.last_day - start.date()).days + 1)
    ]
    assert d.provisional == any(not PROJ.is_settled(x) for x in looked_up)
    assert d.at == datetime.combine(d.last_day + timedelta(days=1), time(0), CST)
