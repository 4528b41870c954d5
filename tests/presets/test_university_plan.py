"""The university-plan preset (RULES S2): the key values it encodes, and its worked scenario. The
scenario: a major opinion reported level by level and by dual reporting, with 24-hourly follow-up
reports (续报) over National Day until it calmed, a written review before archiving, and an inquiry
answered the day it was found."""

from __future__ import annotations

from typing import Any

import pytest

import yuqing_core as yq
from tests.helpers import D, as_of, keys, ob, rows, run, state_path
from tests.helpers import cst as t  # the instants of the worked timeline, written short

# -- what it encodes: the key values of its source, by hand from RULES.md and the seeds ------


def wf_order(p: yq.Policy) -> tuple[Any, ...]:
    return tuple(p.spec.workflow.order)


def test_university_plan_s2_dual_and_level_by_level_reporting() -> None:
    p = yq.presets.load("university-plan")
    dual = [o for o in p.spec.obligations if o.kind == "report" and o.after is None]
    assert {o.role for o in dual} == {"office", "leader_in_charge"}
    assert {(o.anchor, o.within, keys(o.levels)) for o in dual} == {
        ("discovered", D("now"), ("major",))
    }
    up = ob(p, "major-report-principal")
    assert (up.role, up.after, up.within) == ("principal_leader", "major-report-office", D("now"))
    follow = ob(p, "major-follow-up")
    assert (follow.kind, follow.within, follow.every, follow.until) == (
        "follow_up",
        D("24h"),
        D("24h"),
        "stabilized",
    )
    first, result = ob(p, "inquiry-opinion"), ob(p, "inquiry-reply")
    assert (first.kind, first.within, first.anchor) == (
        "initial_response",
        D("same_day"),
        "discovered",
    )
    # Changed on purpose (issue 14): the result reply runs from the day handling ends
    # (conclude, its latest firing), no longer from the first drafted answer.
    assert (result.kind, result.within, result.anchor) == ("reply", D("same_day"), "conclude")
    assert result.anchor_firing == "latest"
    # The office reports to 主管领导 and 主要领导, both from its receipt, as the sender.
    for ident, role in (
        ("major-report-supervisor", "supervising_leader"),
        ("major-report-principal", "principal_leader"),
    ):
        o = ob(p, ident)
        assert (o.role, o.by, o.after, o.within) == (
            role,
            "office",
            "major-report-office",
            D("now"),
        )
    plan, voice = ob(p, "major-plan-start"), ob(p, "major-spokesperson")
    assert (plan.label, plan.after, plan.within, [str(m) for m in plan.met_by]) == (
        "启动应急预案",
        "major-report-office",
        D("now"),
        ["start"],
    )
    assert (voice.role, voice.within, [(m.trigger, m.by) for m in voice.met_by]) == (
        "spokesperson",
        None,
        [("respond", ("spokesperson",))],
    )
    # A fabrication (class 4) is not archived before its referral.
    assert [(o.trigger, o.triggers, o.any_categories) for o in wf_order(p)] == [
        ("archive", ("refer",), (yq.Category.FABRICATION,))
    ]
    assert first.any_categories == result.any_categories == (yq.Category.INQUIRY,)
    wf = p.spec.workflow
    assert wf.reply_approval_required
    assert wf.review_report_required
    assert wf.review_required_from is yq.Severity.GENERAL


# -- its worked scenario ------------------------------------------------------------------


def test_no_breach_and_no_bad_line() -> None:
    sim = run("university-plan")
    assert sim.errors == []
    assert sim.now == t(2026, 2, 15, 9)
    assert sorted(sim.cases) == ["YQ-2025-0930-01", "YQ-2026-0214-02"]
    assert sim.breaches() == []


