"""What the service does, without HTTP (服务后端): the policies it serves, the store it keeps
cases in, and each operation as calls into the library. The routes
(:mod:`yuqing_core.service.app`) only turn requests into these calls and results into JSON.

The store is anything with the methods of :class:`CaseStore`: :class:`~yuqing_core.SQLiteStore`
today (``yuqing serve --db FILE``), and a PostgreSQL store with the same methods later.
A store that is not safe to share between threads is used by one request at a time
(``exclusive``, the default, as SQLite's one connection needs).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from ..accountability import accountability
from ..api import Policy
from ..model import Event, Incident, Severity
from ..presets import load as load_preset
from ..presets import names as preset_names
from ..store import ClaimedDue, DueItem, OutboxEntry
from ..wire.forms import (
    accountability_row_json,
    claimed_due_json,
    due_item_json,
    notification_json,
    obligation_json,
    outbox_entry_json,
)
from ..workflow.case import Case
from .problems import NotFoundError

__all__ = ["Backend", "CaseStore", "Command", "case_json"]

_T = TypeVar("_T")


class Command(Protocol):
    """A command as the service read it (``CommandBody``)."""

    trigger: str
    at: datetime
    actor: str
    actor_roles: list[str] | None
    data: dict[str, Any]


class CaseStore(Protocol):
    """The store methods the service uses: those :class:`~yuqing_core.SQLiteStore` and
    :class:`~yuqing_core.PostgresStore` share."""

    def save(self, case: Case) -> int: ...
    def load(self, policy: Policy, case_id: str) -> Case: ...
    def load_all(self, policy: Policy) -> Iterator[Case]: ...
    def due_before(self, at: datetime, limit: int = 100) -> list[DueItem]: ...
    def __contains__(self, case_id: object) -> bool: ...
    def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[ClaimedDue]: ...
    def ack(self, claims: Iterable[ClaimedDue]) -> int: ...
    def release(self, claims: Iterable[ClaimedDue]) -> int: ...
    def claim_outbox(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxEntry]: ...
    def mark_sent(self, entry: OutboxEntry, *, at: datetime, to: str) -> bool: ...
    def release_outbox(self, entries: Iterable[OutboxEntry]) -> int: ...


def case_json(case: Case) -> dict[str, Any]:
    """A case as the service shows it: where it stands, and its events without personal
    data (the ``events`` schema)."""
    return {
        "id": case.id,
        "policy": case.policy.name,
        "state": case.state,
        "severity": case.severity.key,
        "version": case.version,
        "closed": case.is_closed,
        "allowed_triggers": case.allowed_triggers(),
        "events": [e.to_dict(include_personal=False) for e in case.events],
    }


class Backend:
    """The policies and the store of one service, and what it does with them."""

    def __init__(
        self, store: CaseStore, policies: Iterable[Policy] = (), *, exclusive: bool = True
    ) -> None:
        self.store = store
        self._files = {p.name: p for p in policies}
        self._lock: AbstractContextManager[Any] = threading.Lock() if exclusive else nullcontext()

    def _with_store(self, work: Callable[[], _T]) -> _T:
        with self._lock:
            return work()

    def policy(self, name: str) -> Policy:
        """A policy the service serves: a file given at start, or a preset."""
        if name in self._files:
            return self._files[name]
        if name in preset_names():
            return load_preset(name)
        raise NotFoundError(f"no policy {name!r} (GET /v1/policies lists them)")

    def policies(self) -> dict[str, Any]:
        served = [self.policy(n) for n in dict.fromkeys([*self._files, *preset_names()])]
        return {
            "presets": preset_names(),
            "policies": [
                {"name": p.name, "fingerprint": p.fingerprint, "preset": p.name not in self._files}
                for p in served
            ],
        }

    def _load(self, policy: Policy, case_id: str) -> Case:
        if case_id not in self.store:
            raise NotFoundError(f"no case {case_id!r}")
        return self.store.load(policy, case_id)

    def open_case(
        self,
        policy_name: str,
        incident: Incident,
        *,
        at: datetime,
        actor: str,
        severity: Severity | str | None,
        reason: str | None,
    ) -> dict[str, Any]:
        policy = self.policy(policy_name)
        case = policy.open_case(incident, at=at, actor=actor, severity=severity, reason=reason)
        self._with_store(lambda: self.store.save(case))
        return case_json(case)

    def case(self, policy_name: str, case_id: str) -> dict[str, Any]:
        policy = self.policy(policy_name)
        return case_json(self._with_store(lambda: self._load(policy, case_id)))

    def fire(self, policy_name: str, case_id: str, command: Command) -> dict[str, Any]:
        """Fire one command; the events it recorded (with an automatic escalation it caused)
        and the case after it."""
        policy = self.policy(policy_name)
        c = command

        def work() -> tuple[Case, tuple[Event, ...]]:
            case = self._load(policy, case_id)
            before = case.version
            case.fire(c.trigger, at=c.at, actor=c.actor, actor_roles=c.actor_roles, **c.data)
            self.store.save(case)
            return case, case.events[before:]

        case, recorded = self._with_store(work)
        return {
            "recorded": [e.to_dict(include_personal=False) for e in recorded],
            "case": case_json(case),
        }

    def obligations(self, policy_name: str, case_id: str, at: datetime) -> dict[str, Any]:
        policy = self.policy(policy_name)
        case = self._with_store(lambda: self._load(policy, case_id))
        return {
            "case_id": case.id,
            "at": at.isoformat(),
            "obligations": [obligation_json(ob, at) for ob in case.obligations],
        }

    def notifications(self, policy_name: str, case_id: str, at: datetime) -> dict[str, Any]:
        policy = self.policy(policy_name)
        case = self._with_store(lambda: self._load(policy, case_id))
        items = case.notifications(at)
        return {
            "case_id": case.id,
            "at": at.isoformat(),
            "notifications": [notification_json(n) for n in items],
        }

    def due(self, before: datetime, limit: int) -> dict[str, Any]:
        items = self._with_store(lambda: self.store.due_before(before, limit))
        return {"before": before.isoformat(), "items": [due_item_json(i) for i in items]}

    def accountability(
        self, policy_name: str, start: datetime, end: datetime, now: datetime
    ) -> dict[str, Any]:
        policy = self.policy(policy_name)
        cases = self._with_store(lambda: list(self.store.load_all(policy)))
        rows = accountability(cases, start, end, now=now)
        return {
            "policy": policy.name,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "now": now.isoformat(),
            "rows": [accountability_row_json(r) for r in rows],
        }

    # -- work: claims and the outbox (see yuqing_core.service.work) ---------------------------

    def claim_due(self, now: datetime, limit: int, lease_seconds: int) -> dict[str, Any]:
        lease = timedelta(seconds=lease_seconds)
        claims = self._with_store(lambda: self.store.claim_due(now, limit, lease))
        return {"now": now.isoformat(), "claims": [claimed_due_json(c) for c in claims]}

    def end_due(self, claims: list[ClaimedDue], *, done: bool) -> dict[str, Any]:
        """Ack (``done``) or release claimed due items; how many the claims still held."""
        end = self.store.ack if done else self.store.release
        count = self._with_store(lambda: end(claims))
        return {"acked" if done else "released": count}

    def claim_outbox(self, now: datetime, limit: int, lease_seconds: int) -> dict[str, Any]:
        lease = timedelta(seconds=lease_seconds)
        entries = self._with_store(lambda: self.store.claim_outbox(now, limit, lease))
        return {"now": now.isoformat(), "entries": [outbox_entry_json(e) for e in entries]}

    def mark_sent(self, entry: OutboxEntry, at: datetime, to: str) -> dict[str, Any]:
        return {"sent": self._with_store(lambda: self.store.mark_sent(entry, at=at, to=to))}

    def release_outbox(self, entries: list[OutboxEntry]) -> dict[str, Any]:
        return {"released": self._with_store(lambda: self.store.release_outbox(entries))}
