"""Deadlines (``[[obligations]]``) and escalation ladders (``[[ladders]]``) in the policy file."""

from __future__ import annotations

from pydantic import Field, field_validator

from ..model import Category, SeverityField
from ..model.vocab import IncidentMoment, ObligationAnchor, ObligationKind, State, Trigger
from ..time.duration import Duration, DurationKind
from .fields import Label, Name, RuleRef, Slug, SpecModel
from .warnings import WarnPoint

__all__ = ["LadderSpec", "LadderStep", "ObligationSpec"]


class ObligationSpec(SpecModel):
    """A deadline (时限义务) that cases of some levels owe (``[[obligations]]``)."""

    id: Slug
    rule: RuleRef
    kind: ObligationKind
    role: Name
    within: Duration
    levels: tuple[SeverityField, ...] = ()
    """The levels it applies to; empty means every level."""
    any_categories: tuple[Category, ...] = ()
    """Only for these content classes; empty means all."""
    any_flags: tuple[Name, ...] = ()
    """Only when one of these flags is present; empty means always."""
    anchor: ObligationAnchor = "discovered"
    """When the clock starts: the discovery, the posting, the case opening, or the first time
    a trigger fires (e.g. ``"assign"``). Escalation re-anchors at the escalation (P7)."""
    after: Slug | None = None
    """Level-by-level (逐级): the clock starts when this other obligation is met."""
    met_by: tuple[Trigger, ...] = ()
    """Triggers that meet it; empty means the default for its kind."""
    every: Duration | None = None
    """Recurring (续报): after each meeting a new one is due this long after it."""
    until: State = State.STABILIZED
    """A recurring or still-open obligation stops being owed once the case reaches this stage."""
    extendable: bool = False
    """May be extended with ``extend`` within ``workflow.max_extension`` (R5.2)."""
    text: str = ""
    """The source's words."""
    reading: str = ""
    """How an ambiguous source is read (P4: "1天" as 24 hours or a day period)."""
    # -- issue 13 items 9, 10, 12: matching, the institution's label, warning points --------
    no_flags: tuple[Name, ...] = ()
    """Not when any of these flags is present (e.g. not for a ``mass_incident``)."""
    label: Label | None = None
    """The institution's own name for it (特报 for a special report), used in every output
    instead of the kind's canonical label."""
    warnings: tuple[WarnPoint, ...] = ()
    """Warning points (预警): shares of the span on its own clock (``"50%"``: working time for
    ``wd`` and ``wh`` deadlines) or times before the due instant (``"2h"``, ``"2wh"``); empty
    means ``timing.warnings``, else one at ``timing.due_soon_share`` of the elapsed span."""

    @field_validator("every")
    @classmethod
    def _every(cls, v: Duration | None) -> Duration | None:
        if v is not None and v.kind in (DurationKind.NOW, DurationKind.SAME_DAY):
            raise ValueError(f"every '{v}' must be a length of time")
        return v


class LadderStep(SpecModel):
    role: Name
    timeout: Duration
    """If this role does not acknowledge within it, the next step becomes due."""


class LadderSpec(SpecModel):
    """An escalation ladder (``[[ladders]]``), PagerDuty-style: notify the first role; if it
    does not ``acknowledge`` within its timeout, the next one becomes due."""

    id: Slug
    rule: RuleRef
    steps: tuple[LadderStep, ...] = Field(min_length=1)
    levels: tuple[SeverityField, ...] = ()
    any_flags: tuple[Name, ...] = ()
    anchor: IncidentMoment = "discovered"
    text: str = ""
    no_flags: tuple[Name, ...] = ()
    """Not when any of these flags is present."""
    any_categories: tuple[Category, ...] = ()
    """Only for these content classes; empty means all."""
    label: Label | None = None
    """The institution's own name for its steps (e.g. 逐级通知), used in every output instead
    of the canonical 通知."""
