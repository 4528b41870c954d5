-- The tables of yuqing_core.store.schema at schema 4 (yuqing_core before the duty roster),
-- copied as written then: tests/edges/test_store_roster.py makes a schema-4 file from it.

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
