"""China's official working calendar and Civil Code period arithmetic (RULES P3).

The statutory holidays and the State Council's 调休 make-up working days come from the
``holidays`` package; institutions add their own rest and working days on top. Every table a
deadline needs is computed once per calendar, so a deadline costs a few list look-ups.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> cal = WorkCalendar.china()
>>> cst = ZoneInfo("Asia/Shanghai")
>>> cal.is_working_day(datetime(2025, 9, 28).date())   # a Sunday made a working day (调休)
True
>>> cal.due(datetime(2025, 9, 30, 10, tzinfo=cst), "1wd")  # National Day week in between
datetime.datetime(2025, 10, 10, 0, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
>>> try:
...     cal.due(datetime(2027, 3, 1, 10, tzinfo=cst), "1wd")
... except CalendarCoverageError as e:
...     print(e.year, "is past", e.last_covered_year)
2027 is past 2026
>>> WorkCalendar.china(allow_projection=True).deadline(datetime(2027, 3, 1, 10, tzinfo=cst), "1wd")
Deadline(at=datetime.datetime(2027, 3, 3, 0, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai')), \
projected=True, last_day=datetime.date(2027, 3, 2), rule='24:00', moved_from=None)
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from holidays.countries.china import China, ChinaStaticHolidays

from .._dt import ensure_aware
from ..errors import CalendarCoverageError, PauseError, PolicyError
from .duration import _PARSED, Duration, DurationKind

__all__ = [
    "Deadline",
    "PauseError",
    "WorkCalendar",
    "official_first_year",
    "official_last_year",
]

MIN_YEAR: Final = 1950
"""The first year ``holidays`` models for China (founding of the PRC)."""
MAX_YEAR: Final = 2099
"""The last year a projecting calendar computes."""

_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
_DAY: Final = 86_400
_WD: Final = DurationKind.WORKING_DAYS
_DAYS: Final = DurationKind.DAYS
_ELAPSED: Final = DurationKind.ELAPSED
_SAME_DAY: Final = DurationKind.SAME_DAY
_NOW: Final = DurationKind.NOW

_parsed: Final = _PARSED.get
"""Texts already parsed, looked up without a call into :meth:`Duration.parse`."""

EndRule = Literal["elapsed", "immediate", "24:00", "business_close"]


def _holidays_version() -> str:
    from importlib.metadata import version

    return version("holidays")


def official_first_year() -> int:
    """The first year whose official 调休 schedule the installed ``holidays`` data holds."""
    return min(ChinaStaticHolidays.special_public_holidays)


def official_last_year() -> int:
    """The last year whose official 调休 schedule the installed ``holidays`` data holds."""
    return max(ChinaStaticHolidays.special_public_holidays)


def _china(years: Iterable[int] | int, **kwargs: Any) -> Any:
    return China(years=years, **kwargs)  # type: ignore[no-untyped-call]


@functools.lru_cache(maxsize=8)
def _official_flags(lo: int, hi: int) -> bytes:
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


@dataclass(frozen=True, slots=True)
class _Tables:
    """Look-up tables over the ordinals ``base .. end`` (an immutable snapshot)."""

    base: int
    end: int
    ndays: int
    flags: bytes
    cum0: list[int]
    """``cum0[j]``: working days ``d`` with ``base <= d < base + j`` (``ndays + 1`` entries)."""
    working: list[int]
    """The working days' ordinals, ascending."""
    next_working: list[int]
    """``next_working[j]``: the first working ordinal ``>= base + j``, or ``end + 1``."""


@functools.lru_cache(maxsize=64)
def _tables(lo: int, hi: int, rest: frozenset[date], work: frozenset[date]) -> _Tables:
    flags = bytearray(_official_flags(lo, hi))
    base = date(lo, 1, 1).toordinal()
    end = base + len(flags) - 1
    for d in rest:
        if base <= d.toordinal() <= end:
            flags[d.toordinal() - base] = 0
    for d in work:
        if base <= d.toordinal() <= end:
            flags[d.toordinal() - base] = 1
    cum0 = [0, *accumulate(flags)]
    working = [base + i for i, f in enumerate(flags) if f]
    next_working = [0] * len(flags)
    nxt = end + 1
    for i in range(len(flags) - 1, -1, -1):
        if flags[i]:
            nxt = base + i
        next_working[i] = nxt
    return _Tables(base, end, len(flags), bytes(flags), cum0, working, next_working)


