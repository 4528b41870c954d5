"""The policy lint (制度检查): findings a reviewer should see before a policy goes live.

Errors are problems the policy cannot run with: broken references, and assessment rules under
which a higher count gives a lower level (P6 in docs/rules.md). Warnings are things that work
but are probably not what the institution meant: bands that overlap (P2: the higher level wins),
counts that fall between two bands so that no rule covers them, and recurrences whose day
depends on when a listing starts.

>>> from yuqing_core import load_policy
>>> policy = load_policy({"name": "demo", "title": "示例", "assessment": {"rules": [
...     {"id": "major-outlets", "rule": "R8.2", "level": "major",
...      "any_metrics": [{"metric": "outlets", "min": 1, "max": 5}]},
...     {"id": "critical-outlets", "rule": "R8.3", "level": "critical",
...      "any_metrics": [{"metric": "outlets", "min": 5}]}]}})
>>> for finding in lint(policy):
...     print(finding)
assessment.rules[1].any_metrics[0]: warning: outlets >= 5 (critical-outlets, critical) \
overlaps 1 <= outlets <= 5 (major-outlets, major) at outlets = 5; critical wins (P2)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..model.vocab import STAGE_TRIGGERS
from ..time.duration import Duration
from .check import structural_problems
from .check_terms import term_warnings
from .data import PolicyData as Policy
from .duty_lint import duty_warnings
from .permissions import permission_warnings
from .schema import Band, GradeRule, SeverityRule, within_posting

__all__ = ["Finding", "lint"]

_INF = 1 << 62


@dataclass(frozen=True, slots=True)
class Finding:
    """One lint finding: ``level`` is ``"error"`` or ``"warning"``; ``path`` the key path."""

    level: Literal["error", "warning"]
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.level}: {self.message}"


def lint(policy: Policy) -> list[Finding]:
    """Every finding for ``policy``, errors first, each with its key path."""
    findings = [Finding("error", path, msg) for path, msg in structural_problems(policy.spec)]
    assessment = policy.spec.assessment
    findings += _overlaps(_severity_bands(policy))
    findings += _coverage(_severity_bands(policy), policy)
    order = assessment.grading.order if assessment.grading is not None else ()
    if all(g.grade in order for g in assessment.grades):
        findings += _overlaps(_grade_bands(policy))
        findings += _coverage(_grade_bands(policy), None)
    findings += _recurrences(policy)
    findings += [Finding("warning", path, msg) for path, msg in term_warnings(policy.spec)]
    findings += [Finding("warning", path, msg) for path, msg in duty_warnings(policy.spec)]
    findings += _order_findings(policy)
    findings += [Finding("warning", p, m) for p, m in _permission_warnings(policy)]
    return sorted(findings, key=lambda f: (f.level != "error", _natural(f.path)))


def _natural(path: str) -> tuple[tuple[int, int | str], ...]:
    """Sort ``rules[10]`` after ``rules[2]``."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", path))


@dataclass(frozen=True, slots=True)
class _Entry:
    """One band of one rule, with where it sits and what it gives."""

    path: str
    rule: SeverityRule | GradeRule
    band: Band
    rank: int
    """Comparable outcome: the severity's rank, or the grade's place in grading.order."""
    label: str
    """``major``, or the grade ``b``."""

    @property
    def lo(self) -> int:
        return self.band.min or 0

    @property
    def hi(self) -> int:
        return self.band.max if self.band.max is not None else _INF

    @property
    def is_grade(self) -> bool:
        return isinstance(self.rule, GradeRule)

    @property
    def outcome(self) -> str:
        return f"grade {self.label}" if self.is_grade else self.label

    @property
    def key(self) -> tuple[str, Duration | None]:
        return self.band.metric, self.rule.window

    def describe(self) -> str:
        band = within_posting(self.band.describe(), self.rule.window)
        return f"{band} ({self.rule.id}, {self.outcome})"


