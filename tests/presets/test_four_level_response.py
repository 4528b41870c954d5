"""The four-level-response preset (RULES S9): the key values it encodes, and its worked scenario.
The scenario: a mass incident judged "重大或较大" on the eve of Spring Festival 2026, watched every
24 hours through the holiday, downgraded with a reason and archived after the review every level
needs; and a false report that reached the leading group late."""

from __future__ import annotations

import pytest

import yuqing_core as yq
from tests.helpers import D, cst, ob, rows, run, state_path

CASE_A = "YQ-2026-0213-17"
CASE_B = "YQ-2026-0214-18"


# -- what it encodes: the key values of its source, by hand from RULES.md and the seeds ------


def test_four_level_response_s9() -> None:
    p = yq.presets.load("four-level-response")
    assert [(str(lv.severity), lv.label) for lv in p.spec.levels] == [
        ("low", "影响较小"),
        ("general", "一般"),
        ("major", "重大或较大"),
        ("critical", "特别重大"),
    ]
    # 较大 is answered like 重大: a host's "significant" lands on the combined level.
    assert p.normalize_severity(yq.Severity.SIGNIFICANT) is yq.Severity.MAJOR
    assert p.normalize_severity(yq.Severity.MAJOR) is yq.Severity.MAJOR
    watch = ob(p, "mass-incident-watch")
    assert (watch.any_flags, watch.every, watch.until) == (
        ("mass_incident",),
        D("24h"),
        "stabilized",
    )
    assert p.spec.workflow.review_required_from is yq.Severity.LOW


# -- its worked scenario ------------------------------------------------------------------


def test_four_levels() -> None:
    policy = yq.presets.load("four-level-response")
    assert [s.key for s in policy.severities] == ["low", "general", "major", "critical"]


def test_mass_incident_across_spring_festival_whole_life() -> None:
    sim = run("four-level-response")
    assert sim.now is not None
    case = sim.cases[CASE_A]
    assert state_path(case) == [
        ("open", "registered"),
        ("assess", "assessed"),
        ("report", "reported"),
        ("assign", "assigned"),
        ("respond", "responded"),
        ("follow_up", "responded"),
        ("follow_up", "responded"),
        ("downgrade", "responded"),
        ("track", "tracking"),
        ("stabilize", "stabilized"),
        ("review", "reviewed"),
        ("archive", "archived"),
    ]
    assert case.state == "archived"
    # No automatic grading in S9: opened at the lowest level, judged major by the office (P8),
    # lowered to general by a recorded decision with a reason and an actor (P6).
    assert case.events[0].data["severity"] == "low"
    assert case.events[1].data["severity"] == "major"
    down = case.events[7]
    assert (down.data["severity"], down.actor) == ("general", "应急领导小组")
    assert down.data["reason"].startswith("校车已恢复运行")
    assert case.severity == yq.Severity.GENERAL
    # Found Fri 13 Feb 2026 18:20 (flags emergency, mass_incident).
    # R9.5 "及时反馈到有关部门" and "第一时间发出学校声音": immediate, the preset's grace 1 h
    # from discovery (P5) -> 19:20.
    # R9.5 24-hour watch of a mass incident: 24 elapsed hours from discovery -> Sat 14 Feb
    # 18:20 (a make-up working day, which changes nothing for hours); then 24 h after each
    # report: 14 Feb 17:00 -> Sun 15 Feb 17:00, the first day of the Spring Festival rest
    # (15-23 Feb): elapsed hours run through rest days, so the 19:30 report is late. The third
    # (due 16 Feb 19:30) ended unowed when the opinion calmed on 16 Feb 15:00.
    assert rows(case, sim.now) == [
        ("negative-feedback", "2026-02-13 19:20", "2026-02-13 18:50", "met"),
        ("emergency-first-voice", "2026-02-13 19:20", "2026-02-13 19:10", "met"),
        ("mass-incident-watch", "2026-02-14 18:20", "2026-02-14 17:00", "met"),
        ("mass-incident-watch#2", "2026-02-15 17:00", "2026-02-15 19:30", "late"),
    ]
    assert sim.breaches() == []


def test_every_level_needs_its_review_and_a_downgrade_its_reason() -> None:
    sim = run("four-level-response")
    case = sim.cases[CASE_A]
    # review_required_from = low: even a general case is reviewed before it is archived.
    calmed = yq.Case.replay(case.policy, case.events[:-2])
    assert (calmed.state, calmed.severity) == ("stabilized", yq.Severity.GENERAL)
    with pytest.raises(yq.TransitionError, match="review"):
        calmed.fire("archive", at=cst(2026, 2, 24, 9, 0), actor="应急领导小组办公室")
    judged = yq.Case.replay(case.policy, case.events[:7])
    assert judged.severity == yq.Severity.MAJOR
    with pytest.raises(yq.TransitionError, match="reason"):
        judged.fire(
            "downgrade", at=cst(2026, 2, 15, 20, 0), actor="应急领导小组", severity="general"
        )
    assert judged.severity == yq.Severity.MAJOR
    assert judged.version == 7


def test_second_watch_report_runs_through_the_holiday() -> None:
    sim = run("four-level-response")
    case = sim.cases[CASE_A]
    second = next(o for o in case.obligations if o.id == "mass-incident-watch#2")
    # 14 Feb 17:00 -> 15 Feb 17:00; 75% of the 24 h has passed at 15 Feb 11:00.
    assert second.status(cst(2026, 2, 15, 10, 59)) == "pending"
    assert second.status(cst(2026, 2, 15, 11, 0)) == "due_soon"
    assert second.status(cst(2026, 2, 15, 17, 1)) == "breached"
    assert second.status(cst(2026, 2, 15, 19, 30)) == "late"


def test_false_report_reaches_the_leading_group_late() -> None:
    sim = run("four-level-response")
    assert sim.now is not None
    case = sim.cases[CASE_B]
    assert state_path(case) == [
        ("open", "registered"),
        ("report", "reported"),
        ("report", "reported"),
    ]
    # 影响较小: no judgement given, so the lowest level (the section concerned handles it).
    assert case.severity == yq.Severity.LOW
    # Found Sat 14 Feb 2026 21:40 (a make-up working day), category fabrication.
    # R9.5 (seed 四(一)1) feedback to the section and (seed 四(三)1) "虚假不实报道……及时上报":
    # immediate, grace 1 h from discovery -> 22:40 for both. The section was told at 22:00;
    # the leading group only next morning, Sun 15 Feb 08:30: late.
    assert rows(case, sim.now) == [
        ("negative-feedback", "2026-02-14 22:40", "2026-02-14 22:00", "met"),
        ("false-report-up", "2026-02-14 22:40", "2026-02-15 08:30", "late"),
    ]
    up = next(o for o in case.obligations if o.id == "false-report-up")
    assert up.status(cst(2026, 2, 14, 22, 24)) == "pending"
    assert up.status(cst(2026, 2, 14, 22, 25)) == "due_soon"
    assert up.status(cst(2026, 2, 14, 22, 41)) == "breached"
