"""The school-tiered preset (RULES S3): the key values it encodes, and its worked scenario. The
scenario: a general opinion found on the eve of National Day 2025 followed to its archive, and a
major one found before Spring Festival 2026, escalated to especially major by a superior's
instruction and answered late."""

from __future__ import annotations

import yuqing_core as yq
from tests.helpers import cst, rows, rule, run, state_path

# -- what it encodes: the key values of its source, by hand from RULES.md and the seeds ------


def test_school_tiered_s3() -> None:
    p = yq.presets.load("school-tiered")
    expected = {
        "general-report": ("report", "business_supervisor", "1wd", ("general",)),
        "general-response": ("initial_response", "handling_unit", "3wd", ("general",)),
        "major-report": ("report", "principal_leader", "24h", ("major",)),
        "major-response": ("initial_response", "handling_unit", "2wd", ("major",)),
        "critical-report": ("report", "principal_leader", "3h", ("critical",)),
        "critical-response": ("initial_response", "handling_unit", "24h", ("critical",)),
    }
    got = {
        o.id: (o.kind, o.role, str(o.within), tuple(str(s) for s in o.levels))
        for o in p.spec.obligations
    }
    assert got == expected
    assert rule(p, "s3-critical-instruction").level is yq.Severity.CRITICAL
    assert rule(p, "s3-critical-instruction").any_flags == ("superior_instruction",)
    assert rule(p, "s3-major-emergency").level is yq.Severity.MAJOR
    assert [(d.id, d.rrule) for d in p.spec.monitoring] == [
        ("daily-patrol", "FREQ=DAILY;BYHOUR=23;BYMINUTE=59"),
        ("weekly-bulletin", "FREQ=WEEKLY;BYDAY=FR;BYHOUR=17;BYMINUTE=0"),
    ]


# -- its worked scenario ------------------------------------------------------------------


def test_general_opinion_across_national_day_whole_life() -> None:
    sim = run("school-tiered")
    assert sim.now is not None
    case = sim.cases["YQ-2025-0930-01"]
    assert state_path(case) == [
        ("open", "registered"),
        ("report", "reported"),
        ("assign", "assigned"),
        ("respond", "responded"),
        ("track", "tracking"),
        ("stabilize", "stabilized"),
        ("archive", "archived"),
    ]
    assert case.version == 7
    # Found Tue 30 Sep 2025 16:20. R3.1 "1个工作日内" to the business supervisor: the period
    # starts Wed 1 Oct; 1-8 Oct are rest days, Thu 9 Oct is working day 1; it ends at 24:00.
    # R3.1 "3个工作日内" initial response: Thu 9, Fri 10 and Sat 11 Oct (调休 make-up day);
    # without the make-up Saturday it would have run to Mon 13 Oct.
    assert rows(case, sim.now) == [
        ("general-report", "2025-10-10 00:00", "2025-10-09 09:10", "met"),
        ("general-response", "2025-10-12 00:00", "2025-10-11 16:00", "met"),
    ]
    # A general case needs no review before archiving (review_required_from = major).
    assert case.is_closed


def test_major_opinion_across_spring_festival_escalated_and_answered_late() -> None:
    sim = run("school-tiered")
    assert sim.now is not None
    case = sim.cases["YQ-2026-0213-02"]
    assert state_path(case) == [
        ("open", "registered"),
        ("report", "reported"),
        ("update_metrics", "reported"),
        ("escalate", "reported"),
        ("report", "reported"),
        ("assign", "assigned"),
        ("respond", "responded"),
    ]
    assert str(case.severity) == "critical"
    # Found Fri 13 Feb 2026 10:00 with the flag major_emergency: major (R3.2).
    # R3.2 "1天内" to the principal leader, read as 24 hours (P4): Sat 14 Feb 10:00.
    # R3.2 "2个工作日内" response: Sat 14 Feb is a make-up working day (1), 15-23 Feb are the
    # Spring Festival rest days, Tue 24 Feb is day 2; it ends at 24:00 -> Wed 25 Feb 00:00.
    # Escalated Tue 24 Feb 09:00 (superior's instruction, R3.3): the leader must hear of it
    # within 3 hours of the escalation (12:00; the earlier report was of a major opinion). The
    # running response would get 24 hours (25 Feb 09:00), later than 00:00, so it keeps 00:00
    # (P7), and the response at 15:00 that day is late.
    assert rows(case, sim.now) == [
        ("major-report", "2026-02-14 10:00", "2026-02-14 09:30", "met"),
        ("major-response", "2026-02-25 00:00", "2026-02-25 15:00", "late"),
        ("critical-report", "2026-02-24 12:00", "2026-02-24 11:30", "met"),
    ]
    assert sim.breaches() == []


def test_major_response_warns_then_breaches_before_it_is_met() -> None:
    sim = run("school-tiered")
    case = sim.cases["YQ-2026-0213-02"]
    response = next(o for o in case.obligations if o.id == "major-response")
    # Two working days run on working time: the rest of Fri 13 Feb (14 h), Sat 14 Feb (a
    # make-up working day, 24 h) and Tue 24 Feb (24 h) make 62 h; the Spring Festival holiday
    # (15-23 Feb) is not working time. 75% is 46.5 h: 38 h by the end of 14 Feb, then 8.5 h
    # into 24 Feb, so it is due soon from 24 Feb 08:30, not during the holiday.
    assert response.status(cst(2026, 2, 22, 2, 30)) == "pending"
    assert response.status(cst(2026, 2, 24, 8, 29)) == "pending"
    assert response.status(cst(2026, 2, 24, 8, 30)) == "due_soon"
    assert response.status(cst(2026, 2, 25, 0, 0)) == "due_soon"
    # Past due and not yet met: breached as seen then; met at 15:00, late from then on.
    assert response.status(cst(2026, 2, 25, 0, 1)) == "breached"
    assert response.status(cst(2026, 2, 25, 14, 59)) == "breached"
    assert response.status(cst(2026, 2, 25, 15, 0)) == "late"
