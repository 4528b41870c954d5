"""What every event store does (存储契约), whatever database holds it: :class:`EventStore`.

:class:`~yuqing_core.SQLiteStore` and :class:`~yuqing_core.PostgresStore` keep the same tables
and keep the same promises; this class holds the promises once (saving with optimistic
concurrency, loading with every event checked, the due index, ``reindex``, the outbox, claims
and the global position) and leaves to each store its connection, its transactions and the
few statements its database says differently. The shared statements use ``?`` placeholders.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, ClassVar, Protocol

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
from .derived import NOTHING, Change, Derived, change, derive
from .due import DueItem, time_key
from .logs import log_refused_save, log_saved
from .outbox import INSERT_OUTBOX, SELECT_PENDING, WITHDRAW, WITHDRAW_PLANNED, OutboxRow
from .policies import PolicyBook, PolicyVersion
from .reindex import ReindexChange, index_changes, obligation_changes
from .roster import DutyRoster, merge_due
from .rows import (
    CaseRow,
    CaseRows,
    EventRow,
    OpenObligationRow,
    PolicyRow,
    case_row,
    event_rows,
    events_from_rows,
)
from .schema import (
    COUNT_CASES,
    INSERT_EVENT,
    INSERT_NEW_CASE,
    INSERT_OPEN_OBLIGATION,
    INSERT_POLICY,
    SELECT_CASE,
    SELECT_CASE_IDS,
    SELECT_DUE,
    SELECT_DUE_SOON,
    SELECT_EVENTS,
    SELECT_OPEN_OBLIGATIONS,
    SELECT_POLICY_CASE_IDS,
    SELECT_VERSION,
    UPDATE_CASE,
    UPSERT_CASE,
)
from .versions import SeenVersions, refusal
from .work import WorkQueue

__all__ = ["Cursor", "Db", "EventStore"]


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Db(Protocol):
    """The part of a DB-API connection the store uses (``?`` placeholders)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> Cursor: ...


