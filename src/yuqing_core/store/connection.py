"""The store's SQLite connection: WAL mode, and one transaction at a time under a lock.

One connection is shared by the threads that use a store, so every transaction holds the
store's lock from ``BEGIN`` to ``COMMIT`` or ``ROLLBACK``; :mod:`sqlite3` errors on the way in
or out become :class:`~yuqing_core.StoreError` naming the file.
"""

from __future__ import annotations

import sqlite3
import threading
import time

from ..errors import StoreError

__all__ = ["Transaction", "ensure_wal"]


def ensure_wal(db: sqlite3.Connection, timeout: float) -> None:
    """Switch to WAL once; tolerate another process holding the file at that moment.

    Changing the journal mode can answer "database is locked" without waiting on the busy
    timeout, so it is only asked for when the file is not in WAL mode yet, and retried
    briefly for up to ``timeout`` seconds. (A monotonic timer bounds the retry; no business
    time is read.)
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            mode = db.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            busy = "locked" in str(e) or "busy" in str(e)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class Transaction:
    """``with Transaction(...) as db:`` one transaction on ``db``, committed if the block ends
    normally and rolled back otherwise, holding ``lock`` throughout.

    ``begin`` is the statement that opens it (``BEGIN`` or ``BEGIN IMMEDIATE``); ``where``
    names the file in error messages.
    """

    def __init__(
        self, db: sqlite3.Connection, lock: threading.RLock, where: str, begin: str
    ) -> None:
        self.db = db
        self.lock = lock
        self.where = where
        self.begin = begin

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        try:
            self.db.execute(self.begin)
        except sqlite3.ProgrammingError:
            self.lock.release()
            raise StoreError(f"{self.where}: the store is closed") from None
        except sqlite3.OperationalError as e:
            # "database is locked" after the busy timeout, a read-only file, ...
            self.lock.release()
            raise StoreError(f"{self.where}: cannot start a transaction: {e}") from None
        except BaseException:
            self.lock.release()
            raise
        return self.db

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        db = self.db
        try:
            if kind is None:
                try:
                    db.execute("COMMIT")
                except sqlite3.OperationalError as e:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise StoreError(f"{self.where}: the commit failed: {e}") from None
            elif db.in_transaction:
                db.execute("ROLLBACK")
        finally:
            self.lock.release()
