"""``Case.allowed_triggers`` lists only what ``fire`` accepts (issue 13, items 6 and 7): no
``archive`` while a started obligation is unmet and not waived, no trigger whose
``[[workflow.order]]`` entry is not met yet, no ``waive`` while nothing is owed.

Found Tue 30 Sep 2025 17:00; the report to the publicity department (``2h``) is owed from then
until it is made (due 19:00). Exact lists: every trigger the default stage table has from the
stage, minus those held back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.testing import apply_commands, command_sequences
from yuqing_core.workflow.machine import workflow_for

POLICY = yq.load_policy(
    {
        "name": "ordered",
        "title": "先后有序",
        "obligations": [
            {
                "id": "report-publicity",
                "rule": "S1",
                "kind": "report",
                "role": "publicity_dept",
                "within": "2h",
            },
        ],
        "workflow": {
            "order": [
                {"trigger": "start", "obligations": ["report-publicity"], "rule": "S1"},
                {
                    "trigger": "archive",
                    "triggers": ["refer"],
                    "any_categories": ["fabrication"],
                    "rule": "S4",
                },
            ]
        },
    }
)
FOUND = cst(2025, 9, 30, 17)
TABLE = ["assess", "report", "assign", "start", "draft_reply", "approve_reply", "respond"]
TABLE += ["track", "stabilize", "review", "archive", "dismiss", "escalate", "downgrade"]
TABLE += ["update_metrics", "extend", "supervise", "follow_up", "refer", "acknowledge"]
TABLE += ["pause", "resume", "conclude", "waive"]
"""What the stage table has from ``registered`` and from ``reported`` alike (stage triggers
forward, the repeatable ones in place, the actions)."""
GUARDED = ["approve_reply", "resume"]
"""Held back by the table's own guards, as before: no drafted reply, a clock not paused."""


def _open(category: str | None = None) -> yq.Case:
    extra: dict[str, Any] = {} if category is None else {"category": category}
    incident = yq.Incident(id="YQ-5", title="网传消息", discovered_at=FOUND, **extra)
    return POLICY.open_case(incident, at=FOUND, actor="monitor")


def _without(triggers: list[str], *held: str) -> list[str]:
    return [t for t in triggers if t not in held]


def test_start_and_archive_wait_for_the_report_that_is_owed() -> None:
    case = _open()
    assert workflow_for(POLICY).triggers_from("registered") == TABLE
    assert workflow_for(POLICY).triggers_from("reported") == TABLE
    assert case.allowed_triggers() == _without(TABLE, *GUARDED, "start", "archive")
    case.fire("report", at=cst(2025, 9, 30, 17, 40), actor="office", role="publicity_dept")
    assert case.state == "reported"
    # Nothing is owed now: start and archive may go ahead, there is nothing to waive.
    assert case.allowed_triggers() == _without(TABLE, *GUARDED, "waive")


def test_a_waived_report_releases_start_and_archive() -> None:
    case = _open()
    at = cst(2025, 9, 30, 17, 10)
    case.fire("waive", at=at, actor="office", obligation="report-publicity", reason="已知悉")
    assert case.allowed_triggers() == _without(TABLE, *GUARDED, "waive")


def test_a_fabrication_is_archived_only_after_its_referral() -> None:
    case = _open("fabrication")
    case.fire("report", at=cst(2025, 9, 30, 17, 40), actor="office", role="publicity_dept")
    assert case.allowed_triggers() == _without(TABLE, *GUARDED, "archive", "waive")
    case.fire("refer", at=cst(2025, 9, 30, 17, 50), actor="office")
    assert case.allowed_triggers() == _without(TABLE, *GUARDED, "waive")


def test_the_instant_is_the_last_event_unless_given() -> None:
    case = _open()
    assert "archive" not in case.allowed_triggers(at=cst(2025, 10, 9))
    with pytest.raises(yq.YuqingError, match=r"at: .* has no time zone"):
        case.allowed_triggers(at=datetime(2025, 10, 9))


def test_a_final_stage_allows_nothing() -> None:
    case = _open()
    case.fire("dismiss", at=cst(2025, 9, 30, 18), actor="office", reason="重复登记")
    assert case.allowed_triggers() == []


# -- listed <=> accepted ----------------------------------------------------------------------

DATA_BOUND = {"escalate", "downgrade", "update_metrics", "extend", "pause"}
"""Triggers whose refusal turns on the data given (a level above the case's, a count that
does not fall) or on the clocks' own rules (what may be extended or paused):
``allowed_triggers`` lists them by stage and guards alone."""


def _data(case: yq.Case, trigger: str, at: datetime) -> dict[str, Any]:
    if trigger == "waive":
        owed = [o.id for o in case.obligations if o.is_open and o.anchor_at <= at]
        return {"obligation": owed[0] if owed else "report-publicity", "reason": "已知悉"}
    if trigger == "dismiss":
        return {"reason": "重复登记"}
    return {}


def _accepted(case: yq.Case, trigger: str, at: datetime) -> bool:
    copy = yq.Case.replay(case.policy, case.events)
    try:
        copy.fire(trigger, at=at, actor="office", **_data(case, trigger, at))
    except yq.TransitionError:
        return False
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    category=st.sampled_from([None, "fabrication"]),
    commands=st.data(),
    later=st.integers(0, 5 * 24 * 60),
)
def test_every_trigger_listed_fires_and_every_other_is_refused(
    category: str | None, commands: st.DataObject, later: int
) -> None:
    incident = _open(category).incident
    drawn = commands.draw(command_sequences(POLICY, incident=incident, max_size=6))
    case = POLICY.open_case(incident, at=FOUND, actor="monitor")
    apply_commands(case, drawn)
    at = case.events[-1].at + timedelta(minutes=later)
    listed = case.allowed_triggers(at=at)
    for trigger in workflow_for(POLICY).triggers_from(case.state):
        if trigger in DATA_BOUND:
            continue
        assert _accepted(case, trigger, at) == (trigger in listed), (trigger, case.events)
