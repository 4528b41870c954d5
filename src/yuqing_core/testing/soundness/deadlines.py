"""Deadline soundness: higher levels are not looser, reports come before responses, and a
warning point does not fire the moment the clock starts.

Deadlines are compared by computing due instants on the policy's own calendar from
:data:`ANCHORS`, fixed instants across National Day 2025 and Spring Festival 2026 where
working days, 调休 make-up days and rest days all meet.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime

from ...api import Policy
from ...errors import CalendarCoverageError
from ...model import Severity
from ...model.vocab import INCIDENT_MOMENTS, ObligationKind
from ...policy.lint import Finding
from ...policy.schema import ObligationSpec
from ...policy.warnings import WarnPoint
from ...rules.obligations.warnings import warn_instants
from ...time.duration import Duration

__all__ = [
    "ANCHORS",
    "REPORT_AFTER_RESPONSE_MARKERS",
    "check_deadline_order",
    "check_report_before_response",
    "check_warnings",
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

_RESPONSE_KINDS = (ObligationKind.INITIAL_RESPONSE, ObligationKind.REPLY)

_Numbered = tuple[int, ObligationSpec]
"""An obligation with its place in ``obligations``."""


# -- shared helpers --------------------------------------------------------------------------


def _anchor_instants(policy: Policy) -> list[datetime]:
    zone = policy.calendar.zone
    return [datetime(y, m, d, hh, mm, tzinfo=zone) for y, m, d, hh, mm in ANCHORS]


def _stamp(policy: Policy, at: datetime) -> str:
    return f"{policy.calendar.local(at):%Y-%m-%d %H:%M}"


def _applies(ob: ObligationSpec, level: Severity) -> bool:
    return not ob.levels or level in ob.levels


def _co_apply(a: ObligationSpec, b: ObligationSpec) -> bool:
    """Whether one incident can owe both (their content classes can coincide, and neither
    needs only flags the other excludes)."""
    if a.any_flags and set(a.any_flags) <= set(b.no_flags):
        return False
    if b.any_flags and set(b.any_flags) <= set(a.no_flags):
        return False
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


# -- a higher level is never looser --------------------------------------------------------


def _level_pairs(policy: Policy) -> Iterator[tuple[Severity, Severity]]:
    """Every ``(lower, higher)`` pair of the policy's levels, lowest first."""
    levels = policy.severities
    for n, lo in enumerate(levels):
        for hi in levels[n + 1 :]:
            yield lo, hi


def _compared(o_hi: ObligationSpec, hi: Severity, o_lo: ObligationSpec, lo: Severity) -> bool:
    """Whether ``o_hi`` at ``hi`` must be no looser than ``o_lo`` at ``lo``: the same kind to
    the same role, from the same start, one incident can owe both, and ``o_lo`` does not
    apply at ``hi`` too (then ``hi`` owes the tighter one anyway)."""
    if not _applies(o_hi, hi) or not _applies(o_lo, lo) or _applies(o_lo, hi):
        return False
    if (o_hi.kind, o_hi.roles) != (o_lo.kind, o_lo.roles):
        return False
    if o_hi.anchor != o_lo.anchor or (o_hi.after is None) != (o_lo.after is None):
        return False
    return _co_apply(o_hi, o_lo)


def check_deadline_order(policy: Policy) -> list[Finding]:
    """A higher level never owes a looser deadline than a lower one for the same kind and role.

    Obligations are compared when one incident can owe both (their content classes meet),
    they start from the same anchor, and the lower level's obligation does not also apply to
    the higher level (then the higher level owes the tighter one anyway). Due instants are
    computed from every instant of :data:`ANCHORS`.
    """
    obs = list(enumerate(policy.spec.obligations))
    out: list[Finding] = []
    done: set[tuple[int, int]] = set()
    for lo, hi in _level_pairs(policy):
        for (i, o_hi), (j, o_lo) in itertools.product(obs, obs):
            if i == j or (i, j) in done or not _compared(o_hi, hi, o_lo, lo):
                continue
            if o_hi.within is None or o_lo.within is None:
                continue  # an obligation without a deadline is ordered, not timed
            worse = _first_later(policy, o_hi.within, o_lo.within)
            if worse is None:
                continue
            done.add((i, j))
            out.append(_looser(policy, i, (o_hi, hi), (o_lo, lo), worse))
    return out


def _looser(
    policy: Policy,
    i: int,
    higher: tuple[ObligationSpec, Severity],
    lower: tuple[ObligationSpec, Severity],
    worse: tuple[datetime, datetime, datetime],
) -> Finding:
    """``obligations[i]`` at its level falls due after ``lower`` at a lower level."""
    (o_hi, hi), (o_lo, lo) = higher, lower
    at, due_hi, due_lo = worse
    role = "/".join(policy.roles.get(r, r) for r in o_hi.roles)
    return Finding(
        "error",
        f"obligations[{i}].within",
        f"{o_hi.id} ({hi.key}, {o_hi.within}) falls due "
        f"{_stamp(policy, due_hi)} but {o_lo.id} ({lo.key}, {o_lo.within}) "
        f"falls due {_stamp(policy, due_lo)} when both start "
        f"{_stamp(policy, at)}: a higher level must never have a looser "
        f"{o_hi.kind} deadline to {'/'.join(o_hi.roles)} ({role}) than a lower one",
    )


