"""The township preset (RULES S7): the key values it encodes, and its worked scenario. The scenario:
a rock fall found by the holiday watch on National Day 2025 is reported within the hour and
specially reported within 4 hours, on elapsed-hour periods the holiday does not move, and followed
to its review and archive; an opinion flagged as an emergency during Spring Festival 2026 is
escalated to major and its special report, held to the earlier due (P7), comes late."""

from __future__ import annotations

import pytest

import yuqing_core as yq
from tests.helpers import D, cst, keys, ob, rows, run, state_path

ROCKFALL = "QL-2025-1002-01"
NURSING_HOME = "QL-2026-0218-02"


# -- what it encodes: the key values of its source, by hand from RULES.md and the seeds ------


def test_township_s7_special_report_and_watch() -> None:
    p = yq.presets.load("township")
    special = ob(p, "special-report-emergency")
    assert (special.kind, special.role, special.within, special.any_flags) == (
        "special_report",
        "office",
        D("4h"),
        ("emergency", "major_emergency"),
    )
    by_level = ob(p, "special-report-major")
    assert (by_level.within, keys(by_level.levels), by_level.any_flags) == (D("4h"), ("major",), ())
    first = ob(p, "first-report-emergency")
    assert (first.kind, first.within, first.any_flags) == ("report", D("now"), special.any_flags)
    duties = {d.id: d for d in p.spec.monitoring}
    assert duties["holiday-watch"].rest_days_only
    assert duties["unit-workday-monitoring"].working_days_only
    assert duties["weekly-report"].rrule.startswith("FREQ=WEEKLY;BYDAY=FR")
    assert p.spec.workflow.review_required_from is yq.Severity.GENERAL


# -- its worked scenario ------------------------------------------------------------------


def test_rockfall_on_national_day_whole_life() -> None:
    sim = run("township")
    assert sim.now is not None
    case = sim.cases[ROCKFALL]
    assert state_path(case) == [
        ("open", "registered"),
        ("report", "reported"),
        ("assess", "reported"),
        ("report", "reported"),
        ("start", "handling"),
        ("respond", "responded"),
        ("track", "tracking"),
        ("stabilize", "stabilized"),
        ("review", "reviewed"),
        ("archive", "archived"),
    ]
    assert case.severity.key == "general"
    # Flag emergency from the start (R7.2). Found Thu 2 Oct 2025 21:10, a National Day rest day.
    # "第一时间报告" = now with the preset's 1-hour grace (P5) from discovery -> 22:10.
    # "4小时内" special report, elapsed hours from discovery (P3: hour periods run from the
    # moment; rest days do not stop them) -> Fri 3 Oct 01:10, still inside the holiday.
    assert rows(case, sim.now) == [
        ("first-report-emergency", "2025-10-02 22:10", "2025-10-02 21:30", "met"),
        ("special-report-emergency", "2025-10-03 01:10", "2025-10-03 00:40", "met"),
    ]
    assert case.is_closed


def test_nursing_home_opinion_escalated_special_report_late() -> None:
    sim = run("township")
    assert sim.now is not None
    case = sim.cases[NURSING_HOME]
    assert state_path(case) == [
        ("open", "registered"),
        ("assess", "assessed"),
        ("update_metrics", "assessed"),
        ("report", "reported"),
        ("escalate", "reported"),
        ("report", "reported"),
        ("start", "handling"),
        ("report", "handling"),
        ("respond", "responded"),
        ("track", "tracking"),
    ]
    assert case.severity.key == "major"
    assert {"emergency", "food_safety"} <= case.incident.flags
    # Opened Wed 18 Feb 2026 (Spring Festival rest day) as general with no flag: nothing owed.
    # Flagged emergency at 16:00: the R7.2 duties start at the flagging (P7: max(discovered
    # 14:30, 16:00)): first report 16:00 + 1 h grace -> 17:00 (met 16:15); special report
    # 16:00 + 4 h -> 20:00.
    # Escalated to major at 18:30: first-report-major is owed again (the higher level is news
    # to the office), 18:30 + 1 h -> 19:30 (met 18:50); special-report-major would be due
    # 18:30 + 4 h = 22:30, but the running special report keeps the earlier 20:00 (P7), so the
    # special report sent at 21:10 is late (it would have been in time on 22:30).
    assert rows(case, sim.now) == [
        ("first-report-emergency", "2026-02-18 17:00", "2026-02-18 16:15", "met"),
        ("special-report-emergency", "2026-02-18 20:00", "2026-02-18 21:10", "late"),
        ("first-report-major", "2026-02-18 19:30", "2026-02-18 18:50", "met"),
    ]
    assert sim.breaches() == []


def test_special_report_warns_then_breaches_before_it_is_sent() -> None:
    sim = run("township")
    special = next(
        o for o in sim.cases[NURSING_HOME].obligations if o.id == "special-report-emergency"
    )
    # Span 16:00 -> 20:00 is 4 h; 75% has passed at 19:00.
    assert special.status(cst(2026, 2, 18, 18, 59)) == "pending"
    assert special.status(cst(2026, 2, 18, 19, 0)) == "due_soon"
    assert special.status(cst(2026, 2, 18, 20, 0)) == "due_soon"
    assert special.status(cst(2026, 2, 18, 20, 1)) == "breached"
    assert special.status(cst(2026, 2, 18, 21, 10)) == "late"


def test_archive_before_review_is_refused() -> None:
    sim = run("township")
    case = sim.cases[NURSING_HOME]
    before = (case.state, case.events, case.version)
    # review_required_from = general: every case is summarised before it is archived (R7.3).
    with pytest.raises(yq.TransitionError):
        case.fire("archive", at=cst(2026, 2, 19, 12, 0), actor="乡应急办公室")
    assert (case.state, case.events, case.version) == before


def test_one_report_meets_both_twin_duties_when_flag_and_level_apply_from_the_start() -> None:
    policy = yq.presets.load("township")
    incident = yq.Incident(
        id="QL-TWIN",
        title="乡道落石致车辆受损",
        discovered_at=cst(2025, 10, 2, 21, 10),
        flags=frozenset({"emergency"}),
    )
    case = policy.open_case(incident, at=cst(2025, 10, 2, 21, 15), actor="m", severity="major")
    case.fire("report", at=cst(2025, 10, 2, 21, 30), actor="m", role="office", kind="report")
    # Preset note R7.2: "二者同时适用时各自计时、到期相同，一次带 role = office、kind 的报告同时
    # 履行两条". Both first reports: 21:10 + 1 h -> 22:10, met at 21:30.
    first = [o for o in case.obligations if o.kind == "report"]
    assert [(o.id, o.due_at, o.met_at) for o in first] == [
        ("first-report-emergency", cst(2025, 10, 2, 22, 10), cst(2025, 10, 2, 21, 30)),
        ("first-report-major", cst(2025, 10, 2, 22, 10), cst(2025, 10, 2, 21, 30)),
    ]
