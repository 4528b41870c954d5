"""Stopped clocks and extensions (P3, R5.2 in docs/rules.md): pauses while waiting on the
citizen, and extending a due instant by a further duration.

Elapsed kinds add the paused time that falls before the due instant; day and working-day
periods add one day for every midnight passed while paused (for working days, only when the
day that midnight closes is a working day). A result is provisional when any day it looked up
is not settled: the period's, a paused working day's, or an extension's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Final

from .._dt import ensure_aware
from ..errors import PauseError, PolicyError
from .duration import Duration, DurationKind
from .periods import Deadline, EndRule, Periods

__all__ = ["extend", "extension", "merge_pauses", "paused"]

Span = tuple[datetime, datetime]

_DAYS: Final = DurationKind.DAYS
_ELAPSED: Final = DurationKind.ELAPSED
_SAME_DAY: Final = DurationKind.SAME_DAY
_NOW: Final = DurationKind.NOW
_WH: Final = DurationKind.WORKING_HOURS


def merge_pauses(start: datetime, pauses: Sequence[Span]) -> list[Span]:
    """The parts of ``pauses`` after ``start``, in UTC, sorted and with overlaps merged."""
    start = start.astimezone(UTC)
    spans: list[Span] = []
    for i, span in enumerate(pauses):
        if not isinstance(span, tuple | list) or len(span) != 2:
            raise PauseError(f"pauses[{i}]: a pause is a (start, end) pair of datetimes")
        a, b = span
        a = ensure_aware(a, f"pauses[{i}][0]").astimezone(UTC)
        b = ensure_aware(b, f"pauses[{i}][1]").astimezone(UTC)
        if b < a:
            raise PauseError(
                f"pauses[{i}]: the pause ends ({b.isoformat()}) before it starts ({a.isoformat()})"
            )
        a = max(a, start)
        if b > a:
            spans.append((a, b))
    spans.sort()
    merged: list[Span] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def paused(
    periods: Periods, local: datetime, d: Duration, result: Deadline, pauses: Sequence[Span]
) -> Deadline:
    """``result``, the deadline of ``d`` from ``local``, moved on by ``pauses``."""
    merged = merge_pauses(local, pauses)
    if d.kind is _WH:
        return _paused_working(periods, result, merged)
    if d.kind in (_ELAPSED, _NOW, _SAME_DAY):
        return _paused_elapsed(periods, d.kind, result, merged)
    return _paused_period(periods, local, d, result, merged)


def _paused_elapsed(
    periods: Periods, kind: DurationKind, result: Deadline, merged: list[Span]
) -> Deadline:
    at = result.at.astimezone(UTC)
    for a, b in merged:
        if a >= at:
            break  # later pauses start later still
        at += b - a
    if at == result.at:
        return result
    rule: EndRule = "immediate" if kind is _NOW else "elapsed"
    return Deadline(at.astimezone(periods.ends.zone), rule=rule)


def _paused_working(periods: Periods, result: Deadline, merged: list[Span]) -> Deadline:
    """Working hours: the due instant moves on by the working time each pause before it
    took."""
    clock = periods.clock(_WH)
    zone = periods.ends.zone
    at = result.at
    for a, b in merged:
        if a >= at:
            break
        at = clock.advance(at, clock.measure(a.astimezone(zone), b.astimezone(zone)))
    if at == result.at:
        return result
    provisional = result.provisional or not periods.horizon.settles(
        result.at.toordinal(), at.toordinal()
    )
    return replace(result, at=at, last_day=at.date(), provisional=provisional)


def _paused_period(
    periods: Periods, local: datetime, d: Duration, result: Deadline, merged: list[Span]
) -> Deadline:
    kind = d.kind
    anchor = local.toordinal()
    n = d.amount
    zone = periods.ends.zone
    looked_up_unsettled = False
    for a, b in merged:
        if a >= result.at:
            break
        lo = a.astimezone(zone).toordinal()
        hi = b.astimezone(zone).toordinal()
        # Midnights passed while paused: the ends of the days lo .. hi - 1.
        if kind is _DAYS:
            n += hi - lo
        elif hi > lo:
            n += periods.count_working(lo, hi)
            looked_up_unsettled |= not periods.horizon.settles(lo, hi - 1)
        result = periods.period(anchor, kind, n)
    if looked_up_unsettled and not result.provisional:
        result = replace(result, provisional=True)
    return result


def extend(periods: Periods, due_at: datetime, by: str | Duration) -> datetime:
    """The due instant after an extension by ``by`` counted from ``due_at``.

    The extension is counted like a period starting at ``due_at``. A due instant at 24:00
    (00:00 of the next day) is the end of the day before, so extending a period that ends
    at 24:00 on 6 Nov by ``5d`` ends at 24:00 on 11 Nov.
    """
    return extension(periods, due_at, by).at


def extension(periods: Periods, due_at: datetime, by: str | Duration) -> Deadline:
    """Like :func:`extend`, as a :class:`Deadline` (whether it is provisional, its last
    day)."""
    d = Duration.parse(by)
    ends = periods.ends
    local = ends.local(due_at)
    if d.kind is _ELAPSED:
        return Deadline(ends.elapsed(local, d.as_timedelta()))
    if d.kind in (_SAME_DAY, _NOW):
        raise PolicyError(f"an extension must be a length of time, not {d}")
    if d.kind is _WH:
        return periods.working_hours(local, d)
    anchor = local.toordinal()
    if local == ends.midnight(anchor - 1):
        anchor -= 1
    return periods.period(anchor, d.kind, d.amount)
