"""When duties start and stop: at a level, at a trigger, after the duty they follow, as a
recurring series; waived by a downgrade, ended with their series or with the case.

The rules are P6-P7 of docs/rules.md: escalation anchors the new level's duties at the
escalation, and a running duty of the same kind and role keeps the earlier due instant; a
downgrade waives what the lower level does not owe; level-by-level reports start when the
previous one is met; recurring follow-ups (续报) run until the case reaches their ``until``
stage.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from ...model.vocab import FINAL_STATES, INCIDENT_MOMENTS
from ...policy.schema import ObligationSpec
from .duty import Duty
from .state import FoldState

__all__ = [
    "close_case",
    "recur",
    "release",
    "start_after",
    "start_level",
    "start_trigger",
    "stop_recurring",
    "waive",
]

REPORTED_AGAIN = frozenset({"report", "special_report"})
"""Kinds an escalation owes again even when the lower level's duty was met: the higher level
is news the role has not heard (a public response already given is not owed twice)."""


# -- starting ------------------------------------------------------------------------------


def start_level(s: FoldState, at: datetime, *, escalation: bool) -> None:
    """Start what the current level owes (at open, escalation or downgrade)."""
    for spec in s.terms.obligations:
        if not _starts_at_level(s, spec, escalation=escalation):
            continue
        base = s.facts.anchor_of(spec.anchor, latest=spec.anchor_firing == "latest")
        if base is None:
            continue  # waits for its trigger
        anchor = max(base, at) if escalation and spec.anchor in INCIDENT_MOMENTS else base
        _activate(s, spec, anchor, at_escalation=escalation)
    _start_ladders(s, at, escalation=escalation)


def start_after(s: FoldState, met: Duty, at: datetime) -> None:
    """Start the duties that follow ``met`` (level-by-level reports, 逐级报告)."""
    if met.spec is None:
        return
    for spec in s.terms.obligations:
        if spec.after != met.spec.id or not s.facts.admits(spec):
            continue
        if spec.id not in s.book.by_spec or _release_if_owed_again(s, spec):
            _activate(s, spec, at, at_escalation=False)


def start_trigger(s: FoldState, trigger: str, at: datetime) -> None:
    """Start the duties anchored at the first firing of ``trigger``, and anew those anchored
    at its latest firing."""
    for spec in s.terms.obligations:
        if spec.anchor != trigger or spec.after is not None or not s.facts.admits(spec):
            continue
        if spec.anchor_firing == "latest":
            _supersede(s, spec, at)
        if spec.id not in s.book.by_spec:
            _activate(s, spec, at, at_escalation=False)


def _supersede(s: FoldState, spec: ObligationSpec, at: datetime) -> None:
    """A new firing of its anchor owes ``spec`` anew: the duty of the last firing is let go
    (one still open is closed: kept as breached if overdue, else replaced by the new one)."""
    duty = s.book.by_spec.get(spec.id)
    if duty is None:
        return
    if duty.open:
        duty.end_pause(at)
        duty.closed_at = at
    s.book.forget(duty)


def recur(s: FoldState, duty: Duty, at: datetime) -> None:
    """After a recurring duty is met, owe the next one of the series from ``at``."""
    spec = duty.spec
    if spec is None or spec.every is None or s.past(spec.until):
        return
    nxt = replace(
        duty,
        id=f"{duty.id.split('#')[0]}#{duty.seq + 1}",
        anchor=at,
        within=spec.every,
        seq=duty.seq + 1,
        met_at=None,
        met_version=None,
        closed_at=None,
        cap=None,
        cap_provisional=False,
        cap_rule=None,
        pauses=[],
        paused_since=None,
        extensions=[],
        breached_at=None,
    )
    s.book.duties.append(nxt)


def _starts_at_level(s: FoldState, spec: ObligationSpec, *, escalation: bool) -> bool:
    """Whether the level now starts ``spec``: it applies, waits on no other duty, and is not
    running yet (or, at an escalation, its met duty is owed again and is released)."""
    if spec.after is not None or not s.facts.admits(spec):
        return False
    if spec.id not in s.book.by_spec:
        return True
    return escalation and _release_if_owed_again(s, spec)


def _start_ladders(s: FoldState, at: datetime, *, escalation: bool) -> None:
    for ladder in s.terms.ladders:
        if ladder.id in s.ladders.started or not s.facts.admits(ladder):
            continue
        base = s.facts.anchor_of(ladder.anchor)
        if base is None:
            continue
        s.ladders.started.add(ladder.id)
        s.ladders.runs.append((ladder, max(base, at) if escalation else base))


def _activate(s: FoldState, spec: ObligationSpec, anchor: datetime, *, at_escalation: bool) -> None:
    """Start ``spec``'s clock at ``anchor`` (P7 merge with a running same-kind duty)."""
    book = s.book
    if spec.id in book.by_spec or not s.terms.starts_on(spec, anchor):
        return
    # A duty waived by a downgrade and owed again after a new escalation is a new duty:
    # it gets its own id, and the waived one keeps its record (breached if it was overdue).
    runs = book.runs[spec.id] = book.runs.get(spec.id, 0) + 1
    conditions = spec.conditions
    duty = Duty(
        id=spec.id if runs == 1 else f"{spec.id}@{runs}",
        spec=spec,
        kind=spec.kind,
        role=spec.first_role,
        rule=spec.rule,
        anchor=anchor,
        within=spec.within,
        level=s.facts.severity if spec.levels else None,
        met_by=tuple(dict.fromkeys(c.trigger.value for c in conditions)),
        text=spec.text,
        roles=spec.roles if len(spec.roles) > 1 else (),
        by=spec.by,
        conditions=conditions if any(c.by or c.to for c in conditions) else (),
    )
    twin = _twin_of(s, spec) if at_escalation else None
    if twin is None:
        book.duties.append(duty)
        book.by_spec[spec.id] = duty
        return
    book.by_spec[spec.id] = twin
    if twin.open:
        new_due, provisional = s.deadline(duty)
        if new_due < s.due(twin):
            twin.cap = new_due
            twin.cap_provisional = provisional
            twin.cap_rule = spec.rule


