"""The gov-response preset (RULES S1): the key values it encodes, and its worked scenario. The
scenario: the 48-hour and 24-hour response periods are elapsed hours that National Day and Spring
Festival do not postpone, and a flag ``major_emergency`` raises a case to major with the earlier
deadline kept (P6, P7)."""

from __future__ import annotations

from datetime import datetime

import pytest

import yuqing_core as yq
from tests.helpers import D, as_of, fmt, keys, ob, rows, rule, run, state_path
from tests.helpers import cst as t  # the instants of the worked timeline, written short

# -- what it encodes: the key values of its source, by hand from RULES.md and the seeds ------


def test_gov_response_s1() -> None:
    p = yq.presets.load("gov-response")
    assert [str(s) for s in p.severities] == ["general", "major"]
    assert rule(p, "s1-major-emergency").any_flags == ("major_emergency",)
    assert rule(p, "s1-major-emergency").level is yq.Severity.MAJOR
    major, general = ob(p, "major-response"), ob(p, "general-response")
    assert (major.kind, major.within, keys(major.levels)) == (
        "initial_response",
        D("24h"),
        ("major",),
    )
    assert (general.kind, general.within, keys(general.levels)) == (
        "initial_response",
        D("48h"),
        ("general",),
    )
    report = ob(p, "major-report-publicity")
    assert (report.kind, report.role, report.within) == (
        "report",
        "district_publicity_dept",
        D("now"),
    )
    assert p.spec.timing.immediate_grace == D("1h")
    assert p.has_role("district_publicity_dept")
    assert p.spec.workflow.stages.index("reported") < p.spec.workflow.stages.index("handling")
    # R1.4 the report comes before transfer and handling; R1.3 follow-ups every 24 h.
    assert [(o.trigger, o.obligations, o.rule) for o in p.spec.workflow.order] == [
        ("assign", ("major-report-publicity",), "R1.4"),
        ("start", ("major-report-publicity",), "R1.4"),
    ]
    follow = ob(p, "follow-up-release")
    assert (follow.kind, follow.anchor, follow.within, follow.every, follow.until) == (
        "follow_up",
        "respond",
        D("24h"),
        D("24h"),
        "tracking",
    )
    assert p.normalize_severity(yq.Severity.CRITICAL) is yq.Severity.MAJOR


# -- its worked scenario ------------------------------------------------------------------


def test_no_breach_and_no_bad_line() -> None:
    sim = run("gov-response")
    assert sim.errors == []
    assert sim.now == t(2026, 2, 18, 12)
    assert sorted(sim.cases) == ["YQ-2025-0930-01", "YQ-2026-0216-02"]
    assert sim.breaches() == []


def test_yq_2025_0930_01_whole_life_late_over_national_day() -> None:
    sim = run("gov-response")
    assert sim.now is not None
    case = sim.cases["YQ-2025-0930-01"]
    assert state_path(case) == [
        ("open", "registered"),
        ("assess", "assessed"),
        ("assign", "assigned"),
        ("start", "handling"),
        ("respond", "responded"),
        ("track", "tracking"),
        ("archive", "archived"),
    ]
    assert case.state == "archived"
    assert case.severity is yq.Severity.GENERAL
    assert case.unit == "区文化和旅游局"
    # R1.3 "其他政务舆情应在48小时内予以回应": an hour period, run from the stated moment
    # (P3), anchored at discovery (监测发现, the preset's reading) Tue 30 Sep 2025 15:20.
    # 48 h later is Thu 2 Oct 15:20. Thu 2 Oct lies in the National Day rest (1-8 Oct), but
    # only day and working-day periods move their last day off a rest day; hours do not.
    # The unit answered after the holiday, Thu 9 Oct 10:00: late.
    assert rows(case, sim.now) == [
        ("general-response", "2025-10-02 15:20", "2025-10-09 10:00", "late"),
    ]
    ob = case.obligations[0]
    assert (ob.kind, ob.role, ob.rule) == ("initial_response", "handling_unit", "R1.3")


def test_yq_2025_0930_01_mid_life() -> None:
    case = run("gov-response").cases["YQ-2025-0930-01"]
    # Wed 1 Oct 12:00: 20 h 40 min of 48 h have passed (less than the 3/4 share, 36 h).
    early = as_of(case, t(2025, 10, 1, 12))
    assert early.state == "handling"
    assert rows(early, t(2025, 10, 1, 12)) == [
        ("general-response", "2025-10-02 15:20", None, "pending"),
    ]
    # From Thu 2 Oct 03:20 (36 h after discovery) it is due soon; at 09:00 on the holiday it is.
    assert rows(early, t(2025, 10, 2, 9)) == [
        ("general-response", "2025-10-02 15:20", None, "due_soon"),
    ]
    # One minute after 15:20 it is breached; the response on 9 Oct turns it into "late".
    assert rows(as_of(case, t(2025, 10, 2, 15, 21)), t(2025, 10, 2, 15, 21)) == [
        ("general-response", "2025-10-02 15:20", None, "breached"),
    ]


