"""Structural checks a policy must pass to load: references between its parts hold.

These are errors (the policy cannot run). Softer findings belong to :func:`yuqing_core.lint`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model.vocab import DEFAULT_MET_BY, STAGE_TRIGGERS, Role
from ..time.duration import DurationKind
from .schema import PolicySpec

__all__ = ["role_ids", "structural_problems"]

_CANONICAL_ROLES = frozenset(r.value for r in Role)


def role_ids(spec: PolicySpec) -> set[str]:
    """The canonical roles plus the ones the policy adds."""
    return set(_CANONICAL_ROLES) | {r.id for r in spec.roles}


def _duplicates(items: Iterable[tuple[int, str]], path: str) -> list[tuple[str, str]]:
    seen: dict[str, int] = {}
    out = []
    for i, ident in items:
        if ident in seen:
            out.append((f"{path}[{i}].id", f"{ident!r} repeats {path}[{seen[ident]}].id"))
        else:
            seen[ident] = i
    return out


def structural_problems(spec: PolicySpec) -> list[tuple[str, str]]:
    """``(key_path, message)`` for every broken reference in ``spec``."""
    out: list[tuple[str, str]] = []
    roles = role_ids(spec)
    levels = set(spec.severities)
    stage_triggers = {t for t, s in STAGE_TRIGGERS.items() if s in spec.workflow.stages}
    stage_triggers.add("dismiss")
    level_names = ", ".join(str(s) for s in spec.severities)

    for i, r in enumerate(spec.roles):
        if r.id in _CANONICAL_ROLES:
            out.append((f"roles[{i}].id", f"{r.id!r} is already a canonical role"))
    out += _duplicates(enumerate(r.id for r in spec.roles), "roles")
    out += _duplicates(enumerate(r.id for r in spec.assessment.rules), "assessment.rules")
    out += _duplicates(enumerate(r.id for r in spec.assessment.grades), "assessment.grades")
    out += _duplicates(enumerate(o.id for o in spec.obligations), "obligations")
    out += _duplicates(enumerate(o.id for o in spec.ladders), "ladders")
    out += _duplicates(enumerate(o.id for o in spec.monitoring), "monitoring")

    for i, rule in enumerate(spec.assessment.rules):
        if rule.level not in levels:
            out.append(
                (
                    f"assessment.rules[{i}].level",
                    f"'{rule.level}' is not one of the policy's levels ({level_names})",
                )
            )
    grading = spec.assessment.grading
    if spec.assessment.grades and grading is None:
        out.append(("assessment.grading", "grades are given but grading.order is missing"))
    if grading is not None:
        if len(set(grading.order)) != len(grading.order):
            out.append(("assessment.grading.order", "grades repeat"))
        for i, g in enumerate(spec.assessment.grades):
            if g.grade not in grading.order:
                out.append(
                    (
                        f"assessment.grades[{i}].grade",
                        f"{g.grade!r} is not in grading.order {list(grading.order)}",
                    )
                )
        if grading.window is not None and not grading.window.is_elapsed:
            out.append(("assessment.grading.window", f"'{grading.window}' must be elapsed time"))

    ob_ids = {o.id for o in spec.obligations}
    uses_now = False
    for i, ob in enumerate(spec.obligations):
        path = f"obligations[{i}]"
        if ob.role not in roles:
            out.append((f"{path}.role", f"{ob.role!r} is not a role of this policy"))
        for j, lv in enumerate(ob.levels):
            if lv not in levels:
                out.append((f"{path}.levels[{j}]", f"'{lv}' is not one of the policy's levels"))
        if ob.after is not None:
            if ob.after not in ob_ids:
                out.append((f"{path}.after", f"{ob.after!r} is not an obligation id"))
            elif ob.after == ob.id:
                out.append((f"{path}.after", "an obligation cannot follow itself"))
        for j, trig in enumerate(ob.met_by or DEFAULT_MET_BY[ob.kind]):
            if trig in STAGE_TRIGGERS and trig not in stage_triggers:
                where = f"{path}.met_by[{j}]" if ob.met_by else f"{path}.kind"
                out.append((where, f"met by '{trig}', but the workflow has no stage it leads to"))
        if ob.anchor in STAGE_TRIGGERS and ob.anchor not in stage_triggers:
            out.append((f"{path}.anchor", f"'{ob.anchor}' never fires in this workflow"))
        if ob.within.kind is DurationKind.NOW:
            uses_now = True
        if ob.extendable and spec.workflow.max_extension is None:
            out.append((f"{path}.extendable", "extendable, but workflow.max_extension is not set"))
    out += _after_cycles(spec)

    for i, ladder in enumerate(spec.ladders):
        for j, step in enumerate(ladder.steps):
            if step.role not in roles:
                out.append(
                    (f"ladders[{i}].steps[{j}].role", f"{step.role!r} is not a role of this policy")
                )
            if step.timeout.kind is DurationKind.NOW:
                uses_now = True
        for j, lv in enumerate(ladder.levels):
            if lv not in levels:
                out.append(
                    (f"ladders[{i}].levels[{j}]", f"'{lv}' is not one of the policy's levels")
                )

    for i, duty in enumerate(spec.monitoring):
        if duty.role not in roles:
            out.append((f"monitoring[{i}].role", f"{duty.role!r} is not a role of this policy"))
        if duty.working_days_only and duty.rest_days_only:
            out.append(
                (f"monitoring[{i}]", "working_days_only and rest_days_only cannot both be set")
            )

    if uses_now and spec.timing.immediate_grace is None:
        out.append(
            (
                "timing.immediate_grace",
                "a deadline is 'now' (立即), so the immediate grace must be set explicitly",
            )
        )
    return out


def _after_cycles(spec: PolicySpec) -> list[tuple[str, str]]:
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