@functools.lru_cache(maxsize=16)
def _fixed_offset(key: str, first: int, last: int) -> int | None:
    """The zone's UTC offset in seconds if it is the same on every day ``first..last``."""
    zone = ZoneInfo(key)
    seen: set[timedelta | None] = set()
    for o in range(first, last + 1):
        # Local noon: no zone moves its clocks twice within one day.
        seen.add(zone.utcoffset(datetime.fromordinal(o).replace(hour=12)))
        if len(seen) > 1:
            return None
    (offset,) = seen
    return None if offset is None else int(offset.total_seconds())


@functools.lru_cache(maxsize=32)
def _holiday_names(year: int) -> dict[date, str]:
    return {d: str(n) for d, n in _china(year, language="zh_CN").items()}


@dataclass(frozen=True, slots=True)
class Deadline:
    """A due instant (期限届满时刻) and how it was reached.

    ``projected`` is true when the result rests on a year past the official schedule (only
    possible with ``allow_projection``). ``last_day`` is the period's last day (``None`` for
    elapsed time); ``rule`` says how the instant was placed; ``moved_from`` is the nominal
    last day of a day period when that day was a rest day and the period moved off it.
    """

    at: datetime
    projected: bool = False
    last_day: date | None = None
    rule: EndRule = "elapsed"
    moved_from: date | None = None


def _parse_close(value: str | time | None) -> time | None:
    if value is None:
        return None
    if isinstance(value, time):
        close = value.replace(tzinfo=None)
    else:
        try:
            hh, mm = value.split(":")
            if len(hh) != 2 or len(mm) != 2:
                raise ValueError(value)
            close = time(int(hh), int(mm))
        except ValueError:
            raise PolicyError(f"business_close {value!r} is not a time like '17:30'") from None
    if close == time(0):
        # 00:00 would end a period at the very start of its own last day.
        raise PolicyError("business_close '00:00' is not a closing time; leave it unset for 24:00")
    return close


