"""Day-by-day agreement with two independent oracles: ``chinesecalendar`` (chinese_calendar)
and ``holidays``, for every year both know.

The one known disagreement is documented in docs/deadlines.md: Saturday 31 Dec 2005 was a
make-up working day for New Year 2006 (the State Council's 2006 notice moved its rest to Tue
3 Jan); ``holidays`` has it, ``chinese_calendar`` 1.11 marks the day as a rest day (reported
upstream as liriansu-opus/chinese-calendar issue #125).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import chinese_calendar
import pytest
from chinese_calendar import constants as cc_constants
from holidays.countries.china import China

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.time import official_first_year, official_last_year

CAL = yq.WorkCalendar.china()
PROJ = yq.WorkCalendar.china(allow_projection=True)

CC_FIRST = min(d.year for d in cc_constants.holidays)
CC_LAST = max(d.year for d in cc_constants.holidays)

KNOWN_CHINESE_CALENDAR_DISAGREEMENTS = {date(2005, 12, 31)}


def _holidays(years: range) -> Any:
    return China(years=years)  # type: ignore[no-untyped-call]


def _days(first_year: int, last_year: int) -> list[date]:
    d, end, out = date(first_year, 1, 1), date(last_year, 12, 31), []
    while d <= end:
        out.append(d)
        d += timedelta(days=1)
    return out


def test_oracle_ranges() -> None:
    """Which years each oracle knows with the installed data (the ranges checked below)."""
    assert (official_first_year(), official_last_year()) == (2001, 2026)
    assert (CC_FIRST, CC_LAST) == (2004, 2026)


def test_day_by_day_against_chinese_calendar() -> None:
    first, last = max(CC_FIRST, official_first_year()), min(CC_LAST, official_last_year())
    assert last - first >= 20
    disagree = {
        d for d in _days(first, last) if CAL.is_working_day(d) != chinese_calendar.is_workday(d)
    }
    assert disagree == KNOWN_CHINESE_CALENDAR_DISAGREEMENTS
    # The disagreement, exactly: ours (and holidays') a working Saturday, theirs a rest day.
    assert CAL.is_working_day(date(2005, 12, 31)) is True
    assert date(2005, 12, 31).weekday() == 5
    assert chinese_calendar.is_workday(date(2005, 12, 31)) is False


def test_day_by_day_against_holidays() -> None:
    first, last = official_first_year(), official_last_year()
    oracle = _holidays(range(first, last + 1))
    disagree = [d for d in _days(first, last) if CAL.is_working_day(d) != oracle.is_working_day(d)]
    assert disagree == []


def test_projected_years_follow_holidays_estimates() -> None:
    first = official_last_year() + 1
    oracle = _holidays(range(first, first + 3))
    disagree = [
        d for d in _days(first, first + 2) if PROJ.is_working_day(d) != oracle.is_working_day(d)
    ]
    assert disagree == []


@pytest.mark.parametrize("n", [1, 3, 5])
def test_working_day_periods_against_holidays_nth_working_day(n: int) -> None:
    oracle = _holidays(range(2024, 2027))
    for start in _days(2024, 2026)[:-20]:
        ours = CAL.deadline(_ten_am(start), f"{n}wd").last_day
        assert ours == oracle.get_nth_working_day(start, n), start


@pytest.mark.parametrize("n", [1, 3])
def test_working_day_periods_against_chinese_calendar_find_workday(n: int) -> None:
    for start in _days(2025, 2026)[:-20:3]:
        ours = CAL.deadline(_ten_am(start), f"{n}wd").last_day
        # find_workday first rolls a rest day forward to a working day, then counts.
        rolls = not chinese_calendar.is_workday(start)
        assert ours == chinese_calendar.find_workday(n - rolls, start), start


def _ten_am(day: date) -> datetime:
    return cst(day.year, day.month, day.day, 10)
