"""The hr-bureau preset (RULES S6): the key values it encodes, and its worked scenario. The
scenario: a problem opinion found during National Day 2025 goes up the approval chain (报送员 →
监督员 → working group → director → city bureau) to its archive; an opinion first judged higher
during Spring Festival 2026 is downgraded with a recorded reason; an ordinary (positive) one goes
up the chain too and is archived. The source sets no time limit: the chain's steps are owed in
order (``[[workflow.order]]`` with ``to``) with no due instant, so nothing is ever breached."""

from __future__ import annotations

from datetime import date

import pytest

import yuqing_core as yq
from tests.helpers import cst, fmt, run, state_path
from yuqing_core.render.reports import render_quick_report

PROBLEM = "RS-2025-1003-01"
RUMOUR = "RS-2026-0216-02"
POSITIVE = "RS-2026-0225-03"


# -- what it encodes: the key values of its source, by hand from RULES.md and the seeds ------


def test_hr_bureau_s6_four_classes_two_institution_defined() -> None:
    p = yq.presets.load("hr-bureau")
    levels = [(str(lv.severity), lv.label, lv.institution_defined) for lv in p.spec.levels]
    assert levels == [
        ("low", "普通舆情信息", False),
        ("general", "问题舆情信息", False),
        ("significant", None, True),
        ("major", None, True),
    ]
    # R6.3's chain, from where the source starts (报送员 → 监督员), each step sent by the one
    # before; no deadline (the source gives none).
    chain = [(o.id, o.role, o.by, o.after, o.within) for o in p.spec.obligations]
    assert chain == [
        ("info-report", "monitor", "info_reporter", None, None),
        ("form-to-group", "working_group", "monitor", "info-report", None),
        ("group-to-director", "bureau_director", "working_group", "form-to-group", None),
        ("director-to-city", "city_bureau", "bureau_director", "group-to-director", None),
    ]
    order = [(o.trigger.value, o.to, o.obligations) for o in p.spec.workflow.order]
    assert order == [
        ("report", ("working_group",), ("info-report",)),
        ("report", ("bureau_director",), ("form-to-group",)),
        ("report", ("city_bureau",), ("group-to-director",)),
        ("archive", (), ("director-to-city",)),
    ]
    assert {"working_group", "bureau_director", "city_bureau"} <= set(p.roles)


# -- its worked scenario ------------------------------------------------------------------


def test_problem_opinion_up_the_approval_chain_whole_life() -> None:
    sim = run("hr-bureau")
    assert sim.now is not None
    case = sim.cases[PROBLEM]
    assert state_path(case) == [
        ("open", "registered"),
        ("report", "reported"),
        ("assess", "reported"),
        ("report", "reported"),
        ("report", "reported"),
        ("report", "reported"),
        ("archive", "archived"),
    ]
    # Opened with no judgement: the lowest level, 普通舆情信息 (low); the monitor's 研判 raises
    # it to 问题舆情信息 (general, R6.1), a human judgement (P8).
    assert case.events[0].data["severity"] == "low"
    assert case.severity.key == "general"
    # R6.3 chain: reporter -> monitor -> working group -> director -> city bureau.
    assert [e.data["role"] for e in case.events if e.trigger == "report"] == [
        "monitor",
        "working_group",
        "bureau_director",
        "city_bureau",
    ]
    # R6.3 gives no time limit (the preset's notes): each step is owed from the one before it
    # is met (Fri 3 Oct 2025 is a National Day rest day; no clock runs, so it changes nothing),
    # has no due instant and is never breached.
    assert [(o.id, fmt(o.anchor_at), fmt(o.met_at), o.timed) for o in case.obligations] == [
        ("info-report", "2025-10-03 10:20", "2025-10-03 11:00", False),
        ("form-to-group", "2025-10-03 11:00", "2025-10-03 15:00", False),
        ("group-to-director", "2025-10-03 15:00", "2025-10-04 10:00", False),
        ("director-to-city", "2025-10-04 10:00", "2025-10-04 16:00", False),
    ]
    assert case.is_closed


def test_each_step_of_the_chain_waits_for_the_one_before() -> None:
    sim = run("hr-bureau")
    events = sim.cases[PROBLEM].events
    # As it stood after the reporter's report and the 研判 (open, report, assess).
    case = yq.Case.replay(sim.policy, events[:3])
    at = cst(2025, 10, 3, 12)
    before = (case.state, case.events, case.version)
    for role, message in [
        ("bureau_director", "report: form-to-group (to be met or waived) must come first（R6.3）"),
        ("city_bureau", "report: group-to-director (not yet owed) must come first（R6.3）"),
    ]:
        with pytest.raises(yq.TransitionError) as e:
            case.fire("report", at=at, actor="局长", role=role, by="bureau_director")
        assert str(e.value).split(" (allowed")[0] == message
    with pytest.raises(yq.TransitionError) as e:
        case.fire("archive", at=at, actor="局宣传信息中心")
    assert str(e.value).split(" (allowed")[0] == (
        "archive: director-to-city (not yet owed) must come first（R6.3）"
    )
    assert (case.state, case.events, case.version) == before
    # And the working group's report waits for the reporter's on a case opened without it.
    fresh = yq.Case.replay(sim.policy, events[:1])
    with pytest.raises(yq.TransitionError) as e:
        fresh.fire("report", at=at, actor="hr-monitor-1", role="working_group", by="monitor")
    assert str(e.value).split(" (allowed")[0] == (
        "report: info-report (to be met or waived) must come first（R6.3）"
    )


