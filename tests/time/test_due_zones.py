"""``due`` for a start given in any zone: the local day is found by arithmetic where the
calendar zone's UTC offset is steady (Asia/Shanghai: +08:00 since its last summer time ended
on 15 September 1991) and by converting the start elsewhere, and due instants of day and
working-day periods are remembered by day. Whatever path a start takes, the result is the
one ``deadline`` gives (which always converts the start), over the whole computable range,
summer times of 1986-1991 included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import yuqing_core as yq
from yuqing_core.time.instants import steady_offset

CAL = yq.WorkCalendar.china(allow_projection=True)
CLOSING = yq.WorkCalendar.china(business_close="17:30", allow_projection=True)
ZONES = [
    UTC,
    timezone(timedelta(hours=8)),
    timezone(timedelta(hours=5, minutes=45)),
    timezone(timedelta(hours=-3, minutes=-30)),
    ZoneInfo("Asia/Shanghai"),
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("America/New_York"),
]
SHANGHAI_SUMMER = datetime(1986, 5, 4, tzinfo=UTC), datetime(1991, 9, 16, tzinfo=UTC)

instants = st.one_of(
    st.datetimes(datetime(1950, 1, 2), datetime(2099, 12, 1), timezones=st.just(UTC)),
    st.datetimes(datetime(1986, 1, 1), datetime(1992, 1, 1), timezones=st.just(UTC)),
)


@given(
    at=instants,
    zone=st.sampled_from(ZONES),
    duration=st.sampled_from(["1wd", "3wd", "20wd", "1d", "5d", "30d"]),
    closing=st.booleans(),
)
def test_due_in_any_zone_is_the_converted_deadline(
    at: datetime, zone: timezone | ZoneInfo, duration: str, closing: bool
) -> None:
    cal = CLOSING if closing else CAL
    start = at.astimezone(zone)
    expected = cal.deadline(start, duration).at
    assert cal.due(start, duration) == expected
    assert cal.due(start, duration) == expected  # remembered the second time
    # A start at the same instant in the calendar's own zone shares the remembered answer.
    assert cal.due(at.astimezone(cal.zone), duration) == expected


def test_shanghai_is_steady_from_the_end_of_its_last_summer_time() -> None:
    first, last = datetime(1950, 1, 1).toordinal(), datetime(2099, 12, 31).toordinal()
    since, offset = steady_offset("Asia/Shanghai", first, last) or (0, 0)
    assert offset == 8 * 3600
    # 1991-09-15 02:00 +09:00 became 01:00 +08:00; steady from the next local midnight.
    steady_from = datetime(1991, 9, 16).toordinal() * 86_400 - offset
    assert since == steady_from
    assert steady_offset("Europe/Berlin", first, datetime(2025, 12, 31).toordinal()) is not None
    assert steady_offset("UTC", first, last) == ((first + 1) * 86_400, 0)


def test_a_start_in_shanghai_summer_time_is_converted() -> None:
    # 1988-09-08 15:30 UTC is Fri 9 Sep 1988 00:30 +09:00 in Shanghai (summer time until
    # 11 Sep), not Thu 8 Sep 23:30 as +08:00 would make it. One working day from Friday:
    # Mon 12 Sep, due at 24:00 -> 13 Sep 00:00 +08:00 (from Thursday it would be 10 Sep).
    at = datetime(1988, 9, 8, 15, 30, tzinfo=UTC)
    assert CAL._anchor(at) == 0  # before the steady offset: converted, not computed
    due = CAL.due(at, "1wd")
    assert due == datetime(1988, 9, 13, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert due.utcoffset() == timedelta(hours=8)
    assert CAL.due(at, "1wd") == due  # and remembered under the right day


def test_a_naive_start_is_refused_after_starts_in_other_zones() -> None:
    cal = yq.WorkCalendar.china()
    at = datetime(2025, 9, 30, 2, tzinfo=UTC)
    assert cal.due(at, "1wd") == cal.due(at, "1wd") == datetime(2025, 10, 10, tzinfo=cal.zone)
    for _ in range(2):
        with pytest.raises(yq.NaiveDatetimeError, match="has no time zone"):
            cal.due(datetime(2025, 9, 30, 10), "1wd")


def test_remembered_due_instants_are_bounded() -> None:
    from yuqing_core.time import calendar as module

    cal = yq.WorkCalendar.china(allow_projection=True)
    start = datetime(1992, 1, 1, 9, tzinfo=cal.zone)
    for n in range(1, 40):
        assert cal.due(start, f"{n}wd") == cal.deadline(start, f"{n}wd").at
    days = [start + timedelta(days=k) for k in range(module._MEMO_DAYS + 50)]
    assert cal.due_many(days, "1d") == [cal.deadline(s, "1d").at for s in days]
    for s in days:
        assert cal.due(s, "1wd") == cal.deadline(s, "1wd").at
    assert len(cal._memo) == module._MEMO_DURATIONS
    assert max(len(m) for m in cal._memo.values()) == module._MEMO_DAYS
