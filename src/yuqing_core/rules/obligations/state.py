"""The fold state: what the obligation fold knows of a case between two events.

It is split by what each part is about: the policy's terms (fixed for the fold), the facts of
the case (stage, level, flags, anchors), the duties owed and the escalation ladders running.
Only :meth:`ObligationFold.apply <.fold.ObligationFold.apply>` changes it, through the
per-trigger handlers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from ...model import Category, Severity
from ...model.vocab import FINAL_STATES
from ...policy.schema import LadderSpec, ObligationSpec, nearest_level
from ...policy.stages import StageTable
from ...policy.warnings import WarnPoint
from ...policy.workflow_spec import OrderSpec
from ...time.duration import Duration
from ..periods import in_periods
from .duty import Duty

if TYPE_CHECKING:
    from ...policy.data import PolicyData as Policy
    from ...time.calendar import WorkCalendar

__all__ = ["CaseFacts", "DutyBook", "FoldState", "LadderBook", "Terms"]


@dataclass(frozen=True, slots=True)
class Terms:
    """What the policy says that the fold needs: fixed for the life of the fold."""

    calendar: WorkCalendar
    """The policy's calendar, projecting past the known years (``with_projection``): a case
    records its events whatever the calendar data, with provisional due instants there."""
    obligations: tuple[ObligationSpec, ...]
    ladders: tuple[LadderSpec, ...]
    stages: StageTable
    due_soon_share: float
    warnings: tuple[WarnPoint, ...] = ()
    """The policy's default warning points (``timing.warnings``)."""
    levels: tuple[Severity, ...] = ()
    """The policy's levels, lowest first: a level it does not have maps to the nearest one
    at or above (:func:`~yuqing_core.policy.matching.nearest_level`)."""
    name: str = ""
    """The policy's name, for the reasons a command is refused."""
    max_extension: Duration | None = None
    late_extension: bool = False
    pausable: tuple[str, ...] = ()
    not_before: datetime | None = None
    """The instant this policy version was adopted (``None``: in force since the case opened):
    no due instant it gives falls before it (:mod:`.versions`)."""
    in_periods: Callable[[tuple[str, ...], date], bool] | None = None
    """Whether a day is in any of the named periods (``[[periods]]``); ``None`` when no
    obligation depends on a period."""

    def starts_on(self, spec: ObligationSpec, anchor: datetime) -> bool:
        """Whether ``spec`` may start its clock at ``anchor``: always, unless it names
        periods (``during``) and the anchor's local day is in none of them."""
        if not spec.during or self.in_periods is None:
            return True
        return self.in_periods(spec.during, self.calendar.local(anchor).date())

    def level(self, severity: Severity) -> Severity:
        """The policy's level ``severity`` maps to."""
        return nearest_level(self.levels, severity) if self.levels else severity

    @classmethod
    def of(cls, policy: Policy, not_before: datetime | None = None) -> Terms:
        spec = policy.spec
        workflow = spec.workflow
        return cls(
            calendar=policy.calendar.with_projection(),
            obligations=spec.obligations,
            ladders=spec.ladders,
            stages=StageTable.of(workflow),
            due_soon_share=spec.timing.due_soon_share,
            warnings=spec.timing.warnings,
            levels=spec.severities,
            name=policy.name,
            max_extension=workflow.max_extension,
            late_extension=workflow.late_extension,
            pausable=tuple(k.value for k in workflow.pausable),
            not_before=not_before,
            in_periods=(
                functools.partial(_in_periods, policy)
                if any(ob.during for ob in spec.obligations)
                else None
            ),
        )


def _in_periods(policy: Policy, ids: tuple[str, ...], day: date) -> bool:
    return in_periods(policy, ids, day).inside


