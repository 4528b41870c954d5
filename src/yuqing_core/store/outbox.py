"""The notification outbox (通知发件箱): every notice a case asks for, written with its events.

The library never sends anything (:meth:`Case.notifications <yuqing_core.Case.notifications>`
lists who must be told what). A store keeps that plan as rows of ``yq_outbox``, written in the
same transaction as the events that caused them, each with the instant it becomes sendable:

- ``start``: the obligation's clock started (a new duty, or the next step of a ladder), at its
  anchor;
- ``due_soon``: the policy's share of the span has passed (the instant ``status`` turns
  ``due_soon``);
- ``breached``: the due instant passed unmet, at the due instant.

A row is keyed by case, obligation, stage and due instant, so saving again never repeats a
notice, and an extended deadline gets notices of its own. A notice not sent yet whose
obligation is met, closed or paused, or whose due instant moved, is withdrawn (kept, never
sent). A worker claims sendable entries (``store.claim_outbox``), sends them, and records
when and to whom (``store.mark_sent``): the institution's evidence that people were told.

The recipient (an address the host gives) and the message are stored, never logged, and left
out of every ``repr``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from ..workflow.notices import notifications
from .due import running, time_key

if TYPE_CHECKING:
    from ..rules.obligations import Obligation
    from ..workflow.case import Case

__all__ = [
    "STAGES",
    "OutboxEntry",
    "OutboxRow",
    "Stage",
    "by_due",
    "notices_of",
    "outbox_rows",
]

Stage = Literal["start", "due_soon", "breached"]
STAGES: tuple[Stage, ...] = ("start", "due_soon", "breached")


class OutboxRow(NamedTuple):
    """One planned notice of ``yq_outbox`` (the columns a save writes, in order)."""

    case_id: str
    obligation_id: str
    stage: str
    due_key: int
    sendable_key: int
    sendable_at: str
    policy: str
    role: str
    role_label: str
    kind: str
    rule: str
    due_at: str
    provisional: int
    message: str

    @property
    def key(self) -> tuple[str, str, int]:
        """What identifies it within its case: obligation, stage and due instant."""
        return (self.obligation_id, self.stage, self.due_key)


def outbox_rows(case: Case) -> list[OutboxRow]:
    """The notices ``case`` asks for now: three per open obligation whose clock runs (a
    stopped clock falls due only once it resumes; no deadline, never), earliest due first."""
    return [row for ob in by_due(running(case)) for row in notices_of(case, ob)]


def by_due(obligations: list[Obligation]) -> list[Obligation]:
    """``obligations`` earliest due first (a stable sort: as they arose among equals), the
    order the plan lists them in and the outbox takes them."""
    return sorted(obligations, key=lambda ob: ob.due_at)


def notices_of(case: Case, ob: Obligation) -> list[OutboxRow]:
    """The notices of ``ob``, an open obligation of ``case`` whose clock runs: at its start,
    when it is due soon (if its span has room for it) and at its due instant."""
    plan = notifications(case.policy, case.incident, [ob], ob.anchor_at)[0]
    due_key, due_at = time_key(ob.due_at), ob.due_at.isoformat()
    return [
        OutboxRow(
            case.id,
            ob.id,
            stage,
            due_key,
            time_key(at),
            at.isoformat(),
            case.policy.name,
            ob.role,
            plan.role_label,
            ob.kind,
            ob.rule,
            due_at,
            int(ob.provisional),
            plan.message,
        )
        for stage, at in _instants(ob)
    ]


def _instants(ob: Obligation) -> list[tuple[Stage, datetime]]:
    """When each notice of ``ob`` becomes sendable (``due_soon`` only with a span to share)."""
    out: list[tuple[Stage, datetime]] = [("start", ob.anchor_at)]
    soon = ob.first_warning
    if soon is not None and ob.anchor_at < soon < ob.due_at:
        out.append(("due_soon", soon))
    out.append(("breached", ob.due_at))
    return out


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One notice of the outbox, as claimed by a worker or listed for a case.

    ``token`` and ``lease_until`` are set on a claimed entry; ``sent_at`` and ``sent_to`` once
    it was marked sent; ``withdrawn`` when it no longer applies (never sent). The message and
    the recipient are left out of the ``repr``.
    """

    id: int
    case_id: str
    obligation_id: str
    stage: str
    sendable_at: datetime
    due_at: datetime
    policy: str
    role: str
    role_label: str
    kind: str
    rule: str
    provisional: bool
    message: str = field(repr=False)
    token: str | None = field(default=None, repr=False)
    lease_until: datetime | None = None
    sent_at: datetime | None = None
    sent_to: str | None = field(default=None, repr=False)
    withdrawn: bool = False

    @classmethod
    def from_row(cls, row: Sequence[Any], token: str | None = None) -> OutboxEntry:
        """The entry of one row of :data:`ENTRY_COLUMNS` (and a claim's token)."""
        (ident, case_id, ob, stage, sendable, due, policy, role, label, kind, rule) = row[:11]
        provisional, message, lease, sent_at, sent_to, withdrawn = row[11:]
        return cls(
            id=int(ident),
            case_id=case_id,
            obligation_id=ob,
            stage=stage,
            sendable_at=datetime.fromisoformat(sendable),
            due_at=datetime.fromisoformat(due),
            policy=policy,
            role=role,
            role_label=label,
            kind=kind,
            rule=rule,
            provisional=bool(provisional),
            message=message,
            token=token,
            lease_until=None if lease is None else datetime.fromisoformat(lease),
            sent_at=None if sent_at is None else datetime.fromisoformat(sent_at),
            sent_to=sent_to,
            withdrawn=bool(withdrawn),
        )