def test_yq_2025_0930_01_whole_life() -> None:
    sim = run("university-plan")
    assert sim.now is not None
    case = sim.cases["YQ-2025-0930-01"]
    assert state_path(case) == [
        ("open", "registered"),
        ("report", "reported"),
        ("report", "reported"),
        ("assign", "assigned"),
        ("start", "handling"),
        ("draft_reply", "reply_drafted"),
        ("approve_reply", "reply_approved"),
        ("respond", "responded"),
        ("follow_up", "responded"),
        ("track", "tracking"),
        ("follow_up", "tracking"),
        ("stabilize", "stabilized"),
        ("review", "reviewed"),
        ("archive", "archived"),
    ]
    assert case.state == "archived"
    assert case.severity is yq.Severity.MAJOR
    assert case.unit == "保卫处"
    # Major by the security office's judgement (P8; the preset has no automatic rule).
    # Found Tue 30 Sep 2025 21:30.
    # R2.2 双重报告 "及时" = now, grace 1 h (P5), from discovery: office and leader in
    # charge both due 22:30; one report naming both roles at 21:55 meets both.
    # R2.2 逐级报告: the office reports to the principal leader within 1 h of receiving the
    # report (after = major-report-office, met 21:55) -> 22:55; one report at 22:20 names
    # both 主管领导 and 主要领导 and meets both; the plan started (start) 22:40, due 22:55 too.
    # R2.2 新闻发言人: no time limit, owed before archiving; the spokesperson's statement
    # Wed 1 Oct 09:30 meets it.
    # R2.2 续报 "至少每 24 小时": the first from the office's receipt 21:55 + 24 h -> Wed 1 Oct
    # 21:55 (a National Day rest day; elapsed hours are not moved), met Wed 20:00;
    # the next from that follow-up + 24 h -> Thu 2 Oct 20:00, sent 22:15: late.
    # The third (from Thu 22:15, due Fri 3 Oct 22:15) ends unmet but in time when the
    # opinion calms (stabilize Fri 17:00, until = "stabilized"), so it is not listed.
    assert rows(case, sim.now) == [
        ("major-report-office", "2025-09-30 22:30", "2025-09-30 21:55", "met"),
        ("major-report-leader", "2025-09-30 22:30", "2025-09-30 21:55", "met"),
        ("major-spokesperson", "9999-12-31 08:00", "2025-10-01 09:30", "met"),
        ("major-report-supervisor", "2025-09-30 22:55", "2025-09-30 22:20", "met"),
        ("major-report-principal", "2025-09-30 22:55", "2025-09-30 22:20", "met"),
        ("major-plan-start", "2025-09-30 22:55", "2025-09-30 22:40", "met"),
        ("major-follow-up", "2025-10-01 21:55", "2025-10-01 20:00", "met"),
        ("major-follow-up#2", "2025-10-02 20:00", "2025-10-02 22:15", "late"),
    ]
    assert not case.obligations[2].timed  # the spokesperson's step has no due instant
    assert [(o.kind, o.role) for o in case.obligations] == [
        ("report", "office"),
        ("report", "leader_in_charge"),
        ("initial_response", "spokesperson"),
        ("report", "supervising_leader"),
        ("report", "principal_leader"),
        ("notify", "leading_group"),
        ("follow_up", "office"),
        ("follow_up", "office"),
    ]
    assert {o.rule for o in case.obligations} == {"R2.2"}


