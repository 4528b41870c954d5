"""Automatic assessment (研判): severity and sensitivity grade from metrics and flags.

A rule fires when any of its conditions holds: a flag is present, the category matches, or one
of its bands holds for the counts as known at the assessment time (P1 in docs/rules.md: bounds are
inclusive). The highest level among the rules that fired is the severity (P2); it is a floor
a person may raise, and lower only with a recorded reason (P8). Sensitivity grades work the
same way, with one rule of timing (R4.1): a grade below the top one is only given once the
observation window after posting is over, because counts may still rise until then. Counts
only rise, so when nothing was observed within a window, the first observation after it bounds
the counts at its end from above: a band with no lower bound (``max`` only) is settled by it
(five replies seen four hours after posting mean at most five within three hours).

Every rule that fired is named in :attr:`Assessment.reasons`, and so is every condition that
could not be decided yet (no counts observed, or the posting time unknown).

>>> from datetime import datetime, timedelta
>>> from zoneinfo import ZoneInfo
>>> from yuqing_core import Incident, Metrics, load_policy
>>> policy = load_policy({
...     "name": "thresholds", "title": "示例",
...     "assessment": {"rules": [
...         {"id": "major-views", "rule": "R8.2", "level": "major",
...          "any_metrics": [{"metric": "views", "min": 1000, "max": 2999}]},
...         {"id": "critical-views", "rule": "R8.3", "level": "critical",
...          "any_metrics": [{"metric": "views", "min": 3000}]},
...     ]},
... })
>>> t = datetime(2025, 10, 9, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
>>> inc = Incident(id="YQ-1", title="食堂投诉", discovered_at=t,
...                metrics=[Metrics(observed_at=t, views=3000)])
>>> a = policy.assess(inc)
>>> a.severity
<Severity.CRITICAL: 5>
>>> a.reasons
['R8.3 critical-views: views 3000 >= 3000 -> critical']
>>> early = policy.assess(inc, at=t - timedelta(minutes=1))
>>> print(*early.reasons)  # doctest: +NORMALIZE_WHITESPACE
R8.2 major-views, R8.3 critical-views: cannot be decided yet:
no counts observed by 2025-10-09 08:59
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from typing import TYPE_CHECKING, Literal

from .._dt import ensure_aware
from ..model import KNOWN_FLAGS, Category, Incident, Metrics, Severity
from ..policy.schema import Band, GradeRule, SeverityRule, within_posting
from ..time.duration import Duration

if TYPE_CHECKING:
    from ..policy.data import PolicyData as Policy

__all__ = ["Assessment", "RuleHit", "assess", "floor"]


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One rule that fired: its rule id (docs/rules.md), its id in the policy, what it gives and
    why."""

    kind: Literal["severity", "grade"]
    rule: str
    """The rule id in docs/rules.md (``R8.3``) or the institution's article number."""
    rule_id: str
    """The rule's id in the policy file (``s8-critical-views``)."""
    level: Severity | None
    """The level a severity rule gives."""
    grade: str | None
    """The grade a grade rule gives."""
    why: tuple[str, ...]
    """Each condition that held, in English (``views 3000 >= 3000``)."""
    why_zh: tuple[str, ...]
    """The same in Chinese (``点击量 3000 ≥ 3000``)."""

    @property
    def outcome(self) -> str:
        return str(self.level) if self.kind == "severity" else f"grade {self.grade}"

    @property
    def reason(self) -> str:
        """One line: ``R8.3 s8-critical-views: views 3000 >= 3000 -> critical``."""
        return f"{self.rule} {self.rule_id}: {'; '.join(self.why)} -> {self.outcome}"

    def reason_zh(self, level_label: str | None = None) -> str:
        """The line in Chinese; ``level_label`` is the policy's name for the level."""
        if self.kind == "severity":
            assert self.level is not None
            outcome = level_label or self.level.label
        else:
            outcome = f"{self.grade}级"
        return f"{self.rule} {self.rule_id}：{'；'.join(self.why_zh)} → {outcome}"


