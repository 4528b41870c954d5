"""Event stores: where a host keeps its cases' events, and the indexes derived from them.

- :mod:`~yuqing_core.store.sqlite`: :class:`SQLiteStore`, the embedded default;
- :mod:`~yuqing_core.store.schema`: its tables and SQL statements;
- :mod:`~yuqing_core.store.rows`: the rows a case becomes (for bulk loading);
- :mod:`~yuqing_core.store.due`: :class:`DueItem` and the integer time keys of the due index;
- :mod:`~yuqing_core.store.connection`: the connection's WAL mode and transactions;
- :mod:`~yuqing_core.store.versions`: the versions cases were loaded at, per database file;
- :mod:`~yuqing_core.store.policies`: the policy versions saved cases followed (``yq_policies``);
- :mod:`~yuqing_core.store.reindex`: :class:`ReindexChange`, what a ``reindex`` changed.
"""

from .due import DueItem, time_key
from .policies import PolicyVersion
from .reindex import ReindexChange
from .schema import SCHEMA_VERSION
from .sqlite import SQLiteStore

__all__ = [
    "SCHEMA_VERSION",
    "DueItem",
    "PolicyVersion",
    "ReindexChange",
    "SQLiteStore",
    "time_key",
]