def test_rumour_downgraded_with_reason_then_reported() -> None:
    sim = run("hr-bureau")
    assert sim.now is not None
    case = sim.cases[RUMOUR]
    assert state_path(case) == [
        ("open", "registered"),
        ("downgrade", "registered"),
        ("report", "reported"),
        ("report", "reported"),
    ]
    # Judged significant at opening (an institution-defined class of R6.1), lowered to general
    # with a recorded reason and actor (P6).
    assert case.events[0].data["severity"] == "significant"
    downgrade = case.events[1]
    assert (downgrade.actor, downgrade.data["severity"]) == ("局舆情监督工作组", "general")
    assert downgrade.data["reason"]
    assert case.severity.key == "general"
    # Found Mon 16 Feb 2026 (除夕, a Spring Festival rest day); the chain reached the working
    # group on Tue 24 Feb and waits there, untimed: owed, never breached.
    assert [(o.id, o.timed, fmt(o.met_at), o.status(sim.now)) for o in case.obligations] == [
        ("info-report", False, "2026-02-24 10:00", "met"),
        ("form-to-group", False, "2026-02-24 11:00", "met"),
        ("group-to-director", False, None, "pending"),
    ]
    # Mid-life: before the downgrade, the case stood at significant and could go either way.
    opened = yq.Case.replay(case.policy, case.events[:1])
    assert opened.severity.key == "significant"
    # Archive waits for the chain to reach the city bureau (R6.3), so it is not offered yet.
    allowed = set(opened.allowed_triggers())
    assert {"assess", "report", "dismiss"} <= allowed
    assert "archive" not in allowed


def test_downgrade_without_reason_is_refused() -> None:
    sim = run("hr-bureau")
    case = yq.Case.replay(sim.policy, sim.cases[RUMOUR].events[:1])
    with pytest.raises(yq.TransitionError, match="reason"):
        case.fire(
            "downgrade", at=cst(2026, 2, 24, 9, 30), actor="局舆情监督工作组", severity="general"
        )
    assert case.version == 1
    assert case.severity.key == "significant"


def test_ordinary_positive_report_archived_and_nothing_breached() -> None:
    sim = run("hr-bureau")
    assert sim.now is not None
    case = sim.cases[POSITIVE]
    assert state_path(case) == [
        ("open", "registered"),
        ("report", "reported"),
        ("assess", "reported"),
        ("report", "reported"),
        ("report", "reported"),
        ("report", "reported"),
        ("archive", "archived"),
    ]
    assert case.severity.key == "low"
    # Ordinary information goes up the same chain (the source excludes no class).
    assert [(o.id, fmt(o.met_at)) for o in case.obligations] == [
        ("info-report", "2026-02-25 09:10"),
        ("form-to-group", "2026-02-25 09:40"),
        ("group-to-director", "2026-02-25 10:00"),
        ("director-to-city", "2026-02-25 10:20"),
    ]
    assert all(not o.timed for c in sim.cases.values() for o in c.obligations)
    assert sim.breaches() == []


def test_the_quick_report_form_of_the_problem_opinion() -> None:
    sim = run("hr-bureau")
    incident = sim.cases[PROBLEM].incident
    # R6.2: the form's fields, from the case found Fri 3 Oct 2025 (a National Day rest day),
    # reported the same day; the reporter's name and phone are personal data (X4), left out
    # of the default output; the approval rows of R6.3 are left for the working group and
    # the director.
    form = render_quick_report(
        sim.policy,
        incident,
        report_date=date(2025, 10, 3),
        place="某街道",
        negative_impact="可能引起群众误读",
    )
    assert form.splitlines()[4:] == [
        "| 项目 | 内容 |",
        "| --- | --- |",
        "| 发生日期 | 2025年10月3日 |",
        "| 发生地点 | 某街道 |",
        "| 标题 | 自媒体称“国庆后灵活就业人员社保补贴停发”，与现行政策不符 |",
        "| 主要内容 | 报道与现行补贴政策不符，可能引起群众误读；街道工作站报送员报送 |",
        "| 负面影响 | 可能引起群众误读 |",
        "| 报送员姓名 | （未填写） |",
        "| 报送日期 | 2025年10月3日 |",
        "| 联系电话 | （未填写） |",
        "| 工作组审核意见 |  |",
        "| 局长审定签字 |  |",
    ]
