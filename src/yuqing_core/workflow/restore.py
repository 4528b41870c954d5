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

from ..errors import CalendarCoverageError, CorruptCaseError, PolicyVersionError
from ..model import Event
from ..policy.data import PolicyData as Policy
from .effects import Refusal
from .replay import (
    event_tuple,
    incident_id,
    open_problem,
    shape_problem,
    shown,
    unexpected,
    unreplayable,
)
from .versions import VersionBook, version_error

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
            expected = case._replay_step(event, expected, book, seq)
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
