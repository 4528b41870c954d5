"""The school-thresholds preset (RULES S8): the key values it encodes, and its worked scenario. The
scenario: a general inquiry found on the eve of National Day 2025 that new metrics (exactly 1000
clicks, P1) raise to major on their own, reported level by level with a daily bulletin and archived
after review; a suggestion whose "1天内" answer is due on the make-up working day Sat 11 Oct
2025; and an emergency (a school bus accident) found on a National Day rest day, especially major
by its flag, reported level by level with its bulletins and tracked every day while it is open."""

from __future__ import annotations

from datetime import datetime

import pytest

import yuqing_core as yq
from tests.helpers import (
    D,
    assessed_severity,
    bands,
    cst,
    fmt,
    keys,
    ob,
    rows,
    rule,
    run,
    state_path,
)
from yuqing_core.accountability import case_spans
from yuqing_core.policy.lint import lint

CASE_A = "YQ-2025-0930-08"
CASE_B = "YQ-2025-1010-09"
CASE_C = "YQ-2025-1004-10"


# -- what it encodes: the key values of its source, by hand from RULES.md and the seeds ------


def test_school_thresholds_s8_bands() -> None:
    p = yq.presets.load("school-thresholds")
    assert bands(rule(p, "s8-major")) == {
        "views": (1000, 2999),
        "comments": (100, 499),
        "outlets": (1, 5),
    }
    assert bands(rule(p, "s8-critical")) == {
        "views": (3000, None),
        "comments": (500, None),
        "outlets": (5, None),
    }
    assert set(rule(p, "s8-critical").any_flags) == {
        "emergency",
        "major_emergency",
        "public_safety",
        "food_safety",
        "public_health",
        "natural_disaster",
        "production_quality",
        "security_secrecy",
    }
    warnings = [str(f) for f in lint(p)]
    assert warnings == [
        "assessment.rules[2].any_metrics[2]: warning: outlets >= 5 (s8-critical, critical) "
        "overlaps 1 <= outlets <= 5 (s8-major, major) at outlets = 5; critical wins (P2)"
    ]


def test_school_thresholds_s8_deadlines() -> None:
    p = yq.presets.load("school-thresholds")
    assert (ob(p, "general-forward").kind, ob(p, "general-forward").within) == ("forward", D("2h"))
    assert ob(p, "general-response").within == D("1d")  # a day period, not 24 hours
    assert (ob(p, "general-feedback").role, ob(p, "general-feedback").within) == (
        "party_branch",
        D("1d"),
    )
    town, county = ob(p, "major-report-town"), ob(p, "major-report-county")
    assert (town.role, town.within, town.after) == ("town_party_committee", D("now"), None)
    assert (county.role, county.within, county.after) == ("county_group", D("now"), town.id)
    assert keys(town.levels) == keys(county.levels) == ("major", "critical")
    bulletin = ob(p, "major-bulletin")
    assert (bulletin.after, bulletin.every, bulletin.until) == (county.id, D("24h"), "stabilized")
    assert p.spec.timing.immediate_grace == D("30min")


@pytest.mark.parametrize(
    ("counts", "severity"),
    [
        ({"views": 999}, None),
        ({"views": 1000}, yq.Severity.MAJOR),
        ({"views": 2999}, yq.Severity.MAJOR),
        ({"views": 3000}, yq.Severity.CRITICAL),
        ({"comments": 99}, None),
        ({"comments": 100}, yq.Severity.MAJOR),
        ({"comments": 499}, yq.Severity.MAJOR),
        ({"comments": 500}, yq.Severity.CRITICAL),
        ({"outlets": 0}, None),
        ({"outlets": 1}, yq.Severity.MAJOR),
        ({"outlets": 4}, yq.Severity.MAJOR),
        ({"outlets": 5}, yq.Severity.CRITICAL),  # both match at 5: the higher wins (P2)
    ],
)
def test_school_thresholds_s8_boundaries(
    counts: dict[str, int], severity: yq.Severity | None
) -> None:
    assert assessed_severity(yq.presets.load("school-thresholds"), **counts) == severity


# -- its worked scenario ------------------------------------------------------------------


