"""The university-informants preset (RULES S10): the key values it encodes, and its worked scenario.
The scenario: an informant's dual report of a dormitory-network complaint on the eve of National Day
2025, whose 12-hour feedback falls on the holiday and comes late; and a general opinion escalated to
"较大" that the unit cannot handle; and a news lead over National Day submitted on the first
working day after it."""

from __future__ import annotations

import yuqing_core as yq
from tests.helpers import D, cst, fmt, keys, ob, rows, run, state_path

CASE_A = "YQ-2025-0930-10"
CASE_B = "YQ-2025-1011-11"
CASE_C = "YQ-2025-0930-12"


# -- what it encodes: the key values of its source, by hand from RULES.md and the seeds ------


def test_university_informants_s10() -> None:
    p = yq.presets.load("university-informants")
    assert [str(s) for s in p.severities] == ["general", "significant"]
    feedback = ob(p, "general-feedback")
    assert (feedback.kind, feedback.role, feedback.within, keys(feedback.levels)) == (
        "feedback",
        "publicity_dept",
        D("12h"),
        ("general",),
    )
    # The opinion reports (not the news submission, which only a news lead owes).
    dual = {
        o.role
        for o in p.spec.obligations
        if o.kind == "report" and not o.levels and not o.any_flags
    }
    assert dual == {"publicity_dept", "unit_head"}
    up = ob(p, "significant-report")
    # Changed on purpose (issue 14): 学校党委或党委宣传部, either meets it (it was the party
    # committee alone).
    assert (up.role, up.within, keys(up.levels)) == (
        ("party_committee", "publicity_dept"),
        D("now"),
        ("significant",),
    )
    # R10.2: news within 1 working day, by the correspondent, for a news lead only; no opinion
    # duty is owed for a news lead.
    news = ob(p, "news-submission")
    assert (news.role, news.by, news.within, news.any_flags) == (
        "news_office",
        "news_correspondent",
        D("1wd"),
        ("news",),
    )
    assert all(o.no_flags == ("news",) for o in p.spec.obligations if o.rule == "R10.3")


# -- its worked scenario ------------------------------------------------------------------


def test_dormitory_network_complaint_whole_life() -> None:
    sim = run("university-informants")
    assert sim.now is not None
    case = sim.cases[CASE_A]
    assert state_path(case) == [
        ("open", "registered"),
        ("report", "reported"),
        ("start", "handling"),
        ("respond", "responded"),
        ("report", "responded"),
        ("track", "tracking"),
        ("archive", "archived"),
    ]
    assert case.state == "archived"
    assert case.severity == yq.Severity.GENERAL  # no automatic grading: the lowest level
    # Found Tue 30 Sep 2025 20:10.
    # R10.3 "第一时间上报党委宣传部和所在单位负责人": two duties (dual report), immediate, grace
    # 1 h from discovery (P5) -> 21:10; one report naming both roles met both at 20:40.
    # R10.3 "12小时内反馈": 12 elapsed hours from discovery -> Wed 1 Oct 08:10, National Day:
    # hours are not moved off rest days (preset reading); fed back 10:30, late.
    assert rows(case, sim.now) == [
        ("abnormal-report-publicity", "2025-09-30 21:10", "2025-09-30 20:40", "met"),
        ("abnormal-report-unit-head", "2025-09-30 21:10", "2025-09-30 20:40", "met"),
        ("general-feedback", "2025-10-01 08:10", "2025-10-01 10:30", "late"),
    ]
    met_by = {o.id: o.met_by for o in case.obligations}
    assert met_by == {
        "abnormal-report-publicity": 2,
        "abnormal-report-unit-head": 2,
        "general-feedback": 5,  # the report with kind = feedback, not the first-time report
    }


def test_feedback_warns_then_breaches_on_the_holiday_morning() -> None:
    sim = run("university-informants")
    case = sim.cases[CASE_A]
    feedback = next(o for o in case.obligations if o.id == "general-feedback")
    # 30 Sep 20:10 -> 1 Oct 08:10; 75% of the 12 h has passed at 1 Oct 05:10.
    assert feedback.status(cst(2025, 10, 1, 5, 9)) == "pending"
    assert feedback.status(cst(2025, 10, 1, 5, 10)) == "due_soon"
    assert feedback.status(cst(2025, 10, 1, 8, 11)) == "breached"
    assert feedback.status(cst(2025, 10, 1, 10, 30)) == "late"