class EventStore(DutyRoster, WorkQueue):
    """The store contract; see :class:`~yuqing_core.SQLiteStore` for the promises in full."""

    where: str
    """Names the database in error messages (a file path, or a database name)."""
    _versions: SeenVersions
    _policies: PolicyBook
    _INTEGRITY: ClassVar[tuple[type[Exception], ...]]
    """The database's errors for a broken key: a concurrent writer got there first."""
    _LOCK_CASE: ClassVar[str] = SELECT_CASE
    """Reads the case row at the start of a save, locking it where the database can."""
    _KEEPS_DERIVED: ClassVar[bool] = True
    """Whether a save commits on its own, so that what it wrote is what the tables hold
    until the case's next version (:mod:`~yuqing_core.store.derived`): not in a host's
    transaction, which may still roll back."""

    # -- what each store provides ------------------------------------------------------------

    @abc.abstractmethod
    def close(self) -> None:
        """Let go of the database (what the store opened itself)."""

    @staticmethod
    @abc.abstractmethod
    def _write_open_obligations(db: Any, case_id: str, rows: Iterable[OpenObligationRow]) -> None:
        """Replace the due index rows of ``case_id`` (keeping the claims that still apply).

        ``db`` is the store's own connection type (a :class:`Db`): each store names its own,
        so that a test may put a function of that type in its place."""

    @staticmethod
    @abc.abstractmethod
    def _change_open_obligations(db: Any, case_id: str, done: Change) -> None:
        """Take away the due index rows ``done.gone``, add ``done.new`` (keeping the claims
        that still apply)."""

    def _write_events(self, db: Db, rows: Sequence[EventRow]) -> None:
        db.executemany(INSERT_EVENT, rows)

    def _write_index(self, db: Db, case_id: str, derived: Derived, prior: Derived | None) -> None:
        """Write what a case's events derive, its due index rows and its outbox: only what
        changed from ``prior`` when that is what the tables hold, else all of it."""
        if prior is None:
            self._write_open_obligations(db, case_id, derived.open_rows)
            self._write_outbox(db, case_id, derived.outbox)
            return
        done = change(prior, derived)
        self._change_open_obligations(db, case_id, done)
        if done.withdrawn:
            db.executemany(WITHDRAW_PLANNED, [(case_id, *key) for key in done.withdrawn])
        if done.planned:
            db.executemany(INSERT_OUTBOX, done.planned)

    # -- versions ------------------------------------------------------------------------------

    def known_version(self, case: Case) -> int:
        """The version ``case`` had when it was last loaded from or saved to this database
        file, through this store or another :class:`SQLiteStore` of this process on the same
        file (0 if never)."""
        return self._versions.version(case)

    # -- writing -------------------------------------------------------------------------------

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
    ) -> tuple[int, Sequence[OpenObligationRow]]:
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
        prior = self._held(case, base)  # what the tables hold, if the check passes
        derived = derive(case, prior) if new_rows else None
        with self._write() as db:
            if derived is None:
                self._check_stored_version(db, case, base)
                return 0, ()
            try:
                self._write_case(db, case, base, case_row(case, new_rows[-1]))
                self._write_events(db, new_rows)
                if derived.policies_differ(prior):
                    self._write_policies(db, derived.policies)
                if derived.index_differs(prior):
                    self._write_index(db, case.id, derived, prior)
            except self._INTEGRITY as e:
                if base == 0:
                    raise DuplicateCaseError(
                        f"case {case.id!r} is already in the store: another writer saved a "
                        "case under this id first"
                    ) from None
                raise ConflictError(
                    f"case {case.id!r}: events from version {base + 1} are already stored ({e})"
                ) from None
        self._versions.remember(case, len(events), derived if self._KEEPS_DERIVED else None)
        return len(new_rows), derived.open_rows

    def _held(self, case: Case, base: int) -> Derived | None:
        """The rows the tables hold of ``case`` if it is stored at version ``base`` (``None``:
        not known). A new case has none: the version check refuses an id the store holds."""
        return NOTHING if base == 0 else self._versions.derived(case, base)

    def _check_stored_version(self, db: Db, case: Case, base: int) -> None:
        error = refusal(case, base, db.execute(self._LOCK_CASE, (case.id,)).fetchone())
        if error is not None:
            raise error

    def _write_case(self, db: Db, case: Case, base: int, row: CaseRow) -> None:
        """Write the case row if the store holds ``case`` at version ``base`` (none if 0), else
        raise why not: the check is the write (a second writer waits, then sees the new row)."""
        if base == 0:
            cur = db.execute(INSERT_NEW_CASE, row)
        else:
            cur = db.execute(UPDATE_CASE, (*row[2:], row.case_id, row.policy, base))
        if cur.rowcount != 1:
            found = db.execute(self._LOCK_CASE, (case.id,)).fetchone()
            raise refusal(case, base, found) or ConflictError(f"case {case.id!r} changed; load it")

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
                db.executemany(INSERT_OUTBOX, [r for rows in bundles for r in rows.outbox])
            except self._INTEGRITY as e:
                raise ConflictError(
                    f"cannot import: a case among the rows is already stored or given twice "
                    f"({e}); nothing was written"
                ) from None
        return len(bundles)

    @staticmethod
    def _write_cases(db: Db, rows: Iterable[CaseRow]) -> None:
        db.executemany(UPSERT_CASE, rows)

    @staticmethod
    def _write_policies(db: Db, rows: Iterable[PolicyRow]) -> None:
        db.executemany(INSERT_POLICY, rows)

    @staticmethod
    def _add_open_obligations(db: Db, rows: Iterable[OpenObligationRow]) -> None:
        db.executemany(INSERT_OPEN_OBLIGATION, rows)

    @staticmethod
    def _write_outbox(db: Db, case_id: str, rows: Sequence[OutboxRow]) -> None:
        """Add the notices planned now; withdraw the unsent ones no longer planned."""
        planned = {r.key for r in rows}
        stale = [
            (ident,)
            for ident, ob, stage, due_key in db.execute(SELECT_PENDING, (case_id,)).fetchall()
            if (ob, stage, int(due_key)) not in planned
        ]
        db.executemany(WITHDRAW, stale)
        db.executemany(INSERT_OUTBOX, rows)

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
            ids = [r[0] for r in db.execute(SELECT_POLICY_CASE_IDS, (policy.name,)).fetchall()]
            for case_id in ids:
                changes += self._reindex_case(db, policy, case_id, at)
        return changes

    def _reindex_case(
        self, db: Db, policy: Policy, case_id: str, at: datetime
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
        derived = derive(case, None)  # what a save writes, all of it
        self._write_cases(db, [case_row(case)])  # also records the version of an older row
        self._write_policies(db, derived.policies)
        self._write_index(db, case_id, derived, None)
        if before is None:
            return index_changes(case_id, stored, derived.open_rows, case.obligations, at)
        return obligation_changes(case_id, before, case.obligations, at)

    def policy_versions(self, policy: Policy | str) -> list[PolicyVersion]:
        """Every version of the policy named ``policy`` (a name, or a policy whose name is
        taken) the store keeps, in the order it first saw them."""
        name = policy if isinstance(policy, str) else policy.name
        with self._read() as db:
            return self._policies.versions(db, name)

    # -- reading -------------------------------------------------------------------------------

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
        self._versions.remember(case, stored)
        return case

    def _load_in(
        self,
        db: Db,
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

        ``as_recorded``: each under the version it follows (see :meth:`load`).
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
        The unmet due instants of every started duty roster are listed too, with an empty
        ``case_id`` (:mod:`~yuqing_core.store.roster`; listing them costs what fell due since
        the last poll).
        """
        return self._due(SELECT_DUE, at, limit, duties=True)

    def due_soon_before(self, at: datetime, limit: int = 100) -> list[DueItem]:
        """Open obligations (not met, clock running) whose first warning instant
        (``DueItem.warn_at[0]``, 预警) is at or before ``at``, earliest warning first: what
        falls due soon, breached ones included until met.

        Read from the warning index, as :meth:`due_before` reads the due index. Warnings
        follow the deadline's own clock (working time for a working-day period).
        """
        return self._due(SELECT_DUE_SOON, at, limit)

    def _due(self, query: str, at: datetime, limit: int, *, duties: bool = False) -> list[DueItem]:
        at = ensure_aware(at, "at")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise StoreError(f"limit must be a positive integer, got {limit!r}")
        with self._read() as db:
            rosters = self._rosters(db) if duties else {}
            behind = [name for name, key in rosters.items() if key <= time_key(at)]
            if not behind:
                return self._read_due(db, query, at, limit, bool(rosters))
        self._list_roster(behind, at)  # what fell due since the last poll, then read again
        with self._read() as db:
            return self._read_due(db, query, at, limit, True)

    def _read_due(
        self, db: Db, query: str, at: datetime, limit: int, duties: bool
    ) -> list[DueItem]:
        rows = db.execute(query, (time_key(at), limit)).fetchall()
        listed = self._due_duties(db, at, limit) if duties else []
        return merge_due([DueItem.from_row(r) for r in rows], listed, limit)