@dataclass(frozen=True)
class Assessment:
    """The result of an automatic assessment (研判结果).

    ``severity`` is the highest level of the rules that fired, or ``None`` when none fired;
    ``grade`` the sensitivity grade, ``None`` while it cannot be given yet (or the policy has
    none). ``reasons`` has one line per rule that fired, then one per condition that could not
    be decided yet.
    """

    severity: Severity | None
    grade: str | None
    reasons: list[str]
    hits: tuple[RuleHit, ...] = ()
    """The rules that fired, severity rules first, in policy order."""
    undetermined: tuple[str, ...] = ()
    """Why some conditions or the grade cannot be decided yet (also in ``reasons``)."""
    metrics: Metrics | None = None
    """The latest observation known at ``at``."""
    at: datetime | None = None
    """The moment the assessment speaks for: the ``at`` asked for, or, without one, the
    latest of the discovery and the last observation."""
    grade_from: datetime | None = None
    """When grades below the top one can first be given (posting time + grading window)."""

    @property
    def fired(self) -> tuple[str, ...]:
        """The policy ids of the rules that fired (of :attr:`hits`)."""
        return tuple(h.rule_id for h in self.hits)

    @property
    def reasons_zh(self) -> list[str]:
        """The fired rules in Chinese (undetermined lines stay in :attr:`reasons`)."""
        return [h.reason_zh() for h in self.hits]


@dataclass(slots=True)
class _Eval:
    why: list[str]
    why_zh: list[str]
    undecided: str | None = None


def _stamp(dt: datetime, zone: tzinfo) -> str:
    return dt.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _band_hit(band: Band, value: int, window: Duration | None) -> tuple[str, str]:
    en, zh = band.held(value)
    if window is not None:
        zh = f"发帖后{window.zh()}内{zh}"
    return within_posting(en, window), zh


def _observation(
    rule: SeverityRule | GradeRule,
    incident: Incident,
    known: Sequence[Metrics],
    at: datetime,
    zone: tzinfo,
) -> tuple[Metrics | None, str | None]:
    """The observation a rule's bands are read on, or why there is none yet."""
    found = _latest(rule, incident, known)
    if found is not None:
        return found, None
    if rule.window is None:
        return None, f"no counts observed by {_stamp(at, zone)}"
    if incident.posted_at is None:
        return None, f"posted_at is unknown (needed for counts within {rule.window} of posting)"
    limit = incident.posted_at + rule.window.as_timedelta()
    return None, (
        f"no counts observed within {rule.window} of posting (by {_stamp(min(limit, at), zone)})"
    )


def _latest(
    rule: SeverityRule | GradeRule, incident: Incident, known: Sequence[Metrics]
) -> Metrics | None:
    """The observation a rule's bands are read on: the latest known, or the latest made
    within the rule's window after posting; ``None`` if there is none (yet)."""
    if rule.window is not None:
        if incident.posted_at is None:
            return None
        known = _until(known, incident.posted_at + rule.window.as_timedelta())
    return known[-1] if known else None


def _holds(rule: SeverityRule, incident: Incident, known: Sequence[Metrics]) -> bool:
    """Whether one of ``rule``'s conditions holds for the counts ``known`` (what
    :func:`_evaluate` words)."""
    if rule.any_flags and not incident.flags.isdisjoint(rule.any_flags):
        return True
    if incident.category in rule.any_categories:
        return True
    if not rule.any_metrics:
        return False
    obs = _latest(rule, incident, known)
    if obs is not None:
        return any(b.contains(obs.value(b.metric)) for b in rule.any_metrics)
    later = _later(rule, incident, known)
    return later is not None and any(_settled(b, later) for b in rule.any_metrics)


def _later(
    rule: SeverityRule | GradeRule, incident: Incident, known: Sequence[Metrics]
) -> Metrics | None:
    """The first observation after the end of ``rule``'s window (none without a window or a
    posting time): counts only rise, so it bounds the counts at the window's end from above."""
    if rule.window is None or incident.posted_at is None:
        return None
    end = incident.posted_at + rule.window.as_timedelta()
    n = bisect.bisect_right(known, end, key=_observed)
    return known[n] if n < len(known) else None


def _settled(band: Band, later: Metrics) -> bool:
    """Whether a band holds for any count up to ``later``'s (a band with no lower bound)."""
    return (band.min is None or band.min <= 0) and band.contains(later.value(band.metric))


def floor(
    policy: Policy, incident: Incident, at: datetime, *, above: Severity | None = None
) -> Severity | None:
    """``assess(policy, incident, at).severity``, without wording a reason: what automatic
    escalation checks after every metrics update.

    With ``above``, only a level the policy maps above ``above`` is looked for (``None``
    when the automatic level maps to ``above`` or lower): whether a case at that level is
    escalated, with only the rules that could escalate it checked.
    """
    if type(at) is not datetime or type(at.tzinfo) is not timezone:
        at = ensure_aware(at, "at")  # (a fixed offset, as every read instant has, is aware)
    rules = _rules_of(policy)
    memo = rules.by_flags
    if memo is None:
        return _floor(rules.ordered, incident, _until(incident.metrics, at), above)
    # No rule reads counts: the flags and the category decide, and are looked up.
    key = (incident.flags, incident.category, above)
    found = memo.get(key, _UNSEEN)
    if found is _UNSEEN:
        found = _floor(rules.ordered, incident, (), above)
        if len(memo) < 256:  # bounded: a policy's flags combine in few ways in practice
            memo[key] = found
    return found  # type: ignore[return-value]


