"""China's official working calendar and Civil Code period arithmetic (P3 in docs/rules.md).

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
projected=True, last_day=datetime.date(2027, 3, 2), rule='24:00', moved_from=None, \
provisional=True)
>>> cal.last_settled_day, cal.is_settled(datetime(2026, 12, 31).date())
(datetime.date(2026, 11, 30), False)
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Final
from zoneinfo import ZoneInfo

from ..errors import CalendarCoverageError, InvalidArgumentError
from . import batch
from .duration import Duration, DurationKind, already_parsed
from .hours import WorkingClock, WorkingHours
from .instants import DayEnds, as_day, fixed_offset, steady_offset, wrong_type
from .notices import Notices, resolve_notices
from .official import Horizon, holiday_names, official_last_year
from .pauses import extend, extension, paused
from .periods import Deadline, Periods
from .settings import check_extra_days, elapsed_grace, parse_business_close, zone_named
from .tables import MISS, day_tables

__all__ = ["WorkCalendar"]


_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
_DAY: Final = 86_400
_MEMO_DURATIONS: Final = 16
"""How many duration texts :meth:`WorkCalendar.due` keeps due instants for."""
_MEMO_DAYS: Final = 4096
"""For how many start days, per duration text (some eleven years)."""
_NO_ZONE: Final = object()
"""Not a zone (``None`` is the zone of a naive datetime, which is refused)."""
_WD: Final = DurationKind.WORKING_DAYS
_DAYS: Final = DurationKind.DAYS
_ELAPSED: Final = DurationKind.ELAPSED
_SAME_DAY: Final = DurationKind.SAME_DAY


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
        notices: Notices = (),
        working_hours: Sequence[str] | WorkingHours | None = None,
    ) -> None:
        self._zone = zone_named(tz)
        self.tz = tz
        self.business_close = parse_business_close(business_close)
        self.extra_rest_days, self.extra_work_days = check_extra_days(
            extra_rest_days, extra_work_days
        )
        self.immediate_grace = elapsed_grace(immediate_grace)
        self.allow_projection = allow_projection
        self.notices = resolve_notices(notices)
        """The official notices the calendar counts with, ordered by year."""
        self._names = {d: name for n in self.notices for d, name in n.names.items()}
        last = official_last_year()
        horizon = Horizon.installed(
            projecting=allow_projection,
            noticed=tuple(n.year for n in self.notices if n.year > last),
        )
        self.first_covered_year = horizon.first
        self.last_covered_year = horizon.known_last
        """The last year whose official arrangement is known (from holidays or a notice)."""
        self._t = day_tables(
            *horizon.years, self.extra_rest_days, self.extra_work_days, self.notices
        )
        self._ends = DayEnds(self._zone, self.business_close, self._t.base, self._t.end)
        grace = self.immediate_grace
        self.working_hours = None if working_hours is None else WorkingHours.parse(working_hours)
        """The working hours ``wh`` durations count in (:mod:`.hours`), if any."""
        self._periods = Periods(
            self._t,
            horizon,
            self._ends,
            None if grace is None else grace.as_timedelta(),
            self.working_hours,
        )
        # The last fixed-offset zone a start came in, with the shift to the calendar's
        # zone (in whole hours, or None) and in seconds, and the first day of the steady
        # offset (see _anchor); replaced whole, so threads never see half of it.
        self._last_fixed: tuple[object, int | None, int, int] = (_NO_ZONE, None, 0, 0)
        # Due instants of day and working-day periods by duration, then by the start's day.
        self._memo: dict[str | Duration, dict[int, datetime]] = {}
        self._close_seconds = (
            None
            if self.business_close is None
            else self.business_close.hour * 3600 + self.business_close.minute * 60
        )

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
        notices: Notices = (),
        working_hours: Sequence[str] | WorkingHours | None = None,
    ) -> WorkCalendar:
        """China's official calendar plus institution overrides.

        ``extra_rest_days`` are the institution's own closures (a campus closure), and
        ``extra_work_days`` its own working days; both override the official calendar.
        ``allow_projection`` lets computations run past the official years (1950-2099), with
        the statutory holidays and no 调休 swaps; such results report ``projected=True``.
        ``notices`` are official notices (:class:`OfficialNotice`, or paths of notice files)
        for the years after the installed ``holidays`` data: each settles its year; a bad
        one, or one that disagrees with the installed data, is a :class:`PolicyError`.
        ``working_hours`` (``["08:30-12:00", "14:00-17:30"]``) are what ``wh`` durations
        count in.
        """
        return cls(
            tz=tz,
            business_close=business_close,
            extra_rest_days=extra_rest_days,
            extra_work_days=extra_work_days,
            immediate_grace=immediate_grace,
            allow_projection=allow_projection,
            notices=notices,
            working_hours=working_hours,
        )

    def __repr__(self) -> str:
        close = self.business_close.strftime("%H:%M") if self.business_close else None
        noticed = ""
        if self.notices:
            noticed = f", notices={tuple(n.year for n in self.notices)}"
        return (
            f"WorkCalendar.china(tz={self.tz!r}, business_close={close!r}, "
            f"official_until={self.last_covered_year}, allow_projection={self.allow_projection}"
            f"{noticed})"
        )

    @functools.cached_property
    def _projecting(self) -> WorkCalendar:
        return WorkCalendar(
            tz=self.tz,
            business_close=self.business_close,
            extra_rest_days=self.extra_rest_days,
            extra_work_days=self.extra_work_days,
            immediate_grace=self.immediate_grace,
            allow_projection=True,
            notices=self.notices,
            working_hours=self.working_hours,
        )

    def with_projection(self) -> WorkCalendar:
        """This calendar, or its twin with the same settings that projects past the known
        years (``allow_projection=True``): what obligations are counted on, so that recording
        a case never depends on calendar data. Results resting on unsettled days say
        ``provisional``."""
        return self if self.allow_projection else self._projecting

    def working_clock(self, kind: DurationKind) -> WorkingClock:
        """The clock of working time durations of ``kind`` run on (``wh``, ``wd``): see
        :mod:`.hours`."""
        return self._periods.clock(kind)

    # -- days ----------------------------------------------------------------------------

    def is_projected(self, day: date) -> bool:
        """Whether ``day`` lies outside the known years: those of the installed ``holidays``
        data and of the notices (only usable with projection)."""
        return self._periods.horizon.is_projected(as_day(day).toordinal())

    def is_settled(self, day: date) -> bool:
        """Whether ``day``'s arrangement is final: its year's official arrangement is known
        (from ``holidays`` or a notice) and it is not in the December of the last known year,
        which the next year's notice can still move. A datetime is read as its local day."""
        if isinstance(day, datetime):
            day = self.local(day).date()
        return self._periods.horizon.is_settled(day.toordinal())

    @property
    def last_settled_day(self) -> date:
        """The last settled day: 30 November of :attr:`last_covered_year`."""
        return self._periods.horizon.last_settled_day

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day: weekdays that are not holidays, and 调休 weekend
        make-up days, with the institution's overrides applied.

        A datetime is read as the day it falls on in the calendar's zone. Anything but a date
        (ISO text too: read it with :meth:`date.fromisoformat`) raises
        :class:`~yuqing_core.errors.InvalidArgumentError`.
        """
        if isinstance(day, datetime):
            day = self.local(day)
        return self._periods.is_working(as_day(day).toordinal())

    def is_makeup_working_day(self, day: date) -> bool:
        """Whether ``day`` is a weekend day made a working day (调休上班, or the institution's)."""
        return as_day(day).weekday() >= 5 and self.is_working_day(day)

    def holiday_name(self, day: date) -> str | None:
        """The official holiday name of ``day`` in Chinese, if it is one (for a year a notice
        adds, the name the notice gives it)."""
        day = as_day(day)
        if day in self._names:
            return self._names[day]
        if any(n.year == day.year and n.year > self._periods.horizon.last for n in self.notices):
            return None
        return holiday_names(day.year).get(day)

    def next_working_day(self, day: date, *, inclusive: bool = True) -> date:
        """The first working day on or after ``day`` (strictly after with ``inclusive=False``)."""
        last, _ = self._periods.last_day(as_day(day).toordinal() - bool(inclusive), _DAYS, 1)
        return date.fromordinal(last)

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself is not counted)."""
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise InvalidArgumentError(f"n must be at least 1 and a whole number (got {n!r})")
        return date.fromordinal(self._periods.last_day(as_day(day).toordinal(), _WD, n)[0])

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start < d <= end``."""
        lo, hi = as_day(start, "start").toordinal(), as_day(end, "end").toordinal()
        if hi <= lo:
            return 0
        return self._periods.count_working(lo + 1, hi + 1)

    def working_days_in(self, year: int, month: int) -> list[date]:
        """The working days of one month."""
        try:
            first = date(year, month, 1)
            nxt = date(year + (month == 12), month % 12 + 1, 1)
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                f"{year!r}-{month!r} is not a month (a year 1-9998 and a month 1-12)"
            ) from None
        days = (first + timedelta(days=i) for i in range((nxt - first).days))
        return [d for d in days if self.is_working_day(d)]

    # -- instants ------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def local(self, instant: datetime) -> datetime:
        """``instant`` in the calendar's time zone; a naive datetime raises."""
        try:
            return self._ends.local(instant)
        except OverflowError:
            raise self._out_of_range(instant) from None

    def _out_of_range(self, start: datetime) -> CalendarCoverageError:
        """The error for a computation from ``start`` whose result no datetime can hold."""
        return CalendarCoverageError(
            f"{start.isoformat()}: the result falls outside the years a datetime can hold (1-9999)",
            year=9999 if start.year > 5000 else 1,
            last_covered_year=self.last_covered_year,
        )

    @functools.cached_property
    def _fixed(self) -> int | None:
        """The zone's UTC offset in seconds if it never changes within the tables' days."""
        return fixed_offset(self.tz, self._t.base - 1, self._t.end + 1)

    @functools.cached_property
    def _steady(self) -> tuple[int, int]:
        """``(first, offset)``: the zone's UTC offset is ``offset`` seconds on every day from
        ordinal ``first`` to the end of the tables (:func:`~.instants.steady_offset`; a
        ``first`` past the tables when it is not steady)."""
        found = steady_offset(self.tz, self._t.base, self._t.end + 1)
        if found is None:
            return self._t.end + 1, 0
        since, offset = found
        return (since + offset) // _DAY, offset

    def _anchor(self, start: datetime) -> int:
        """The ordinal of ``start``'s day in the calendar's zone, by arithmetic where the
        zone's offset is steady, whatever zone ``start`` is in (0 otherwise: convert it)."""
        tz = start.tzinfo
        known, hours, seconds, first = self._last_fixed
        if tz is not known and not (type(tz) is timezone and tz == known):  # the same offset
            given = start.utcoffset()
            if given is None or given.microseconds:
                return 0
            first, steady = self._steady
            seconds = steady - given.days * _DAY - given.seconds
            hours = seconds // 3600 if seconds % 3600 == 0 else None
            if type(tz) is timezone:  # UTC, or one fixed offset: starts often share it
                self._last_fixed = (tz, hours, seconds, first)
        if hours is not None:  # whole hours between the zones: the hour decides the day
            local = start.toordinal() + (start.hour + hours) // 24
        else:
            clock = start.hour * 3600 + start.minute * 60 + start.second
            local = start.toordinal() + (clock + seconds) // _DAY
        return local if local >= first else 0

    def due(
        self,
        start: datetime,
        duration: str | Duration,
        *,
        pauses: Sequence[tuple[datetime, datetime]] = (),
    ) -> datetime:
        """The due instant of ``duration`` counted from ``start`` (P3-P5 in docs/rules.md).

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
        memo = self._memo.get(duration) if not pauses and type(duration) is str else None
        if memo is not None:  # a day or working-day period asked for before
            try:
                tz = start.tzinfo
            except AttributeError:
                raise wrong_type(start, "start", "a datetime") from None
            if tz is self._zone:
                anchor = start.toordinal()
            else:  # the last fixed offset a start came in, or any other zone
                known, hours, _, first = self._last_fixed
                if hours is not None and (tz is known or (type(tz) is timezone and tz == known)):
                    anchor = start.toordinal() + (start.hour + hours) // 24
                    anchor = anchor if anchor >= first else 0
                else:
                    anchor = self._anchor(start)
            at = memo.get(anchor)
            if at is not None:
                return at
        return self._due(start, duration, pauses)

    def _due(
        self, start: datetime, duration: str | Duration, pauses: Sequence[tuple[datetime, datetime]]
    ) -> datetime:
        if pauses:
            return self.deadline(start, duration, pauses=pauses).at
        if type(duration) is str:
            d = already_parsed(duration) or Duration.parse(duration)
        elif type(duration) is Duration:
            d = duration
        else:
            d = Duration.parse(duration)
        try:
            tz = start.tzinfo
        except AttributeError:
            raise wrong_type(start, "start", "a datetime") from None
        # The fast paths cover the common kinds; anything else, and every error, goes through
        # the general path.
        kind = d.kind
        if kind is _WD or kind is _DAYS:
            anchor = start.toordinal() if tz is self._zone else self._anchor(start)
            if anchor:
                last = self._t.last_day(anchor, kind, d.amount)
                if last != MISS:
                    at = self._ends.built.get(last) or self._ends.end(last)
                    self._remember(duration, anchor, at)
                    return at
        if tz is not self._zone:
            start = self.local(start)
        try:
            if kind is _ELAPSED:
                delta = d.as_timedelta()
                if self._fixed is not None:
                    # With one offset throughout, wall-clock arithmetic is elapsed time.
                    at = start + delta
                    if self._t.base <= start.toordinal() and at.toordinal() <= self._t.end:
                        return at
                return self._ends.elapsed(start, delta)
            if kind is _SAME_DAY:
                return self._periods.same_day_end(start)[0]
            return self._periods.plain(start, d).at
        except OverflowError:
            raise self._out_of_range(start) from None

    def _remember(self, duration: str | Duration, anchor: int, at: datetime) -> None:
        """Keep ``at`` as the due instant of ``duration`` (text) from day ``anchor``: for at
        most :data:`_MEMO_DURATIONS` texts and :data:`_MEMO_DAYS` days each (a few MB at
        most; the datetimes are the ones the day ends share already)."""
        if type(duration) is not str:
            return
        memo = self._memo.get(duration)
        if memo is None:
            if len(self._memo) >= _MEMO_DURATIONS:
                return
            memo = self._memo.setdefault(duration, {})
        if len(memo) < _MEMO_DAYS:
            memo[anchor] = at

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
        try:
            result = self._periods.plain(local, d)
            if pauses:
                result = paused(self._periods, local, d, result, pauses)
        except OverflowError:
            raise self._out_of_range(start) from None
        return result

    def extend(self, due_at: datetime, by: str | Duration) -> datetime:
        """The due instant after an extension by ``by`` counted from ``due_at`` (R5.2 in
        docs/rules.md).

        The extension is counted like a period starting at ``due_at``. A due instant at 24:00
        (00:00 of the next day) is the end of the day before, so extending a period that ends
        at 24:00 on 6 Nov by ``5d`` ends at 24:00 on 11 Nov.
        """
        try:
            return extend(self._periods, due_at, by)
        except OverflowError:
            raise self._out_of_range(due_at) from None

    def extension(self, due_at: datetime, by: str | Duration) -> Deadline:
        """Like :meth:`extend`, as a :class:`Deadline` that also says whether the result is
        provisional and which day the extension ends on."""
        return extension(self._periods, due_at, by)

    # -- batches -------------------------------------------------------------------------

    def due_many(self, starts: Iterable[datetime], duration: str | Duration) -> list[datetime]:
        """:meth:`due` for many starts with one duration (no pauses), in input order."""
        return batch.due_many(self, starts, Duration.parse(duration))

    def due_many_epoch(self, starts: Iterable[int | float], duration: str | Duration) -> list[int]:
        """:meth:`due` for many starts given as seconds since the Unix epoch (UTC); returns the
        due instants as whole seconds. No datetimes are built on the fast path, and starts on
        one day share one result object.

        A start may be a float, as :func:`time.time` gives: its fraction of a second is dropped
        first, so a due instant is never later than the exact one. A float that is not a
        finite number is an :class:`InvalidArgumentError`.
        """
        return batch.due_many_epoch(self, starts, Duration.parse(duration))

    def due_array(self, starts: Any, duration: str | Duration) -> Any:
        """:meth:`due_many_epoch` on numpy arrays: an array of seconds since the Unix epoch
        (integers, or floats rounded down) in, a ``numpy.int64`` array of due instants out,
        with the same results, the table look-ups done on whole arrays. Needs numpy (the
        ``fast`` extra: ``pip install 'yuqing-core[fast]'``); without it this raises
        :class:`InvalidArgumentError` and :meth:`due_many_epoch` does the same work.
        """
        return batch.due_array(self, starts, Duration.parse(duration))
