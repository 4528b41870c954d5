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
