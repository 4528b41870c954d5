"""Structural checks of the terms a policy words its own way: role labels, working hours and
the flags a rule or obligation matches on. Each problem names its key path.

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

__all__ = ["durations_in", "term_problems"]

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
