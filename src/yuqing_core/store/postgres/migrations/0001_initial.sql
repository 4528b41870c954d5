-- yuqing_core on PostgreSQL, migration 1: the tables of yuqing_core.store.schema (SQLite's
-- schema 3), with PostgreSQL's own ways of keeping claims and the global position.
-- Identifiers compare as bytes (COLLATE "C"), as SQLite compares them.

CREATE TABLE yq_cases (
    case_id     text COLLATE "C" PRIMARY KEY,
    policy      text COLLATE "C" NOT NULL,
    version     integer NOT NULL,
    state       text NOT NULL,
    severity    text NOT NULL,
    unit        text,
    updated_at  text NOT NULL,
    fingerprint text
);
CREATE INDEX yq_cases_policy ON yq_cases (policy, case_id);

-- tx: the writing transaction (pg_current_xact_id); position numbers the events within the
-- database. Readers of the global order list (tx, position) only below the oldest running
-- transaction (yuqing_core.store.positions).
CREATE TABLE yq_events (
    case_id  text COLLATE "C" NOT NULL,
    seq      integer NOT NULL,
    trigger  text NOT NULL,
    at       text NOT NULL,
    at_key   bigint NOT NULL,
    actor    text NOT NULL,
    data     text NOT NULL,
    tx       xid8 NOT NULL DEFAULT pg_current_xact_id(),
    position bigint GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (case_id, seq)
);
CREATE INDEX yq_events_position ON yq_events (tx, position);

-- One row per open obligation whose clock runs; the claim of a worker is held on the row
-- itself (lease_token, lease_key; acked once handled for this due_key), so that
-- FOR UPDATE SKIP LOCKED hands each row to one worker. kind says what sort of obligation a
-- row is; later sorts of due instants (duties, warnings) are rows of other kinds.
CREATE TABLE yq_open_obligations (
    case_id       text COLLATE "C" NOT NULL,
    obligation_id text COLLATE "C" NOT NULL,
    policy        text NOT NULL,
    kind          text NOT NULL,
    role          text NOT NULL,
    rule          text NOT NULL,
    due_key       bigint NOT NULL,
    due_at        text NOT NULL,
    provisional   integer NOT NULL DEFAULT 0,
    lease_token   text,
    lease_key     bigint,
    acked         boolean NOT NULL DEFAULT false,
    PRIMARY KEY (case_id, obligation_id)
);
CREATE INDEX yq_open_obligations_due ON yq_open_obligations (due_key, case_id, obligation_id)
    INCLUDE (policy, kind, role, rule, due_at, provisional);
-- The partial index the workers claim from: the items not handled yet.
CREATE INDEX yq_open_obligations_claimable
    ON yq_open_obligations (due_key, case_id, obligation_id) WHERE NOT acked;

CREATE TABLE yq_policies (
    fingerprint   text PRIMARY KEY,
    name          text NOT NULL,
    spec          text NOT NULL,
    first_seen_at text NOT NULL,
    seen          bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX yq_policies_name ON yq_policies (name, seen);

CREATE TABLE yq_outbox (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id       text COLLATE "C" NOT NULL,
    obligation_id text COLLATE "C" NOT NULL,
    stage         text NOT NULL,
    due_key       bigint NOT NULL,
    sendable_key  bigint NOT NULL,
    sendable_at   text NOT NULL,
    policy        text NOT NULL,
    role          text NOT NULL,
    role_label    text NOT NULL,
    kind          text NOT NULL,
    rule          text NOT NULL,
    due_at        text NOT NULL,
    provisional   integer NOT NULL,
    message       text NOT NULL,
    lease_token   text,
    lease_key     bigint,
    lease_at      text,
    sent_key      bigint,
    sent_at       text,
    sent_to       text,
    withdrawn     integer NOT NULL DEFAULT 0,
    UNIQUE (case_id, obligation_id, stage, due_key)
);
CREATE INDEX yq_outbox_sendable
    ON yq_outbox (sendable_key, id) WHERE sent_key IS NULL AND withdrawn = 0;
