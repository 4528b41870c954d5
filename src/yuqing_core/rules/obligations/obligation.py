"""The obligation value (时限义务) a case owes, and its status at an instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ..._dt import ensure_aware
from ...model import Severity
from ...model.vocab import ObligationKind, label_of

__all__ = ["Obligation", "Status"]

Status = Literal["pending", "due_soon", "met", "late", "breached"]


@dataclass(frozen=True, slots=True)
class Obligation:
    """One deadline a case owes (时限义务): to ``role``, of ``kind``, by ``due_at``.

    ``status(now)`` is ``pending``, ``due_soon`` (its first warning instant, ``warn_at``, has
    come; without warning instants, the policy's share of the elapsed span has passed),
    ``met`` (met at or before ``due_at``, never breached), ``late`` (met after a breach) or
    ``breached`` (unmet past it). An obligation whose case closed before it was met stays
    ``breached`` if it was overdue. The status is as of ``now``: a meeting event after ``now``
    is not seen, so a past instant gives the status an officer saw then.

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
        if self.met_at is not None and self.met_at <= now:
            return "late" if breached or self.met_at > self.due_at else "met"
        if self.closed_at is not None and self.closed_at <= self.due_at and not breached:
            return "met"  # pragma: no cover - closed-in-time obligations are not listed
        if now > self.due_at and not self.paused:
            return "breached"
        if self.closed_at is not None and self.closed_at <= now:
            return "breached"  # closed after its due instant, or after a breach kept
        if self.warn_at:
            return "due_soon" if not self.paused and now >= self.warn_at[0] else "pending"
        span = (self.due_at - self.anchor_at).total_seconds()
        if not self.paused and span > 0:
            passed = (now - self.anchor_at).total_seconds()
            if passed >= span * self.due_soon_share:
                return "due_soon"
        return "pending"

    @property
    def label(self) -> str:
        """The Chinese name: the institution's own (特报) where the policy gives one, else
        the kind's (报告, 答复 ...)."""
        return self.own_label or label_of(ObligationKind, self.kind) or self.kind

    def warnings_passed(self, now: datetime) -> int:
        """How many of its warning instants have come by ``now``."""
        now = ensure_aware(now, "now")
        return sum(1 for w in self.warn_at if w <= now)
