"""Escalation ladders (逐级通知): who must acknowledge by when, step by step.

A ladder notifies its first role; if that role does not ``acknowledge`` within the step's
timeout, the next step falls due from there, until one acknowledges in time. A step waived
(``waive``) before it is acknowledged ends the ladder there.
"""

from __future__ import annotations

from datetime import datetime

from ...policy.schema import LadderSpec
from .duty import Duty
from .state import FoldState

__all__ = ["ladder_duties"]


def ladder_duties(s: FoldState, closed_at: datetime | None) -> list[Duty]:
    """The steps of every ladder started, as fresh duties (the fold state is not touched);
    once the case closed at ``closed_at``, steps not reached by then are left out and open
    ones are closed."""
    out: list[Duty] = []
    for ladder, anchor in s.ladders.runs:
        for duty in _steps(s, ladder, anchor):
            if closed_at is not None and duty.open:
                if duty.anchor >= closed_at:
                    continue
                duty.closed_at = closed_at
            out.append(duty)
    return out


def _steps(s: FoldState, ladder: LadderSpec, anchor: datetime) -> list[Duty]:
    out: list[Duty] = []
    start = anchor
    provisional = False  # a step counts from the one before: it rests on what that rests on
    for n, step in enumerate(ladder.steps, 1):
        deadline = s.terms.calendar.deadline(start, step.timeout)
        due = s.floor(deadline.at)
        provisional = provisional or deadline.provisional
        ack = next(
            ((at, v) for at, role, v in s.ladders.acks if role == step.role and at >= start),
            None,
        )
        duty = Duty(
            id=f"{ladder.id}#{n}",
            spec=None,
            kind="notify",
            role=step.role,
            rule=ladder.rule,
            anchor=start,
            within=step.timeout,
            level=None,
            met_by=("acknowledge",),
            text=ladder.text,
            fixed_due=due,
            fixed_provisional=provisional,
            source="ladder",
            label=ladder.label or "",
        )
        waiver = s.ladders.waivers.get(duty.id)
        if waiver is not None and (ack is None or waiver[0] < ack[0]):
            ack = None  # waived before it was acknowledged: the step ends there
            duty.closed_at = duty.waived_at = waiver[0]
            duty.waived_version = waiver[1]
        if ack is not None:
            duty.met_at, duty.met_version = ack
        out.append(duty)
        waived_in_time = duty.waived_at is not None and duty.waived_at <= due
        if (ack is not None and ack[0] <= due) or waived_in_time:
            break
        start = due
    return out
