"""Checks that read what a case owes (its obligations), not only where it stands: the order of
handling (``[[workflow.order]]``), no silent archive, and waivers (免除义务).

- ``archive`` is refused while an obligation whose clock has started is unmet, unless it was
  waived (``waive``, with a reason; the actor is on the event). A case that should not be
  handled is dismissed with a reason instead (``dismiss``).
- a trigger a ``[[workflow.order]]`` entry guards (only a command to one of its ``to``
  roles, where it names some) is refused until the obligations it names are met or waived
  (where the case owes them: one that does not apply to the case at its level, flags and
  category does not hold it up) and the triggers it names have fired.
- ``waive`` names an obligation the case owes now (open, its clock started).

Each returns the reason a command is refused, or ``None``; :mod:`.effects` raises it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from ..model import CaseState, Event
from ..policy.workflow_spec import OrderSpec
from ..rules.obligations import Obligation
from ..rules.obligations.state import CaseFacts

if TYPE_CHECKING:
    from ..policy.data import PolicyData as Policy

__all__ = ["archive_problem", "held_back", "order_problem", "owed_now", "waive_problem"]


def owed_now(obligations: Sequence[Obligation], at: datetime) -> list[Obligation]:
    """The obligations unmet, not waived, whose clock started by ``at``."""
    return [ob for ob in obligations if ob.is_open and ob.anchor_at <= at]


def archive_problem(obligations: Sequence[Obligation], at: datetime) -> str | None:
    """Why ``archive`` at ``at`` is refused: obligations still owed (no silent archive)."""
    owed = owed_now(obligations, at)
    if not owed:
        return None
    ids = ", ".join(ob.id for ob in owed)
    return (
        f"archive: {len(owed)} obligation(s) still owed ({ids}); meet each, or waive it with "
        "a reason (waive), or dismiss the case with a reason"
    )


def waive_problem(obligations: Sequence[Obligation], target: str, at: datetime) -> str | None:
    """Why waiving ``target`` at ``at`` is refused: it is not an obligation the case owes."""
    if any(ob.id == target for ob in owed_now(obligations, at)):
        return None
    owed = ", ".join(ob.id for ob in owed_now(obligations, at)) or "none"
    return f"waive: {target!r} is not an obligation the case owes now (owed: {owed})"


def order_problem(
    policy: Policy,
    obligations: Sequence[Obligation],
    events: Sequence[Event],
    event: Event,
    state: CaseState,
) -> str | None:
    """Why ``event`` must wait: what a ``[[workflow.order]]`` entry guarding its trigger
    names has not happened yet."""
    facts = CaseFacts(
        severity=state.severity,
        category=state.incident.category,
        flags=frozenset(state.incident.flags),
    )
    for order in policy.spec.workflow.order:
        if order.trigger != event.trigger or not facts.admits(order):
            continue
        if order.to and not set(order.to) & set(_recipients(event)):
            continue
        missing = _missing(policy, facts, order, obligations, events, event.at)
        if missing:
            rule = f"（{order.rule}）" if order.rule else ""
            return f"{event.trigger}: {', '.join(missing)} must come first{rule}"
    return None


def _recipients(event: Event) -> list[str]:
    """The roles a command is addressed to (its ``role`` and ``roles``)."""
    role = event.data.get("role")
    return [*(event.data.get("roles") or ()), *([str(role)] if role else [])]


def held_back(
    policy: Policy,
    obligations: Sequence[Obligation],
    events: Sequence[Event],
    state: CaseState,
    trigger: str,
    at: datetime,
) -> str | None:
    """Why ``trigger`` fired at ``at`` would be refused by what the case owes, whatever its
    data: ``archive`` while obligations are owed, ``waive`` while none is, or a
    ``[[workflow.order]]`` entry not met yet. What :meth:`Case.allowed_triggers
    <yuqing_core.Case.allowed_triggers>` leaves out."""
    if trigger == "archive":
        why = archive_problem(obligations, at)
        if why is not None:
            return why
    if trigger == "waive" and not owed_now(obligations, at):
        return "waive: the case owes no obligation now"
    if not any(o.trigger == trigger for o in policy.spec.workflow.order):
        return None
    return order_problem(policy, obligations, events, Event(trigger, at, "-"), state)


def _missing(
    policy: Policy,
    facts: CaseFacts,
    order: OrderSpec,
    obligations: Sequence[Obligation],
    events: Sequence[Event],
    at: datetime,
) -> list[str]:
    fired = {e.trigger for e in events}
    out = [f"'{t.value}'" for t in order.triggers if t.value not in fired]
    for ident in order.obligations:
        mine = [ob for ob in obligations if ob.spec_id == ident]
        if any(ob.is_open for ob in mine):
            out.append(f"{ident} (to be met or waived)")
        elif not mine and facts.admits(policy.obligation_spec(ident)):
            out.append(f"{ident} (not yet owed)")
    return out
