"""The event store (事件存储): cases kept as their events in SQLite, the embedded default.

A case is compute-on-read, so the store keeps only what happened: one row per event, appended
and never changed. Two small tables sit beside the log so a host can poll cheaply: one row
per case (policy, version, state, severity) and one row per *open* obligation with its due
instant as an integer key, rewritten inside the same transaction as the events it derives
from. :meth:`SQLiteStore.due_before` reads that index and never replays or scans cases.

Writers are optimistic: a case remembers nothing about storage, so the store remembers, per
case object and database file (:mod:`~yuqing_core.store.versions`, shared by every handle on
the file in this process), the version it had when it was loaded or last saved.
:meth:`SQLiteStore.save` checks that version against the stored one inside a ``BEGIN
IMMEDIATE`` transaction; if another writer got there first it raises
:class:`~yuqing_core.ConflictError` and writes nothing. A new case saved under an id the store
already holds raises :class:`~yuqing_core.DuplicateCaseError`. The database runs in WAL mode, so
a process killed mid-save leaves the previous version readable.

Every policy version a saved case followed is kept (:mod:`~yuqing_core.store.policies`):
loading with another version raises :class:`~yuqing_core.PolicyVersionError` unless the host
opts in, and :meth:`SQLiteStore.reindex` moves open cases to a new version, reporting changes.

The store keeps personal data (reporter names, phones, account ids) because it is the host's
own database and the case must replay exactly; :meth:`SQLiteStore.export_case` gives the JSON
of a case without it, to share. Loading checks every stored event as
:meth:`Case.replay <yuqing_core.Case.replay>` does: a row that cannot be read, or an event the
library could not have recorded, raises :class:`~yuqing_core.CorruptCaseError` naming the case
and the seq.

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

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime

from .._dt import ensure_aware
from ..api import Policy
from ..errors import (
    ConflictError,
    CorruptCaseError,
    DuplicateCaseError,
    StoreError,
    TransitionError,
)
from ..workflow.case import Case
from ..workflow.document import dump_case
from .connection import Transaction, ensure_wal
from .due import DueItem, time_key
from .logs import log_refused_save, log_saved
from .policies import PolicyBook, PolicyVersion
from .reindex import ReindexChange, index_changes, obligation_changes
from .rows import (
    CaseRow,
    CaseRows,
    EventRow,
    OpenObligationRow,
    PolicyRow,
    case_row,
    event_rows,
    events_from_rows,
    open_obligation_rows,
    policy_rows,
)
from .schema import (
    COUNT_CASES,
    DELETE_OPEN_OBLIGATIONS,
    INSERT_EVENT,
    INSERT_OPEN_OBLIGATION,
    INSERT_POLICY,
    SELECT_CASE,
    SELECT_CASE_IDS,
    SELECT_DUE,
    SELECT_EVENTS,
    SELECT_OPEN_OBLIGATIONS,
    SELECT_POLICY_CASE_IDS,
    SELECT_VERSION,
    UPSERT_CASE,
    install,
)
from .versions import SeenVersions

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
        # Case objects carry no storage state, so the versions they were loaded or saved at
        # are kept per database file, shared with every other handle on it.
        file = next((r[2] for r in self._db.execute("PRAGMA database_list") if r[1] == "main"), "")
        self._versions = SeenVersions.of(file)
        self._policies = PolicyBook(self.path)

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
        self._versions.remember(case, version)

    def known_version(self, case: Case) -> int:
        """The version ``case`` had when it was last loaded from or saved to this database
        file, through this store or another :class:`SQLiteStore` of this process on the same
        file (0 if never)."""
        return self._versions.version(case)

    # -- writing -------------------------------------------------------------------------

    def save(self, case: Case, *, expected_version: int | None = None) -> int:
        """Append the events of ``case`` not yet stored, in one transaction; return how many.

        The stored version must still be the one ``case`` was loaded or last saved at, through
        any store of this process on the same file (or ``expected_version`` when given, for a
        host that tracks versions itself). Otherwise another writer stored events first:
        :class:`~yuqing_core.ConflictError` is raised and nothing is written; load the case
        again and re-apply the command. A case never loaded or saved here is new (version
        0): if the store already holds its id, :class:`~yuqing_core.DuplicateCaseError` is
        raised and nothing is written (saving again cannot help; load the stored case, or
        give the new one another id). A save, a conflict and each provisional deadline it
        indexes are records of the ``yuqing_core`` logger (ids only).
        """
        try:
            written, open_rows = self._save(case, expected_version)
        except (ConflictError, DuplicateCaseError) as e:
            log_refused_save(case, e)
            raise
        log_saved(case, written, open_rows)
        return written

    def _save(
        self, case: Case, expected_version: int | None
    ) -> tuple[int, list[OpenObligationRow]]:
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
        versions = policy_rows(case) if new_rows else []
        with self._write() as db:
            self._check_stored_version(db, case, base)
            if not new_rows:
                return 0, []
            try:
                self._write_events(db, new_rows)
                self._write_cases(db, [case_row(case)])
                self._write_policies(db, versions)
                self._write_open_obligations(db, case.id, open_rows)
            except sqlite3.IntegrityError as e:
                raise ConflictError(
                    f"case {case.id!r}: events from version {base + 1} are already stored ({e})"
                ) from None
        self._remember(case, len(events))
        return len(new_rows), open_rows

    @staticmethod
    def _check_stored_version(db: sqlite3.Connection, case: Case, base: int) -> None:
        policy = case.policy.name
        row = db.execute(SELECT_CASE, (case.id,)).fetchone()
        stored = 0 if row is None else int(row[1])
        if row is not None and base == 0:
            raise DuplicateCaseError(
                f"case {case.id!r} is already in the store: a new case cannot be saved under "
                "an id the store holds; load the stored case to add events to it"
            )
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
        :class:`~yuqing_core.DuplicateCaseError` is raised and nothing is written. Load a
        case before saving new events to it: the store knows its version from the load.
        """
        bundles = list(cases)
        for rows in bundles:
            rows.check_whole()
        ids = [rows.case.case_id for rows in bundles]
        twice = next((i for n, i in enumerate(ids) if i in ids[:n]), None)
        if twice is not None:
            raise DuplicateCaseError(
                f"cannot import: case {twice!r} is given twice; nothing was written"
            )
        with self._write() as db:
            held = next((i for i in ids if db.execute(SELECT_VERSION, (i,)).fetchone()), None)
            if held is not None:
                raise DuplicateCaseError(
                    f"cannot import: case {held!r} is already in the store; nothing was written"
                )
            try:
                self._write_events(db, [r for rows in bundles for r in rows.events])
                self._write_cases(db, [rows.case for rows in bundles])
                self._write_policies(db, [p for rows in bundles for p in rows.policies])
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
    def _write_policies(db: sqlite3.Connection, rows: Iterable[PolicyRow]) -> None:
        db.executemany(INSERT_POLICY, rows)

    @staticmethod
    def _write_open_obligations(
        db: sqlite3.Connection, case_id: str, rows: Iterable[OpenObligationRow]
    ) -> None:
        db.execute(DELETE_OPEN_OBLIGATIONS, (case_id,))
        SQLiteStore._add_open_obligations(db, rows)

    @staticmethod
    def _add_open_obligations(db: sqlite3.Connection, rows: Iterable[OpenObligationRow]) -> None:
        db.executemany(INSERT_OPEN_OBLIGATION, rows)

    def reindex(self, policy: Policy, *, at: datetime) -> list[ReindexChange]:
        """Move the cases of ``policy``'s name to this version at ``at``; return what changed.

        Run it after the policy file changed. Each open case that follows another version
        adopts this one at ``at`` (an ``adopt_policy`` event, :meth:`Case.adopt
        <yuqing_core.Case.adopt>`): obligations settled by then (met, waived, breached) keep
        their outcome, open ones follow the new version from ``at`` on, and none falls due
        before ``at``. Closed cases keep the version they were closed under. The due index of
        every case is rebuilt. The result lists, per case and obligation, the old and new due
        instant and status (as of ``at``) wherever they differ, in case-id order. All in one
        transaction: if a case cannot adopt the version (``at`` before its last event, a
        level or stage the version does not have) :class:`~yuqing_core.StoreError` says
        which, and nothing is written.
        """
        at = ensure_aware(at, "at")
        if not isinstance(policy, Policy):
            raise StoreError(f"reindex needs a Policy, got {type(policy).__name__}")
        seen = PolicyRow(policy.fingerprint, policy.name, policy.spec_json, at.isoformat())
        changes: list[ReindexChange] = []
        with self._write() as db:
            self._write_policies(db, [seen])
            ids = [r[0] for r in db.execute(SELECT_POLICY_CASE_IDS, (policy.name,))]
            for case_id in ids:
                changes += self._reindex_case(db, policy, case_id, at)
        return changes

    def _reindex_case(
        self, db: sqlite3.Connection, policy: Policy, case_id: str, at: datetime
    ) -> list[ReindexChange]:
        case, base = self._load_in(db, policy, case_id, as_recorded=True)
        stored = db.execute(SELECT_OPEN_OBLIGATIONS, (case_id,)).fetchall()
        before = None
        if case.policy.fingerprint != policy.fingerprint and not case.is_closed:
            before = case.obligations
            try:
                case.adopt(policy, at=at)
            except TransitionError as e:
                raise StoreError(f"reindex: case {case_id!r}: {e}; nothing was written") from None
            self._write_events(db, event_rows(case, base))
        rows = open_obligation_rows(case)
        self._write_cases(db, [case_row(case)])  # also records the version of an older row
        self._write_policies(db, policy_rows(case))
        self._write_open_obligations(db, case_id, rows)
        if before is None:
            return index_changes(case_id, stored, rows, case.obligations, at)
        return obligation_changes(case_id, before, case.obligations, at)

    def policy_versions(self, policy: Policy | str) -> list[PolicyVersion]:
        """Every version of the policy named ``policy`` (a name, or a policy whose name is
        taken) the store keeps, in the order it first saw them."""
        name = policy if isinstance(policy, str) else policy.name
        with self._read() as db:
            return self._policies.versions(db, name)

    # -- reading -------------------------------------------------------------------------

    def load(
        self,
        policy: Policy,
        case_id: str,
        *,
        adopt_at: datetime | None = None,
        as_recorded: bool = False,
    ) -> Case:
        """The case ``case_id`` rebuilt from its stored events under ``policy``.

        Every event is checked as :meth:`Case.replay <yuqing_core.Case.replay>` checks it,
        under the policy version it was recorded under (the store supplies every version it
        keeps). Raises :class:`~yuqing_core.StoreError` if the case is not stored or was
        opened under another policy, and :class:`~yuqing_core.CorruptCaseError` (a
        ``StoreError``) if a row cannot be read or holds an event the library could not have
        recorded: the error names the case and the seq, never personal data.

        A case follows the policy version it was opened under or last adopted; if that is
        not ``policy``'s, :class:`~yuqing_core.PolicyVersionError` is raised unless the host
        opts in: ``adopt_at=`` adopts ``policy``'s version at that instant (:meth:`Case.adopt
        <yuqing_core.Case.adopt>`, stored by the next :meth:`save`); ``as_recorded=True``
        loads it under the version it follows. A case stored before versions were recorded
        follows ``policy``, and its next save records that.
        """
        if adopt_at is not None and as_recorded:
            raise StoreError("load takes adopt_at or as_recorded, not both")
        with self._read() as db:
            case, stored = self._load_in(
                db, policy, case_id, adopt_at=adopt_at, as_recorded=as_recorded
            )
        self._remember(case, stored)
        return case

    def _load_in(
        self,
        db: sqlite3.Connection,
        policy: Policy,
        case_id: str,
        *,
        adopt_at: datetime | None = None,
        as_recorded: bool = False,
    ) -> tuple[Case, int]:
        """The case and its stored version."""
        row = db.execute(SELECT_CASE, (case_id,)).fetchone()
        if row is None:
            raise StoreError(f"case {case_id!r} is not in the store")
        if row[0] != policy.name:
            raise StoreError(
                f"case {case_id!r} was opened under policy {row[0]!r} and cannot be loaded "
                f"under {policy.name!r}"
            )
        rows = db.execute(SELECT_EVENTS, (case_id,)).fetchall()
        events = events_from_rows(case_id, rows, int(row[1]))
        if not events:
            raise CorruptCaseError("the case has no events", case_id=case_id, seq=1)
        case = self._policies.replay(
            db, policy, case_id, events, row[2], adopt_at=adopt_at, as_recorded=as_recorded
        )
        return case, len(events)

    def load_all(self, policy: Policy, *, as_recorded: bool = False) -> Iterator[Case]:
        """Every stored case of ``policy``, in case-id order (for reports and accountability).

        ``as_recorded``: each under the version it follows (see :meth:`load`), so that cases
        closed under an older version are read too.
        """
        for case_id in self.case_ids(policy):
            yield self.load(policy, case_id, as_recorded=as_recorded)

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
        """The stored case as JSON to share: the redacted export, like
        :meth:`Case.export_json <yuqing_core.Case.export_json>`.

        The reporter's name, phone and account and the author's handle are left out unless
        ``include_personal``; free text is kept as written. Needs no policy: the events are
        read as stored (each row checked), not replayed. For a complete copy of a case, load
        it and use :meth:`Case.to_json <yuqing_core.Case.to_json>`.
        """
        with self._read() as db:
            row = db.execute(SELECT_CASE, (case_id,)).fetchone()
            if row is None:
                raise StoreError(f"case {case_id!r} is not in the store")
            rows = db.execute(SELECT_EVENTS, (case_id,)).fetchall()
        events = events_from_rows(case_id, rows, int(row[1]))
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
        return [DueItem.from_row(r) for r in rows]
