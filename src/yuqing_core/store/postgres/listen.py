"""Wake-ups (唤醒): wait for a save that made something due sooner (``LISTEN yq_due``).

A save that moves a case's earliest due instant or sendable notice earlier sends
``NOTIFY yq_due`` with that instant (:mod:`~yuqing_core.store.postgres.store`); PostgreSQL
delivers it when the save's transaction commits. A runner that sleeps until its next due
instant listens meanwhile, and wakes at once when a save needs it sooner.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from ...errors import StoreError
from ..due import from_time_key
from .sql import CHANNEL

__all__ = ["DueListener"]


class DueListener:
    """A connection that listens on ``yq_due`` from its creation until :meth:`close`."""

    def __init__(self, conninfo: str) -> None:
        try:
            self._conn: psycopg.Connection[tuple[Any, ...]] = psycopg.connect(
                conninfo, autocommit=True
            )
            self._conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as e:
            raise StoreError(f"cannot listen for wake-ups: {e}") from None

    def wait(self, timeout: float) -> datetime | None:
        """The earliest instant a save notified (UTC), waiting at most ``timeout`` seconds;
        ``None`` if none came."""
        try:
            for note in self._conn.notifies(timeout=timeout, stop_after=1):
                return from_time_key(int(note.payload))
        except psycopg.Error as e:
            raise StoreError(f"lost the wake-up connection: {e}") from None
        return None

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> DueListener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
