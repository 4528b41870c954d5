"""Which Django users may fire which triggers (权限): :func:`roles_of`, :func:`fire`,
:func:`allowed_triggers`.

A policy names the roles that may fire each trigger (``[workflow.permissions]``); the core's
``Case.fire(..., actor_roles=...)`` refuses a command the roles do not allow with
:class:`~yuqing_core.NotPermittedError` (a :class:`~yuqing_core.TransitionError`), and
``Policy.may_fire(trigger, roles)`` says whether they do. This module only says which roles a
Django user has: the setting ``YUQING_ROLES`` (a callable ``(user) -> Iterable[str]`` or its
dotted path), by default the names of the user's groups (none for an anonymous or inactive
user). A host whose groups are named after the policy's roles (``handling_unit``,
``principal_leader``, ...) needs nothing more.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ...model.event import Event
from ...workflow.case import Case
from . import conf

__all__ = ["allowed_triggers", "fire", "roles_of"]


def roles_of(user: Any) -> frozenset[str]:
    """The roles ``user`` has, by ``YUQING_ROLES``."""
    roles = conf.roles_function()(user)
    if isinstance(roles, str):
        raise ImproperlyConfigured(
            "YUQING_ROLES returned one text, not a list of roles: return a list such as "
            f"[{roles!r}]"
        )
    return frozenset(str(r) for r in roles)


def fire(
    case: Case, trigger: str, *, user: Any, at: datetime, actor: str | None = None, **data: Any
) -> Event:
    """``case.fire(trigger, at=at, actor=..., actor_roles=roles_of(user), **data)``.

    ``actor`` (who is recorded: personal data, kept in the store) is the user's username
    unless given. A trigger the user's roles may not fire raises
    :class:`~yuqing_core.NotPermittedError` and changes nothing.
    """
    name = actor if actor is not None else user.get_username()
    return case.fire(trigger, at=at, actor=name, actor_roles=roles_of(user), **data)


def allowed_triggers(case: Case, *, user: Any) -> list[str]:
    """What ``user`` may fire on ``case`` now (to show only those buttons)."""
    return case.allowed_triggers(actor_roles=roles_of(user))
