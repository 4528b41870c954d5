"""The event store (事件存储): cases kept as their events in SQLite, the embedded default.

A case is compute-on-read, so the store keeps only what happened: one row per event, appended
and never changed. Two small tables sit beside the log so a host can poll cheaply: one row
per case (policy, version, state, severity) and one row per *open* obligation with its due
instant as an integer key, rewritten inside the same transaction as the events it derives
from. :meth:`SQLiteStore.due_before` reads that index and never replays or scans cases.

Writers are optimistic: a case remembers nothing about storage, so the store remembers, per
case object, the version it had when it was loaded or last saved. :meth:`SQLiteStore.save`
checks that version against the stored one inside a ``BEGIN IMMEDIATE`` transaction; if
another writer got there first it raises :class:`~yuqing_core.ConflictError` and writes
nothing. The database runs in WAL mode, so a process killed mid-save leaves the previous
version readable.

The store keeps personal data (reporter names, phones, account ids) because it is the host's
own database and the case must replay exactly; :meth:`SQLiteStore.export_case` gives the JSON
of a case without it.

>>> from datetime import datetime, timedelta
>>> from zoneinfo import ZoneInfo
>>> import yuqing_core as yq
>>> from yuqing_core.store import SQLiteStore
>>> cst = ZoneInfo("Asia/Shanghai")
>>> policy = yq.presets.load("school-tiered")
>>> found = datetime(2025, 11, 3, 9, tzinfo=cst)
>>> case = policy.open_case(yq.Incident(id="YQ-7", title="食堂投诉", discovered_at=found),
...                         at=found, actor="monitor")
>>> store = SQLiteStore(":memory:")
>>> store.save(case)
1
>>> [(d.case_id, d.kind, d.role, d.due_at.isoformat())
...  for d in store.due_before(found + timedelta(days=2))]
[('YQ-7', 'report', 'business_supervisor', '2025-11-05T00:00:00+08:00')]
>>> store.load(policy, "YQ-7") == case
True
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .._dt import ensure_aware
from ..errors import ConflictError, StoreError, TransitionError
from ..model.event import Event
from ..workflow.case import Case
from ..workflow.document import dump_case
from .connection import Transaction, ensure_wal
from .due import DueItem, time_key
from .rows import (
    CaseRow,
    CaseRows,
    EventRow,
    OpenObligationRow,
    case_row,
    event_rows,
    open_obligation_rows,
)
from .schema import (
    COUNT_CASES,
    DELETE_OPEN_OBLIGATIONS,
    INSERT_EVENT,
    INSERT_OPEN_OBLIGATION,
    SELECT_CASE,
    SELECT_CASE_IDS,
    SELECT_DUE,
    SELECT_EVENTS,
    SELECT_POLICY_CASE_IDS,
    SELECT_VERSION,
    UPSERT_CASE,
    install,
)

if TYPE_CHECKING:
    from ..api import Policy

__all__ = ["SQLiteStore"]


class SQLiteStore:
    """Cases as append-only events in a SQLite file (stdlib :mod:`sqlite3`).

    ``path`` is a file path (created if missing) or ``":memory:"``. The tables are prefixed
    ``yq_``, so the file may be the host's own database. One store object may be shared by
    threads; each process opens its own.

    Personal data is stored (the host's database must replay cases exactly); use
    :meth:`export_case` to hand a case to anyone else.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self.path = os.fspath(path)
        self._timeout = timeout
        self._lock = threading.RLock()
        # Case objects carry no storage state and are unhashable (they compare by value), so
        # the versions they were loaded or saved at are kept here by identity, weakly.
        self._seen: dict[int, tuple[weakref.ref[Case], int]] = {}
        try:
            self._db = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as e:
            raise StoreError(f"{self.path}: cannot open the store: {e}") from None
        try:
            self._setup()
        except sqlite3.DatabaseError as e:
            self._db.close()
            raise StoreError(f"{self.path}: not a usable store: {e}") from None
        except StoreError:
            self._db.close()
            raise

    def _setup(self) -> None:
        ensure_wal(self._db, self._timeout)
        self._db.execute("PRAGMA foreign_keys=OFF")
        with self._write() as db:
            install(db, self.path)

    # -- plumbing ------------------------------------------------------------------------

    def _write(self) -> Transaction:
        # IMMEDIATE takes the write lock up front, so the version check and the append see
        # the same database and a second writer waits instead of failing half way.
        return Transaction(self._db, self._lock, self.path, "BEGIN IMMEDIATE")

    def _read(self) -> Transaction:
        # One read transaction: a consistent snapshot across several SELECTs (WAL).
        return Transaction(self._db, self._lock, self.path, "BEGIN")

    def close(self) -> None:
        """Close the connection. The store cannot be used afterwards."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<SQLiteStore {self.path!r}>"

    def _remember(self, case: Case, version: int) -> None:
        key = id(case)
        seen = self._seen
        current = seen.get(key)
        if current is not None and current[0]() is case:
            seen[key] = (current[0], version)
            return

        def forget(ref: weakref.ref[Case], key: int = key) -> None:
            entry = seen.get(key)
            if entry is not None and entry[0] is ref:
                del seen[key]

        seen[key] = (weakref.ref(case, forget), version)

    def known_version(self, case: Case) -> int:
        """The version ``case`` had when this store loaded or last saved it (0 if never)."""
        entry = self._seen.get(id(case))
        if entry is not None and entry[0]() is case:
            return entry[1]
        return 0

    # -- writing -------------------------------------------------------------------------

    def save(self, case: Case, *, expected_version: int | None = None) -> int:
        """Append the events of ``case`` not yet stored, in one transaction; return how many.

        The stored version must still be the one this store loaded or last saved ``case`` at
        (or ``expected_version`` when given, for a host that tracks versions itself; a case
        the store never saw counts as version 0). Otherwise another writer stored events
        first: :class:`~yuqing_core.ConflictError` is raised and nothing is written; load the
        case again and re-apply the command.
        """
        if not isinstance(case, Case):
            raise StoreError(f"save needs a Case, got {type(case).__name__}")
        base = self.known_version(case) if expected_version is None else expected_version
        events = case.events
        if not 0 <= base <= len(events):
            raise StoreError(
                f"case {case.id!r}: expected version {base} is outside 0..{len(events)}"
            )
        # Everything that can fail or take time happens before the write lock is taken.
        new_rows = event_rows(case, base)
        open_rows = open_obligation_rows(case) if new_rows else []
        with self._write() as db:
            self._check_stored_version(db, case, base)
            if not new_rows:
                return 0
            try:
                self._write_events(db, new_rows)
                self._write_cases(db, [case_row(case)])
                self._write_open_obligations(db, case.id, open_rows)
            except sqlite3.IntegrityError as e:
                raise ConflictError(
                    f"case {case.id!r}: events from version {base + 1} are already stored ({e})"
                ) from None
        self._remember(case, len(events))
        return len(new_rows)

    @staticmethod
    def _check_stored_version(db: sqlite3.Connection, case: Case, base: int) -> None:
        policy = case.policy.name
        row = db.execute(SELECT_CASE, (case.id,)).fetchone()
        stored = 0 if row is None else int(row[1])
        if row is not None and row[0] != policy:
            raise StoreError(f"case {case.id!r} is stored under policy {row[0]!r}, not {policy!r}")
        if stored != base:
            raise ConflictError(
                f"case {case.id!r}: the store holds version {stored}, but this case was "
                f"loaded at version {base}; another writer saved it first. Load it again "
                "and re-apply the command."
            )

    def import_rows(self, cases: Iterable[CaseRows]) -> int:
        """Store new cases from their rows, all in one transaction; return how many.

        The bulk path for a host that fills a store with many cases at once (a migration, a
        benchmark's large store): one commit for all, where :meth:`save` commits, and so
        syncs to disk, once per case. The rows are written as given, not replayed: make them
        with :meth:`CaseRows.of(case) <yuqing_core.store.rows.CaseRows.of>`, or copy such rows
        consistently. Each case must be whole (see
        :meth:`~yuqing_core.store.rows.CaseRows.check_whole`, else
        :class:`~yuqing_core.StoreError`) and new: if one is already stored, or given twice,
        :class:`~yuqing_core.ConflictError` is raised and nothing is written. Load a case
        before saving new events to it: the store knows its version from the load.
        """
        bundles = list(cases)
        for rows in bundles:
            rows.check_whole()
        with self._write() as db:
            try:
                self._write_events(db, [r for rows in bundles for r in rows.events])
                self._write_cases(db, [rows.case for rows in bundles])
                self._add_open_obligations(
                    db, [r for rows in bundles for r in rows.open_obligations]
                )
            except sqlite3.IntegrityError as e:
                raise ConflictError(
                    f"cannot import: a case among the rows is already stored or given twice "
                    f"({e}); nothing was written"
                ) from None
        return len(bundles)

    # The writes are separate methods so a test can kill the process between them.

    @staticmethod
    def _write_events(db: sqlite3.Connection, rows: Iterable[EventRow]) -> None:
        db.executemany(INSERT_EVENT, rows)

    @staticmethod
    def _write_cases(db: sqlite3.Connection, rows: Iterable[CaseRow]) -> None:
        db.executemany(UPSERT_CASE, rows)

    @staticmethod
    def _write_open_obligations(
        db: sqlite3.Connection, case_id: str, rows: Iterable[OpenObligationRow]
    ) -> None:
        db.execute(DELETE_OPEN_OBLIGATIONS, (case_id,))
        SQLiteStore._add_open_obligations(db, rows)

    @staticmethod
    def _add_open_obligations(db: sqlite3.Connection, rows: Iterable[OpenObligationRow]) -> None:
        db.executemany(INSERT_OPEN_OBLIGATION, rows)

    def reindex(self, policy: Policy) -> int:
        """Recompute the open-obligation index of every case of ``policy``; return how many.

        Run it after the policy file or its calendar changed: stored events stay as they are,
        but what they oblige, and when, follows the policy in force.
        """
        with self._write() as db:
            ids = [r[0] for r in db.execute(SELECT_POLICY_CASE_IDS, (policy.name,))]
            for case_id in ids:
                case = self._load_in(db, policy, case_id)
                self._write_open_obligations(db, case_id, open_obligation_rows(case))
        return len(ids)

    # -- reading -------------------------------------------------------------------------

    def load(self, policy: Policy, case_id: str) -> Case:
        """The case ``case_id`` rebuilt from its stored events under ``policy``.

        Raises :class:`~yuqing_core.StoreError` if the case is not stored, was opened under
        another policy, or has a row that cannot be read (the error names the case and seq).
        """
        with self._read() as db:
            case = self._load_in(db, policy, case_id)
        self._remember(case, case.version)
        return case

    def _load_in(self, db: sqlite3.Connection, policy: Policy, case_id: str) -> Case:
        row = db.execute(SELECT_CASE, (case_id,)).fetchone()
        if row is None:
            raise StoreError(f"case {case_id!r} is not in the store")
        if row[0] != policy.name:
            raise StoreError(
                f"case {case_id!r} was opened under policy {row[0]!r} and cannot be loaded "
                f"under {policy.name!r}"
            )
        rows = db.execute(SELECT_EVENTS, (case_id,)).fetchall()
        events = _events_from_rows(case_id, rows, int(row[1]))
        return _replay(policy, case_id, events)

    def load_all(self, policy: Policy) -> Iterator[Case]:
        """Every stored case of ``policy``, in case-id order (for reports and accountability)."""
        for case_id in self.case_ids(policy):
            yield self.load(policy, case_id)

    def case_ids(self, policy: Policy | str | None = None) -> list[str]:
        """The stored case ids, sorted; only those of ``policy`` when given."""
        with self._read() as db:
            if policy is None:
                cur = db.execute(SELECT_CASE_IDS)
            else:
                name = policy if isinstance(policy, str) else policy.name
                cur = db.execute(SELECT_POLICY_CASE_IDS, (name,))
            return [r[0] for r in cur]

    def version(self, case_id: str) -> int:
        """The stored version of ``case_id`` (0 if it is not stored)."""
        with self._read() as db:
            row = db.execute(SELECT_VERSION, (case_id,)).fetchone()
        return 0 if row is None else int(row[0])

    def __contains__(self, case_id: object) -> bool:
        return isinstance(case_id, str) and self.version(case_id) > 0

    def __len__(self) -> int:
        with self._read() as db:
            return int(db.execute(COUNT_CASES).fetchone()[0])

    def __iter__(self) -> Iterator[str]:
        return iter(self.case_ids())

    def export_case(self, case_id: str, *, include_personal: bool = False) -> str:
        """The stored case as :meth:`Case.to_json` JSON, without personal data by default.

        Needs no policy: the events are read as stored, not replayed.
        """
        with self._read() as db:
            row = db.execute(SELECT_CASE, (case_id,)).fetchone()
            if row is None:
                raise StoreError(f"case {case_id!r} is not in the store")
            rows = db.execute(SELECT_EVENTS, (case_id,)).fetchall()
        events = _events_from_rows(case_id, rows, int(row[1]))
        return dump_case(row[0], case_id, events, include_personal=include_personal)

    def due_before(self, at: datetime, limit: int = 100) -> list[DueItem]:
        """Open obligations (not met, clock running) with ``due_at <= at``, earliest first.

        Read from the due index (one index range, at most ``limit`` rows): a host can poll it
        every minute over any number of cases. Ties are ordered by case id, then obligation.
        """
        at = ensure_aware(at, "at")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise StoreError(f"limit must be a positive integer, got {limit!r}")
        with self._read() as db:
            rows = db.execute(SELECT_DUE, (time_key(at), limit)).fetchall()
        return [
            DueItem(
                case_id=r[0],
                obligation_id=r[1],
                policy=r[2],
                kind=r[3],
                role=r[4],
                rule=r[5],
                due_at=datetime.fromisoformat(r[6]),
            )
            for r in rows
        ]


# -- reading rows back -----------------------------------------------------------------------


def _events_from_rows(case_id: str, rows: Sequence[Sequence[Any]], version: int) -> list[Event]:
    events: list[Event] = []
    for expected, row in enumerate(rows, 1):
        seq = row[0]
        if seq != expected:
            raise StoreError(
                f"case {case_id!r} seq {expected}: event missing from the store (found seq "
                f"{seq!r} instead)"
            )
        try:
            data = json.loads(row[4])
            if not isinstance(data, dict):
                raise TypeError(f"data is a JSON {type(data).__name__}, not an object")
            event = Event.from_dict(
                {"trigger": row[1], "at": row[2], "actor": row[3], "data": data}
            )
        except (ValueError, TypeError, KeyError) as e:
            raise StoreError(f"case {case_id!r} seq {seq}: cannot read the event row: {e}") from e
        events.append(event)
    if len(events) != version:
        raise StoreError(
            f"case {case_id!r} seq {len(events) + 1}: the case row says version {version} "
            f"but {len(events)} events are stored"
        )
    return events


def _replay(policy: Policy, case_id: str, events: list[Event]) -> Case:
    if not events:
        raise StoreError(f"case {case_id!r} seq 1: the case has no events")
    try:
        case = Case.replay(policy, events)
    except TransitionError as e:
        seq = _first_failing(policy, events)
        raise StoreError(
            f"case {case_id!r} seq {seq}: the event does not replay under policy "
            f"{policy.name!r}: {e}"
        ) from e
    if case.id != case_id:
        raise StoreError(f"case {case_id!r} seq 1: the open event is for incident {case.id!r}")
    return case


def _first_failing(policy: Policy, events: list[Event]) -> int:
    """The seq of the first event that does not replay (only computed on the error path)."""
    for n in range(1, len(events) + 1):
        try:
            Case.replay(policy, events[:n])
        except TransitionError:
            return n
    return len(events)  # pragma: no cover - the full replay failed, so some prefix does
