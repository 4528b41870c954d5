"""The kindergarten-security preset (RULES S11): the key values it encodes, and its worked scenario.
The scenario: three network-security incidents over Spring Festival 2026, whose 24-hour notice to
the principal's office runs through the rest days: a defaced website judged serious and reported to
the police, then archived; a server failure told to the principal's office only after the holiday;
and an attack never told at all."""

from __future__ import annotations

import yuqing_core as yq
from tests.helpers import D, cst, fmt, keys, ob, rows, run, state_path

CASE_A = "WA-2026-0214-01"
CASE_B = "WA-2026-0218-02"
CASE_C = "WA-2026-0222-03"


# -- what it encodes: the key values of its source, by hand from RULES.md and the seeds ------


def test_kindergarten_security_s11() -> None:
    p = yq.presets.load("kindergarten-security")
    notify = ob(p, "notify-principal")
    assert (notify.kind, notify.role, notify.within, notify.any_flags) == (
        "notify",
        "principal_leader",
        D("24h"),
        ("network_security",),
    )
    police = ob(p, "serious-police-report")
    assert (police.role, keys(police.levels), police.within) == (
        "law_enforcement",
        ("major",),
        D("24h"),
    )
    assert set(police.met_by) == {"refer", "report"}
    assert all(o.any_flags == ("network_security",) for o in p.spec.obligations)
    assert p.spec.timing.immediate_grace is None


# -- its worked scenario ------------------------------------------------------------------


def test_defaced_website_reported_to_police_whole_life() -> None:
    sim = run("kindergarten-security")
    assert sim.now is not None
    case = sim.cases[CASE_A]
    assert state_path(case) == [
        ("open", "registered"),
        ("acknowledge", "registered"),
        ("assess", "assessed"),
        ("escalate", "assessed"),
        ("report", "reported"),
        ("start", "handling"),
        ("archive", "archived"),
    ]
    assert case.state == "archived"
    assert case.severity == yq.Severity.MAJOR
    # The flag network_security gives the floor general (R11.1); the principal's office judged
    # it serious (P8) and escalated it with a reason.
    assert case.events[0].data["severity"] == "general"
    assert case.events[3].data["reason"].startswith("首页被植入违法链接")
    # Found Sat 14 Feb 2026 22:30 (a make-up working day).
    # R11.1 "24小时告知园长室": 24 elapsed hours from discovery -> Sun 15 Feb 22:30, a Spring
    # Festival rest day; hours are not moved off rest days. Acknowledged 08:00.
    # R11.1 "事情严重的要向公安机关报告": owed from the escalation, Sun 15 Feb 09:00 (P7),
    # 24 h (the preset's reading) -> Mon 16 Feb 09:00; reported 10:30 that Sunday.
    assert rows(case, sim.now) == [
        ("notify-principal", "2026-02-15 22:30", "2026-02-15 08:00", "met"),
        ("serious-police-report", "2026-02-16 09:00", "2026-02-15 10:30", "met"),
    ]
    police = next(o for o in case.obligations if o.id == "serious-police-report")
    assert fmt(police.anchor_at) == "2026-02-15 09:00"


def test_police_report_may_be_a_referral() -> None:
    sim = run("kindergarten-security")
    case = sim.cases[CASE_A]
    judged = yq.Case.replay(case.policy, case.events[:4])
    assert [o.id for o in judged.open_obligations()] == ["serious-police-report"]
    judged.fire("refer", at=cst(2026, 2, 15, 10, 30), actor="网络中心", to="law_enforcement")
    police = next(o for o in judged.obligations if o.id == "serious-police-report")
    assert (fmt(police.met_at), police.status(cst(2026, 2, 16, 12, 0))) == (
        "2026-02-15 10:30",
        "met",
    )


def test_server_failure_told_only_after_the_holiday() -> None:
    sim = run("kindergarten-security")
    assert sim.now is not None
    case = sim.cases[CASE_B]
    assert state_path(case) == [
        ("open", "registered"),
        ("start", "handling"),
        ("acknowledge", "handling"),
    ]
    # Found Wed 18 Feb 2026 09:15 (a Spring Festival rest day): 24 h -> Thu 19 Feb 09:15,
    # also a rest day, not moved. The principal's office heard of it on the first working day,
    # Tue 24 Feb 08:30: late.
    assert rows(case, sim.now) == [
        ("notify-principal", "2026-02-19 09:15", "2026-02-24 08:30", "late"),
    ]
    notice = case.obligations[0]
    # 75% of the 24 h has passed at 19 Feb 03:15.
    assert notice.status(cst(2026, 2, 19, 3, 14)) == "pending"
    assert notice.status(cst(2026, 2, 19, 3, 15)) == "due_soon"
    assert notice.status(cst(2026, 2, 19, 9, 16)) == "breached"
    assert notice.status(cst(2026, 2, 24, 8, 30)) == "late"


def test_attack_never_told_is_breached() -> None:
    sim = run("kindergarten-security")
    assert sim.now is not None
    case = sim.cases[CASE_C]
    assert state_path(case) == [("open", "registered")]
    # Found Sun 22 Feb 2026 16:00: 24 h -> Mon 23 Feb 16:00 (the last rest day); unmet.
    assert rows(case, sim.now) == [
        ("notify-principal", "2026-02-23 16:00", None, "breached"),
    ]
    assert sim.breaches() == [(CASE_C, "notify-principal")]


def test_without_the_flag_nothing_is_owed() -> None:
    policy = yq.presets.load("kindergarten-security")
    found = cst(2026, 2, 14, 22, 30)
    inc = yq.Incident(id="WA-X", title="家长群转发的育儿文章", discovered_at=found)
    case = policy.open_case(inc, at=found, actor="网络中心值班员")
    assert case.obligations == ()
