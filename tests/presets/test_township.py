"""The township preset (RULES S7): the key values it encodes, and its worked scenario. The scenario:
a rock fall found by the holiday watch on National Day 2025 is reported within the hour and
specially reported within 4 hours, on elapsed-hour periods the holiday does not move, and followed
to its review and archive; an opinion flagged as an emergency during Spring Festival 2026 is
escalated to major and its special report, held to the earlier due (P7), comes late."""

from __future__ import annotations

from datetime import datetime

import pytest

import yuqing_core as yq
from tests.helpers import D, cst, keys, ob, rows, run, state_path
from yuqing_core.render.timeline import render

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
    # R7.2: the source's name for the 4-hour report is 特报.
    assert (special.label, by_level.label) == ("特报", "特报")
    duties = {d.id: d for d in p.spec.monitoring}
    # R7.1: the holiday watch runs in the official holiday blocks, not on every weekend.
    assert (duties["holiday-watch"].during, duties["holiday-watch"].rest_days_only) == (
        ("holidays",),
        False,
    )
    (holidays,) = p.spec.periods
    assert (holidays.id, holidays.label, holidays.rule) == (
        "holidays",
        "重大节假日",
        "official_holidays",
    )
    assert duties["unit-workday-monitoring"].on_rest_day == "skip"
    # R7.2: the weekly report goes to the township emergency office (乡应急办公室).
    weekly = duties["weekly-report"]
    assert (weekly.role, weekly.recipient) == ("monitor", "office")
    assert weekly.rrule.startswith("FREQ=WEEKLY;BYDAY=FR")
    assert p.roles["office"] == "乡应急办公室"
    assert p.spec.workflow.review_required_from is yq.Severity.GENERAL


def _roster(start: datetime, end: datetime) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in yq.presets.load("township").monitoring_duties(start, end):
        out.setdefault(d.duty_id, []).append(f"{d.due_at:%m-%d %H:%M}")
    return out


def test_holiday_watch_on_national_day_2025_only_not_on_weekends() -> None:
    # National Day 2025: 1-8 Oct off; Sat 27 Sep an ordinary weekend, Sun 28 Sep and Sat 11 Oct
    # make-up working days, Sun 12 Oct an ordinary weekend.
    duties = _roster(cst(2025, 9, 26), cst(2025, 10, 14))
    assert duties["holiday-watch"] == [f"10-{d:02d} 23:59" for d in range(1, 9)]
    # R7.1 7x24: every day, rest days included (26 Sep .. 13 Oct: 18 days).
    assert len(duties["round-the-clock-watch"]) == 18
    # R7.1 units on working days (调休 make-up days included), none in the holiday block.
    assert duties["unit-workday-monitoring"] == [
        "09-26 23:59",
        "09-28 23:59",
        "09-29 23:59",
        "09-30 23:59",
        "10-09 23:59",
        "10-10 23:59",
        "10-11 23:59",
        "10-13 23:59",
    ]
    # R7.2 weekly report, Fridays 17:00 (Fri 3 Oct is in the holiday: the source does not move it).
    assert duties["weekly-report"] == ["09-26 17:00", "10-03 17:00", "10-10 17:00"]


def test_holiday_watch_across_spring_festival_2026() -> None:
    # Spring Festival 2026: 15-23 Feb off (nine days); Sat 7 / Sun 8 Feb and Sun 1 Mar are
    # ordinary weekends, Sat 14 and Sat 28 Feb make-up working days: no holiday watch on them.
    duties = _roster(cst(2026, 2, 6), cst(2026, 3, 2))
    assert duties["holiday-watch"] == [f"02-{d:02d} 23:59" for d in range(15, 24)]
    assert "02-14 23:59" in duties["unit-workday-monitoring"]
    assert "02-28 23:59" in duties["unit-workday-monitoring"]
    assert [d for d in duties["unit-workday-monitoring"] if "02-15" <= d < "02-24"] == []


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
    # The late one is the 特报 in every output (R7.2), to 乡应急办公室.
    late = next(o for o in case.obligations if o.id == "special-report-emergency")
    assert (late.label, case.policy.roles[late.role]) == ("特报", "乡应急办公室")
    assert "特报 → 乡应急办公室" in render(case, sim.now)


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
