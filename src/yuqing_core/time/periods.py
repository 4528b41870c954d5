"""Civil Code period semantics (P3-P5 in docs/rules.md): how a duration counted from a start
becomes a :class:`Deadline`. :meth:`WorkCalendar.due <yuqing_core.WorkCalendar.due>` lists the
rules for each kind of duration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Literal

from ..errors import CalendarCoverageError, InvalidArgumentError, PolicyError
from .duration import Duration, DurationKind
from .hours import WHOLE_DAY, WorkingClock, WorkingHours
from .instants import DayEnds
from .official import Horizon
from .tables import MISS, DayTables

__all__ = ["Deadline", "EndRule", "Periods"]

EndRule = Literal["elapsed", "immediate", "24:00", "business_close", "working_hours"]

_DAYS: Final = DurationKind.DAYS
_ELAPSED: Final = DurationKind.ELAPSED
_SAME_DAY: Final = DurationKind.SAME_DAY
_NOW: Final = DurationKind.NOW
_WD: Final = DurationKind.WORKING_DAYS
_WH: Final = DurationKind.WORKING_HOURS


@dataclass(frozen=True, slots=True)
class Deadline:
    """A due instant (期限届满时刻) and how it was reached.

    ``projected`` is true when the result rests on a year past the official schedule (only
    possible with ``allow_projection``). ``last_day`` is the period's last day (``None`` for
    elapsed time); ``rule`` says how the instant was placed; ``moved_from`` is the nominal
    last day of a day period when that day was a rest day and the period moved off it.
    ``provisional`` is true when computing it needed a day that is not settled (see
    :meth:`WorkCalendar.is_settled <yuqing_core.WorkCalendar.is_settled>`): a projected
    result always is, and so is one that needs the December of the last known year.
    """

    at: datetime
    projected: bool = False
    last_day: date | None = None
    rule: EndRule = "elapsed"
    moved_from: date | None = None
    provisional: bool = False

    def __post_init__(self) -> None:
        if self.projected and not self.provisional:
            object.__setattr__(self, "provisional", True)


class Periods:
    """Periods counted on one calendar: its day tables, horizon, day ends, grace and working
    hours."""

    __slots__ = ("ends", "grace", "horizon", "hours", "tables")

    def __init__(
        self,
        tables: DayTables,
        horizon: Horizon,
        ends: DayEnds,
        grace: timedelta | None,
        hours: WorkingHours | None = None,
    ) -> None:
        self.tables = tables
        self.horizon = horizon
        self.ends = ends
        self.grace = grace
        self.hours = hours

    # -- days ----------------------------------------------------------------------------

    def last_day(self, anchor: int, kind: DurationKind, n: int) -> tuple[int, int]:
        """(last day, first day consulted) of an ``n``-day or ``n``-working-day period whose
        starting day is ``anchor``; raises when a consulted day is not covered."""
        last = self.tables.last_day(anchor, kind, n)
        if last == MISS:
            raise self.uncovered_period(anchor, kind, n)
        return last, _first_day(anchor, kind, n)

    def uncovered_period(self, anchor: int, kind: DurationKind, n: int) -> CalendarCoverageError:
        """The error for a period the tables cannot hold: it names the year of the first
        day it needs that they lack."""
        first = _first_day(anchor, kind, n)
        t = self.tables
        return self.horizon.uncovered_day(first if first < t.base else max(first, t.end + 1))

    def count_working(self, lo: int, hi: int) -> int:
        """Working days with ordinals ``lo <= d < hi``; raises when a day is not covered."""
        if hi <= lo:
            return 0
        t = self.tables
        count = t.count_working(lo, hi)
        if count is None:
            raise self.horizon.uncovered_day(lo if lo < t.base else t.end + 1)
        return count

    def is_working(self, ordinal: int) -> bool:
        """Whether day ``ordinal`` works; raises when it is not covered."""
        flag = self.tables.flag(ordinal)
        if flag is None:
            raise self.horizon.uncovered_day(ordinal)
        return bool(flag)

    # -- deadlines -----------------------------------------------------------------------

    def period(self, anchor: int, kind: DurationKind, n: int) -> Deadline:
        """The deadline of an ``n``-day or ``n``-working-day period starting on ``anchor``."""
        last, first = self.last_day(anchor, kind, n)
        nominal = anchor + n
        horizon = self.horizon
        return Deadline(
            self.ends.end(last),
            projected=horizon.is_projected(first) or horizon.is_projected(last),
            last_day=date.fromordinal(last),
            rule="24:00" if self.ends.close is None else "business_close",
            moved_from=date.fromordinal(nominal) if kind is _DAYS and last != nominal else None,
            provisional=not horizon.settles(first, last),
        )

    def plain(self, local: datetime, d: Duration) -> Deadline:
        """The deadline of ``d`` from ``local`` (an instant in the calendar's zone)."""
        kind = d.kind
        if kind is _ELAPSED:
            return Deadline(self.ends.elapsed(local, d.as_timedelta()))
        if kind is _NOW:
            return Deadline(self.ends.elapsed(local, self._grace()), rule="immediate")
        if kind is _SAME_DAY:
            at, rule = self.same_day_end(local)
            return Deadline(at, last_day=date.fromordinal(local.toordinal()), rule=rule)
        if kind is _WH:
            return self.working_hours(local, d)
        return self.period(local.toordinal(), kind, d.amount)

    def working_hours(self, local: datetime, d: Duration) -> Deadline:
        """The deadline of the working-hours duration ``d`` counted from ``local``."""
        at = self.clock(_WH).advance(local, d.amount * 3600)
        first, last = local.toordinal(), at.toordinal()
        horizon = self.horizon
        return Deadline(
            at,
            projected=horizon.is_projected(first) or horizon.is_projected(last),
            last_day=date.fromordinal(last),
            rule="working_hours",
            provisional=not horizon.settles(first, last),
        )

    def clock(self, kind: DurationKind) -> WorkingClock:
        """The clock of working time a duration of ``kind`` runs on: the working hours of
        working days for ``wh`` (and for ``wd`` when the calendar has working hours), the
        whole of each working day for ``wd`` otherwise. Other kinds run on elapsed time and
        have none: an :class:`~yuqing_core.errors.InvalidArgumentError`."""
        if kind is _WH:
            if self.hours is None:
                raise PolicyError(
                    "a working-hours duration (wh) needs working hours: [calendar] "
                    "working_hours in the policy, or working_hours= on the calendar"
                )
            return WorkingClock(self.hours.spans, self.is_working)
        if kind is _WD:
            spans = WHOLE_DAY if self.hours is None else self.hours.spans
            return WorkingClock(spans, self.is_working)
        raise InvalidArgumentError(f"{kind.value} durations run on elapsed time, not a clock")

    def _grace(self) -> timedelta:
        if self.grace is None:
            raise PolicyError(
                "'now' needs an explicit immediate grace (timing.immediate_grace in the "
                "policy, or immediate_grace= on the calendar); it is never silently zero"
            )
        return self.grace

    def same_day_end(self, local: datetime) -> tuple[datetime, EndRule]:
        """When a ``same_day`` duration from ``local`` ends, and by which rule."""
        anchor = local.toordinal()
        if self.ends.close is not None:
            close = self.ends.closing(anchor)
            if close > local:
                return close, "business_close"
        # Found after business close: the day itself still runs to 24:00.
        return self.ends.midnight(anchor), "24:00"


def _first_day(anchor: int, kind: DurationKind, n: int) -> int:
    """The first day a period starting on ``anchor`` consults: the nominal last day of a day
    period, the day after the start for working days."""
    return anchor + n if kind is _DAYS else anchor + 1
