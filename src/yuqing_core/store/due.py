"""What a host polls for (到期事项): :class:`DueItem`, and the integer time keys of the due index.

An instant is kept twice in the tables: as ISO text in the zone the case computed it in, to
read back exactly, and as a :func:`time_key`, to sort and compare instants of any zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..rules.obligations.obligation import Obligation
    from ..workflow.case import Case

__all__ = ["DueItem", "from_time_key", "running", "time_key", "warn_text"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def time_key(at: datetime) -> int:
    """``at`` as integer microseconds since 1970-01-01 UTC: a sort key exact to the microsecond.

    >>> from datetime import datetime, timezone, timedelta
    >>> time_key(datetime(1970, 1, 1, 8, tzinfo=timezone(timedelta(hours=8))))
    0
    """
    return (at - _EPOCH) // _MICROSECOND


def from_time_key(key: int) -> datetime:
    """The instant (in UTC) of a :func:`time_key`.

    >>> from_time_key(0).isoformat()
    '1970-01-01T00:00:00+00:00'
    """
    return _EPOCH + key * _MICROSECOND


def running(case: Case) -> list[Obligation]:
    """The obligations of ``case`` that are open and whose clock runs, in the order they
    arose: what the due index and the outbox hold."""
    # A paused obligation is not running toward its due instant, so it is not "due"; one
    # without a deadline (no ``within``: only ordered) never falls due.
    return [ob for ob in case.obligations if ob.is_open and not ob.paused and ob.timed]


def warn_text(ob: Obligation) -> str:
    """The warning instants of ``ob`` as stored in the due index: ISO texts separated by
    spaces, earliest first (the first warning alone when it has no ``warn_at``)."""
    first = ob.first_warning
    instants = ob.warn_at or (() if first is None else (first,))
    return " ".join(w.isoformat() for w in instants)


@dataclass(frozen=True, slots=True)
class DueItem:
    """One open obligation that is due (到期事项), as :meth:`SQLiteStore.due_before` lists it.

    A due instant of a policy's duty roster (:mod:`yuqing_core.store.roster`) is an item too:
    its ``case_id`` is empty (every case has an id) and its ``obligation_id`` is the duty's
    id."""

    case_id: str
    obligation_id: str
    kind: str
    role: str
    due_at: datetime
    """In the policy calendar's time zone, as the case computed it."""
    rule: str
    policy: str
    provisional: bool = False
    """The due instant rests on days the official calendar does not settle yet; it may move
    when the year's official notice is known (see ``Obligation.provisional``)."""
    warn_at: tuple[datetime, ...] = field(default=(), compare=False)
    """Its warning instants (预警), earliest first, on the deadline's own clock
    (:attr:`Obligation.warn_at <yuqing_core.Obligation.warn_at>`); the first is the instant
    :meth:`SQLiteStore.due_soon_before` lists it from. Empty in an index row written before
    schema 4 until the case is saved again or the store is reindexed; not part of an item's
    identity (equality), which is its case, obligation and due instant as before."""

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> DueItem:
        """The item of one row of the due query (its columns in the query's order)."""
        case_id, obligation_id, policy, kind, role, rule, due_at, provisional, warn = row
        return cls(
            case_id=case_id,
            obligation_id=obligation_id,
            kind=kind,
            role=role,
            due_at=datetime.fromisoformat(due_at),
            rule=rule,
            policy=policy,
            provisional=bool(provisional),
            warn_at=tuple(datetime.fromisoformat(w) for w in (warn or "").split()),
        )
