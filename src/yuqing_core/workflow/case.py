"""The case (舆情处置案件): an incident under a policy, computed from its events.

A case stores only its events. Its state, severity and obligations are a pure function of
(policy, events), so :meth:`Case.replay` and :meth:`Case.from_json` rebuild an equal case.
:meth:`Case.fire` is atomic: on any error nothing changes.

A case is pinned to the policy version it was opened under (the ``open`` event records its
fingerprint) and moves to another only by :meth:`Case.adopt`, an event of its own
(:mod:`.versions`; what it owes across versions: :mod:`yuqing_core.rules.obligations.versions`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from .._dt import ensure_aware, year_problem
from ..errors import NaiveDatetimeError, TransitionError
from ..model import CaseState, Event, Incident, Severity
from ..model.vocab import ADOPT_POLICY, FINAL_STATES, TRIGGERS
from ..policy.data import PolicyData as Policy
from ..rules.assessment import Assessment, assess, floor
from ..rules.obligations import InForce, Obligation, PinnedFold
from .commands import open_data, validate_data
from .document import dump_case, read_case_events
from .effects import EFFECTS, Refusal, fired
from .logs import log_command
from .machine import workflow_for
from .notices import Notification, notifications
from .order import held_back
from .permissions import check_permission, permitted
from .restore import replay_case
from .versions import adopt_event, adoption_problem

__all__ = ["SYSTEM_ACTOR", "Case", "CaseState", "Notification"]

SYSTEM_ACTOR = "yuqing_core"
"""The actor of events the library records on its own (automatic escalation, P6)."""


class NaiveTimeTransitionError(TransitionError, NaiveDatetimeError):
    """A command was given a naive ``at``."""


class Case:
    """An incident handled under a policy. Build one with :meth:`Policy.open_case`."""

    __slots__ = (
        "__weakref__",
        "_events",
        "_fold",
        "_frozen",
        "_history",
        "_obligations",
        "_tracker",
        "policy",
    )

    def __init__(
        self,
        policy: Policy,
        events: list[Event],
        fold: CaseState,
        history: tuple[InForce, ...] | None = None,
    ) -> None:
        self.policy = policy
        """The policy version the case follows now."""
        self._events = events  # appended to, never changed: read through ``events``
        self._frozen: tuple[Event, ...] | None = None  # ``events``, until the next append
        self._fold = fold
        self._history = history if history is not None else _opened_under(policy)
        self._obligations: tuple[Obligation, ...] | None = None
        # The obligation folds, one event applied at a time as they are read.
        self._tracker: PinnedFold | None = None

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
        data = open_data(policy, incident, at, severity, reason)
        return cls.opened(policy, Event("open", at, actor, data))

    @classmethod
    def replay(
        cls,
        policy: Policy,
        events: Iterable[Event],
        *,
        case_id: str | None = None,
        versions: Iterable[Policy] = (),
        adopt_at: datetime | None = None,
    ) -> Case:
        """Rebuild the case from its events, checking each as ``open`` and ``fire`` checked it.

        Each event must be one the library records: data the command's model accepts, in the
        form ``fire`` writes it, no key ``fire`` never writes, the guards and effects passed,
        in time order after an ``open`` that assesses as it says; an automatic escalation only
        where re-assessing the incident gives it. Otherwise
        :class:`~yuqing_core.CorruptCaseError` names the case (``case_id``, the id the events
        were stored under, or the incident's) and the 1-based number of the event at fault.
        (A calendar that does not cover an event's dates still raises
        :class:`~yuqing_core.CalendarCoverageError`: the events are not at fault.)

        Each event is checked under the policy version it was recorded under: the one whose
        fingerprint the ``open`` event records, then the one each ``adopt_policy`` event names.
        Those versions are ``policy`` and the ``versions`` given beside it (``store.load``
        gives every version the store holds); a missing one raises
        :class:`~yuqing_core.PolicyVersionError`. If the case follows another version than
        ``policy`` at its last event, :class:`~yuqing_core.PolicyVersionError` is raised too,
        unless ``adopt_at`` is given: then the case adopts ``policy`` at that instant
        (:meth:`adopt`), one event more than was stored. A case recorded before fingerprints
        were recorded follows ``policy``.
        """
        return replay_case(
            cls, policy, events, case_id=case_id, versions=versions, adopt_at=adopt_at
        )

    @classmethod
    def opened(cls, policy: Policy, event: Event) -> Case:
        """The case of its ``open`` event alone (checked already)."""
        return cls(policy, [event], _open_state(policy, event))

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
        if self._frozen is None:
            self._frozen = tuple(self._events)
        return self._frozen

    @property
    def policy_history(self) -> tuple[InForce, ...]:
        """The policy versions the case followed, oldest first: the one it was opened under,
        then each it adopted, with the instant (``since``) it adopted it."""
        return self._history

    @property
    def policy_since(self) -> datetime | None:
        """When the case adopted the version it follows now (``None``: since it opened)."""
        return self._history[-1].since

    @property
    def is_closed(self) -> bool:
        return self._fold.state in FINAL_STATES

    @property
    def obligations(self) -> tuple[Obligation, ...]:
        """Every deadline the case owes or owed, computed from its events."""
        if self._obligations is None:
            # Only the events since the last read are applied (what derive_pinned gives for
            # them all); a fold an error left half-applied is dropped and built again.
            tracker = self._tracker or PinnedFold(self._history[0])
            self._tracker = None
            tracker.update(self._history, self._events)
            self._tracker = tracker
            self._obligations = tracker.obligations()
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
        return notifications(self.policy, self.incident, self.open_obligations(), now)

    def allowed_triggers(
        self, actor_roles: Iterable[str] | None = None, *, at: datetime | None = None
    ) -> list[str]:
        """Triggers ``fire`` accepts at ``at`` (default: the last event's instant) as far as
        can be told without data: the guards that need none, no archive while obligations
        are owed, and what ``[[workflow.order]]`` puts first (:func:`.order.held_back`); with
        ``actor_roles``, only those the roles may fire (``[workflow.permissions]``)."""
        fold = self._fold
        when = fold.last_at if at is None else ensure_aware(at, "at")
        wf = workflow_for(self.policy)
        out = []
        for trigger in wf.triggers_from(fold.state):
            move = wf.move(trigger, fold.state)
            assert move is not None
            if all(g(fold, {}) is None for g in move.guards if not g.needs_data) and (
                held_back(self.policy, self.obligations, self._events, fold, trigger, when) is None
            ):
                out.append(trigger)
        return permitted(self.policy, out, actor_roles)

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

    def fire(
        self,
        trigger: str,
        *,
        at: datetime,
        actor: str,
        actor_roles: Iterable[str] | None = None,
        **data: Any,
    ) -> Event:
        """Apply one command; return its event. On any error nothing changes.

        An unknown or illegal trigger, a failed guard or bad data raises
        :class:`~yuqing_core.TransitionError`, which lists the triggers allowed now; roles
        (``actor_roles``, the caller's roles as the host knows them) that the policy's
        ``[workflow.permissions]`` does not allow raise its :class:`~yuqing_core.NotPermittedError`.
        Each accepted or refused command is one record of the ``yuqing_core`` logger (ids only).
        """
        try:
            check_permission(self.policy, trigger, actor_roles, self.allowed_triggers)
            event = self._fire(trigger, at, actor, data)
        except TransitionError:
            log_command("refused", self.id, self.version, trigger)
            raise
        log_command("accepted", self.id, self.version, trigger)
        return event

    def _fire(self, trigger: str, at: datetime, actor: str, data: dict[str, Any]) -> Event:
        if trigger not in TRIGGERS:
            raise TransitionError(
                f"unknown trigger {trigger!r}", trigger=trigger, allowed=self.allowed_triggers()
            )
        at = _aware(at, trigger)
        _check_actor(actor, trigger, self.allowed_triggers)
        if trigger == "escalate" and "auto" in data:
            raise self._fail(
                trigger,
                "escalate takes no 'auto': the library records automatic escalations itself, "
                "after update_metrics",
            )
        clean = validate_data(trigger, dict(data), self.allowed_triggers)
        event = Event(trigger, at, actor, clean)
        fold = self._step(event)
        extra: list[Event] = []
        if trigger == "update_metrics":
            auto = self._auto_escalation(fold, at)
            if auto is not None:
                after = Case(self.policy, [*self._events, event], fold, self._history)
                fold = after._step(auto)
                extra.append(auto)
        self._append(event, *extra)
        self._fold = fold
        return event

    def _append(self, *events: Event) -> None:
        """Record ``events`` (checked and applied already)."""
        self._events.extend(events)
        self._frozen = None
        self._obligations = None

    def adopt(self, policy: Policy, *, at: datetime, actor: str = SYSTEM_ACTOR) -> Event:
        """Move the case to another version of its policy at ``at`` (采用新版制度); return the
        ``adopt_policy`` event it records (data: the fingerprints ``from`` and ``to``).

        Obligations settled by ``at`` (met, waived, or breached) keep the outcome the old
        version gave them; open ones follow ``policy`` from then on, and none falls due
        before ``at``. Refused with :class:`~yuqing_core.TransitionError` (nothing changes)
        for another policy's name, the version the case follows already, a level or stage of
        the case the version does not have, or an ``at`` before the last event.
        """
        at = _aware(at, ADOPT_POLICY)
        _check_actor(actor, ADOPT_POLICY)
        problem = adoption_problem(self.policy, self._fold, policy, at)
        if problem is not None:
            raise TransitionError(problem, trigger=ADOPT_POLICY)
        event = adopt_event(self.policy, policy, at, actor)
        self._adopted(policy, event)
        return event

    def _adopted(self, policy: Policy, event: Event) -> None:
        self._append(event)
        self._history = (*self._history, InForce(policy, event.at, len(self._events)))
        self.policy = policy
        self._fold = self._fold.moved(event.at)

    def _auto_escalation(self, fold: CaseState, at: datetime) -> Event | None:
        # The level alone first: the reasons are worded only for an escalation.
        if floor(self.policy, fold.incident, at, above=fold.severity) is None:
            return None
        result = assess(self.policy, fold.incident, at)
        assert result.severity is not None  # floor() is assess()'s level
        level = self.policy.normalize_severity(result.severity)
        reason = "; ".join(result.reasons)
        return Event(
            "escalate", at, SYSTEM_ACTOR, {"severity": level.key, "reason": reason, "auto": True}
        )

    def _fail(self, trigger: str, message: str) -> TransitionError:
        return TransitionError(message, trigger=trigger, allowed=self.allowed_triggers())

    def _step(self, event: Event) -> CaseState:
        """Check ``event`` against the current fold and return the next fold, or raise the
        :class:`~yuqing_core.TransitionError` ``fire`` raises."""
        try:
            return fired(self, event, self._next(event))
        except Refusal as e:
            raise self._fail(event.trigger, str(e)) from None

    def _next(self, event: Event) -> CaseState:
        """The fold after ``event``; :class:`Refusal` says why there is none."""
        s = self._fold
        t, at = event.trigger, event.at
        effect = EFFECTS.get(t)  # every trigger has one
        if effect is None:
            raise Refusal(f"unknown trigger {t!r}")
        if at < s.last_at:
            raise Refusal(
                f"{t} at {at.isoformat()} is before the last event "
                f"({s.last_at.isoformat()}); events are recorded in time order"
            )
        move = workflow_for(self.policy).move(t, s.state)
        if move is None:
            raise Refusal(f"{t} is not allowed in state {s.state!r}")
        data = event.data
        for guard in move.guards:
            why = guard(s, data)
            if why is not None:
                raise Refusal(f"{t}: {why}")
        return effect(self, event, s, move.dest)

    # -- JSON ----------------------------------------------------------------------------

    def to_json(self, *, indent: int | None = None, include_personal: bool = True) -> str:
        """The case as JSON, complete: the persistence format.

        Every event whole, personal data included (a reporter's name, phone and account, an
        author's handle), so ``Case.from_json(policy, case.to_json()) == case``. Keep it
        where the host keeps personal data. To hand a case to anyone else use
        :meth:`export_json`. (``include_personal=False``, accepted for code written before
        this was the default, gives :meth:`export_json`.)
        """
        return self.export_json(include_personal=include_personal, indent=indent)

    def export_json(self, *, include_personal: bool = False, indent: int | None = None) -> str:
        """The case as JSON to share (对外提供): personal data left out.

        The same document as :meth:`to_json` without the reporter's name, phone and account
        and the author's handle (unless ``include_personal``). Free text (the title, summary,
        reasons, notes, reply texts) is kept as written. Read back with :meth:`from_json` it
        gives a case with the same events but without that personal data, so not an equal
        case.
        """
        return dump_case(
            self.policy.name,
            self.id,
            self._events,
            include_personal=include_personal,
            indent=indent,
        )

    @classmethod
    def from_json(
        cls,
        policy: Policy,
        text: str,
        *,
        versions: Sequence[Policy] = (),
        adopt_at: datetime | None = None,
    ) -> Case:
        """Rebuild a case from :meth:`to_json` output, checking every event as :meth:`replay`
        does (``versions`` and ``adopt_at`` as there); a document that cannot be read raises
        :class:`~yuqing_core.CorruptCaseError` naming the case id and the 1-based number of
        the event at fault."""
        case_id, events = read_case_events(text, policy.name)
        return cls.replay(policy, events, case_id=case_id, versions=versions, adopt_at=adopt_at)


@functools.lru_cache(maxsize=64)
def _opened_under(policy: Policy) -> tuple[InForce, ...]:
    """The history of a case opened under ``policy``: one tuple shared by all of them."""
    return (InForce(policy),)


def _open_state(policy: Policy, event: Event) -> CaseState:
    """The fold after the ``open`` event (checked already by ``open`` or :func:`open_problem`)."""
    return CaseState(
        state="registered",
        severity=Severity.parse(event.data["severity"]),
        incident=event.data["incident"],
        opened_at=event.at,
        last_at=event.at,
    )


def _aware(at: datetime, trigger: str) -> datetime:
    try:
        at = ensure_aware(at, "at")
    except NaiveDatetimeError as e:
        raise NaiveTimeTransitionError(str(e), trigger=trigger) from None
    except TypeError as e:
        raise TransitionError(str(e), trigger=trigger) from None
    problem = year_problem(at)
    if problem is not None:
        raise TransitionError(f"at: {problem}", trigger=trigger)
    return at


def _check_actor(actor: object, trigger: str, allowed: Any = None) -> None:
    if not isinstance(actor, str) or not actor.strip():
        raise TransitionError(
            "actor must be a non-empty string naming who acted",
            trigger=trigger,
            allowed=allowed() if allowed else (),
        )
