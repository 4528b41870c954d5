"""The hr-bureau preset (RULES S6): the key values it encodes, and its worked scenario. The
scenario: a problem opinion found during National Day 2025 goes up the approval chain (working
group, director, city bureau) to its archive; an opinion first judged higher is downgraded with a
recorded reason; an ordinary (positive) one is archived. The source sets no time limit, so no case
owes a deadline."""

from __future__ import annotations

import pytest

import yuqing_core as yq
from tests.helpers import cst, run, state_path

PROBLEM = "RS-2025-1003-01"
RUMOUR = "RS-2026-0216-02"
POSITIVE = "RS-2026-0225-03"


# -- what it encodes: the key values of its source, by hand from RULES.md and the seeds ------


def test_hr_bureau_s6_four_classes_two_institution_defined() -> None:
    p = yq.presets.load("hr-bureau")
    levels = [(str(lv.severity), lv.label, lv.institution_defined) for lv in p.spec.levels]
    assert levels == [
        ("low", "普通舆情信息", False),
        ("general", "问题舆情信息", False),
        ("significant", None, True),
        ("major", None, True),
    ]
    assert p.spec.obligations == ()  # R6.3's chain sets no deadline
    assert {"working_group", "bureau_director", "city_bureau"} <= set(p.roles)


# -- its worked scenario ------------------------------------------------------------------


def test_problem_opinion_up_the_approval_chain_whole_life() -> None:
    sim = run("hr-bureau")
    assert sim.now is not None
    case = sim.cases[PROBLEM]
    assert state_path(case) == [
        ("open", "registered"),
        ("assess", "assessed"),
        ("report", "reported"),
        ("report", "reported"),
        ("report", "reported"),
        ("archive", "archived"),
    ]
    # Opened with no judgement: the lowest level, 普通舆情信息 (low); the monitor's 研判 raises
    # it to 问题舆情信息 (general, R6.1), a human judgement (P8).
    assert case.events[0].data["severity"] == "low"
    assert case.severity.key == "general"
    # R6.3 chain: monitor -> working group -> director -> city bureau.
    assert [e.data["role"] for e in case.events if e.trigger == "report"] == [
        "working_group",
        "bureau_director",
        "city_bureau",
    ]
    # R6.3 gives no time limit (the preset's notes): nothing is owed, nothing is breached.
    assert case.obligations == ()
    assert case.is_closed


def test_rumour_downgraded_with_reason_then_reported() -> None:
    sim = run("hr-bureau")
    assert sim.now is not None
    case = sim.cases[RUMOUR]
    assert state_path(case) == [
        ("open", "registered"),
        ("downgrade", "registered"),
        ("report", "reported"),
    ]
    # Judged significant at opening (an institution-defined class of R6.1), lowered to general
    # with a recorded reason and actor (P6).
    assert case.events[0].data["severity"] == "significant"
    downgrade = case.events[1]
    assert (downgrade.actor, downgrade.data["severity"]) == ("局舆情监督工作组", "general")
    assert downgrade.data["reason"]
    assert case.severity.key == "general"
    assert case.obligations == ()
    # Mid-life: before the downgrade, the case stood at significant and could go either way.
    opened = yq.Case.replay(case.policy, case.events[:1])
    assert opened.severity.key == "significant"
    assert {"assess", "report", "archive", "dismiss"} <= set(opened.allowed_triggers())


def test_downgrade_without_reason_is_refused() -> None:
    sim = run("hr-bureau")
    case = yq.Case.replay(sim.policy, sim.cases[RUMOUR].events[:1])
    with pytest.raises(yq.TransitionError, match="reason"):
        case.fire(
            "downgrade", at=cst(2026, 2, 24, 9, 30), actor="局舆情监督工作组", severity="general"
        )
    assert case.version == 1
    assert case.severity.key == "significant"


def test_ordinary_positive_report_archived_and_nothing_breached() -> None:
    sim = run("hr-bureau")
    assert sim.now is not None
    case = sim.cases[POSITIVE]
    assert state_path(case) == [
        ("open", "registered"),
        ("assess", "assessed"),
        ("archive", "archived"),
    ]
    assert case.severity.key == "low"
    assert all(c.obligations == () for c in sim.cases.values())
    assert sim.breaches() == []
