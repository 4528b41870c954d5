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
        per-call introspection, which would be the costliest step of applying an event.

        Built as :class:`_Draft` (the same slots, set as plainly as any attribute) and made a
        ``CaseState`` once whole: a frozen dataclass's ``__init__`` sets each field through
        ``object.__setattr__``, three times the cost of building the fold this way."""
        new = _new(_Draft)
        new.state = self.state if state is None else state
        new.severity = self.severity
        new.incident = self.incident if incident is None else incident
        new.opened_at = self.opened_at
        new.last_at = last_at
        new.unit = self.unit
        new.reply_drafted = self.reply_drafted
        new.reply_approved = self.reply_approved
        new.reviewed = self.reviewed
        new.referred_to = self.referred_to
        new.paused_since = self.paused_since
        new.__class__ = CaseState  # type: ignore[assignment]
        return new  # type: ignore[return-value]


class _Draft:
    """A :class:`CaseState` being built by :meth:`CaseState.moved`: its very slots (so that
    the object can become a ``CaseState``), settable while it is built."""

    __slots__ = CaseState.__slots__
    state: str
    severity: Severity
    incident: Incident
    opened_at: datetime
    last_at: datetime
    unit: str | None
    reply_drafted: bool
    reply_approved: bool
    reviewed: bool
    referred_to: tuple[str, ...]
    paused_since: datetime | None


_new = object.__new__
