"""The JSON forms (JSON 形式) of what the library hands a host: obligations, due items,
notifications and accountability rows, each built by pydantic from the real type, so a field
added to the type is in its JSON form (and in its schema, :mod:`yuqing_core.wire.schemas`)
without an edit here.

Events have theirs in :meth:`Event.to_dict <yuqing_core.Event.to_dict>`, the form of the case
document. Instants are ISO 8601 text with their offset, levels their keys (``major``).

>>> from datetime import datetime, timedelta, timezone
>>> from yuqing_core.store import DueItem
>>> cst = timezone(timedelta(hours=8))
>>> item = DueItem("YQ-1", "general-report", "report", "office",
...                datetime(2025, 10, 10, tzinfo=cst), "R3.1", "school-tiered")
>>> due_item_json(item)["due_at"]
'2025-10-10T00:00:00+08:00'
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from .._dt import ensure_aware
from ..accountability import AccountabilityRow
from ..model import SeverityField
from ..rules.obligations import Obligation
from ..rules.obligations.obligation import Status
from ..store import ClaimedDue, DueItem, OutboxEntry
from ..workflow import Notification

__all__ = [
    "FIELD_TYPES",
    "accountability_row_json",
    "adapter",
    "claimed_due_json",
    "due_item_json",
    "notification_json",
    "obligation_json",
    "outbox_entry_json",
    "read_claimed_due",
    "read_outbox_entry",
]

FIELD_TYPES: dict[type, dict[str, Any]] = {
    Obligation: {"level": SeverityField | None},
}
"""Fields whose JSON form is not the one pydantic gives their type by itself: an obligation's
``level`` is written as its key (``major``), as events write levels, not as its rank."""

STATUS_TYPE: Any = Status
"""The type of the ``status`` an obligation's form carries when taken at an instant."""


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def adapter(kind: Any) -> TypeAdapter[Any]:
    """The pydantic adapter that writes values of ``kind`` (one per type, built once)."""
    if kind not in _ADAPTERS:
        _ADAPTERS[kind] = TypeAdapter(kind)
    return _ADAPTERS[kind]


def _json(value: Any) -> dict[str, Any]:
    kind = type(value)
    out: dict[str, Any] = adapter(kind).dump_python(value, mode="json")
    for name in FIELD_TYPES.get(kind, {}):
        field = adapter(FIELD_TYPES[kind][name])
        out[name] = field.dump_python(getattr(value, name), mode="json")
    return out


def obligation_json(obligation: Obligation, at: datetime | None = None) -> dict[str, Any]:
    """The JSON form of ``obligation``; with ``at``, also its ``status`` at that instant."""
    out = _json(obligation)
    if at is not None:
        out["status"] = obligation.status(ensure_aware(at, "at"))
    return out


def due_item_json(item: DueItem) -> dict[str, Any]:
    """The JSON form of one due item (到期事项)."""
    return _json(item)


def notification_json(notification: Notification) -> dict[str, Any]:
    """The JSON form of one notification (通知计划)."""
    return _json(notification)


def accountability_row_json(row: AccountabilityRow) -> dict[str, Any]:
    """The JSON form of one accountability row (责任追究), its items inside it."""
    return _json(row)


def claimed_due_json(claim: ClaimedDue) -> dict[str, Any]:
    """The JSON form of one claimed due item (已认领的到期事项): the ``item``, the claim's
    ``token`` and ``lease_until``. A worker hands it back whole to ack or release it."""
    return _json(claim)


def outbox_entry_json(entry: OutboxEntry) -> dict[str, Any]:
    """The JSON form of one outbox entry (通知发件箱中的一条), claimed (with its ``token``)
    or listed."""
    return _json(entry)


def read_claimed_due(doc: Any) -> ClaimedDue:
    """The claim of :func:`claimed_due_json` read back; a document that is not one raises
    pydantic's ``ValidationError`` naming where."""
    claim: ClaimedDue = adapter(ClaimedDue).validate_python(doc)
    return claim


def read_outbox_entry(doc: Any) -> OutboxEntry:
    """The entry of :func:`outbox_entry_json` read back (as :func:`read_claimed_due`)."""
    entry: OutboxEntry = adapter(OutboxEntry).validate_python(doc)
    return entry
