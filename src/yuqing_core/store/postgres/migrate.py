"""Versioned migrations of the PostgreSQL tables (数据库迁移), applied explicitly.

The migrations are SQL files shipped with the package (``migrations/NNNN_name.sql``), applied
in order by ``yuqing db migrate --url ...`` (or :func:`migrate`), each once, all in one
transaction under an advisory lock (two deployments migrating at once wait for each other).
``yq_migrations`` records which were applied. A store refuses a database that is not migrated
or was migrated by a newer yuqing_core (:func:`check_schema`), saying what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

import psycopg

from ...errors import StoreError
from ..schema import schema_mismatch

__all__ = [
    "LATEST",
    "Migration",
    "MigrationCursor",
    "apply_migrations",
    "check_schema",
    "migrate",
    "migrations",
    "schema_version",
]

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK = 7_271_901_723  # pg_advisory_xact_lock key of yuqing_core's migrations


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration shipped, in order."""
    out = []
    for entry in resources.files(__package__).joinpath("migrations").iterdir():
        found = _NAME.match(entry.name)
        if found:
            out.append(Migration(int(found[1]), found[2], entry.read_text(encoding="utf-8")))
    return sorted(out, key=lambda m: m.version)


LATEST = migrations()[-1].version
"""The schema version this yuqing_core writes."""


def schema_version(conn: psycopg.Connection[tuple[object, ...]]) -> int | None:
    """The last migration applied to the database (``None``: never migrated)."""
    with conn.transaction():
        exists = conn.execute("SELECT to_regclass('yq_migrations') IS NOT NULL").fetchone()
        if not exists or not exists[0]:
            return None
        row = conn.execute("SELECT max(version) FROM yq_migrations").fetchone()
    return None if row is None or row[0] is None else int(str(row[0]))


def check_schema(conn: psycopg.Connection[tuple[object, ...]], where: str) -> None:
    """Refuse a database not migrated to :data:`LATEST` (a :class:`~yuqing_core.StoreError`
    that says which command to run)."""
    error = schema_mismatch(
        where, schema_version(conn), LATEST, run="`yuqing db migrate --url ...`"
    )
    if error is not None:
        raise error


class MigrationCursor(Protocol):
    """What :func:`apply_migrations` needs of a cursor (``%s`` placeholders): a psycopg
    cursor, or a Django cursor on PostgreSQL (:mod:`yuqing_core.contrib.django`)."""

    def execute(self, query: Any, params: Any = ..., /) -> Any: ...
    def fetchone(self) -> Any: ...


def migrate(conninfo: str) -> list[Migration]:
    """Apply the migrations the database at ``conninfo`` lacks; return those applied."""
    try:
        with psycopg.connect(conninfo) as conn, conn.transaction(), conn.cursor() as cur:
            return apply_migrations(cur)
    except psycopg.Error as e:
        raise StoreError(f"cannot migrate the database: {e}") from None


def apply_migrations(cur: MigrationCursor) -> list[Migration]:
    """Apply the migrations the database lacks through ``cur``, inside the caller's
    transaction, under the advisory lock; return those applied."""
    cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
    cur.execute(
        "CREATE TABLE IF NOT EXISTS yq_migrations (version integer PRIMARY KEY, name text NOT NULL)"
    )
    cur.execute("SELECT coalesce(max(version), 0) FROM yq_migrations")
    row = cur.fetchone()
    found = int(str(row[0])) if row else 0
    if found > LATEST:
        raise StoreError(
            f"the database was migrated by a newer yuqing_core (schema {found}; this "
            f"version knows up to {LATEST}); upgrade yuqing_core"
        )
    todo = [m for m in migrations() if m.version > found]
    for m in todo:
        cur.execute(m.sql.encode("utf-8"))
        cur.execute(
            "INSERT INTO yq_migrations (version, name) VALUES (%s, %s)", (m.version, m.name)
        )
    return todo
