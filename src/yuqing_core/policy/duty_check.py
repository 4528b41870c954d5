"""Structural checks of the duty roster (``[[monitoring]]``) and the periods (``[[periods]]``).

Part of :func:`yuqing_core.policy.check.structural_problems`: each problem is an error, as
``(key_path, message)``, listed in file order.
"""

from __future__ import annotations

from collections.abc import Set

from .duty_spec import DutySpec
from .schema import PolicySpec

__all__ = ["duty_problems"]

Problem = tuple[str, str]


def duty_problems(spec: PolicySpec, roles: Set[str]) -> list[Problem]:
    """What is wrong with the periods and the new keys of the monitoring duties of ``spec``;
    ``roles`` are the roles the policy has."""
    out = _repeated_periods(spec)
    periods = {p.id for p in spec.periods}
    for i, duty in enumerate(spec.monitoring):
        path = f"monitoring[{i}]"
        out += _recipient(path, duty, roles)
        out += _rest_day(path, duty)
        out += [
            (f"{path}.during[{j}]", f"{name!r} is not a period of this policy ([[periods]])")
            for j, name in enumerate(duty.during)
            if name not in periods
        ]
        out += _while_open(spec, path, duty)
    for i, ob in enumerate(spec.obligations):
        out += [
            (
                f"obligations[{i}].during[{j}]",
                f"{name!r} is not a period of this policy ([[periods]])",
            )
            for j, name in enumerate(ob.during)
            if name not in periods
        ]
    return out


def _repeated_periods(spec: PolicySpec) -> list[Problem]:
    seen: dict[str, int] = {}
    out = []
    for i, period in enumerate(spec.periods):
        if period.id in seen:
            out.append((f"periods[{i}].id", f"{period.id!r} repeats periods[{seen[period.id]}].id"))
        seen.setdefault(period.id, i)
    return out


def _recipient(path: str, duty: DutySpec, roles: Set[str]) -> list[Problem]:
    if duty.recipient is None or duty.recipient in roles:
        return []
    return [(f"{path}.recipient", f"{duty.recipient!r} is not a role of this policy")]


def _rest_day(path: str, duty: DutySpec) -> list[Problem]:
    """``on_rest_day`` agrees with the older ``working_days_only`` and ``rest_days_only``."""
    if duty.on_rest_day is None:
        return []
    if duty.working_days_only and duty.on_rest_day != "skip":
        return [
            (
                f"{path}.on_rest_day",
                f"'{duty.on_rest_day}' contradicts working_days_only (which skips rest days)",
            )
        ]
    if duty.rest_days_only and duty.on_rest_day != "keep":
        return [
            (
                f"{path}.on_rest_day",
                f"'{duty.on_rest_day}' with rest_days_only: the duty would never fall due on "
                "the rest days it is kept to",
            )
        ]
    return []


def _while_open(spec: PolicySpec, path: str, duty: DutySpec) -> list[Problem]:
    if duty.while_open is None:
        return []
    levels = set(spec.severities)
    return [
        (f"{path}.while_open.levels[{j}]", f"'{lv}' is not one of the policy's levels")
        for j, lv in enumerate(duty.while_open.levels)
        if lv not in levels
    ]
