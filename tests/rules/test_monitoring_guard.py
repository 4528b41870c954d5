"""``monitoring_duties`` never runs without end: a rule that does not move on and a span with
more due instants than anyone can act on are refused with library errors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

import yuqing_core as yq
from tests.helpers import cst, time_limit
from yuqing_core.policy.schema import DutySpec
from yuqing_core.rules.monitoring import MAX_INSTANTS


def _policy(rrule: str, *, validated: bool = True) -> yq.Policy:
    duty: dict[str, Any] = {"id": "watch", "rule": "X1", "kind": "watch", "rrule": rrule}
    if validated:
        return yq.load_policy({"name": "p", "title": "t", "monitoring": [duty]})
    spec = yq.load_policy({"name": "p", "title": "t"}).spec
    raw = DutySpec.model_construct(**duty, role="monitor")
    return yq.Policy(spec.model_copy(update={"monitoring": (raw,)}))


def test_a_rule_that_never_moves_on_is_refused_even_when_it_skipped_validation() -> None:
    policy = _policy("FREQ=MINUTELY;INTERVAL=0", validated=False)
    with time_limit(10, "monitoring_duties"), pytest.raises(yq.PolicyError) as e:
        policy.monitoring_duties(cst(2025, 11, 3), cst(2025, 11, 4))
    assert str(e.value) == (
        "monitoring[0].rrule: 'FREQ=MINUTELY;INTERVAL=0' steps by INTERVAL=0: a rule must "
        "move on (INTERVAL of 1 or more)"
    )


def test_a_span_with_too_many_instants_is_refused() -> None:
    policy = _policy("FREQ=MINUTELY")
    start = cst(2025, 1, 1)
    end = start + timedelta(minutes=MAX_INSTANTS + 1)
    with time_limit(60, "monitoring_duties"), pytest.raises(yq.InvalidArgumentError) as e:
        policy.monitoring_duties(start, end)
    assert str(e.value) == (
        "monitoring[0] (watch) falls due more than 100000 times between 2025-01-01 00:00 and "
        "2025-03-11 10:41; ask for a shorter span"
    )


def test_a_span_of_exactly_the_limit_is_listed() -> None:
    policy = _policy("FREQ=MINUTELY")
    start = cst(2025, 1, 1)
    duties = policy.monitoring_duties(start, start + timedelta(minutes=MAX_INSTANTS))
    assert len(duties) == MAX_INSTANTS
    assert duties[-1].due_at == start + timedelta(minutes=MAX_INSTANTS - 1)


def test_a_step_past_the_last_year_a_date_holds_ends_the_listing() -> None:
    policy = _policy("FREQ=DAILY;INTERVAL=99999999999999999999;BYHOUR=9;BYMINUTE=0")
    with time_limit(10, "monitoring_duties"):
        duties = policy.monitoring_duties(cst(2025, 11, 3), cst(2026, 11, 3))
    assert [d.due_at for d in duties] == [cst(2025, 11, 3, 9)]