# -- a report comes before the response ------------------------------------------------------


def _says_report_may_follow(policy: Policy, ob: ObligationSpec) -> bool:
    def marked(text: str) -> bool:
        return any(m.lower() in text.lower() for m in REPORT_AFTER_RESPONSE_MARKERS)

    if marked(ob.reading):
        return True
    return any(ob.id in note and marked(note) for note in policy.spec.notes)


def _reports(policy: Policy) -> list[_Numbered]:
    """The reports that wait on no other obligation and are not said to follow the response."""
    return [
        (i, ob)
        for i, ob in enumerate(policy.spec.obligations)
        if ob.kind == ObligationKind.REPORT
        and ob.after is None
        and not _says_report_may_follow(policy, ob)
    ]


def _responses(policy: Policy) -> list[_Numbered]:
    """The public responses and replies that wait on no other obligation."""
    return [
        (j, ob)
        for j, ob in enumerate(policy.spec.obligations)
        if ob.kind in _RESPONSE_KINDS and ob.after is None
    ]


def _report_precedes(rep: ObligationSpec, resp: ObligationSpec, level: Severity) -> bool:
    """Whether ``rep`` must fall due no later than ``resp`` at ``level``: both are owed at
    that level by one incident, and the report starts no later than the response (at an
    incident moment, or at the same trigger)."""
    if not _applies(rep, level) or not _applies(resp, level) or not _co_apply(rep, resp):
        return False
    return rep.anchor in INCIDENT_MOMENTS or rep.anchor == resp.anchor


def check_report_before_response(policy: Policy) -> list[Finding]:
    """At every level, a ``report`` is not due after the ``initial_response``/``reply``.

    A report upward comes before the public response it prepares (上报 before 回应). Pairs are
    compared when one incident can owe both, neither waits on another obligation (``after``),
    and the report starts no later than the response (at an incident moment, or at the same
    trigger). A file that means a later report says so in the report's ``reading``, or in a
    note that names the report's id, with one of :data:`REPORT_AFTER_RESPONSE_MARKERS`.
    """
    pairs = list(itertools.product(_reports(policy), _responses(policy)))
    out: list[Finding] = []
    done: set[tuple[int, int]] = set()
    for level in policy.severities:
        for (i, rep), (j, resp) in pairs:
            if (i, j) in done or not _report_precedes(rep, resp, level):
                continue
            if rep.within is None or resp.within is None:
                continue  # an obligation without a deadline is ordered, not timed
            worse = _first_later(policy, rep.within, resp.within)
            if worse is None:
                continue
            done.add((i, j))
            out.append(_late_report(policy, i, rep, resp, level, worse))
    return out


def _late_report(
    policy: Policy,
    i: int,
    rep: ObligationSpec,
    resp: ObligationSpec,
    level: Severity,
    worse: tuple[datetime, datetime, datetime],
) -> Finding:
    """The report ``obligations[i]`` falls due after the response ``resp`` at ``level``."""
    at, due_rep, due_resp = worse
    return Finding(
        "error",
        f"obligations[{i}].within",
        f"{rep.id} ({level.key}, {rep.within}) falls due "
        f"{_stamp(policy, due_rep)}, after {resp.id} ({resp.kind}, "
        f"{resp.within}) due {_stamp(policy, due_resp)}, when both start "
        f"{_stamp(policy, at)}: a report must not fall due after the response "
        f"it precedes; if that is meant, say so in the reading of {rep.id} or "
        f"in a note naming it (“晚于回应” / “after the response”)",
    )


# -- a warning comes after the clock starts ----------------------------------------------------


def check_warnings(policy: Policy) -> list[Finding]:
    """No warning point before the due instant is as long as the deadline itself: from some
    instant of :data:`ANCHORS` it would warn the moment the clock starts (``"3h"`` before a
    ``2h`` deadline, or ``"8wh"`` before a ``1wd`` deadline found on the eve of a holiday)."""
    out: list[Finding] = []
    default = policy.spec.timing.warnings
    for i, ob in enumerate(policy.spec.obligations):
        path = f"obligations[{i}].warnings" if ob.warnings else "timing.warnings"
        for j, point in enumerate(ob.warnings or default):
            if point.before is None:
                continue
            at = _warns_at_start(policy, ob, point)
            if at is not None:
                out.append(
                    Finding(
                        "error",
                        f"{path}[{j}]",
                        f"'{point}' before the due instant of {ob.id} ({ob.within}) falls "
                        f"at or before the start of its clock when it starts "
                        f"{_stamp(policy, at)}: it would warn at once; shorten it or write a "
                        "share (80%)",
                    )
                )
    return out


def _warns_at_start(policy: Policy, ob: ObligationSpec, point: WarnPoint) -> datetime | None:
    """The first anchor from which ``point`` falls at the start of ``ob``'s clock."""
    cal = policy.calendar
    if ob.within is None:  # untimed: no due instant, so no warning
        return None
    for at in _anchor_instants(policy):
        try:
            due = cal.due(at, ob.within)
        except CalendarCoverageError:
            continue
        (warn,) = warn_instants(cal, ob.within, at, due, (point,), 0.75)
        if warn <= at:
            return at
    return None
