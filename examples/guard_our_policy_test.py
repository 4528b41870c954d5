"""Guard our opinion policy file (守护本校舆情制度文件): copy this file into your tests.

Copy it into your repository's ``tests/`` directory and point it at your policy file, either
on the command line::

    pytest --yuqing-policy policy/our_school.toml

or once for all runs in ``pytest.ini`` / ``pyproject.toml`` (``[tool.pytest.ini_options]``)::

    yuqing_policy = "policy/our_school.toml"

The fixtures come from the ``yuqing_core`` pytest plugin, loaded automatically once
``yuqing-core[testing]`` is installed. Then anyone who edits the policy into nonsense (a
higher level with a looser deadline, a role nobody holds, a report due after the response, a
level that falls as the counts rise) gets a failing test listing every problem with its key
path.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from yuqing_core.testing import (
    Clock,
    apply_commands,
    assert_policy_sound,
    command_sequences,
    incidents,
)


def test_our_policy_is_sound(yuqing_policy: yq.Policy) -> None:
    # strict=True also fails on the lint's warnings (overlapping bands, uncovered counts).
    assert_policy_sound(yuqing_policy)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_case_keeps_its_deadlines_in_order(
    yuqing_policy: yq.Policy, data: st.DataObject
) -> None:
    """Whatever the incident and whatever officers do, no deadline comes before its start,
    and the case rebuilt from its stored events is the same case."""
    incident = data.draw(incidents(yuqing_policy), label="incident")
    commands = data.draw(command_sequences(yuqing_policy, incident=incident), label="commands")
    case = yuqing_policy.open_case(incident, at=incident.discovered_at, actor="监测员")
    assert case.severity in yuqing_policy.severities
    apply_commands(case, commands, actor="值班员")
    for obligation in case.obligations:
        assert obligation.due_at >= obligation.anchor_at, obligation
    assert yq.Case.replay(yuqing_policy, case.events) == case


def test_a_report_is_overdue_once_its_deadline_passes(
    yuqing_policy: yq.Policy, yuqing_clock: Clock
) -> None:
    """Jump the clock instead of waiting: an unmet obligation is breached after its due time."""
    incident = yq.Incident(id="YQ-GUARD-1", title="测试舆情", discovered_at=yuqing_clock.now)
    case = yuqing_policy.open_case(incident, at=yuqing_clock.now, actor="监测员")
    for obligation in case.obligations:
        assert obligation.status(yuqing_clock.now) in ("pending", "due_soon")
    if case.obligations:
        last = max(o.due_at for o in case.obligations)
        yuqing_clock.set(last)
        yuqing_clock.advance("1min")
        assert {o.status(yuqing_clock.now) for o in case.obligations} == {"breached"}