def test_general_inquiry_raised_to_major_by_metrics_whole_life() -> None:
    sim = run("school-thresholds")
    assert sim.now is not None
    case = sim.cases[CASE_A]
    assert state_path(case) == [
        ("open", "registered"),
        ("assess", "assessed"),
        ("assign", "assigned"),
        ("update_metrics", "assigned"),
        ("escalate", "assigned"),  # recorded by the library itself (P6)
        ("report", "assigned"),  # in place: "reported" lies before "assigned"
        ("report", "assigned"),
        ("respond", "responded"),
        ("follow_up", "responded"),
        ("follow_up", "responded"),
        ("track", "tracking"),
        ("stabilize", "stabilized"),
        ("report", "stabilized"),
        ("review", "reviewed"),
        ("archive", "archived"),
    ]
    assert case.state == "archived"
    assert case.severity == yq.Severity.MAJOR
    # P6: the rise is an event of its own, by the library, at the metrics update, naming R8.2.
    auto = case.events[4]
    assert auto.trigger == "escalate"
    assert auto.actor == "yuqing_core"
    assert fmt(auto.at) == "2025-10-02 10:00"
    assert auto.data["severity"] == "major"
    assert auto.data["auto"] is True
    assert "R8.2" in auto.data["reason"]
    # Found Tue 30 Sep 2025 16:30 (inquiry, 420 clicks, 35 comments: general, R8.1).
    # R8.4 "2小时内转达": 2 elapsed hours from discovery -> 18:30; assigned 17:50.
    # R8.4 "1天内" answer and feedback to the party branch: a day period (P3, the preset's
    # reading), from discovery: it starts Wed 1 Oct, a rest day (National Day 1-8 Oct), so the
    # last day moves to Thu 9 Oct, the first day after the rest period; ends 24:00 -> 10 Oct 00:00.
    # The feedback given Thu 9 Oct 09:00 is therefore in time.
    # Thu 2 Oct 10:00: 1000 clicks, the inclusive lower bound of "1000-2999" (P1) -> major.
    # R8.5 "立刻报告镇党委": immediate, grace 30min, anchored at the escalation (P7) -> 10:30.
    # R8.5 "镇党委立即汇报县舆情应对领导小组": level by level, from the town report 10:20 -> 10:50.
    # R8.5 《网络舆情通报》: first within 24 h of the county report (10:45) -> Fri 3 Oct 10:45;
    # the next 24 h after each issue: 3 Oct 09:30 -> Sat 4 Oct 09:30, issued 11:00 (late). The
    # third (due 5 Oct 11:00) ended unowed when the opinion calmed on 5 Oct 10:00.
    assert rows(case, sim.now) == [
        ("general-forward", "2025-09-30 18:30", "2025-09-30 17:50", "met"),
        ("general-response", "2025-10-10 00:00", "2025-10-02 16:00", "met"),
        ("general-feedback", "2025-10-10 00:00", "2025-10-09 09:00", "met"),
        ("major-report-town", "2025-10-02 10:30", "2025-10-02 10:20", "met"),
        ("major-report-county", "2025-10-02 10:50", "2025-10-02 10:45", "met"),
        ("major-bulletin", "2025-10-03 10:45", "2025-10-03 09:30", "met"),
        ("major-bulletin#2", "2025-10-04 09:30", "2025-10-04 11:00", "late"),
    ]
    assert case.is_closed


def test_escalation_never_loosens_the_running_answer() -> None:
    sim = run("school-thresholds")
    case = sim.cases[CASE_A]
    policy = case.policy
    # Just before the metrics update: still general, the answer due 10 Oct 00:00 and pending.
    before = yq.Case.replay(policy, case.events[:3])
    assert before.severity == yq.Severity.GENERAL
    ob = {o.id: o for o in before.obligations}
    assert fmt(ob["general-response"].due_at) == "2025-10-10 00:00"
    assert ob["general-response"].status(cst(2025, 10, 2, 9, 0)) == "pending"
    # After it (and the automatic escalation) the general answer keeps its due instant (P7),
    # and the major reports start at the escalation, not at discovery two days earlier.
    after = yq.Case.replay(policy, case.events[:5])
    assert after.severity == yq.Severity.MAJOR
    ob = {o.id: o for o in after.obligations}
    assert fmt(ob["general-response"].due_at) == "2025-10-10 00:00"
    assert fmt(ob["major-report-town"].anchor_at) == "2025-10-02 10:00"
    assert [o.id for o in after.open_obligations()] == [
        "major-report-town",
        "general-response",
        "general-feedback",
    ]
    # The county report waits for the town report (level by level).
    assert "major-report-county" not in ob


def test_thresholds_are_inclusive_bounds() -> None:
    policy = yq.presets.load("school-thresholds")
    found = cst(2025, 10, 2, 9, 45)

    def level(**counts: int) -> yq.Severity | None:
        inc = yq.Incident(
            id="YQ-P1",
            title="边界测试",
            discovered_at=found,
            metrics=(yq.Metrics(observed_at=found, **counts),),
        )
        return policy.assess(inc).severity

    # R8.2 "1000-2999人次" = 1000 <= x <= 2999; R8.3 "3000人次以上" = x >= 3000 (P1).
    assert level(views=999) is None
    assert level(views=1000) == yq.Severity.MAJOR
    assert level(views=2999) == yq.Severity.MAJOR
    assert level(views=3000) == yq.Severity.CRITICAL
    # "100-499篇" / "500篇以上".
    assert level(comments=99) is None
    assert level(comments=100) == yq.Severity.MAJOR
    assert level(comments=500) == yq.Severity.CRITICAL
    # Exactly 5 mainstream sites match "5家以下" and "5家以上": the higher wins (P2).
    assert level(outlets=4) == yq.Severity.MAJOR
    assert level(outlets=5) == yq.Severity.CRITICAL


