"""The event store on a Django database (Django 事件存储): :class:`DjangoStore`.

The same tables, statements and promises as :class:`~yuqing_core.SQLiteStore` and
:class:`~yuqing_core.PostgresStore` (:class:`~yuqing_core.store.base.EventStore`), run through
Django's connection ``django.db.connections[using]``:

- **The host's transactions.** Every call runs inside ``transaction.atomic(using=...)``: in a
  host's ``atomic`` block it is a savepoint, so the host's rows and the case's events commit
  together, or not at all. A refused save (:class:`~yuqing_core.ConflictError`,
  :class:`~yuqing_core.DuplicateCaseError`) rolls back its savepoint only; the host's
  transaction goes on. After a host's transaction rolled back, load the case again: the store
  remembers the version it saved (a later save of that object raises
  :class:`~yuqing_core.ConflictError` and writes nothing).
- **The database's own statements.** On SQLite the store says what
  :class:`~yuqing_core.SQLiteStore` says; on PostgreSQL what
  :class:`~yuqing_core.PostgresStore` says (``FOR UPDATE`` on the case row, claims with
  ``SKIP LOCKED``, ``NOTIFY yq_due``, which the runner waits for). The statements' ``?`` are
  rewritten to Django's ``%s``. Other databases are refused.
- **Schema.** The tables come from the app's migrations (``manage.py migrate yuqing_core``,
  :mod:`~yuqing_core.contrib.django.tables`); the first call checks the schema version and
  says what to run when it is not this yuqing_core's.
- On SQLite, give the database ``"OPTIONS": {"transaction_mode": "IMMEDIATE"}`` where several
  processes write: a save then waits for the write lock instead of failing (a
  :class:`~yuqing_core.StoreError`) when another writer holds it.

The store opens nothing: its connection is Django's (one per thread), and :meth:`close` lets
go of the ``NOTIFY`` listener only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    OperationalError,
    connections,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.connection import ConnectionDoesNotExist

from ...errors import ConflictError, StoreError
from ...store.base import Db, EventStore
from ...store.claims import Lease
from ...store.derived import Change
from ...store.policies import PolicyBook
from ...store.positions import Position
from ...store.pyformat import PyformatDb
from ...store.rows import OpenObligationRow
from ...store.schema import SCHEMA_VERSION, SELECT_POLICY_VERSIONS, schema_mismatch
from ...store.sqlite import SQLiteStore
from ...store.versions import SeenVersions
from ...workflow.case import Case

__all__ = ["DjangoStore"]

_RETRY_STATES = ("40001", "40P01")  # serialization failure, deadlock: another writer first


_Db = PyformatDb[BaseDatabaseWrapper]


class DjangoStore(EventStore):
    """Cases as append-only events in the Django database ``using`` (an alias of
    ``DATABASES``); see the module for what differs from the other stores.

    ``DjangoStore(using)`` gives the store of that database's engine (SQLite or PostgreSQL).
    It queries nothing until first used, so a host may make one at import time.
    """

    _INTEGRITY: ClassVar[tuple[type[Exception], ...]] = (IntegrityError,)
    _POLICY_VERSIONS: ClassVar[str] = SELECT_POLICY_VERSIONS
    _KEEPS_DERIVED: ClassVar[bool] = False  # the host's transaction may still roll back

    if TYPE_CHECKING:  # each database's own, from SQLiteStore or PostgresStore (see below)

        @staticmethod
        def _write_open_obligations(
            db: Any, case_id: str, rows: Iterable[OpenObligationRow]
        ) -> None:
            raise NotImplementedError

        @staticmethod
        def _change_open_obligations(db: Any, case_id: str, done: Change) -> None:
            raise NotImplementedError

        def _claim(self, db: Db, lease: Lease) -> list[Sequence[Any]]:
            raise NotImplementedError

        def _claim_outbox(self, db: Db, lease: Lease) -> list[Sequence[Any]]:
            raise NotImplementedError

        def _events_after(self, db: Db, after: Position, limit: int) -> list[Sequence[Any]]:
            raise NotImplementedError

    def __new__(cls, using: str = "default") -> DjangoStore:
        if cls is DjangoStore:
            cls = _variant(_connection(using).vendor, using)
        return super().__new__(cls)

    def __init__(self, using: str = "default") -> None:
        self.using = using
        self.where = f"Django database {using!r}"
        self._ready = False
        self._policies = PolicyBook(self.where, self._POLICY_VERSIONS)

    # -- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, *, read: bool) -> Iterator[Any]:
        conn = _connection(self.using)
        ours = not conn.in_atomic_block
        try:
            with transaction.atomic(using=self.using):
                db = _Db(conn)
                if ours and read:
                    self._snapshot(db)  # before any other statement
                if not self._ready:
                    self._first_use(db)
                yield db
        except OperationalError as e:
            if getattr(e.__cause__, "sqlstate", None) in _RETRY_STATES:
                raise ConflictError(
                    f"{self.where}: another writer changed the same rows first "
                    f"({_first_line(e)}); nothing was written. Load again and re-apply."
                ) from None
            raise StoreError(f"{self.where}: {_first_line(e)}; nothing was written") from None
        except DataError as e:
            raise StoreError(
                f"{self.where}: the database refused a value ({_first_line(e)}); nothing was "
                "written"
            ) from None
        except DatabaseError as e:
            raise StoreError(
                f"{self.where}: {_first_line(e)}; nothing was written (are the app's "
                "migrations applied? `manage.py migrate yuqing_core`)"
            ) from None

    def _write(self) -> Any:
        return self._transaction(read=False)

    def _read(self) -> Any:
        return self._transaction(read=True)

    def known_version(self, case: Case) -> int:
        if not self._ready:  # the book of versions is found on first use
            with self._read():
                pass
        return super().known_version(case)

    def _first_use(self, db: _Db) -> None:
        """Check the schema; find the book of versions shared with the other stores of this
        process on the same database."""
        self._check_schema(db)
        self._versions = self._book(db)
        self._ready = True

    def _check_schema(self, db: _Db) -> None:
        raise NotImplementedError

    def _book(self, db: _Db) -> SeenVersions:
        raise NotImplementedError

    def _snapshot(self, db: _Db) -> None:
        """Make the read one snapshot (nothing to do where a transaction already is one)."""

    def _schema_error(self, found: int | None, latest: int) -> StoreError | None:
        return schema_mismatch(self.where, found, latest, run="`manage.py migrate yuqing_core`")

    def close(self) -> None:
        """Nothing to close: the connection is Django's."""

    def __enter__(self) -> DjangoStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<DjangoStore {self.using!r}>"