def test_hours_are_not_days_over_national_day() -> None:
    cal = yq.presets.load("gov-response").calendar
    start = t(2025, 9, 30, 15, 20)
    # What the preset reads (48 elapsed hours) ...
    assert fmt(cal.due(start, "48h")) == "2025-10-02 15:20"
    # ... against the day-period reading it rejects: "2d" would end on Thu 2 Oct, a rest
    # day, so its last day moves to the first working day after the rest, Thu 9 Oct, and
    # ends at 24:00 -> Fri 10 Oct 00:00 (P3). The late response would then have been in time.
    assert fmt(cal.due(start, "2d")) == "2025-10-10 00:00"


def test_yq_2026_0216_02_auto_escalation_keeps_earlier_due() -> None:
    sim = run("gov-response")
    assert sim.now is not None
    case = sim.cases["YQ-2026-0216-02"]
    assert state_path(case) == [
        ("open", "registered"),
        ("update_metrics", "registered"),
        ("escalate", "registered"),
        ("report", "reported"),
        ("assign", "assigned"),
        ("start", "handling"),
        ("respond", "responded"),
        ("respond", "responded"),
        ("track", "tracking"),
    ]
    auto = case.events[2]
    assert auto.actor == "yuqing_core"
    assert auto.data["severity"] == "major"
    assert auto.data["auto"] is True
    assert case.severity is yq.Severity.MAJOR
    assert case.state == "tracking"
    # Opened as general on the evening of Mon 16 Feb 2026 (除夕, a Spring Festival rest day):
    # R1.3 48 h from discovery 22:30 -> Wed 18 Feb 22:30.
    # Tue 17 Feb 00:40 the flag major_emergency raises it to major on its own (R1.3 floor,
    # P6); the major duties are anchored at the escalation (P7):
    # - R1.3 24 h -> Wed 18 Feb 00:40; the running general response (same kind, same role)
    #   keeps the earlier of Wed 22:30 and Wed 00:40 -> Wed 18 Feb 00:40, met Tue 08:30.
    # - R1.4 report to the district publicity department "及时" = now, grace 1 h (P5)
    #   -> Tue 17 Feb 01:40, met 01:15.
    # The second respond (18:00, 续报) is a follow-up release; it owes nothing more.
    # - R1.3 follow-up releases while handling goes on: the first response (Tue 08:30)
    #   starts them, one due every 24 h -> Wed 18 Feb 08:30, met by the 18:00 release; the
    #   next (Wed 18:00) is not owed, because handling ended (track) Wed 09:00.
    assert rows(case, sim.now) == [
        ("general-response", "2026-02-18 00:40", "2026-02-17 08:30", "met"),
        ("major-report-publicity", "2026-02-17 01:40", "2026-02-17 01:15", "met"),
        ("follow-up-release", "2026-02-18 08:30", "2026-02-17 18:00", "met"),
    ]
    assert [o.rule for o in case.obligations] == ["R1.3", "R1.4", "R1.3"]
    assert case.obligations[1].role == "district_publicity_dept"


def test_yq_2026_0216_02_before_and_after_the_flag() -> None:
    case = run("gov-response").cases["YQ-2026-0216-02"]
    # Before the flag: a general opinion, 48 h from discovery 22:30 Mon 16 Feb.
    before = as_of(case, t(2026, 2, 17, 0, 30))
    assert before.severity is yq.Severity.GENERAL
    assert rows(before, t(2026, 2, 17, 0, 30)) == [
        ("general-response", "2026-02-18 22:30", None, "pending"),
    ]
    # Right after it (00:40): the due moved forward to 24 h from the escalation, and the
    # report to the district publicity department runs, 30 of its 60 minutes left at 01:10.
    after = as_of(case, t(2026, 2, 17, 0, 40))
    assert after.severity is yq.Severity.MAJOR
    assert rows(after, t(2026, 2, 17, 1, 10)) == [
        ("general-response", "2026-02-18 00:40", None, "pending"),
        ("major-report-publicity", "2026-02-17 01:40", None, "pending"),
    ]
    # At 01:30 (past 3/4 of the hour) the report would be due soon.
    assert rows(after, t(2026, 2, 17, 1, 30))[1][3] == "due_soon"


# -- the second edition: the report comes first, critical is the 24-hour class, follow-ups --


def _emergency(found: datetime) -> yq.Case:
    policy = yq.presets.load("gov-response")
    incident = yq.Incident(
        id="YQ-T",
        title="网传景区游客踩踏",
        discovered_at=found,
        flags=frozenset({"major_emergency"}),
    )
    return policy.open_case(incident, at=found, actor="值班员")


