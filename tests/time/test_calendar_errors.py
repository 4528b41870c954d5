"""Bad arguments to the time layer raise library errors, never bare Python exceptions.

A wrong type is an ``InvalidArgumentError`` (both a ``TypeError`` and a ``ValueError``), a bad
calendar setting a ``PolicyError``, a result no datetime can hold a ``CalendarCoverageError``.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from yuqing_core.time import DurationKind

CAL = yq.WorkCalendar.china()
LOOSE: Any = CAL
"""The calendar, for calls that give it arguments of the wrong type on purpose."""
PROJECTING = yq.WorkCalendar.china(allow_projection=True, immediate_grace="30min")
CST = ZoneInfo("Asia/Shanghai")
LAST = datetime(9999, 12, 31, 20, tzinfo=CST)
FIRST = datetime(1, 1, 1, 3, tzinfo=timezone(timedelta(hours=8)))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: LOOSE.is_working_day("2025-11-03"),
            "day: expected a date, got str; read ISO text with date.fromisoformat",
        ),
        (lambda: LOOSE.is_working_day(20251103), "day: expected a date, got int"),
        (lambda: LOOSE.is_makeup_working_day(None), "day: expected a date, got NoneType"),
        (
            lambda: LOOSE.holiday_name("2025-10-01"),
            "day: expected a date, got str; read ISO text with date.fromisoformat",
        ),
        (lambda: LOOSE.next_working_day(1.5), "day: expected a date, got float"),
        (
            lambda: LOOSE.working_days_between(date(2025, 1, 1), "2025-02-01"),
            "end: expected a date, got str; read ISO text with date.fromisoformat",
        ),
        (
            lambda: LOOSE.nth_working_day_after(date(2025, 1, 1), "3"),
            "n must be at least 1 and a whole number (got '3')",
        ),
        (
            lambda: LOOSE.working_days_in(2025, 13),
            "2025-13 is not a month (a year 1-9998 and a month 1-12)",
        ),
        (
            lambda: LOOSE.due("2025-11-03T09:00+08:00", "3h"),
            "start: expected a datetime, got str; read ISO text with datetime.fromisoformat",
        ),
        (lambda: LOOSE.local(date(2025, 11, 3)), "expected a datetime, got date"),
        (
            lambda: LOOSE.due_many([date(2025, 11, 3)], "1wd"),
            "start: expected a datetime, got date",
        ),
        (lambda: LOOSE.due_many_epoch(["0"], "1wd"), "start: expected whole seconds, got str"),
        (lambda: LOOSE.due_many_epoch([None], "3h"), "starts: expected whole seconds"),
        (lambda: LOOSE.extend("soon", "1d"), "expected a datetime, got str"),
    ],
)
def test_wrong_arguments_raise_invalid_argument_error(call: Any, message: str) -> None:
    with pytest.raises(yq.InvalidArgumentError) as e:
        call()
    assert str(e.value) == message
    assert isinstance(e.value, TypeError)
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"business_close": 1730}, "business_close must be a time like '17:30', not int"),
        (
            {"business_close": time(0)},
            "business_close '00:00' is not a closing time; leave it unset for 24:00",
        ),
        ({"tz": "Asia/Shangai"}, "'Asia/Shangai' is not a known time zone"),
        ({"tz": None}, "None is not a known time zone"),
        ({"extra_rest_days": 5}, "extra rest and working days must be lists of dates"),
        ({"extra_work_days": ["2025-11-08"]}, "'2025-11-08' is not a date (write 2025-10-09)"),
    ],
)
def test_bad_calendar_settings_raise_policy_error(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(yq.PolicyError) as e:
        yq.WorkCalendar.china(**kwargs)
    assert str(e.value) == message


@pytest.mark.parametrize(
    "call",
    [
        lambda: CAL.due(LAST, "5h"),
        lambda: PROJECTING.due(LAST, "5h"),
        lambda: PROJECTING.due(LAST.replace(hour=23, minute=50), "now"),
        lambda: PROJECTING.due(LAST, "same_day"),
        lambda: PROJECTING.deadline(LAST, "240min"),
        lambda: PROJECTING.extend(LAST, "4h"),
        lambda: PROJECTING.due_many([LAST], "5h"),
        lambda: CAL.is_working_day(datetime(9999, 12, 31, 23, tzinfo=UTC)),
    ],
)
def test_a_result_past_year_9999_is_a_coverage_error(call: Any) -> None:
    with pytest.raises(yq.CalendarCoverageError) as e:
        call()
    assert e.value.year == 9999
    assert str(e.value).endswith("the result falls outside the years a datetime can hold (1-9999)")


def test_due_near_year_9999_names_the_start() -> None:
    with pytest.raises(yq.CalendarCoverageError) as e:
        CAL.due(LAST, "5h")
    assert str(e.value) == (
        "9999-12-31T20:00:00+08:00: the result falls outside the years a datetime can hold (1-9999)"
    )
    assert e.value.last_covered_year == CAL.last_covered_year


def test_a_start_in_year_1_that_no_zone_can_convert_is_a_coverage_error() -> None:
    with pytest.raises(yq.CalendarCoverageError) as e:
        CAL.due(FIRST, "3h")
    assert e.value.year == 1


@pytest.mark.parametrize("seconds", [-(10**12), 10**12, 2**62])
def test_epoch_batches_out_of_range_are_coverage_errors(seconds: int) -> None:
    for text in ("same_day", "now", "1wd"):
        with pytest.raises(yq.CalendarCoverageError, match="seconds since the epoch"):
            PROJECTING.due_many_epoch([seconds], text)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("weeks", 1), "'weeks' is not a kind of duration (elapsed, days, working_days, "),
        ((DurationKind.DAYS, "3"), "amount must be a whole number, not '3'"),
        ((DurationKind.DAYS, 0), "a duration must be positive; use 'now' for immediate"),
        ((DurationKind.ELAPSED, 10**9), "a duration is at most 366 days"),
        ((DurationKind.NOW, 5), "now takes no amount"),
    ],
)
def test_building_a_bad_duration_is_an_invalid_argument(
    args: tuple[Any, Any], message: str
) -> None:
    with pytest.raises(yq.InvalidArgumentError) as e:
        yq.Duration(*args)
    assert str(e.value).startswith(message)


_ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12)), CST, ZoneInfo("EST5EDT")]
)
_TEXTS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["3h", "90min", "3d", "1wd", "366d", "8784h", "same_day", "now"]),
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_duration_parse_gives_a_duration_or_a_policy_error(text: str) -> None:
    try:
        d = yq.Duration.parse(text)
    except yq.PolicyError as e:
        message = str(e)
    else:
        assert yq.Duration.parse(str(d)) == d
        return
    assert message == f"{text!r} is not a duration (write 90min, 3h, 3d, 1wd, same_day or now)"


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(timezones=_ZONES)
    | st.sampled_from([LAST, FIRST, datetime(9999, 12, 30, tzinfo=UTC)]),
    _TEXTS,
    st.sampled_from([CAL, PROJECTING]),
)
def test_due_with_any_aware_start_and_text_gives_an_instant_or_a_library_error(
    start: datetime, text: str, cal: yq.WorkCalendar
) -> None:
    for call in (cal.due, cal.deadline, cal.extend, lambda s, d: cal.due_many([s], d)):
        with contextlib.suppress(yq.YuqingError):
            call(start, text)


def test_a_pause_that_is_not_a_pair_is_a_pause_error() -> None:
    start = datetime(2025, 11, 3, 9, tzinfo=CST)
    with pytest.raises(yq.PauseError) as e:
        CAL.deadline(start, "3h", pauses=[start])  # type: ignore[list-item]
    assert str(e.value) == "pauses[0]: a pause is a (start, end) pair of datetimes"
