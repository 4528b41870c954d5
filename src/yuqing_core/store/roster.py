"""The duty roster in the store (值班表): the policy's monitoring duties that belong to no case.

The engine (:mod:`yuqing_core.rules.roster`) computes a roster from the policy, a window and
the fulfilments recorded so far; a store keeps what a host needs to ask it every minute:

- **the start** (``yq_rosters``): a policy's roster is kept from the instant the host starts
  it, :meth:`~DutyRoster.start_roster`, never on its own: a host that keeps only cases sees
  no duty in its due list. Starting it again with the same policy version changes nothing
  (a host may call it at every start-up); with another version of the policy, the roster
  follows that version from then on (the instants listed before stay as listed).
- **the fulfilments** (``yq_duty_fulfilments``), appended by :meth:`~DutyRoster.fulfil_duty`
  and never changed, each with the due instant it meets (:func:`~yuqing_core.rules.roster.
  serves`: the one it names, else the nearest less than a step of the duty's rule away).
- **the unmet due instants** (``yq_roster_due``), listed up to a watermark (``listed_key``).
  :meth:`EventStore.due_before <yuqing_core.store.base.EventStore.due_before>` first moves the
  watermark of each started roster up to the instant asked for, listing the instants in
  between that no fulfilment met, so a poll costs what happened since the last one, never
  the roster's age. A fulfilment removes the instant it meets.

A roster duty's :class:`~yuqing_core.store.due.DueItem` has an empty ``case_id`` (the marker:
every case has an id) and the duty's id as ``obligation_id``, as in
:func:`~yuqing_core.accountability.duty_accountability`. Duties carry no warning instants,
so :meth:`due_soon_before` lists none of them; claims (``claim_due``), ``next_due`` and the
outbox serve case obligations only. ``while_open`` duties depend on the cases open and are
left out of the store's roster (the engine lists them: :func:`yuqing_core.rules.roster.
roster` with ``cases=``).

The actor of a fulfilment is personal data: the store keeps it (accountability reads it back
as the engine's :class:`~yuqing_core.rules.roster.DutyFulfilment`, whose ``repr`` leaves it
out) and never puts it in an error or a log record.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Final

from .._dt import ensure_aware
from ..accountability import AccountabilityRow
from ..accountability import duty_accountability as account_for
from ..api import Policy
from ..errors import InvalidArgumentError, StoreError
from ..policy.data import short_fingerprint
from ..rules.monitoring import CaseSpan, duty_instants
from ..rules.roster import DutyFulfilment, duty_step, fulfil, serves
from .due import DueItem, from_time_key, time_key
from .policies import PolicyBook
from .rows import PolicyRow
from .schema import INSERT_POLICY

if TYPE_CHECKING:
    from .base import Db

__all__ = ["DutyRoster", "merge_due"]

SELECT_ROSTER = (
    "SELECT fingerprint, start_at, start_key, listed_key FROM yq_rosters WHERE policy = ?"
)
SELECT_ROSTERS = "SELECT policy, listed_key FROM yq_rosters ORDER BY policy"
INSERT_ROSTER = (
    "INSERT INTO yq_rosters (policy, fingerprint, start_at, start_key, listed_key) "
    "VALUES (?, ?, ?, ?, ?)"
)
SET_VERSION = "UPDATE yq_rosters SET fingerprint = ? WHERE policy = ?"
SET_LISTED = "UPDATE yq_rosters SET listed_key = ? WHERE policy = ?"
INSERT_FULFILMENT = (
    "INSERT INTO yq_duty_fulfilments "
    "(policy, duty_id, at, at_key, actor, report, due_at, served_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
SELECT_SERVED = (
    "SELECT served_key FROM yq_duty_fulfilments WHERE policy = ? AND duty_id = ? "
    "AND served_key >= ? AND served_key < ?"
)
SELECT_FULFILMENTS = (
    "SELECT duty_id, at, actor, report, due_at FROM yq_duty_fulfilments "
    "WHERE policy = ? AND at_key >= ? AND at_key < ? ORDER BY id"
)
INSERT_DUE = (
    "INSERT INTO yq_roster_due "
    "(policy, duty_id, due_key, due_at, kind, role, rule, provisional) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (policy, duty_id, due_key) DO NOTHING"
)
DELETE_DUE = "DELETE FROM yq_roster_due WHERE policy = ? AND duty_id = ? AND due_key = ?"
# The roster's index covers every column read here, as the due index does for cases; the
# columns are the case due query's (DueItem.from_row), with no case id and no warnings.
SELECT_DUE_DUTIES = (
    "SELECT '', duty_id, policy, kind, role, rule, due_at, provisional, '' FROM yq_roster_due "
    "WHERE due_key <= ? ORDER BY due_key, duty_id, policy LIMIT ?"
)

_CHUNK: Final = timedelta(days=31)
"""The span listed at a time when a watermark moves (a minutely duty stays well within
:data:`~yuqing_core.rules.monitoring.MAX_INSTANTS`)."""


class DutyRoster(abc.ABC):
    """The duty roster's part of the store contract (mixed into
    :class:`~yuqing_core.store.base.EventStore`)."""

    where: str
    _policies: PolicyBook
    _FOR_UPDATE: ClassVar[str] = ""
    """What locks the roster's row for the rest of a write (PostgreSQL: ``FOR UPDATE``;
    SQLite's write lock holds the whole file)."""

    @abc.abstractmethod
    def _write(self) -> AbstractContextManager[Db]: ...

    @abc.abstractmethod
    def _read(self) -> AbstractContextManager[Db]: ...

    def start_roster(self, policy: Policy, *, at: datetime) -> datetime:
        """Keep ``policy``'s duty roster from ``at`` on; return the instant it is kept from.

        Its duties are owed from that instant: they appear in :meth:`due_before` and in
        :meth:`duty_accountability`. A roster started already keeps its start: with the same
        policy version nothing changes; with another version of the policy, the instants
        up to ``at`` are listed under the old one and the roster follows the new one from
        then on.
        """
        at = ensure_aware(at, "at")
        _check_policy(policy, "start_roster")
        seen = PolicyRow(policy.fingerprint, policy.name, policy.spec_json, at.isoformat())
        with self._write() as db:
            db.executemany(INSERT_POLICY, [seen])
            row = db.execute(SELECT_ROSTER + self._FOR_UPDATE, (policy.name,)).fetchone()
            if row is None:
                key = time_key(at)
                db.execute(
                    INSERT_ROSTER, (policy.name, policy.fingerprint, at.isoformat(), key, key)
                )
                return at
            if row[0] != policy.fingerprint:
                self._list_until(db, policy.name, time_key(at))
                db.execute(SET_VERSION, (policy.fingerprint, policy.name))
            return datetime.fromisoformat(str(row[1]))

    def roster_start(self, policy: Policy | str) -> datetime | None:
        """The instant the roster of ``policy`` (a policy or its name) is kept from, or
        ``None`` if it was never started."""
        name = policy if isinstance(policy, str) else policy.name
        with self._read() as db:
            row = db.execute(SELECT_ROSTER, (name,)).fetchone()
        return None if row is None else datetime.fromisoformat(str(row[1]))

    def fulfil_duty(
        self,
        policy: Policy,
        duty_id: str,
        *,
        at: datetime,
        actor: str,
        report: str | None = None,
        due_at: datetime | None = None,
    ) -> DutyFulfilment:
        """Record that ``actor`` met the roster duty ``duty_id`` at ``at`` (with ``report``, a
        reference to what was filed); return the fulfilment.

        The arguments are :func:`yuqing_core.rules.roster.fulfil`'s: ``due_at`` names the due
        instant it serves; without it, it meets the due instant nearest to ``at`` (less
        than a step of the duty's rule away) unless another fulfilment met that one. A duty
        the policy does not have, a ``due_at`` the duty does not fall due at, a naive time
        or an empty actor raise :class:`~yuqing_core.errors.InvalidArgumentError`; a roster
        not started, another version of the policy than the roster follows, or an ``at``
        before the roster's start raise :class:`~yuqing_core.StoreError`. Nothing is written
        then, and no message names the actor.
        """
        _check_policy(policy, "fulfil_duty")
        done = fulfil(policy, duty_id, at=at, actor=actor, report=report, due_at=due_at)
        target = serves(policy, done)
        served = None if target is None else time_key(target)
        with self._write() as db:
            start = self._started(db, policy, lock=True)
            if done.at < start:
                raise StoreError(
                    f"{self.where}: a fulfilment of duty {duty_id!r} at {done.at.isoformat()} "
                    f"is before the roster of policy {policy.name!r} starts "
                    f"({start.isoformat()}); nothing was written"
                )
            db.execute(INSERT_FULFILMENT, _fulfilment_row(policy.name, done, served))
            if served is not None:
                db.execute(DELETE_DUE, (policy.name, duty_id, served))
        return done

    def duty_accountability(
        self,
        policy: Policy,
        start: datetime,
        end: datetime,
        *,
        now: datetime,
        cases: Iterable[CaseSpan] = (),
    ) -> list[AccountabilityRow]:
        """The roster duties due in ``[start, end)`` (and not before the roster's start) met
        late or missed as of ``now``, from the stored fulfilments: the rows of
        :func:`yuqing_core.accountability.duty_accountability`. ``cases``: the open case
        spans ``while_open`` duties look at (:func:`~yuqing_core.accountability.case_spans`
        of ``store.load_all(policy)``)."""
        start, end = ensure_aware(start, "start"), ensure_aware(end, "end")
        now = ensure_aware(now, "now")
        _check_policy(policy, "duty_accountability")
        reach = max((duty_step(d.rrule) for d in policy.spec.monitoring), default=timedelta(0))
        with self._read() as db:
            begin = max(start, self._started(db, policy, lock=False))
            lo, hi = time_key(begin - reach), time_key(end + reach) + 1
            rows = db.execute(SELECT_FULFILMENTS, (policy.name, lo, hi)).fetchall()
        if start < end <= begin:
            return []  # the period ends before the roster starts
        done = _fulfilments(policy, rows)
        first = begin if start < end else start  # an empty period: the error names it
        return account_for(policy, first, end, done, now=now, cases=cases)

    # -- the due list ------------------------------------------------------------------------

    @staticmethod
    def _rosters(db: Db) -> dict[str, int]:
        """The started rosters (a few rows): each policy's name and watermark."""
        return {str(r[0]): int(r[1]) for r in db.execute(SELECT_ROSTERS).fetchall()}

    def _list_roster(self, behind: Iterable[str], at: datetime) -> None:
        """Move the watermarks of the rosters ``behind`` past ``at``: their unmet instants up
        to ``at`` listed."""
        for name in behind:
            with self._write() as db:
                self._list_until(db, name, time_key(at) + 1)

    def _list_until(self, db: Db, name: str, key: int) -> None:
        """List the unmet instants of roster ``name`` due before the time key ``key``."""
        row = db.execute(SELECT_ROSTER + self._FOR_UPDATE, (name,)).fetchone()
        if row is None or int(row[3]) >= key:
            return  # another writer listed them first
        policy = self._roster_policy(db, name, str(row[0]))
        lo = int(row[3])
        while lo < key:
            hi = min(key, time_key(from_time_key(lo) + _CHUNK))
            db.executemany(INSERT_DUE, _unmet(db, policy, lo, hi))
            lo = hi
        db.execute(SET_LISTED, (key, name))

    def _roster_policy(self, db: Db, name: str, fingerprint: str) -> Policy:
        found = self._policies.get(db, fingerprint)
        if found is None:
            raise StoreError(
                f"{self.where}: the roster of policy {name!r} follows version "
                f"{short_fingerprint(fingerprint)}, which the policy table does not hold"
            )
        return found

    @staticmethod
    def _due_duties(db: Db, at: datetime, limit: int) -> list[DueItem]:
        """The roster's unmet instants due by ``at`` (listed already), earliest first."""
        rows = db.execute(SELECT_DUE_DUTIES, (time_key(at), limit)).fetchall()
        return [DueItem.from_row(r) for r in rows]

    def _started(self, db: Db, policy: Policy, *, lock: bool) -> datetime:
        """The start of ``policy``'s roster, which must follow ``policy``'s version."""
        query = SELECT_ROSTER + (self._FOR_UPDATE if lock else "")
        row = db.execute(query, (policy.name,)).fetchone()
        if row is None:
            raise StoreError(
                f"{self.where}: the duty roster of policy {policy.name!r} is not started; "
                "start it with store.start_roster(policy, at=...)"
            )
        if row[0] != policy.fingerprint:
            raise StoreError(
                f"{self.where}: the duty roster of policy {policy.name!r} follows version "
                f"{short_fingerprint(str(row[0]))}, not {short_fingerprint(policy.fingerprint)}; "
                "move it with store.start_roster(policy, at=...)"
            )
        return datetime.fromisoformat(str(row[1]))


