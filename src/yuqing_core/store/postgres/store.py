"""The event store on PostgreSQL (PostgreSQL 事件存储): :class:`PostgresStore` (psycopg 3).

The same tables and the same promises as :class:`~yuqing_core.SQLiteStore`
(:class:`~yuqing_core.store.base.EventStore`): append-only events, optimistic concurrency
(:class:`~yuqing_core.ConflictError`), :class:`~yuqing_core.DuplicateCaseError`, every event
checked on load, the due index and the outbox written in the same transaction as the events,
``reindex``, the policy versions, claims and the global position. What differs:

- **Where it runs.** Give a connection string (the store keeps a small pool), a
  ``psycopg_pool.ConnectionPool`` (it borrows a connection per call), or a
  ``psycopg.Connection``: then every call runs inside that connection's transaction when one
  is open (as a savepoint: the host's row and the case's events commit together, when the
  host commits) and the store never commits a transaction it did not open.
- **Concurrency.** A save writes the case's row only where it still holds the version the
  case was loaded at (``UPDATE ... WHERE version = ...``, which locks the row): of two saves
  of one version, the second waits, then finds the new version and raises
  :class:`~yuqing_core.ConflictError`. Workers claim with ``FOR UPDATE SKIP LOCKED``.
- **Schema.** Migrations are applied explicitly (``yuqing db migrate --url ...``,
  :mod:`~yuqing_core.store.postgres.migrate`); the store refuses a database that is not
  migrated or is newer, with a :class:`~yuqing_core.StoreError` saying what to run.
- **Wake-ups.** A save that moves a case's earliest due instant (or sendable notice) earlier
  sends ``NOTIFY yq_due``; :meth:`PostgresStore.listen` waits for it
  (:mod:`~yuqing_core.store.postgres.listen`).
- PostgreSQL text cannot hold the character U+0000: a save that holds one is refused with a
  :class:`~yuqing_core.StoreError` and writes nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, ClassVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool

from ...errors import ConflictError, StoreError
from ..base import Db, EventStore
from ..claims import Lease
from ..derived import NOTHING, Change, Derived
from ..policies import PolicyBook
from ..positions import Position
from ..pyformat import PyformatDb
from ..rows import OpenObligationRow
from ..versions import SeenVersions
from . import sql
from .listen import DueListener
from .migrate import check_schema

__all__ = ["PostgresStore"]

Connection = psycopg.Connection[tuple[Any, ...]]


_Db = PyformatDb[Connection]


class PostgresStore(EventStore):
    """Cases as append-only events in PostgreSQL; see the module for what differs from
    :class:`~yuqing_core.SQLiteStore`.

    ``source``: a connection string (``"host=... dbname=..."`` or ``postgresql://...``), a
    ``psycopg_pool.ConnectionPool``, or a ``psycopg.Connection`` the host owns. Run
    ``yuqing db migrate --url ...`` once before.
    """

    _INTEGRITY: ClassVar[tuple[type[Exception], ...]] = (pg_errors.UniqueViolation,)
    _LOCK_CASE: ClassVar[str] = sql.LOCK_CASE
    _ACK: ClassVar[str] = sql.ACK
    _RELEASE: ClassVar[str] = sql.RELEASE
    _FOR_UPDATE: ClassVar[str] = " FOR UPDATE"

    def __init__(self, source: str | ConnectionPool[Connection] | Connection) -> None:
        self._lock = threading.RLock()
        self._owned_pool: ConnectionPool[Connection] | None = None
        self._conn: Connection | None = None
        self._pool: ConnectionPool[Connection] | None = None
        self._listener: DueListener | None = None
        if isinstance(source, str):
            self._pool = self._owned_pool = _open_pool(source)
        elif isinstance(source, ConnectionPool):
            self._pool = source
        elif isinstance(source, psycopg.Connection):
            self._conn = source
        else:
            raise StoreError(
                "PostgresStore needs a connection string, a psycopg_pool.ConnectionPool or a "
                f"psycopg.Connection, got {type(source).__name__}"
            )
        self._conninfo = source if isinstance(source, str) else None
        try:
            # In a transaction of its own (or a savepoint of the host's): never left open.
            with self._connection() as conn, conn.transaction():
                info = conn.info
                self.where = f"postgres database {info.dbname!r}"
                check_schema(conn, self.where)
                schema = conn.execute("SELECT current_schema()").fetchone()
                key = ("postgres", info.host, info.port, info.dbname, schema and schema[0])
        except BaseException:
            self.close()
            raise
        self._versions = SeenVersions.for_key(key)
        self._policies = PolicyBook(self.where, sql.POLICY_VERSIONS)

    # -- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        try:
            if self._conn is not None:
                with self._lock:
                    if self._conn.closed:
                        raise StoreError("the store's connection is closed")
                    yield self._conn
            else:
                assert self._pool is not None
                with self._pool.connection() as conn:
                    yield conn
        except psycopg.OperationalError as e:
            raise StoreError(f"cannot use the database: {_first_line(e)}") from None

    @contextmanager
    def _transaction(self, *, read: bool) -> Iterator[Db]:
        with self._connection() as conn:
            # The host's open transaction is not ours: work in a savepoint inside it.
            ours = conn.info.transaction_status == TransactionStatus.IDLE
            try:
                with conn.transaction():
                    if ours and read:
                        # One snapshot for every statement of the read (the case row and its
                        # events agree even while another writer commits).
                        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    yield _Db(conn)
            except (pg_errors.SerializationFailure, pg_errors.DeadlockDetected) as e:
                raise ConflictError(
                    f"{self.where}: another writer changed the same rows first "
                    f"({_first_line(e)}); nothing was written. Load again and re-apply."
                ) from None
            except psycopg.DataError as e:
                raise StoreError(
                    f"{self.where}: PostgreSQL refused a value ({_first_line(e)}); nothing "
                    "was written"
                ) from None

    def _write(self) -> Any:
        return self._transaction(read=False)

    def _read(self) -> Any:
        return self._transaction(read=True)

    def close(self) -> None:
        """Close the pool the store opened (a pool or connection given is the host's) and
        its wake-up listener."""
        if self._listener is not None:
            self._listener.close()
        if self._owned_pool is not None:
            self._owned_pool.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<PostgresStore {self.where}>"

    # -- PostgreSQL's own statements -----------------------------------------------------

    @staticmethod
    def _write_open_obligations(db: Db, case_id: str, rows: Iterable[OpenObligationRow]) -> None:
        rows = list(rows)
        db.execute(sql.DELETE_CLOSED, (case_id, [r.obligation_id for r in rows]))
        db.executemany(sql.UPSERT_OPEN_OBLIGATION, rows)

    @staticmethod
    def _change_open_obligations(db: Db, case_id: str, done: Change) -> None:
        # An obligation whose row changed is written again in place: its claim stays if its
        # due instant did (as when every row is written).
        closed = {r.obligation_id for r in done.gone} - {r.obligation_id for r in done.new}
        if closed:
            db.execute(sql.DELETE_GONE, (case_id, sorted(closed)))
        if done.new:
            db.executemany(sql.UPSERT_OPEN_OBLIGATION, done.new)

    def _write_index(self, db: Db, case_id: str, derived: Derived, prior: Derived | None) -> None:
        before = None
        if prior is not NOTHING:  # a new case has no row: nothing was due before
            before = db.execute(sql.EARLIEST, (case_id, case_id)).fetchone()[0]
        super()._write_index(db, case_id, derived, prior)
        db.execute(sql.NOTIFY_IF_SOONER, (case_id, case_id, before, before))

    def _claim(self, db: Db, lease: Lease) -> list[Sequence[Any]]:
        args = (lease.token, lease.until_key, lease.now_key, lease.now_key, lease.limit)
        return db.execute(sql.CLAIM_DUE, args).fetchall()

    def _claim_outbox(self, db: Db, lease: Lease) -> list[Sequence[Any]]:
        held = (lease.token, lease.until_key, lease.until.isoformat())
        args = (*held, lease.now_key, lease.now_key, lease.limit)
        return db.execute(sql.CLAIM_OUTBOX, args).fetchall()

    def _events_after(self, db: Db, after: Position, limit: int) -> list[Sequence[Any]]:
        return db.execute(sql.EVENTS_AFTER, (str(after.tx), after.n, limit)).fetchall()

    # -- wake-ups ------------------------------------------------------------------------

    def wait_for_due(self, timeout: float) -> datetime | None:
        """Wait at most ``timeout`` seconds for a save that made something due sooner; return
        that instant, or ``None``. The store listens from its first call on (a
        :meth:`listen` it keeps until :meth:`close`)."""
        if self._listener is None:
            self._listener = self.listen()
        return self._listener.wait(timeout)

    def listen(self, conninfo: str | None = None) -> DueListener:
        """A listener on ``NOTIFY yq_due``, listening from now on: ``listener.wait(timeout)``
        returns the new earliest instant a save made due, or ``None`` after ``timeout``
        seconds. It needs a connection of its own: ``conninfo``, else the store's connection
        string (or its pool's)."""
        target = conninfo or self._conninfo
        if target is None and self._pool is not None:
            given = self._pool.conninfo
            target = given() if callable(given) else given
        if not target:
            raise StoreError("listen needs a connection string (conninfo=...) for its connection")
        return DueListener(target)


def _open_pool(conninfo: str) -> ConnectionPool[Connection]:
    try:
        pool: ConnectionPool[Connection] = ConnectionPool(
            conninfo, min_size=1, max_size=4, open=True, timeout=30.0
        )
        pool.wait(timeout=30.0)
    except psycopg.Error as e:
        raise StoreError(f"cannot connect to the database: {_first_line(e)}") from None
    except Exception as e:  # psycopg_pool.PoolTimeout
        raise StoreError(f"cannot connect to the database: {_first_line(e)}") from None
    return pool


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
