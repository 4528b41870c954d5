"""The event store (事件存储): cases kept as their events in SQLite, the embedded default.

What every store does is :class:`~yuqing_core.store.base.EventStore`'s; this module holds
SQLite's connection, its transactions and its way to hand out claims (the write lock).

A case is compute-on-read, so the store keeps only what happened: one row per event, appended
and never changed. Two small tables sit beside the log so a host can poll cheaply: one row
per case (policy, version, state, severity) and one row per *open* obligation with its due
instant as an integer key, rewritten inside the same transaction as the events it derives
from. :meth:`SQLiteStore.due_before` reads that index and never replays or scans cases.

Writers are optimistic: a case remembers nothing about storage, so the store remembers, per
case object and database file (:mod:`~yuqing_core.store.versions`, shared by every handle on
the file in this process), the version it had when it was loaded or last saved.
:meth:`SQLiteStore.save` checks that version against the stored one inside a ``BEGIN
IMMEDIATE`` transaction; if another writer got there first it raises
:class:`~yuqing_core.ConflictError` and writes nothing. A new case saved under an id the store
already holds raises :class:`~yuqing_core.DuplicateCaseError`. The database runs in WAL mode, so
a process killed mid-save leaves the previous version readable.

Every policy version a saved case followed is kept (:mod:`~yuqing_core.store.policies`):
loading with another version raises :class:`~yuqing_core.PolicyVersionError` unless the host
opts in, and :meth:`SQLiteStore.reindex` moves open cases to a new version, reporting changes.

The store keeps personal data (reporter names, phones, account ids) because it is the host's
own database and the case must replay exactly; :meth:`SQLiteStore.export_case` gives the JSON
of a case without it, to share. Loading checks every stored event as
:meth:`Case.replay <yuqing_core.Case.replay>` does: a row that cannot be read, or an event the
library could not have recorded, raises :class:`~yuqing_core.CorruptCaseError` naming the case
and the seq.

>>> from datetime import datetime, timedelta
>>> from zoneinfo import ZoneInfo
>>> import yuqing_core as yq
>>> from yuqing_core.store import SQLiteStore
>>> cst = ZoneInfo("Asia/Shanghai")
>>> policy = yq.presets.load("school-tiered")
>>> found = datetime(2025, 11, 3, 9, tzinfo=cst)
>>> case = policy.open_case(yq.Incident(id="YQ-7", title="食堂投诉", discovered_at=found),
...                         at=found, actor="monitor")
>>> store = SQLiteStore(":memory:")
>>> store.save(case)
1
>>> [(d.case_id, d.kind, d.role, d.due_at.isoformat())
...  for d in store.due_before(found + timedelta(days=2))]
[('YQ-7', 'report', 'business_supervisor', '2025-11-05T00:00:00+08:00')]
>>> store.load(policy, "YQ-7") == case
True
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from ..errors import StoreError
from .base import Db, EventStore
from .claims import Lease
from .connection import Transaction, ensure_wal
from .derived import Change
from .outbox import ENTRY_COLUMNS
from .policies import PolicyBook
from .positions import Position
from .rows import EventRow, OpenObligationRow
from .schema import (
    ACK_CLAIM,
    DELETE_OPEN_OBLIGATION,
    DELETE_OPEN_OBLIGATIONS,
    DELETE_STALE_CLAIMS,
    INSERT_EVENT,
    INSERT_OPEN_OBLIGATION,
    INSERT_POSITION,
    LEASE_OUTBOX,
    RELEASE_CLAIM,
    SELECT_CLAIMABLE,
    SELECT_EVENTS_AFTER,
    SELECT_SENDABLE,
    UPSERT_CLAIM,
    install,
)
from .versions import SeenVersions

__all__ = ["SQLiteStore"]


class SQLiteStore(EventStore):
    """Cases as append-only events in a SQLite file (stdlib :mod:`sqlite3`).

    ``path`` is a file path (created if missing) or ``":memory:"``. The tables are prefixed
    ``yq_``, so the file may be the host's own database. One store object may be shared by
    threads; each process opens its own.

    Personal data is stored (the host's database must replay cases exactly); use
    :meth:`export_case` to hand a case to anyone else.
    """

    _INTEGRITY: ClassVar[tuple[type[Exception], ...]] = (sqlite3.IntegrityError,)
    _ACK: ClassVar[str] = ACK_CLAIM
    _RELEASE: ClassVar[str] = RELEASE_CLAIM

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self.path = os.fspath(path)
        self.where = self.path
        self._timeout = timeout
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as e:
            raise StoreError(f"{self.path}: cannot open the store: {e}") from None
        try:
            self._setup()
        except sqlite3.DatabaseError as e:
            self._db.close()
            raise StoreError(f"{self.path}: not a usable store: {e}") from None
        except StoreError:
            self._db.close()
            raise

    def _setup(self) -> None:
        ensure_wal(self._db, self._timeout)
        self._db.execute("PRAGMA foreign_keys=OFF")
        with self._write() as db:
            install(db, self.path)
        # Case objects carry no storage state, so the versions they were loaded or saved at
        # are kept per database file, shared with every other handle on it.
        file = next((r[2] for r in self._db.execute("PRAGMA database_list") if r[1] == "main"), "")
        self._versions = SeenVersions.of(file)
        self._policies = PolicyBook(self.path)

    # -- plumbing ------------------------------------------------------------------------

    def _write(self) -> Transaction:
        # IMMEDIATE takes the write lock up front, so the version check and the append see
        # the same database and a second writer waits instead of failing half way.
        return Transaction(self._db, self._lock, self.path, "BEGIN IMMEDIATE")

    def _read(self) -> Transaction:
        # One read transaction: a consistent snapshot across several SELECTs (WAL).
        return Transaction(self._db, self._lock, self.path, "BEGIN")

    def close(self) -> None:
        """Close the connection. The store cannot be used afterwards."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<SQLiteStore {self.path!r}>"

    # -- SQLite's own statements ---------------------------------------------------------
    # The writes are separate methods so a test can kill the process between them.

    def _write_events(self, db: Db, rows: Sequence[EventRow]) -> None:
        # Every write holds the write lock: numbering the events as written is commit order.
        db.executemany(INSERT_EVENT, rows)
        db.executemany(INSERT_POSITION, [(r.case_id, r.seq) for r in rows])

    @staticmethod
    def _write_open_obligations(
        db: sqlite3.Connection, case_id: str, rows: Iterable[OpenObligationRow]
    ) -> None:
        db.execute(DELETE_OPEN_OBLIGATIONS, (case_id,))
        db.executemany(INSERT_OPEN_OBLIGATION, rows)
        db.execute(DELETE_STALE_CLAIMS, (case_id,))

    @staticmethod
    def _change_open_obligations(db: sqlite3.Connection, case_id: str, done: Change) -> None:
        if done.gone:
            db.executemany(DELETE_OPEN_OBLIGATION, [(case_id, r.obligation_id) for r in done.gone])
        if done.new:
            db.executemany(INSERT_OPEN_OBLIGATION, done.new)
        if done.gone:
            db.execute(DELETE_STALE_CLAIMS, (case_id,))

    def _claim(self, db: Db, lease: Lease) -> list[Sequence[Any]]:
        rows: list[Sequence[Any]] = db.execute(
            SELECT_CLAIMABLE, (lease.now_key, lease.now_key, lease.limit)
        ).fetchall()
        db.executemany(
            UPSERT_CLAIM, [(r[0], r[1], r[8], lease.token, lease.until_key) for r in rows]
        )
        return rows

    def _claim_outbox(self, db: Db, lease: Lease) -> list[Sequence[Any]]:
        found = db.execute(SELECT_SENDABLE, (lease.now_key, lease.now_key, lease.limit))
        ids = [r[0] for r in found]
        held = (lease.token, lease.until_key, lease.until.isoformat())
        db.executemany(LEASE_OUTBOX, [(*held, i) for i in ids])
        marks = ", ".join("?" * len(ids))
        rows: list[Sequence[Any]] = db.execute(
            f"SELECT {ENTRY_COLUMNS} FROM yq_outbox WHERE id IN ({marks})", ids
        ).fetchall()
        return rows

    def _events_after(self, db: Db, after: Position, limit: int) -> list[Sequence[Any]]:
        if after.tx != 0:
            raise StoreError(f"{self.path}: {after} is not a position of a SQLite store")
        rows: list[Sequence[Any]] = db.execute(SELECT_EVENTS_AFTER, (after.n, limit)).fetchall()
        return rows
