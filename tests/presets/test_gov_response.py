"""The gov-response preset (RULES S1): the key values it encodes, and its worked scenario. The
scenario: the 48-hour and 24-hour response periods are elapsed hours that National Day and Spring
Festival do not postpone, and a flag ``major_emergency`` raises a case to major with the earlier
deadline kept (P6, P7)."""

from __future__ import annotations

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
    assert rows(case, sim.now) == [
        ("general-response", "2026-02-18 00:40", "2026-02-17 08:30", "met"),
        ("major-report-publicity", "2026-02-17 01:40", "2026-02-17 01:15", "met"),
    ]
    assert [o.rule for o in case.obligations] == ["R1.3", "R1.4"]
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
