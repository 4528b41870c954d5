"""China's official working calendar and Civil Code period arithmetic (RULES P3).

The statutory holidays and the State Council's 调休 make-up working days come from the
``holidays`` package; institutions add their own rest and working days on top. A period's end
is computed from precomputed tables, so a deadline costs a few array look-ups.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> cal = WorkCalendar.china()
>>> cst = ZoneInfo("Asia/Shanghai")
>>> cal.is_working_day(datetime(2025, 9, 28).date())   # a Sunday made a working day (调休)
True
>>> cal.due(datetime(2025, 9, 30, 10, tzinfo=cst), "1wd")  # National Day week in between
datetime.datetime(2025, 10, 10, 0, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from holidays.countries.china import China, ChinaStaticHolidays

from .._dt import ensure_aware
from ..errors import CalendarCoverageError, PolicyError
from .duration import Duration, DurationKind

__all__ = ["Deadline", "WorkCalendar", "official_last_year"]

FIRST_YEAR: Final = 2000
"""The earliest year the tables hold unless a computation asks for an earlier one."""
LAST_PROJECTION_YEAR: Final = 2099


def _holidays_version() -> str:
    from importlib.metadata import version

    return version("holidays")


def _china(year: int, **kwargs: Any) -> Any:
    return China(years=year, **kwargs)  # type: ignore[no-untyped-call]


def official_last_year() -> int:
    """The last year whose official 调休 schedule the installed ``holidays`` data holds."""
    return max(ChinaStaticHolidays.special_public_holidays)


@functools.lru_cache(maxsize=256)
def _official_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(holidays, weekend make-up working days) of one year, from ``holidays``."""
    cn = _china(year)
    hol = frozenset(d for d in cn if d.year == year)
    work = frozenset(d for d in cn.weekend_workdays if d.year == year)
    return hol, work


@dataclass(frozen=True, slots=True)
class Deadline:
    """A due instant, and whether it rests on a projected (not yet official) calendar year."""

    at: datetime
    projected: bool = False


def _parse_close(value: str | time | None) -> time | None:
    if value is None or isinstance(value, time):
        return value
    try:
        hh, mm = value.split(":")
        return time(int(hh), int(mm))
    except ValueError:
        raise PolicyError(f"business_close {value!r} is not a time like '17:30'") from None


