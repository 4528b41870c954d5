"""Per-trigger handlers: what each kind of event does to the fold state.

:data:`HANDLERS` maps a trigger to the steps it takes, in order. Every trigger but ``open``
first meets the duties it meets and ends by settling (recurring series that reached their
stage end; a final stage closes what is open); between the two come its own steps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ...model import Severity
from ...model.vocab import ADOPT_POLICY, STAGE_TRIGGERS, TRIGGERS
from . import clocks
from .lifecycle import (
    close_case,
    release,
    start_level,
    start_trigger,
    stop_recurring,
    waive,
)
from .meeting import meet_duties
from .state import FoldState

if TYPE_CHECKING:
    from ...model.event import Event

__all__ = ["HANDLERS", "Handler", "handlers_of"]

Handler = Callable[[FoldState, "Event", int], None]
"""A step of the fold: the state, the event and its version (1-based event number)."""


def open_case(s: FoldState, event: Event, version: int) -> None:
    """The case opens: its facts come from the incident, and its level's duties start."""
    incident = event.data["incident"]
    facts = s.facts
    facts.discovered = incident.discovered_at
    facts.posted = incident.posted_at
    facts.opened = event.at
    facts.category = incident.category
    facts.flags = frozenset(incident.flags)
    facts.severity = s.terms.level(Severity.parse(event.data["severity"]))
    start_level(s, event.at, escalation=False)


def advance_stage(s: FoldState, event: Event, version: int) -> None:
    """A stage trigger: duties anchored at it start, and the case moves on."""
    facts = s.facts
    facts.first.setdefault(event.trigger, event.at)
    facts.latest[event.trigger] = event.at  # (CaseFacts.fired, inline: every event runs it)
    start_trigger(s, event.trigger, event.at)
    s.facts.state = s.terms.stages.next_state(s.facts.state, event.trigger)


def anchor(s: FoldState, event: Event, version: int) -> None:
    """An anchor trigger fired: duties anchored at its first firing start, and those anchored
    at its latest firing start anew."""
    s.facts.fired(event.trigger, event.at)
    start_trigger(s, event.trigger, event.at)


def reopen(s: FoldState, event: Event, version: int) -> None:
    """``reopen`` sends the case back; duties anchored at it start."""
    anchor(s, event, version)
    s.facts.state = s.terms.stages.next_state(s.facts.state, event.trigger)


def waive_one(s: FoldState, event: Event, version: int) -> None:
    """``waive`` releases the open obligation it names, with a reason on record."""
    release(s, str(event.data["obligation"]), event.at, version)


def change_severity(s: FoldState, event: Event, version: int) -> None:
    """A new level: a higher one starts its duties (P7), a lower one waives what it does not
    owe and starts what it does (P6)."""
    new = event.data.get("severity")
    if new is None:
        return
    severity = s.terms.level(Severity.parse(new))
    if severity > s.facts.severity:
        s.facts.severity = severity
        start_level(s, event.at, escalation=True)
    elif severity < s.facts.severity:
        s.facts.severity = severity
        waive(s, event.at)
        start_level(s, event.at, escalation=False)


def add_flags(s: FoldState, event: Event, version: int) -> None:
    """New flags may make more duties apply: they start as at an escalation."""
    flags = event.data.get("flags")
    if flags:
        s.facts.flags = s.facts.flags | frozenset(flags)
        start_level(s, event.at, escalation=True)


def acknowledge(s: FoldState, event: Event, version: int) -> None:
    role = str(event.data.get("role") or "")
    s.ladders.acks.append((event.at, role, version))


def extend(s: FoldState, event: Event, version: int) -> None:
    """Extend the duties the extension applies to (:func:`.clocks.extension`); one extended
    after its due instant keeps the due instant it passed as its breach. An extension the
    rules refuse (the case never records one) changes nothing."""
    decision = clocks.extension(s, event.data, event.at)
    if decision.problem is not None:
        return
    by = str(event.data["by"])
    for duty in decision.duties:
        if duty.breached_at is None and clocks.past_due(s, duty, event.at):
            duty.breached_at = s.due(duty)
        duty.extensions.append(by)


def pause(s: FoldState, event: Event, version: int) -> None:
    """Stop the clocks of the duties the pause applies to (:func:`.clocks.pause`): of the
    kinds the policy pauses, never one already past its due instant."""
    for duty in clocks.pause(s, event.data, event.at).duties:
        duty.paused_since = event.at


def resume(s: FoldState, event: Event, version: int) -> None:
    for duty in s.book.duties:
        duty.end_pause(event.at)


def settle(s: FoldState, event: Event, version: int) -> None:
    stop_recurring(s, event.at)
    close_case(s, event.at)


_OWN: dict[str, tuple[Handler, ...]] = {
    **{trigger: (advance_stage,) for trigger in STAGE_TRIGGERS},
    "assess": (advance_stage, change_severity),
    "escalate": (anchor, change_severity),
    "refer": (anchor,),
    "conclude": (anchor,),
    "waive": (waive_one,),
    "downgrade": (change_severity,),
    "update_metrics": (add_flags,),
    "reopen": (reopen,),
    "acknowledge": (acknowledge,),
    "extend": (extend,),
    "pause": (pause,),
    "resume": (resume,),
}
"""The steps of each trigger between meeting its duties and settling."""

HANDLERS: Mapping[str, tuple[Handler, ...]] = {
    "open": (open_case,),
    **{trigger: (meet_duties, *_OWN.get(trigger, ()), settle) for trigger in TRIGGERS},
    # Adopting another policy version only marks the instant (a deadline passed before it
    # is seen passed); what the case owes across versions is worked out in .versions.
    ADOPT_POLICY: (),
}

_ANY: tuple[Handler, ...] = (meet_duties, settle)


def handlers_of(trigger: str) -> tuple[Handler, ...]:
    """The steps ``trigger`` takes (a trigger the vocabulary does not know only meets and
    settles)."""
    return HANDLERS.get(trigger, _ANY)