def _severity_bands(policy: Policy) -> list[_Entry]:
    return [
        _Entry(f"assessment.rules[{i}].any_metrics[{k}]", r, b, int(r.level), str(r.level))
        for i, r in enumerate(policy.spec.assessment.rules)
        for k, b in enumerate(r.any_metrics)
    ]


def _grade_bands(policy: Policy) -> list[_Entry]:
    grading = policy.spec.assessment.grading
    if grading is None:
        return []
    order = list(grading.order)
    return [
        _Entry(
            f"assessment.grades[{i}].any_metrics[{k}]",
            r,
            b,
            order.index(r.grade),
            r.grade,
        )
        for i, r in enumerate(policy.spec.assessment.grades)
        for k, b in enumerate(r.any_metrics)
    ]


def _values(metric: str, lo: int, hi: int, window: Duration | None) -> str:
    if hi >= _INF:
        text = f"{metric} >= {lo}"
    elif lo == hi:
        text = f"{metric} = {lo}"
    else:
        text = f"{metric} {lo}..{hi}"
    return within_posting(text, window)


def _overlaps(entries: Sequence[_Entry]) -> list[Finding]:
    """Bands of rules with different outcomes that share values (P2 in docs/rules.md: the higher
    wins)."""
    out = []
    for i, e1 in enumerate(entries):
        for e2 in entries[i + 1 :]:
            if e1.rank == e2.rank or e1.key != e2.key:
                continue
            lo, hi = max(e1.lo, e2.lo), min(e1.hi, e2.hi)
            if lo > hi:
                continue
            where = _values(e1.band.metric, lo, hi, None)
            where = f"at {where}" if lo == hi else f"for {where}"
            winner = max(e1, e2, key=lambda e: e.rank).outcome
            out.append(
                Finding(
                    "warning",
                    e2.path,
                    f"{e2.describe()} overlaps {e1.describe()} {where}; {winner} wins (P2)",
                )
            )
    return out


def _coverage(entries: Sequence[_Entry], policy: Policy | None) -> list[Finding]:
    """Walk each metric's values upwards and find where the outcome falls (P6) or vanishes.

    For severity (``policy`` given) an uncovered count gets the policy's lowest level, so a
    fall to it from a higher level is an error, and an uncovered stretch between two bands
    that only holds the lowest level anyway is a warning. For grades an uncovered count gets
    no grade: a stretch between bands, or above the last band, is a warning; a fall from one
    grade to a lower one is an error.
    """
    groups: dict[tuple[str, Duration | None], list[_Entry]] = {}
    for e in entries:
        groups.setdefault(e.key, []).append(e)
    out: list[Finding] = []
    for (metric, window), group in groups.items():
        points = sorted({0} | {e.lo for e in group} | {e.hi + 1 for e in group if e.hi < _INF})

        def best(v: int, group: list[_Entry] = group) -> _Entry | None:
            inside = [e for e in group if e.lo <= v <= e.hi]
            return max(inside, key=lambda e: e.rank) if inside else None

        def names(v: int, group: list[_Entry] = group) -> str:
            top = best(v)
            assert top is not None
            return ", ".join(e.rule.id for e in group if e.lo <= v <= e.hi and e.rank == top.rank)

        for n, p in enumerate(points):
            if p == 0:
                continue
            before, now = best(p - 1), best(p)
            if before is None:
                continue
            if now is not None and now.rank < before.rank:
                out.append(_fall(metric, window, p, before, now.outcome, names(p), names(p - 1)))
            elif now is None:
                nxt = points[n + 1] if n + 1 < len(points) else None
                upper = best(nxt) if nxt is not None else None
                gap = _gap(metric, window, p, nxt, before, upper, policy, names(p - 1))
                if gap is not None:
                    out.append(gap)
    return out


