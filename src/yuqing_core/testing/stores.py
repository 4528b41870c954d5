"""pytest fixtures for both event stores (存储测试夹具), part of the ``yuqing_core`` plugin.

- ``yuqing_sqlite_store``: a :class:`~yuqing_core.SQLiteStore` in a fresh file per test;
- ``yuqing_postgres_url``: the connection string of a fresh, migrated PostgreSQL database per
  test (a copy of a template migrated once per session);
- ``yuqing_postgres_store``: a :class:`~yuqing_core.PostgresStore` on that database;
- ``yuqing_store``: each test once per store (parametrised ``sqlite`` / ``postgres``), for a
  host's tests that must hold on both.

The PostgreSQL server is the one ``YUQING_POSTGRES_URL`` names (a role that may create
databases), else a throwaway cluster the session starts from the system's server binaries
(:class:`~yuqing_core.testing.postgres.TemporaryCluster`) and stops at the end. Where there is
neither, or psycopg is not installed (extra ``postgres``), the PostgreSQL tests are skipped
with a one-line reason.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ..store import EventStore, SQLiteStore
from .postgres import TemporaryCluster, find_bindir

__all__ = [
    "PostgresServer",
    "yuqing_postgres_server",
    "yuqing_postgres_store",
    "yuqing_postgres_url",
    "yuqing_sqlite_store",
    "yuqing_store",
]

ENV_URL = "YUQING_POSTGRES_URL"


class PostgresServer:
    """A server the tests may create databases on, with a migrated template."""

    def __init__(self, admin: str, make_url: Callable[[str], str]) -> None:
        self.admin = admin
        self.make_url = make_url
        self._numbers = itertools.count(1)
        self._prefix = f"yq_{os.getpid()}"
        self.template = f"{self._prefix}_template"
        self._admin(f'CREATE DATABASE "{self.template}"')
        # Lazy: psycopg (extra `postgres`) is imported only once a PostgreSQL test runs.
        from ..store.postgres import migrate

        migrate(self.make_url(self.template))

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(statement.encode("utf-8"))

    def fresh(self) -> str:
        """The connection string of a new database, a copy of the migrated template."""
        name = f"{self._prefix}_{next(self._numbers)}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self.make_url(name)


def _missing_driver() -> str | None:
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'yuqing-core[postgres]')"
    return None


def _with_dbname(url: str, dbname: str) -> str:
    # Lazy: as above, psycopg only where PostgreSQL is used.
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = {k: v for k, v in conninfo_to_dict(url).items() if v is not None}
    params["dbname"] = dbname
    return make_conninfo("", **params)


@pytest.fixture(scope="session")
def yuqing_postgres_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server of the session (``YUQING_POSTGRES_URL`` or a throwaway one)."""
    missing = _missing_driver()
    if missing:
        pytest.skip(missing)
    url = os.environ.get(ENV_URL)
    if url:
        yield PostgresServer(url, lambda name: _with_dbname(url, name))
        return
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(f"no PostgreSQL server binaries (Debian package postgresql) and no {ENV_URL}")
    cluster = TemporaryCluster(bindir)
    cluster.start()
    try:
        yield PostgresServer(cluster.conninfo(), cluster.conninfo)
    finally:
        cluster.stop()


@pytest.fixture
def yuqing_postgres_url(yuqing_postgres_server: PostgresServer) -> str:
    """The connection string of a fresh, migrated database for this test."""
    return yuqing_postgres_server.fresh()


@pytest.fixture
def yuqing_sqlite_store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """A :class:`~yuqing_core.SQLiteStore` in a fresh file."""
    with SQLiteStore(tmp_path / "yuqing.db") as store:
        yield store


@pytest.fixture
def yuqing_postgres_store(yuqing_postgres_url: str) -> Iterator[Any]:
    """A :class:`~yuqing_core.PostgresStore` on a fresh, migrated database."""
    # Lazy: psycopg is needed only here.
    from ..store.postgres import PostgresStore

    with PostgresStore(yuqing_postgres_url) as store:
        yield store


@pytest.fixture(params=["sqlite", "postgres"])
def yuqing_store(request: pytest.FixtureRequest) -> EventStore:
    """The test once on each store: ``yuqing_sqlite_store``, then ``yuqing_postgres_store``."""
    store: EventStore = request.getfixturevalue(f"yuqing_{request.param}_store")
    return store
