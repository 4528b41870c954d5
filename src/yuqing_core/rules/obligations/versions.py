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

__all__ = ["InForce", "PinnedFold", "derive_pinned", "settled_before"]


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
    return _combined(newest, keep, views)


def _combined(
    newest: tuple[Obligation, ...], keep: dict[str, int], views: dict[int, dict[str, Obligation]]
) -> tuple[Obligation, ...]:
    """The newest version's obligations, each settled at a change replaced by the one of
    the version it was settled under (``views``, by index in the history), then the ones
    settled under an older version that the newest does not have."""
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


class PinnedFold:
    """:func:`derive_pinned`, kept up to date one event at a time (what a live case uses).

    One :class:`~.fold.ObligationFold` per version of the history, each over every event;
    which obligations each change settled is read once, when the fold reaches that change.
    :meth:`update` applies only the events not applied yet, so a case that reads its
    obligations after every command pays for one event, not for all of them. The result is
    always what :func:`derive_pinned` gives for the same history and events.
    """

    __slots__ = ("_applied", "_folds", "_keep")

    def __init__(self, first: InForce) -> None:
        self._folds = [ObligationFold(first.policy, not_before=first.since)]
        self._keep: dict[str, int] = {}
        self._applied = 0

    @property
    def applied(self) -> int:
        """How many events of the case the folds have taken."""
        return self._applied

    def update(self, history: Sequence[InForce], events: Sequence[Event]) -> None:
        """Apply the events not applied yet; ``history`` and ``events`` extend the ones
        given before (a case only appends to them)."""
        while len(self._folds) < len(history):
            change = history[len(self._folds)]
            self._advance(events, change.start)
            for ident in self._folds[-1].settled():
                self._keep.setdefault(ident, len(self._folds) - 1)
            fold = ObligationFold(change.policy, not_before=change.since)
            for version, event in enumerate(events[: change.start], 1):
                fold.apply(event, version)
            self._folds.append(fold)
        self._advance(events, len(events))

    def _advance(self, events: Sequence[Event], stop: int) -> None:
        for version in range(self._applied + 1, stop + 1):
            event = events[version - 1]
            for fold in self._folds:
                fold.apply(event, version)
        self._applied = max(self._applied, stop)

    def obligations(self) -> tuple[Obligation, ...]:
        """What :func:`derive_pinned` gives for the events applied so far."""
        newest = self._folds[-1].obligations()
        if len(self._folds) == 1:
            return newest
        views = {
            j: {ob.id: ob for ob in self._folds[j].obligations()}
            for j in sorted(set(self._keep.values()))
        }
        return _combined(newest, self._keep, views)

    def refusal(self, event: Event) -> str | None:
        """Why the duties of the version in force refuse ``event``, the next command (see
        :func:`~.fold.refusal`), or ``None``."""
        return self._folds[-1].refusal(event)
