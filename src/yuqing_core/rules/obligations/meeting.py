"""Which duties an event meets (履行).

A command meets the open duties whose ``met_by`` names its trigger, started no later than it.
Naming roles or kinds narrows it: one duty per named role and kind, the earliest due, and with
it every duty of that kind to that role owed under another rule at the same time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .duty import Duty
from .lifecycle import recur, start_after
from .state import FoldState

if TYPE_CHECKING:
    from ...model.event import Event

__all__ = ["meet", "meet_duties"]


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


def _choose(s: FoldState, pool: list[Duty], roles: list[str], kinds: list[str]) -> list[Duty]:
    # One kind of duty per named role (and per kind named): a report to the office is the
    # first-time report or the special report, not both, unless the command names both.
    by_role: list[str | None] = list(dict.fromkeys(roles)) or [None]
    by_kind: list[str | None] = list(dict.fromkeys(kinds)) or [None]
    picked = set()
    for role in by_role:
        for kind in by_kind:
            group = [d for d in pool if role in (None, d.role) and kind in (None, d.kind)]
            if group:
                first = min(group, key=lambda d: (s.due(d), s.book.duties.index(d)))
                picked.add((first.kind, first.role))
    # Duties of that kind to that role owed under several rules at once (a flag's rule and
    # a level's rule, say) are all met by the one report.
    return [d for d in pool if (d.kind, d.role) in picked]
