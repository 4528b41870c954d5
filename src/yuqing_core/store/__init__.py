"""Event stores: where a host keeps its cases' events, and the indexes derived from them.

- :mod:`~yuqing_core.store.sqlite`: :class:`SQLiteStore`, the embedded default;
- :mod:`~yuqing_core.store.schema`: its tables and SQL statements;
- :mod:`~yuqing_core.store.rows`: the rows a case becomes (for bulk loading);
- :mod:`~yuqing_core.store.due`: :class:`DueItem` and the integer time keys of the due index;
- :mod:`~yuqing_core.store.connection`: the connection's WAL mode and transactions;
- :mod:`~yuqing_core.store.versions`: the versions cases were loaded at, per database file;
- :mod:`~yuqing_core.store.policies`: the policy versions saved cases followed (``yq_policies``);
- :mod:`~yuqing_core.store.reindex`: :class:`ReindexChange`, what a ``reindex`` changed;
- :mod:`~yuqing_core.store.base`: :class:`EventStore`, the contract every store keeps;
- :mod:`~yuqing_core.store.work`: claims, the outbox and the global position, shared;
- :mod:`~yuqing_core.store.claims`, :mod:`~yuqing_core.store.outbox`,
  :mod:`~yuqing_core.store.positions`: what those hand out;
- :mod:`~yuqing_core.store.postgres`: :class:`PostgresStore` (optional extra ``postgres``),
  imported only when first named here, so that importing the store needs no psycopg.
"""

from typing import TYPE_CHECKING, Any

from .base import EventStore
from .claims import ClaimedDue
from .due import DueItem, time_key
from .outbox import OutboxEntry
from .policies import PolicyVersion
from .positions import START, Position, PositionedEvent
from .reindex import ReindexChange
from .schema import SCHEMA_VERSION
from .sqlite import SQLiteStore

if TYPE_CHECKING:
    from .postgres import PostgresStore

__all__ = [
    "SCHEMA_VERSION",
    "START",
    "ClaimedDue",
    "DueItem",
    "EventStore",
    "OutboxEntry",
    "PolicyVersion",
    "Position",
    "PositionedEvent",
    "PostgresStore",
    "ReindexChange",
    "SQLiteStore",
    "time_key",
]


def __getattr__(name: str) -> Any:
    if name == "PostgresStore":
        # Lazy: psycopg is an optional extra; only a host that names the store imports it.
        from .postgres import PostgresStore

        return PostgresStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
