"""Whether a day is in one of the policy's named periods (``[[periods]]``).

A period holds the days of its date ranges and, with ``rule = "official_holidays"``, the
official holiday blocks: each run of rest days on the official calendar that holds a
statutory holiday, with the 调休 rest days swapped into it (1-8 Oct 2025; 15-23 Feb 2026),
but not an ordinary weekend and not the institution's own closures. Blocks are read on the
projecting twin of the official calendar, so a day past the official data still has an
answer, marked provisional when it rests on days the official data does not settle yet.

>>> from datetime import date
>>> from yuqing_core import load_policy
>>> policy = load_policy({"name": "demo", "title": "示例", "periods": [
...     {"id": "holidays", "rule": "official_holidays"}]})
>>> [in_period(policy, "holidays", date(2025, 10, d)) for d in (1, 8, 9, 12)]
[Membership(inside=True, provisional=False), Membership(inside=True, provisional=False), \
Membership(inside=False, provisional=False), Membership(inside=False, provisional=False)]
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from ..errors import CalendarCoverageError
from ..policy.period_spec import PeriodSpec
from ..time.calendar import WorkCalendar

if TYPE_CHECKING:
    from ..policy.data import PolicyData as Policy

__all__ = ["HolidayBlock", "Membership", "holiday_blocks", "in_period", "in_periods"]

_SAME: Final = {"农历除夕": "春节", "春节延长假期": "春节"}
"""Holiday names of the ``holidays`` data read as the statutory holiday they belong to."""


@dataclass(frozen=True, slots=True)
class Membership:
    """Whether a day is in a period, and whether that rests on unsettled calendar days."""

    inside: bool
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class HolidayBlock:
    """A run of official rest days ``first..last`` holding the statutory ``holidays``."""

    first: date
    last: date
    holidays: frozenset[str]
    provisional: bool
    """Some day of the block, or a working day bounding it, is not settled yet."""


def in_period(policy: Policy, period_id: str, day: date) -> Membership:
    """Whether ``day`` (a day in the calendar's zone) is in the period ``period_id``.

    An id the policy does not have raises :class:`KeyError` (the structural check refuses a
    duty that names one)."""
    for period in policy.spec.periods:
        if period.id == period_id:
            return _membership(policy, period, day)
    raise KeyError(period_id)


def in_periods(policy: Policy, period_ids: Iterable[str], day: date) -> Membership:
    """Whether ``day`` is in any of ``period_ids``; provisional if the answer rests on an
    unsettled day (inside a settled range is never provisional)."""
    found = [in_period(policy, ident, day) for ident in period_ids]
    if any(f.inside and not f.provisional for f in found):
        return Membership(True)
    if any(f.inside for f in found):
        return Membership(True, True)
    return Membership(False, any(f.provisional for f in found))


def _membership(policy: Policy, period: PeriodSpec, day: date) -> Membership:
    if any(r.start <= day <= r.end for r in period.ranges):
        return Membership(True)
    if period.rule is None:
        return Membership(False)
    wanted = frozenset(period.holidays)
    official = _official(policy.calendar)
    for block in holiday_blocks(official, day.year):
        if block.first <= day <= block.last and (not wanted or block.holidays & wanted):
            return Membership(True, block.provisional)
    return Membership(False, not official.is_settled(day))


@functools.lru_cache(maxsize=16)
def _official(cal: WorkCalendar) -> WorkCalendar:
    """The official calendar in ``cal``'s zone with its notices, projecting past them, and
    without the institution's own rest and working days."""
    return WorkCalendar(tz=cal.tz, notices=cal.notices, allow_projection=True)


@functools.lru_cache(maxsize=64)
def holiday_blocks(official: WorkCalendar, year: int) -> tuple[HolidayBlock, ...]:
    """The official holiday blocks that touch ``year``, earliest first, on ``official``."""
    day, end = date(year, 1, 1) - timedelta(days=31), date(year, 12, 31) + timedelta(days=31)
    out: list[HolidayBlock] = []
    run: list[date] = []
    while day <= end:
        if _rest(official, day):
            run.append(day)
        elif run:
            out += _block(official, run)
            run = []
        day += timedelta(days=1)
    out += _block(official, run) if run else []
    return tuple(b for b in out if b.last.year >= year >= b.first.year)


def _rest(official: WorkCalendar, day: date) -> bool:
    try:
        return not official.is_working_day(day)
    except CalendarCoverageError:
        return False  # past the years a calendar computes: no block reaches there


def _block(official: WorkCalendar, run: list[date]) -> list[HolidayBlock]:
    names = frozenset(n for d in run for n in _names(official.holiday_name(d)))
    if not names:
        return []  # a weekend, not a holiday
    first, last = run[0], run[-1]
    edges = (first - timedelta(days=1), last + timedelta(days=1))
    provisional = not all(_settled(official, d) for d in (*edges, *run))
    return [HolidayBlock(first, last, names, provisional)]


def _settled(official: WorkCalendar, day: date) -> bool:
    try:
        return official.is_settled(day)
    except (CalendarCoverageError, OverflowError):
        return False


def _names(name: str | None) -> list[str]:
    """The statutory holidays a day's name in the ``holidays`` data stands for."""
    if name is None or name.startswith("休息日"):
        return []
    out = []
    for part in name.split(";"):
        base = part.strip().removesuffix("（补假）")
        out.append(_SAME.get(base, base))
    return out
