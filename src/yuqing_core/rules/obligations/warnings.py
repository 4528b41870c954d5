"""Warning instants (预警时刻) of an obligation, on its own clock.

Warning points the policy states (the obligation's ``warnings``, else ``timing.warnings``)
count on the clock the obligation's deadline runs on. A share of the span (``"50%"``) is
counted in elapsed time for hours, minutes and day periods, and in working time for working
days (the whole of each working day, or the policy's working hours when it states them) and
for working hours: so a 3-working-day reply found on the eve of the National Day holiday is
not "due soon" during the holiday, which is not working time. A time before the due instant is
elapsed time (``"2h"``) or working hours (``"2wh"``).

A policy that states no warning points has one: ``timing.due_soon_share`` of the span, on the
same clock (unchanged for deadlines in hours, minutes and day periods). Every instant lies
between the anchor and the due instant.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from ...policy.warnings import WarnPoint
from ...time.duration import Duration, DurationKind

if TYPE_CHECKING:
    from ...time.calendar import WorkCalendar

__all__ = ["warn_instants"]

_WORKING_KINDS: Final = (DurationKind.WORKING_DAYS, DurationKind.WORKING_HOURS)


def warn_instants(
    calendar: WorkCalendar,
    within: Duration,
    anchor: datetime,
    due: datetime,
    points: Sequence[WarnPoint],
    default_share: float,
) -> tuple[datetime, ...]:
    """The warning instants of a deadline of ``within`` from ``anchor`` due at ``due`` (both
    in the calendar's zone), earliest first, each once: one for each of ``points`` on the
    deadline's own clock, or, when there are none, one at ``default_share`` of the span on
    that clock."""
    if due <= anchor:
        return (due,)
    if not points:
        return (_share_instant(calendar, within, anchor, due, default_share),)
    shares = [p.share for p in points if p.share is not None]
    out = {_share_instant(calendar, within, anchor, due, s) for s in shares}
    for p in points:
        if p.before is not None:
            out.add(max(anchor, _before(calendar, p.before, due)))
    return tuple(sorted(out))


def _share_instant(
    calendar: WorkCalendar, within: Duration, anchor: datetime, due: datetime, share: float
) -> datetime:
    if within.kind not in _WORKING_KINDS:
        return anchor + timedelta(seconds=(due - anchor).total_seconds() * share)
    clock = calendar.working_clock(within.kind)
    total = clock.measure(anchor, due)
    # Rounded first: 7% of 25200 s is 1764.0000000000002 in floating point, not 1765 s.
    seconds = math.ceil(round(total * share, 6))
    return min(due, clock.advance(anchor, seconds)) if total else anchor


def _before(calendar: WorkCalendar, before: Duration, due: datetime) -> datetime:
    if before.kind is DurationKind.WORKING_HOURS:
        return calendar.working_clock(before.kind).back(due, before.amount * 3600)
    return due - before.as_timedelta()
