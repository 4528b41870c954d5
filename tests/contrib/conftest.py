"""Fixtures of the Django app's tests: a fixed host clock, the SQLite store of the test
database, and a PostgreSQL alias on a blank database of the throwaway cluster."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

CST = ZoneInfo("Asia/Shanghai")
FOUND = datetime(2025, 11, 3, 9, tzinfo=CST)  # a Monday
NOW = datetime(2025, 11, 4, 10, tzinfo=CST)
"""The host's clock in these tests (``YUQING_CLOCK``)."""


@pytest.fixture
def host_clock(settings: Any) -> datetime:
    settings.YUQING_CLOCK = lambda: NOW
    return NOW


@pytest.fixture
def postgres_alias(yuqing_postgres_server: Any, django_db_blocker: Any) -> Iterator[str]:
    """The alias ``postgres``: a blank database (no tables) of the session's server, reached
    through Django; removed after the test."""
    import psycopg
    from django.db import connections
    from psycopg.conninfo import conninfo_to_dict

    server = yuqing_postgres_server
    name = f"yq_django_{next(_numbers)}"
    with psycopg.connect(server.admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    params = conninfo_to_dict(server.make_url(name))
    given = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": params.get("user", ""),
        "PASSWORD": params.get("password", ""),
        "HOST": params.get("host", ""),
        "PORT": params.get("port", ""),
    }
    both = {"default": connections.settings["default"], "postgres": given}
    connections.settings["postgres"] = connections.configure_settings(both)["postgres"]
    with django_db_blocker.unblock():
        try:
            yield "postgres"
        finally:
            connections["postgres"].close()
            del connections["postgres"]
            del connections.settings["postgres"]


_numbers = iter(range(1, 1_000_000))
