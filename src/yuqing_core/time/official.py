"""China's official calendar data from the ``holidays`` package, and how far it reaches.

The statutory holidays and the State Council's 调休 make-up working days come from
``holidays``; :class:`Horizon` says which years a calendar may count on, which days are
settled, and words the error for a day past them.

A day is *settled* when its year's official arrangement is known (from ``holidays`` or from
an :class:`~yuqing_core.time.notices.OfficialNotice`) and it is not in the December of the
last known year: the next year's notice can still move those days (the 2008 notice made
Sat 29 Dec 2007 a working day and Mon 31 Dec 2007 a rest day).

Past the known years a projecting calendar counts what ``holidays`` computes by rule: the
statutory holidays (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节, with the lunar dates),
a statutory holiday that falls on a Saturday or Sunday moved to the next weekday that is not
a holiday already (补假), weekends as rest days, and no 调休 make-up working days.

>>> official_first_year() <= 2025 <= official_last_year()
True
>>> Horizon(2001, 2026, projecting=False).uncovered(2027).year
2027
>>> h = Horizon(2001, 2026, projecting=True)
>>> h.last_settled_day, h.is_settled(date(2026, 12, 1).toordinal())
(datetime.date(2026, 11, 30), False)
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable
from datetime import date
from importlib.metadata import version
from typing import Any, Final

import holidays

from .._dt import FIRST_YEAR, LAST_YEAR
from ..errors import CalendarCoverageError

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "Horizon",
    "holiday_names",
    "official_first_year",
    "official_flags",
    "official_last_year",
    "statutory_days",
]

MIN_YEAR: Final = FIRST_YEAR
"""The first year ``holidays`` models for China (founding of the PRC)."""
MAX_YEAR: Final = LAST_YEAR
"""The last year a projecting calendar computes."""


def official_first_year() -> int:
    """The first year whose official 调休 schedule the installed ``holidays`` data holds."""
    return int(min(_static().special_public_holidays))


def official_last_year() -> int:
    """The last year whose official 调休 schedule the installed ``holidays`` data holds."""
    return int(max(_static().special_public_holidays))


def _china(years: Iterable[int] | int, **kwargs: Any) -> Any:
    return holidays.country_holidays("CN", years=years, **kwargs)


@functools.cache
def _static() -> Any:
    """China's official 调休 schedules in ``holidays``. Imported on first use: importing any
    module of ``holidays.countries`` imports all of them (some 250), which the start-up of
    ``yuqing_core`` need not pay."""
    return importlib.import_module("holidays.countries.china").ChinaStaticHolidays


@functools.lru_cache(maxsize=8)
def official_flags(lo: int, hi: int) -> bytes:
    """1 for a working day, 0 for a rest day, for every day of the years ``lo..hi``."""
    base = date(lo, 1, 1).toordinal()
    end = date(hi, 12, 31).toordinal()
    # date.fromordinal(1) is a Monday, so (ordinal - 1) % 7 is the weekday.
    flags = bytearray(1 if (o - 1) % 7 < 5 else 0 for o in range(base, end + 1))
    # A make-up day is listed in the notice of the year it serves (29 Dec 2001 under 2002),
    # so the neighbouring years are loaded too.
    cn = _china(range(max(lo - 1, MIN_YEAR), hi + 2))
    for d in cn:
        if base <= d.toordinal() <= end:
            flags[d.toordinal() - base] = 0
    for d in cn.weekend_workdays:
        if base <= d.toordinal() <= end:
            flags[d.toordinal() - base] = 1
    return bytes(flags)


@functools.lru_cache(maxsize=32)
def holiday_names(year: int) -> dict[date, str]:
    """The official holidays of ``year`` by day, named in Chinese."""
    return {d: str(n) for d, n in _china(year, language="zh_CN").items()}


@functools.lru_cache(maxsize=32)
def statutory_days(year: int) -> frozenset[date]:
    """The statutory holidays of ``year`` by ``holidays``' rules, without the days a holiday
    on a weekend moves to (and, for an official year, with that year's 调休 rest days)."""
    return frozenset(d for d in _china(year, observed=False) if d.year == year)


def _year_of(ordinal: int) -> int:
    """The year of day ``ordinal``, clamped to the years a date can have."""
    if ordinal < 1:
        return 1
    if ordinal > date.max.toordinal():
        return date.max.year
    return date.fromordinal(ordinal).year


class Horizon:
    """The official years ``first..last``, the years notices add after them (up to
    ``known_last``), and whether a calendar projects past them.

    The known years are ``first..known_last``; the settled days run from 1 January of
    ``first`` to 30 November of ``known_last``.
    """

    __slots__ = (
        "_first_day",
        "_last_day",
        "_last_settled",
        "first",
        "known_last",
        "last",
        "noticed",
        "projecting",
    )

    def __init__(
        self, first: int, last: int, *, projecting: bool, noticed: tuple[int, ...] = ()
    ) -> None:
        self.first = first
        self.last = last
        self.projecting = projecting
        self.noticed = noticed
        """The years notices add after ``last`` (consecutive), ascending."""
        self.known_last = max((last, *noticed))
        self._first_day = date(first, 1, 1).toordinal()
        self._last_day = date(self.known_last, 12, 31).toordinal()
        self._last_settled = date(self.known_last, 11, 30).toordinal()

    @classmethod
    def installed(cls, *, projecting: bool, noticed: tuple[int, ...] = ()) -> Horizon:
        """The official years of the installed ``holidays`` data, and the years ``noticed``
        after them."""
        return cls(
            official_first_year(), official_last_year(), projecting=projecting, noticed=noticed
        )

    @property
    def years(self) -> tuple[int, int]:
        """The first and last year a calendar with this horizon computes."""
        return (MIN_YEAR, MAX_YEAR) if self.projecting else (self.first, self.known_last)

    @property
    def last_settled_day(self) -> date:
        """The last settled day: 30 November of the last known year."""
        return date.fromordinal(self._last_settled)

    def is_projected(self, ordinal: int) -> bool:
        """Whether day ``ordinal`` lies outside the known years."""
        return not self._first_day <= ordinal <= self._last_day

    def is_settled(self, ordinal: int) -> bool:
        """Whether day ``ordinal``'s arrangement is final (see the module's docstring)."""
        return self._first_day <= ordinal <= self._last_settled

    def settles(self, lo: int, hi: int) -> bool:
        """Whether every day ``lo..hi`` (ordinals, ``lo <= hi``) is settled."""
        return self._first_day <= lo and hi <= self._last_settled

    def uncovered_day(self, ordinal: int) -> CalendarCoverageError:
        """The error for a computation that needs day ``ordinal``, which the tables lack."""
        return self.uncovered(_year_of(ordinal))

    def uncovered(self, year: int) -> CalendarCoverageError:
        """The error for a computation that needs ``year``, which the tables lack."""
        source = f"from holidays {version('holidays')}"
        if self.noticed:
            years = ", ".join(str(y) for y in self.noticed)
            source += f" and the notices for {years}"
        span = f"{self.first}-{self.known_last}"
        if self.projecting:
            msg = f"{year} is outside the years this calendar can compute ({MIN_YEAR}-{MAX_YEAR})"
        elif year > self.known_last:
            msg = (
                f"{year} is past the official holiday schedule this calendar knows ({span}, "
                f"{source}); upgrade holidays or build the calendar with allow_projection=True"
            )
        else:
            msg = (
                f"{year} is before the official holiday schedule this calendar knows ({span}, "
                f"{source}); build the calendar with allow_projection=True to count it anyway"
            )
        return CalendarCoverageError(msg, year=year, last_covered_year=self.known_last)
