"""A controllable clock for tests: jump ahead without sleeping (like temporalio's time skipping).

>>> from datetime import datetime, timezone
>>> clock = Clock(datetime(2025, 10, 1, 9, tzinfo=timezone.utc))
>>> clock.advance("3h").isoformat()
'2025-10-01T12:00:00+00:00'
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .._dt import ensure_aware
from ..time.duration import Duration

__all__ = ["Clock"]


class Clock:
    """A clock that only moves when told to. Pass ``clock.now`` as ``at`` to the library."""

    def __init__(self, start: datetime) -> None:
        self._now = ensure_aware(start, "start")

    @property
    def now(self) -> datetime:
        return self._now

    def __call__(self) -> datetime:
        return self._now

    def advance(self, by: str | timedelta | Duration) -> datetime:
        """Move forward by elapsed time (``"3h"``, ``"90min"`` or a ``timedelta``)."""
        delta = by if isinstance(by, timedelta) else Duration.parse(by).as_timedelta()
        if delta < timedelta(0):
            raise ValueError("a clock only moves forward")
        self._now = self._now + delta
        return self._now

    def set(self, at: datetime) -> datetime:
        """Jump to ``at`` (not earlier than now)."""
        at = ensure_aware(at, "at")
        if at < self._now:
            raise ValueError(f"cannot move the clock back from {self._now} to {at}")
        self._now = at
        return self._now