def _floor(
    ordered: tuple[tuple[Severity, SeverityRule], ...],
    incident: Incident,
    known: Sequence[Metrics],
    above: Severity | None,
) -> Severity | None:
    for level, rule in ordered:
        if above is not None and level <= above:
            return None  # the rest map no higher
        if _holds(rule, incident, known):
            return rule.level
    return None


_UNSEEN = object()


@dataclass(slots=True)
class _Rules:
    """A policy spec's assessment rules, highest level first, each with the policy level its
    level maps to; and, when no rule reads counts, :func:`floor`'s results by the flags,
    category and ``above`` they were found for."""

    spec: object
    ordered: tuple[tuple[Severity, SeverityRule], ...]
    by_flags: dict[tuple[frozenset[str], Category, Severity | None], object] | None


_ORDERED: dict[int, _Rules] = {}
"""The rules of :func:`_rules_of` by the identity of the policy spec they are of (which is
kept with them, so that the identity stays its own): a lookup costs no hashing of a spec."""


def _rules_of(policy: Policy) -> _Rules:
    """The policy's assessment rules, highest level first; the first rule that holds gives
    the automatic level."""
    spec = policy.spec
    kept = _ORDERED.get(id(spec))
    if kept is not None and kept.spec is spec:
        return kept
    rules = sorted(spec.assessment.rules, key=lambda r: r.level, reverse=True)
    ordered = tuple((policy.normalize_severity(r.level), r) for r in rules)
    by_counts = any(r.any_metrics for r in rules)
    if len(_ORDERED) >= 64:  # bounded: a process holds few policies
        _ORDERED.clear()
    kept = _ORDERED[id(spec)] = _Rules(spec, ordered, None if by_counts else {})
    return kept


def _observed(metrics: Metrics) -> datetime:
    return metrics.observed_at


def _until(known: Sequence[Metrics], at: datetime) -> Sequence[Metrics]:
    """The observations of ``known`` (in time order) made by ``at``: a bisection, not a scan."""
    if not known or known[-1].observed_at <= at:
        return known
    return known[: bisect.bisect_right(known, at, key=_observed)]


def _evaluate(
    rule: SeverityRule | GradeRule,
    incident: Incident,
    known: Sequence[Metrics],
    at: datetime,
    zone: tzinfo,
) -> _Eval:
    ev = _Eval([], [])
    if not incident.flags.isdisjoint(rule.no_flags):
        return ev
    for flag in rule.any_flags:
        if flag in incident.flags:
            label = KNOWN_FLAGS.get(flag)
            ev.why.append(f"flag {flag}")
            ev.why_zh.append(f"标记“{label or flag}”")
    if incident.category in rule.any_categories:
        ev.why.append(f"category {incident.category.value}")
        ev.why_zh.append(f"类别“{incident.category.label}”")
    if rule.any_metrics:
        obs, undecided = _observation(rule, incident, known, at, zone)
        later = _later(rule, incident, known) if obs is None else None
        if later is not None and rule.window is not None:
            _bound_hits(ev, rule.any_metrics, later, rule.window, zone)
        if obs is None:
            ev.undecided = None if later is not None and _ruled_out(rule, later) else undecided
        else:
            for band in rule.any_metrics:
                value = obs.value(band.metric)
                if band.contains(value):
                    en, zh = _band_hit(band, value, rule.window)
                    ev.why.append(en)
                    ev.why_zh.append(zh)
    return ev


def _ruled_out(rule: SeverityRule | GradeRule, later: Metrics) -> bool:
    """Whether counts up to ``later``'s hold none of ``rule``'s bands (each needs more)."""
    return all(b.min is not None and b.min > later.value(b.metric) for b in rule.any_metrics)


def _bound_hits(
    ev: _Eval, bands: Sequence[Band], later: Metrics, window: Duration, zone: tzinfo
) -> None:
    """Word the bands ``later`` settles (:func:`_settled`) into ``ev``."""
    seen = _stamp(later.observed_at, zone)
    for band in bands:
        if _settled(band, later):
            value = later.value(band.metric)
            en, zh = band.held(value)
            ev.why.append(f"{within_posting(en, window)} ({seen}, counts only rise)")
            ev.why_zh.append(f"发帖后{window.zh()}内{zh}（{seen} 的观测，计数只增不减）")


