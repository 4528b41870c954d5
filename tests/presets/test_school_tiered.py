"""The school-tiered preset (RULES S3): the key values it encodes, and its worked scenario. The
scenario: a general opinion found on the eve of National Day 2025 followed to its archive, and a
major one found before Spring Festival 2026, escalated to especially major by a superior's
instruction and answered late."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

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
    assert rule(p, "s3-critical-emergency").level is yq.Severity.CRITICAL
    assert rule(p, "s3-critical-emergency").any_flags == ("especially_major_emergency",)
    assert next(d for d in p.spec.monitoring if d.id == "weekly-bulletin").on_rest_day == "keep"
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


# -- the second edition: a bulletin every week, especially major emergencies at the top -----


def _bulletin_weeks(policy: yq.Policy, monday: date, weeks: int) -> list[list[str]]:
    """The bulletin due instants of each week (Monday to Sunday) from ``monday``."""
    start = cst(monday.year, monday.month, monday.day)
    items = policy.monitoring_duties(start, start + timedelta(weeks=weeks))
    due = [i.due_at for i in items if i.duty_id == "weekly-bulletin"]
    return [
        [f"{d:%m-%d %H:%M}" for d in due if (d.date() - monday).days // 7 == w]
        for w in range(weeks)
    ]


@pytest.mark.parametrize(
    ("monday", "expected"),
    [
        # National Day 2025 (1-8 Oct off, Sun 28 Sep and Sat 11 Oct worked): Fri 3 Oct is a
        # rest day, kept; the week of 29 Sep-5 Oct has its bulletin.
        (date(2025, 9, 22), [["09-26 17:00"], ["10-03 17:00"], ["10-10 17:00"], ["10-17 17:00"]]),
        # Spring Festival 2026 (15-23 Feb off, Sat 14 and Sat 28 Feb worked): the week of
        # 16-22 Feb has no working day at all, and still its bulletin, Fri 20 Feb.
        (date(2026, 2, 9), [["02-13 17:00"], ["02-20 17:00"], ["02-27 17:00"]]),
        # National Day 2026 (1-7 Oct off, Sun 20 Sep and Sat 10 Oct worked): Fri 2 Oct kept.
        (date(2026, 9, 28), [["10-02 17:00"], ["10-09 17:00"]]),
    ],
)
def test_no_week_without_its_bulletin(monday: date, expected: list[list[str]]) -> None:
    # R3.4 "每周至少1次的舆情通报": one bulletin in every week, holidays included.
    policy = yq.presets.load("school-tiered")
    assert _bulletin_weeks(policy, monday, len(expected)) == expected


def test_working_days_only_would_lose_the_national_day_week() -> None:
    # Why the bulletin keeps its rest-day Fridays: on working days only (skip), Fri 3 Oct
    # 2025 is dropped and the week of 29 Sep-5 Oct has none.
    base = yq.presets.load("school-tiered")
    skip = yq.load_policy(
        {
            "name": "skip",
            "title": "只在工作日通报",
            "extends": "school-tiered",
            "monitoring": [
                {
                    "id": "weekly-bulletin",
                    "rule": "R3.4",
                    "kind": "bulletin",
                    "rrule": "FREQ=WEEKLY;BYDAY=FR;BYHOUR=17;BYMINUTE=0",
                    "on_rest_day": "skip",
                }
            ],
        }
    )
    assert _bulletin_weeks(skip, date(2025, 9, 29), 1) == [[]]
    assert _bulletin_weeks(base, date(2025, 9, 29), 1) == [["10-03 17:00"]]


def test_an_especially_major_emergency_reaches_the_top_level() -> None:
    # R3.3 "特别重大突发事件": the flag especially_major_emergency gives critical on its own;
    # major_emergency (特别重大或重大) alone stays major. Found Wed 30 Sep 2026 17:00, on the
    # eve of National Day 2026 (1-7 Oct off): the leader within 3 h -> 20:00, the initial
    # response within 1 day read as 24 h (P4) -> Thu 1 Oct 17:00, a holiday, not moved.
    policy = yq.presets.load("school-tiered")
    found = cst(2026, 9, 30, 17)
    flags = frozenset({"major_emergency", "especially_major_emergency"})
    incident = yq.Incident(id="YQ-E", title="校车事故", discovered_at=found, flags=flags)
    assert policy.assess(incident).severity is yq.Severity.CRITICAL
    case = policy.open_case(incident, at=found, actor="monitor-1")
    assert case.severity is yq.Severity.CRITICAL
    assert rows(case, found) == [
        ("critical-report", "2026-09-30 20:00", None, "pending"),
        ("critical-response", "2026-10-01 17:00", None, "pending"),
    ]
    plain = yq.Incident(
        id="YQ-M", title="校车事故", discovered_at=found, flags=frozenset({"major_emergency"})
    )
    assert policy.assess(plain).severity is yq.Severity.MAJOR
