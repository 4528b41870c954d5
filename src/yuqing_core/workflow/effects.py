"""What each command does to the case-state fold (案件状态): one small effect per trigger.

An effect gets the fold before the command and the stage the command moves the case to
(``None``: it stays), checks what only the case can check (a level the policy has, a role it
knows, an extension or a pause the obligations allow) and returns the next fold, built once
(:func:`moved`): a replay builds one fold per event. A check that fails raises
:class:`Refusal`; the case turns it into a :class:`~yuqing_core.TransitionError` that lists
the triggers allowed now. Triggers without an effect only move the case.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

from ..model import CaseState, Event, Incident, Metrics, Severity
from ..model.vocab import TRIGGERS
from ..policy.data import PolicyData as Policy
from ..policy.data import short_fingerprint
from ..rules.obligations import InForce, Obligation, refusal, settled_before
from .order import archive_problem, order_problem, waive_problem

__all__ = ["EFFECTS", "CaseView", "Effect", "Refusal", "fired", "level_problem", "moved"]


class Refusal(Exception):
    """The case refuses the command; the message says why."""


class CaseView(Protocol):
    """What an effect may read of the case it acts on."""

    @property
    def policy(self) -> Policy: ...

    @property
    def events(self) -> tuple[Event, ...]: ...

    @property
    def policy_since(self) -> datetime | None: ...

    @property
    def policy_history(self) -> tuple[InForce, ...]: ...

    @property
    def obligations(self) -> tuple[Obligation, ...]: ...


Effect = Callable[[CaseView, Event, CaseState, "str | None"], CaseState]
"""``effect(case, event, before, dest)``: the fold after ``event``, which moves the case to the
stage ``dest`` (``None``: it stays where it is)."""


def moved(before: CaseState, event: Event, dest: str | None, **changes: Any) -> CaseState:
    """The fold after ``event``: ``before`` at the event's instant, at the stage ``dest``
    (``None``: the stage it is at), with ``changes`` to its other fields."""
    if not changes:
        return before.moved(event.at, dest)
    state = before.state if dest is None else dest
    return before._replace(state=state, last_at=event.at, **changes)


def level_problem(policy: Policy, severity: Severity) -> str | None:
    """Why ``severity`` cannot be used under ``policy`` (it is not one of its levels)."""
    if severity in policy.severities:
        return None
    levels = ", ".join(s.key for s in policy.severities)
    return f"{severity.key} is not a level of policy {policy.name!r} ({levels})"


# -- levels ----------------------------------------------------------------------------------


def escalate(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    severity = _new_level(case, event)
    if severity is None:
        return moved(before, event, dest)
    if severity <= before.severity:
        raise Refusal(f"escalate needs a level above {before.severity.key} (got {severity.key})")
    return moved(before, event, dest, severity=severity)


def downgrade(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    severity = _new_level(case, event)
    if severity is None:
        return moved(before, event, dest)
    if severity >= before.severity:
        raise Refusal(f"downgrade needs a level below {before.severity.key} (got {severity.key})")
    return moved(before, event, dest, severity=severity)


def assess(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    """A person's judgement: a level (a lower one with a reason), and a grade of the policy."""
    severity = _new_level(case, event)
    if severity is not None and severity < before.severity and not event.data.get("reason"):
        raise Refusal(f"lowering {before.severity.key} to {severity.key} needs a reason (P6, P8)")
    grade = event.data.get("grade")
    if grade is not None:
        grading = case.policy.spec.assessment.grading
        grades = grading.order if grading is not None else ()
        if grade not in grades:
            known = ", ".join(grades) if grades else "none: the policy has no grading"
            raise Refusal(f"grade {grade!r} is not a grade of this policy ({known})")
    if severity is None:
        return moved(before, event, dest)
    return moved(before, event, dest, severity=severity)


def _new_level(case: CaseView, event: Event) -> Severity | None:
    if "severity" not in event.data:
        return None
    # A level the policy does not have maps to its nearest level at or above.
    return case.policy.normalize_severity(Severity.parse(event.data["severity"]))


# -- the incident ----------------------------------------------------------------------------


