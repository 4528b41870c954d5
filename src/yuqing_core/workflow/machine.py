"""The handling workflow (处置流程) of one policy, as a ``transitions`` state machine.

The machine is built once per policy from its stage table (``policy.stages.StageTable``) and
shared by all of its cases: a case never gets a machine of its own. It serves as the
transition table, and only as that: the lookups a case makes (:meth:`Workflow.move`,
:meth:`Workflow.triggers_from`) and the ``transitions`` list are read from the machine's own
transitions once, when it is built, so the machine is their one source.

Why a case does not fire its triggers through the machine: ``transitions`` moves a model
object it holds, one per case, and runs its callback machinery on every trigger. A case is a
fold of its events, replayed event by event whenever it is loaded, and firing ten triggers
through a shared machine (a model added per case) costs more than replaying a whole 20-event
case by table (``benchmarks/bench_case.py`` measures the replay). So a case looks up its
move, checks the guards with its own fold and the command's data, and moves itself. For the
same reason the guards (:func:`_guards_for`) are not the machine's conditions: they judge a
case's fold and a command's data, which the machine never sees.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from transitions import Machine

from ..model import CaseState, Severity
from ..model.vocab import ACTION_TRIGGERS, STAGE_TRIGGERS
from ..policy.data import PolicyData as Policy
from ..policy.stages import StageTable

__all__ = ["Guard", "Move", "Workflow", "workflow_for"]

REPEATABLE = ("assess", "report", "assign", "respond")
"""Stage triggers that may be fired again once their stage is passed (a second report to
another role, a follow-up public release), without moving the case."""


@dataclass(frozen=True, slots=True)
class Guard:
    """A condition on a transition: ``check(state, data)`` is ``None`` when the command may go
    ahead, or the reason it may not.

    ``needs_data``: the check reads the command's data, so it cannot be judged before a
    command is given; :meth:`Case.allowed_triggers <yuqing_core.Case.allowed_triggers>` lists
    the trigger anyway.
    """

    check: Callable[[CaseState, Mapping[str, Any]], str | None]
    needs_data: bool = False

    def __call__(self, state: CaseState, data: Mapping[str, Any]) -> str | None:
        return self.check(state, data)


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
        )
        self._build()
        self._guards = _guards_for(policy)
        # Read once: the machine is fixed once built, and asking it walks every event.
        self.transitions: list[tuple[str, str, str | None]] = []
        self._table: dict[tuple[str, str], Move] = {}
        self._from: dict[str, list[str]] = {}
        self._read_machine()

    def _add(self, trigger: str, sources: Sequence[str], dest: str | None) -> None:
        if sources:
            self.machine.add_transition(trigger, list(sources), dest)

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

    def _read_machine(self) -> None:
        for trigger, event in self.machine.events.items():
            guards = self._guards.get(trigger, ())
            for source, found in event.transitions.items():
                self.transitions.extend((trigger, source, t.dest) for t in found)
                # transitions would take the first of several transitions; so does a case.
                self._table[(trigger, source)] = Move(found[0].dest, guards)
                self._from.setdefault(source, []).append(trigger)

    def move(self, trigger: str, state: str) -> Move | None:
        """The transition of ``trigger`` from ``state``, or ``None`` if there is none."""
        return self._table.get((trigger, state))

    def triggers_from(self, state: str) -> list[str]:
        """Triggers that have a transition from ``state`` (guards not checked)."""
        return list(self._from.get(state, ()))

    def rank(self, state: str) -> int:
        """The position of ``state``; past the last stage for one the policy does not have."""
        found = self.table.rank(state)
        return found if found >= 0 else len(self.stages)


_WORKFLOWS: weakref.WeakKeyDictionary[Policy, Workflow] = weakref.WeakKeyDictionary()


_LAST: list[Workflow | None] = [None]
"""The workflow asked for last: a replay asks for the same one at every event."""


def workflow_for(policy: Policy) -> Workflow:
    """The workflow of ``policy``, built once and shared by all of its cases."""
    found = _LAST[0]
    if found is not None and found.policy is policy:
        return found
    found = _WORKFLOWS.get(policy)
    if found is None:
        found = _WORKFLOWS[policy] = Workflow(policy)
    _LAST[0] = found
    return found


# -- guards ----------------------------------------------------------------------------------


def _guards_for(policy: Policy) -> dict[str, tuple[Guard, ...]]:
    """The guards the policy's workflow spec puts on each trigger."""
    spec = policy.spec.workflow
    guards: dict[str, tuple[Guard, ...]] = {
        "pause": (Guard(_paused),),
        "resume": (Guard(_running),),
    }
    if spec.reply_approval_required:
        guards["respond"] = (Guard(_approved),)
    if "reply_drafted" in spec.stages:
        guards["approve_reply"] = (Guard(_drafted),)
    if spec.review_required_from is not None and "reviewed" in spec.stages:
        guards["archive"] = (Guard(_reviewed_from(spec.review_required_from)),)
    if spec.review_report_required:
        guards["review"] = (Guard(_report_text, needs_data=True),)
    return guards


def _approved(state: CaseState, data: Mapping[str, Any]) -> str | None:
    if not state.reply_approved:
        return "the reply must be approved (approve_reply, 审定) before it is published"
    return None


def _drafted(state: CaseState, data: Mapping[str, Any]) -> str | None:
    return None if state.reply_drafted else "there is no drafted reply to approve"


def _reviewed_from(level: Severity) -> Callable[[CaseState, Mapping[str, Any]], str | None]:
    def _reviewed(state: CaseState, data: Mapping[str, Any]) -> str | None:
        if state.severity >= level and not state.reviewed:
            return (
                f"a {state.severity.key} case needs its review (review, 总结评估) "
                "before it is archived"
            )
        return None

    return _reviewed


def _report_text(state: CaseState, data: Mapping[str, Any]) -> str | None:
    if not str(data.get("report") or "").strip():
        return "review needs the written report (data 'report', 书面总结报告)"
    return None


def _paused(state: CaseState, data: Mapping[str, Any]) -> str | None:
    return "the clock is already paused" if state.paused_since is not None else None


def _running(state: CaseState, data: Mapping[str, Any]) -> str | None:
    return "the clock is not paused" if state.paused_since is None else None
