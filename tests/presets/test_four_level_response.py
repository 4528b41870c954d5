"""The four-level-response preset (RULES S9): the key values it encodes, and its worked scenario.
The scenario: a mass incident judged "重大或较大" on the eve of Spring Festival 2026, watched every
24 hours through the holiday, downgraded with a reason and archived after the review every level
needs; and a false report that reached the leading group late."""

from __future__ import annotations

from typing import Any

import pytest

import yuqing_core as yq
from tests.helpers import D, cst, fmt, ob, rows, run, state_path
from yuqing_core.accountability import case_spans, duty_accountability
from yuqing_core.rules.roster import fulfil, roster

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
    # R9.5 (seed 四(三)1) "虚假不实报道……及时上报": immediate, grace 1 h from discovery ->
    # 22:40. The leading group only heard next morning, Sun 15 Feb 08:30: late.
    # Changed on purpose (issue 14): the feedback of seed 四(一)1 is owed only for an opinion
    # adverse to social stability or a *major* false one; a minor false report owes none (the
    # section was still told at 22:00).
    assert rows(case, sim.now) == [
        ("false-report-up", "2026-02-14 22:40", "2026-02-15 08:30", "late"),
    ]
    up = next(o for o in case.obligations if o.id == "false-report-up")
    assert up.status(cst(2026, 2, 14, 22, 24)) == "pending"
    assert up.status(cst(2026, 2, 14, 22, 25)) == "due_soon"
    assert up.status(cst(2026, 2, 14, 22, 41)) == "breached"


# -- the issue-14 fixes: lead units, the scope of negative feedback, daily monitoring ----------

POLICY = yq.presets.load("four-level-response")


def _opened(case_id: str, *, at: Any, **incident: Any) -> yq.Case:
    inc = yq.Incident(id=case_id, title="测试舆情", discovered_at=at, **incident)
    return POLICY.open_case(inc, at=at, actor="值班监测员")


@pytest.mark.parametrize(
    ("severity", "unit"),
    [
        ("critical", "leading_group"),  # R9.1 特别重大: 应急领导小组具体负责
        ("major", "info_section"),  # R9.2 重大或较大: 信息股会同相关股室
        ("significant", "info_section"),  # 较大 is accepted and lands on 重大或较大
        ("general", "office"),  # R9.3 一般: 小组办公室会同相关股室
        ("low", "handling_unit"),  # R9.4 影响较小: 相关股室
    ],
)
def test_assign_goes_to_the_lead_unit_of_the_level(severity: str, unit: str) -> None:
    found = cst(2026, 9, 30, 17, 0)
    case = _opened("YQ-LEAD", at=found)
    case.fire("assess", at=cst(2026, 9, 30, 17, 10), actor="办公室", severity=severity)
    case.fire("report", at=cst(2026, 9, 30, 17, 20), actor="办公室", role="leading_group")
    case.fire("assign", at=cst(2026, 9, 30, 17, 30), actor="领导小组")
    assert case.unit == unit


def test_significant_is_accepted_as_major_or_significant() -> None:
    case = _opened("YQ-SIG", at=cst(2026, 9, 30, 17, 0))
    case.fire("assess", at=cst(2026, 9, 30, 17, 10), actor="办公室", severity="significant")
    assert case.severity is yq.Severity.MAJOR
    assert [lv.label for lv in POLICY.spec.levels if lv.severity is case.severity] == ["重大或较大"]


def test_negative_feedback_only_for_destabilizing_or_major_false_opinion() -> None:
    found = cst(2026, 9, 30, 17, 0)
    # An ordinary general opinion owes no feedback (it used to owe it, issue 14).
    plain = _opened("YQ-PLAIN", at=found)
    assert [o.id for o in plain.obligations] == []
    # Adverse to social stability (a human judgement, flag destabilizing): immediate, grace
    # 1 h -> 18:00.
    unstable = _opened("YQ-UNSTABLE", at=found, flags=["destabilizing"])
    assert [(o.id, fmt(o.due_at)) for o in unstable.obligations] == [
        ("negative-feedback", "2026-09-30 18:00")
    ]
    # A false opinion at the lowest level owes only the report up; judged 重大或较大 at 17:30
    # it owes the feedback from then (P7): 18:30.
    false = _opened("YQ-FALSE", at=found, category="fabrication")
    assert [o.id for o in false.obligations] == ["false-report-up"]
    false.fire("assess", at=cst(2026, 9, 30, 17, 30), actor="办公室", severity="major")
    assert [(o.id, fmt(o.due_at)) for o in false.obligations] == [
        ("false-report-up", "2026-09-30 18:00"),
        ("negative-feedback-false", "2026-09-30 18:30"),
    ]


def test_daily_monitoring_every_day_through_spring_festival_and_missed_days_are_counted() -> None:
    # R9.5 日常监测不间断进行: every day before 24:00 (23:59), rest days kept: Sat 14 Feb 2026
    # (a make-up working day), Sun 15 and Mon 16 Feb (Spring Festival rest, 15-23 Feb).
    done = [
        fulfil(POLICY, "daily-monitoring", at=cst(2026, 2, 14, 22, 0), actor="办公室"),
        fulfil(
            POLICY,
            "daily-monitoring",
            at=cst(2026, 2, 17, 9, 0),
            actor="办公室",
            due_at=cst(2026, 2, 16, 23, 59),
        ),
    ]
    listed = roster(POLICY, cst(2026, 2, 14), cst(2026, 2, 17), done)
    now = cst(2026, 2, 18)
    assert [(i.duty_id, fmt(i.due_at), i.role, i.status(now)) for i in listed] == [
        ("daily-monitoring", "2026-02-14 23:59", "office", "met"),
        ("daily-monitoring", "2026-02-15 23:59", "office", "missed"),
        ("daily-monitoring", "2026-02-16 23:59", "office", "late"),
    ]
    # X2: accountability charges the office with the missed day and the late one.
    [row] = duty_accountability(POLICY, cst(2026, 2, 14), cst(2026, 2, 17), done, now=now)
    assert (row.role, row.missed, row.late) == ("office", 1, 1)
    assert [(i.obligation_id, fmt(i.due_at), i.outcome) for i in row.items] == [
        ("daily-monitoring", "2026-02-15 23:59", "missed"),
        ("daily-monitoring", "2026-02-16 23:59", "late"),
    ]


def test_mass_incident_watch_duty_while_the_case_is_open() -> None:
    # R9.5 24 小时不间断监控: a watch handed over at 08:00 each day while the mass incident of
    # the scenario is open (opened Fri 13 Feb 2026 18:30, archived Tue 24 Feb 11:00): 14-24 Feb,
    # the Spring Festival rest days included.
    sim = run("four-level-response")
    spans = case_spans([sim.cases[CASE_A]])
    listed = roster(POLICY, cst(2026, 2, 13), cst(2026, 2, 26), cases=spans)
    watch = [fmt(i.due_at) for i in listed if i.duty_id == "mass-incident-watch-duty"]
    assert watch == [f"2026-02-{d:02d} 08:00" for d in range(14, 25)]
    # Not one was recorded: eleven missed watches charged to the leading group.
    rows_ = duty_accountability(
        POLICY, cst(2026, 2, 13), cst(2026, 2, 26), [], now=cst(2026, 2, 26), cases=spans
    )
    watch_row = next(r for r in rows_ if r.role == "leading_group")
    assert (watch_row.missed, watch_row.late) == (11, 0)
