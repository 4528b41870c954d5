"""Instants in a calendar's zone: where a day ends (24:00 or business close) and elapsed time.

A period ending at 24:00 of day D ends at 00:00 of D+1. Day ends are built once and shared:
datetimes are immutable.

>>> from datetime import date, time
>>> ends = DayEnds(ZoneInfo("Asia/Shanghai"), time(17, 30), date(2025, 1, 1).toordinal(), \
date(2025, 12, 31).toordinal())
>>> ends.end(date(2025, 10, 9).toordinal())
datetime.datetime(2025, 10, 9, 17, 30, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
>>> ends.midnight(date(2025, 10, 9).toordinal())
datetime.datetime(2025, 10, 10, 0, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .._dt import ensure_aware
from ..errors import InvalidArgumentError

__all__ = ["DayEnds", "as_day", "fixed_offset", "steady_offset", "wrong_type"]

_LAST_DAY = date.max.toordinal()
_DAY_SECONDS = 86_400


@functools.lru_cache(maxsize=16)
def fixed_offset(key: str, first: int, last: int) -> int | None:
    """Zone ``key``'s UTC offset in seconds if it is the same on every day ``first..last``."""
    zone = ZoneInfo(key)
    seen: set[timedelta | None] = set()
    for o in range(first, last + 1):
        # Local noon: no zone moves its clocks twice within one day.
        seen.add(zone.utcoffset(datetime.fromordinal(o).replace(hour=12)))
        if len(seen) > 1:
            return None
    (offset,) = seen
    return None if offset is None else int(offset.total_seconds())


@functools.lru_cache(maxsize=16)
def steady_offset(key: str, first: int, last: int) -> tuple[int, int] | None:
    """``(since, offset)``: zone ``key``'s UTC offset in seconds is ``offset`` at every
    instant from ``since`` (seconds counted like ``ordinal * 86400``, in UTC) to the end of
    day ``last``; ``since`` is a day after the zone's last change of offset on or before
    ``last``, and no earlier than day ``first``. ``None`` if the offset is not steady
    for a whole day before ``last``.

    With it, the local day of an instant after ``since`` is plain arithmetic, whatever zone
    the instant is given in (Asia/Shanghai: +08:00 since its last summer time ended on
    15 September 1991; the years before take the zone's own rules).
    """
    zone = ZoneInfo(key)
    steady = zone.utcoffset(datetime.fromordinal(last).replace(hour=12))
    if steady is None or steady % timedelta(seconds=1):
        return None
    day = last
    # Local noon of each day back from ``last``: the first whose offset differs is the day
    # of the last change (or the one before it); no zone moves its clocks twice in a day.
    while day > first and zone.utcoffset(datetime.fromordinal(day - 1).replace(hour=12)) == steady:
        day -= 1
    if day == last:
        return None
    offset = int(steady.total_seconds())
    # From the midnight that begins the day after the first steady noon, in UTC.
    return (day + 1) * _DAY_SECONDS - offset, offset


class DayEnds:
    """The ends of days in one zone, for days with ordinals ``lo..hi`` (cached there).

    ``built`` maps the days whose end is built so far to that end (the calendar's rule: business
    close if there is one, else 24:00); read it for speed, :meth:`end` fills it.
    """

    __slots__ = ("_closes", "_hi", "_lo", "_midnights", "built", "close", "zone")

    def __init__(self, zone: ZoneInfo, close: time | None, lo: int, hi: int) -> None:
        self.zone = zone
        self.close = close
        self._lo, self._hi = lo, hi
        self._midnights: dict[int, datetime] = {}
        self._closes: dict[int, datetime] = {}
        self.built = self._midnights if close is None else self._closes

    def local(self, instant: datetime) -> datetime:
        """``instant`` in the zone; a naive datetime raises."""
        if not isinstance(instant, datetime):
            raise InvalidArgumentError(f"expected a datetime, got {type(instant).__name__}")
        if instant.tzinfo is self.zone:
            return instant
        return ensure_aware(instant, "instant").astimezone(self.zone)

    def elapsed(self, start: datetime, delta: timedelta) -> datetime:
        """``delta`` of elapsed time after ``start``, in the zone."""
        # Aware arithmetic in one zone is wall-clock arithmetic; elapsed time is counted in UTC.
        return (start.astimezone(UTC) + delta).astimezone(self.zone)

    def _at_local(self, day: date, clock: time) -> datetime:
        # Through UTC so that a wall time in a DST gap becomes the first instant after it.
        return datetime.combine(day, clock, self.zone).astimezone(UTC).astimezone(self.zone)

    def midnight(self, ordinal: int) -> datetime:
        """24:00 of day ``ordinal``, i.e. the first instant of the next day."""
        at = self._midnights.get(ordinal)
        if at is None:
            if ordinal >= _LAST_DAY:
                raise OverflowError("date value out of range")  # no datetime holds 24:00 of it
            at = self._at_local(date.fromordinal(ordinal + 1), time(0))
            if self._lo <= ordinal <= self._hi:  # bounded: one entry per table day
                self._midnights[ordinal] = at
        return at

    def closing(self, ordinal: int) -> datetime:
        """Business close on day ``ordinal`` (the calendar must have one)."""
        at = self._closes.get(ordinal)
        if at is None:
            assert self.close is not None
            at = self._at_local(date.fromordinal(ordinal), self.close)
            if self._lo <= ordinal <= self._hi:
                self._closes[ordinal] = at
        return at

    def end(self, ordinal: int) -> datetime:
        """The end of day ``ordinal``: business close, or 24:00 (00:00 of the next day)."""
        at = self.built.get(ordinal)
        if at is not None:
            return at
        return self.midnight(ordinal) if self.close is None else self.closing(ordinal)


def as_day(value: date, name: str = "day") -> date:
    """``value`` if it is a date (a datetime is one too), else a library error that says so."""
    if isinstance(value, date):
        return value
    raise wrong_type(value, name, "a date")


def wrong_type(value: object, name: str, expected: str) -> InvalidArgumentError:
    """The error for ``value``, given as ``name``, that is not ``expected`` (a date...)."""
    iso = isinstance(value, str) and expected in ("a date", "a datetime")
    hint = f"; read ISO text with {expected[2:]}.fromisoformat" if iso else ""
    return InvalidArgumentError(f"{name}: expected {expected}, got {type(value).__name__}{hint}")
