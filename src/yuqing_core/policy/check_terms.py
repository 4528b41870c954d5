"""Checks of the terms a policy words its own way: role labels, working hours, warning points
and the flags a rule or obligation matches on. Each problem names its key path.

:func:`term_problems` are errors (the policy cannot load); :func:`term_warnings` are lint
warnings (it works, but probably not as meant).

>>> from yuqing_core.policy.schema import PolicySpec
>>> spec = PolicySpec.model_validate({"name": "x", "title": "示例", "obligations": [
...     {"id": "report", "rule": "R1", "kind": "report", "role": "office", "within": "4wh"}]})
>>> term_problems(spec)
[('obligations[0].within', "'4wh' counts working hours, but [calendar] working_hours is not set")]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from ..model.vocab import Role
from ..time.duration import Duration, DurationKind
from .schema import PolicySpec
from .warnings import WarnPoint

__all__ = ["durations_in", "term_problems", "term_warnings"]

Problem = tuple[str, str]

_CANONICAL_ROLES = frozenset(r.value for r in Role)


def durations_in(value: Any, path: str = "") -> Iterator[tuple[str, Duration]]:
    """``(key_path, duration)`` for every duration in ``value`` (a spec section), warning
    points' times before the due instant included, in file order."""
    if isinstance(value, Duration):
        yield path, value
    elif isinstance(value, WarnPoint):
        if value.before is not None:
            yield path, value.before
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from durations_in(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from durations_in(item, f"{path}[{i}]")


def _working_hours(spec: PolicySpec) -> list[Problem]:
    """A duration in working hours needs the policy's working hours."""
    if spec.calendar.working_hours:
        return []
    return [
        (path, f"'{d}' counts working hours, but [calendar] working_hours is not set")
        for path, d in durations_in(spec)
        if d.kind is DurationKind.WORKING_HOURS
    ]


def _role_labels(spec: PolicySpec) -> list[Problem]:
    """``[role_labels]`` names canonical roles; an added role has its label under
    ``[[roles]]``."""
    return [
        (
            f"role_labels.{role}",
            f"{role!r} is not a canonical role (an added role takes its label under [[roles]])",
        )
        for role, _ in spec.role_labels
        if role not in _CANONICAL_ROLES
    ]


def _contradicting_flags(spec: PolicySpec) -> list[Problem]:
    """A flag both required (``any_flags``) and excluded (``no_flags``) by one item."""
    items: list[tuple[str, Any]] = [
        *((f"assessment.rules[{i}]", r) for i, r in enumerate(spec.assessment.rules)),
        *((f"assessment.grades[{i}]", r) for i, r in enumerate(spec.assessment.grades)),
        *((f"obligations[{i}]", o) for i, o in enumerate(spec.obligations)),
        *((f"ladders[{i}]", la) for i, la in enumerate(spec.ladders)),
    ]
    return [
        (f"{path}.no_flags[{j}]", f"{flag!r} is in any_flags too: it can never match with it")
        for path, item in items
        for j, flag in enumerate(item.no_flags)
        if flag in item.any_flags
    ]


def term_problems(spec: PolicySpec) -> list[Problem]:
    """``(key_path, message)`` for every problem with the policy's own terms."""
    return [*_role_labels(spec), *_working_hours(spec), *_contradicting_flags(spec)]


def _shared_labels(spec: PolicySpec) -> list[Problem]:
    """Two roles the outputs would name alike."""
    named: dict[str, str] = {r.value: r.label for r in Role}
    named.update(dict(spec.role_labels))
    named.update({r.id: r.label for r in spec.roles})
    out = []
    for role, label in spec.role_labels:
        others = sorted(r for r, other in named.items() if other == label and r != role)
        if others:
            out.append(
                (
                    f"role_labels.{role}",
                    f"{label!r} is also what role {others[0]!r} is called: outputs cannot tell "
                    "them apart",
                )
            )
    return out


_WORKING_KINDS = (DurationKind.WORKING_DAYS, DurationKind.WORKING_HOURS)


def _elapsed_before_working(spec: PolicySpec) -> list[Problem]:
    """A time before the due instant in elapsed hours, on a deadline counted in working time:
    it may fall at night or on a holiday (22:00 for a deadline at 24:00)."""
    out = []
    for i, ob in enumerate(spec.obligations):
        if ob.within is None or ob.within.kind not in _WORKING_KINDS:
            continue
        path = f"obligations[{i}].warnings" if ob.warnings else "timing.warnings"
        for j, point in enumerate(ob.warnings or spec.timing.warnings):
            if point.before is not None and point.before.is_elapsed:
                out.append(
                    (
                        f"{path}[{j}]",
                        f"'{point}' before a deadline of '{ob.within}' ({ob.id}) is elapsed "
                        "time and may fall outside working time; write working hours (wh) "
                        "or a share (80%)",
                    )
                )
    return out


def term_warnings(spec: PolicySpec) -> list[Problem]:
    """``(key_path, message)`` for every term that works but is probably not what was meant."""
    return list(dict.fromkeys([*_shared_labels(spec), *_elapsed_before_working(spec)]))