def test_yq_2025_0930_01_mid_life() -> None:
    case = run("university-plan").cases["YQ-2025-0930-01"]
    # 22:00 on the night: dual report done; the office's report upward runs (due 22:55);
    # the follow-up clock started at the office's receipt, 21:55.
    night = as_of(case, t(2025, 9, 30, 22))
    assert night.state == "reported"
    assert rows(night, t(2025, 9, 30, 22)) == [
        ("major-report-office", "2025-09-30 22:30", "2025-09-30 21:55", "met"),
        ("major-report-leader", "2025-09-30 22:30", "2025-09-30 21:55", "met"),
        ("major-spokesperson", "9999-12-31 08:00", None, "pending"),
        ("major-report-supervisor", "2025-09-30 22:55", None, "pending"),
        ("major-report-principal", "2025-09-30 22:55", None, "pending"),
        ("major-plan-start", "2025-09-30 22:55", None, "pending"),
        ("major-follow-up", "2025-10-01 21:55", None, "pending"),
    ]
    # Thu 2 Oct 19:00: the second follow-up (anchored Wed 20:00) is past 3/4 of its 24 h
    # (from Thu 14:00): due soon; at 21:00, still unsent, it is breached.
    holiday = as_of(case, t(2025, 10, 2, 21))
    assert rows(holiday, t(2025, 10, 2, 19))[-1] == (
        "major-follow-up#2",
        "2025-10-02 20:00",
        None,
        "due_soon",
    )
    assert rows(holiday, t(2025, 10, 2, 21))[-1] == (
        "major-follow-up#2",
        "2025-10-02 20:00",
        None,
        "breached",
    )


def test_yq_2025_0930_01_guards() -> None:
    case = run("university-plan").cases["YQ-2025-0930-01"]
    # No public reply before the office approved it (统一回复, reply_approval_required).
    drafted = as_of(case, t(2025, 10, 1, 8, 30))
    with pytest.raises(yq.TransitionError, match="approved"):
        drafted.fire("respond", at=t(2025, 10, 1, 9), actor="新闻发言人")
    # Calmed but not reviewed: a major case cannot be archived, and the review needs the
    # written report (书面报告, R2.4).
    calm = as_of(case, t(2025, 10, 3, 17))
    assert calm.state == "stabilized"
    with pytest.raises(yq.TransitionError, match="review"):
        calm.fire("archive", at=t(2025, 10, 9, 9), actor="领导小组办公室")
    with pytest.raises(yq.TransitionError, match="report"):
        calm.fire("review", at=t(2025, 10, 9, 9), actor="保卫处")
    assert calm.state == "stabilized"


def test_yq_2026_0214_02_inquiry_answered_the_same_day() -> None:
    sim = run("university-plan")
    assert sim.now is not None
    case = sim.cases["YQ-2026-0214-02"]
    assert state_path(case) == [
        ("open", "registered"),
        ("assign", "assigned"),
        ("draft_reply", "reply_drafted"),
        ("approve_reply", "reply_approved"),
        ("respond", "responded"),
        # Handling ends (办结) at 21:02, when the pipe is repaired.
        ("conclude", "responded"),
        # The result is a new text: drafted and approved again before it goes out (R2.3
        # 统一回复; a published reply uses up its approval).
        ("reopen", "handling"),
        ("draft_reply", "reply_drafted"),
        ("approve_reply", "reply_approved"),
        ("respond", "responded"),
    ]
    assert case.severity is yq.Severity.GENERAL
    # Found Sat 14 Feb 2026 15:40 (a Spring Festival make-up working day; "当日" is a
    # calendar day either way, and the preset has no business close).
    # R2.3 "在发现舆情当日提出处理意见": same_day from discovery -> 24:00 Sat 14 Feb
    # = Sun 15 Feb 00:00; the approved handling opinion went out 17:30: met.
    # R2.3 "在办结之日回复处理结果": same_day from the day handling ends (conclude 21:02)
    # -> Sun 15 Feb 00:00; the result 21:40: met.
    assert rows(case, sim.now) == [
        ("inquiry-opinion", "2026-02-15 00:00", "2026-02-14 17:30", "met"),
        ("inquiry-reply", "2026-02-15 00:00", "2026-02-14 21:40", "met"),
    ]
    assert [(o.kind, o.rule) for o in case.obligations] == [
        ("initial_response", "R2.3"),
        ("reply", "R2.3"),
    ]


