"""The obligation fold: a case's events applied one at a time, then read as obligations.

:meth:`ObligationFold.apply` is the only way the fold state changes: it runs the handlers of
the event's trigger (:mod:`.handlers`) once. :meth:`ObligationFold.obligations` reads the
state without changing it, so a fold kept alive can take the next event and be read again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from . import clocks
from .duty import Duty
from .handlers import handlers_of
from .ladders import ladder_duties
from .obligation import Obligation
from .state import FoldState
from .warnings import warn_instants

if TYPE_CHECKING:
    from ...model.event import Event
    from ...policy.data import PolicyData as Policy

__all__ = ["ObligationFold", "derive", "refusal"]


class ObligationFold:
    """The duties of one case under ``policy``, as far as the events applied so far say."""

    __slots__ = ("_state",)

    def __init__(self, policy: Policy, *, not_before: datetime | None = None) -> None:
        # ``not_before``: the instant this policy version was adopted (see .versions).
        self._state = FoldState.start(policy, not_before)

    def apply(self, event: Event, version: int) -> None:
        """Apply ``event``, the ``version``-th (1-based) event of the case."""
        s = self._state
        s.facts.last_at = event.at
        if s.facts.closed:
            return  # a closed case owes nothing new
        for handle in handlers_of(event.trigger):
            handle(s, event, version)

    def refusal(self, event: Event) -> str | None:
        """Why the duties as they stand refuse ``event`` (an extension or a pause they cannot
        take, :mod:`.clocks`), or ``None``. Nothing changes."""
        return clocks.refusal(self._state, event)

    def obligations(self) -> tuple[Obligation, ...]:
        """Every obligation owed or owed so far, in the order they arose.

        Obligations dropped before they fell due (the level was lowered, the case closed, a
        recurrence ended) are left out; those closed while overdue stay, as ``breached``,
        and so does one whose breach a late extension kept. One released by a ``waive``
        command stays, with the waiver.
        """
        s = self._state
        closed_at = s.facts.last_at if s.facts.closed else None
        out = []
        for duty in [*s.book.duties, *ladder_duties(s, closed_at)]:
            due, provisional = s.deadline(duty)
            breached_at = _breached_at(s, duty, due)
            dropped = duty.closed_at is not None and duty.met_at is None and breached_at is None
            if dropped and duty.waived_at is None:
                continue
            out.append(_obligation(s, duty, due, breached_at, provisional))
        return tuple(out)

    def settled(self) -> frozenset[str]:
        """The ids of the duties settled so far: met, waived or closed, or breached (their
        due instant passed unmet, as far as the events show). The rest are open and on time.
        """
        s = self._state
        closed_at = s.facts.last_at if s.facts.closed else None
        return frozenset(
            duty.id
            for duty in [*s.book.duties, *ladder_duties(s, closed_at)]
            if not duty.open or _breached_at(s, duty, s.due(duty)) is not None
        )


def derive(
    policy: Policy, events: Sequence[Event], *, not_before: datetime | None = None
) -> tuple[Obligation, ...]:
    """Every obligation the case with these ``events`` owes, in the order they arose.

    Obligations waived before they fell due (the level was lowered, the case closed, a
    recurrence ended) are left out; those closed while overdue stay, as ``breached``.
    ``not_before``: the instant ``policy`` was adopted, if the case adopted it (no due instant
    falls before it; :mod:`.versions`).
    """
    fold = ObligationFold(policy, not_before=not_before)
    for version, event in enumerate(events, 1):
        fold.apply(event, version)
    return fold.obligations()


def refusal(
    policy: Policy,
    events: Sequence[Event],
    event: Event,
    *,
    not_before: datetime | None = None,
) -> str | None:
    """Why the obligations of a case with ``events`` refuse ``event``, the next command (an
    extension or a pause the rules of :mod:`.clocks` do not allow), or ``None``."""
    fold = ObligationFold(policy, not_before=not_before)
    for version, past in enumerate(events, 1):
        fold.apply(past, version)
    return fold.refusal(event)


def _breached_at(s: FoldState, duty: Duty, due: datetime) -> datetime | None:
    """The due instant ``duty`` passed unmet, as far as the events show: one a late extension
    kept, or ``due`` when it was met or closed after it, or an event came after it while it
    was still owed and running."""
    if duty.breached_at is not None:
        return duty.breached_at
    if duty.met_at is not None:
        return due if duty.met_at > due else None
    if duty.closed_at is not None:
        return due if duty.closed_at > due else None
    last = s.facts.last_at
    return due if duty.paused_since is None and last is not None and last > due else None


def _obligation(
    s: FoldState, duty: Duty, due: datetime, breached_at: datetime | None, provisional: bool
) -> Obligation:
    """The obligation ``duty`` is now: the very object of the last read while nothing it is
    made of changed (:meth:`Duty.recall`), so a case read after every command builds only
    the obligations that command changed, and a reader may tell them by identity."""
    anchor_at, warn_at = _clock(s, duty, due)
    key = (
        due,
        breached_at,
        provisional,
        anchor_at,
        warn_at,
        s.terms.due_soon_share,
        duty.spec,
        duty.id,
        duty.kind,
        duty.role,
        duty.rule,
        duty.cap_rule,
        duty.level,
        duty.met_at,
        duty.met_version,
        duty.closed_at,
        duty.paused_since,
        duty.waived_at,
        duty.waived_version,
        duty.source,
        duty.text,
        duty.label,
        duty.roles,
        duty.by,
        *duty.extensions,
    )
    found: Obligation | None = duty.recall("obligation", key)
    if found is not None:
        return found
    made = _made(s, duty, due, breached_at, provisional, (anchor_at, warn_at))
    return duty.keep("obligation", key, made)


def _made(
    s: FoldState,
    duty: Duty,
    due: datetime,
    breached_at: datetime | None,
    provisional: bool,
    clock: tuple[datetime, tuple[datetime, ...]],
) -> Obligation:
    spec = duty.spec
    anchor_at, warn_at = clock
    return Obligation(
        id=duty.id,
        kind=duty.kind,
        role=duty.role,
        rule=duty.cap_rule or duty.rule,
        anchor_at=anchor_at,
        due_at=due,
        met_at=duty.met_at,
        met_by=duty.met_version,
        closed_at=duty.closed_at,
        breached_at=breached_at,
        spec_id=spec.id if spec is not None else duty.id.split("#")[0],
        level=duty.level,
        extensions=tuple(duty.extensions),
        paused=duty.paused_since is not None,
        provisional=provisional,
        due_soon_share=s.terms.due_soon_share,
        source=duty.source,
        text=duty.text,
        own_label=(spec.label or "") if spec is not None else duty.label,
        warn_at=warn_at,
        roles=duty.roles,
        by=duty.by,
        waived_at=duty.waived_at,
        waived_by=duty.waived_version,
    )


def _clock(s: FoldState, duty: Duty, due: datetime) -> tuple[datetime, tuple[datetime, ...]]:
    """The anchor of ``duty`` in the calendar's zone and its warning instants, due at ``due``:
    counted once for the same inputs (:meth:`Duty.recall`), not at every read."""
    terms = s.terms
    spec = duty.spec
    points = spec.warnings if spec is not None and spec.warnings else terms.warnings
    key = (terms.calendar, duty.anchor, duty.within, due, points, terms.due_soon_share)
    found: tuple[datetime, tuple[datetime, ...]] | None = duty.recall("clock", key)
    if found is not None:
        return found
    anchor_at = terms.calendar.local(duty.anchor)
    warn_at = (
        ()
        if duty.within is None  # untimed: never due, so never due soon
        else warn_instants(
            terms.calendar, duty.within, anchor_at, due, points, terms.due_soon_share
        )
    )
    return duty.keep("clock", key, (anchor_at, warn_at))