class WorkCalendar:
    """A working calendar (工作日历) in one time zone, with an optional business close.

    Build it with :meth:`china`. Instances are immutable and safe to share between cases and
    threads. Every date argument and result is a day in the calendar's zone.
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
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise PolicyError(f"{tz!r} is not a known time zone") from None
        self.tz = tz
        self.business_close = _parse_close(business_close)
        self.extra_rest_days = frozenset(extra_rest_days)
        self.extra_work_days = frozenset(extra_work_days)
        for d in self.extra_rest_days | self.extra_work_days:
            if not isinstance(d, date) or isinstance(d, datetime):
                raise PolicyError(f"{d!r} is not a date (write 2025-10-09)")
        both = self.extra_rest_days & self.extra_work_days
        if both:
            day = min(both).isoformat()
            raise PolicyError(f"{day} is both an extra rest day and an extra working day")
        grace = None if immediate_grace is None else Duration.parse(immediate_grace)
        if grace is not None and not grace.is_elapsed:
            raise PolicyError(f"immediate grace {grace} must be elapsed time such as '30min'")
        self.immediate_grace = grace
        self._grace = None if grace is None else grace.as_timedelta()
        self.allow_projection = allow_projection
        self.first_covered_year = official_first_year()
        self.last_covered_year = official_last_year()
        self._first_official = date(self.first_covered_year, 1, 1).toordinal()
        self._last_official = date(self.last_covered_year, 12, 31).toordinal()
        lo, hi = (
            (MIN_YEAR, MAX_YEAR)
            if allow_projection
            else (self.first_covered_year, self.last_covered_year)
        )
        self._t = _tables(lo, hi, self.extra_rest_days, self.extra_work_days)
        self._lo_year, self._hi_year = lo, hi
        self._close_seconds = (
            None
            if self.business_close is None
            else self.business_close.hour * 3600 + self.business_close.minute * 60
        )
        # Instants of day ends, built on first use; datetimes are immutable, so shared.
        self._midnights: dict[int, datetime] = {}
        self._closes: dict[int, datetime] = {}

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

        ``extra_rest_days`` are the institution's own closures (a campus closure), and
        ``extra_work_days`` its own working days; both override the official calendar.
        ``allow_projection`` lets computations run past the official years (1950-2099), with
        the statutory holidays and no 调休 swaps; such results report ``projected=True``.
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

    # -- coverage ------------------------------------------------------------------------

    def _uncovered(self, year: int) -> CalendarCoverageError:
        source = f"from holidays {_holidays_version()}"
        span = f"{self.first_covered_year}-{self.last_covered_year}"
        if self.allow_projection:
            msg = f"{year} is outside the years this calendar can compute ({MIN_YEAR}-{MAX_YEAR})"
        elif year > self.last_covered_year:
            msg = (
                f"{year} is past the official holiday schedule this calendar knows ({span}, "
                f"{source}); upgrade holidays or build the calendar with allow_projection=True"
            )
        else:
            msg = (
                f"{year} is before the official holiday schedule this calendar knows ({span}, "
                f"{source}); build the calendar with allow_projection=True to count it anyway"
            )
        return CalendarCoverageError(msg, year=year, last_covered_year=self.last_covered_year)

    def _year_of(self, ordinal: int) -> int:
        if ordinal < 1:
            return 1
        if ordinal > date.max.toordinal():
            return date.max.year
        return date.fromordinal(ordinal).year

    def is_projected(self, day: date) -> bool:
        """Whether ``day`` lies outside the official years (only usable with projection)."""
        return not self._first_official <= day.toordinal() <= self._last_official

    # -- days ----------------------------------------------------------------------------

    def _flag(self, ordinal: int) -> int:
        t = self._t
        j = ordinal - t.base
        if 0 <= j < t.ndays:
            return t.flags[j]
        raise self._uncovered(self._year_of(ordinal))

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day: weekdays that are not holidays, and 调休 weekend
        make-up days, with the institution's overrides applied.

        A datetime is read as the day it falls on in the calendar's zone.
        """
        if isinstance(day, datetime):
            day = self.local(day)
        return bool(self._flag(day.toordinal()))

    def is_makeup_working_day(self, day: date) -> bool:
        """Whether ``day`` is a weekend day made a working day (调休上班, or the institution's)."""
        return day.weekday() >= 5 and self.is_working_day(day)

    def holiday_name(self, day: date) -> str | None:
        """The official holiday name of ``day`` in Chinese, if it is one."""
        return _holiday_names(day.year).get(day)

    def next_working_day(self, day: date, *, inclusive: bool = True) -> date:
        """The first working day on or after ``day`` (strictly after with ``inclusive=False``)."""
        return date.fromordinal(self._last_day(day.toordinal() - inclusive, _DAYS, 1)[0])

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself is not counted)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        return date.fromordinal(self._last_day(day.toordinal(), _WD, n)[0])

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start < d <= end``."""
        if end <= start:
            return 0
        return self._count_working(start.toordinal() + 1, end.toordinal() + 1)

    def working_days_in(self, year: int, month: int) -> list[date]:
        """The working days of one month."""
        first = date(year, month, 1)
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        days = (first + timedelta(days=i) for i in range((nxt - first).days))
        return [d for d in days if self.is_working_day(d)]

    def _count_working(self, lo: int, hi: int) -> int:
        """Working days with ordinals ``lo <= d < hi``."""
        if hi <= lo:
            return 0
        t = self._t
        i, j = lo - t.base, hi - t.base
        if i < 0:
            raise self._uncovered(self._year_of(lo))
        if j > t.ndays:
            raise self._uncovered(self._year_of(t.end + 1))
        return t.cum0[j] - t.cum0[i]

    def _last_day(self, anchor: int, kind: DurationKind, n: int) -> tuple[int, int]:
        """(last day, first day consulted) of an ``n``-day or ``n``-working-day period whose
        starting day is ``anchor``; raises when a consulted day is not covered."""
        t = self._t
        if kind is _DAYS:
            first = anchor + n
            j = first - t.base
            if j < 0:
                raise self._uncovered(self._year_of(first))
            if j >= t.ndays or t.next_working[j] > t.end:
                raise self._uncovered(self._year_of(max(first, t.end + 1)))
            return t.next_working[j], first
        first = anchor + 1
        j = first - t.base
        if j < 0:
            raise self._uncovered(self._year_of(first))
        k = t.cum0[min(j, t.ndays)] + n
        if j > t.ndays or k > len(t.working):
            raise self._uncovered(self._year_of(max(first, t.end + 1)))
        return t.working[k - 1], first

    # -- instants ------------------------------------------------------------------------

    @functools.cached_property
    def _fixed(self) -> int | None:
        """The zone's UTC offset in seconds if it never changes within the tables' days."""
        return _fixed_offset(self.tz, self._t.base - 1, self._t.end + 1)

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def local(self, instant: datetime) -> datetime:
        """``instant`` in the calendar's time zone; a naive datetime raises."""
        if not isinstance(instant, datetime):
            raise TypeError(f"expected a datetime, got {type(instant).__name__}")
        if instant.tzinfo is self._zone:
            return instant
        return ensure_aware(instant, "instant").astimezone(self._zone)

    def _at_local(self, day: date, clock: time) -> datetime:
        # Through UTC so that a wall time in a DST gap becomes the first instant after it.
        return datetime.combine(day, clock, self._zone).astimezone(UTC).astimezone(self._zone)

    def _midnight(self, ordinal: int) -> datetime:
        """24:00 of day ``ordinal``, i.e. the first instant of the next day."""
        at = self._midnights.get(ordinal)
        if at is None:
            at = self._at_local(date.fromordinal(ordinal + 1), time(0))
            if self._t.base <= ordinal <= self._t.end:  # bounded: one entry per table day
                self._midnights[ordinal] = at
        return at

    def _close(self, ordinal: int) -> datetime:
        at = self._closes.get(ordinal)
        if at is None:
            assert self.business_close is not None
            at = self._at_local(date.fromordinal(ordinal), self.business_close)
            if self._t.base <= ordinal <= self._t.end:
                self._closes[ordinal] = at
        return at

    def _end(self, ordinal: int) -> datetime:
        """The end of day ``ordinal``: business close, or 24:00 (00:00 of the next day)."""
        return self._midnight(ordinal) if self.business_close is None else self._close(ordinal)

    def _elapsed(self, start: datetime, delta: timedelta) -> datetime:
        # Aware arithmetic in one zone is wall-clock arithmetic; elapsed time is counted in UTC.
        return (start.astimezone(UTC) + delta).astimezone(self._zone)

    def _plain(self, local: datetime, d: Duration) -> Deadline:
        kind = d.kind
        if kind is _ELAPSED:
            return Deadline(self._elapsed(local, d.as_timedelta()))
        if kind is _NOW:
            if self._grace is None:
                raise PolicyError(
                    "'now' needs an explicit immediate grace (timing.immediate_grace in the "
                    "policy, or immediate_grace= on the calendar); it is never silently zero"
                )
            return Deadline(self._elapsed(local, self._grace), rule="immediate")
        anchor = local.toordinal()
        if kind is _SAME_DAY:
            today = date.fromordinal(anchor)
            if self.business_close is not None:
                close = self._close(anchor)
                if close > local:
                    return Deadline(close, last_day=today, rule="business_close")
            # Found after business close: the day itself still runs to 24:00.
            return Deadline(self._midnight(anchor), last_day=today, rule="24:00")
        return self._period(anchor, kind, d.amount)

    def _period(self, anchor: int, kind: DurationKind, n: int) -> Deadline:
        last, first = self._last_day(anchor, kind, n)
        nominal = anchor + n
        return Deadline(
            self._end(last),
            projected=first < self._first_official or last > self._last_official,
            last_day=date.fromordinal(last),
            rule="24:00" if self.business_close is None else "business_close",
            moved_from=date.fromordinal(nominal) if kind is _DAYS and last != nominal else None,
        )

    def due(
        self,
        start: datetime,
        duration: str | Duration,
        *,
        pauses: Sequence[tuple[datetime, datetime]] = (),
    ) -> datetime:
        """The due instant of ``duration`` counted from ``start`` (RULES P3-P5).

        - elapsed (``3h``, ``90min``): from the moment;
        - day period (``3d``): the start day is not counted; a last day that is a rest day
          moves to the next working day; ends at 24:00 (00:00 of the next day) or at
          business close;
        - working days (``1wd``): counted from the day after the start on the official
          calendar with 调休, ending like a day period;
        - ``same_day``: business close of the start day if that is still ahead, else 24:00;
        - ``now``: the calendar's immediate grace (a :class:`PolicyError` if it has none).

        ``pauses`` are intervals during which the clock stood still (waiting on the citizen).
        Elapsed kinds add the paused time that falls before the due instant; day and
        working-day periods add one day for every midnight passed while paused (for working
        days, only when the day that midnight closes is a working day).
        The result is in the calendar's zone, whatever zone ``start`` was given in.
        """
        if pauses:
            return self.deadline(start, duration, pauses=pauses).at
        if type(duration) is str:
            d = _parsed(duration) or Duration.parse(duration)
        elif type(duration) is Duration:
            d = duration
        else:
            d = Duration.parse(duration)
        try:
            tz = start.tzinfo
        except AttributeError:
            raise TypeError(f"start: expected a datetime, got {type(start).__name__}") from None
        if tz is not self._zone:
            start = self.local(start)
        # The fast path covers the common period kinds inside the tables; anything else, and
        # every error, goes through the general path.
        kind = d.kind
        t = self._t
        if kind is _WD:
            j = start.toordinal() + 1 - t.base
            if 0 <= j < t.ndays:
                k = t.cum0[j] + d.amount
                if k <= len(t.working):
                    last = t.working[k - 1]
                    if self.business_close is None:
                        at = self._midnights.get(last)
                        return self._midnight(last) if at is None else at
                    return self._close(last)
        elif kind is _DAYS:
            j = start.toordinal() + d.amount - t.base
            if 0 <= j < t.ndays:
                last = t.next_working[j]
                if last <= t.end:
                    return self._end(last)
        elif kind is _ELAPSED:
            delta = d.as_timedelta()
            if self._fixed is not None:
                # With one offset throughout, wall-clock arithmetic is elapsed time.
                at = start + delta
                if t.base <= start.toordinal() and at.toordinal() <= t.end:
                    return at
            return (start.astimezone(UTC) + delta).astimezone(self._zone)
        elif kind is _SAME_DAY:
            anchor = start.toordinal()
            if self.business_close is not None:
                close = self._close(anchor)
                if close > start:
                    return close
            return self._midnight(anchor)
        return self._plain(start, d).at

    def deadline(
        self,
        start: datetime,
        duration: str | Duration,
        *,
        pauses: Sequence[tuple[datetime, datetime]] = (),
    ) -> Deadline:
        """Like :meth:`due`, also telling whether the result is projected, the period's last
        day, the end rule used and whether the period moved off a rest day."""
        d = Duration.parse(duration)
        local = self.local(start)
        result = self._plain(local, d)
        if pauses:
            result = self._paused(local, d, result, pauses)
        return result

    def _paused(
        self,
        local: datetime,
        d: Duration,
        result: Deadline,
        pauses: Sequence[tuple[datetime, datetime]],
    ) -> Deadline:
        start = local.astimezone(UTC)
        spans: list[tuple[datetime, datetime]] = []
        for i, (a, b) in enumerate(pauses):
            a = ensure_aware(a, f"pauses[{i}][0]").astimezone(UTC)
            b = ensure_aware(b, f"pauses[{i}][1]").astimezone(UTC)
            if b < a:
                raise PauseError(
                    f"pauses[{i}]: the pause ends ({b.isoformat()}) before it starts "
                    f"({a.isoformat()})"
                )
            a = max(a, start)
            if b > a:
                spans.append((a, b))
        spans.sort()
        merged: list[tuple[datetime, datetime]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        kind = d.kind
        if kind in (_ELAPSED, _NOW, _SAME_DAY):
            at = result.at.astimezone(UTC)
            for a, b in merged:
                if a >= at:
                    break  # later pauses start later still
                at += b - a
            if at == result.at:
                return result
            rule: EndRule = "immediate" if kind is _NOW else "elapsed"
            return Deadline(at.astimezone(self._zone), rule=rule)
        anchor = local.toordinal()
        n = d.amount
        for a, b in merged:
            if a >= result.at:
                break
            lo = self.local(a).toordinal()
            hi = self.local(b).toordinal()
            # Midnights passed while paused: the ends of the days lo .. hi - 1.
            n += hi - lo if kind is _DAYS else self._count_working(lo, hi)
            result = self._period(anchor, kind, n)
        return result

    def extend(self, due_at: datetime, by: str | Duration) -> datetime:
        """The due instant after an extension by ``by`` counted from ``due_at`` (RULES R5.2).

        The extension is counted like a period starting at ``due_at``. A due instant at 24:00
        (00:00 of the next day) is the end of the day before, so extending a period that ends
        at 24:00 on 6 Nov by ``5d`` ends at 24:00 on 11 Nov.
        """
        d = Duration.parse(by)
        local = self.local(due_at)
        if d.kind is _ELAPSED:
            return self._elapsed(local, d.as_timedelta())
        if d.kind in (_SAME_DAY, _NOW):
            raise PolicyError(f"an extension must be a length of time, not {d}")
        anchor = local.toordinal()
        if local == self._midnight(anchor - 1):
            anchor -= 1
        return self._period(anchor, d.kind, d.amount).at

    # -- batches -------------------------------------------------------------------------

    def due_many(self, starts: Iterable[datetime], duration: str | Duration) -> list[datetime]:
        """:meth:`due` for many starts with one duration (no pauses), in input order."""
        d = Duration.parse(duration)
        kind = d.kind
        if kind not in (_WD, _DAYS):
            return [self.due(s, d) for s in starts]
        zone = self._zone
        t = self._t
        base, ndays, n = t.base, t.ndays, d.amount
        ends = self._midnights if self.business_close is None else self._closes
        make_end = self._end
        slow = self.due
        out: list[datetime] = []
        append = out.append
        if kind is _WD:
            cum0, working = t.cum0, t.working
            nworking = len(working)
            for s in starts:
                if s.tzinfo is not zone:
                    s = self.local(s)
                j = s.toordinal() + 1 - base
                if 0 <= j < ndays and (k := cum0[j] + n) <= nworking:
                    last = working[k - 1]
                    at = ends.get(last)
                    append(make_end(last) if at is None else at)
                else:
                    append(slow(s, d))
            return out
        nxt, end = t.next_working, t.end
        for s in starts:
            if s.tzinfo is not zone:
                s = self.local(s)
            j = s.toordinal() + n - base
            if 0 <= j < ndays and (last := nxt[j]) <= end:
                at = ends.get(last)
                append(make_end(last) if at is None else at)
            else:
                append(slow(s, d))
        return out

    def due_many_epoch(self, starts: Iterable[int], duration: str | Duration) -> list[int]:
        """:meth:`due` for many starts given as whole seconds since the Unix epoch (UTC);
        returns the due instants the same way. No datetimes are built on the fast path."""
        d = Duration.parse(duration)
        kind = d.kind
        t = self._t
        off = self._fixed
        if off is None or kind is _NOW or kind is _SAME_DAY:
            return [int(self.due(datetime.fromtimestamp(s, UTC), d).timestamp()) for s in starts]
        if kind is _ELAPSED:
            step = d.minutes * 60
            return [s + step for s in starts]
        # Seconds from the epoch-day origin of a local day to the end of that day.
        shift = (self._close_seconds or _DAY) - off - _EPOCH_ORDINAL * _DAY
        base, n, origin = t.base, d.amount, _EPOCH_ORDINAL
        lo = base
        out: list[int] = []
        append = out.append
        if kind is _WD:
            cum0, working, ndays = t.cum0, t.working, t.ndays
            nworking = len(working)
            for s in starts:
                anchor = (s + off) // _DAY + origin
                j = anchor + 1 - base
                if anchor >= lo and j < ndays and (k := cum0[j] + n) <= nworking:
                    append(working[k - 1] * _DAY + shift)
                else:
                    append(self._epoch_slow(s, d))
            return out
        nxt, end, ndays = t.next_working, t.end, t.ndays
        for s in starts:
            anchor = (s + off) // _DAY + origin
            j = anchor + n - base
            if anchor >= lo and j < ndays and (last := nxt[j]) <= end:
                append(last * _DAY + shift)
            else:
                append(self._epoch_slow(s, d))
        return out

    def _epoch_slow(self, s: int, d: Duration) -> int:
        if not -62_135_596_800 <= s <= 253_402_300_799:  # datetime's own range
            raise CalendarCoverageError(
                f"{s} seconds since the epoch is outside the years any calendar can compute",
                year=1 if s < 0 else 9999,
                last_covered_year=self.last_covered_year,
            )
        return int(self.due(datetime.fromtimestamp(s, UTC), d).timestamp())