def merge_due(items: Sequence[DueItem], duties: Sequence[DueItem], limit: int) -> list[DueItem]:
    """Case items and roster items in one list, earliest first (a roster item before the
    cases' at one instant), at most ``limit``."""
    if not duties:
        return list(items)
    both = [*items, *duties]
    both.sort(key=lambda i: (time_key(i.due_at), i.case_id, i.obligation_id, i.policy))
    return both[:limit]


def _check_policy(policy: object, what: str) -> None:
    if not isinstance(policy, Policy):
        raise InvalidArgumentError(f"{what} needs a Policy, got {type(policy).__name__}")


def _unmet(db: Db, policy: Policy, lo: int, hi: int) -> list[tuple[Any, ...]]:
    """The rows of the roster's instants due in ``[lo, hi)`` (time keys) no fulfilment met."""
    start, end = from_time_key(lo), from_time_key(hi)
    out: list[tuple[Any, ...]] = []
    for index, duty in enumerate(policy.spec.monitoring):
        if duty.while_open is not None:
            continue  # owed only while cases are open: the engine's, with cases=
        listed = duty_instants(policy, index, start, end)
        if not listed:
            continue
        met = {int(r[0]) for r in db.execute(SELECT_SERVED, (policy.name, duty.id, lo, hi))}
        out += [
            (
                policy.name,
                i.duty_id,
                k,
                i.due_at.isoformat(),
                i.kind,
                i.role,
                i.rule,
                int(i.provisional),
            )
            for i in listed
            if (k := time_key(i.due_at)) not in met
        ]
    return out


def _fulfilment_row(name: str, done: DutyFulfilment, served: int | None) -> tuple[Any, ...]:
    due = None if done.due_at is None else done.due_at.isoformat()
    at = done.at
    return (name, done.duty_id, at.isoformat(), time_key(at), done.actor, done.report, due, served)


def _fulfilments(policy: Policy, rows: Iterable[Sequence[Any]]) -> list[DutyFulfilment]:
    """The stored fulfilments of the duties ``policy`` has (an older version's others left
    out)."""
    ids = {d.id for d in policy.spec.monitoring}
    return [
        DutyFulfilment(
            str(duty),
            datetime.fromisoformat(str(at)),
            str(actor),
            None if report is None else str(report),
            None if due is None else datetime.fromisoformat(str(due)),
        )
        for duty, at, actor, report, due in rows
        if duty in ids
    ]
