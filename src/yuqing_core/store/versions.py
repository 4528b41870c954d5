"""The versions case objects were loaded or saved at (已知版本), per database, for every handle.

A case carries no storage state, so the store remembers, for each case object it loaded or
saved, the version it had then: :meth:`SQLiteStore.save` checks that version against the
stored one (optimistic concurrency). The memory belongs to the database, not to one store
object: every :class:`~yuqing_core.SQLiteStore` of this process opened on the same file shares
it, so a case loaded through one handle saves through another when nobody else wrote. A
database that is not a file (``":memory:"``) is its handle's own.

Cases are unhashable (they compare by value), so entries are kept by identity and dropped when
the case is garbage-collected.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import ConflictError, DuplicateCaseError, StoreError, YuqingError

if TYPE_CHECKING:
    from ..workflow.case import Case
    from .derived import Derived

__all__ = ["SeenVersions", "database_key", "refusal"]


def refusal(case: Case, base: int, row: Sequence[Any] | None) -> YuqingError | None:
    """Why ``case``, loaded or last saved at version ``base``, cannot be saved on top of what
    the store holds of it (``row``: its ``policy, version`` in ``yq_cases``, or ``None``), or
    ``None`` when it can."""
    stored = 0 if row is None else int(row[1])
    if row is not None and base == 0:
        return DuplicateCaseError(
            f"case {case.id!r} is already in the store: a new case cannot be saved under "
            "an id the store holds; load the stored case to add events to it"
        )
    if row is not None and row[0] != case.policy.name:
        return StoreError(
            f"case {case.id!r} is stored under policy {row[0]!r}, not {case.policy.name!r}"
        )
    if stored != base:
        return ConflictError(
            f"case {case.id!r}: the store holds version {stored}, but this case was "
            f"loaded at version {base}; another writer saved it first. Load it again "
            "and re-apply the command."
        )
    return None


def database_key(file: str) -> Hashable:
    """What identifies the database file at ``file``: the file itself (device and inode, so
    every path or link to it gives the same key), or its resolved path where there are no
    inodes."""
    try:
        st = os.stat(file)
    except OSError:
        st = None
    if st is not None and st.st_ino:
        return ("file", st.st_dev, st.st_ino)
    return ("path", os.path.normcase(os.path.realpath(file)))


class SeenVersions:
    """The version of each case object as last loaded from or saved to one database."""

    _lock: ClassVar[threading.RLock] = threading.RLock()
    _books: ClassVar[dict[Hashable, SeenVersions]] = {}  # one small book per file opened

    def __init__(self) -> None:
        self._seen: dict[int, tuple[weakref.ref[Case], int, Derived | None]] = {}

    @classmethod
    def of(cls, file: str) -> SeenVersions:
        """The book of the database at ``file`` (SQLite's path of the main database), shared
        by every store object on it; a database in memory gets a book of its own."""
        if not file:
            return SeenVersions()
        return cls.for_key(database_key(file))

    @classmethod
    def for_key(cls, key: Hashable) -> SeenVersions:
        """The book of the database ``key`` names (a server database: its host, port, name
        and schema), shared by every store object on it in this process."""
        with cls._lock:
            book = cls._books.get(key)
            if book is None:
                book = cls._books[key] = SeenVersions()
            return book

    def remember(self, case: Case, version: int, derived: Derived | None = None) -> None:
        """Note that ``case`` was loaded or saved at ``version`` (and, by a save the store
        committed itself, the rows it ``derived`` then)."""
        key = id(case)
        seen = self._seen
        with self._lock:
            current = seen.get(key)
            if current is not None and current[0]() is case:
                seen[key] = (current[0], version, derived)
                return

            def forget(ref: weakref.ref[Case], key: int = key) -> None:
                # Runs when the case is collected, maybe inside remember(): no lock taken.
                entry = seen.get(key)
                if entry is not None and entry[0] is ref:
                    del seen[key]

            seen[key] = (weakref.ref(case, forget), version, derived)

    def version(self, case: Case) -> int:
        """The version ``case`` had when last loaded from or saved to this database (0 if
        never)."""
        entry = self._seen.get(id(case))
        if entry is not None and entry[0]() is case:
            return entry[1]
        return 0

    def derived(self, case: Case, version: int) -> Derived | None:
        """What the save of ``case`` at ``version`` derived, if that is the last thing the
        book knows of it; else ``None``."""
        entry = self._seen.get(id(case))
        if entry is not None and entry[0]() is case and entry[1] == version:
            return entry[2]
        return None
