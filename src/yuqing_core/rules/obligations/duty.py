"""A duty: the fold's running record of one obligation while the events come in.

A duty is what an :class:`~.obligation.Obligation` is before the fold is read: its due
instant is not fixed yet (a pause, an extension or a merge at escalation may still move it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from ...model import Severity
from ...policy.schema import ObligationSpec
from ...time.duration import Duration

if TYPE_CHECKING:
    from ...time.calendar import WorkCalendar

__all__ = ["Duty", "extension_applies"]


@dataclass(slots=True)
class Duty:
    """One obligation as the fold tracks it: where its clock started, what stopped or moved
    it, and whether it was met (``met_at``, by event ``met_version``) or closed unmet."""

    id: str
    spec: ObligationSpec | None
    """The policy entry it comes from; ``None`` for a ladder step."""
    kind: str
    role: str
    rule: str
    anchor: datetime
    within: Duration
    level: Severity | None
    met_by: tuple[str, ...]
    """The triggers that meet it."""
    text: str
    seq: int = 1
    """Its place in a recurring series (续报): ``#2`` and on."""
    met_at: datetime | None = None
    met_version: int | None = None
    closed_at: datetime | None = None
    cap: datetime | None = None
    """An earlier due instant a same-kind duty of a higher level imposed (P7)."""
    cap_provisional: bool = False
    """Whether computing ``cap`` needed a day that is not settled."""
    cap_rule: str | None = None
    pauses: list[tuple[datetime, datetime]] = field(default_factory=list)
    paused_since: datetime | None = None
    extensions: list[str] = field(default_factory=list)
    fixed_due: datetime | None = None
    """A due instant fixed when the duty was made (ladder steps)."""
    fixed_provisional: bool = False
    """Whether computing ``fixed_due`` needed a day that is not settled."""
    source: Literal["obligation", "ladder"] = "obligation"

    @property
    def open(self) -> bool:
        return self.met_at is None and self.closed_at is None

    def due(self, calendar: WorkCalendar) -> datetime:
        """The due instant: the period from the anchor with the pauses, then the extensions,
        and no later than the cap. (:meth:`deadline` gives the same instant, and more.)"""
        if self.fixed_due is not None:
            return self.fixed_due
        due = calendar.due(self.anchor, self.within, pauses=self.pauses)
        for ext in self.extensions:
            due = calendar.extend(due, ext)
        if self.cap is not None and self.cap < due:
            due = self.cap
        return due

    def deadline(self, calendar: WorkCalendar) -> tuple[datetime, bool]:
        """The due instant (as :meth:`due`) and whether it is provisional: whether computing
        it needed a day that is not settled, in the period, an extension or the cap."""
        if self.fixed_due is not None:
            return self.fixed_due, self.fixed_provisional
        d = calendar.deadline(self.anchor, self.within, pauses=self.pauses)
        due, provisional = d.at, d.provisional
        for ext in self.extensions:
            e = calendar.extension(due, ext)
            due, provisional = e.at, provisional or e.provisional
        if self.cap is not None:
            provisional = provisional or self.cap_provisional
            if self.cap < due:
                due = self.cap
        return due, provisional


def extension_applies(spec: ObligationSpec | None, ident: str, target: str | None) -> bool:
    """Whether an ``extend`` naming ``target`` (or none) extends the open obligation ``ident``
    of ``spec``: only obligations the policy marks extendable, and only the one named."""
    if spec is None or not spec.extendable:
        return False
    return target is None or target in (ident, spec.id)
