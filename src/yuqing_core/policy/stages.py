"""The stage table of a policy's workflow: which stages it has, in what order, and where each
stage trigger and ``reopen`` lead.

One home for "how stages advance": the ``transitions`` machine of
:mod:`yuqing_core.workflow.machine` is built from this table, and the obligation fold of
:mod:`yuqing_core.rules` follows a case's stage with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.vocab import FINAL_STATES, STAGE_TRIGGERS, State
from .schema import WorkflowSpec

__all__ = ["REOPEN_TARGETS", "StageTable"]

REOPEN_TARGETS = (State.HANDLING.value, State.ASSIGNED.value, State.ASSESSED.value)
"""Where ``reopen`` (重新办理) goes back to: the first of these the policy has."""

DISMISSABLE_FROM = (State.REGISTERED.value, State.ASSESSED.value, State.REPORTED.value)
"""Stages a case can still be dismissed (不予处理) from."""


@dataclass(frozen=True)
class StageTable:
    """The ordered stages of one policy (``registered`` first) and the moves between them.

    >>> table = StageTable(("registered", "assessed", "handling", "archived"))
    >>> table.next_state("registered", "start"), table.next_state("handling", "assess")
    ('handling', 'handling')
    >>> table.reopen_target
    'handling'
    """

    stages: tuple[str, ...]
    dismissable: bool = True
    _rank: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rank", {s: i for i, s in enumerate(self.stages)})

    @classmethod
    def of(cls, spec: WorkflowSpec) -> StageTable:
        return cls(tuple(s.value for s in spec.stages), spec.dismissable)

    def has(self, state: str) -> bool:
        return state in self._rank

    def rank(self, state: str) -> int:
        """The position of ``state``; ``-1`` for a stage the policy does not have."""
        return self._rank.get(state, -1)

    @property
    def live(self) -> tuple[str, ...]:
        """Stages a case can still act in (not final)."""
        return tuple(s for s in self.stages if s not in FINAL_STATES)

    @property
    def reopen_target(self) -> str:
        return next((s for s in REOPEN_TARGETS if s in self._rank), State.REGISTERED.value)

    @property
    def reopen_sources(self) -> tuple[str, ...]:
        """Stages ``reopen`` is allowed from: a matter that flared up again after the public
        response (or, without a response stage, after the reopen target)."""
        back_to = self.reopen_target
        first = self._rank.get(State.RESPONDED.value, self._rank[back_to] + 1)
        return tuple(s for s in self.live if self._rank[s] >= first and s != back_to)

    @property
    def dismiss_sources(self) -> tuple[str, ...]:
        if not self.dismissable:
            return ()
        return tuple(s for s in DISMISSABLE_FROM if s in self._rank)

    def next_state(self, state: str, trigger: str) -> str:
        """The stage after ``trigger`` fires in ``state``: stages only move forward, except
        ``reopen`` (back to :attr:`reopen_target`) and ``dismiss`` (to ``dismissed``)."""
        if trigger == "reopen":
            return self.reopen_target
        target = STAGE_TRIGGERS.get(trigger)
        if target is None:
            return state
        if target == State.DISMISSED.value:
            return target
        if target in self._rank and self._rank[target] > self.rank(state):
            return target
        return state
