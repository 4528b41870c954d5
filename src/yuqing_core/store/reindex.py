"""What a ``reindex`` changed (索引重建的变化): :class:`ReindexChange`, one per obligation.

:meth:`SQLiteStore.reindex` moves the open cases of a policy to the version given (each
adopts it, an ``adopt_policy`` event at the instant given) and rebuilds the due index of the
others. It reports, for each case and obligation whose due instant, status or provisional mark
changed, the old and the new: so a notice that settles a year (in a new policy version, or in
a newer ``holidays``) is reported where it moved a deadline or made it official. Outcomes
settled before the change (met, waived, breached) never change
(:mod:`yuqing_core.rules.obligations.versions`), so they are never reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..rules.obligations import Obligation, Status
from .rows import OpenObligationRow

__all__ = ["ReindexChange", "index_changes", "obligation_changes"]


@dataclass(frozen=True, slots=True)
class ReindexChange:
    """One obligation of one case whose due instant, status or provisional mark a ``reindex``
    changed.

    ``old_*`` is the obligation before (``None``: it did not exist), ``new_*`` after
    (``None``: the new version does not owe it); statuses are as of the ``at`` of the
    ``reindex``. For a case that already followed the version given only its due index is
    rebuilt: a change shows where the index held another due instant, and ``old_status`` is
    ``None`` (the index keeps no status).
    """

    case_id: str
    obligation_id: str
    old_due_at: datetime | None
    new_due_at: datetime | None
    old_status: Status | None
    new_status: Status | None
    old_provisional: bool | None = None
    new_provisional: bool | None = None
    """Whether the due instant rested on unsettled days before and after (``None``: no
    obligation then)."""

    def _key(self) -> tuple[object, ...]:
        return (self.old_due_at, self.old_status, self.old_provisional)

    def _new_key(self) -> tuple[object, ...]:
        return (self.new_due_at, self.new_status, self.new_provisional)


def obligation_changes(
    case_id: str, before: Sequence[Obligation], after: Sequence[Obligation], at: datetime
) -> list[ReindexChange]:
    """The obligations of ``case_id`` whose due instant or status at ``at`` differ between
    ``before`` and ``after`` (in the order of ``after``, then those only ``before`` had)."""
    old = {ob.id: ob for ob in before}
    new = {ob.id: ob for ob in after}
    out = []
    for ident in [*new, *(i for i in old if i not in new)]:
        was, now = old.get(ident), new.get(ident)
        change = ReindexChange(
            case_id,
            ident,
            _due(was),
            _due(now),
            _status(was, at),
            _status(now, at),
            _provisional(was),
            _provisional(now),
        )
        if change._key() != change._new_key():
            out.append(change)
    return out


def index_changes(
    case_id: str,
    stored: Iterable[tuple[str, str, int]],
    rows: Sequence[OpenObligationRow],
    obligations: Sequence[Obligation],
    at: datetime,
) -> list[ReindexChange]:
    """The due index rows of ``case_id`` that change: ``stored`` (obligation id, due instant
    as stored, provisional mark) against the fresh ``rows``; the new status from
    ``obligations`` at ``at``."""
    old = {ident: (datetime.fromisoformat(due), bool(p)) for ident, due, p in stored}
    new = {r.obligation_id: (datetime.fromisoformat(r.due_at), bool(r.provisional)) for r in rows}
    by_id = {ob.id: ob for ob in obligations}
    out = []
    for ident in sorted(set(old) | set(new)):
        was, now = old.get(ident), new.get(ident)
        if was == now:
            continue
        status = _status(by_id.get(ident), at)
        out.append(
            ReindexChange(
                case_id,
                ident,
                None if was is None else was[0],
                None if now is None else now[0],
                None,
                status,
                None if was is None else was[1],
                None if now is None else now[1],
            )
        )
    return out


def _due(ob: Obligation | None) -> datetime | None:
    return None if ob is None else ob.due_at


def _provisional(ob: Obligation | None) -> bool | None:
    return None if ob is None else ob.provisional


def _status(ob: Obligation | None, at: datetime) -> Status | None:
    return None if ob is None else ob.status(at)
