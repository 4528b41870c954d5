"""The workflow section of the policy file (``[workflow]``): stages, guards, extensions and
pauses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from ..model import Category, Severity, SeverityField
from ..model.vocab import ObligationKind, State, Trigger
from ..time.duration import Duration, DurationKind
from .fields import Name, RuleRef, Slug, SpecModel
from .obligation_spec import RoleList
from .permissions import Permissions, allowed_roles, may_fire

__all__ = ["DEFAULT_STAGES", "LeadUnitSpec", "OrderSpec", "WorkflowSpec"]

DEFAULT_STAGES = tuple(s for s in State if s is not State.DISMISSED)
"""Every canonical stage in order; ``dismissed`` is reached by ``dismiss``, not a stage."""


class OrderSpec(SpecModel):
    """A guard on the order of handling (``[[workflow.order]]``): ``trigger`` is refused until
    the obligations named are met or waived and the triggers named have fired, e.g. report
    to the publicity department before handling starts, or refer a fabrication to law
    enforcement before it is archived."""

    trigger: Trigger
    """The trigger it guards."""
    obligations: tuple[Slug, ...] = ()
    """Obligation ids that must be met (or waived) first, where the case owes them: one that
    does not apply to the case at its level, flags and category does not hold it up."""
    triggers: tuple[Trigger, ...] = ()
    """Triggers that must have fired on the case first."""
    to: RoleList = ()
    """Only for commands to one of these recipients (the command's ``role`` or ``roles``),
    so one step of a chain of reports can wait for the one before it (S6: the director's
    report to the city bureau after the working group's to the director). Empty: every
    ``trigger`` command."""
    levels: tuple[SeverityField, ...] = ()
    """Only for cases at these levels; empty means every level."""
    any_flags: tuple[Name, ...] = ()
    """Only when one of these flags is present; empty means always."""
    no_flags: tuple[Name, ...] = ()
    """Not when any of these flags is present."""
    any_categories: tuple[Category, ...] = ()
    """Only for these content classes; empty means all."""
    rule: RuleRef | None = None
    text: str = ""
    """The source's words."""

    @model_validator(mode="after")
    def _names_something(self) -> OrderSpec:
        if not self.obligations and not self.triggers:
            raise ValueError("names neither obligations nor triggers that must come first")
        if self.trigger in self.triggers:
            raise ValueError(f"'{self.trigger.value}' cannot come before itself")
        return self


class LeadUnitSpec(SpecModel):
    """The lead unit of one level (``[[workflow.lead_units]]``; S9: 领导小组 / 信息组 / 办公室 /
    相关科室)."""

    level: SeverityField
    unit: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    """A role of the policy (``leading_group``) or one of ``workflow.units``."""


class WorkflowSpec(SpecModel):
    """``[workflow]``: the handling stages a case goes through and the guards between them."""

    stages: tuple[State, ...] = DEFAULT_STAGES
    """The stages in order; ``registered`` first. Stages left out are skipped."""
    reply_approval_required: bool = False
    """No public reply (``respond``) before ``approve_reply`` (审定)."""
    review_required_from: SeverityField | None = Severity.MAJOR
    """Cases at or above this level need a ``review`` before ``archive``."""
    review_report_required: bool = False
    """``review`` needs a ``report`` text (书面总结报告)."""
    default_unit: str = "handling_unit"
    units: tuple[str, ...] = ()
    max_extension: Duration | None = None
    """The most all extensions of one obligation may add up to (R5.2: ``5d``); none means
    ``extend`` is refused. Extensions are given in the same unit (``2d`` under ``5d``) and the
    extended due instant is counted from the original one with their total."""
    late_extension: bool = False
    """Whether ``extend`` may name an obligation already past its due instant. Off by default:
    a missed deadline cannot be extended away. When on, the breach stays in the record (the
    obligation keeps ``breached_at`` and accountability still lists it)."""
    pausable: tuple[ObligationKind, ...] = ()
    """The kinds of obligation whose clock ``pause`` stops, e.g. ``["reply",
    "handling_report"]`` while waiting on the citizen. None by default: ``pause`` is refused.
    A pause never stops an obligation already past its due instant."""
    dismissable: bool = True
    # -- the second edition: order without deadlines, a lead unit per level ----------------
    order: tuple[OrderSpec, ...] = ()
    """Guards on the order of handling: what must come before a trigger (see
    ``[[workflow.order]]``)."""
    lead_units: tuple[LeadUnitSpec, ...] = ()
    """The lead unit (牵头单位) of each level, e.g. ``{ level = "critical", unit =
    "leading_group" }``: the unit ``assign`` names when it names none, and the unit charged
    for the handling unit's obligations before a case is assigned. Levels left out use
    ``default_unit``."""

    permissions: Permissions = Field(default=(), json_schema_extra={"default": {}})
    """Who may fire which trigger (权限): a table ``[workflow.permissions]`` from a trigger to
    the roles allowed to fire it, e.g. ``approve_reply = ["principal_leader",
    "leader_in_charge"]``. A trigger left out may be fired by anyone. ``Case.fire`` compares
    the roles the host says the caller holds (``actor_roles``) with the list."""

    def allowed_roles(self, trigger: str) -> tuple[str, ...] | None:
        """The roles allowed to fire ``trigger``; ``None`` when anyone may."""
        return allowed_roles(self.permissions, trigger)

    def may_fire(self, trigger: str, roles: Iterable[str] | None) -> bool:
        """Whether a caller holding ``roles`` may fire ``trigger`` (``None``: roles not
        said, which only an unrestricted trigger allows)."""
        return may_fire(self.permissions, trigger, roles)

    def lead_unit(self, severity: Severity) -> str:
        """The unit that leads a case at ``severity``: its lead unit, or ``default_unit``."""
        for lead in self.lead_units:
            if lead.level == severity:
                return lead.unit
        return self.default_unit

    @field_validator("pausable")
    @classmethod
    def _pausable(cls, v: tuple[ObligationKind, ...]) -> tuple[ObligationKind, ...]:
        twice = sorted({k.value for k in v if v.count(k) > 1})
        if twice:
            raise ValueError(f"names {', '.join(twice)} more than once")
        return v

    @field_validator("max_extension")
    @classmethod
    def _extension_span(cls, v: Duration | None) -> Duration | None:
        if v is not None and v.kind in (DurationKind.NOW, DurationKind.SAME_DAY):
            raise ValueError(
                f"'{v}' is not a length one can extend by; write elapsed time or days such as '5d'"
            )
        return v

    @model_validator(mode="after")
    def _stages(self) -> WorkflowSpec:
        order = list(State)
        if not self.stages or self.stages[0] != "registered":
            raise ValueError("stages must start with 'registered'")
        if "dismissed" in self.stages:
            raise ValueError("'dismissed' is not a stage; use dismissable")
        if len(set(self.stages)) != len(self.stages):
            raise ValueError("stages repeat")
        idx = [order.index(s) for s in self.stages]
        if idx != sorted(idx):
            raise ValueError("stages must keep the canonical order")
        if self.stages[-1] != "archived":
            raise ValueError("stages must end with 'archived'")
        if self.reply_approval_required and "reply_approved" not in self.stages:
            raise ValueError("reply_approval_required needs the 'reply_approved' stage")
        return self
