"""The names promised in shared/API.md, called exactly as written there."""

from __future__ import annotations

import inspect
from datetime import date

import pytest

import yuqing_core as yq
from tests.helpers import cst


def test_time_names() -> None:
    assert yq.Duration.parse("90min") == yq.Duration.parse("1h30min")
    for text in ("3h", "3d", "1wd", "same_day", "now"):
        yq.Duration.parse(text)
    with pytest.raises(yq.PolicyError, match="'soon'"):
        yq.Duration.parse("soon")
    params = inspect.signature(yq.WorkCalendar.china).parameters
    assert list(params)[:5] == [
        "tz",
        "business_close",
        "extra_rest_days",
        "extra_work_days",
        "immediate_grace",
    ][:5] or list(params)[:4] == ["tz", "business_close", "extra_rest_days", "extra_work_days"]
    cal = yq.WorkCalendar.china(
        tz="Asia/Shanghai", business_close=None, extra_rest_days=(), extra_work_days=()
    )
    assert cal.is_working_day(date(2025, 9, 28)) is True
    assert cal.due(cst(2025, 9, 30, 10), "1wd") == cst(2025, 10, 10)
    assert cal.due(cst(2025, 9, 30, 10), yq.Duration.parse("1wd")) == cst(2025, 10, 10)
    with pytest.raises(yq.CalendarCoverageError):
        cal.due(cst(2099, 1, 1), "1wd")


def test_policy_names() -> None:
    assert yq.presets.names() == [
        "gov-response",
        "university-plan",
        "school-tiered",
        "vocational-grades",
        "park-message-board",
        "hr-bureau",
        "township",
        "school-thresholds",
        "four-level-response",
        "university-informants",
        "kindergarten-security",
    ]
    policy = yq.presets.load("school-thresholds")
    assert policy.name == "school-thresholds"
    assert isinstance(policy.calendar, yq.WorkCalendar)
    inc = yq.Incident(
        id="A",
        title="t",
        discovered_at=cst(2025, 11, 3, 9),
        metrics=(yq.Metrics(observed_at=cst(2025, 11, 3, 8), views=3000),),
    )
    result = policy.assess(inc, at=None)
    assert isinstance(result, yq.Assessment)
    assert result.severity is yq.Severity.CRITICAL
    assert result.grade is None
    assert isinstance(result.reasons, list)
    assert any("R8.3" in r for r in result.reasons)
    case = policy.open_case(inc, at=cst(2025, 11, 3, 9), actor="m", severity=None, reason=None)
    assert case.severity is yq.Severity.CRITICAL
    assert yq.load_policy({"name": "x", "title": "t"}).name == "x"


def test_incident_names() -> None:
    inc = (
        yq.Incident("A", "t", cst(2025, 11, 3, 9))
        if False
        else yq.Incident(
            id="A",
            title="t",
            discovered_at=cst(2025, 11, 3, 9),
            posted_at=None,
            category=yq.Category.OTHER,
            metrics=(),
            flags=frozenset(),
            source=None,
        )
    )
    m = yq.Metrics(observed_at=cst(2025, 11, 3, 9), views=0, comments=0, reposts=0, outlets=0)
    assert inc.with_metrics(m).metrics == (m,)
    assert [s.name for s in yq.Severity] == ["LOW", "GENERAL", "SIGNIFICANT", "MAJOR", "CRITICAL"]
    assert all(s.label for s in yq.Severity)
    assert [c.name for c in yq.Category] == [
        "SUGGESTION",
        "INQUIRY",
        "HYPE",
        "FABRICATION",
        "OTHER",
    ]
    for flag in (
        "superior_instruction",
        "emergency",
        "major_emergency",
        "mass_incident",
        "high_attention",
        "public_safety",
        "food_safety",
        "public_health",
        "natural_disaster",
        "production_quality",
        "security_secrecy",
        "network_security",
    ):
        assert flag in yq.KNOWN_FLAGS


def test_case_names(tmp_path: object) -> None:
    policy = yq.presets.load("school-tiered")
    case = policy.open_case(
        yq.Incident(id="A", title="t", discovered_at=cst(2025, 11, 3, 9)),
        at=cst(2025, 11, 3, 9),
        actor="m",
    )
    assert (case.id, case.state, case.severity, case.version) == (
        "A",
        "registered",
        yq.Severity.GENERAL,
        1,
    )
    assert "report" in case.allowed_triggers()
    event = case.fire("report", at=cst(2025, 11, 3, 10), actor="m")
    assert (event.trigger, event.at, event.actor, dict(event.data)) == (
        "report",
        cst(2025, 11, 3, 10),
        "m",
        {},
    )
    assert case.events[-1] == event
    ob = case.obligations[0]
    assert (ob.kind, ob.role, ob.rule, ob.met_at) == (
        "report",
        "business_supervisor",
        "R3.1",
        cst(2025, 11, 3, 10),
    )
    assert ob.due_at == cst(2025, 11, 5)
    assert ob.status(cst(2025, 11, 6)) == "met"
    assert yq.Case.replay(policy, case.events) == case
    assert yq.Case.from_json(policy, case.to_json()) == case
    with pytest.raises(yq.TransitionError):
        case.fire("archive", at=cst(2025, 11, 3, 11), actor="m", nonsense=1)


def test_persistence_and_checking_names(tmp_path: object) -> None:
    import pathlib

    assert isinstance(tmp_path, pathlib.Path)
    policy = yq.presets.load("school-tiered")
    store = yq.SQLiteStore(tmp_path / "s.db")
    case = policy.open_case(
        yq.Incident(id="A", title="t", discovered_at=cst(2025, 11, 3, 9)),
        at=cst(2025, 11, 3, 9),
        actor="m",
    )
    store.save(case)
    assert store.load(policy, "A") == case
    items = store.due_before(cst(2025, 11, 30), limit=100)
    assert [(i.case_id, i.kind, i.role, i.due_at) for i in items] == [
        ("A", "report", "business_supervisor", cst(2025, 11, 5)),
        ("A", "initial_response", "handling_unit", cst(2025, 11, 7)),
    ]
    findings = yq.lint(policy)
    assert all(isinstance(f, yq.Finding) for f in findings)
    from yuqing_core.testing import assert_policy_sound

    assert_policy_sound(policy)


def test_errors_share_one_base() -> None:
    for err in (
        yq.PolicyError,
        yq.TransitionError,
        yq.CalendarCoverageError,
        yq.ConflictError,
        yq.StoreError,
        yq.DuplicateCaseError,
        yq.CorruptCaseError,
        yq.NaiveDatetimeError,
        yq.ReportError,
        yq.PauseError,
        yq.AccountabilityError,
    ):
        assert issubclass(err, yq.YuqingError)