def _fall(
    metric: str,
    window: Duration | None,
    p: int,
    before: _Entry,
    now: str,
    now_rules: str,
    before_rules: str,
) -> Finding:
    rule = "a higher count must never give a lower grade"
    if not before.is_grade:
        rule = "a higher count must never give a lower level (P6)"
    return Finding(
        "error",
        before.path,
        f"{_values(metric, p, p, window)} gives {now} ({now_rules}) but "
        f"{_values(metric, p - 1, p - 1, window)} gives {before.outcome} ({before_rules}); "
        f"{rule}",
    )


def _gap(
    metric: str,
    window: Duration | None,
    p: int,
    nxt: int | None,
    before: _Entry,
    upper: _Entry | None,
    policy: Policy | None,
    before_rules: str,
) -> Finding | None:
    hi = _INF if nxt is None else nxt - 1
    uncovered = _values(metric, p, hi, window)
    if policy is not None:
        lowest = policy.lowest
        if before.rank > int(lowest):
            return _fall(metric, window, p, before, str(lowest), "no rule", before_rules)
        if upper is None:
            return None  # the lowest level above the last band: nothing changes
        get = f"{lowest}, the lowest level"
    else:
        get = "no grade"
    if upper is None:
        return Finding(
            "warning",
            before.path,
            f"no rule covers {uncovered}, above {before.describe()}; those values get {get}",
        )
    return Finding(
        "warning",
        upper.path,
        f"no rule covers {uncovered}, between {before.describe()} and {upper.describe()}; "
        f"those values get {get}",
    )


_PINS: dict[str, tuple[str, ...]] = {
    "WEEKLY": ("BYDAY",),
    "MONTHLY": ("BYMONTHDAY", "BYDAY", "BYSETPOS", "BYYEARDAY"),
    "YEARLY": ("BYMONTH", "BYYEARDAY", "BYWEEKNO"),
}


def _recurrences(policy: Policy) -> list[Finding]:
    """Recurrences whose instants would depend on where a listing of duties starts."""
    out = []
    for i, duty in enumerate(policy.spec.monitoring):
        parts = dict(part.split("=", 1) for part in duty.rrule.upper().split(";") if "=" in part)
        path = f"monitoring[{i}].rrule"
        freq = parts.get("FREQ", "")
        pins = _PINS.get(freq, ())
        if pins and not any(k in parts for k in pins):
            out.append(
                Finding(
                    "warning",
                    path,
                    f"FREQ={freq} without {' or '.join(pins)}: the day it falls on depends on "
                    "where a listing of duties starts",
                )
            )
        for key in ("COUNT", "INTERVAL"):
            if key in parts and not (key == "INTERVAL" and parts[key] == "1"):
                out.append(
                    Finding(
                        "warning",
                        path,
                        f"{key}={parts[key]} is counted from where a listing of duties starts, "
                        "not from a fixed date",
                    )
                )
    return out


def _order_findings(policy: Policy) -> list[Finding]:
    """Obligations without ``within`` that nothing orders, and acting roles that are also
    the recipient."""
    spec = policy.spec
    ordered = {ident for order in spec.workflow.order for ident in order.obligations}
    followed = {o.after for o in spec.obligations if o.after}
    out = []
    for i, ob in enumerate(spec.obligations):
        if ob.within is None and ob.id not in ordered | followed:
            out.append(
                Finding(
                    "warning",
                    f"obligations[{i}]",
                    f"{ob.id} has no 'within' and no workflow.order entry or 'after' names it: "
                    "nothing but archive waits for it",
                )
            )
        if ob.by is not None and ob.by in ob.roles:
            out.append(
                Finding(
                    "warning",
                    f"obligations[{i}].by",
                    f"{ob.by!r} both acts and receives {ob.id}: 'by' is the sender",
                )
            )
    return out


def _permission_warnings(policy: Policy) -> list[tuple[str, str]]:
    """Permissions for a stage trigger whose stage the workflow leaves out."""
    workflow = policy.spec.workflow
    return permission_warnings(
        workflow.permissions,
        lambda t: t in STAGE_TRIGGERS and STAGE_TRIGGERS[t] not in workflow.stages,
    )
