"""The case-state fold (案件状态): where a case stands after its last event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .incident import Incident
from .severity import Severity

__all__ = ["CaseState"]


@dataclass(frozen=True, slots=True)
class CaseState:
    """The fold of a case's events: where it stands after the last one."""

    state: str
    severity: Severity
    incident: Incident
    opened_at: datetime
    last_at: datetime
    unit: str | None = None
    reply_drafted: bool = False
    reply_approved: bool = False
    reviewed: bool = False
    referred_to: tuple[str, ...] = ()
    paused_since: datetime | None = None

    def moved(
        self, last_at: datetime, state: str | None = None, incident: Incident | None = None
    ) -> CaseState:
        """The fold after an event at ``last_at`` that moves the case to ``state`` and
        changes its ``incident`` (``None``: as it was): ``dataclasses.replace`` without its
        per-call introspection, which would be the costliest step of applying an event."""
        return CaseState(
            self.state if state is None else state,
            self.severity,
            self.incident if incident is None else incident,
            self.opened_at,
            last_at,
            self.unit,
            self.reply_drafted,
            self.reply_approved,
            self.reviewed,
            self.referred_to,
            self.paused_since,
        )