def test_general_opinion_escalated_to_significant() -> None:
    sim = run("university-informants")
    assert sim.now is not None
    case = sim.cases[CASE_B]
    assert state_path(case) == [
        ("open", "registered"),
        ("report", "reported"),
        ("start", "handling"),
        ("escalate", "handling"),
        ("report", "handling"),
        ("report", "handling"),
    ]
    assert case.severity == yq.Severity.SIGNIFICANT
    # Found Sat 11 Oct 2025 09:00 (a make-up working day; nothing here counts days).
    # R10.3 dual report: grace 1 h -> 10:00, met 09:30.
    # R10.3 12-hour feedback: 21:00; it keeps that instant after the escalation (P7), fed back
    # 20:30 after consulting the party committee.
    # R10.3 "较大舆情……第一时间上报学校党委": owed from the escalation at 14:00 (P7), grace 1 h
    # -> 15:00; reported 15:20, late.
    assert rows(case, sim.now) == [
        ("abnormal-report-publicity", "2025-10-11 10:00", "2025-10-11 09:30", "met"),
        ("abnormal-report-unit-head", "2025-10-11 10:00", "2025-10-11 09:30", "met"),
        ("general-feedback", "2025-10-11 21:00", "2025-10-11 20:30", "met"),
        ("significant-report", "2025-10-11 15:00", "2025-10-11 15:20", "late"),
    ]
    up = next(o for o in case.obligations if o.id == "significant-report")
    assert up.status(cst(2025, 10, 11, 14, 44)) == "pending"
    assert up.status(cst(2025, 10, 11, 14, 45)) == "due_soon"
    assert up.status(cst(2025, 10, 11, 15, 1)) == "breached"
    assert sim.breaches() == []


def test_news_lead_submitted_on_the_first_working_day_after_national_day() -> None:
    sim = run("university-informants")
    assert sim.now is not None
    case = sim.cases[CASE_C]
    assert state_path(case) == [("open", "registered"), ("report", "reported")]
    # R10.2 "新闻消息从发生到报送原则上不得超过1个工作日": happened Tue 30 Sep 2025 16:00; one
    # working day counted from the next day: 1-8 Oct are National Day rest days (Sat 11 Oct
    # is the make-up day, after it), so the working day is Thu 9 Oct, ending 24:00 ->
    # 2025-10-10 00:00. Submitted 9 Oct 15:00: met. No opinion duty for a news lead.
    assert rows(case, sim.now) == [
        ("news-submission", "2025-10-10 00:00", "2025-10-09 15:00", "met"),
    ]
    news = case.obligations[0]
    assert news.status(cst(2025, 10, 10, 0, 1)) == "met"
    unsent = yq.Case.replay(case.policy, case.events[:1])
    assert unsent.obligations[0].status(cst(2025, 10, 10, 0, 0)) != "breached"
    assert unsent.obligations[0].status(cst(2025, 10, 10, 0, 1)) == "breached"


def test_either_the_party_committee_or_the_publicity_department_meets_the_larger_report() -> None:
    sim = run("university-informants")
    case = sim.cases[CASE_B]
    # Replayed up to the escalation (Sat 11 Oct 2025 14:00), then reported to the publicity
    # department alone at 14:30: within the grace (-> 15:00), met.
    escalated = yq.Case.replay(case.policy, case.events[:4])
    assert escalated.severity == yq.Severity.SIGNIFICANT
    escalated.fire("report", at=cst(2025, 10, 11, 14, 30), actor="研究生院", role="publicity_dept")
    up = next(o for o in escalated.obligations if o.id == "significant-report")
    assert (fmt(up.due_at), fmt(up.met_at), up.status(cst(2025, 10, 11, 16, 0))) == (
        "2025-10-11 15:00",
        "2025-10-11 14:30",
        "met",
    )
    # The dual report at 09:30, before the escalation, did not meet it (P7).
    before = yq.Case.replay(case.policy, case.events[:4])
    up = next(o for o in before.obligations if o.id == "significant-report")
    assert up.met_at is None
