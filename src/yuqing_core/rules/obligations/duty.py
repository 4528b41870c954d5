"""A duty: the fold's running record of one obligation while the events come in.

A duty is what an :class:`~.obligation.Obligation` is before the fold is read: its due
instant is not fixed yet (a pause, an extension or a merge at escalation may still move it).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from ...model import Severity
from ...policy.obligation_spec import MetBySpec
from ...policy.schema import ObligationSpec
from ...time.duration import Duration, DurationKind
from .obligation import NO_DUE

if TYPE_CHECKING:
    from ...time.calendar import WorkCalendar

__all__ = ["Duty"]

_R = TypeVar("_R")


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
    within: Duration | None
    """``None``: no due instant (ordered, not timed)."""
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
    breached_at: datetime | None = None
    """The due instant it passed unmet, kept when a late extension moved it on."""
    fixed_due: datetime | None = None
    """A due instant fixed when the duty was made (ladder steps)."""
    fixed_provisional: bool = False
    """Whether computing ``fixed_due`` needed a day that is not settled."""
    source: Literal["obligation", "ladder"] = "obligation"
    label: str = ""
    """The institution's own name for it (a ladder's ``label``; an obligation's is on its
    spec)."""
    # -- the second edition: recipients, the acting role, what meets it, waivers -----------
    roles: tuple[str, ...] = ()
    """Every recipient a report to which meets it; empty: ``role`` only."""
    by: str | None = None
    """The role that must act (charged by accountability)."""
    conditions: tuple[MetBySpec, ...] = ()
    """What meets it, with the acting roles and recipients that count; empty: any firing of
    a ``met_by`` trigger."""
    waived_at: datetime | None = None
    waived_version: int | None = None
    # -- what was computed from it, kept while what it was computed from stays ------------
    memo: dict[str, tuple[tuple[Any, ...], Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Results computed from the duty (its deadline, its warning instants), each with the
    inputs it was computed from: :meth:`recall` gives one back only while every input is
    the very same object, so a duty read after every event is not counted again."""

    def recall(self, name: str, key: tuple[Any, ...]) -> Any:
        """The result kept under ``name`` if it was computed from exactly ``key`` (each item
        the same object), else ``None``."""
        kept = self.memo.get(name)
        if kept is None:
            return None
        inputs, result = kept
        if len(inputs) == len(key) and all(map(operator.is_, inputs, key)):
            return result
        return None

    def keep(self, name: str, key: tuple[Any, ...], result: _R) -> _R:
        """Keep ``result``, computed from ``key``, under ``name``; return it."""
        self.memo[name] = (key, result)
        return result

    @property
    def recipients(self) -> tuple[str, ...]:
        return self.roles or (self.role,)

    @property
    def open(self) -> bool:
        return self.met_at is None and self.closed_at is None

    def end_pause(self, at: datetime) -> None:
        """End a running pause at ``at`` (a ``resume``, or the duty met or closed while
        paused: its clock stood still until then)."""
        if self.paused_since is not None:
            self.pauses.append((self.paused_since, at))
            self.paused_since = None

    def due(self, calendar: WorkCalendar) -> datetime:
        """The due instant (see :meth:`deadline`)."""
        return self.deadline(calendar)[0]

    def deadline(self, calendar: WorkCalendar) -> tuple[datetime, bool]:
        """The due instant and whether it is provisional. The due instant is the period from
        the anchor with the pauses, then the extensions (counted from that due instant with
        their total), and no later than the cap; it is provisional when computing it needed a
        day that is not settled, in the period, an extension or the cap.

        Counted once for the same inputs (:meth:`recall`): a pause or an extension is a new
        input, and counts it again."""
        key = (
            calendar,
            self.anchor,
            self.within,
            self.cap,
            self.cap_provisional,
            self.fixed_due,
            self.fixed_provisional,
            len(self.pauses),
            *self.pauses,
            *self.extensions,
        )
        found: tuple[datetime, bool] | None = self.recall("deadline", key)
        if found is not None:
            return found
        return self.keep("deadline", key, self._counted(calendar))

    def _counted(self, calendar: WorkCalendar) -> tuple[datetime, bool]:
        if self.fixed_due is not None:
            return self.fixed_due, self.fixed_provisional
        if self.within is None:
            return (NO_DUE, False) if self.cap is None else (self.cap, self.cap_provisional)
        d = calendar.deadline(self.anchor, self.within, pauses=self.pauses)
        due, provisional = d.at, d.provisional
        for total in self._extension_totals():
            e = calendar.extension(due, total)
            due, provisional = e.at, provisional or e.provisional
        if self.cap is not None:
            provisional = provisional or self.cap_provisional
            if self.cap < due:
                due = self.cap
        return due, provisional

    def extended_by(self, kind: DurationKind) -> int:
        """The amount of the extensions of ``kind`` so far (days, working days or minutes)."""
        return sum(d.amount for d in map(Duration.parse, self.extensions) if d.kind is kind)

    def _extension_totals(self) -> list[Duration]:
        # The cap makes every extension of one duty share a unit, so this is one total; a
        # record with several units adds each up, in the order they first appear.
        kinds = dict.fromkeys(Duration.parse(e).kind for e in self.extensions)
        return [Duration(kind, self.extended_by(kind)) for kind in kinds]