def test_yq_2026_0214_02_mid_life() -> None:
    case = run("university-plan").cases["YQ-2026-0214-02"]
    # 16:00: only the same-day opinion is owed (the reply clock waits for conclude).
    assert rows(as_of(case, t(2026, 2, 14, 16)), t(2026, 2, 14, 16)) == [
        ("inquiry-opinion", "2026-02-15 00:00", None, "pending"),
    ]
    # 21:00: handling has not ended, so the result reply is not owed yet (changed on purpose:
    # it no longer runs from the first drafted answer, 16:50).
    assert rows(as_of(case, t(2026, 2, 14, 21)), t(2026, 2, 14, 21)) == [
        ("inquiry-opinion", "2026-02-15 00:00", "2026-02-14 17:30", "met"),
    ]
    # 21:02, handling ends: the reply (anchor 21:02, 2 h 58 min span) is pending until 3/4
    # of it, 23:15:30, then due soon.
    evening = as_of(case, t(2026, 2, 14, 21, 2))
    assert rows(evening, t(2026, 2, 14, 21, 2)) == [
        ("inquiry-opinion", "2026-02-15 00:00", "2026-02-14 17:30", "met"),
        ("inquiry-reply", "2026-02-15 00:00", None, "pending"),
    ]
    assert rows(evening, t(2026, 2, 14, 23, 15))[1][3] == "pending"
    assert rows(evening, t(2026, 2, 14, 23, 16))[1][3] == "due_soon"


def inquiry(case_id: str, title: str) -> yq.Case:
    """An inquiry (咨询类, R2.3) found Thu 9 Oct 2025 10:00 and registered at 10:10."""
    policy = yq.presets.load("university-plan")
    inc = yq.Incident(
        id=case_id, title=title, discovered_at=t(2025, 10, 9, 10), category=yq.Category.INQUIRY
    )
    return policy.open_case(inc, at=t(2025, 10, 9, 10, 10), actor="网评员")


def test_inquiry_result_reply_is_due_the_day_handling_ends() -> None:
    case = inquiry("YQ-X-1", "学生询问补考安排")
    # Day 1 (Thu 9 Oct): the handling opinion, drafted and approved (reply_approval_required).
    case.fire("draft_reply", at=t(2025, 10, 9, 15), actor="教务处")
    case.fire("approve_reply", at=t(2025, 10, 9, 16), actor="领导小组办公室")
    case.fire("respond", at=t(2025, 10, 9, 16, 30), actor="教务处", kind="initial_response")
    # Handling ends Sat 11 Oct (a make-up working day): concluded (办结), then the result
    # drafted, approved, replied.
    case.fire("conclude", at=t(2025, 10, 11, 8, 30), actor="教务处")
    case.fire("reopen", at=t(2025, 10, 11, 9), actor="教务处")
    case.fire("draft_reply", at=t(2025, 10, 11, 10), actor="教务处")
    case.fire("approve_reply", at=t(2025, 10, 11, 11), actor="领导小组办公室")
    case.fire("respond", at=t(2025, 10, 11, 12), actor="教务处", kind="reply")
    # R2.3 "在办结之日回复处理结果": the day handling ends (conclude, Sat 11 Oct) -> 24:00
    # Sat 11 Oct = Sun 12 Oct 00:00; replied 12:00 that day: met. (Anchored at the first
    # draft_reply, as before, it would have been Fri 10 Oct 00:00, and late.)
    assert rows(case, t(2025, 10, 11, 13))[1] == (
        "inquiry-reply",
        "2025-10-12 00:00",
        "2025-10-11 12:00",
        "met",
    )


