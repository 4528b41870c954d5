"""Deadlines (``[[obligations]]``) and escalation ladders (``[[ladders]]``) in the policy file."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BeforeValidator, Field, field_validator, model_validator

from ..model import Category, SeverityField
from ..model.vocab import (
    DEFAULT_MET_BY,
    IncidentMoment,
    ObligationAnchor,
    ObligationKind,
    State,
    Trigger,
)
from ..time.duration import Duration, DurationKind
from .fields import Label, Name, RuleRef, Slug, SpecModel
from .warnings import WarnPoint

__all__ = ["LadderSpec", "LadderStep", "MetBySpec", "ObligationSpec", "RoleList"]


def _one_or_many(value: object) -> object:
    """A single name written where a list is expected is a list of one."""
    return (value,) if isinstance(value, str) else value


RoleList = Annotated[
    tuple[Name, ...], BeforeValidator(_one_or_many, json_schema_input_type=Name | list[Name])
]
"""One role or a list of roles (``"office"`` or ``["office", "leading_group"]``)."""


class MetBySpec(SpecModel):
    """What meets an obligation, when a trigger alone does not say it (``met_by`` entries
    written as tables): the trigger, and the roles that must act or receive it."""

    trigger: Trigger
    by: RoleList = ()
    """The acting roles that count: the command's ``by`` (for ``acknowledge``, its ``role``,
    the role acknowledging). Empty: whoever acts."""
    to: RoleList = ()
    """The recipients that count: the command's ``role`` or ``roles``. Empty: any, as a plain
    trigger (a report naming roles still meets only duties owed to one of them)."""

    def describe(self) -> str:
        """``report by network_centre to principal_leader``."""
        by = f" by {'/'.join(self.by)}" if self.by else ""
        to = f" to {'/'.join(self.to)}" if self.to else ""
        return f"{self.trigger.value}{by}{to}"


class ObligationSpec(SpecModel):
    """A deadline (时限义务) that cases of some levels owe (``[[obligations]]``)."""

    id: Slug
    rule: RuleRef
    kind: ObligationKind
    role: Name | tuple[Name, ...]
    """The recipient (报告对象): one role, or a list of alternatives, a report to any of which
    meets it (S5 主要领导或分管领导)."""
    within: Duration | None = None
    """How long it may take. Without it the obligation has no due instant and is never
    breached, but it is still owed: a workflow guard (``[[workflow.order]]``) can require it
    before a trigger, and ``archive`` waits for it."""
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
    met_by: tuple[Trigger | MetBySpec, ...] = ()
    """Triggers that meet it, each a name or a table naming the acting roles (``by``) or
    recipients (``to``) that count, e.g. ``{ trigger = "acknowledge", by =
    "principal_leader" }``; empty means the default for its kind."""
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
    # -- the second edition: the acting role and anchors on milestones ---------------------
    by: Name | None = None
    """The role that must act (the sender, e.g. ``"office"``): accountability charges it, not
    the recipient. Without it the recipient ``role`` is charged, as before."""
    during: tuple[Slug, ...] = ()
    """Only for cases whose clock starts on a day in one of these periods (``[[periods]]``,
    e.g. ``["gaokao"]``); empty means always."""
    anchor_firing: Literal["first", "latest"] = "first"
    """For an ``anchor`` trigger: whether the clock runs from its first firing, or from its
    latest (each firing owes it anew, e.g. a reply due when handling concludes, again after a
    reopened case concludes again)."""

    @field_validator("role")
    @classmethod
    def _roles(cls, v: str | tuple[str, ...]) -> str | tuple[str, ...]:
        if isinstance(v, tuple):
            if not v:
                raise ValueError("names no role")
            twice = sorted({r for r in v if v.count(r) > 1})
            if twice:
                raise ValueError(f"names {', '.join(twice)} more than once")
        return v

    @model_validator(mode="after")
    def _firing(self) -> ObligationSpec:
        if self.anchor_firing == "latest" and self.anchor in get_args(IncidentMoment):
            raise ValueError(
                f"anchor_firing 'latest' needs a trigger anchor; '{self.anchor}' happens once"
            )
        return self

    @property
    def roles(self) -> tuple[str, ...]:
        """The recipients, as a tuple (one or more)."""
        return self.role if isinstance(self.role, tuple) else (self.role,)

    @property
    def first_role(self) -> str:
        """The first recipient: the role an obligation value names as its ``role``."""
        return self.roles[0]

    @property
    def conditions(self) -> tuple[MetBySpec, ...]:
        """What meets it, each entry as a :class:`MetBySpec` (the kind's default if none)."""
        entries = self.met_by or DEFAULT_MET_BY[self.kind]
        return tuple(e if isinstance(e, MetBySpec) else MetBySpec(trigger=e) for e in entries)

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
