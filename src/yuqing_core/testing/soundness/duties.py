"""Soundness of the duty roster: every monitoring duty falls due at least once.

A duty kept to periods it skips (a holiday watch that skips rest days), or to periods with no
day in the years it is checked over, never falls due: it is on paper only. The check lists
each duty over 2025 and 2026 (the years :data:`~.deadlines.ANCHORS` span) and the days of its
periods' ranges, as if a case it waits for (``while_open``) were open throughout.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ...api import Policy
from ...policy.lint import Finding
from ...policy.schema import DutySpec
from ...rules.monitoring import CaseSpan

__all__ = ["check_duties_fall_due"]

_YEARS = (date(2025, 1, 1), date(2027, 1, 1))
_STEP = timedelta(days=31)


def check_duties_fall_due(policy: Policy) -> list[Finding]:
    """A finding for every monitoring duty with no due instant in 2025-2026 or in its
    periods' date ranges."""
    out = []
    for i, duty in enumerate(policy.spec.monitoring):
        if not any(_falls_due(policy, duty, lo, hi) for lo, hi in _spans(policy, duty)):
            out.append(
                Finding(
                    "error",
                    f"monitoring[{i}]",
                    f"duty {duty.id!r} never falls due in 2025-2026 nor in its periods' dates "
                    "(check during, on_rest_day and rest_days_only)",
                )
            )
    return out


def _spans(policy: Policy, duty: DutySpec) -> list[tuple[date, date]]:
    spans = [_YEARS]
    for period in policy.spec.periods:
        if period.id in duty.during:
            spans += [(r.start, r.end + timedelta(days=1)) for r in period.ranges]
    return spans


def _falls_due(policy: Policy, duty: DutySpec, lo: date, hi: date) -> bool:
    zone = policy.calendar.zone
    start = datetime.combine(lo, time(0), tzinfo=zone)
    end = datetime.combine(hi, time(0), tzinfo=zone)
    cases = _open_throughout(policy, duty, start)
    while start < end:
        stop = min(start + _STEP, end)
        found = policy.monitoring_duties(start, stop, cases=cases)
        if any(item.duty_id == duty.id for item in found):
            return True
        start = stop
    return False


def _open_throughout(policy: Policy, duty: DutySpec, start: datetime) -> list[CaseSpan]:
    wanted = duty.while_open
    if wanted is None:
        return []
    level = wanted.levels[0] if wanted.levels else policy.lowest
    flags = frozenset(wanted.any_flags[:1])
    return [CaseSpan("check", start - timedelta(days=1), None, level, flags)]
