"""What workers and projections take from a store (工作与订阅): :class:`WorkQueue`.

The methods every store shares for claimable due work (:mod:`~yuqing_core.store.claims`), the
notification outbox (:mod:`~yuqing_core.store.outbox`) and the global event position
(:mod:`~yuqing_core.store.positions`); each store supplies the few statements its database
needs (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write lock on SQLite).
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from .._dt import ensure_aware
from ..errors import StoreError
from .claims import ClaimedDue, Lease, as_list, lease_of
from .due import DueItem, from_time_key, time_key
from .outbox import MARK_SENT, RELEASE_OUTBOX, SELECT_CASE_OUTBOX, OutboxEntry
from .positions import START, Position, PositionedEvent
from .rows import event_from_row

if TYPE_CHECKING:
    from .base import Db

__all__ = ["NEXT_DUE", "WorkQueue"]

NEXT_DUE = (
    "SELECT (SELECT min(due_key) FROM yq_open_obligations WHERE due_key > ?), "
    "(SELECT min(sendable_key) FROM yq_outbox WHERE sendable_key > ? AND sent_key IS NULL "
    "AND withdrawn = 0)"
)


class WorkQueue(abc.ABC):
    """Claims, the outbox and the global position, over a store's transactions."""

    @abc.abstractmethod
    def _write(self) -> AbstractContextManager[Db]: ...

    @abc.abstractmethod
    def _read(self) -> AbstractContextManager[Db]: ...

    @abc.abstractmethod
    def _claim(self, db: Db, lease: Lease) -> list[Sequence[Any]]:
        """Claim due rows (``SELECT_DUE``'s first eight columns, then ``due_key`` and
        ``warn_at``) under ``lease``."""

    _ACK: ClassVar[str]
    """Marks one claimed item handled (case, obligation, due key, token): if still held."""
    _RELEASE: ClassVar[str]
    """Gives one claimed item back (the same arguments): if still held."""

    @abc.abstractmethod
    def _claim_outbox(self, db: Db, lease: Lease) -> list[Sequence[Any]]:
        """Claim sendable outbox rows (``ENTRY_COLUMNS``) under ``lease``."""

    @abc.abstractmethod
    def _events_after(self, db: Db, after: Position, limit: int) -> list[Sequence[Any]]:
        """Rows ``tx, n, case_id, seq, trigger, at, actor, data`` after ``after``."""

    # -- claimable work (see yuqing_core.store.claims) ----------------------------------------

    def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[ClaimedDue]:
        """Claim up to ``limit`` due items (``due_at <= now``, earliest first) that no worker
        holds, each until ``now + lease``; every item goes to exactly one claimer until it is
        acked (:meth:`ack`), released (:meth:`release`) or its lease runs out."""
        claim = lease_of(now, limit, lease)
        with self._write() as db:
            rows = self._claim(db, claim)
        rows = sorted(rows, key=lambda r: (int(r[8]), r[0], r[1]))
        return [
            ClaimedDue(DueItem.from_row((*r[:8], r[9])), claim.token, claim.until) for r in rows
        ]

    def ack(self, claims: ClaimedDue | Iterable[ClaimedDue]) -> int:
        """Mark claimed items done: not handed out again for their due instant. Returns how
        many were still held by these claims (a claim whose lease ran out and that another
        worker took is not acked)."""
        return self._end_claims(as_list(claims, ClaimedDue), done=True)

    def release(self, claims: ClaimedDue | Iterable[ClaimedDue]) -> int:
        """Give claimed items back at once (not done); returns how many were still held."""
        return self._end_claims(as_list(claims, ClaimedDue), done=False)

    def _end_claims(self, claims: list[ClaimedDue], *, done: bool) -> int:
        if not claims:
            return 0
        rows = [
            (c.item.case_id, c.item.obligation_id, time_key(c.item.due_at), c.token) for c in claims
        ]
        with self._write() as db:
            # One statement per claim, sent together; rowcount sums the rows changed.
            return int(db.executemany(self._ACK if done else self._RELEASE, rows).rowcount)

    def next_due(self, after: datetime) -> datetime | None:
        """The first instant after ``after`` at which an item falls due or a notice becomes
        sendable (UTC), or ``None``: how long a runner may sleep. Read from the two indexes."""
        key = time_key(ensure_aware(after, "after"))
        with self._read() as db:
            row = db.execute(NEXT_DUE, (key, key)).fetchone()
        found = [k for k in row if k is not None]
        return from_time_key(min(int(k) for k in found)) if found else None

    # -- the outbox (see yuqing_core.store.outbox) --------------------------------------------

    def claim_outbox(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxEntry]:
        """Claim up to ``limit`` notices sendable at ``now`` (earliest first), not sent, not
        withdrawn and held by no worker, each until ``now + lease``."""
        claim = lease_of(now, limit, lease)
        with self._write() as db:
            rows = self._claim_outbox(db, claim)
        entries = [OutboxEntry.from_row(r, claim.token) for r in rows]
        return sorted(entries, key=lambda e: (time_key(e.sendable_at), e.id))

    def mark_sent(self, entry: OutboxEntry, *, at: datetime, to: str) -> bool:
        """Record that the claimed ``entry`` was sent at ``at`` to ``to`` (the recipient the
        host chose: an address or a role's mailbox; stored, never logged). False if the claim
        no longer held it (its lease ran out and another worker took it)."""
        at = ensure_aware(at, "at")
        if not isinstance(entry, OutboxEntry) or entry.token is None:
            raise StoreError("mark_sent needs an OutboxEntry from claim_outbox")
        if not isinstance(to, str) or not to.strip():
            raise StoreError("mark_sent needs the recipient (to=...) as non-empty text")
        with self._write() as db:
            cur = db.execute(MARK_SENT, (time_key(at), at.isoformat(), to, entry.id, entry.token))
            return cur.rowcount == 1

    def release_outbox(self, entries: OutboxEntry | Iterable[OutboxEntry]) -> int:
        """Give claimed notices back unsent; returns how many were still held."""
        items = as_list(entries, OutboxEntry)
        with self._write() as db:
            return sum(db.execute(RELEASE_OUTBOX, (e.id, e.token)).rowcount for e in items)

    def outbox(self, case_id: str) -> list[OutboxEntry]:
        """Every notice of ``case_id``: planned, sent (when, to whom) or withdrawn, in the
        order they became sendable."""
        with self._read() as db:
            rows = db.execute(SELECT_CASE_OUTBOX, (case_id,)).fetchall()
        return [OutboxEntry.from_row(r) for r in rows]

    # -- the global position (see yuqing_core.store.positions) --------------------------------

    def events_after(self, position: Position = START, limit: int = 1000) -> list[PositionedEvent]:
        """Up to ``limit`` stored events after ``position``, in the store's global order."""
        if not isinstance(position, Position):
            raise StoreError(f"position must be a Position, got {type(position).__name__}")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise StoreError(f"limit must be a positive integer, got {limit!r}")
        with self._read() as db:
            rows = self._events_after(db, position, limit)
        return [
            PositionedEvent(Position(int(r[0]), int(r[1])), r[2], r[3], event_from_row(r[2], r[3:]))
            for r in rows
        ]
