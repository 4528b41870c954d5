"""The store's tables (数据表) and the SQL that reads and writes them.

Every name carries the ``yq_`` prefix so the tables can live in the host's own database:

- ``yq_meta``: the schema version this file was written with;
- ``yq_events``: one row per event, appended and never changed (key: case id and seq);
- ``yq_cases``: one row per case (policy, version, state, severity, unit, and the fingerprint
  of the policy version it follows; ``NULL`` for a case last saved by schema 1);
- ``yq_open_obligations``: one row per open obligation whose clock runs, with its due instant
  as an integer key (:func:`~yuqing_core.store.due.time_key`) for the due index;
- ``yq_policies``: one row per policy version a saved case followed: its fingerprint, name,
  canonical JSON and the instant from which the first case saved under it followed it
  (:mod:`yuqing_core.store.policies`). In the order the store first saw them (``rowid``).

A file of schema 1 (before ``yq_policies``) is migrated when a store opens it: the table is
added, and ``yq_cases`` gains its ``fingerprint`` column.

The statements are the store's own; a host that reads the tables with its own SQL can take
them as a description of the layout. The column order of the ``INSERT`` statements is the
field order of the rows in :mod:`yuqing_core.store.rows`.
"""

from __future__ import annotations

import sqlite3

from ..errors import StoreError

__all__ = [
    "COUNT_CASES",
    "DELETE_OPEN_OBLIGATIONS",
    "INSERT_EVENT",
    "INSERT_OPEN_OBLIGATION",
    "INSERT_POLICY",
    "SCHEMA",
    "SCHEMA_VERSION",
    "SELECT_CASE",
    "SELECT_CASE_IDS",
    "SELECT_DUE",
    "SELECT_EVENTS",
    "SELECT_OPEN_OBLIGATIONS",
    "SELECT_POLICY",
    "SELECT_POLICY_CASE_IDS",
    "SELECT_POLICY_VERSIONS",
    "SELECT_VERSION",
    "UPSERT_CASE",
    "install",
]

SCHEMA_VERSION = 2
"""The layout this module writes. A file of schema 1 is migrated when opened; a file written
by a newer layout is refused."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS yq_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS yq_cases (
    case_id    TEXT PRIMARY KEY,
    policy     TEXT NOT NULL,
    version    INTEGER NOT NULL,
    state      TEXT NOT NULL,
    severity   TEXT NOT NULL,
    unit       TEXT,
    updated_at TEXT NOT NULL,
    fingerprint TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS yq_events (
    case_id TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    trigger TEXT NOT NULL,
    at      TEXT NOT NULL,
    at_key  INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    data    TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS yq_open_obligations (
    case_id       TEXT NOT NULL,
    obligation_id TEXT NOT NULL,
    policy        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    role          TEXT NOT NULL,
    rule          TEXT NOT NULL,
    due_key       INTEGER NOT NULL,
    due_at        TEXT NOT NULL,
    provisional   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (case_id, obligation_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS yq_open_obligations_due
    ON yq_open_obligations (
        due_key, case_id, obligation_id, policy, kind, role, rule, due_at, provisional
    );
CREATE INDEX IF NOT EXISTS yq_cases_policy ON yq_cases (policy, case_id);
CREATE TABLE IF NOT EXISTS yq_policies (
    fingerprint   TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    spec          TEXT NOT NULL,
    first_seen_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS yq_policies_name ON yq_policies (name);
"""
"""The tables and indexes, created if missing (statements separated by ``;``)."""

# -- reading ---------------------------------------------------------------------------------

