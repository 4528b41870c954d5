"""The library's JSON for hosts that are not Python (线上格式): the JSON forms of obligations,
due items, claims, outbox entries and notifications (:mod:`~yuqing_core.wire.forms`), the
JSON Schemas of everything the library writes and reads (:mod:`~yuqing_core.wire.schemas`),
and the conformance vectors of the preset scenarios (:mod:`~yuqing_core.wire.conformance`).
"""

from __future__ import annotations

from .forms import (
    accountability_row_json,
    claimed_due_json,
    due_item_json,
    notification_json,
    obligation_json,
    outbox_entry_json,
    read_claimed_due,
    read_outbox_entry,
)
from .schemas import SCHEMAS, all_schemas, schema

__all__ = [
    "SCHEMAS",
    "accountability_row_json",
    "all_schemas",
    "claimed_due_json",
    "due_item_json",
    "notification_json",
    "obligation_json",
    "outbox_entry_json",
    "read_claimed_due",
    "read_outbox_entry",
    "schema",
]
