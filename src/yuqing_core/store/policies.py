"""The policy versions a store has seen (制度版本表): the ``yq_policies`` table, read back.

A case follows the policy version it was opened under until it adopts another, and its events
say which (:mod:`yuqing_core.workflow.versions`). To replay a case the store needs every
version its events were recorded under, whatever the policy file says today: so each save
writes the versions the case followed that the table does not hold yet, as canonical JSON
under their fingerprint. :meth:`SQLiteStore.policy_versions` lists them.

A row is read back into a :class:`~yuqing_core.Policy` and must hash to its fingerprint and
carry its name; a row that does not (it was changed by hand) raises
:class:`~yuqing_core.StoreError`. A fingerprint names its content, so a version read once is
kept in memory for the life of the store object.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..api import Policy, load_policy
from ..errors import PolicyError, PolicyVersionError, StoreError
from ..model.event import Event
from ..policy.data import short_fingerprint
from ..workflow.case import Case
from ..workflow.versions import followed, recorded_fingerprints, version_error
from .schema import SELECT_POLICY, SELECT_POLICY_VERSIONS

if TYPE_CHECKING:
    from .base import Db

__all__ = ["PolicyBook", "PolicyVersion"]


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    """One version of a policy the store keeps (``store.policy_versions(name)``)."""

    fingerprint: str
    name: str
    first_seen_at: datetime
    """The instant from which the first case saved under it followed it (its opening, or its
    adoption), or the ``at`` of the ``reindex`` that brought it."""
    policy: Policy
    """The version itself, ready to load the cases that follow it."""


class PolicyBook:
    """The versions of one store's table, read on demand and kept by fingerprint."""

    def __init__(self, where: str, versions_sql: str = SELECT_POLICY_VERSIONS) -> None:
        """``versions_sql`` lists a name's versions in the order first seen (the database's
        own way of saying that order)."""
        self._where = where
        self._versions_sql = versions_sql
        self._lock = threading.Lock()
        self._read: dict[str, Policy] = {}

    def get(self, db: Db, fingerprint: str) -> Policy | None:
        """The version ``fingerprint`` names, or ``None`` if the table does not hold it."""
        found = self._read.get(fingerprint)
        if found is not None:
            return found
        row = db.execute(SELECT_POLICY, (fingerprint,)).fetchone()
        if row is None:
            return None
        return self._checked(fingerprint, row[0], row[1])

    def follows(self, db: Db, fingerprint: str, case_id: str) -> Policy:
        """The version case ``case_id`` follows, or :class:`~yuqing_core.PolicyVersionError`
        if the table does not hold it."""
        found = self.get(db, fingerprint)
        if found is None:
            raise PolicyVersionError(
                f"case {case_id!r} follows policy version {short_fingerprint(fingerprint)}, "
                "which the store's policy table does not hold",
                case_id=case_id,
                recorded=fingerprint,
            )
        return found

    def held(self, db: Db, fingerprints: Iterable[str]) -> list[Policy]:
        """The versions among ``fingerprints`` the table holds."""
        out = []
        for fingerprint in sorted(fingerprints):
            found = self.get(db, fingerprint)
            if found is not None:
                out.append(found)
        return out

    def replay(
        self,
        db: Db,
        policy: Policy,
        case_id: str,
        events: Sequence[Event],
        stored: object,
        *,
        adopt_at: datetime | None,
        as_recorded: bool,
    ) -> Case:
        """Case ``case_id`` replayed from ``events`` under the versions they were recorded
        under, loaded with ``policy`` (see :meth:`SQLiteStore.load`); ``stored`` is the
        fingerprint of its ``yq_cases`` row, which pins a case recorded before fingerprints."""
        named = followed(events)
        recorded = named or (stored if isinstance(stored, str) else None)
        follows = policy
        if recorded is not None and recorded != policy.fingerprint:
            follows = self.follows(db, recorded, case_id)
        target = follows if as_recorded else policy
        versions = [policy, *self.held(db, recorded_fingerprints(events) - {policy.fingerprint})]
        if named is not None:
            return Case.replay(
                target, events, case_id=case_id, versions=versions, adopt_at=adopt_at
            )
        case = Case.replay(follows, events, case_id=case_id, versions=versions)
        if case.policy.fingerprint != target.fingerprint:
            if adopt_at is None:
                raise version_error(case_id, case.policy, target)
            case.adopt(target, at=adopt_at)
        return case

    def versions(self, db: Db, name: str) -> list[PolicyVersion]:
        """Every version of policy ``name`` the table holds, in the order first seen."""
        out = []
        for fingerprint, spec, first_seen in db.execute(self._versions_sql, (name,)).fetchall():
            policy = self._read.get(fingerprint) or self._checked(fingerprint, name, spec)
            out.append(PolicyVersion(fingerprint, name, self._instant(first_seen), policy))
        return out

    def _checked(self, fingerprint: str, name: object, spec: object) -> Policy:
        what = f"{self._where}: the policy table's row {short_fingerprint(str(fingerprint))}"
        try:
            policy = load_policy(json.loads(str(spec)))
        except (ValueError, PolicyError, RecursionError):
            raise StoreError(f"{what} does not hold a policy the library reads") from None
        if policy.fingerprint != fingerprint or policy.name != name:
            raise StoreError(
                f"{what} does not hold the version its fingerprint names (the row was changed)"
            )
        with self._lock:
            self._read[fingerprint] = policy
        return policy

    def _instant(self, text: object) -> datetime:
        try:
            at = datetime.fromisoformat(str(text))
        except ValueError:
            at = None
        if at is None or at.utcoffset() is None:
            raise StoreError(
                f"{self._where}: a first_seen_at of the policy table is not an instant"
            )
        return at