def update_metrics(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    """New counts and flags on the incident."""
    data = event.data
    metrics = data.get("metrics")
    flags = tuple(data["flags"] or ()) if "flags" in data else ()
    if metrics is None and not flags:
        raise Refusal("update_metrics needs 'metrics', 'flags' or both")
    incident = before.incident
    # The exact type first: isinstance of a pydantic model goes through its metaclass.
    if type(metrics) is Metrics or isinstance(metrics, Metrics):
        incident = _with_metrics(incident, metrics, event.at)
    if flags:
        incident = incident.model_copy(update={"flags": incident.flags | frozenset(flags)})
    return before.moved(event.at, dest, incident)


def _with_metrics(incident: Incident, metrics: Metrics, at: datetime) -> Incident:
    if metrics.observed_at > at:
        raise Refusal(
            f"metrics observed at {metrics.observed_at.isoformat()} are later than "
            f"the command ({at.isoformat()})"
        )
    try:
        return incident.with_metrics(metrics)
    except ValueError as e:
        raise Refusal(f"metrics: {e}") from None


# -- handling --------------------------------------------------------------------------------


def assign(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    """Assign to the unit named, or to the lead unit of the case's level (else the default)."""
    unit = event.data.get("unit") or case.policy.spec.workflow.lead_unit(before.severity)
    return moved(before, event, dest, unit=str(unit))


def draft_reply(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    return moved(before, event, dest, reply_drafted=True, reply_approved=False)


def approve_reply(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    return moved(before, event, dest, reply_approved=True)


def respond(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    # A published reply uses up its draft and approval: the next one is drafted and, where
    # the policy says so, approved again (after ``reopen``).
    return moved(before, event, dest, reply_drafted=False, reply_approved=False)


def review(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    return moved(before, event, dest, reviewed=True)


def reopen(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    return moved(before, event, dest, reply_drafted=False, reply_approved=False, reviewed=False)


def refer(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    to = event.data.get("to")
    if not case.policy.has_role(str(event.data.get("to", "law_enforcement"))):
        raise Refusal(f"{to!r} is not a role of policy {case.policy.name!r}")
    return moved(before, event, dest, referred_to=(*before.referred_to, str(to)))


def resume(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    return moved(before, event, dest, paused_since=None)


def name_roles(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    """A report, acknowledgement or supervision names roles the policy has."""
    role = event.data.get("role")
    roles = [*(event.data.get("roles") or ()), *([role] if role else [])]
    for r in roles:
        if not case.policy.has_role(str(r)):
            raise Refusal(f"{r!r} is not a role of policy {case.policy.name!r}")
    return moved(before, event, dest)


# -- extensions and pauses -------------------------------------------------------------------


def extend(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    """An extension (延期) of the obligations it applies to, within the policy's cap on their
    total, and never of a missed deadline unless the policy allows late extension."""
    _check_obligations(case, event)
    _check_not_settled(case, event)
    return moved(before, event, dest)


def pause(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    """A pause of the clocks of the kinds the policy pauses; never of a missed deadline."""
    _check_obligations(case, event)
    return moved(before, event, dest, paused_since=event.at)


def _check_obligations(case: CaseView, event: Event) -> None:
    # The rules live with the obligation fold (rules.obligations.clocks), which applies the
    # same ones: what the case accepts is exactly what the fold does.
    why = refusal(case.policy, case.events, event, not_before=case.policy_since)
    if why is not None:
        raise Refusal(why)


def _check_not_settled(case: CaseView, event: Event) -> None:
    """An extension naming an obligation settled under an older policy version is refused:
    that obligation keeps the old version's outcome for good
    (:mod:`yuqing_core.rules.obligations.versions`)."""
    target = event.data.get("obligation")
    history = case.policy_history
    if target is None or len(history) == 1:
        return
    kept = settled_before(history, case.events).get(str(target))
    if kept is not None:
        raise Refusal(
            f"{target} was settled (met, waived or breached) under policy version "
            f"{short_fingerprint(kept.policy.fingerprint)}, before the case adopted the one "
            "it follows now; it keeps that version's outcome and cannot be extended"
        )


# -- what the case owes ----------------------------------------------------------------------


def fired(case: CaseView, event: Event, after: CaseState) -> CaseState:
    """The checks a command passes when it is given (``fire``), not when a recorded event is
    replayed, and the fold ``after`` it: no silent archive, every obligation whose clock
    started met or waived first. Cases archived before the library checked this replay as
    they were recorded."""
    if event.trigger == "archive":
        why = archive_problem(case.obligations, event.at)
        if why is not None:
            raise Refusal(why)
    return after


def waive(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
    """免除义务: the obligation named is one the case owes now."""
    why = waive_problem(case.obligations, str(event.data["obligation"]), event.at)
    if why is not None:
        raise Refusal(why)
    return moved(before, event, dest)


def checked(trigger: str, effect: Effect | None) -> Effect:
    """``effect`` after the checks every command passes: the acting role (``by``) is a role
    of the policy, and what ``[[workflow.order]]`` puts before the trigger has happened."""
    acting = trigger != "extend"  # extend's ``by`` is a length of time

    def run(case: CaseView, event: Event, before: CaseState, dest: str | None) -> CaseState:
        policy = case.policy
        if acting and "by" in event.data and not policy.has_role(str(event.data["by"])):
            raise Refusal(f"by: {event.data['by']!r} is not a role of policy {policy.name!r}")
        orders = policy.spec.workflow.order
        if orders and any(o.trigger == event.trigger for o in orders):
            why = order_problem(policy, case.obligations, case.events, event, before)
            if why is not None:
                raise Refusal(why)
        if effect is None:
            return before.moved(event.at, dest)
        return effect(case, event, before, dest)

    return run


_OWN: Mapping[str, Effect] = {
    "assess": assess,
    "escalate": escalate,
    "downgrade": downgrade,
    "update_metrics": update_metrics,
    "assign": assign,
    "draft_reply": draft_reply,
    "approve_reply": approve_reply,
    "respond": respond,
    "review": review,
    "reopen": reopen,
    "refer": refer,
    "pause": pause,
    "resume": resume,
    "report": name_roles,
    "acknowledge": name_roles,
    "supervise": name_roles,
    "extend": extend,
    "waive": waive,
}

EFFECTS: Mapping[str, Effect] = {t: checked(t, _OWN.get(t)) for t in TRIGGERS}
"""The effect of each trigger: the common checks, then its own effect if it has one."""
