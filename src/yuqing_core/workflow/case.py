"""The case (舆情处置案件): an incident under a policy, computed from its events.

A case stores only its events. Its state, severity and obligations are a pure function of
(policy, events), so :meth:`Case.replay` and :meth:`Case.from_json` rebuild an equal case.
:meth:`Case.fire` is atomic: on any error nothing changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from .._dt import ensure_aware
from ..errors import NaiveDatetimeError, TransitionError
from ..model import CaseState, Event, Incident, Metrics, Severity
from ..model.vocab import FINAL_STATES, TRIGGERS
from ..policy.data import PolicyData as Policy
from ..policy.schema import ObligationSpec
from ..rules.assessment import Assessment, assess
from ..rules.obligations import Obligation, derive, extension_applies
from ..time.duration import Duration
from .commands import validate_data
from .machine import workflow_for

__all__ = ["SYSTEM_ACTOR", "Case", "CaseState", "Notification"]

SYSTEM_ACTOR = "yuqing_core"
"""The actor of events the library records on its own (automatic escalation, P6)."""

JSON_FORMAT = "yuqing_core.case/1"


class NaiveTimeTransitionError(TransitionError, NaiveDatetimeError):
    """A command was given a naive ``at``."""


@dataclass(frozen=True, slots=True)
class Notification:
    """Who must be told what by when (通知计划); the host sends it, the library never does."""

    role: str
    role_label: str
    kind: str
    obligation_id: str
    rule: str
    due_at: datetime
    since: datetime
    status: str
    message: str


class Case:
    """An incident handled under a policy. Build one with :meth:`Policy.open_case`."""

    __slots__ = ("__weakref__", "_events", "_fold", "_obligations", "policy")

    def __init__(self, policy: Policy, events: tuple[Event, ...], fold: CaseState) -> None:
        self.policy = policy
        self._events = events
        self._fold = fold
        self._obligations: tuple[Obligation, ...] | None = None

    # -- opening and replay --------------------------------------------------------------

    @classmethod
    def open(
        cls,
        policy: Policy,
        incident: Incident,
        *,
        at: datetime,
        actor: str,
        severity: Severity | str | None = None,
        reason: str | None = None,
    ) -> Case:
        """Register ``incident`` (登记受理). See :meth:`Policy.open_case`."""
        at = _aware(at, "open")
        _check_actor(actor, "open")
        if not isinstance(incident, Incident):
            raise TransitionError("open needs an Incident", trigger="open")
        floor = assess(policy, incident, at).severity
        data: dict[str, Any] = {"incident": incident}
        if floor is not None:
            data["assessed"] = policy.normalize_severity(floor).key
        if severity is not None:
            try:
                chosen = Severity.parse(severity)
            except ValueError as e:
                raise TransitionError(str(e), trigger="open") from None
            _check_level(policy, chosen, "open")
            if floor is not None and chosen < policy.normalize_severity(floor) and not reason:
                raise TransitionError(
                    f"severity {chosen.key} is below the automatic floor "
                    f"{policy.normalize_severity(floor).key}; give a reason (P8)",
                    trigger="open",
                )
            data["severity"] = chosen.key
            data["judged"] = True
        else:
            data["severity"] = (
                policy.normalize_severity(floor) if floor is not None else policy.lowest
            ).key
        if reason:
            data["reason"] = reason
        event = Event("open", at, actor, data)
        return cls(policy, (event,), _open_state(policy, event))

    @classmethod
    def replay(cls, policy: Policy, events: Iterable[Event]) -> Case:
        """Rebuild the case from its events, checking each as it was when fired."""
        evs = tuple(events)
        if not evs or evs[0].trigger != "open":
            raise TransitionError("a case's first event must be 'open'", trigger="replay")
        fold = _open_state(policy, evs[0])
        case = cls(policy, (evs[0],), fold)
        for event in evs[1:]:
            case._fold = case._step(event, replaying=True)
            case._events = (*case._events, event)
            case._obligations = None  # a guard may have derived them for the shorter log
        return case

    # -- reading -------------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self._fold.incident.id

    @property
    def state(self) -> str:
        return self._fold.state

    @property
    def severity(self) -> Severity:
        return self._fold.severity

    @property
    def incident(self) -> Incident:
        """The incident with every metrics update and flag applied so far."""
        return self._fold.incident

    @property
    def unit(self) -> str | None:
        """The handling unit it was assigned to (承办单位), if any."""
        return self._fold.unit

    @property
    def version(self) -> int:
        """How many events have been applied."""
        return len(self._events)

    @property
    def events(self) -> tuple[Event, ...]:
        return self._events

    @property
    def snapshot(self) -> CaseState:
        return self._fold

    @property
    def is_closed(self) -> bool:
        return self._fold.state in FINAL_STATES

    @property
    def obligations(self) -> tuple[Obligation, ...]:
        """Every deadline the case owes or owed, computed from its events."""
        if self._obligations is None:
            self._obligations = derive(self.policy, self._events)
        return self._obligations

    def open_obligations(self) -> list[Obligation]:
        """Obligations not met and not closed, earliest due first."""
        return sorted((o for o in self.obligations if o.is_open), key=lambda o: o.due_at)

    def assessment(self, at: datetime | None = None) -> Assessment:
        """The automatic assessment of the incident as it stands (at ``at``)."""
        return assess(self.policy, self._fold.incident, at)

    def notifications(self, now: datetime) -> list[Notification]:
        """Who must be told what by when, as of ``now``: the open obligations whose clock has
        started, earliest due first. The host sends the messages."""
        now = ensure_aware(now, "now")
        cal = self.policy.calendar
        out = []
        for ob in self.open_obligations():
            if ob.anchor_at > now:
                continue
            role_label = self.policy.roles.get(ob.role, ob.role)
            due = cal.local(ob.due_at)
            out.append(
                Notification(
                    role=ob.role,
                    role_label=role_label,
                    kind=ob.kind,
                    obligation_id=ob.id,
                    rule=ob.rule,
                    due_at=ob.due_at,
                    since=ob.anchor_at,
                    status=ob.status(now),
                    message=(
                        f"【{ob.label}】{self.incident.title}：{role_label}，"
                        f"时限 {due:%Y-%m-%d %H:%M}（{ob.rule}）"
                    ),
                )
            )
        return out

    def allowed_triggers(self) -> list[str]:
        """Triggers that can be fired now without data (guards that need none checked)."""
        wf = workflow_for(self.policy)
        out = []
        for trigger in wf.triggers_from(self._fold.state):
            move = wf.move(trigger, self._fold.state)
            assert move is not None
            if all(g(self._fold, {}) is None for g in move.guards if _state_guard(g)):
                out.append(trigger)
        return out

    def __repr__(self) -> str:
        return (
            f"<Case {self.id!r} {self.policy.name} state={self.state} "
            f"severity={self.severity.key} version={self.version}>"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Case):
            return NotImplemented
        return self.policy == other.policy and self._events == other._events

    __hash__ = None  # type: ignore[assignment]

    # -- commands ------------------------------------------------------------------------

    def fire(self, trigger: str, *, at: datetime, actor: str, **data: Any) -> Event:
        """Apply one command; return its event. On any error nothing changes.

        An unknown or illegal trigger, a failed guard or bad data raises
        :class:`~yuqing_core.TransitionError`, which lists the triggers allowed now.
        """
        if trigger not in TRIGGERS:
            raise TransitionError(
                f"unknown trigger {trigger!r}", trigger=trigger, allowed=self.allowed_triggers()
            )
        at = _aware(at, trigger)
        _check_actor(actor, trigger, self.allowed_triggers)
        clean = validate_data(trigger, dict(data), self.allowed_triggers)
        event = Event(trigger, at, actor, clean)
        fold = self._step(event, replaying=False)
        events = (*self._events, event)
        extra: list[Event] = []
        if trigger == "update_metrics":
            auto = self._auto_escalation(fold, at)
            if auto is not None:
                fold = self._with(events, fold)._step(auto, replaying=False)
                extra.append(auto)
        self._events = (*events, *extra)
        self._fold = fold
        self._obligations = None
        return event

    def _with(self, events: tuple[Event, ...], fold: CaseState) -> Case:
        return Case(self.policy, events, fold)

    def _auto_escalation(self, fold: CaseState, at: datetime) -> Event | None:
        result = assess(self.policy, fold.incident, at)
        if result.severity is None:
            return None
        floor = self.policy.normalize_severity(result.severity)
        if floor <= fold.severity:
            return None
        reason = "; ".join(result.reasons)
        return Event(
            "escalate", at, SYSTEM_ACTOR, {"severity": floor.key, "reason": reason, "auto": True}
        )

    def _fail(self, trigger: str, message: str) -> TransitionError:
        return TransitionError(message, trigger=trigger, allowed=self.allowed_triggers())

    def _step(self, event: Event, *, replaying: bool) -> CaseState:
        """Check ``event`` against the current fold and return the next fold."""
        s = self._fold
        t = event.trigger
        if t not in TRIGGERS:
            raise self._fail(t, f"unknown trigger {t!r}")
        if event.at < s.last_at:
            raise self._fail(
                t,
                f"{t} at {event.at.isoformat()} is before the last event "
                f"({s.last_at.isoformat()}); events are recorded in time order",
            )
        move = workflow_for(self.policy).move(t, s.state)
        if move is None:
            raise self._fail(t, f"{t} is not allowed in state {s.state!r}")
        data = event.data
        for guard in move.guards:
            why = guard(s, data)
            if why is not None:
                raise self._fail(t, f"{t}: {why}")
        # One replace() instead of two: it is the costliest step of a command.
        if move.dest is not None:
            nxt = replace(s, last_at=event.at, state=move.dest)
        else:
            nxt = replace(s, last_at=event.at)
        return self._effects(t, event, s, nxt)

    def _effects(self, t: str, event: Event, s: CaseState, nxt: CaseState) -> CaseState:
        data = event.data
        policy = self.policy
        if t in ("escalate", "downgrade", "assess") and "severity" in data:
            sev = Severity.parse(data["severity"])
            _check_level(policy, sev, t, self.allowed_triggers())
            if t == "escalate" and sev <= s.severity:
                raise self._fail(
                    t, f"escalate needs a level above {s.severity.key} (got {sev.key})"
                )
            if t == "downgrade" and sev >= s.severity:
                raise self._fail(
                    t, f"downgrade needs a level below {s.severity.key} (got {sev.key})"
                )
            if t == "assess" and sev < s.severity and not data.get("reason"):
                raise self._fail(
                    t, f"lowering {s.severity.key} to {sev.key} needs a reason (P6, P8)"
                )
            nxt = replace(nxt, severity=sev)
        if t == "assess" and data.get("grade") is not None:
            grading = policy.spec.assessment.grading
            grades = grading.order if grading is not None else ()
            if data["grade"] not in grades:
                known = ", ".join(grades) if grades else "none: the policy has no grading"
                raise self._fail(
                    t, f"grade {data['grade']!r} is not a grade of this policy ({known})"
                )
        if t == "update_metrics":
            metrics = data.get("metrics")
            flags = tuple(data.get("flags") or ())
            if metrics is None and not flags:
                raise self._fail(t, "update_metrics needs 'metrics', 'flags' or both")
            inc = s.incident
            if isinstance(metrics, Metrics):
                if metrics.observed_at > event.at:
                    raise self._fail(
                        t,
                        f"metrics observed at {metrics.observed_at.isoformat()} are later than "
                        f"the command ({event.at.isoformat()})",
                    )
                try:
                    inc = inc.with_metrics(metrics)
                except ValueError as e:
                    raise self._fail(t, f"metrics: {e}") from None
            if flags:
                inc = inc.model_copy(update={"flags": inc.flags | frozenset(flags)})
            nxt = replace(nxt, incident=inc)
        elif t == "assign":
            unit = data.get("unit") or policy.spec.workflow.default_unit
            nxt = replace(nxt, unit=str(unit))
        elif t == "draft_reply":
            nxt = replace(nxt, reply_drafted=True, reply_approved=False)
        elif t == "approve_reply":
            nxt = replace(nxt, reply_approved=True)
        elif t == "respond":
            # A published reply uses up its draft and approval: the next one is drafted and,
            # where the policy says so, approved again (after ``reopen``).
            nxt = replace(nxt, reply_drafted=False, reply_approved=False)
        elif t == "review":
            nxt = replace(nxt, reviewed=True)
        elif t == "refer":
            nxt = replace(nxt, referred_to=(*s.referred_to, str(data.get("to"))))
        elif t == "reopen":
            nxt = replace(nxt, reply_drafted=False, reply_approved=False, reviewed=False)
        elif t == "pause":
            nxt = replace(nxt, paused_since=event.at)
        elif t == "resume":
            nxt = replace(nxt, paused_since=None)
        elif t in ("report", "acknowledge", "supervise"):
            role = data.get("role")
            roles = [*(data.get("roles") or ()), *([role] if role else [])]
            for r in roles:
                if not policy.has_role(str(r)):
                    raise self._fail(t, f"{r!r} is not a role of policy {policy.name!r}")
        elif t == "extend":
            self._check_extension(event)
        if t == "refer" and not policy.has_role(str(data.get("to", "law_enforcement"))):
            raise self._fail(t, f"{data.get('to')!r} is not a role of policy {policy.name!r}")
        return nxt

    def _check_extension(self, event: Event) -> None:
        cap = self.policy.spec.workflow.max_extension
        if cap is None:
            raise self._fail("extend", f"policy {self.policy.name!r} allows no extension")
        by = Duration.parse(str(event.data["by"]))
        if by.kind in (cap.kind,) and cap < by:
            raise self._fail("extend", f"extension {by} is more than the cap {cap} (R5.2)")
        target = event.data.get("obligation")
        candidates = [
            o
            for o in self.open_obligations()
            if extension_applies(_spec_of(self.policy, o), o.id, target)
        ]
        if not candidates:
            what = f"obligation {target!r}" if target else "open extendable obligation"
            raise self._fail("extend", f"there is no {what} to extend")
        cal = self.policy.calendar
        for ob in candidates:
            original = self._original_due(ob)
            limit = cal.extend(original, cap)
            new_due = cal.extend(ob.due_at, by)
            if new_due > limit:
                raise self._fail(
                    "extend",
                    f"{ob.id}: extending to {cal.local(new_due):%Y-%m-%d %H:%M} passes the cap "
                    f"of {cap} after the original due {cal.local(original):%Y-%m-%d %H:%M}",
                )

    def _original_due(self, ob: Obligation) -> datetime:
        """The due instant before any extension."""
        if not ob.extensions:
            return ob.due_at
        unextended = [e for e in self._events if e.trigger != "extend"]
        for o in derive(self.policy, unextended):
            if o.id == ob.id:
                return o.due_at
        return ob.due_at  # pragma: no cover - an extended obligation existed before

    # -- JSON ----------------------------------------------------------------------------

    def to_json(self, *, include_personal: bool = False, indent: int | None = None) -> str:
        """The case as JSON (its events). Personal data only with ``include_personal``."""
        doc = {
            "format": JSON_FORMAT,
            "policy": self.policy.name,
            "id": self.id,
            "events": [e.to_dict(include_personal=include_personal) for e in self._events],
        }
        return json.dumps(doc, ensure_ascii=False, indent=indent)

    @classmethod
    def from_json(cls, policy: Policy, text: str) -> Case:
        """Rebuild a case from :meth:`to_json` output."""
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise TransitionError(f"not case JSON: {e}", trigger="from_json") from None
        if not isinstance(doc, Mapping) or doc.get("format") != JSON_FORMAT:
            raise TransitionError(f"not case JSON of format {JSON_FORMAT!r}", trigger="from_json")
        if doc.get("policy") != policy.name:
            raise TransitionError(
                f"the case was written under policy {doc.get('policy')!r}, not {policy.name!r}",
                trigger="from_json",
            )
        return cls.replay(policy, events_from_dicts(doc.get("events") or []))


def events_from_dicts(rows: Sequence[Mapping[str, Any]]) -> list[Event]:
    try:
        return [Event.from_dict(r) for r in rows]
    except (KeyError, TypeError, ValueError) as e:
        raise TransitionError(f"unreadable event: {e}", trigger="from_json") from None


def _open_state(policy: Policy, event: Event) -> CaseState:
    incident = event.data.get("incident")
    if not isinstance(incident, Incident):
        raise TransitionError("the open event carries no incident", trigger="open")
    severity = Severity.parse(event.data["severity"])
    _check_level(policy, severity, "open")
    return CaseState(
        state="registered",
        severity=severity,
        incident=incident,
        opened_at=event.at,
        last_at=event.at,
    )


def _aware(at: datetime, trigger: str) -> datetime:
    try:
        return ensure_aware(at, "at")
    except NaiveDatetimeError as e:
        raise NaiveTimeTransitionError(str(e), trigger=trigger) from None
    except TypeError as e:
        raise TransitionError(str(e), trigger=trigger) from None


def _check_actor(actor: object, trigger: str, allowed: Any = None) -> None:
    if not isinstance(actor, str) or not actor.strip():
        raise TransitionError(
            "actor must be a non-empty string naming who acted",
            trigger=trigger,
            allowed=allowed() if allowed else (),
        )


def _check_level(policy: Policy, sev: Severity, trigger: str, allowed: Sequence[str] = ()) -> None:
    if sev not in policy.severities:
        levels = ", ".join(s.key for s in policy.severities)
        raise TransitionError(
            f"{sev.key} is not a level of policy {policy.name!r} ({levels})",
            trigger=trigger,
            allowed=allowed,
        )


def _spec_of(policy: Policy, ob: Obligation) -> ObligationSpec | None:
    try:
        return policy.obligation_spec(ob.spec_id)
    except KeyError:
        return None


def _state_guard(guard: Any) -> bool:
    """Guards that look at data cannot be judged without it; list the trigger anyway."""
    return getattr(guard, "__name__", "") not in ("report_text",)
