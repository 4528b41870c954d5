"""Which duties an event meets (履行).

A command meets the open duties whose ``met_by`` names its trigger, started no later than it.
Naming roles or kinds narrows it: one duty per named role and kind, the earliest due, and with
it every duty of that kind to that role owed under another rule at the same time. A duty owed
to one of several roles (``role = ["principal_leader", "leader_in_charge"]``) is met by a
report to any of them. A ``met_by`` entry that names acting roles (``by``) or recipients
(``to``) counts only a command by one of them (its data ``by``; for ``acknowledge``, its
``role``) or to one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .duty import Duty
from .lifecycle import recur, start_after
from .state import FoldState

if TYPE_CHECKING:
    from ...model.event import Event

__all__ = ["acting_role", "counts", "meet", "meet_duties"]


def meet_duties(s: FoldState, event: Event, version: int) -> None:
    """Meet what ``event`` meets, and start what follows each duty met."""
    before = len(s.book.duties)
    met = meet(s, event, version)
    _follow(s, met, event)
    if met and (event.data.get("roles") or event.data.get("role")):
        # A report naming both levels of a chain meets the next level it just started.
        fresh = [d for d in s.book.duties[before:] if d.open and d.spec and d.spec.after]
        _follow(s, meet(s, event, version, among=fresh), event)


def meet(
    s: FoldState, event: Event, version: int, among: Iterable[Duty] | None = None
) -> list[Duty]:
    """Mark the duties ``event`` meets (among ``among``, or all) and return them."""
    roles = _named(event.data, "roles", "role")
    kinds = _named(event.data, "kinds", "kind")
    pool = [
        d
        for d in (s.book.duties if among is None else among)
        if d.open
        and event.trigger in d.met_by
        and d.source == "obligation"
        and d.anchor <= event.at
        and (not kinds or d.kind in kinds)
        and (not d.conditions or counts(d, event.trigger, event.data))
    ]
    chosen = _choose(s, pool, roles, kinds)
    for duty in chosen:
        duty.end_pause(event.at)  # met while paused: on time if within the paused due
        duty.met_at = event.at
        duty.met_version = version
    return chosen


def _follow(s: FoldState, met: Sequence[Duty], event: Event) -> None:
    for duty in met:
        start_after(s, duty, event.at)
        recur(s, duty, event.at)


def _named(data: Mapping[str, Any], plural: str, single: str) -> list[str]:
    names: list[str] = list(data.get(plural) or [])
    if data.get(single):
        names.append(str(data[single]))
    return names


def acting_role(trigger: str, data: Mapping[str, Any]) -> str | None:
    """The role that acted: the command's ``by``, or the role acknowledging."""
    if data.get("by"):
        return str(data["by"])
    if trigger == "acknowledge" and data.get("role"):
        return str(data["role"])
    return None


def counts(duty: Duty, trigger: str, data: Mapping[str, Any]) -> bool:
    """Whether a ``trigger`` command with ``data`` is one that meets ``duty`` (its trigger
    checked already): any, unless its ``met_by`` names the acting roles or recipients."""
    if not duty.conditions:
        return True
    acting = acting_role(trigger, data)
    named = set(_named(data, "roles", "role"))
    return any(
        c.trigger == trigger
        and (not c.by or acting in c.by)
        and (not c.to or bool(named & set(c.to)))
        for c in duty.conditions
    )


def _choose(s: FoldState, pool: list[Duty], roles: list[str], kinds: list[str]) -> list[Duty]:
    # One kind of duty per named role (and per kind named): a report to the office is the
    # first-time report or the special report, not both, unless the command names both.
    by_role: list[str | None] = list(dict.fromkeys(roles)) or [None]
    by_kind: list[str | None] = list(dict.fromkeys(kinds)) or [None]
    named: set[tuple[str, str]] = set()
    unnamed: set[tuple[str, tuple[str, ...]]] = set()
    for role in by_role:
        for kind in by_kind:
            group = [
                d for d in pool if (role is None or role in d.recipients) and kind in (None, d.kind)
            ]
            if not group:
                continue
            first = group[0] if len(group) == 1 else min(group, key=lambda d: _rank(s, d))
            if role is None:
                unnamed.add((first.kind, first.recipients))
            else:
                named.add((first.kind, role))
    # Duties of that kind to that role (or, none named, to the same recipients) owed under
    # several rules at once (a flag's rule and a level's rule, say) are all met by the one
    # report.
    return [
        d
        for d in pool
        if (d.kind, d.recipients) in unnamed or (d.kind, d.role) in named or _named_any(d, named)
    ]


def _named_any(d: Duty, named: set[tuple[str, str]]) -> bool:
    """Whether a role named for ``d``'s kind is one of its alternative recipients."""
    return bool(d.roles) and any((d.kind, r) in named for r in d.roles)


def _rank(s: FoldState, d: Duty) -> tuple[datetime, int]:
    """Which duty a command meets first: the earliest due, then the earliest to arise."""
    return s.due(d), s.book.duties.index(d)