class WorkCalendar:
    """A working calendar (工作日历) in one time zone, with an optional business close.

    Build it with :meth:`china`. Instances are immutable and safe to share between cases.
    """

    def __init__(
        self,
        *,
        tz: str = "Asia/Shanghai",
        business_close: str | time | None = None,
        extra_rest_days: Iterable[date] = (),
        extra_work_days: Iterable[date] = (),
        immediate_grace: str | Duration | None = None,
        allow_projection: bool = False,
    ) -> None:
        try:
            self._zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise PolicyError(f"{tz!r} is not a known time zone") from None
        self.tz = tz
        self.business_close = _parse_close(business_close)
        self.extra_rest_days = frozenset(extra_rest_days)
        self.extra_work_days = frozenset(extra_work_days)
        both = self.extra_rest_days & self.extra_work_days
        if both:
            day = min(both).isoformat()
            raise PolicyError(f"{day} is both an extra rest day and an extra working day")
        grace = None if immediate_grace is None else Duration.parse(immediate_grace)
        if grace is not None and not grace.is_elapsed:
            raise PolicyError(f"immediate grace {grace} must be elapsed time such as '30min'")
        self.immediate_grace = grace
        self.allow_projection = allow_projection
        self.last_covered_year = official_last_year()
        self._lo_year = FIRST_YEAR
        self._hi_year = self.last_covered_year
        self._build()

    @classmethod
    def china(
        cls,
        tz: str = "Asia/Shanghai",
        business_close: str | time | None = None,
        extra_rest_days: Iterable[date] = (),
        extra_work_days: Iterable[date] = (),
        *,
        immediate_grace: str | Duration | None = None,
        allow_projection: bool = False,
    ) -> WorkCalendar:
        """China's official calendar plus institution overrides.

        ``allow_projection`` lets computations run past the last official year, using the
        statutory holidays without 调休 swaps; such results report ``projected=True``.
        """
        return cls(
            tz=tz,
            business_close=business_close,
            extra_rest_days=extra_rest_days,
            extra_work_days=extra_work_days,
            immediate_grace=immediate_grace,
            allow_projection=allow_projection,
        )

    def __repr__(self) -> str:
        close = self.business_close.strftime("%H:%M") if self.business_close else None
        return (
            f"WorkCalendar.china(tz={self.tz!r}, business_close={close!r}, "
            f"official_until={self.last_covered_year}, allow_projection={self.allow_projection})"
        )

    # -- tables --------------------------------------------------------------------------

    def _build(self) -> None:
        lo, hi = self._lo_year, self._hi_year
        base = date(lo, 1, 1).toordinal()
        end = date(hi, 12, 31).toordinal()
        flags = bytearray(end - base + 1)
        for year in range(lo, hi + 1):
            hol, work = _official_year(year)
            o = date(year, 1, 1).toordinal()
            last = date(year, 12, 31).toordinal()
            for ordinal in range(o, last + 1):
                wd = (ordinal - 1) % 7  # Monday == 0 for date.fromordinal
                flags[ordinal - base] = 1 if wd < 5 else 0
            for d in hol:
                flags[d.toordinal() - base] = 0
            for d in work:
                flags[d.toordinal() - base] = 1
        for d in self.extra_rest_days:
            if base <= d.toordinal() <= end:
                flags[d.toordinal() - base] = 0
        for d in self.extra_work_days:
            if base <= d.toordinal() <= end:
                flags[d.toordinal() - base] = 1
        cum = array("l", bytes(0))
        running = 0
        working: list[int] = []
        for i, f in enumerate(flags):
            if f:
                running += 1
                working.append(base + i)
            cum.append(running)
        self._base = base
        self._end = end
        self._flags = bytes(flags)
        self._cum = cum
        self._working = array("l", working)

    def _ensure_year(self, year: int) -> None:
        """Grow the tables to hold ``year``, or raise when it is past the official schedule."""
        if year > self.last_covered_year and not self.allow_projection:
            raise CalendarCoverageError(
                f"{year} is past the official holiday schedule this calendar knows "
                f"(it ends with {self.last_covered_year}, from holidays {_holidays_version()}); "
                "upgrade holidays or build the calendar with allow_projection=True",
                year=year,
                last_covered_year=self.last_covered_year,
            )
        if year > LAST_PROJECTION_YEAR or year < 1950:
            raise CalendarCoverageError(
                f"{year} is outside the years this calendar can compute (1950-"
                f"{LAST_PROJECTION_YEAR})",
                year=year,
                last_covered_year=self.last_covered_year,
            )
        if self._lo_year <= year <= self._hi_year:
            return
        self._lo_year = min(self._lo_year, year)
        # Projected years are added in blocks so a long run does not rebuild per year.
        self._hi_year = max(self._hi_year, min(year + 4, LAST_PROJECTION_YEAR))
        self._build()

    def _index(self, ordinal: int) -> int:
        outside = not self._base <= ordinal <= self._end
        if outside or (ordinal > self._last_official_ordinal and not self.allow_projection):
            self._ensure_year(date.fromordinal(ordinal).year)
        return ordinal - self._base

    @functools.cached_property
    def _last_official_ordinal(self) -> int:
        return date(self.last_covered_year, 12, 31).toordinal()

    # -- days ----------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day: weekdays that are not holidays, and 调休 weekend
        make-up days, with the institution's overrides applied."""
        if isinstance(day, datetime):
            day = ensure_aware(day, "day").astimezone(self._zone).date()
        return bool(self._flags[self._index(day.toordinal())])

    def is_projected(self, day: date) -> bool:
        """Whether ``day`` lies past the last official year (only with ``allow_projection``)."""
        return day.year > self.last_covered_year

    def next_working_day(self, day: date, *, inclusive: bool = True) -> date:
        """The first working day on or after ``day`` (strictly after with ``inclusive=False``)."""
        ordinal = day.toordinal() if inclusive else day.toordinal() + 1
        return date.fromordinal(self._first_working_from(ordinal))

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself is not counted)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        return date.fromordinal(self._nth_after(day.toordinal(), n))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start < d <= end``."""
        if end <= start:
            return 0
        i, j = self._index(start.toordinal()), self._index(end.toordinal())
        return self._cum[j] - self._cum[i]

    def _first_working_from(self, ordinal: int) -> int:
        i = self._index(ordinal)
        if self._flags[i]:
            return ordinal
        k = self._cum[i]  # working days up to and including ordinal
        if k >= len(self._working):
            self._ensure_year(date.fromordinal(ordinal).year + 1)
            return self._first_working_from(ordinal)
        result = self._working[k]
        self._index(result)  # coverage check of the day found
        return result

    def _nth_after(self, ordinal: int, n: int) -> int:
        i = self._index(ordinal)
        k = self._cum[i] + n
        if k > len(self._working):
            self._ensure_year(self._hi_year + 1)
            return self._nth_after(ordinal, n)
        result = self._working[k - 1]
        self._index(result)
        return result

    # -- instants ------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def local(self, instant: datetime) -> datetime:
        """``instant`` in the calendar's time zone."""
        return ensure_aware(instant, "instant").astimezone(self._zone)

    def _end_of(self, ordinal: int) -> datetime:
        """The end of day ``ordinal``: business close, or 24:00 given as 00:00 of the next day."""
        d = date.fromordinal(ordinal)
        if self.business_close is not None:
            return datetime.combine(d, self.business_close, self._zone)
        return datetime.combine(d + timedelta(days=1), time(0), self._zone)

    def _period_last_day(self, anchor: int, duration: Duration) -> int:
        if duration.kind is DurationKind.DAYS:
            return self._first_working_from(anchor + duration.amount)
        return self._nth_after(anchor, duration.amount)

    def due(
        self,
        start: datetime,
        duration: str | Duration,
        *,
        pauses: Sequence[tuple[datetime, datetime]] = (),
    ) -> datetime:
        """The due instant of ``duration`` counted from ``start`` (RULES P3-P5).

        - elapsed (``3h``): from the moment;
        - day period (``3d``): the start day is not counted; a last day that is a rest day
          moves to the next working day; ends at 24:00 (00:00 of the next day) or at business
          close;
        - working days (``1wd``): counted from the day after the start, on the official
          calendar with 调休, ending like a day period;
        - ``same_day``: 24:00 of the start day, or business close if that is still ahead;
        - ``now``: the calendar's immediate grace.

        ``pauses`` are intervals during which the clock stood still (waiting on the citizen,
        say): elapsed time inside them is added; for day periods, whole days inside them are.
        """
        return self.deadline(start, duration, pauses=pauses).at

    def deadline(
        self,
        start: datetime,
        duration: str | Duration,
        *,
        pauses: Sequence[tuple[datetime, datetime]] = (),
    ) -> Deadline:
        """Like :meth:`due`, also telling whether the result rests on a projected year."""
        d = Duration.parse(duration)
        local = self.local(start)
        at = self._due_plain(local, d)
        if pauses:
            at = self._apply_pauses(local, d, at, pauses)
        return Deadline(at, projected=self.is_projected(at.date()) and not d.is_elapsed)

    def _due_plain(self, local: datetime, d: Duration) -> datetime:
        kind = d.kind
        if kind is DurationKind.ELAPSED:
            return (local + timedelta(minutes=d.amount)).astimezone(self._zone)
        if kind is DurationKind.NOW:
            if self.immediate_grace is None:
                raise PolicyError(
                    "'now' needs an explicit immediate grace (timing.immediate_grace in the "
                    "policy, or immediate_grace= on the calendar); it is never silently zero"
                )
            return (local + self.immediate_grace.as_timedelta()).astimezone(self._zone)
        anchor = local.date().toordinal()
        if kind is DurationKind.SAME_DAY:
            end = self._end_of(anchor)
            if end <= local:  # past business close: the day still ends at 24:00
                end = datetime.combine(local.date() + timedelta(days=1), time(0), self._zone)
            return end
        return self._end_of(self._period_last_day(anchor, d))

    def _apply_pauses(
        self,
        local: datetime,
        d: Duration,
        at: datetime,
        pauses: Sequence[tuple[datetime, datetime]],
    ) -> datetime:
        intervals = sorted(
            (self.local(a), self.local(b)) for a, b in pauses if self.local(b) > self.local(a)
        )
        if d.kind in (DurationKind.ELAPSED, DurationKind.NOW, DurationKind.SAME_DAY):
            for a, b in intervals:
                a = max(a, local)
                if a < at and b > a:
                    at = (at + (b - a)).astimezone(self._zone)
            return at
        extra = 0
        start_ord = local.date().toordinal()
        for a, b in intervals:
            lo = max(a.date().toordinal(), start_ord + 1)
            hi = b.date().toordinal()  # the day the pause ends is not a whole paused day
            if lo >= hi:
                continue
            if d.kind is DurationKind.DAYS:
                extra += hi - lo
            else:
                extra += self._cum[self._index(hi - 1)] - self._cum[self._index(lo - 1)]
        if not extra:
            return at
        return self._end_of(self._period_last_day(start_ord, Duration(d.kind, d.amount + extra)))

    def extend(self, due_at: datetime, by: str | Duration) -> datetime:
        """The due instant after an extension by ``by`` counted from ``due_at`` (RULES R5.2).

        A due instant at 24:00 (00:00 of the next day) is counted from the day it closes, so
        extending a period that ends at 24:00 on the 8th by ``5d`` ends at 24:00 on the 13th.
        """
        d = Duration.parse(by)
        local = self.local(due_at)
        if d.kind is DurationKind.ELAPSED:
            return (local + d.as_timedelta()).astimezone(self._zone)
        if d.kind in (DurationKind.SAME_DAY, DurationKind.NOW):
            raise PolicyError(f"an extension must be a length of time, not {d}")
        anchor = local.date().toordinal()
        if local.time() == time(0) and self.business_close is None:
            anchor -= 1
        return self._end_of(self._period_last_day(anchor, d))

    def due_many(self, starts: Iterable[datetime], duration: str | Duration) -> list[datetime]:
        """:meth:`due` for many starts with one duration."""
        d = Duration.parse(duration)
        plain = self._due_plain
        local = self.local
        return [plain(local(s), d) for s in starts]

    def working_days_in(self, year: int, month: int) -> list[date]:
        """The working days of one month."""
        first = date(year, month, 1)
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        days = (first + timedelta(days=i) for i in range((nxt - first).days))
        return [d for d in days if self.is_working_day(d)]

    def holiday_name(self, day: date) -> str | None:
        """The official holiday name of ``day``, if it is one (in Chinese)."""
        name = _china(day.year, language="zh_CN").get(day)
        return None if name is None else str(name)

    def is_makeup_working_day(self, day: date) -> bool:
        """Whether ``day`` is a weekend day made a working day (调休上班)."""
        if day in self.extra_work_days:
            return day.weekday() >= 5
        return day in _official_year(day.year)[1]
