"""Who may fire a trigger on a case (权限): the check :meth:`Case.fire
<yuqing_core.Case.fire>` makes before anything else about the command, and the filter of
:meth:`Case.allowed_triggers <yuqing_core.Case.allowed_triggers>`.

The policy's ``[workflow.permissions]`` lists the roles allowed to fire a trigger; the host
says which roles the caller holds (``actor_roles``). The library trusts the host's word and
records nothing of it: an event is the same whoever was allowed to fire it, so replay does
not check permissions (a policy may grant them differently later).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ..errors import NotPermittedError, TransitionError
from ..policy.data import PolicyData as Policy
from ..policy.permissions import role_set

__all__ = ["check_permission", "permitted"]


def check_permission(
    policy: Policy,
    trigger: str,
    actor_roles: Iterable[str] | None,
    allowed_now: Callable[[Iterable[str] | None], Sequence[str]],
) -> None:
    """Raise :class:`~yuqing_core.NotPermittedError` when ``actor_roles`` may not fire
    ``trigger``; the message names the trigger and the roles that may, never the actor.
    ``allowed_now(roles)`` lists the triggers the case accepts now from those roles."""
    try:
        held = role_set(actor_roles)
    except TypeError as e:
        raise TransitionError(
            f"actor_roles: {e}", trigger=trigger, allowed=allowed_now(None)
        ) from None
    if policy.may_fire(trigger, held):
        return
    roles = policy.spec.workflow.allowed_roles(trigger) or ()
    given = ", ".join(sorted(held)) if held else "none given"
    raise NotPermittedError(
        f"{trigger} may be fired only by {' or '.join(roles)} (the caller's roles: {given})",
        trigger=trigger,
        roles=roles,
        allowed=allowed_now(held),
    )


def permitted(
    policy: Policy, triggers: Iterable[str], actor_roles: Iterable[str] | None
) -> list[str]:
    """``triggers`` without those ``actor_roles`` may not fire (all of them when the roles
    are not said: ``None``)."""
    if actor_roles is None:
        return list(triggers)
    held = role_set(actor_roles)
    return [t for t in triggers if policy.may_fire(t, held)]