class _SQLite(DjangoStore, SQLiteStore):  # type: ignore[misc]
    """On SQLite: :class:`~yuqing_core.SQLiteStore`'s statements (claims under the write
    lock, positions in ``yq_positions``)."""

    def __init__(self, using: str = "default") -> None:
        super().__init__(using)
        self.path = self.where  # what SQLiteStore's messages name

    def _check_schema(self, db: _Db) -> None:
        held = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'yq_meta'").fetchone()
        row = None
        if held:
            row = db.execute("SELECT value FROM yq_meta WHERE key = 'schema_version'").fetchone()
        error = self._schema_error(None if row is None else int(row[0]), SCHEMA_VERSION)
        if error is not None:
            raise error

    def _book(self, db: _Db) -> SeenVersions:
        rows = db.execute("PRAGMA database_list").fetchall()
        file = next((r[2] for r in rows if r[1] == "main"), "")
        # A database in memory (Django's test database) is the alias's own.
        return SeenVersions.of(file) if file else SeenVersions.for_key(("django", self.using))


@lru_cache(maxsize=1)
def _postgres_variant() -> type[DjangoStore]:
    # Lazy: psycopg (extra `postgres`) only on a host whose database is PostgreSQL.
    from ...store.postgres import LATEST, PostgresStore, sql

    class _Postgres(DjangoStore, PostgresStore):  # type: ignore[misc]
        """On PostgreSQL: :class:`~yuqing_core.PostgresStore`'s statements."""

        _POLICY_VERSIONS: ClassVar[str] = sql.POLICY_VERSIONS

        def __init__(self, using: str = "default") -> None:
            super().__init__(using)
            self._listener = None
            self._pool = self._owned_pool = None
            self._conninfo = _conninfo(_connection(using).settings_dict)

        def _check_schema(self, db: _Db) -> None:
            held = db.execute("SELECT to_regclass('yq_migrations') IS NOT NULL").fetchone()
            found = None
            if held[0]:
                row = db.execute("SELECT max(version) FROM yq_migrations").fetchone()
                found = None if row[0] is None else int(row[0])
            error = self._schema_error(found, LATEST)
            if error is not None:
                raise error

        def _book(self, db: _Db) -> SeenVersions:
            # The key PostgresStore uses: both share what they know of a case object.
            info = db.conn.connection.info
            schema = db.execute("SELECT current_schema()").fetchone()[0]
            return SeenVersions.for_key(("postgres", info.host, info.port, info.dbname, schema))

        def _snapshot(self, db: _Db) -> None:
            db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

        def close(self) -> None:
            """Let go of the ``NOTIFY`` listener, if the runner started one."""
            if self._listener is not None:
                self._listener.close()
                self._listener = None

    return _Postgres


@cache
def _variant(vendor: str, using: str) -> type[DjangoStore]:
    if vendor == "sqlite":
        return _SQLite
    if vendor == "postgresql":
        return _postgres_variant()
    raise StoreError(
        f"Django database {using!r} is {vendor}: yuqing_core keeps its tables on SQLite and "
        "PostgreSQL only"
    )


def _connection(using: str) -> BaseDatabaseWrapper:
    try:
        return connections[using]
    except ConnectionDoesNotExist:
        raise StoreError(f"Django has no database {using!r} in DATABASES") from None


def _conninfo(settings: dict[str, Any]) -> str:
    """A libpq connection string of Django's settings of a database (for ``LISTEN``)."""
    # Lazy: psycopg only on PostgreSQL, as above.
    from psycopg.conninfo import make_conninfo

    keys = {"NAME": "dbname", "USER": "user", "PASSWORD": "password", "HOST": "host"}
    params = {k: str(settings[s]) for s, k in keys.items() if settings.get(s)}
    if settings.get("PORT"):
        params["port"] = str(settings["PORT"])
    return make_conninfo("", **params)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