def test_major_case_cannot_be_archived_before_its_review() -> None:
    sim = run("school-thresholds")
    case = sim.cases[CASE_A]
    unreviewed = yq.Case.replay(case.policy, case.events[:-2])
    assert unreviewed.state == "stabilized"
    with pytest.raises(yq.TransitionError, match="review"):
        unreviewed.fire("archive", at=cst(2025, 10, 9, 17, 0), actor="网络舆情办公室")
    assert unreviewed.state == "stabilized"
    assert unreviewed.version == len(case.events) - 2


def test_bulletin_is_breached_until_issued_late() -> None:
    sim = run("school-thresholds")
    case = sim.cases[CASE_A]
    second = next(o for o in case.obligations if o.id == "major-bulletin#2")
    # Anchored at the first bulletin (3 Oct 09:30), due 24 h later; 75% of it passed at 03:30.
    assert second.status(cst(2025, 10, 4, 3, 29)) == "pending"
    assert second.status(cst(2025, 10, 4, 3, 30)) == "due_soon"
    assert second.status(cst(2025, 10, 4, 10, 0)) == "breached"
    assert second.status(cst(2025, 10, 4, 11, 0)) == "late"


def test_suggestion_due_on_the_make_up_saturday() -> None:
    sim = run("school-thresholds")
    assert sim.now is not None
    case = sim.cases[CASE_B]
    assert state_path(case) == [
        ("open", "registered"),
        ("assign", "assigned"),
        ("respond", "responded"),
    ]
    assert case.severity == yq.Severity.GENERAL
    # Found Fri 10 Oct 2025 15:10 (suggestion: general, R8.1).
    # R8.4 2 h: 17:10; forwarded 17:40, late.
    # R8.4 "1天内" (P3 day period): the period is Sat 11 Oct, a 调休 make-up working day, so
    # it is not moved; ends 24:00 -> Sun 12 Oct 00:00. (Were Saturday a rest day, it would
    # have moved to Mon 13 Oct and ended Tue 14 Oct 00:00, and the Monday answer would be in
    # time.) Answered Mon 13 Oct 10:00: late; the feedback to the party branch never came.
    assert rows(case, sim.now) == [
        ("general-forward", "2025-10-10 17:10", "2025-10-10 17:40", "late"),
        ("general-response", "2025-10-12 00:00", "2025-10-13 10:00", "late"),
        ("general-feedback", "2025-10-12 00:00", None, "breached"),
    ]
    response = next(o for o in case.obligations if o.id == "general-response")
    # Span 10 Oct 15:10 -> 12 Oct 00:00 is 32 h 50 min; 75% of it has passed at 11 Oct 15:47:30.
    assert response.status(cst(2025, 10, 11, 15, 47)) == "pending"
    assert response.status(cst(2025, 10, 11, 15, 48)) == "due_soon"
    assert sim.breaches() == [(CASE_B, "general-feedback")]


def test_school_thresholds_s8_monitoring_duties() -> None:
    p = yq.presets.load("school-thresholds")
    duties = {d.id: d for d in p.spec.monitoring}
    # S8 (X1): 24-hour uninterrupted collection by the platform, every day, rest days included.
    platform = duties["platform-collection"]
    assert (platform.role, platform.rrule, platform.on_rest_day, platform.while_open) == (
        "monitor",
        "FREQ=DAILY;BYHOUR=23;BYMINUTE=59",
        "keep",
        None,
    )
    # S8 (X1): uninterrupted tracking while an emergency is open.
    tracking = duties["emergency-tracking"]
    assert tracking.while_open is not None
    assert (tracking.role, tracking.while_open.any_flags, tracking.while_open.levels) == (
        "monitor",
        ("emergency", "major_emergency"),
        (),
    )


