"""Event stores: where a host keeps its cases' events, and the indexes derived from them.

- :mod:`~yuqing_core.store.sqlite`: :class:`SQLiteStore`, the embedded default;
- :mod:`~yuqing_core.store.schema`: its tables and SQL statements;
- :mod:`~yuqing_core.store.rows`: the rows a case becomes (for bulk loading);
- :mod:`~yuqing_core.store.due`: :class:`DueItem` and the integer time keys of the due index;
- :mod:`~yuqing_core.store.connection`: the connection's WAL mode and transactions;
- :mod:`~yuqing_core.store.versions`: the versions cases were loaded at, per database file.
"""

from .due import DueItem, time_key
from .schema import SCHEMA_VERSION
from .sqlite import SQLiteStore

__all__ = ["SCHEMA_VERSION", "DueItem", "SQLiteStore", "time_key"]
