"""Obligations across policy versions (制度版本): what a case owes once it adopted another one.

A case follows the policy version it was opened under until it adopts another (an
``adopt_policy`` event at an instant T, :meth:`Case.adopt <yuqing_core.Case.adopt>`). Its
history is a sequence of :class:`InForce`, oldest first. Across a change at T from version A
to version B:

- every obligation of A that is *settled* at T keeps A for good: met, waived (the level was
  lowered, the case closed, a recurrence ended) or breached (its due instant passed unmet
  before T). It is derived under A over the whole record, so its outcome at T stays exactly
  as it was, and a reply after T still meets it (late);
- every other obligation (open and on time at T, or arising later) follows B, derived under
  B over the whole record, except that no due instant B gives falls before T: such a deadline
  is due at T. New rules make nobody late before they were in force.

With several changes the rule applies at each, in order: an obligation settled at the first
change keeps the first version, one settled at the second the second, and so on. Obligations
an older version settled that the newest does not know stay in the record, after the newest
version's own.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .fold import ObligationFold, derive
from .obligation import Obligation

if TYPE_CHECKING:
    from ...model.event import Event
    from ...policy.data import PolicyData as Policy

__all__ = ["InForce", "derive_pinned", "settled_before"]


@dataclass(frozen=True, slots=True)
class InForce:
    """One policy version a case followed: ``policy``, in force from ``since`` (``None``:
    from the opening), after the first ``start`` events of the case (the ``adopt_policy``
    event included; 0 for the version it was opened under)."""

    policy: Policy
    since: datetime | None = None
    start: int = 0


def derive_pinned(history: Sequence[InForce], events: Sequence[Event]) -> tuple[Obligation, ...]:
    """Every obligation a case with ``events`` owes, under the versions of ``history``.

    With one version this is :func:`~.fold.derive`. Otherwise the obligations of the newest
    version, each one settled at a change replaced by the one of the version it was settled
    under (left out if that version waived it), then those settled under an older version
    that the newest does not have.
    """
    last = history[-1]
    newest = derive(last.policy, events, not_before=last.since)
    if len(history) == 1:
        return newest
    keep = _settled(history, events)
    views = {
        j: {ob.id: ob for ob in derive(history[j].policy, events, not_before=history[j].since)}
        for j in sorted(set(keep.values()))
    }
    out: list[Obligation] = []
    for ob in newest:
        j = keep.get(ob.id)
        if j is None:
            out.append(ob)
        elif ob.id in views[j]:
            out.append(views[j][ob.id])
    known = {ob.id for ob in newest}
    for j, view in views.items():
        out.extend(ob for ident, ob in view.items() if keep.get(ident) == j and ident not in known)
    return tuple(out)


def settled_before(history: Sequence[InForce], events: Sequence[Event]) -> dict[str, InForce]:
    """The obligations settled under an older version than the newest (by id), with the
    version each keeps for good. An extension cannot move them (the case refuses it)."""
    return {ident: history[j] for ident, j in _settled(history, events).items()}


def _settled(history: Sequence[InForce], events: Sequence[Event]) -> dict[str, int]:
    """Obligation id -> the index in ``history`` of the version it was settled under."""
    keep: dict[str, int] = {}
    for j, (term, after) in enumerate(itertools.pairwise(history)):
        fold = ObligationFold(term.policy, not_before=term.since)
        for version, event in enumerate(events[: after.start], 1):
            fold.apply(event, version)
        for ident in fold.settled():
            keep.setdefault(ident, j)
    return keep
