"""Running the service (``yuqing serve``): the store, the policies and the application, served
by uvicorn until stopped."""

from __future__ import annotations

import logging

import uvicorn

from ..api import load_policy
from ..store import SQLiteStore
from .app import create_app
from .backend import Backend
from .settings import Settings

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
    with SQLiteStore(settings.db) as store:
        app = create_app(Backend(store, policies), token=settings.token, limits=settings.limits)
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_level="info",
            server_header=False,
            proxy_headers=False,
        )
