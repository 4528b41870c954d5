"""Structural checks a policy must pass to load: references between its parts hold.

These are errors (the policy cannot run). Softer findings belong to :func:`yuqing_core.lint`.

:func:`structural_problems` runs one small check per concern, in a fixed order, and lists
what they find in that order: a policy's author reads the problems top to bottom, so the
order is part of the message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..model import Severity
from ..model.vocab import STAGE_TRIGGERS, Role, Trigger
from ..time.duration import Duration, DurationKind
from .check_terms import term_problems
from .duty_check import duty_problems
from .obligation_spec import MetBySpec
from .permissions import permission_problems
from .schema import DutySpec, LadderSpec, ObligationSpec, PolicySpec
from .workflow_spec import OrderSpec

__all__ = ["Problem", "role_ids", "role_problems", "role_references", "structural_problems"]

Problem = tuple[str, str]
"""``(key_path, message)``."""

_CANONICAL_ROLES = frozenset(r.value for r in Role)


# -- roles -----------------------------------------------------------------------------------


def role_ids(spec: PolicySpec) -> set[str]:
    """The canonical roles plus the ones the policy adds."""
    return set(_CANONICAL_ROLES) | {r.id for r in spec.roles}


def role_references(spec: PolicySpec) -> list[tuple[str, str]]:
    """``(key_path, role)`` for every role an obligation, a ladder step or a monitoring duty
    names, in file order."""
    named = [
        p for i, o in enumerate(spec.obligations) for p in _obligation_roles(f"obligations[{i}]", o)
    ]
    for i, ladder in enumerate(spec.ladders):
        named += [(f"ladders[{i}].steps[{j}].role", s.role) for j, s in enumerate(ladder.steps)]
    named += [(f"monitoring[{i}].role", d.role) for i, d in enumerate(spec.monitoring)]
    return named


def _obligation_roles(path: str, ob: ObligationSpec) -> list[tuple[str, str]]:
    """``(key_path, role)`` for the roles the obligation at ``path`` names: recipients, the
    acting role, and the roles of its ``met_by`` tables."""
    if isinstance(ob.role, tuple):
        named = [(f"{path}.role[{j}]", r) for j, r in enumerate(ob.role)]
    else:
        named = [(f"{path}.role", ob.role)]
    if ob.by is not None:
        named.append((f"{path}.by", ob.by))
    for j, entry in enumerate(ob.met_by):
        if isinstance(entry, MetBySpec):
            named += [(f"{path}.met_by[{j}].by[{k}]", r) for k, r in enumerate(entry.by)]
            named += [(f"{path}.met_by[{j}].to[{k}]", r) for k, r in enumerate(entry.to)]
    return named


def role_problems(spec: PolicySpec) -> list[Problem]:
    """Every role an obligation, a ladder step or a monitoring duty names that the policy
    does not have (neither canonical nor under ``[[roles]]``)."""
    roles = role_ids(spec)
    return [p for path, role in role_references(spec) for p in _unknown_role(roles, path, role)]


def _unknown_role(roles: set[str], path: str, role: str) -> list[Problem]:
    return [] if role in roles else [(path, f"{role!r} is not a role of this policy")]


def _added_roles(spec: PolicySpec) -> list[Problem]:
    """A role under ``[[roles]]`` must be new."""
    return [
        (f"roles[{i}].id", f"{r.id!r} is already a canonical role")
        for i, r in enumerate(spec.roles)
        if r.id in _CANONICAL_ROLES
    ]


# -- ids ---------------------------------------------------------------------------------------


def _duplicates(items: Iterable[tuple[int, str]], path: str) -> list[Problem]:
    seen: dict[str, int] = {}
    out = []
    for i, ident in items:
        if ident in seen:
            out.append((f"{path}[{i}].id", f"{ident!r} repeats {path}[{seen[ident]}].id"))
        else:
            seen[ident] = i
    return out


def _repeated_ids(spec: PolicySpec) -> list[Problem]:
    """Ids are unique within each list."""
    lists: tuple[tuple[str, Sequence[str]], ...] = (
        ("roles", [r.id for r in spec.roles]),
        ("assessment.rules", [r.id for r in spec.assessment.rules]),
        ("assessment.grades", [r.id for r in spec.assessment.grades]),
        ("obligations", [o.id for o in spec.obligations]),
        ("ladders", [o.id for o in spec.ladders]),
        ("monitoring", [o.id for o in spec.monitoring]),
    )
    return [p for path, ids in lists for p in _duplicates(enumerate(ids), path)]


# -- assessment --------------------------------------------------------------------------------


def _rule_levels(spec: PolicySpec) -> list[Problem]:
    """Assessment rules give one of the policy's levels."""
    levels = set(spec.severities)
    names = ", ".join(str(s) for s in spec.severities)
    return [
        (
            f"assessment.rules[{i}].level",
            f"'{rule.level}' is not one of the policy's levels ({names})",
        )
        for i, rule in enumerate(spec.assessment.rules)
        if rule.level not in levels
    ]


