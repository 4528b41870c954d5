"""The vocational-grades preset (RULES S4): the key values it encodes, and its worked scenario. The
scenario: sensitivity grades a/b/c read on the counts within 3 hours of posting (both bounds
inclusive), a human judgement of a major opinion that starts the report to the superior department
(P7), and a monitor who never told the group leader."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import yuqing_core as yq
from tests.helpers import POSTED, D, as_of, assessed_grade, bands, keys, ob, rows, run, state_path
from tests.helpers import cst as t  # the instants of the worked timeline, written short
from yuqing_core.rules import assess

# -- what it encodes: the key values of its source, by hand from RULES.md and the seeds ------


def test_vocational_grades_s4_bands_and_reports() -> None:
    p = yq.presets.load("vocational-grades")
    grading = p.spec.assessment.grading
    assert grading is not None
    assert (grading.order, grading.window) == (("a", "b", "c"), D("3h"))
    g = {r.grade: r for r in p.spec.assessment.grades}
    assert bands(g["a"]) == {"views": (None, 10), "comments": (None, 10)}
    assert bands(g["b"]) == {"views": (11, 49), "comments": (11, 49)}
    assert bands(g["c"]) == {"views": (50, None), "comments": (50, None)}
    assert g["c"].any_flags == ("high_attention",)
    assert {r.window for r in g.values()} == {D("3h")}
    sup = ob(p, "major-report-superior")
    assert (sup.role, keys(sup.levels), sup.within) == ("superior", ("major",), D("now"))
    # R4.2: the log to the communication centre by 16:00, then (changed on purpose, issue 14:
    # a second duty) the centre's summary to the group leader the same day.
    assert [(d.kind, d.role, d.recipient, d.rrule) for d in p.spec.monitoring] == [
        ("daily_log", "monitor", "communication_centre", "FREQ=DAILY;BYHOUR=16;BYMINUTE=0"),
        ("report", "communication_centre", "group_leader", "FREQ=DAILY;BYHOUR=23;BYMINUTE=59"),
    ]


@pytest.mark.parametrize(
    ("counts", "grade"),
    [
        ({"views": 10, "comments": 10}, "a"),  # 10次以下 includes 10 (P1)
        ({"views": 11}, "b"),
        ({"views": 49, "comments": 3}, "b"),  # the larger of the two counts decides
        ({"comments": 50}, "c"),  # 50次以上 includes 50
        ({"views": 0}, "a"),
    ],
)
def test_vocational_grades_s4_boundaries_after_the_window(
    counts: dict[str, int], grade: str
) -> None:
    p = yq.presets.load("vocational-grades")
    assert assessed_grade(p, POSTED + timedelta(hours=3), **counts) == grade


def test_vocational_grades_s4_no_low_grade_before_three_hours_but_c_at_once() -> None:
    p = yq.presets.load("vocational-grades")
    before = POSTED + timedelta(hours=2, minutes=59)
    assert assessed_grade(p, before, views=5) is None
    assert assessed_grade(p, before, views=20) is None
    assert assessed_grade(p, before, views=50) == "c"


# -- its worked scenario ------------------------------------------------------------------


def grade_at(case: yq.Case, at: datetime) -> str | None:
    return yq.presets.load("vocational-grades").assess(case.incident, at).grade


def test_one_breach_and_no_bad_line() -> None:
    sim = run("vocational-grades")
    assert sim.errors == []
    assert sim.now == t(2026, 2, 14, 18)
    assert sorted(sim.cases) == ["YQ-2025-1002-01", "YQ-2026-0214-02"]
    assert sim.breaches() == [("YQ-2026-0214-02", "report-group-leader")]


def test_yq_2025_1002_01_whole_life() -> None:
    sim = run("vocational-grades")
    assert sim.now is not None
    case = sim.cases["YQ-2025-1002-01"]
    assert state_path(case) == [
        ("open", "registered"),
        ("report", "reported"),
        ("update_metrics", "reported"),
        ("update_metrics", "reported"),
        ("assess", "reported"),
        ("start", "handling"),
        ("report", "handling"),
        ("respond", "responded"),
        ("track", "tracking"),
        ("archive", "archived"),
    ]
    assert case.state == "archived"
    # The c grade does not make the case major by itself (grades and levels are independent
    # in this preset); the group leader's judgement at 22:30 does (P8).
    assert case.severity is yq.Severity.MAJOR
    # Posted Thu 2 Oct 2025 19:00, found 19:40 (National Day rest days; the preset has only
    # immediate duties, which no rest day postpones).
    # R4.3 (seed 三(四)) "发现情况及时上报组长": now, grace 1 h (P5) from discovery 19:40
    # -> 20:40; reported 20:10: met.
    # R4.3 "研判为重大舆情的，还须及时上报上级相关部门": owed from the judgement "major" at
    # 22:30 (P7: anchored at the escalation, not at discovery) + 1 h grace -> 23:30;
    # reported to the city education bureau the next morning, Fri 3 Oct 08:20: late.
    assert rows(case, sim.now) == [
        ("report-group-leader", "2025-10-02 20:40", "2025-10-02 20:10", "met"),
        ("major-report-superior", "2025-10-02 23:30", "2025-10-03 08:20", "late"),
    ]
    assert [(o.role, o.rule) for o in case.obligations] == [
        ("group_leader", "R4.3"),
        ("superior", "R4.3"),
    ]


def test_yq_2025_1002_01_grade_within_three_hours() -> None:
    case = run("vocational-grades").cases["YQ-2025-1002-01"]
    # R4.1, grading window 3 h after posting 19:00 -> grades below c from 22:00 on.
    # 20:30: 26 views, 4 comments (observed 20:25) fall in b (11-49) but b cannot be given
    # before the window is over, and c is not reached: no grade yet.
    assert grade_at(case, t(2025, 10, 2, 20, 30)) is None
    # 21:59: still inside the window, same counts: no grade yet.
    assert grade_at(case, t(2025, 10, 2, 21, 59)) is None
    # 22:00, window over, with only the 20:25 observation on record (the 22:00 count was
    # entered at 22:05): b (views 26 in 11..49).
    assert as_of(case, t(2025, 10, 2, 22)).assessment(t(2025, 10, 2, 22)).grade == "b"
    # 22:05: the observation made at 22:00 = posting + exactly 3 h counts (P1: 以内 includes
    # the end): views 50 >= 50 (P1: 以上 includes 50) -> c.
    a = yq.presets.load("vocational-grades").assess(case.incident, t(2025, 10, 2, 22, 5))
    assert a.grade == "c"
    assert a.severity is None  # no automatic level in this preset
    assert "R4.1 s4-grade-c: views 50 >= 50 within 3h of posting -> grade c" in a.reasons


def test_grade_boundaries_at_the_window_end() -> None:
    case = run("vocational-grades").cases["YQ-2025-1002-01"]
    posted = t(2025, 10, 2, 19)
    early = yq.Metrics(observed_at=t(2025, 10, 2, 20, 25), views=26, comments=4)
    at = t(2025, 10, 2, 23)

    def grade(views: int, observed: datetime) -> str | None:
        inc = yq.Incident(
            id="YQ-B",
            title="边界",
            discovered_at=t(2025, 10, 2, 19, 40),
            posted_at=posted,
            metrics=[early, yq.Metrics(observed_at=observed, views=views, comments=9)],
        )
        return assess(case.policy, inc, at).grade

    three_h = t(2025, 10, 2, 22)
    assert grade(50, three_h) == "c"
    assert grade(49, three_h) == "b"  # one below the c line
    # One minute after the window: the 50 is not counted; the last count inside it (26) is.
    assert grade(50, t(2025, 10, 2, 22, 1)) == "b"


def test_yq_2025_1002_01_mid_life() -> None:
    case = run("vocational-grades").cases["YQ-2025-1002-01"]
    # 20:00, not reported yet: 20 of the 60 minutes of grace left -> pending; from 20:25
    # (3/4 of the hour) due soon.
    fresh = as_of(case, t(2025, 10, 2, 20))
    assert rows(fresh, t(2025, 10, 2, 20)) == [
        ("report-group-leader", "2025-10-02 20:40", None, "pending"),
    ]
    assert rows(fresh, t(2025, 10, 2, 20, 30))[0][3] == "due_soon"
    # 23:00, judged major at 22:30: the report to the superior runs until 23:30 (due soon
    # from 23:15); no superior report is owed before the judgement.
    assert len(as_of(case, t(2025, 10, 2, 22, 29)).obligations) == 1
    judged = as_of(case, t(2025, 10, 2, 23))
    assert rows(judged, t(2025, 10, 2, 23))[1] == (
        "major-report-superior",
        "2025-10-02 23:30",
        None,
        "pending",
    )
    assert rows(judged, t(2025, 10, 2, 23, 20))[1][3] == "due_soon"


def test_yq_2026_0214_02_grade_a_and_missed_report() -> None:
    sim = run("vocational-grades")
    assert sim.now is not None
    case = sim.cases["YQ-2026-0214-02"]
    assert state_path(case) == [
        ("open", "registered"),
        ("update_metrics", "registered"),
        ("assess", "assessed"),
        ("dismiss", "dismissed"),
    ]
    assert case.severity is yq.Severity.GENERAL
    # R4.1: posted Sat 14 Feb 2026 10:00 (a Spring Festival make-up working day); counts
    # observed at 13:00 = posting + exactly 3 h: views 10 <= 10 and comments 3 -> a.
    assert grade_at(case, t(2026, 2, 14, 12, 59)) is None
    assert grade_at(case, t(2026, 2, 14, 13, 10)) == "a"
    # R4.3 "及时上报组长": now, grace 1 h from discovery 10:30 -> 11:30. The monitor never
    # reported and dismissed the case at 15:30, after the due: it stays breached.
    assert rows(case, sim.now) == [
        ("report-group-leader", "2026-02-14 11:30", None, "breached"),
    ]
    assert rows(as_of(case, t(2026, 2, 14, 11)), t(2026, 2, 14, 11)) == [
        ("report-group-leader", "2026-02-14 11:30", None, "pending"),
    ]


# -- the second edition: a later count that settles the window, the log's two recipients ----


@pytest.mark.parametrize(
    ("comments", "views", "grade"),
    [
        (5, 8, "a"),  # at most 5 and 8 by the window's end: a (10次以下)
        (10, 10, "a"),  # 10 is still a (P1)
        (11, 3, None),  # at most 11: a or b, not settled
        (30, 60, None),  # a, b or c: not settled
    ],
)
def test_a_later_count_gives_the_grade_when_it_settles_the_window(
    comments: int, views: int, grade: str | None
) -> None:
    # R4.1 counts only rise. Posted Thu 1 Oct 2026 09:00 (National Day 2026, a rest day; the
    # window is 3 elapsed hours whatever the day) -> window ends 12:00; nothing was counted
    # before 13:00, four hours after posting.
    p = yq.presets.load("vocational-grades")
    posted = t(2026, 10, 1, 9)
    inc = yq.Incident(
        id="YQ-L",
        title="帖子：国庆假期食堂停业",
        posted_at=posted,
        discovered_at=t(2026, 10, 1, 12, 50),
        metrics=[yq.Metrics(observed_at=t(2026, 10, 1, 13), comments=comments, views=views)],
    )
    a = assess(p, inc, at=t(2026, 10, 1, 13))
    assert a.grade == grade
    if grade is not None:
        assert a.fired == ("s4-grade-a",)


def test_the_daily_log_goes_to_the_centre_then_the_group_leader() -> None:
    # R4.2 每日: every day, the National Day 2025 rest days (1-8 Oct) included. 30 Sep to 2 Oct:
    # the monitor's log to the communication centre at 16:00, the centre's summary to the
    # group leader by the end of the day.
    p = yq.presets.load("vocational-grades")
    items = p.monitoring_duties(t(2025, 9, 30), t(2025, 10, 2))
    assert [(f"{i.due_at:%m-%d %H:%M}", i.duty_id, i.role, i.recipient) for i in items] == [
        ("09-30 16:00", "daily-log", "monitor", "communication_centre"),
        ("09-30 23:59", "daily-log-to-leader", "communication_centre", "group_leader"),
        ("10-01 16:00", "daily-log", "monitor", "communication_centre"),
        ("10-01 23:59", "daily-log-to-leader", "communication_centre", "group_leader"),
    ]
