"""What a ``reindex`` changed (索引重建的变化): :class:`ReindexChange`, one per obligation.

:meth:`SQLiteStore.reindex` moves the open cases of a policy to the version given (each
adopts it, an ``adopt_policy`` event at the instant given) and rebuilds the due index of the
others. It reports, for each case and obligation whose due instant or status changed, the old
and the new. Outcomes settled before the change (met, waived, breached) never change
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
    """One obligation of one case whose due instant or status a ``reindex`` changed.

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
            case_id, ident, _due(was), _due(now), _status(was, at), _status(now, at)
        )
        if (change.old_due_at, change.old_status) != (change.new_due_at, change.new_status):
            out.append(change)
    return out


def index_changes(
    case_id: str,
    stored: Iterable[tuple[str, str]],
    rows: Sequence[OpenObligationRow],
    obligations: Sequence[Obligation],
    at: datetime,
) -> list[ReindexChange]:
    """The due index rows of ``case_id`` that change: ``stored`` (obligation id, due instant
    as stored) against the fresh ``rows``; the new status from ``obligations`` at ``at``."""
    old = {ident: datetime.fromisoformat(due) for ident, due in stored}
    new = {row.obligation_id: datetime.fromisoformat(row.due_at) for row in rows}
    by_id = {ob.id: ob for ob in obligations}
    out = []
    for ident in sorted(set(old) | set(new)):
        was, now = old.get(ident), new.get(ident)
        if was == now:
            continue
        status = _status(by_id.get(ident), at)
        out.append(ReindexChange(case_id, ident, was, now, None, status))
    return out


def _due(ob: Obligation | None) -> datetime | None:
    return None if ob is None else ob.due_at


def _status(ob: Obligation | None, at: datetime) -> Status | None:
    return None if ob is None else ob.status(at)