def _grading(spec: PolicySpec) -> list[Problem]:
    """Grades need an order that names each grade once, and an elapsed window."""
    grading = spec.assessment.grading
    if grading is None:
        if spec.assessment.grades:
            return [("assessment.grading", "grades are given but grading.order is missing")]
        return []
    out: list[Problem] = []
    if len(set(grading.order)) != len(grading.order):
        out.append(("assessment.grading.order", "grades repeat"))
    out += [
        (
            f"assessment.grades[{i}].grade",
            f"{g.grade!r} is not in grading.order {list(grading.order)}",
        )
        for i, g in enumerate(spec.assessment.grades)
        if g.grade not in grading.order
    ]
    if grading.window is not None and not grading.window.is_elapsed:
        out.append(("assessment.grading.window", f"'{grading.window}' must be elapsed time"))
    return out


# -- obligations -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Lookups:
    """What the per-item checks look names up in."""

    spec: PolicySpec
    roles: set[str]
    levels: set[Severity]
    obligation_ids: set[str]
    live_triggers: set[str]
    """Stage triggers whose stage the workflow has, and ``dismiss``."""

    @classmethod
    def of(cls, spec: PolicySpec) -> _Lookups:
        live = {t for t, s in STAGE_TRIGGERS.items() if s in spec.workflow.stages}
        live.add(Trigger.DISMISS.value)
        return cls(
            spec=spec,
            roles=role_ids(spec),
            levels=set(spec.severities),
            obligation_ids={o.id for o in spec.obligations},
            live_triggers=live,
        )

    def obligation(self, ident: str) -> ObligationSpec:
        return next(o for o in self.spec.obligations if o.id == ident)

    def never_fires(self, trigger: str) -> bool:
        """A stage trigger whose stage the workflow leaves out."""
        return trigger in STAGE_TRIGGERS and trigger not in self.live_triggers


def _unknown_levels(at: _Lookups, path: str, levels: Sequence[Severity]) -> list[Problem]:
    return [
        (f"{path}.levels[{j}]", f"'{lv}' is not one of the policy's levels")
        for j, lv in enumerate(levels)
        if lv not in at.levels
    ]


def _ob_roles(at: _Lookups, path: str, ob: ObligationSpec) -> list[Problem]:
    return [
        p for key, role in _obligation_roles(path, ob) for p in _unknown_role(at.roles, key, role)
    ]


def _ob_levels(at: _Lookups, path: str, ob: ObligationSpec) -> list[Problem]:
    return _unknown_levels(at, path, ob.levels)


def _ob_after(at: _Lookups, path: str, ob: ObligationSpec) -> list[Problem]:
    if ob.after is None:
        return []
    if ob.after not in at.obligation_ids:
        return [(f"{path}.after", f"{ob.after!r} is not an obligation id")]
    if ob.after == ob.id:
        return [(f"{path}.after", "an obligation cannot follow itself")]
    return []


def _ob_met_by(at: _Lookups, path: str, ob: ObligationSpec) -> list[Problem]:
    """Its triggers (given, or its kind's default) lead to stages the workflow has."""
    return [
        (
            f"{path}.met_by[{j}]" if ob.met_by else f"{path}.kind",
            f"met by '{c.trigger.value}', but the workflow has no stage it leads to",
        )
        for j, c in enumerate(ob.conditions)
        if at.never_fires(c.trigger)
    ]


def _ob_anchor(at: _Lookups, path: str, ob: ObligationSpec) -> list[Problem]:
    if at.never_fires(ob.anchor):
        return [(f"{path}.anchor", f"'{ob.anchor}' never fires in this workflow")]
    return []


def _ob_extendable(at: _Lookups, path: str, ob: ObligationSpec) -> list[Problem]:
    if ob.extendable and at.spec.workflow.max_extension is None:
        return [(f"{path}.extendable", "extendable, but workflow.max_extension is not set")]
    if ob.extendable and ob.within is None:
        return [(f"{path}.extendable", "extendable, but it has no 'within' to extend")]
    return []


_ObligationCheck = Callable[[_Lookups, str, ObligationSpec], list[Problem]]

_OBLIGATION_CHECKS: tuple[_ObligationCheck, ...] = (
    _ob_roles,
    _ob_levels,
    _ob_after,
    _ob_met_by,
    _ob_anchor,
    _ob_extendable,
)
"""What each obligation is checked for, in the order its problems are listed."""


def _obligations(at: _Lookups) -> list[Problem]:
    return [
        p
        for i, ob in enumerate(at.spec.obligations)
        for check in _OBLIGATION_CHECKS
        for p in check(at, f"obligations[{i}]", ob)
    ]


def _after_cycles(spec: PolicySpec) -> list[Problem]:
    """No obligation waits, through its ``after`` chain, on itself."""
    after = {o.id: o.after for o in spec.obligations if o.after}
    index = {o.id: i for i, o in enumerate(spec.obligations)}
    out = []
    for start in after:
        seen = {start}
        cur = after.get(start)
        while cur is not None:
            if cur == start:
                out.append((f"obligations[{index[start]}].after", "the 'after' chain loops"))
                break
            if cur in seen:
                break
            seen.add(cur)
            cur = after.get(cur)
    return out


