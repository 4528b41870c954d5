"""A live case's obligations follow each event: the case keeps its obligation folds and
applies only the events since the last read (rules.obligations.PinnedFold). Whenever they are
read, after any command, with or without a policy change in between, they are exactly what
deriving them from all the events gives (derive_pinned, the reference)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import edited
from yuqing_core.rules.obligations import derive_pinned
from yuqing_core.testing import Command, apply_commands
from yuqing_core.testing.strategies import command_sequences
from yuqing_core.workflow import Case

POLICIES = [yq.presets.load(name) for name in ("school-tiered", "park-message-board", "township")]
TIGHTER = {p.name: edited(p, "20min") for p in POLICIES if p.name == "park-message-board"}


def _opened(policy: yq.Policy) -> Case:
    """The case command_sequences draws for (its default incident, opened when found)."""
    found = datetime(2025, 9, 30, 9, tzinfo=policy.calendar.zone)
    incident = yq.Incident(id="YQ-HYPOTHESIS", title="测试舆情", discovered_at=found)
    return policy.open_case(incident, at=found, actor="probe")


def _check(case: Case) -> None:
    assert case.obligations == derive_pinned(case.policy_history, case.events)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), which=st.integers(0, len(POLICIES) - 1), every=st.integers(1, 3))
def test_obligations_read_as_the_case_goes_equal_a_full_derive(
    data: st.DataObject, which: int, every: int
) -> None:
    policy = POLICIES[which]
    commands = data.draw(command_sequences(policy, max_size=14))
    case = _opened(policy)
    for n, command in enumerate(commands, 1):
        apply_commands(case, [command])
        if n % every == 0:  # read after some commands only: several events applied at once
            _check(case)
    _check(case)
    again = Case.replay(policy, case.events)
    assert again.obligations == case.obligations


@settings(max_examples=40, deadline=None)
@given(data=st.data(), split=st.integers(0, 8))
def test_obligations_across_a_policy_change_equal_a_full_derive(
    data: st.DataObject, split: int
) -> None:
    park = yq.presets.load("park-message-board")
    commands: list[Command] = data.draw(command_sequences(park, max_size=12))
    case = _opened(park)
    apply_commands(case, commands[:split])
    _check(case)
    case.adopt(TIGHTER[park.name], at=case.events[-1].at + timedelta(minutes=5), actor="office")
    _check(case)
    for command in commands[split:]:
        try:
            apply_commands(case, [command])
        except yq.TransitionError:
            break  # the tighter version may refuse what the old one allowed (an extension)
        _check(case)


def test_events_share_their_zone_trigger_actor_and_empty_data() -> None:
    # What keeps a loaded case small (benchmarks/bench_case.py, memory per case): events
    # read from text share one object for a fixed-offset zone, a trigger, an actor, and
    # the empty data of a command given none.
    policy = yq.presets.load("school-tiered")
    case = _opened(policy)
    case.fire("assess", at=case.events[-1].at + timedelta(hours=1), actor="officer")
    case.fire("report", at=case.events[-1].at + timedelta(hours=2), actor="officer")
    again = Case.from_json(policy, case.to_json())
    assert again == case
    first, second = again.events[1], again.events[2]
    assert first.at.tzinfo is second.at.tzinfo
    assert first.actor is second.actor
    assert first.data is second.data
    assert dict(first.data) == {}
    other = Case.from_json(policy, case.to_json())
    assert other.events[1].trigger is first.trigger
