"""Working hours (工作时间) and working time: durations such as ``4wh`` counted only within
the working hours of working days (P3 in docs/rules.md), and the clock a working-day period
runs on.

A policy states its working hours as spans of the day (``["08:30-12:00", "14:00-17:30"]``:
opening, lunch break, close). A working-hours duration counts only the time inside those
spans on working days of the official calendar (调休 make-up days included, holidays and
weekends left out). A start outside working hours starts counting at the next opening; a
count that ends exactly at a closing (12:00, 17:30) ends there, not at the next opening.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> hours = WorkingHours.parse(["08:30-12:00", "14:00-17:30"])
>>> hours, hours.daily_minutes
(WorkingHours('08:30-12:00', '14:00-17:30'), 420)
>>> clock = WorkingClock(hours.spans, lambda day: datetime.fromordinal(day).weekday() < 5)
>>> cst = ZoneInfo("Asia/Shanghai")
>>> clock.advance(datetime(2025, 11, 7, 16, 0, tzinfo=cst), 4 * 3600)  # Friday 16:00 + 4wh
datetime.datetime(2025, 11, 10, 11, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
>>> clock.measure(datetime(2025, 11, 7, 16, 0, tzinfo=cst), datetime(2025, 11, 10, 11, 0,
...     tzinfo=cst)) // 60
240
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Final

from ..errors import PolicyError

__all__ = ["WHOLE_DAY", "WorkingClock", "WorkingHours"]

Span = tuple[int, int]
"""A span of the day in seconds after midnight: ``start < end <= 86400``."""

WHOLE_DAY: Final[tuple[Span, ...]] = ((0, 86_400),)
"""The whole of each working day: the clock of a working-day period without working hours."""

_SPAN_RE: Final = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$")
SPAN_PATTERN: Final = _SPAN_RE.pattern
"""How a policy file writes one span of working hours: ``HH:MM-HH:MM`` (24-hour clock)."""
_HINT: Final = "write spans such as '08:30-12:00', '14:00-17:30'"


class WorkingHours:
    """The working hours of a working day: sorted spans that do not touch or overlap.

    Immutable and hashable; ``str()`` of each span gives back the text it was read from.
    """

    __slots__ = ("spans",)

    def __init__(self, spans: Iterable[Span]) -> None:
        self.spans: tuple[Span, ...] = tuple(spans)
        if not self.spans:
            raise PolicyError(f"working hours need at least one span ({_HINT})")
        prev_end = -1
        for a, b in self.spans:
            if not 0 <= a < b <= 86_400:
                raise PolicyError(f"{_text((a, b))}: a span must end after it starts")
            if a <= prev_end:
                raise PolicyError(
                    f"{_text((a, b))}: spans must be in order and apart (a lunch break between)"
                )
            prev_end = b

    @classmethod
    def parse(cls, texts: Sequence[str] | WorkingHours) -> WorkingHours:
        """Read spans such as ``["08:30-12:00", "14:00-17:30"]``; a bad one raises
        :class:`~yuqing_core.PolicyError` quoting it."""
        if isinstance(texts, WorkingHours):
            return texts
        if isinstance(texts, str) or not isinstance(texts, Sequence):
            raise PolicyError(f"working hours are a list of spans ({_HINT})")
        spans = []
        for text in texts:
            m = _SPAN_RE.match(text) if isinstance(text, str) else None
            if m is None:
                raise PolicyError(f"{text!r} is not a span of working hours ({_HINT})")
            start = int(m.group(1)) * 3600 + int(m.group(2)) * 60
            end = 86_400 if m.group(3) == "24:00" else int(m.group(4)) * 3600 + int(m.group(5)) * 60
            spans.append((start, end))
        return cls(spans)

    @property
    def daily_minutes(self) -> int:
        """The working minutes of one working day."""
        return sum(b - a for a, b in self.spans) // 60

    @property
    def opening(self) -> time:
        """When the working day starts (上班时间)."""
        return _clock_time(self.spans[0][0])

    def texts(self) -> tuple[str, ...]:
        """The spans as a policy file writes them."""
        return tuple(_text(s) for s in self.spans)

    def zh(self) -> str:
        """The spans in Chinese text: ``08:30–12:00、14:00–17:30``."""
        return "、".join(t.replace("-", "–") for t in self.texts())

    def __repr__(self) -> str:
        return f"WorkingHours({', '.join(map(repr, self.texts()))})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkingHours):
            return NotImplemented
        return self.spans == other.spans

    def __hash__(self) -> int:
        return hash(self.spans)


class WorkingClock:
    """Working time on one calendar: the ``spans`` of each working day.

    ``is_working(ordinal)`` says whether a day works (and raises for a day the calendar does
    not cover). Instants are read on their own wall clock: give them in the calendar's zone.
    """

    __slots__ = ("is_working", "spans")

    def __init__(self, spans: Sequence[Span], is_working: Callable[[int], bool]) -> None:
        self.spans = tuple(spans)
        self.is_working = is_working

    def advance(self, start: datetime, seconds: int) -> datetime:
        """The instant after ``seconds`` of working time counted from ``start``.

        A start outside working hours starts counting at the next opening; a count that ends
        exactly at a closing ends there."""
        day, pos = start.toordinal(), _seconds_of_day(start)
        left = seconds
        while True:
            if self.is_working(day):
                for a, b in self.spans:
                    lo = max(a, pos)
                    if lo < b:
                        if left <= b - lo:
                            return _instant(start, day, lo + left)
                        left -= b - lo
            day, pos = day + 1, 0

    def back(self, end: datetime, seconds: int) -> datetime:
        """The instant ``seconds`` of working time before ``end`` (counting backwards);
        the earliest such instant, so a count that ends at an opening ends there."""
        day, pos = end.toordinal(), _seconds_of_day(end)
        left = seconds
        while True:
            if self.is_working(day):
                for a, b in reversed(self.spans):
                    hi = min(b, pos)
                    if a < hi:
                        if left <= hi - a:
                            return _instant(end, day, hi - left)
                        left -= hi - a
            day, pos = day - 1, 86_400

    def measure(self, start: datetime, end: datetime) -> int:
        """The working time from ``start`` to ``end`` in whole seconds (0 if ``end`` is not
        later)."""
        if end <= start:
            return 0
        first, last = start.toordinal(), end.toordinal()
        lo_pos, hi_pos = _seconds_of_day(start), _seconds_of_day(end)
        total = 0
        for day in range(first, last + 1):
            if not self.is_working(day):
                continue
            lo = lo_pos if day == first else 0
            hi = hi_pos if day == last else 86_400
            total += sum(max(0, min(b, hi) - max(a, lo)) for a, b in self.spans)
        return total


def _seconds_of_day(at: datetime) -> int:
    """The seconds after midnight of ``at`` on its wall clock, a fraction dropped."""
    return at.hour * 3600 + at.minute * 60 + at.second


def _instant(like: datetime, day: int, seconds: int) -> datetime:
    """The wall-clock instant ``seconds`` after the midnight starting day ``day``, in the
    zone of ``like``."""
    midnight = datetime.combine(date.fromordinal(day), time(), tzinfo=like.tzinfo)
    return midnight + timedelta(seconds=seconds)


def _clock_time(seconds: int) -> time:
    return time(seconds // 3600, seconds % 3600 // 60)


def _text(span: Span) -> str:
    a, b = span
    end = "24:00" if b == 86_400 else _clock_time(b).strftime("%H:%M")
    return f"{_clock_time(a).strftime('%H:%M')}-{end}"
