"""Rebuilding a case from its recorded events (重放): the loop of :meth:`Case.replay
<yuqing_core.Case.replay>`.

Each event is checked as ``open``, ``fire`` or ``adopt`` checked it (:mod:`.replay` holds the
checks of one event on its own; the case applies its guards and effects) and applied once, so
a replay costs one step per event. What does not replay raises
:class:`~yuqing_core.CorruptCaseError` naming the case and the 1-based number of the event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from .._dt import FIRST_YEAR, LAST_YEAR
from ..errors import CalendarCoverageError, CorruptCaseError, PolicyVersionError
from ..model import Event
from ..model.vocab import ADOPT_POLICY
from ..policy.data import PolicyData as Policy
from .commands import COMMAND_MODELS
from .effects import Refusal
from .replay import (
    auto_problem,
    data_problem,
    event_tuple,
    incident_id,
    open_problem,
    shape_problem,
    shown,
    unexpected,
    unreplayable,
)
from .versions import VersionBook, adopt_data_problem, adoption_problem, version_error

if TYPE_CHECKING:
    from .case import Case

__all__ = ["replay_case"]


def replay_case(
    cls: type[Case],
    policy: Policy,
    events: Iterable[Event],
    *,
    case_id: str | None,
    versions: Iterable[Policy],
    adopt_at: datetime | None,
) -> Case:
    """The case of ``events``, checked and applied one at a time (see :meth:`Case.replay
    <yuqing_core.Case.replay>`)."""
    evs = event_tuple(events, case_id)
    name = case_id if case_id is not None else incident_id(evs[0])
    book = VersionBook(policy, versions, name)
    case = _replayed_open(cls, book.first(evs), evs[0], name, case_id)
    expected: Event | None = None
    for seq, event in enumerate(evs[1:], 2):
        try:
            expected = _applied(case, event, expected, book, seq)
        except Refusal as e:
            raise unreplayable(case.policy, name, seq, str(e)) from None
        except (CalendarCoverageError, PolicyVersionError, MemoryError):
            raise
        except Exception as e:  # the last net: a restore never ends in a bare exception
            raise unreplayable(case.policy, name, seq, unexpected(e)) from None
    case._events = list(case._events)  # no room left for appends: a loaded case keeps less
    # A log may end right after an update_metrics whose escalation follows it: a prefix
    # of a case is the case as it stood, and replays.
    if case.policy.fingerprint != policy.fingerprint:
        if adopt_at is None:
            raise version_error(name, case.policy, policy)
        case.adopt(policy, at=adopt_at)
    return case


def _applied(
    case: Case, event: Event, expected: Event | None, book: VersionBook, seq: int
) -> Event | None:
    """Apply one recorded event to ``case`` after checking it as ``fire`` or ``adopt`` would
    have; return the automatic escalation that must follow it, if any."""
    if type(event) is Event:  # (the exact type first: what a replay is given)
        trigger = event.trigger
        # Only an escalation, or the event after one that raised the level, can be wrong
        # about automatic escalation.
        if expected is None and trigger != "escalate" and _plain_shape(event, trigger):
            return _apply(case, event, trigger, data_problem(event))
    else:
        trigger = event.trigger if isinstance(event, Event) else None
    if trigger == ADOPT_POLICY:
        _adopt(case, event, expected, book, seq)
        return None
    problem = shape_problem(event, first=False)
    if problem is None and (expected is not None or trigger == "escalate"):
        fold = case._fold
        problem = auto_problem(event, expected, lambda: case._auto_escalation(fold, event.at))
    return _apply(case, event, trigger, problem or data_problem(event))


def _plain_shape(event: Event, trigger: str) -> bool:
    """Whether :func:`~.replay.shape_problem` would find nothing wrong with ``event`` (not
    the first), checked in one step: a command's trigger, an actor, an instant in the years
    the library computes."""
    actor = event.actor
    return (
        trigger in COMMAND_MODELS
        and trigger != "open"
        and type(actor) is str
        and bool(actor.strip())
        and FIRST_YEAR <= event.at.year <= LAST_YEAR
    )


def _apply(case: Case, event: Event, trigger: str | None, problem: str | None) -> Event | None:
    """Apply ``event``, whose checks found ``problem``; return the automatic escalation that
    must follow it, if any."""
    if problem is not None:
        raise Refusal(problem)
    fold = case._fold = case._next(event)
    case._append(event)
    if trigger == "update_metrics":
        return case._auto_escalation(fold, event.at)
    return None


def _adopt(case: Case, event: Event, expected: Event | None, book: VersionBook, seq: int) -> None:
    """Apply a recorded ``adopt_policy`` event, checked as :meth:`Case.adopt` checks it."""
    problem = auto_problem(event, expected, lambda: None) or adopt_data_problem(event, case.policy)
    new = book.get(event.data["to"], seq) if problem is None else case.policy
    problem = problem or adoption_problem(case.policy, case._fold, new, event.at)
    if problem is not None:
        raise Refusal(problem)
    case._adopted(new, event)


def _replayed_open(
    cls: type[Case], policy: Policy, event: Event, name: str | None, case_id: str | None
) -> Case:
    try:
        problem = shape_problem(event, first=True) or open_problem(policy, event)
    except (CalendarCoverageError, MemoryError):
        raise
    except Exception as e:  # the last net, as for every other event
        problem = unexpected(e)
    if problem is None and case_id is not None and event.data["incident"].id != case_id:
        problem = f"the open event is for incident {shown(event.data['incident'].id)}"
    if problem is not None:
        raise CorruptCaseError(problem, case_id=name, seq=1)
    return cls.opened(policy, event)