SELECT_CASE = "SELECT policy, version, fingerprint FROM yq_cases WHERE case_id = ?"
SELECT_VERSION = "SELECT version FROM yq_cases WHERE case_id = ?"
SELECT_CASE_IDS = "SELECT case_id FROM yq_cases ORDER BY case_id"
SELECT_POLICY_CASE_IDS = "SELECT case_id FROM yq_cases WHERE policy = ? ORDER BY case_id"
COUNT_CASES = "SELECT count(*) FROM yq_cases"
SELECT_OPEN_OBLIGATIONS = (
    "SELECT obligation_id, due_at, provisional FROM yq_open_obligations WHERE case_id = ? "
    "ORDER BY obligation_id"
)
SELECT_POLICY = "SELECT name, spec, first_seen_at FROM yq_policies WHERE fingerprint = ?"
SELECT_POLICY_VERSIONS = (
    "SELECT fingerprint, spec, first_seen_at FROM yq_policies WHERE name = ? ORDER BY rowid"
)
SELECT_EVENTS = "SELECT seq, trigger, at, actor, data FROM yq_events WHERE case_id = ? ORDER BY seq"
# The due index covers every column read here, so a poll is one index range.
SELECT_DUE = (
    "SELECT case_id, obligation_id, policy, kind, role, rule, due_at, provisional "
    "FROM yq_open_obligations WHERE due_key <= ? "
    "ORDER BY due_key, case_id, obligation_id LIMIT ?"
)

# -- writing ---------------------------------------------------------------------------------

INSERT_EVENT = (
    "INSERT INTO yq_events (case_id, seq, trigger, at, at_key, actor, data) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
UPSERT_CASE = (
    "INSERT INTO yq_cases "
    "(case_id, policy, version, state, severity, unit, updated_at, fingerprint) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET "
    "version = excluded.version, state = excluded.state, "
    "severity = excluded.severity, unit = excluded.unit, "
    "updated_at = excluded.updated_at, fingerprint = excluded.fingerprint"
)
# A version is written once, by the first case saved under it; its content never changes.
INSERT_POLICY = (
    "INSERT OR IGNORE INTO yq_policies (fingerprint, name, spec, first_seen_at) VALUES (?, ?, ?, ?)"
)
INSERT_OPEN_OBLIGATION = (
    "INSERT INTO yq_open_obligations "
    "(case_id, obligation_id, policy, kind, role, rule, due_key, due_at, provisional) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
DELETE_OPEN_OBLIGATIONS = "DELETE FROM yq_open_obligations WHERE case_id = ?"


def install(db: sqlite3.Connection, where: str) -> None:
    """Create the tables if missing; record the schema version, migrate an older one, or
    refuse a newer one. The indexes come last, once every column they cover exists.

    Runs inside the caller's write transaction. ``where`` names the file in error messages.
    """
    # executescript() would commit the open transaction: run statement by statement.
    statements = [s for s in SCHEMA.split(";") if s.strip()]
    indexes = [s for s in statements if s.strip().startswith("CREATE INDEX")]
    for statement in statements:
        if statement not in indexes:
            db.execute(statement)
    _check_version(db, where)
    for statement in indexes:
        db.execute(statement)


def _check_version(db: sqlite3.Connection, where: str) -> None:
    row = db.execute("SELECT value FROM yq_meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        db.execute(
            "INSERT INTO yq_meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        return
    try:
        found = int(row[0])
    except ValueError:
        raise StoreError(f"{where}: unreadable schema version {row[0]!r} in yq_meta") from None
    if found > SCHEMA_VERSION:
        raise StoreError(
            f"{where}: the store was written by a newer yuqing_core (schema "
            f"{found}; this version reads up to {SCHEMA_VERSION}); upgrade yuqing_core"
        )
    if found < 1:
        raise StoreError(f"{where}: unreadable schema version {row[0]!r} in yq_meta")
    if found == 1:
        _migrate_from_1(db)


def _migrate_from_1(db: sqlite3.Connection) -> None:
    """Schema 1 -> 2: ``yq_policies`` (created above), ``yq_cases.fingerprint`` and
    ``yq_open_obligations.provisional`` (with the due index rebuilt to cover it).

    The cases keep their events; a case recorded before fingerprints follows the policy it is
    first loaded with, and its next save records that version. Index rows written before
    provisional deadlines existed say ``0`` until the case is saved again or the store is
    reindexed.
    """
    columns = {r[1] for r in db.execute("PRAGMA table_info(yq_cases)")}
    if "fingerprint" not in columns:
        db.execute("ALTER TABLE yq_cases ADD COLUMN fingerprint TEXT")
    columns = {r[1] for r in db.execute("PRAGMA table_info(yq_open_obligations)")}
    if "provisional" not in columns:
        db.execute(
            "ALTER TABLE yq_open_obligations ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0"
        )
        db.execute("DROP INDEX IF EXISTS yq_open_obligations_due")  # rebuilt to cover it
    db.execute("UPDATE yq_meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
