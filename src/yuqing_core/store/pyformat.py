"""The store's statements through a ``%s``-placeholder connection (psycopg, Django).

The shared statements are written once, with ``?`` placeholders (:mod:`sqlite3`'s style);
:class:`PyformatDb` shows a connection whose driver takes ``%s`` (psycopg, and Django's
connection wrapper on any database) as the store's :class:`~yuqing_core.store.base.Db`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["PyformatDb", "pyformat"]


@lru_cache(maxsize=256)
def pyformat(statement: str) -> str:
    """A shared statement (``?`` placeholders) in the ``%s`` form (a literal ``%`` doubled)."""
    return statement.replace("%", "%%").replace("?", "%s")


class _Connection(Protocol):
    def cursor(self) -> Any: ...


C = TypeVar("C", bound=_Connection)


class PyformatDb(Generic[C]):
    """``conn`` (a psycopg connection, or Django's wrapper) seen as the store's ``Db``."""

    def __init__(self, conn: C) -> None:
        self.conn = conn

    def execute(self, statement: str, parameters: Sequence[Any] = (), /) -> Any:
        cur = self.conn.cursor()
        cur.execute(pyformat(statement), tuple(parameters))
        return cur

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]], /) -> Any:
        cur = self.conn.cursor()
        rows = list(rows)
        if rows:
            cur.executemany(pyformat(statement), rows)  # psycopg: rowcount sums every row
        return cur
