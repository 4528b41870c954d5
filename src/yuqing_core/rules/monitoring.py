"""Monitoring duties (监测值守): daily patrols and logs, weekly bulletins, holiday watch.

Each duty of ``[[monitoring]]`` is an RFC 5545 recurrence rule read on the policy's calendar
(X1, R3.4, R4.2, R7.1 in docs/rules.md): ``FREQ=DAILY;BYHOUR=16;BYMINUTE=0`` with
``working_days_only`` is "the daily log before 16:00 on working days", with China's 调休 make-up
working days in and statutory holidays out.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> from yuqing_core import load_policy
>>> policy = load_policy({"name": "demo", "title": "示例", "monitoring": [
...     {"id": "daily-log", "rule": "R4.2", "kind": "daily_log",
...      "rrule": "FREQ=DAILY;BYHOUR=16;BYMINUTE=0", "working_days_only": True}]})
>>> cst = ZoneInfo("Asia/Shanghai")
>>> duties = policy.monitoring_duties(datetime(2025, 9, 27, tzinfo=cst),
...                                   datetime(2025, 9, 30, tzinfo=cst))
>>> [d.due_at.strftime("%m-%d %H:%M %a") for d in duties]   # Sunday 28th is a 调休 working day
['09-28 16:00 Sun', '09-29 16:00 Mon']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING, Final

from dateutil.rrule import rrulestr

from .._dt import ensure_aware
from ..errors import InvalidArgumentError, PolicyError
from ..policy.recurrence import recurrence_problem
from ..policy.schema import DutySpec

if TYPE_CHECKING:
    from ..policy.data import PolicyData as Policy

__all__ = ["MAX_INSTANTS", "DutyInstant", "monitoring_duties"]

MAX_INSTANTS: Final = 100_000
"""The most due instants one duty may have in one listing; a longer listing is refused."""


@dataclass(frozen=True, slots=True)
class DutyInstant:
    """One due instant of a monitoring duty (值守任务): what, by whom, when, from which rule."""

    duty_id: str
    rule: str
    kind: str
    role: str
    due_at: datetime
    """Aware, in the policy calendar's zone."""
    text: str = ""


def monitoring_duties(policy: Policy, start: datetime, end: datetime) -> list[DutyInstant]:
    """Every due instant of the policy's monitoring duties with ``start <= due_at < end``.

    Earliest first; duties due at the same instant keep the policy's order. Each recurrence
    starts at local midnight of ``start``'s date in the calendar's zone, so a rule should pin
    its day and time (``BYDAY=FR;BYHOUR=17``) rather than lean on where the listing begins.
    Days past the calendar's official schedule raise
    :class:`~yuqing_core.CalendarCoverageError` for duties filtered by working or rest days.
    A span holding more than :data:`MAX_INSTANTS` instants of one duty raises
    :class:`~yuqing_core.errors.InvalidArgumentError`: ask for a shorter span.
    """
    start = ensure_aware(start, "start")
    end = ensure_aware(end, "end")
    cal = policy.calendar
    zone = cal.zone
    lo, hi = start.astimezone(zone), end.astimezone(zone)
    if hi <= lo:
        return []
    # Wall-clock recurrences: generate naive local times, then attach the zone, so that an
    # UNTIL in the rule is read as local time like every other part of it.
    dtstart = datetime.combine(lo.date(), time(0))
    lo_naive, hi_naive = lo.replace(tzinfo=None), hi.replace(tzinfo=None)
    found: list[tuple[datetime, int, DutyInstant]] = []
    for index, duty in enumerate(policy.spec.monitoring):
        for naive in _instants(index, duty, dtstart, lo_naive, hi_naive):
            due = naive.replace(tzinfo=zone)
            if not lo <= due < hi:
                continue
            if duty.working_days_only and not cal.is_working_day(due.date()):
                continue
            if duty.rest_days_only and cal.is_working_day(due.date()):
                continue
            item = DutyInstant(duty.id, duty.rule, duty.kind, duty.role, due, duty.text)
            found.append((due, index, item))
    found.sort(key=lambda t: (t[0], t[1]))
    return [item for _, _, item in found]


def _instants(
    index: int, duty: DutySpec, dtstart: datetime, lo: datetime, hi: datetime
) -> Iterator[datetime]:
    """The instants of ``duty`` with ``lo <= instant <= hi`` (naive local times), refusing a
    rule that never moves on and a span with more than :data:`MAX_INSTANTS` of them."""
    problem = recurrence_problem(duty.rrule)
    if problem is not None:  # a spec built without validation
        raise PolicyError(f"monitoring[{index}].rrule: {duty.rrule!r} {problem}")
    rule = iter(rrulestr(duty.rrule, dtstart=dtstart, ignoretz=True))
    count = 0
    while True:
        try:
            naive = next(rule)
        except (StopIteration, OverflowError, ValueError):
            return  # the rule ended, or its next instant is past the last year a date holds
        if naive > hi:
            return
        if naive < lo:
            continue
        count += naive < hi
        if count > MAX_INSTANTS:
            raise InvalidArgumentError(
                f"monitoring[{index}] ({duty.id}) falls due more than {MAX_INSTANTS} times "
                f"between {lo:%Y-%m-%d %H:%M} and {hi:%Y-%m-%d %H:%M}; ask for a shorter span"
            )
        yield naive
