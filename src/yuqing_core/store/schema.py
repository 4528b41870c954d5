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
  (:mod:`yuqing_core.store.policies`). In the order the store first saw them (``rowid``);
- ``yq_positions``: the global order of the events (:mod:`yuqing_core.store.positions`), one
  row per event, numbered as written;
- ``yq_due_claims``: who holds which due item, for which due instant, until when
  (:mod:`yuqing_core.store.claims`);
- ``yq_outbox``: the notices the cases ask for, and when and to whom each was sent
  (:mod:`yuqing_core.store.outbox`);
- ``yq_rosters``, ``yq_duty_fulfilments``, ``yq_roster_due``: the duty roster of each policy
  whose roster was started (its start instant, the version it follows and its watermark), the
  recorded fulfilments, and the unmet due instants listed so far
  (:mod:`yuqing_core.store.roster`).

A file of schema 1 (before ``yq_policies``) is migrated when a store opens it: the table is
added, and ``yq_cases`` gains its ``fingerprint`` column. A file of schema 1 or 2 gains the
tables of schema 3; its events are numbered in the order of their instants, and its outbox
fills as cases are saved again (or at once with ``reindex``). A file of schema 1 to 3 gains
the warning columns of ``yq_open_obligations`` (schema 4: ``warn_key``, the first warning
instant's time key, and ``warn_at``), filled as cases are saved again or reindexed. A file of
schema 1 to 4 gains the roster tables of schema 5 (empty: no roster is started).

PostgreSQL keeps the same tables (:mod:`yuqing_core.store.postgres`), with the claims held on
the rows of ``yq_open_obligations`` and the positions on ``yq_events``.

The statements are the store's own; a host that reads the tables with its own SQL can take
them as a description of the layout. The column order of the ``INSERT`` statements is the
field order of the rows in :mod:`yuqing_core.store.rows`.
"""

from __future__ import annotations

import sqlite3

from ..errors import StoreError

__all__ = [
    "ACK_CLAIM",
    "COUNT_CASES",
    "DELETE_OPEN_OBLIGATION",
    "DELETE_OPEN_OBLIGATIONS",
    "DELETE_STALE_CLAIMS",
    "INSERT_EVENT",
    "INSERT_NEW_CASE",
    "INSERT_OPEN_OBLIGATION",
    "INSERT_POLICY",
    "INSERT_POSITION",
    "LEASE_OUTBOX",
    "RELEASE_CLAIM",
    "SCHEMA",
    "SCHEMA_VERSION",
    "SELECT_CASE",
    "SELECT_CASE_IDS",
    "SELECT_CLAIMABLE",
    "SELECT_DUE",
    "SELECT_DUE_SOON",
    "SELECT_EVENTS",
    "SELECT_EVENTS_AFTER",
    "SELECT_OPEN_OBLIGATIONS",
    "SELECT_POLICY",
    "SELECT_POLICY_CASE_IDS",
    "SELECT_POLICY_VERSIONS",
    "SELECT_SENDABLE",
    "SELECT_VERSION",
    "UPDATE_CASE",
    "UPSERT_CASE",
    "UPSERT_CLAIM",
    "install",
    "newer_schema",
    "schema_mismatch",
]

SCHEMA_VERSION = 5
"""The layout this module writes. A file of schema 1 to 4 is migrated when opened; a file
written by a newer layout is refused."""

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
    warn_key      INTEGER,
    warn_at       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, obligation_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS yq_open_obligations_due
    ON yq_open_obligations (
        due_key, case_id, obligation_id, policy, kind, role, rule, due_at, provisional, warn_at
    );
CREATE INDEX IF NOT EXISTS yq_open_obligations_warn
    ON yq_open_obligations (
        warn_key, case_id, obligation_id, policy, kind, role, rule, due_at, provisional, warn_at
    ) WHERE warn_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS yq_cases_policy ON yq_cases (policy, case_id);
CREATE TABLE IF NOT EXISTS yq_policies (
    fingerprint   TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    spec          TEXT NOT NULL,
    first_seen_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS yq_policies_name ON yq_policies (name);
CREATE TABLE IF NOT EXISTS yq_positions (
    position INTEGER PRIMARY KEY,
    case_id  TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    UNIQUE (case_id, seq)
);
CREATE TABLE IF NOT EXISTS yq_due_claims (
    case_id       TEXT NOT NULL,
    obligation_id TEXT NOT NULL,
    due_key       INTEGER NOT NULL,
    token         TEXT,
    lease_key     INTEGER,
    acked         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (case_id, obligation_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS yq_outbox (
    id            INTEGER PRIMARY KEY,
    case_id       TEXT NOT NULL,
    obligation_id TEXT NOT NULL,
    stage         TEXT NOT NULL,
    due_key       INTEGER NOT NULL,
    sendable_key  INTEGER NOT NULL,
    sendable_at   TEXT NOT NULL,
    policy        TEXT NOT NULL,
    role          TEXT NOT NULL,
    role_label    TEXT NOT NULL,
    kind          TEXT NOT NULL,
    rule          TEXT NOT NULL,
    due_at        TEXT NOT NULL,
    provisional   INTEGER NOT NULL,
    message       TEXT NOT NULL,
    lease_token   TEXT,
    lease_key     INTEGER,
    lease_at      TEXT,
    sent_key      INTEGER,
    sent_at       TEXT,
    sent_to       TEXT,
    withdrawn     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (case_id, obligation_id, stage, due_key)
);
CREATE INDEX IF NOT EXISTS yq_outbox_sendable
    ON yq_outbox (sendable_key, id) WHERE sent_key IS NULL AND withdrawn = 0;
CREATE TABLE IF NOT EXISTS yq_rosters (
    policy      TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    start_at    TEXT NOT NULL,
    start_key   INTEGER NOT NULL,
    listed_key  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS yq_duty_fulfilments (
    id         INTEGER PRIMARY KEY,
    policy     TEXT NOT NULL,
    duty_id    TEXT NOT NULL,
    at         TEXT NOT NULL,
    at_key     INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    report     TEXT,
    due_at     TEXT,
    served_key INTEGER
);
CREATE INDEX IF NOT EXISTS yq_duty_fulfilments_served
    ON yq_duty_fulfilments (policy, duty_id, served_key);
CREATE INDEX IF NOT EXISTS yq_duty_fulfilments_at ON yq_duty_fulfilments (policy, at_key);
CREATE TABLE IF NOT EXISTS yq_roster_due (
    policy      TEXT NOT NULL,
    duty_id     TEXT NOT NULL,
    due_key     INTEGER NOT NULL,
    due_at      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    role        TEXT NOT NULL,
    rule        TEXT NOT NULL,
    provisional INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (policy, duty_id, due_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS yq_roster_due_key
    ON yq_roster_due (due_key, duty_id, policy, kind, role, rule, due_at, provisional);
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
    "SELECT case_id, obligation_id, policy, kind, role, rule, due_at, provisional, warn_at "
    "FROM yq_open_obligations WHERE due_key <= ? "
    "ORDER BY due_key, case_id, obligation_id LIMIT ?"
)
# The warning index (partial: rows with a first warning instant) covers it the same way.
SELECT_DUE_SOON = (
    "SELECT case_id, obligation_id, policy, kind, role, rule, due_at, provisional, warn_at "
    "FROM yq_open_obligations WHERE warn_key IS NOT NULL AND warn_key <= ? "
    "ORDER BY warn_key, case_id, obligation_id LIMIT ?"
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
# A save writes its case row as its version check: a new case's row only if the id is free,
# a stored one's only if it is still at the version the case was loaded at.
INSERT_NEW_CASE = (
    "INSERT INTO yq_cases "
    "(case_id, policy, version, state, severity, unit, updated_at, fingerprint) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO NOTHING"
)
UPDATE_CASE = (
    "UPDATE yq_cases SET version = ?, state = ?, severity = ?, unit = ?, updated_at = ?, "
    "fingerprint = ? WHERE case_id = ? AND policy = ? AND version = ?"
)
# A version is written once, by the first case saved under it; its content never changes.
INSERT_POLICY = (
    "INSERT INTO yq_policies (fingerprint, name, spec, first_seen_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (fingerprint) DO NOTHING"
)
INSERT_OPEN_OBLIGATION = (
    "INSERT INTO yq_open_obligations "
    "(case_id, obligation_id, policy, kind, role, rule, due_key, due_at, provisional, "
    "warn_key, warn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
DELETE_OPEN_OBLIGATIONS = "DELETE FROM yq_open_obligations WHERE case_id = ?"
DELETE_OPEN_OBLIGATION = "DELETE FROM yq_open_obligations WHERE case_id = ? AND obligation_id = ?"

# -- SQLite's own: positions and claims (PostgreSQL says these its own way) -------------------

INSERT_POSITION = "INSERT INTO yq_positions (case_id, seq) VALUES (?, ?)"
SELECT_EVENTS_AFTER = (
    "SELECT 0, p.position, e.case_id, e.seq, e.trigger, e.at, e.actor, e.data "
    "FROM yq_positions p JOIN yq_events e ON e.case_id = p.case_id AND e.seq = p.seq "
    "WHERE p.position > ? ORDER BY p.position LIMIT ?"
)
# A claim row counts only for the due instant it was made for.
DELETE_STALE_CLAIMS = (
    "DELETE FROM yq_due_claims WHERE case_id = ? AND NOT EXISTS (SELECT 1 FROM "
    "yq_open_obligations o WHERE o.case_id = yq_due_claims.case_id AND "
    "o.obligation_id = yq_due_claims.obligation_id AND o.due_key = yq_due_claims.due_key)"
)
SELECT_CLAIMABLE = (
    "SELECT o.case_id, o.obligation_id, o.policy, o.kind, o.role, o.rule, o.due_at, "
    "o.provisional, o.due_key, o.warn_at FROM yq_open_obligations o LEFT JOIN yq_due_claims c "
    "ON c.case_id = o.case_id AND c.obligation_id = o.obligation_id AND c.due_key = o.due_key "
    "WHERE o.due_key <= ? AND (c.case_id IS NULL OR (c.acked = 0 AND "
    "(c.lease_key IS NULL OR c.lease_key <= ?))) "
    "ORDER BY o.due_key, o.case_id, o.obligation_id LIMIT ?"
)
UPSERT_CLAIM = (
    "INSERT INTO yq_due_claims (case_id, obligation_id, due_key, token, lease_key, acked) "
    "VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (case_id, obligation_id) DO UPDATE SET "
    "due_key = excluded.due_key, token = excluded.token, lease_key = excluded.lease_key, "
    "acked = 0"
)
ACK_CLAIM = (
    "UPDATE yq_due_claims SET acked = 1, token = NULL, lease_key = NULL "
    "WHERE case_id = ? AND obligation_id = ? AND due_key = ? AND token = ? AND acked = 0"
)
RELEASE_CLAIM = (
    "DELETE FROM yq_due_claims "
    "WHERE case_id = ? AND obligation_id = ? AND due_key = ? AND token = ? AND acked = 0"
)
SELECT_SENDABLE = (
    "SELECT id FROM yq_outbox WHERE sendable_key <= ? AND sent_key IS NULL AND withdrawn = 0 "
    "AND (lease_key IS NULL OR lease_key <= ?) ORDER BY sendable_key, id LIMIT ?"
)
LEASE_OUTBOX = "UPDATE yq_outbox SET lease_token = ?, lease_key = ?, lease_at = ? WHERE id = ?"


def newer_schema(where: str, found: int, latest: int) -> StoreError:
    """A database written by a newer yuqing_core (schema ``found`` above ``latest``)."""
    return StoreError(
        f"{where}: the database was written by a newer yuqing_core (schema {found}; this "
        f"version reads up to {latest}); upgrade yuqing_core"
    )


def schema_mismatch(where: str, found: int | None, latest: int, *, run: str) -> StoreError | None:
    """Why a database at schema ``found`` (``None``: no yuqing_core tables) cannot be used by
    this yuqing_core, which reads schema ``latest``; ``run`` is the command that brings it up
    to date. The one wording of SQLite, PostgreSQL and Django databases alike."""
    if found is None:
        return StoreError(f"{where}: the database has no yuqing_core tables; run {run} first")
    if found > latest:
        return newer_schema(where, found, latest)
    if found < latest:
        return StoreError(
            f"{where}: the database is at schema {found}, this yuqing_core needs {latest}; "
            f"run {run}"
        )
    return None


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
        raise newer_schema(where, found, SCHEMA_VERSION)
    if found < 1:
        raise StoreError(f"{where}: unreadable schema version {row[0]!r} in yq_meta")
    if found == 1:
        _migrate_from_1(db)
    if found < 3:
        _migrate_from_2(db)
    if found < 4:
        _migrate_from_3(db)
    if found < SCHEMA_VERSION:
        # Schema 4 -> 5: the roster tables (created above, empty: no roster is started).
        db.execute(
            "UPDATE yq_meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
        )


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


def _migrate_from_2(db: sqlite3.Connection) -> None:
    """Schema 2 -> 3: ``yq_positions``, ``yq_due_claims`` and ``yq_outbox`` (created above);
    the stored events are numbered in the order of their instants, then case and seq."""
    db.execute(
        "INSERT INTO yq_positions (case_id, seq) SELECT case_id, seq FROM yq_events "
        "ORDER BY at_key, case_id, seq"
    )


def _migrate_from_3(db: sqlite3.Connection) -> None:
    """Schema 3 -> 4: ``yq_open_obligations.warn_key`` and ``warn_at`` (the warning instants),
    with the due index rebuilt to cover them and the warning index added. Rows written before
    have no warning instants until the case is saved again or the store is reindexed."""
    columns = {r[1] for r in db.execute("PRAGMA table_info(yq_open_obligations)")}
    if "warn_key" not in columns:
        db.execute("ALTER TABLE yq_open_obligations ADD COLUMN warn_key INTEGER")
        db.execute("ALTER TABLE yq_open_obligations ADD COLUMN warn_at TEXT NOT NULL DEFAULT ''")
        db.execute("DROP INDEX IF EXISTS yq_open_obligations_due")  # rebuilt to cover them