@dataclass(slots=True)
class CaseFacts:
    """Where the case stands, as far as its duties care."""

    severity: Severity
    state: str = "registered"
    category: Category = Category.OTHER
    flags: frozenset[str] = frozenset()
    discovered: datetime | None = None
    posted: datetime | None = None
    opened: datetime | None = None
    first: dict[str, datetime] = field(default_factory=dict)
    """When each anchor trigger first fired: anchors of duties that wait."""
    latest: dict[str, datetime] = field(default_factory=dict)
    """When each anchor trigger last fired (``anchor_firing = "latest"``)."""
    closed: bool = False
    last_at: datetime | None = None
    """The instant of the last event applied."""

    def admits(self, spec: ObligationSpec | LadderSpec | OrderSpec) -> bool:
        """Whether ``spec`` applies to the case at its level, flags and category now."""
        if spec.levels and self.severity not in spec.levels:
            return False
        if spec.any_flags and self.flags.isdisjoint(spec.any_flags):
            return False
        if not self.flags.isdisjoint(spec.no_flags):
            return False
        return not spec.any_categories or self.category in spec.any_categories

    def fired(self, trigger: str, at: datetime) -> None:
        """Record a firing of ``trigger`` at ``at`` (its first one stays)."""
        self.first.setdefault(trigger, at)
        self.latest[trigger] = at

    def anchor_of(self, anchor: str, *, latest: bool = False) -> datetime | None:
        """The instant a duty anchored at ``anchor`` counts from (the trigger's latest firing
        with ``latest``); ``None`` until it happens."""
        if latest:
            return self.latest.get(anchor)
        if anchor == "discovered":
            return self.discovered
        if anchor == "posted":
            return self.posted or self.discovered
        if anchor == "opened":
            return self.opened
        return self.first.get(anchor)


@dataclass(slots=True)
class DutyBook:
    """The duties a case owes or owed, in the order they arose."""

    duties: list[Duty] = field(default_factory=list)
    by_spec: dict[str, Duty] = field(default_factory=dict)
    """The duty that answers each policy entry now (entries merged at escalation share one)."""
    runs: dict[str, int] = field(default_factory=dict)
    """How many times each entry has started: a duty owed again gets a new id (``@2``)."""

    def forget(self, duty: Duty) -> None:
        """Let no policy entry point at ``duty`` any more (it was waived)."""
        for key, value in list(self.by_spec.items()):
            if value is duty:
                del self.by_spec[key]


@dataclass(slots=True)
class LadderBook:
    """Escalation ladders: which started when, and the acknowledgements that stop them."""

    runs: list[tuple[LadderSpec, datetime]] = field(default_factory=list)
    started: set[str] = field(default_factory=set)
    acks: list[tuple[datetime, str, int]] = field(default_factory=list)
    """``(at, role, version)`` of each ``acknowledge``."""
    waivers: dict[str, tuple[datetime, int]] = field(default_factory=dict)
    """``step id -> (at, version)`` of each ``waive`` of a ladder step."""


@dataclass(slots=True)
class FoldState:
    """Everything the fold carries from one event to the next."""

    terms: Terms
    facts: CaseFacts
    book: DutyBook = field(default_factory=DutyBook)
    ladders: LadderBook = field(default_factory=LadderBook)

    @classmethod
    def start(cls, policy: Policy, not_before: datetime | None = None) -> FoldState:
        return cls(Terms.of(policy, not_before), CaseFacts(severity=policy.lowest))

    def due(self, duty: Duty) -> datetime:
        return self.deadline(duty)[0]

    def deadline(self, duty: Duty) -> tuple[datetime, bool]:
        """The due instant of ``duty`` (no earlier than the adoption of the policy version in
        force) and whether it is provisional."""
        due, provisional = duty.deadline(self.terms.calendar)
        return self.floor(due), provisional

    def floor(self, due: datetime) -> datetime:
        """``due``, or the instant the policy version was adopted if that is later."""
        since = self.terms.not_before
        return since if since is not None and due < since else due

    def past(self, stage: str) -> bool:
        """Whether the case has reached ``stage`` (or closed)."""
        state = self.facts.state
        if state in FINAL_STATES:
            return True
        stages = self.terms.stages
        if not stages.has(stage):
            return False
        return stages.rank(state) >= stages.rank(stage)
