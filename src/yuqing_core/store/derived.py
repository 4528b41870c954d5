"""What a case's events derive in the store (派生行), counted again only where it changed.

Beside its new events, a save writes what the case's obligations derive: the due index rows
(``yq_open_obligations``), the outbox rows (``yq_outbox``) and the policy versions it followed
(``yq_policies``). Most commands change one obligation or none, so the store keeps, per case
object, what its last save derived (:class:`Derived`, in the book of versions,
:mod:`~yuqing_core.store.versions`):

- the rows of an obligation equal to the one the last save saw are taken over, not counted
  again (the message of a notice, its role label and its instants come from the obligation,
  the incident's title and the policy version, all compared);
- when every running obligation is the one the last save saw, in the same order, under the
  same policy versions (the case's :attr:`~yuqing_core.Case.policy_history`), what that save
  derived is taken whole: most commands change no running obligation;
- a table is written only when its rows differ from those the last save wrote, and then
  only the rows that differ (:class:`Change`). What the table holds is known for sure only
  when the stored version is still the one those rows were written at: the save checks that
  under the write lock. A new case has nothing stored (:data:`NOTHING`: the same check
  refuses an id the store holds). A case object loaded, or saved by a host's transaction that
  may still roll back (Django), has nothing kept, so everything is written.

Nothing here reads the database: :func:`derive` is a function of the case and what was kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .due import running
from .outbox import OutboxRow, by_due, notices_of
from .rows import OpenObligationRow, PolicyRow, obligation_row, policy_rows

if TYPE_CHECKING:
    from ..rules.obligations import Obligation
    from ..rules.obligations.versions import InForce
    from ..workflow.case import Case

__all__ = ["NOTHING", "Change", "Derived", "change", "derive"]

Terms = tuple["InForce", ...]
"""The policy versions a case followed (the objects) and since when: its
:attr:`~yuqing_core.Case.policy_history`."""


@dataclass(frozen=True, slots=True, eq=False)
class Derived:
    """The rows a case derived, and what they were counted from (the book of versions keeps
    the case version they go with)."""

    context: tuple[object, str]
    """The policy version and the incident's title the rows were counted with."""
    per_obligation: dict[str, tuple[Obligation, OpenObligationRow, tuple[OutboxRow, ...]]]
    """Each running obligation's index row and notices, by obligation id."""
    open_rows: tuple[OpenObligationRow, ...]
    outbox: tuple[OutboxRow, ...]
    terms: Terms
    """What ``policies`` was made from."""
    policies: tuple[PolicyRow, ...]

    def index_differs(self, prior: Derived | None) -> bool:
        """Whether the due index or the outbox must be written (``prior``: what the table
        holds, or ``None`` if that is not known)."""
        if prior is None:
            return True
        if self is prior:
            return False
        return self.open_rows != prior.open_rows or self.outbox != prior.outbox

    def policies_differ(self, prior: Derived | None) -> bool:
        """Whether the policy rows must be written (:func:`derive` takes the terms over
        from ``prior`` when they are the same)."""
        return prior is None or self.terms is not prior.terms


NOTHING = Derived(
    context=(None, ""), per_obligation={}, open_rows=(), outbox=(), terms=(), policies=()
)
"""What the tables hold of a case not stored yet: no row."""


@dataclass(frozen=True, slots=True)
class Change:
    """The rows a save changes in the due index and the outbox, from those the tables hold.

    Applying it leaves the tables as writing every row of the case again would (what
    ``tests/edges/test_store_derived.py`` checks, step by step): a notice planned before is
    already stored, so only the newly planned ones are added; one no longer planned is
    withdrawn unless it was sent."""

    gone: tuple[OpenObligationRow, ...]
    """Index rows to take away: their obligation closed, paused or changed."""
    new: tuple[OpenObligationRow, ...]
    """Index rows to add: their obligation opened, resumed or changed."""
    withdrawn: tuple[tuple[str, str, int], ...]
    """The keys (obligation, stage, due key) of the notices no longer planned."""
    planned: tuple[OutboxRow, ...]
    """The notices planned now and not before."""


def change(prior: Derived, now: Derived) -> Change:
    """The rows to take away and to add, from what ``prior`` wrote to what ``now`` derives."""
    before, after = set(prior.open_rows), set(now.open_rows)
    before_keys = {row.key for row in prior.outbox}
    after_keys = {row.key for row in now.outbox}
    return Change(
        gone=tuple(row for row in prior.open_rows if row not in after),
        new=tuple(row for row in now.open_rows if row not in before),
        withdrawn=tuple(row.key for row in prior.outbox if row.key not in after_keys),
        planned=tuple(row for row in now.outbox if row.key not in before_keys),
    )


def derive(case: Case, prior: Derived | None) -> Derived:
    """What ``case`` derives now (at its version), taking over from ``prior`` the rows of
    every obligation that is the same as then: ``prior`` itself when nothing changed (the
    case's last command changed no running obligation, as most do not)."""
    context = (case.policy, case.incident.title)
    kept = prior.per_obligation if prior is not None and _same(prior.context, context) else {}
    per: dict[str, tuple[Obligation, OpenObligationRow, tuple[OutboxRow, ...]]] = {}
    obligations = running(case)
    for ob in obligations:
        found = kept.get(ob.id)
        if found is None or not (found[0] is ob or found[0] == ob):
            found = (ob, obligation_row(case, ob), tuple(notices_of(case, ob)))
        per[ob.id] = found
    terms = case.policy_history
    if prior is not None and _same_terms(prior.terms, terms):
        if kept is prior.per_obligation and per == kept and list(per) == list(kept):
            return prior  # every entry taken over, in the same order: the same rows
        terms, policies = prior.terms, prior.policies
    else:
        policies = tuple(policy_rows(case))
    return Derived(
        context=context,
        per_obligation=per,
        open_rows=tuple(item[1] for item in per.values()),
        outbox=tuple(row for ob in by_due(obligations) for row in per[ob.id][2]),
        terms=terms,
        policies=policies,
    )


def _same(a: tuple[object, str], b: tuple[object, str]) -> bool:
    return a[0] is b[0] and a[1] == b[1]


def _same_terms(a: Terms, b: Terms) -> bool:
    """The same policy versions (the very objects) since the same instants."""
    if a is b:
        return True
    if len(a) != len(b):
        return False
    return all(x.policy is y.policy and x.since == y.since for x, y in zip(a, b, strict=True))