def test_immediate_reply_meets_both_inquiry_duties() -> None:
    case = inquiry("YQ-X-2", "学生询问校车时刻")
    case.fire("draft_reply", at=t(2025, 10, 9, 10, 30), actor="后勤保障处")
    case.fire("approve_reply", at=t(2025, 10, 9, 10, 50), actor="领导小组办公室")
    case.fire("conclude", at=t(2025, 10, 9, 10, 55), actor="后勤保障处")  # handled at once
    # R2.3 "能当即回复的要当即回复": one approved reply at 11:00 both answers the same day
    # and carries the result; named as both kinds, it meets both duties (due Fri 10 Oct 00:00).
    case.fire(
        "respond",
        at=t(2025, 10, 9, 11),
        actor="后勤保障处",
        kinds=["initial_response", "reply"],
    )
    assert [r[3] for r in rows(case, t(2025, 10, 10, 1))] == ["met", "met"]


def test_an_unnamed_reply_meets_only_the_earliest_duty() -> None:
    case = inquiry("YQ-X-3", "学生询问校车时刻")
    case.fire("draft_reply", at=t(2025, 10, 9, 10, 30), actor="后勤保障处")
    case.fire("approve_reply", at=t(2025, 10, 9, 10, 50), actor="领导小组办公室")
    case.fire("conclude", at=t(2025, 10, 9, 10, 55), actor="后勤保障处")
    with pytest.raises(yq.TransitionError, match="kind or kinds"):
        case.fire("respond", at=t(2025, 10, 9, 11), actor="u", kind="reply", kinds=["reply"])
    case.fire("respond", at=t(2025, 10, 9, 11), actor="后勤保障处")
    # Both are due Fri 10 Oct 00:00; the opinion comes first in the policy, so it is the one
    # met, and the result reply is still owed.
    assert rows(case, t(2025, 10, 9, 12)) == [
        ("inquiry-opinion", "2025-10-10 00:00", "2025-10-09 11:00", "met"),
        ("inquiry-reply", "2025-10-10 00:00", None, "pending"),
    ]


def test_a_fabrication_is_not_archived_before_its_referral() -> None:
    # R2.3 class 4 (捏造、歪曲): clarify, refer to discipline or law enforcement, and only then
    # archive ([[workflow.order]] on archive, matched by category). Found Wed 30 Sep 2026
    # 17:00, on the eve of National Day 2026 (1-7 Oct off); worked through the holiday.
    policy = yq.presets.load("university-plan")
    found = t(2026, 9, 30, 17)
    inc = yq.Incident(
        id="YQ-F-1",
        title="网传我校招生录取造假",
        discovered_at=found,
        category=yq.Category.FABRICATION,
    )
    case = policy.open_case(inc, at=found, actor="网评员")
    case.fire("assign", at=t(2026, 9, 30, 17, 30), actor="领导小组办公室", unit="招生办")
    case.fire("draft_reply", at=t(2026, 10, 1, 9), actor="招生办", text="澄清说明")
    case.fire("approve_reply", at=t(2026, 10, 1, 10), actor="领导小组办公室")
    case.fire("respond", at=t(2026, 10, 1, 11), actor="招生办", text="关于网传录取造假的澄清")
    case.fire("track", at=t(2026, 10, 2, 9), actor="学生工作部", tracker="舆情专员")
    case.fire("stabilize", at=t(2026, 10, 6, 9), actor="领导小组办公室")
    case.fire("review", at=t(2026, 10, 8, 9), actor="招生办", report="书面总结报告")
    with pytest.raises(yq.TransitionError) as refused:
        case.fire("archive", at=t(2026, 10, 8, 10), actor="领导小组办公室")
    assert str(refused.value).startswith("archive: 'refer' must come first（R2.3） (allowed now")
    assert case.state == "reviewed"
    case.fire("refer", at=t(2026, 10, 8, 11), actor="领导小组办公室", reason="涉嫌造谣")
    case.fire("archive", at=t(2026, 10, 8, 12), actor="领导小组办公室")
    assert case.state == "archived"
    # An inquiry owes no referral: the guard matches the category only.
    other = inquiry("YQ-X-4", "学生询问补考安排")
    other.fire("dismiss", at=t(2025, 10, 9, 11), actor="领导小组办公室", reason="重复信息")
    assert other.state == "dismissed"
