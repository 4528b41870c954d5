-- yuqing_core on PostgreSQL, migration 3 (SQLite's schema 5): the duty roster (值班表) of each
-- policy whose roster was started (yuqing_core.store.roster). yq_rosters: the instant the
-- roster's duties are owed from, the policy version it follows, and its watermark (listed_key:
-- every due instant before it is listed in yq_roster_due unless a fulfilment met it).
-- yq_duty_fulfilments: the recorded fulfilments, appended and never changed (served_key: the
-- due instant each meets, NULL if none). yq_roster_due: the unmet due instants listed so far.
CREATE TABLE yq_rosters (
    policy      text COLLATE "C" PRIMARY KEY,
    fingerprint text NOT NULL,
    start_at    text NOT NULL,
    start_key   bigint NOT NULL,
    listed_key  bigint NOT NULL
);
CREATE TABLE yq_duty_fulfilments (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    policy     text COLLATE "C" NOT NULL,
    duty_id    text COLLATE "C" NOT NULL,
    at         text NOT NULL,
    at_key     bigint NOT NULL,
    actor      text NOT NULL,
    report     text,
    due_at     text,
    served_key bigint
);
CREATE INDEX yq_duty_fulfilments_served ON yq_duty_fulfilments (policy, duty_id, served_key);
CREATE INDEX yq_duty_fulfilments_at ON yq_duty_fulfilments (policy, at_key);
CREATE TABLE yq_roster_due (
    policy      text COLLATE "C" NOT NULL,
    duty_id     text COLLATE "C" NOT NULL,
    due_key     bigint NOT NULL,
    due_at      text NOT NULL,
    kind        text NOT NULL,
    role        text NOT NULL,
    rule        text NOT NULL,
    provisional integer NOT NULL DEFAULT 0,
    PRIMARY KEY (policy, duty_id, due_key)
);
CREATE INDEX yq_roster_due_key ON yq_roster_due (due_key, duty_id, policy)
    INCLUDE (kind, role, rule, due_at, provisional);
