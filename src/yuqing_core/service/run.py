"""Running the service (``yuqing serve``): the store (SQLite, or PostgreSQL with ``--url``),
the policies and the application, served by uvicorn until stopped."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import uvicorn

from ..api import load_policy
from ..store import SQLiteStore
from .app import create_app
from .backend import Backend
from .settings import Settings

if TYPE_CHECKING:
    from ..store.postgres import PostgresStore

__all__ = ["serve"]


def serve(settings: Settings) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM). The ``yuqing_core`` logger's records
    (ids only, never personal data) go to standard error beside uvicorn's."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
    logger = logging.getLogger("yuqing_core")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    policies = [load_policy(p) for p in settings.policy_files]
    with _store(settings) as store:
        # PostgreSQL serves requests side by side (a pool); SQLite's one connection does not.
        backend = Backend(store, policies, exclusive=settings.url is None)
        app = create_app(backend, token=settings.token, limits=settings.limits)
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_level="info",
            server_header=False,
            proxy_headers=False,
        )


def _store(settings: Settings) -> SQLiteStore | PostgresStore:
    if settings.url is not None:
        # Lazy: psycopg (the extra 'postgres') loads only for a PostgreSQL store;
        # yq.PostgresStore names the extra when it is missing.
        from .. import PostgresStore as Store

        return Store(settings.url)
    assert settings.db is not None  # Settings holds exactly one store
    return SQLiteStore(settings.db)