def _twin_of(s: FoldState, spec: ObligationSpec) -> Duty | None:
    """The duty of the same kind and role that answers ``spec`` at an escalation (P7): one
    still running, or one met that the new level does not owe again."""
    for duty in s.book.duties:
        if duty.kind != spec.kind or duty.recipients != spec.roles:
            continue
        if duty.spec is None or duty.spec.every:
            continue
        if duty.open or (duty.met_at is not None and spec.kind not in REPORTED_AGAIN):
            return duty
    return None


def _release_if_owed_again(s: FoldState, spec: ObligationSpec) -> bool:
    """Whether ``spec``'s met duty is owed again now; if so, forget it so that it starts
    anew. A level-specific report met at a lower level is owed again at a higher one: the
    escalation is news to the role (a duty for every level is not, nor a response)."""
    duty = s.book.by_spec.get(spec.id)
    if duty is None or duty.met_at is None or duty.spec is not spec:
        return False
    if spec.kind not in REPORTED_AGAIN or not spec.levels or duty.level is None:
        return False
    if s.facts.severity <= duty.level:
        return False
    del s.book.by_spec[spec.id]
    return True


# -- stopping ------------------------------------------------------------------------------


def waive(s: FoldState, at: datetime) -> None:
    """Close the open duties the level no longer owes (after a downgrade)."""
    for duty in s.book.duties:
        if duty.open and duty.spec is not None and not s.facts.admits(duty.spec):
            duty.end_pause(at)
            duty.closed_at = at
            s.book.forget(duty)


def release(s: FoldState, ident: str, at: datetime, version: int) -> None:
    """Waive (免除) the open duty or ladder step ``ident`` at ``at`` (event ``version``): it
    is closed with the waiver on record, and a breach it already had stays."""
    for duty in s.book.duties:
        if duty.id == ident and duty.open:
            duty.end_pause(at)
            duty.closed_at = at
            duty.waived_at = at
            duty.waived_version = version
            s.book.forget(duty)
            return
    s.ladders.waivers.setdefault(ident, (at, version))


def stop_recurring(s: FoldState, at: datetime) -> None:
    """End the recurring series whose ``until`` stage the case has reached."""
    for duty in s.book.duties:
        spec = duty.spec
        if duty.open and spec is not None and spec.every is not None and s.past(spec.until):
            duty.end_pause(at)
            duty.closed_at = at


def close_case(s: FoldState, at: datetime) -> None:
    """Once the case reaches a final stage, nothing more is owed: close what is open."""
    if s.facts.state not in FINAL_STATES:
        return
    s.facts.closed = True
    for duty in s.book.duties:
        if duty.open:
            duty.end_pause(at)
            duty.closed_at = at