def _undecided_lines(pending: dict[str, list[str]]) -> list[str]:
    return [f"{', '.join(ids)}: cannot be decided yet: {cause}" for cause, ids in pending.items()]


def assess(policy: Policy, incident: Incident, at: datetime | None = None) -> Assessment:
    """Grade ``incident`` by ``policy``'s assessment rules, with counts as known at ``at``.

    Only observations with ``observed_at <= at`` count (all of them without ``at``). A rule
    with a ``window`` reads the latest observation made within that time of posting (the end
    included, P1 in docs/rules.md). Grades below the top of ``grading.order`` wait until the grading
    window after posting is over (R4.1); without ``at`` that is judged at the latest of the
    discovery and the last observation.
    """
    zone = policy.calendar.zone
    known: Sequence[Metrics] = incident.metrics  # in time order (Incident keeps them so)
    if at is not None:
        at = ensure_aware(at, "at")
        known = _until(known, at)
        moment = at
    else:
        moment = incident.discovered_at
        if known and known[-1].observed_at > moment:
            # max() of them all: the first of the latest (equal instants may differ in offset)
            first = bisect.bisect_left(known, known[-1].observed_at, key=_observed)
            moment = known[first].observed_at
    spec = policy.spec.assessment
    hits: list[RuleHit] = []
    pending: dict[str, list[str]] = {}

    undecided: list[tuple[SeverityRule, str]] = []
    for rule in spec.rules:
        ev = _evaluate(rule, incident, known, moment, zone)
        if ev.why:
            hits.append(
                RuleHit("severity", rule.rule, rule.id, rule.level, None, (*ev.why,), (*ev.why_zh,))
            )
        elif ev.undecided:
            undecided.append((rule, ev.undecided))
    severity = max((h.level for h in hits if h.level is not None), default=None)
    for rule, cause in undecided:
        # A rule that could only give what the incident already has cannot change the result.
        if severity is None or rule.level > severity:
            pending.setdefault(cause, []).append(f"{rule.rule} {rule.id}")
    undetermined = _undecided_lines(pending)

    grade, grade_from, grade_hits, grade_notes = _grade(policy, incident, known, moment, zone)
    hits += grade_hits
    undetermined += grade_notes
    return Assessment(
        severity=severity,
        grade=grade,
        reasons=[h.reason for h in hits] + undetermined,
        hits=tuple(hits),
        undetermined=tuple(undetermined),
        metrics=known[-1] if known else None,
        at=moment,
        grade_from=grade_from,
    )


def _grade(
    policy: Policy,
    incident: Incident,
    known: Sequence[Metrics],
    at: datetime,
    zone: tzinfo,
) -> tuple[str | None, datetime | None, list[RuleHit], list[str]]:
    spec = policy.spec.assessment
    grading = spec.grading
    if grading is None or not spec.grades:
        return None, None, [], []
    order = list(grading.order)
    top = order[-1]
    grade_from: datetime | None = None
    lower_allowed = True
    if grading.window is not None:
        if incident.posted_at is None:
            lower_allowed = False
        else:
            grade_from = incident.posted_at + grading.window.as_timedelta()
            lower_allowed = at >= grade_from
    hits: list[RuleHit] = []
    pending: dict[str, list[str]] = {}
    open_grades: set[str] = set()
    for rule in spec.grades:
        ev = _evaluate(rule, incident, known, at, zone)
        if ev.why and (rule.grade == top or lower_allowed):
            hits.append(
                RuleHit("grade", rule.rule, rule.id, None, rule.grade, (*ev.why,), (*ev.why_zh,))
            )
        elif not ev.why and ev.undecided:
            pending.setdefault(ev.undecided, []).append(f"{rule.rule} {rule.id}")
            open_grades.add(rule.grade)
    grade = max((h.grade for h in hits if h.grade), key=order.index, default=None)
    if grade is not None and not any(order.index(g) > order.index(grade) for g in open_grades):
        return grade, grade_from, hits, []
    # A higher grade is still undecided: a count bound from a later observation (or no
    # count at all) leaves it open, so no lower grade is given yet.
    hits = []
    notes = _undecided_lines(pending)
    if grading.window is not None and incident.posted_at is None:
        notes.append(
            f"grade: posted_at is unknown, so no grade below {top} can be given "
            f"(grades wait {grading.window} after posting)"
        )
    elif grade_from is not None and not lower_allowed:
        notes.append(
            f"grade: no grade below {top} before {_stamp(grade_from, zone)}, "
            f"{grading.window} after posting (counts may still rise)"
        )
    return None, grade_from, hits, notes
