"""The statements only PostgreSQL says (PostgreSQL 专用语句); the rest are shared
(:mod:`yuqing_core.store.schema`, :mod:`yuqing_core.store.outbox`), written with ``?``.

Claims lock the rows they hand out with ``FOR UPDATE SKIP LOCKED``: a second worker skips a
row the first holds, and re-checks a row the first changed before it commits, so each item
goes to one worker. The claim state lives on the claimed row itself for that reason.
"""

from __future__ import annotations

from ..outbox import ENTRY_COLUMNS
from ..schema import SELECT_CASE

__all__ = [
    "ACK",
    "CHANNEL",
    "CLAIM_DUE",
    "CLAIM_OUTBOX",
    "DELETE_CLOSED",
    "DELETE_GONE",
    "EARLIEST",
    "EVENTS_AFTER",
    "LOCK_CASE",
    "NOTIFY_IF_SOONER",
    "POLICY_VERSIONS",
    "RELEASE",
    "UPSERT_OPEN_OBLIGATION",
]

CHANNEL = "yq_due"
"""The ``LISTEN`` channel a save notifies when it moves a case's earliest due instant earlier;
the payload is that instant's time key."""

LOCK_CASE = SELECT_CASE + " FOR UPDATE"
POLICY_VERSIONS = (
    "SELECT fingerprint, spec, first_seen_at FROM yq_policies WHERE name = ? ORDER BY seen"
)

DELETE_CLOSED = "DELETE FROM yq_open_obligations WHERE case_id = ? AND NOT (obligation_id = ANY(?))"
DELETE_GONE = "DELETE FROM yq_open_obligations WHERE case_id = ? AND obligation_id = ANY(?)"
# A claim or an ack holds for the due instant it was made for: a moved due instant is a new
# item.
UPSERT_OPEN_OBLIGATION = (
    "INSERT INTO yq_open_obligations "
    "(case_id, obligation_id, policy, kind, role, rule, due_key, due_at, provisional, "
    "warn_key, warn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (case_id, obligation_id) DO UPDATE SET "
    "policy = excluded.policy, kind = excluded.kind, role = excluded.role, "
    "rule = excluded.rule, due_at = excluded.due_at, provisional = excluded.provisional, "
    "warn_key = excluded.warn_key, warn_at = excluded.warn_at, "
    "lease_token = CASE WHEN yq_open_obligations.due_key = excluded.due_key "
    "THEN yq_open_obligations.lease_token END, "
    "lease_key = CASE WHEN yq_open_obligations.due_key = excluded.due_key "
    "THEN yq_open_obligations.lease_key END, "
    "acked = yq_open_obligations.acked AND yq_open_obligations.due_key = excluded.due_key, "
    "due_key = excluded.due_key"
)

_EARLIEST = (
    "least((SELECT min(due_key) FROM yq_open_obligations WHERE case_id = ? "
    "AND NOT acked), (SELECT min(sendable_key) FROM yq_outbox WHERE case_id = ? "
    "AND sent_key IS NULL AND withdrawn = 0))"
)
EARLIEST = f"SELECT {_EARLIEST}"
"""A case's earliest unhandled instant (key): its due items not acked, its notices unsent."""
NOTIFY_IF_SOONER = (
    f"SELECT pg_notify('{CHANNEL}', e::text) FROM (SELECT {_EARLIEST} AS e) AS earliest "
    "WHERE e IS NOT NULL AND (CAST(? AS bigint) IS NULL OR e < ?)"
)
"""Wake the listeners (when the transaction commits) if the case's earliest instant is now
sooner than the one given (``NULL``: it had none); one statement."""

CLAIM_DUE = (
    "UPDATE yq_open_obligations o SET lease_token = ?, lease_key = ? FROM ("
    "SELECT case_id, obligation_id FROM yq_open_obligations "
    "WHERE due_key <= ? AND NOT acked AND (lease_key IS NULL OR lease_key <= ?) "
    "ORDER BY due_key, case_id, obligation_id LIMIT ? FOR UPDATE SKIP LOCKED) AS picked "
    "WHERE o.case_id = picked.case_id AND o.obligation_id = picked.obligation_id "
    "RETURNING o.case_id, o.obligation_id, o.policy, o.kind, o.role, o.rule, o.due_at, "
    "o.provisional, o.due_key, o.warn_at"
)
ACK = (
    "UPDATE yq_open_obligations SET acked = true, lease_token = NULL, lease_key = NULL "
    "WHERE case_id = ? AND obligation_id = ? AND due_key = ? AND lease_token = ? AND NOT acked"
)
RELEASE = (
    "UPDATE yq_open_obligations SET lease_token = NULL, lease_key = NULL "
    "WHERE case_id = ? AND obligation_id = ? AND due_key = ? AND lease_token = ? AND NOT acked"
)
CLAIM_OUTBOX = (
    "UPDATE yq_outbox o SET lease_token = ?, lease_key = ?, lease_at = ? FROM ("
    "SELECT id FROM yq_outbox WHERE sendable_key <= ? AND sent_key IS NULL AND withdrawn = 0 "
    "AND (lease_key IS NULL OR lease_key <= ?) ORDER BY sendable_key, id LIMIT ? "
    "FOR UPDATE SKIP LOCKED) AS picked WHERE o.id = picked.id RETURNING "
    + ", ".join(f"o.{c.strip()}" for c in ENTRY_COLUMNS.split(","))
)

# Only transactions older than every one still running are listed: a later commit never
# takes a position before one already read (yuqing_core.store.positions).
EVENTS_AFTER = (
    "SELECT tx::text::bigint, position, case_id, seq, trigger, at, actor, data FROM yq_events "
    "WHERE (tx, position) > (?::text::xid8, ?) "
    "AND tx < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY tx, position LIMIT ?"
)
