"""The obligation value (时限义务) a case owes, and its status at an instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from ..._dt import ensure_aware
from ...model import Severity
from ...model.vocab import ObligationKind, label_of

__all__ = ["NO_DUE", "Obligation", "Status"]

NO_DUE: datetime = datetime(9999, 12, 31, tzinfo=UTC)
"""The ``due_at`` of an obligation without ``within`` (:attr:`Obligation.timed` is false): no
due instant, later than any instant a case records, so it never falls due and sorts last."""

Status = Literal["pending", "due_soon", "met", "late", "breached", "waived"]


@dataclass(frozen=True, slots=True)
class Obligation:
    """One deadline a case owes (时限义务): to ``role``, of ``kind``, by ``due_at``.

    ``status(now)`` is ``pending``, ``due_soon`` (its first warning instant, ``warn_at``, has
    come; without warning instants, the policy's share of the elapsed span has passed),
    ``met`` (met at or before ``due_at``, never breached), ``late`` (met after a breach),
    ``breached`` (unmet past it) or ``waived`` (released with a ``waive`` command before it was
    breached; one waived after its due instant stays ``breached``). An obligation whose case
    closed before it was met stays ``breached`` if it was overdue. The status is as of
    ``now``: a meeting event after ``now`` is not seen, so a past instant gives the status an
    officer saw then.

    A breach is never erased: ``breached_at`` keeps the due instant it passed unmet. Where the
    policy allows late extension, an extended obligation has a new ``due_at`` ahead and is
    ``pending`` or ``due_soon`` again, but keeps ``breached_at``; met, it is ``late``.
    """

    id: str
    kind: str
    role: str
    rule: str
    anchor_at: datetime
    due_at: datetime
    """The due instant; :data:`NO_DUE` for an obligation without ``within`` (see
    :attr:`timed`)."""
    met_at: datetime | None = None
    met_by: int | None = None
    """The version (1-based event number) of the event that met it."""
    closed_at: datetime | None = None
    """When it stopped being owed unmet (case closed, level lowered, recurrence ended)."""
    breached_at: datetime | None = None
    """The due instant it passed unmet (the instant it became breached), once the events show
    it: met or closed after it, an event recorded after it while still owed, or a late
    extension that moved it on. ``None`` while no breach is recorded; once set, it stays."""
    spec_id: str = ""
    level: Severity | None = None
    extensions: tuple[str, ...] = ()
    paused: bool = False
    """Its clock is stopped now (``pause`` without ``resume`` yet)."""
    provisional: bool = False
    """Computing the due instant needed a day that is not settled (a year past the official
    data, or the December of the last known year): it is counted on the projection (weekends
    and statutory holidays rest, no 调休 make-up days) and may move once the year's official
    notice is known. Elapsed durations (``3h``) never are."""
    due_soon_share: float = 0.75
    source: Literal["obligation", "ladder"] = "obligation"
    text: str = ""
    own_label: str = ""
    """The institution's own name for it (``label`` in the policy: 特报), if it has one."""
    warn_at: tuple[datetime, ...] = ()
    """Its warning instants (预警), earliest first, counted on its own clock (working time for
    working-day and working-hour deadlines): the policy's ``warnings`` points, or the one at
    ``timing.due_soon_share``. It is ``due_soon`` from the first on."""
    # -- the second edition: recipients, the acting role, waivers --------------------------
    roles: tuple[str, ...] = ()
    """Every role a report to which meets it (``role`` is the first); empty: ``role`` only."""
    by: str | None = None
    """The role that must act (the sender); accountability charges it. ``None``: the
    recipient ``role`` is charged, as before."""
    waived_at: datetime | None = None
    """When a ``waive`` command released it (with a reason, by an actor)."""
    waived_by: int | None = None
    """The version (1-based event number) of the ``waive`` event."""

    @property
    def projected(self) -> bool:
        """The earlier name of :attr:`provisional` (read-only)."""
        return self.provisional

    @property
    def is_open(self) -> bool:
        """Still owed: not met and not closed."""
        return self.met_at is None and self.closed_at is None

    def status(self, now: datetime) -> Status:
        now = ensure_aware(now, "now")
        breached = self.breached_at is not None
        due = self.due_at
        if self.met_at is not None and self.met_at <= now:
            return "late" if breached or self.met_at > due else "met"
        waived = self.waived_at is not None
        if self.waived_at is not None and self.waived_at <= now and not breached:
            return "waived"
        if not self.timed:
            return "pending"
        if self.closed_at is not None and self.closed_at <= due and not breached and not waived:
            return "met"  # pragma: no cover - closed-in-time obligations are not listed
        if now > due and not self.paused:
            return "breached"
        if self.closed_at is not None and self.closed_at <= now:
            return "breached"  # closed after its due instant, or after a breach kept
        first = self.first_warning
        return "due_soon" if not self.paused and first is not None and now >= first else "pending"

    @property
    def first_warning(self) -> datetime | None:
        """The instant it turns ``due_soon`` (while it runs): the first of ``warn_at``, or
        without them the ``due_soon_share`` of the elapsed span (``None``: no span)."""
        if self.warn_at:
            return self.warn_at[0]
        span = (self.due_at - self.anchor_at).total_seconds()
        return self.anchor_at + timedelta(seconds=span * self.due_soon_share) if span > 0 else None

    @property
    def timed(self) -> bool:
        """Whether it has a due instant. One without (no ``within`` in the policy) is owed,
        a guard may wait for it and ``archive`` does, but it never falls due: its
        ``due_at`` is :data:`NO_DUE`, it is never ``due_soon`` or ``breached``, and a
        notification plan leaves it out."""
        return self.due_at != NO_DUE

    @property
    def recipients(self) -> tuple[str, ...]:
        """The roles a report to which meets it: :attr:`roles`, or ``(role,)``."""
        return self.roles or (self.role,)

    @property
    def charged(self) -> str:
        """The role accountability charges: the acting role :attr:`by`, else :attr:`role`."""
        return self.by or self.role

    @property
    def label(self) -> str:
        """The Chinese name: the institution's own (特报) where the policy gives one, else
        the kind's (报告, 答复 ...)."""
        return self.own_label or label_of(ObligationKind, self.kind) or self.kind

    def warnings_passed(self, now: datetime) -> int:
        """How many of its warning instants have come by ``now``."""
        now = ensure_aware(now, "now")
        return sum(1 for w in self.warn_at if w <= now)