# -- the statements both stores share ----------------------------------------------------------

ENTRY_COLUMNS = (
    "id, case_id, obligation_id, stage, sendable_at, due_at, policy, role, role_label, kind, "
    "rule, provisional, message, lease_at, sent_at, sent_to, withdrawn"
)
"""The columns :meth:`OutboxEntry.from_row` reads, in order."""

INSERT_OUTBOX = (
    "INSERT INTO yq_outbox (case_id, obligation_id, stage, due_key, sendable_key, sendable_at, "
    "policy, role, role_label, kind, rule, due_at, provisional, message) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (case_id, obligation_id, stage, due_key) DO UPDATE SET withdrawn = 0 "
    "WHERE yq_outbox.sent_key IS NULL"
)
SELECT_PENDING = (
    "SELECT id, obligation_id, stage, due_key FROM yq_outbox "
    "WHERE case_id = ? AND sent_key IS NULL AND withdrawn = 0"
)
WITHDRAW = "UPDATE yq_outbox SET withdrawn = 1, lease_token = NULL WHERE id = ?"
WITHDRAW_PLANNED = (  # by its key: the notices a case planned before and plans no longer
    "UPDATE yq_outbox SET withdrawn = 1, lease_token = NULL WHERE case_id = ? AND "
    "obligation_id = ? AND stage = ? AND due_key = ? AND sent_key IS NULL AND withdrawn = 0"
)
SELECT_CASE_OUTBOX = (
    f"SELECT {ENTRY_COLUMNS} FROM yq_outbox WHERE case_id = ? ORDER BY sendable_key, id"
)
MARK_SENT = (
    "UPDATE yq_outbox SET sent_key = ?, sent_at = ?, sent_to = ?, lease_token = NULL "
    "WHERE id = ? AND lease_token = ? AND sent_key IS NULL"
)
RELEASE_OUTBOX = (
    "UPDATE yq_outbox SET lease_token = NULL, lease_key = NULL, lease_at = NULL "
    "WHERE id = ? AND lease_token = ? AND sent_key IS NULL"
)