def test_assign_and_start_wait_for_the_report_to_the_publicity_department() -> None:
    # R1.4 "按程序及时上报区委宣传部后进行处置": a major case cannot be transferred (assign) or
    # handled (start) before the report; a general one goes ahead (the report is not owed).
    # Found Thu 2 Oct 2025 10:00, in the National Day rest: the report is due at once with
    # the 1 h grace (P5) -> 11:00; hours do not move off rest days.
    case = _emergency(t(2025, 10, 2, 10))
    assert case.severity is yq.Severity.MAJOR
    for trigger, data in (("assign", {"unit": "区应急管理局"}), ("start", {})):
        with pytest.raises(yq.TransitionError) as refused:
            case.fire(trigger, at=t(2025, 10, 2, 10, 20), actor="区政府办公室", **data)
        assert str(refused.value).startswith(
            f"{trigger}: major-report-publicity (to be met or waived) must come first（R1.4）"
        )
    assert [e.trigger for e in case.events] == ["open"]  # the refusals changed nothing
    case.fire("report", at=t(2025, 10, 2, 10, 40), actor="街道", role="district_publicity_dept")
    case.fire("assign", at=t(2025, 10, 2, 10, 50), actor="区政府办公室", unit="区应急管理局")
    case.fire("start", at=t(2025, 10, 2, 11), actor="区应急管理局")
    assert case.state == "handling"
    # R1.3 24 h from discovery -> Fri 3 Oct 10:00 (a rest day, kept: hours).
    assert rows(case, t(2025, 10, 2, 11)) == [
        ("major-report-publicity", "2025-10-02 11:00", "2025-10-02 10:40", "met"),
        ("major-response", "2025-10-03 10:00", None, "pending"),
    ]
    general = yq.presets.load("gov-response").open_case(
        yq.Incident(id="YQ-G", title="咨询", discovered_at=t(2025, 10, 2, 10)),
        at=t(2025, 10, 2, 10),
        actor="值班员",
    )
    general.fire("assign", at=t(2025, 10, 2, 10, 20), actor="区政府办公室", unit="区民政局")
    assert general.state == "assigned"


def test_a_human_critical_is_the_24_hour_class() -> None:
    # R1.3 puts 特别重大 and 重大 emergencies in one class; a person who judges a case
    # critical (特别重大) gets the policy's nearest level at or above, major: 24 h, not 48 h.
    # Found Sat 14 Feb 2026 20:00 (a make-up working day before Spring Festival): 48 h as
    # general -> Mon 16 Feb 20:00; judged critical at 21:00 -> major, the response anchored
    # at the judgement (P7) -> Sun 15 Feb 21:00, the earlier one kept.
    policy = yq.presets.load("gov-response")
    found = t(2026, 2, 14, 20)
    case = policy.open_case(
        yq.Incident(id="YQ-C", title="网传化工厂爆炸", discovered_at=found),
        at=found,
        actor="值班员",
    )
    case.fire(
        "assess", at=t(2026, 2, 14, 21), actor="研判组", severity="critical", reason="特别重大"
    )
    assert case.severity is yq.Severity.MAJOR
    assert rows(case, t(2026, 2, 14, 21)) == [
        ("general-response", "2026-02-15 21:00", None, "pending"),
        ("major-report-publicity", "2026-02-14 22:00", None, "pending"),
    ]


def test_follow_up_releases_while_handling_goes_on() -> None:
    # R1.3 "并根据事件处置进展动态发布权威信息": from the first response a release is due every
    # 24 h until handling ends (track). A general case found Tue 30 Sep 2025 09:00, answered
    # Tue 30 Sep 15:00: next release Wed 1 Oct 15:00 (National Day, hours are not moved),
    # given Wed 1 Oct 14:00; the next Thu 2 Oct 14:00 is missed (breached at 14:01); handling
    # ends Fri 3 Oct 09:00 and nothing more is owed.
    policy = yq.presets.load("gov-response")
    found = t(2025, 9, 30, 9)
    case = policy.open_case(
        yq.Incident(id="YQ-F", title="暴雨致道路积水", discovered_at=found),
        at=found,
        actor="值班员",
    )
    case.fire("assign", at=t(2025, 9, 30, 10), actor="区政府办公室", unit="区住建局")
    case.fire("start", at=t(2025, 9, 30, 10, 30), actor="区住建局")
    case.fire("respond", at=t(2025, 9, 30, 15), actor="区住建局", text="积水点已排查")
    case.fire("respond", at=t(2025, 10, 1, 14), actor="区住建局", text="续报：已恢复通行")
    assert rows(case, t(2025, 10, 2, 14, 1)) == [
        ("general-response", "2025-10-02 09:00", "2025-09-30 15:00", "met"),
        ("follow-up-release", "2025-10-01 15:00", "2025-10-01 14:00", "met"),
        ("follow-up-release#2", "2025-10-02 14:00", None, "breached"),
    ]
    case.fire("track", at=t(2025, 10, 3, 9), actor="区委宣传部", tracker="网评组")
    assert [r[0] for r in rows(case, t(2025, 10, 9, 9))] == [
        "general-response",
        "follow-up-release",
        "follow-up-release#2",
    ]
    assert rows(case, t(2025, 10, 9, 9))[2][3] == "breached"
