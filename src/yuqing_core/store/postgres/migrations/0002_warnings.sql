-- yuqing_core on PostgreSQL, migration 2 (SQLite's schema 4): the warning instants of the open
-- obligations (预警). warn_key is the first warning instant's time key (NULL: none), warn_at
-- (all of them, ISO texts separated by spaces, earliest first). Rows written before stay
-- without until their case is saved again or the store is reindexed. The warning index lists
-- what falls due soon, earliest warning first.
ALTER TABLE yq_open_obligations ADD COLUMN warn_key bigint;
ALTER TABLE yq_open_obligations ADD COLUMN warn_at text NOT NULL DEFAULT '';
DROP INDEX yq_open_obligations_due;
CREATE INDEX yq_open_obligations_due ON yq_open_obligations (due_key, case_id, obligation_id)
    INCLUDE (policy, kind, role, rule, due_at, provisional, warn_at);
CREATE INDEX yq_open_obligations_warn ON yq_open_obligations (warn_key, case_id, obligation_id)
    INCLUDE (policy, kind, role, rule, due_at, provisional, warn_at)
    WHERE warn_key IS NOT NULL;
