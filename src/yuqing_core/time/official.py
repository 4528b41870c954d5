"""China's official calendar data from the ``holidays`` package, and how far it reaches.

The statutory holidays and the State Council's 调休 make-up working days come from
``holidays``; :class:`Horizon` says which years a calendar may count on and words the error
for a day past them.

>>> official_first_year() <= 2025 <= official_last_year()
True
>>> Horizon(2001, 2026, projecting=False).uncovered(2027).year
2027
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from importlib.metadata import version
from typing import Any, Final

from holidays.countries.china import China, ChinaStaticHolidays

from ..errors import CalendarCoverageError

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "Horizon",
    "holiday_names",
    "official_first_year",
    "official_flags",
    "official_last_year",
]

MIN_YEAR: Final = 1950
"""The first year ``holidays`` models for China (founding of the PRC)."""
MAX_YEAR: Final = 2099
"""The last year a projecting calendar computes."""


def official_first_year() -> int:
    """The first year whose official 调休 schedule the installed ``holidays`` data holds."""
    return min(ChinaStaticHolidays.special_public_holidays)


def official_last_year() -> int:
    """The last year whose official 调休 schedule the installed ``holidays`` data holds."""
    return max(ChinaStaticHolidays.special_public_holidays)


def _china(years: Iterable[int] | int, **kwargs: Any) -> Any:
    return China(years=years, **kwargs)  # type: ignore[no-untyped-call]


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


def _year_of(ordinal: int) -> int:
    """The year of day ``ordinal``, clamped to the years a date can have."""
    if ordinal < 1:
        return 1
    if ordinal > date.max.toordinal():
        return date.max.year
    return date.fromordinal(ordinal).year


class Horizon:
    """The official years ``first..last``, and whether a calendar projects past them."""

    __slots__ = ("_first_day", "_last_day", "first", "last", "projecting")

    def __init__(self, first: int, last: int, *, projecting: bool) -> None:
        self.first = first
        self.last = last
        self.projecting = projecting
        self._first_day = date(first, 1, 1).toordinal()
        self._last_day = date(last, 12, 31).toordinal()

    @classmethod
    def installed(cls, *, projecting: bool) -> Horizon:
        """The official years of the installed ``holidays`` data."""
        return cls(official_first_year(), official_last_year(), projecting=projecting)

    @property
    def years(self) -> tuple[int, int]:
        """The first and last year a calendar with this horizon computes."""
        return (MIN_YEAR, MAX_YEAR) if self.projecting else (self.first, self.last)

    def is_projected(self, ordinal: int) -> bool:
        """Whether day ``ordinal`` lies outside the official years."""
        return not self._first_day <= ordinal <= self._last_day

    def uncovered_day(self, ordinal: int) -> CalendarCoverageError:
        """The error for a computation that needs day ``ordinal``, which the tables lack."""
        return self.uncovered(_year_of(ordinal))

    def uncovered(self, year: int) -> CalendarCoverageError:
        """The error for a computation that needs ``year``, which the tables lack."""
        source = f"from holidays {version('holidays')}"
        span = f"{self.first}-{self.last}"
        if self.projecting:
            msg = f"{year} is outside the years this calendar can compute ({MIN_YEAR}-{MAX_YEAR})"
        elif year > self.last:
            msg = (
                f"{year} is past the official holiday schedule this calendar knows ({span}, "
                f"{source}); upgrade holidays or build the calendar with allow_projection=True"
            )
        else:
            msg = (
                f"{year} is before the official holiday schedule this calendar knows ({span}, "
                f"{source}); build the calendar with allow_projection=True to count it anyway"
            )
        return CalendarCoverageError(msg, year=year, last_covered_year=self.last)