def test_bus_accident_on_national_day_whole_life() -> None:
    sim = run("school-thresholds")
    assert sim.now is not None
    case = sim.cases[CASE_C]
    assert state_path(case) == [
        ("open", "registered"),
        ("report", "reported"),
        ("report", "reported"),
        ("respond", "responded"),
        ("follow_up", "responded"),
        ("follow_up", "responded"),
        ("track", "tracking"),
        ("stabilize", "stabilized"),
        ("review", "reviewed"),
        ("archive", "archived"),
    ]
    # Flag emergency (突发事件): especially major by R8.3, at opening.
    assert case.severity == yq.Severity.CRITICAL
    # Found Sat 4 Oct 2025 08:00, a National Day rest day (1-8 Oct); hour periods run through
    # it (P3). R8.5 "立刻报告镇党委": now + 30 min -> 08:30 (met 08:20); "镇党委立即汇报":
    # from the town report 08:20 -> 08:50 (met 08:40); 《网络舆情通报》 first within 24 h of
    # the county report -> Sun 5 Oct 08:40 (issued 08:00), the next 24 h after it -> Mon 6 Oct
    # 08:00 (issued 07:30); the third (due 7 Oct 07:30) ended unowed when it calmed at 18:00.
    assert rows(case, sim.now) == [
        ("major-report-town", "2025-10-04 08:30", "2025-10-04 08:20", "met"),
        ("major-report-county", "2025-10-04 08:50", "2025-10-04 08:40", "met"),
        ("major-bulletin", "2025-10-05 08:40", "2025-10-05 08:00", "met"),
        ("major-bulletin#2", "2025-10-06 08:00", "2025-10-06 07:30", "met"),
    ]
    assert case.is_closed


def test_tracking_every_day_while_the_emergency_is_open() -> None:
    sim = run("school-thresholds")
    spans = case_spans(sim.cases.values())
    roster: dict[str, list[str]] = {}
    for d in sim.policy.monitoring_duties(cst(2025, 10, 3), cst(2025, 10, 11), cases=spans):
        roster.setdefault(d.duty_id, []).append(f"{d.due_at:%m-%d %H:%M}")
    # The bus accident (flag emergency) is open from Sat 4 Oct 08:05 to its archive on Thu 9 Oct
    # 15:00: tracking is owed at 23:59 on 4-8 Oct (rest days all), not on 9 Oct (closed by then).
    # The inquiry escalated to major on 2 Oct has no emergency flag: it owes no tracking.
    assert roster["emergency-tracking"] == [f"10-{d:02d} 23:59" for d in range(4, 9)]
    # The platform collects every day, holidays and the make-up Saturday 11 Oct alike.
    assert roster["platform-collection"] == [f"10-{d:02d} 23:59" for d in range(3, 11)]
    # Without any case open, there is no tracking at all.
    assert [
        d
        for d in sim.policy.monitoring_duties(cst(2025, 10, 3), cst(2025, 10, 11))
        if d.duty_id == "emergency-tracking"
    ] == []


@pytest.mark.parametrize(
    ("found", "day_period", "elapsed_24h"),
    [
        # Tue 30 Sep 2025 16:30, the eve of National Day: the day period starts Wed 1 Oct, a
        # rest day, so its last day moves to Thu 9 Oct (after 1-8 Oct) -> 10 Oct 00:00; 24
        # elapsed hours would end on the holiday, Wed 1 Oct 16:30.
        (cst(2025, 9, 30, 16, 30), "2025-10-10 00:00", "2025-10-01 16:30"),
        # Fri 13 Feb 2026 10:00: the day is Sat 14 Feb, a make-up working day -> 15 Feb 00:00;
        # 24 hours -> Sat 14 Feb 10:00.
        (cst(2026, 2, 13, 10), "2026-02-15 00:00", "2026-02-14 10:00"),
        # Mon 13 Oct 2025 09:00, an ordinary working day: Tue 14 Oct -> 15 Oct 00:00; 24 hours
        # -> Tue 14 Oct 09:00.
        (cst(2025, 10, 13, 9), "2025-10-15 00:00", "2025-10-14 09:00"),
    ],
)
def test_one_day_for_general_cases_is_a_day_period_not_24_hours(
    found: datetime, day_period: str, elapsed_24h: str
) -> None:
    # R8.4 "1天内" is not an emergency clause: the preset reads it as a day period (P3), not
    # as P4's 24 elapsed hours; an institution that means 24 hours writes within = "24h".
    preset = yq.presets.load("school-thresholds")
    hours = yq.load_policy(
        {
            "extends": "school-thresholds",
            "obligations": [
                {"id": "general-response", "within": "24h"},
                {"id": "general-feedback", "within": "24h"},
            ],
        }
    )
    inc = yq.Incident(id="YQ-1D", title="建议", discovered_at=found, category="suggestion")
    for policy, due in ((preset, day_period), (hours, elapsed_24h)):
        case = policy.open_case(inc, at=found, actor="舆情监控员")
        assert case.severity == yq.Severity.GENERAL
        owed = {o.id: fmt(o.due_at) for o in case.obligations}
        assert (owed["general-response"], owed["general-feedback"]) == (due, due)
