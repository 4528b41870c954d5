"""The handling workflow (处置流程) of one policy as a ``transitions`` state machine.

The machine is built once per policy and shared by all of its cases: a case never gets a
machine of its own. It is used as a transition table: the case looks up the transitions of its
trigger from its state, checks the guards, and moves.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from transitions import Machine

from ..model import CaseState
from ..model.vocab import ACTION_TRIGGERS, STAGE_TRIGGERS
from ..policy.data import PolicyData as Policy
from ..policy.stages import StageTable

__all__ = ["Guard", "Workflow", "workflow_for"]

Guard = Callable[["CaseState", Mapping[str, Any]], "str | None"]
"""A guard returns ``None`` when the command may go ahead, or the reason it may not."""

REPEATABLE = ("assess", "report", "assign", "respond")
"""Stage triggers that may be fired again once their stage is passed (a second report to
another role, a follow-up public release), without moving the case."""


@dataclass(frozen=True, slots=True)
class Move:
    """Where a trigger leads from a state (``dest`` is ``None`` for an in-place action)."""

    dest: str | None
    guards: tuple[Guard, ...]


class Workflow:
    """States, triggers and guards of one policy."""

    def __init__(self, policy: Policy) -> None:
        spec = policy.spec.workflow
        self.policy = policy
        self.table = StageTable.of(spec)
        self.stages: tuple[str, ...] = self.table.stages
        self.states: tuple[str, ...] = self.stages + (("dismissed",) if spec.dismissable else ())
        self.machine = Machine(
            model=None,
            states=list(self.states),
            initial="registered",
            auto_transitions=False,
            send_event=True,
        )
        self._guards: dict[str, tuple[Guard, ...]] = _guards_for(policy)
        self._table: dict[tuple[str, str], Move] = {}
        self.transitions: list[tuple[str, str, str | None]] = []
        self._build()
        # The table is fixed once built; asking ``transitions`` walks every event each time.
        self._from: dict[str, tuple[str, ...]] = {}

    def _add(self, trigger: str, sources: Sequence[str], dest: str | None) -> None:
        if not sources:
            return
        guards = self._guards.get(trigger, ())
        # The guards are kept on the machine for reference; cases evaluate them themselves
        # with their own fold and the command data.
        conditions: list[Any] = list(guards)
        self.machine.add_transition(trigger, list(sources), dest, conditions=conditions)
        for source in sources:
            # transitions keeps the first matching transition; so do we.
            self._table.setdefault((trigger, source), Move(dest, guards))
            self.transitions.append((trigger, source, dest))

    def _build(self) -> None:
        table = self.table
        live = table.live
        for trigger, target in STAGE_TRIGGERS.items():
            if target == "dismissed" or not table.has(target):
                continue
            self._add(trigger, [s for s in live if table.rank(s) < table.rank(target)], target)
            if trigger in REPEATABLE:
                self._add(trigger, [s for s in live if table.rank(s) >= table.rank(target)], None)
        # A policy without a stage for a repeatable trigger still lets it act in place.
        for trigger in REPEATABLE:
            if not table.has(STAGE_TRIGGERS[trigger]):
                self._add(trigger, live, None)
        self._add("dismiss", table.dismiss_sources, "dismissed")
        self._add("reopen", table.reopen_sources, table.reopen_target)
        for trigger in ACTION_TRIGGERS:
            if trigger != "reopen":
                self._add(trigger, live, None)

    def move(self, trigger: str, state: str) -> Move | None:
        """The transition of ``trigger`` from ``state``, or ``None`` if there is none."""
        return self._table.get((trigger, state))

    def triggers_from(self, state: str) -> list[str]:
        """Triggers that have a transition from ``state`` (guards not checked)."""
        found = self._from.get(state)
        if found is None:
            found = tuple(t for t in self.machine.get_triggers(state) if (t, state) in self._table)
            self._from[state] = found
        return list(found)

    def rank(self, state: str) -> int:
        """The position of ``state``; past the last stage for one the policy does not have."""
        found = self.table.rank(state)
        return found if found >= 0 else len(self.stages)


_WORKFLOWS: weakref.WeakKeyDictionary[Policy, Workflow] = weakref.WeakKeyDictionary()


def workflow_for(policy: Policy) -> Workflow:
    """The workflow of ``policy``, built once and shared by all of its cases."""
    found = _WORKFLOWS.get(policy)
    if found is None:
        found = _WORKFLOWS[policy] = Workflow(policy)
    return found


def _guards_for(policy: Policy) -> dict[str, tuple[Guard, ...]]:
    spec = policy.spec.workflow
    g: dict[str, tuple[Guard, ...]] = {}

    if spec.reply_approval_required:

        def approved(state: CaseState, data: Mapping[str, Any]) -> str | None:
            if not state.reply_approved:
                return "the reply must be approved (approve_reply, 审定) before it is published"
            return None

        g["respond"] = (approved,)

    if "reply_drafted" in spec.stages:

        def drafted(state: CaseState, data: Mapping[str, Any]) -> str | None:
            return None if state.reply_drafted else "there is no drafted reply to approve"

        g["approve_reply"] = (drafted,)

    review_from = spec.review_required_from
    if review_from is not None and "reviewed" in spec.stages:

        def reviewed(state: CaseState, data: Mapping[str, Any]) -> str | None:
            if state.severity >= review_from and not state.reviewed:
                return (
                    f"a {state.severity.key} case needs its review (review, 总结评估) "
                    "before it is archived"
                )
            return None

        g["archive"] = (reviewed,)

    if spec.review_report_required:

        def report_text(state: CaseState, data: Mapping[str, Any]) -> str | None:
            if not str(data.get("report") or "").strip():
                return "review needs the written report (data 'report', 书面总结报告)"
            return None

        g["review"] = (report_text,)

    def paused(state: CaseState, data: Mapping[str, Any]) -> str | None:
        return "the clock is already paused" if state.paused_since is not None else None

    def running(state: CaseState, data: Mapping[str, Any]) -> str | None:
        return "the clock is not paused" if state.paused_since is None else None

    g["pause"] = (paused,)
    g["resume"] = (running,)
    return g
