"""Random command sequences against every shipped policy (hypothesis stateful testing).

Invariants: replay and JSON rebuild an equal case; ``version == len(events)``; a failed
command changes nothing; a due instant never moves later except through ``extend`` (within
the cap) or a ``pause``/``resume`` that stopped its clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.model.vocab import TRIGGERS
from yuqing_core.workflow import Case

START = cst(2025, 9, 26, 9)

# Closing triggers are drawn rarely so that runs reach the later stages.
WEIGHTED = [t for t in TRIGGERS if t not in ("dismiss", "archive") for _ in range(4)] + [
    "dismiss",
    "archive",
]

DATA: dict[str, list[dict[str, Any]]] = {
    "report": [{}, {"role": "principal_leader"}, {"roles": ["office", "leader_in_charge"]}],
    "escalate": [{"severity": s.key, "reason": "扩散"} for s in yq.Severity],
    "downgrade": [{"severity": s.key, "reason": "核实"} for s in yq.Severity],
    "assess": [{}, {"severity": "major"}, {"severity": "general", "reason": "研判"}],
    "extend": [{"by": "1d"}, {"by": "3d"}, {"by": "5d"}, {"by": "2h"}],
    "dismiss": [{"reason": "重复"}],
    "acknowledge": [{}, {"role": "principal_leader"}, {"role": "spokesperson"}],
    "review": [{}, {"report": "总结报告"}],
    "update_metrics": [{"views": 500}, {"views": 3500, "comments": 600}, {"flags": True}],
}


def _data(trigger: str, choice: int, at: datetime) -> dict[str, Any]:
    options = DATA.get(trigger, [{}])
    data = dict(options[choice % len(options)])
    if trigger == "update_metrics":
        if data.pop("flags", False):
            return {"flags": ["superior_instruction", "major_emergency"]}
        return {"metrics": yq.Metrics(observed_at=at, **data)}
    return data


class CaseMachine(RuleBasedStateMachine):
    policy: yq.Policy

    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.dues: dict[str, datetime] = {}

    @initialize(severity=st.sampled_from([None, "lowest", "highest"]))
    def open(self, severity: str | None) -> None:
        inc = yq.Incident(
            id="YQ-S",
            title="随机",
            discovered_at=START - timedelta(minutes=30),
            posted_at=START - timedelta(hours=2),
        )
        sev = None
        if severity == "lowest":
            sev = self.policy.lowest
        elif severity == "highest":
            sev = self.policy.severities[-1]
        self.case = self.policy.open_case(
            inc, at=START, actor="m", severity=sev, reason="研判" if sev is not None else None
        )
        self.dues = {o.id: o.due_at for o in self.case.obligations}

    @rule(
        trigger=st.sampled_from(WEIGHTED), minutes=st.integers(0, 60 * 60), choice=st.integers(0, 5)
    )
    def fire(self, trigger: str, minutes: int, choice: int) -> None:
        at = self.now + timedelta(minutes=minutes)
        before = (
            self.case.state,
            self.case.severity,
            self.case.events,
            self.case.version,
            self.case.obligations,
        )
        try:
            self.case.fire(trigger, at=at, actor="officer", **_data(trigger, choice, at))
        except yq.TransitionError:
            assert (
                self.case.state,
                self.case.severity,
                self.case.events,
                self.case.version,
                self.case.obligations,
            ) == before
            return
        self.now = at
        new_events = self.case.events[len(before[2]) :]
        assert 1 <= len(new_events) <= 2
        moved_by = {e.trigger for e in new_events}
        for ob in self.case.obligations:
            old = self.dues.get(ob.id)
            if old is not None and ob.due_at > old:
                assert moved_by & {"extend", "resume"}, (ob.id, old, ob.due_at, moved_by)
        self.dues = {o.id: o.due_at for o in self.case.obligations}

    @invariant()
    def rebuilds_equal(self) -> None:
        assert self.case.version == len(self.case.events)
        again = Case.replay(self.policy, self.case.events)
        assert again == self.case
        assert again.obligations == self.case.obligations
        assert Case.from_json(self.policy, self.case.to_json(include_personal=True)) == self.case

    @invariant()
    def nothing_due_before_its_anchor_and_ids_unique(self) -> None:
        for ob in self.case.obligations:
            assert ob.due_at >= ob.anchor_at
        ids = [ob.id for ob in self.case.obligations]
        assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", yq.presets.names())
def test_random_commands_keep_the_invariants(name: str) -> None:
    machine = type(f"Case_{name}", (CaseMachine,), {"policy": yq.presets.load(name)})
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
