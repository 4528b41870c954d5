"""Is a policy sound (制度自检)? The lint plus property checks, for an institution's test suite.

:func:`assert_policy_sound` runs :func:`yuqing_core.lint` and every check below, and raises one
:class:`AssertionError` listing every problem, one per line, as ``key.path: message``. Each
check is a function of its own returning :class:`~yuqing_core.Finding` objects, so a test can
run one alone:

- :func:`check_monotone_severity`: raising one count never lowers the automatic level (P6);
- :func:`check_deadline_order`: a higher level never has a looser deadline than a lower one
  for the same obligation kind and role;
- :func:`check_roles`: every role named by an obligation, ladder step or monitoring duty
  exists;
- :func:`check_final_reachable`: from every stage some commands lead to a final stage;
- :func:`check_obligations_can_be_met`: every obligation's ``met_by`` trigger can fire once it
  is owed;
- :func:`check_report_before_response`: a report is not due after the public response of the
  same level, unless the file says so (see :data:`REPORT_AFTER_RESPONSE_MARKERS`).

Deadlines are compared by computing due instants on the policy's own calendar from
:data:`ANCHORS`, fixed instants across National Day 2025 and Spring Festival 2026 where
working days, 调休 make-up days and rest days all meet.

>>> from yuqing_core import presets
>>> assert_policy_sound(presets.load("school-tiered"))
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .. import presets
from ..api import Policy, load_policy
from ..errors import CalendarCoverageError, PolicyError, format_problem
from ..model import Category, Incident, Metrics, Severity
from ..model.vocab import DEFAULT_MET_BY, FINAL_STATES
from ..policy.check import role_ids
from ..policy.lint import Finding, lint
from ..policy.schema import ObligationSpec, PolicySpec
from ..time.duration import Duration

__all__ = [
    "ANCHORS",
    "CHECKS",
    "REPORT_AFTER_RESPONSE_MARKERS",
    "assert_policy_sound",
    "band_points",
    "check_deadline_order",
    "check_final_reachable",
    "check_monotone_severity",
    "check_obligations_can_be_met",
    "check_report_before_response",
    "check_roles",
    "final_unreachable",
    "soundness_findings",
]

ANCHORS: tuple[tuple[int, int, int, int, int], ...] = (
    (2025, 9, 28, 10, 0),  # Sunday, a 调休 make-up working day before National Day
    (2025, 9, 30, 16, 30),  # the eve of National Day, before business close
    (2025, 10, 1, 9, 0),  # National Day
    (2025, 10, 8, 22, 0),  # the last day of the holiday, late in the evening
    (2025, 10, 11, 9, 0),  # Saturday, a make-up working day after the holiday
    (2025, 11, 5, 9, 0),  # an ordinary Wednesday morning
    (2025, 11, 7, 18, 0),  # Friday after business close
    (2026, 2, 13, 17, 45),  # Friday before Spring Festival
    (2026, 2, 14, 11, 0),  # Saturday, a make-up working day
    (2026, 2, 17, 12, 0),  # Spring Festival
    (2026, 2, 23, 20, 0),  # the last day of the holiday
    (2026, 2, 24, 8, 30),  # the first working day after it
)
"""Wall-clock instants (in the policy's zone) deadlines are compared from."""

REPORT_AFTER_RESPONSE_MARKERS: tuple[str, ...] = ("晚于回应", "after the response")
"""Words by which a policy file says a report may fall due after the response: in the report
obligation's ``reading``, or in a ``notes`` entry that also names the obligation's id."""

INCIDENT_MOMENTS = frozenset({"discovered", "posted", "opened"})
RESPONSE_KINDS = ("initial_response", "reply")


def assert_policy_sound(
    policy: Policy | str | os.PathLike[str] | Mapping[str, Any], *, strict: bool = False
) -> None:
    """Raise :class:`AssertionError` listing every problem of ``policy``, one per line.

    Problems are the lint's errors (and its warnings too when ``strict``), then the findings
    of every check in :data:`CHECKS`. ``policy`` may also be a preset name, a file path or a
    dict; a policy that does not load is reported with the loader's exact messages.
    """
    if not isinstance(policy, Policy):
        try:
            if isinstance(policy, Mapping):
                policy = load_policy(policy)
            elif isinstance(policy, str) and policy in presets.names():
                policy = presets.load(policy)
            else:
                policy = load_policy(Path(policy))
        except PolicyError as e:
            lines = [format_problem(*p) for p in e.problems] or [str(e)]
            raise AssertionError(
                _header("the policy", len(lines)) + "\n" + "\n".join(lines)
            ) from None
    findings = soundness_findings(policy, strict=strict)
    if findings:
        lines = [f"{f.path}: {f.message}" for f in findings]
        raise AssertionError(
            _header(f"policy {policy.name!r}", len(lines)) + "\n" + "\n".join(lines)
        )


def _header(what: str, n: int) -> str:
    return f"{what} is not sound: {n} problem{'s' if n != 1 else ''}"


def soundness_findings(policy: Policy, *, strict: bool = False) -> list[Finding]:
    """The problems :func:`assert_policy_sound` would list (an empty list when sound)."""
    linted = [f for f in lint(policy) if strict or f.level == "error"]
    errors = [f.path for f in linted if f.level == "error"]
    out = list(linted)
    for check in CHECKS:
        for f in check(policy):
            # The lint already explains a level that falls as a count rises, band by band.
            if check is check_monotone_severity and any(
                p == f.path or p.startswith(f.path + ".") for p in errors
            ):
                continue
            if f not in out:
                out.append(f)
    return out


# -- shared helpers --------------------------------------------------------------------------


def _anchor_instants(policy: Policy) -> list[datetime]:
    zone = policy.calendar.zone
    return [datetime(y, m, d, hh, mm, tzinfo=zone) for y, m, d, hh, mm in ANCHORS]


def _stamp(policy: Policy, at: datetime) -> str:
    return f"{policy.calendar.local(at):%Y-%m-%d %H:%M}"


def _applies(ob: ObligationSpec, level: Severity) -> bool:
    return not ob.levels or level in ob.levels


def _co_apply(a: ObligationSpec, b: ObligationSpec) -> bool:
    """Whether one incident can owe both (their content classes can coincide)."""
    if a.any_categories and b.any_categories:
        return bool(set(a.any_categories) & set(b.any_categories))
    return True


def _first_later(
    policy: Policy, later: Duration, earlier: Duration
) -> tuple[datetime, datetime, datetime] | None:
    """The first anchor from which ``later`` falls due after ``earlier``, with both dues."""
    cal = policy.calendar
    for at in _anchor_instants(policy):
        try:
            due_later, due_earlier = cal.due(at, later), cal.due(at, earlier)
        except CalendarCoverageError:
            continue
        if due_later > due_earlier:
            return at, due_later, due_earlier
    return None


# -- severity ------------------------------------------------------------------------------


def band_points(policy: Policy) -> dict[str, list[int]]:
    """Per metric, the counts at and around every band bound of the severity and grade rules.

    >>> from yuqing_core import load_policy
    >>> band_points(load_policy({"name": "d", "title": "示例", "assessment": {"rules": [
    ...     {"id": "r", "rule": "R8.2", "level": "major",
    ...      "any_metrics": [{"metric": "views", "min": 1000, "max": 2999}]}]}}))
    {'views': [0, 999, 1000, 1001, 2998, 2999, 3000]}
    """
    assessment = policy.spec.assessment
    points: dict[str, set[int]] = {}
    for rule in (*assessment.rules, *assessment.grades):
        for band in rule.any_metrics:
            seen = points.setdefault(band.metric, {0})
            for bound in (band.min, band.max):
                if bound is not None:
                    seen.update(v for v in (bound - 1, bound, bound + 1) if v >= 0)
    return {m: sorted(v) for m, v in sorted(points.items())}


def check_monotone_severity(policy: Policy) -> list[Finding]:
    """Raising one count (the others held) never lowers the automatic level (RULES P6).

    Counts are sampled at and around every band bound (:func:`band_points`), each metric in
    turn with the others at zero or at one of their own sample points.
    """
    points = band_points(policy)
    if not any(r.any_metrics for r in policy.spec.assessment.rules):
        return []
    zone = policy.calendar.zone
    posted = datetime(2025, 11, 5, 9, 0, tzinfo=zone)
    seen_at = posted + timedelta(minutes=1)
    index = {r.id: i for i, r in enumerate(policy.spec.assessment.rules)}

    def level(counts: Mapping[str, int]) -> tuple[int, str | None]:
        inc = Incident(
            id="SOUNDNESS",
            title="soundness",
            discovered_at=seen_at,
            posted_at=posted,
            category=Category.OTHER,
            metrics=(Metrics(observed_at=seen_at, **counts),),
        )
        result = policy.assess(inc, seen_at)
        if result.severity is None:
            return int(policy.lowest), None
        top = max(
            (h for h in result.hits if h.kind == "severity" and h.level is not None),
            key=lambda h: int(h.level or 0),
        )
        return int(policy.normalize_severity(result.severity)), top.rule_id

    bases: list[dict[str, int]] = [{}]
    for metric, values in points.items():
        bases += [{metric: v} for v in values if v]
    out: list[Finding] = []
    reported: set[tuple[str, str]] = set()
    for base in bases:
        for metric, values in points.items():
            if metric in base:
                continue
            previous: tuple[int, int, str | None] | None = None
            for v in values:
                counts = {**base, metric: v}
                rank, rule_id = level(counts)
                if previous is not None and rank < previous[1]:
                    before, before_rank, before_rule = previous
                    path = (
                        f"assessment.rules[{index[before_rule]}]"
                        if before_rule is not None
                        else "assessment.rules"
                    )
                    if (path, metric) not in reported:
                        reported.add((path, metric))
                        others = ", ".join(
                            f"{k} = {n}" for k, n in sorted(base.items()) if k != metric
                        )
                        out.append(
                            Finding(
                                "error",
                                path,
                                f"raising {metric} from {before} to {v}"
                                + (f" (with {others})" if others else "")
                                + f" lowers the level from {Severity(before_rank).key} to "
                                f"{Severity(rank).key}; a higher count must never give a lower "
                                "level (P6)",
                            )
                        )
                previous = (v, rank, rule_id)
    return out


# -- deadlines -----------------------------------------------------------------------------


def check_deadline_order(policy: Policy) -> list[Finding]:
    """A higher level never owes a looser deadline than a lower one for the same kind and role.

    Obligations are compared when one incident can owe both (their content classes meet),
    they start from the same anchor, and the lower level's obligation does not also apply to
    the higher level (then the higher level owes the tighter one anyway). Due instants are
    computed from every instant of :data:`ANCHORS`.
    """
    obs = list(enumerate(policy.spec.obligations))
    levels = policy.severities
    out: list[Finding] = []
    done: set[tuple[int, int]] = set()
    for n, lo in enumerate(levels):
        for hi in levels[n + 1 :]:
            for i, o_hi in obs:
                if not _applies(o_hi, hi):
                    continue
                for j, o_lo in obs:
                    if i == j or (i, j) in done or not _applies(o_lo, lo) or _applies(o_lo, hi):
                        continue
                    if (o_hi.kind, o_hi.role) != (o_lo.kind, o_lo.role):
                        continue
                    if o_hi.anchor != o_lo.anchor or (o_hi.after is None) != (o_lo.after is None):
                        continue
                    if not _co_apply(o_hi, o_lo):
                        continue
                    worse = _first_later(policy, o_hi.within, o_lo.within)
                    if worse is None:
                        continue
                    done.add((i, j))
                    at, due_hi, due_lo = worse
                    role = policy.roles.get(o_hi.role, o_hi.role)
                    out.append(
                        Finding(
                            "error",
                            f"obligations[{i}].within",
                            f"{o_hi.id} ({hi.key}, {o_hi.within}) falls due "
                            f"{_stamp(policy, due_hi)} but {o_lo.id} ({lo.key}, {o_lo.within}) "
                            f"falls due {_stamp(policy, due_lo)} when both start "
                            f"{_stamp(policy, at)}: a higher level must never have a looser "
                            f"{o_hi.kind} deadline to {o_hi.role} ({role}) than a lower one",
                        )
                    )
    return out


def _says_report_may_follow(policy: Policy, ob: ObligationSpec) -> bool:
    def marked(text: str) -> bool:
        return any(m.lower() in text.lower() for m in REPORT_AFTER_RESPONSE_MARKERS)

    if marked(ob.reading):
        return True
    return any(ob.id in note and marked(note) for note in policy.spec.notes)


def check_report_before_response(policy: Policy) -> list[Finding]:
    """At every level, a ``report`` is not due after the ``initial_response``/``reply``.

    A report upward comes before the public response it prepares (上报 before 回应). Pairs are
    compared when one incident can owe both, neither waits on another obligation (``after``),
    and the report starts no later than the response (at an incident moment, or at the same
    trigger). A file that means a later report says so in the report's ``reading``, or in a
    note that names the report's id, with one of :data:`REPORT_AFTER_RESPONSE_MARKERS`.
    """
    obs = list(enumerate(policy.spec.obligations))
    out: list[Finding] = []
    done: set[tuple[int, int]] = set()
    for level in policy.severities:
        for i, rep in obs:
            if rep.kind != "report" or rep.after is not None or not _applies(rep, level):
                continue
            if _says_report_may_follow(policy, rep):
                continue
            for j, resp in obs:
                if resp.kind not in RESPONSE_KINDS or resp.after is not None or (i, j) in done:
                    continue
                if not _applies(resp, level) or not _co_apply(rep, resp):
                    continue
                if rep.anchor not in INCIDENT_MOMENTS and rep.anchor != resp.anchor:
                    continue
                worse = _first_later(policy, rep.within, resp.within)
                if worse is None:
                    continue
                done.add((i, j))
                at, due_rep, due_resp = worse
                out.append(
                    Finding(
                        "error",
                        f"obligations[{i}].within",
                        f"{rep.id} ({level.key}, {rep.within}) falls due "
                        f"{_stamp(policy, due_rep)}, after {resp.id} ({resp.kind}, "
                        f"{resp.within}) due {_stamp(policy, due_resp)}, when both start "
                        f"{_stamp(policy, at)}: a report must not fall due after the response "
                        f"it precedes; if that is meant, say so in the reading of {rep.id} or "
                        f"in a note naming it (“晚于回应” / “after the response”)",
                    )
                )
    return out


# -- roles and the workflow ----------------------------------------------------------------


def check_roles(policy: Policy | PolicySpec) -> list[Finding]:
    """Every role named by an obligation, a ladder step or a monitoring duty exists.

    The loader refuses such a policy; this check takes a bare :class:`PolicySpec` too, so a
    spec built in code can be checked before it is loaded.
    """
    spec = policy.spec if isinstance(policy, Policy) else policy
    roles = role_ids(spec)
    named: list[tuple[str, str]] = [
        (f"obligations[{i}].role", o.role) for i, o in enumerate(spec.obligations)
    ]
    for i, ladder in enumerate(spec.ladders):
        named += [(f"ladders[{i}].steps[{j}].role", s.role) for j, s in enumerate(ladder.steps)]
    named += [(f"monitoring[{i}].role", d.role) for i, d in enumerate(spec.monitoring)]
    return [
        Finding(
            "error",
            path,
            f"{role!r} is not a role of this policy (a canonical role or one under [[roles]])",
        )
        for path, role in named
        if role not in roles
    ]


Table = Sequence[tuple[str, str, str | None]]
"""Workflow transitions as ``(trigger, source, dest)``; ``dest`` ``None`` stays in place."""


def _reachable(table: Table, start: Iterable[str]) -> set[str]:
    succ: dict[str, set[str]] = {}
    for _trigger, source, dest in table:
        succ.setdefault(source, set()).add(source if dest is None else dest)
    seen = set(start)
    todo = list(seen)
    while todo:
        for nxt in succ.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def final_unreachable(
    states: Sequence[str], table: Table, finals: Iterable[str] = FINAL_STATES
) -> list[Finding]:
    """The states of ``states`` from which no path of ``table`` reaches a final state.

    Guards are not considered: each guard of the canonical workflow can be satisfied by an
    earlier command (draft before approving, review before archiving).

    >>> final_unreachable(["registered", "handling", "archived"],
    ...                   [("start", "registered", "handling"),
    ...                    ("archive", "registered", "archived")])
    [Finding(level='error', path='workflow.stages[1]', message="no commands lead from 'handling' \
to a final stage (archived, dismissed)")]
    """
    final = set(finals)
    out = []
    for i, state in enumerate(states):
        if state in final or _reachable(table, [state]) & final:
            continue
        out.append(
            Finding(
                "error",
                f"workflow.stages[{i}]",
                f"no commands lead from {state!r} to a final stage ({', '.join(sorted(final))})",
            )
        )
    return out


def check_final_reachable(policy: Policy) -> list[Finding]:
    """From every stage of the policy's workflow some commands reach a final stage."""
    wf = policy.workflow
    return final_unreachable(wf.states, wf.transitions)


def check_obligations_can_be_met(policy: Policy) -> list[Finding]:
    """Every obligation's ``met_by`` trigger can fire in a stage the case can be in once the
    obligation is owed (from its anchor, or from where the obligation it follows is met)."""
    wf = policy.workflow
    table = wf.transitions
    fires_from: dict[str, set[str]] = {}
    lands: dict[str, set[str]] = {}
    for trigger, source, dest in table:
        fires_from.setdefault(trigger, set()).add(source)
        lands.setdefault(trigger, set()).add(source if dest is None else dest)
    from_start = _reachable(table, ["registered"])
    specs = {o.id: o for o in policy.spec.obligations}

    def met_by(ob: ObligationSpec) -> tuple[str, ...]:
        return ob.met_by or DEFAULT_MET_BY[ob.kind]

    def start_states(ob: ObligationSpec, depth: int = 0) -> set[str]:
        if ob.after is not None and ob.after in specs and depth < len(specs):
            before = specs[ob.after]
            live = _reachable(table, start_states(before, depth + 1))
            return {s for t in met_by(before) for s in lands.get(t, ()) if _fires_in(t, live)}
        if ob.anchor in INCIDENT_MOMENTS:
            return {"registered"}
        return {s for s in lands.get(ob.anchor, ()) if _fires_in(ob.anchor, from_start)}

    def _fires_in(trigger: str, states: set[str]) -> bool:
        return bool(fires_from.get(trigger, set()) & states)

    out = []
    for i, ob in enumerate(policy.spec.obligations):
        owed_in = _reachable(table, start_states(ob)) - FINAL_STATES
        triggers = met_by(ob)
        if any(_fires_in(t, owed_in) for t in triggers):
            continue
        start = f"once '{ob.after}' is met" if ob.after else f"from '{ob.anchor}'"
        where = f"obligations[{i}].met_by" if ob.met_by else f"obligations[{i}].kind"
        names = " or ".join(repr(t) for t in triggers)
        stages = ", ".join(s for s in wf.states if s in owed_in) or "none"
        out.append(
            Finding(
                "error",
                where,
                f"no command meets {ob.id}: {names} cannot fire in any stage the case can be "
                f"in while it is owed ({start}; stages: {stages})",
            )
        )
    return out


CHECKS: tuple[Callable[[Policy], list[Finding]], ...] = (
    check_monotone_severity,
    check_deadline_order,
    check_roles,
    check_final_reachable,
    check_obligations_can_be_met,
    check_report_before_response,
)
"""The property checks :func:`assert_policy_sound` runs after the lint, in this order."""
