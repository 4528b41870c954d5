"""Who may fire which trigger (权限): ``[workflow.permissions]``, a table from a trigger to
the roles allowed to fire it. A trigger the table leaves out may be fired by anyone.

>>> permissions = read_permissions({"approve_reply": ["principal_leader", "leader_in_charge"]})
>>> permissions
(('approve_reply', ('principal_leader', 'leader_in_charge')),)
>>> may_fire(permissions, "approve_reply", ["office"]), may_fire(permissions, "report", None)
(False, True)
>>> may_fire(permissions, "approve_reply", ["office", "leader_in_charge"])
True

The host says which roles a person holds; the library only compares them with the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, Literal, cast

from pydantic import BeforeValidator, Field, PlainSerializer

from ..model.vocab import ADOPT_POLICY, TRIGGERS, Trigger
from .fields import Name

__all__ = [
    "Permissions",
    "allowed_roles",
    "may_fire",
    "permission_problems",
    "permission_warnings",
    "read_permissions",
    "role_set",
]

Problem = tuple[str, str]


def read_permissions(value: object) -> object:
    """A table (trigger -> list of roles) as pairs in file order, so the spec stays
    hashable; a key that is not text or a value that is not a list of text is named (what
    the names mean is checked with the rest of the policy: :func:`permission_problems`)."""
    if not isinstance(value, Mapping):
        return value
    out = []
    for key, roles in value.items():
        if not isinstance(key, str):
            raise ValueError(f"{key!r} is not a trigger name")
        if isinstance(roles, str) or not isinstance(roles, (list, tuple)):
            raise ValueError(f'{key}: a list of role ids, such as ["office"]')
        if not all(isinstance(r, str) for r in roles):
            raise ValueError(f"{key}: every role is a role id (text)")
        out.append((key, tuple(roles)))
    return tuple(out)


_FIRED: Any = cast(Any, Literal)[TRIGGERS]
"""The triggers :meth:`Case.fire <yuqing_core.Case.fire>` takes, for the JSON Schema."""

_AS_WRITTEN: Any = dict[_FIRED, Annotated[list[Name], Field(min_length=1)]]
"""The table as the policy file writes it (the JSON Schema's view)."""

Permissions = Annotated[
    tuple[tuple[str, tuple[str, ...]], ...],
    BeforeValidator(read_permissions, json_schema_input_type=_AS_WRITTEN),
    PlainSerializer(lambda pairs: {t: list(r) for t, r in pairs}, return_type=dict[str, list[str]]),
]
"""``[workflow.permissions]``: trigger -> the roles allowed to fire it, held as pairs."""


def allowed_roles(permissions: Permissions, trigger: str) -> tuple[str, ...] | None:
    """The roles allowed to fire ``trigger``; ``None`` when anyone may."""
    for name, roles in permissions:
        if name == trigger:
            return roles
    return None


def role_set(roles: Iterable[str] | None) -> frozenset[str] | None:
    """The roles a caller holds, checked: ``None`` (not said) stays ``None``; one string is
    refused, as it would be read letter by letter."""
    if roles is None:
        return None
    if isinstance(roles, str) or not isinstance(roles, Iterable):
        raise TypeError("roles must be a list of role ids, not " + type(roles).__name__)
    out = frozenset(roles)
    if not all(isinstance(r, str) for r in out):
        raise TypeError("roles must be a list of role ids (text)")
    return out


def may_fire(permissions: Permissions, trigger: str, roles: Iterable[str] | None) -> bool:
    """Whether a caller holding ``roles`` may fire ``trigger``: always when no role is
    named for it; otherwise only when ``roles`` shares one with those named (``None``, roles
    not said, shares none)."""
    allowed = allowed_roles(permissions, trigger)
    if allowed is None:
        return True
    held = role_set(roles)
    return held is not None and not held.isdisjoint(allowed)


def permission_problems(permissions: Permissions, roles: set[str]) -> list[Problem]:
    """Errors: a key that is not a trigger ``fire`` takes, an empty list, a role the policy
    does not have, a role named twice."""
    out: list[Problem] = []
    for trigger, named in permissions:
        path = f"workflow.permissions.{trigger}"
        if trigger not in TRIGGERS:
            out.append((path, _not_fired(trigger)))
            continue
        if not named:
            out.append(
                (path, "an empty list: no one could fire it; leave the key out to let anyone")
            )
        out += [
            (f"{path}[{j}]", f"{role!r} is not a role of this policy")
            for j, role in enumerate(named)
            if role not in roles
        ]
        out += [
            (f"{path}[{j}]", f"{role!r} is named twice")
            for j, role in enumerate(named)
            if role in named[:j]
        ]
    return out


def _not_fired(trigger: str) -> str:
    if trigger == Trigger.OPEN:
        return "'open' is not fired on a case (Policy.open_case opens one); it takes no roles"
    if trigger == ADOPT_POLICY:
        return f"'{ADOPT_POLICY}' is not fired on a case (Case.adopt records it)"
    return f"{trigger!r} is not a trigger"


def permission_warnings(
    permissions: Permissions, never_fires: Callable[[str], bool]
) -> list[Problem]:
    """Warnings: a trigger the workflow never fires (its stage is left out)."""
    return [
        (
            f"workflow.permissions.{trigger}",
            f"'{trigger}' never fires in this workflow (its stage is not in workflow.stages)",
        )
        for trigger, _ in permissions
        if trigger in TRIGGERS and never_fires(trigger)
    ]
