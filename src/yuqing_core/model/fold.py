"""The case-state fold (案件状态): where a case stands after its last event."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from .incident import Incident
from .severity import Severity

__all__ = ["CaseState"]


class CaseState(NamedTuple):
    """The fold of a case's events: where it stands after the last one.

    Immutable (a named tuple): applying an event makes the next fold, and a replayed case
    makes one per event, so it is built as cheaply as Python builds anything with eleven
    fields (a frozen dataclass sets each field through ``object.__setattr__``, three times
    the cost)."""

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
        changes its ``incident`` (``None``: as it was): ``_replace`` without its per-call
        keyword handling, and built as the named tuple's own ``_make`` builds it (the tuple of
        its fields, no Python-level ``__new__``): the costliest step of applying an event
        otherwise."""
        return _tuple_new(
            CaseState,
            (
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
            ),
        )


_tuple_new = tuple.__new__