# -- ladders, monitoring, timing ---------------------------------------------------------------


def _ladder(at: _Lookups, i: int, ladder: LadderSpec) -> list[Problem]:
    path = f"ladders[{i}]"
    out = [
        p
        for j, step in enumerate(ladder.steps)
        for p in _unknown_role(at.roles, f"{path}.steps[{j}].role", step.role)
    ]
    return out + _unknown_levels(at, path, ladder.levels)


def _duty(at: _Lookups, i: int, duty: DutySpec) -> list[Problem]:
    path = f"monitoring[{i}]"
    out = _unknown_role(at.roles, f"{path}.role", duty.role)
    if duty.working_days_only and duty.rest_days_only:
        out.append((path, "working_days_only and rest_days_only cannot both be set"))
    return out


def _ladders(at: _Lookups) -> list[Problem]:
    return [p for i, ladder in enumerate(at.spec.ladders) for p in _ladder(at, i, ladder)]


def _duties(at: _Lookups) -> list[Problem]:
    return [p for i, duty in enumerate(at.spec.monitoring) for p in _duty(at, i, duty)]


def _immediate_grace(spec: PolicySpec) -> list[Problem]:
    """A deadline of 'now' needs the policy to say what 'immediately' allows (P5)."""
    spans: list[Duration] = [o.within for o in spec.obligations if o.within is not None]
    spans += [step.timeout for ladder in spec.ladders for step in ladder.steps]
    if spec.timing.immediate_grace is None and any(d.kind is DurationKind.NOW for d in spans):
        return [
            (
                "timing.immediate_grace",
                "a deadline is 'now' (立即), so the immediate grace must be set explicitly",
            )
        ]
    return []


# -- the order of handling and the lead units ------------------------------------------------


def _order(at: _Lookups, path: str, order: OrderSpec) -> list[Problem]:
    guarded = order.trigger.value
    out: list[Problem] = []
    if guarded == Trigger.OPEN or at.never_fires(guarded):
        out.append((f"{path}.trigger", f"'{guarded}' never fires in this workflow"))
    for j, ident in enumerate(order.obligations):
        where = f"{path}.obligations[{j}]"
        if ident not in at.obligation_ids:
            out.append((where, f"{ident!r} is not an obligation id"))
            continue
        ob = at.obligation(ident)
        triggers = {c.trigger.value for c in ob.conditions}
        # With ``to``, only commands to those roles wait: a duty owed to others is not stuck.
        waits = not order.to or bool(set(order.to) & set(ob.roles))
        if triggers <= {guarded} and waits:
            out.append((where, f"{ident!r} is met only by '{guarded}', which waits for it"))
    out += [
        (f"{path}.triggers[{j}]", f"'{t.value}' never fires in this workflow")
        for j, t in enumerate(order.triggers)
        if t == Trigger.OPEN or at.never_fires(t.value)
    ]
    out += [
        p for j, r in enumerate(order.to) for p in _unknown_role(at.roles, f"{path}.to[{j}]", r)
    ]
    return out + _unknown_levels(at, path, order.levels)


def _orders(at: _Lookups) -> list[Problem]:
    orders = at.spec.workflow.order
    return [p for i, o in enumerate(orders) for p in _order(at, f"workflow.order[{i}]", o)]


def _lead_units(at: _Lookups) -> list[Problem]:
    """Each lead unit is for a level of the policy, named once, and is one of its roles or
    one of ``workflow.units``."""
    workflow = at.spec.workflow
    out: list[Problem] = []
    seen: dict[Severity, int] = {}
    for i, lead in enumerate(workflow.lead_units):
        path = f"workflow.lead_units[{i}]"
        if lead.level not in at.levels:
            out.append((f"{path}.level", f"'{lead.level}' is not one of the policy's levels"))
        elif lead.level in seen:
            out.append(
                (f"{path}.level", f"'{lead.level}' repeats workflow.lead_units[{seen[lead.level]}]")
            )
        seen.setdefault(lead.level, i)
        if lead.unit not in at.roles and lead.unit not in workflow.units:
            out.append(
                (f"{path}.unit", f"{lead.unit!r} is neither a role nor one of workflow.units")
            )
    return out


# -- all of them -------------------------------------------------------------------------------


def structural_problems(spec: PolicySpec) -> list[Problem]:
    """``(key_path, message)`` for every broken reference in ``spec``."""
    at = _Lookups.of(spec)
    return [
        *_added_roles(spec),
        *_repeated_ids(spec),
        *_rule_levels(spec),
        *_grading(spec),
        *_obligations(at),
        *_after_cycles(spec),
        *_ladders(at),
        *_duties(at),
        *duty_problems(spec, at.roles),
        *_immediate_grace(spec),
        *term_problems(spec),
        *_orders(at),
        *_lead_units(at),
        *permission_problems(spec.workflow.permissions, at.roles),
    ]
