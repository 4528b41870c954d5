"""The testing kit: soundness checks, strategies, commands and the pytest plugin.

Expected due instants are worked out by hand from the official calendar: National Day 2025
is 10-01..10-08 off with 09-28 (Sun) and 10-11 (Sat) worked; Spring Festival 2026 is
02-15..02-23 off with 02-14 (Sat) and 02-28 (Sat) worked.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import textwrap
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.model import METRIC_NAMES
from yuqing_core.policy.lint import Finding
from yuqing_core.policy.schema import PolicySpec
from yuqing_core.testing import (
    Clock,
    Command,
    apply_commands,
    assert_policy_sound,
    command_sequences,
    commands,
    incidents,
    metric_histories,
    soundness_findings,
)
from yuqing_core.testing.soundness import (
    CHECKS,
    check_deadline_order,
    check_final_reachable,
    check_monotone_severity,
    check_obligations_can_be_met,
    check_report_before_response,
    check_roles,
    final_unreachable,
)
from yuqing_core.testing.strategies import policy_flags

pytest_plugins = ["pytester"]

PRESETS = yq.presets.names()
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NO_DJANGO = ("-p", "no:django")
"""The runs of a host's suite in this process leave pytest-django out: it set Django up for
the Django app's tests already, and a second set-up in one process is refused."""


def _policy(**extra: Any) -> yq.Policy:
    return yq.load_policy({"name": "broken", "title": "有问题的制度", **extra})


def _ob(ident: str, kind: str, role: str, within: str, *levels: str, **extra: Any) -> Any:
    return {
        "id": ident,
        "rule": "X",
        "kind": kind,
        "role": role,
        "within": within,
        "levels": list(levels),
        **extra,
    }


# -- assert_policy_sound on the presets -------------------------------------------------------


def test_there_are_presets_to_check() -> None:
    assert "school-tiered" in PRESETS


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_is_sound(name: str) -> None:
    assert_policy_sound(yq.presets.load(name))
    assert_policy_sound(name)


@pytest.mark.parametrize("name", PRESETS)
def test_every_check_passes_on_every_preset(name: str) -> None:
    policy = yq.presets.load(name)
    for check in CHECKS:
        assert check(policy) == [], check.__name__


# -- each property check on a broken policy ---------------------------------------------------

LOOSER = _policy(
    levels=[{"severity": "general"}, {"severity": "major"}],
    obligations=[
        _ob("general-report", "report", "office", "3h", "general"),
        _ob("major-report", "report", "office", "1wd", "major"),
    ],
)


def test_a_looser_deadline_at_a_higher_level_is_found() -> None:
    # From Sunday 2025-09-28 10:00 (a make-up working day): 3h is 13:00; 1 working day is
    # Monday 09-29, ending at 24:00, i.e. 09-30 00:00.
    assert check_deadline_order(LOOSER) == [
        Finding(
            "error",
            "obligations[1].within",
            "major-report (major, 1wd) falls due 2025-09-30 00:00 but general-report "
            "(general, 3h) falls due 2025-09-28 13:00 when both start 2025-09-28 10:00: "
            "a higher level must never have a looser report deadline to office "
            "(领导小组办公室) than a lower one",
        )
    ]


def test_a_deadline_looser_only_across_a_holiday_is_found() -> None:
    # 2d against 1wd: from Friday 2026-02-13 17:45, 1 working day is Saturday 02-14 (worked),
    # due 02-15 00:00; the 2-day period ends on 02-15, a rest day, so it moves to the first
    # working day after the holiday, 02-24, due 02-25 00:00. Earlier anchors: the 2-day
    # period from 2025-09-28 10:00 ends 09-30 24:00, after 1wd (09-29 24:00), so found first.
    policy = _policy(
        levels=[{"severity": "general"}, {"severity": "major"}],
        obligations=[
            _ob("g", "initial_response", "handling_unit", "1wd", "general"),
            _ob("m", "initial_response", "handling_unit", "2d", "major"),
        ],
    )
    (finding,) = check_deadline_order(policy)
    assert finding.message.startswith(
        "m (major, 2d) falls due 2025-10-01 00:00 but g (general, 1wd) falls due "
        "2025-09-30 00:00 when both start 2025-09-28 10:00"
    )


def test_deadlines_of_different_roles_kinds_or_anchors_are_not_compared() -> None:
    policy = _policy(
        levels=[{"severity": "general"}, {"severity": "major"}],
        obligations=[
            _ob("g", "report", "office", "3h", "general"),
            _ob("m-role", "report", "principal_leader", "3d", "major"),
            _ob("m-kind", "feedback", "office", "3d", "major"),
            _ob("m-anchor", "report", "office", "3d", "major", anchor="assign"),
            _ob("both", "summary", "office", "3d"),
        ],
    )
    assert check_deadline_order(policy) == []


def test_an_equal_or_tighter_higher_deadline_passes() -> None:
    policy = _policy(
        levels=[{"severity": "general"}, {"severity": "major"}, {"severity": "critical"}],
        obligations=[
            _ob("g", "initial_response", "handling_unit", "3wd", "general"),
            _ob("m", "initial_response", "handling_unit", "3d", "major"),
            _ob("c", "initial_response", "handling_unit", "72h", "critical"),
        ],
    )
    assert check_deadline_order(policy) == []


REPORT_LATE = [
    _ob("general-report", "report", "office", "3wd", "general"),
    _ob("general-response", "initial_response", "handling_unit", "1wd", "general"),
]


def test_a_report_due_after_the_response_is_found() -> None:
    # From 2025-09-28 10:00: 3 working days are 09-29, 09-30 and 10-09 (after the holiday),
    # due 10-10 00:00; 1 working day is 09-29, due 09-30 00:00.
    assert check_report_before_response(_policy(obligations=REPORT_LATE)) == [
        Finding(
            "error",
            "obligations[0].within",
            "general-report (general, 3wd) falls due 2025-10-10 00:00, after general-response "
            "(initial_response, 1wd) due 2025-09-30 00:00, when both start 2025-09-28 10:00: "
            "a report must not fall due after the response it precedes; if that is meant, say "
            "so in the reading of general-report or in a note naming it "
            "(“晚于回应” / “after the response”)",
        )
    ]


@pytest.mark.parametrize(
    "extra",
    [
        {"obligations": [{**REPORT_LATE[0], "reading": "事后报告，晚于回应"}, REPORT_LATE[1]]},
        {
            "obligations": [
                {**REPORT_LATE[0], "reading": "Filed After the Response."},
                REPORT_LATE[1],
            ]
        },
        {"obligations": REPORT_LATE, "notes": ["general-report 为事后书面报告，晚于回应。"]},
    ],
)
def test_a_file_can_say_that_a_report_follows_the_response(extra: dict[str, Any]) -> None:
    assert check_report_before_response(_policy(**extra)) == []


def test_a_note_must_name_the_report_to_excuse_it() -> None:
    policy = _policy(obligations=REPORT_LATE, notes=["其他报告可以晚于回应。"])
    assert [f.path for f in check_report_before_response(policy)] == ["obligations[0].within"]


def test_an_unknown_role_is_found_in_a_bare_spec() -> None:
    spec = PolicySpec.model_validate(
        {
            "name": "roles",
            "title": "角色",
            "roles": [{"id": "dean", "label": "院长"}],
            "obligations": [_ob("r", "report", "provost", "3h"), _ob("d", "report", "dean", "3h")],
            "ladders": [
                {
                    "id": "l",
                    "rule": "X",
                    "steps": [
                        {"role": "office", "timeout": "1h"},
                        {"role": "rector", "timeout": "1h"},
                    ],
                }
            ],
            "monitoring": [
                {
                    "id": "p",
                    "rule": "X",
                    "kind": "patrol",
                    "role": "watchman",
                    "rrule": "FREQ=DAILY;BYHOUR=9",
                }
            ],
        }
    )
    tail = "is not a role of this policy (a canonical role or one under [[roles]])"
    assert check_roles(spec) == [
        Finding("error", "obligations[0].role", f"'provost' {tail}"),
        Finding("error", "ladders[0].steps[1].role", f"'rector' {tail}"),
        Finding("error", "monitoring[0].role", f"'watchman' {tail}"),
    ]


def test_a_state_that_cannot_reach_a_final_state_is_found() -> None:
    table = [
        ("start", "registered", "handling"),
        ("respond", "handling", "responded"),
        ("respond", "responded", None),
        ("archive", "registered", "archived"),
    ]
    states = ["registered", "handling", "responded", "archived"]
    msg = "no commands lead from {!r} to a final stage (archived, dismissed)"
    assert final_unreachable(states, table) == [
        Finding("error", "workflow.stages[1]", msg.format("handling")),
        Finding("error", "workflow.stages[2]", msg.format("responded")),
    ]
    assert final_unreachable(states, [*table, ("archive", "responded", "archived")]) == []


def test_every_stage_of_a_short_workflow_reaches_a_final_state() -> None:
    policy = _policy(
        workflow={"stages": ["registered", "handling", "archived"], "dismissable": False}
    )
    assert check_final_reachable(policy) == []


def test_an_obligation_no_command_can_meet_is_found() -> None:
    # Once reviewed, a case can only be archived or reopened (back to handling): 'start'
    # never fires again.
    policy = _policy(
        obligations=[
            _ob("late-start", "handling_report", "office", "1d", anchor="review", met_by=["start"]),
            _ob("archive-report", "report", "office", "1d", met_by=["archive"]),
            _ob("after-archive", "feedback", "office", "1d", after="archive-report"),
        ]
    )
    assert check_obligations_can_be_met(policy) == [
        Finding(
            "error",
            "obligations[0].met_by",
            "no command meets late-start: 'start' cannot fire in any stage the case can be in "
            "while it is owed (from 'review'; stages: handling, reply_drafted, reply_approved, "
            "responded, tracking, stabilized, reviewed)",
        ),
        Finding(
            "error",
            "obligations[2].kind",
            "no command meets after-archive: 'report' cannot fire in any stage the case can be "
            "in while it is owed (once 'archive-report' is met; stages: none)",
        ),
    ]


def test_a_level_that_falls_as_a_count_rises_is_found() -> None:
    policy = _policy(
        assessment={
            "rules": [
                {
                    "id": "major-views",
                    "rule": "R8.2",
                    "level": "major",
                    "any_metrics": [{"metric": "views", "min": 1000, "max": 2999}],
                },
            ]
        }
    )
    assert check_monotone_severity(policy) == [
        Finding(
            "error",
            "assessment.rules[0]",
            "raising views from 2999 to 3000 lowers the level from major to general; a higher "
            "count must never give a lower level (P6)",
        )
    ]
    # The lint explains the same fall band by band; the sound check lists it once.
    lines = str(_raises(policy)).splitlines()[1:]
    assert [ln for ln in lines if ln.startswith("assessment.rules[0]:")] == []
    assert any("3000" in ln and "P6" in ln for ln in lines)


def test_a_fall_across_two_metrics_is_found_with_the_other_count() -> None:
    # views 1000+ gives major; comments 50..99 gives critical: with comments at 50, raising
    # comments to 100 ends the critical band while views keep major.
    policy = _policy(
        assessment={
            "rules": [
                {
                    "id": "major-views",
                    "rule": "A",
                    "level": "major",
                    "any_metrics": [{"metric": "views", "min": 1000}],
                },
                {
                    "id": "critical-comments",
                    "rule": "B",
                    "level": "critical",
                    "any_metrics": [{"metric": "comments", "min": 50, "max": 99}],
                },
            ]
        }
    )
    found = check_monotone_severity(policy)
    assert found[0] == Finding(
        "error",
        "assessment.rules[1]",
        "raising comments from 99 to 100 lowers the level from critical to general; a higher "
        "count must never give a lower level (P6)",
    )


def _raises(policy: Any, **kw: Any) -> AssertionError:
    with pytest.raises(AssertionError) as info:
        assert_policy_sound(policy, **kw)
    return info.value


def test_assert_policy_sound_lists_every_problem_one_per_line() -> None:
    policy = _policy(
        levels=[{"severity": "general"}, {"severity": "major"}],
        obligations=[
            *LOOSER.to_dict()["obligations"],
            *({**ob, "id": f"x-{ob['id']}"} for ob in REPORT_LATE),
        ],
    )
    text = str(_raises(policy))
    lines = text.splitlines()
    assert lines[0] == "policy 'broken' is not sound: 2 problems"
    assert lines[1].startswith("obligations[1].within: major-report (major, 1wd) falls due")
    assert lines[2].startswith("obligations[2].within: x-general-report (general, 3wd) falls due")
    assert [f.path for f in soundness_findings(policy)] == [
        "obligations[1].within",
        "obligations[2].within",
    ]


def test_warnings_are_problems_only_when_strict() -> None:
    policy = _policy(
        assessment={
            "rules": [
                {
                    "id": "major-outlets",
                    "rule": "R8.2",
                    "level": "major",
                    "any_metrics": [{"metric": "outlets", "min": 1, "max": 5}],
                },
                {
                    "id": "critical-outlets",
                    "rule": "R8.3",
                    "level": "critical",
                    "any_metrics": [{"metric": "outlets", "min": 5}],
                },
            ]
        }
    )
    assert_policy_sound(policy)
    assert str(_raises(policy, strict=True)).splitlines() == [
        "policy 'broken' is not sound: 1 problem",
        "assessment.rules[1].any_metrics[0]: outlets >= 5 (critical-outlets, critical) overlaps "
        "1 <= outlets <= 5 (major-outlets, major) at outlets = 5; critical wins (P2)",
    ]


def test_a_policy_that_does_not_load_is_reported_with_the_loader_messages(tmp_path: Any) -> None:
    assert str(_raises({"name": "x", "title": "t", "colour": "red"})).splitlines() == [
        "the policy is not sound: 1 problem",
        "colour: unknown key",
    ]
    path = tmp_path / "ours.toml"
    path.write_text('name = "ours"\ntitle = "某校"\n[timing]\nimmediate_grace = "soon"\n', "utf-8")
    assert str(_raises(str(path))).splitlines()[1] == (
        f"{path}: timing.immediate_grace: 'soon' is not a duration "
        "(write 90min, 3h, 3d, 1wd, same_day or now)"
    )
    path.write_text('extends = "school-tiered"\nname = "ours"\ntitle = "某校"\n', "utf-8")
    assert_policy_sound(path)


# -- strategies -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", PRESETS)
@SETTINGS
@given(data=st.data())
def test_incidents_are_what_the_policy_may_see(name: str, data: st.DataObject) -> None:
    policy = yq.presets.load(name)
    inc = data.draw(incidents(policy))
    assert inc.discovered_at.tzinfo is policy.calendar.zone
    assert cst(2025, 9, 1) <= inc.discovered_at < cst(2026, 7, 1)
    assert inc.discovered_at.second == 0
    assert inc.posted_at is None or inc.posted_at <= inc.discovered_at
    assert set(inc.flags) <= set(policy_flags(policy))
    for before, after in itertools.pairwise(inc.metrics):
        assert before.observed_at <= after.observed_at
        assert all(before.value(m) <= after.value(m) for m in METRIC_NAMES)
    if inc.metrics and inc.posted_at is not None:
        assert inc.metrics[0].observed_at >= inc.posted_at
    assert policy.open_case(inc, at=inc.discovered_at, actor="m").severity in policy.severities


def test_policy_flags_put_the_policys_own_first() -> None:
    flags = policy_flags(yq.presets.load("school-tiered"))
    # school-tiered's own flags (issue 14 added especially_major_emergency, R3.3), then the
    # known ones.
    assert flags[:3] == ["especially_major_emergency", "major_emergency", "superior_instruction"]
    assert set(flags) == set(yq.KNOWN_FLAGS) | {"especially_major_emergency"}


@SETTINGS
@given(data=st.data())
def test_incidents_respect_the_bounds_given(data: st.DataObject) -> None:
    policy = yq.presets.load("school-tiered")
    start, end = cst(2026, 2, 13, 9), cst(2026, 2, 13, 18)
    inc = data.draw(
        incidents(
            policy, start=start, end=end, categories=[yq.Category.HYPE], flags=["x_y"], posted=True
        )
    )
    assert start <= inc.discovered_at <= end
    assert inc.category is yq.Category.HYPE
    assert inc.flags <= {"x_y"}
    assert inc.posted_at is not None


def test_incidents_reach_the_band_bounds() -> None:
    policy = yq.presets.load("school-thresholds")
    inc = find(
        incidents(policy),
        lambda i: any(m.views == 3000 for m in i.metrics),
        settings=settings(max_examples=2000, database=None),
    )
    assert any(m.views == 3000 for m in inc.metrics)


@SETTINGS
@given(data=st.data())
def test_metric_histories_never_fall(data: st.DataObject) -> None:
    since, until = cst(2025, 10, 1, 8), cst(2025, 10, 1, 11)
    floor = {"views": 500}
    history = data.draw(
        metric_histories(since=since, until=until, min_size=1, max_size=5, floor=floor)
    )
    assert 1 <= len(history) <= 5
    assert all(since <= m.observed_at <= until for m in history)
    assert all(m.views >= 500 for m in history)
    for a, b in itertools.pairwise(history):
        assert all(a.value(m) <= b.value(m) for m in METRIC_NAMES)


def test_metric_histories_need_aware_times() -> None:
    from datetime import datetime

    with pytest.raises(yq.NaiveDatetimeError):
        metric_histories(since=datetime(2025, 10, 1), until=cst(2025, 10, 2))


@pytest.mark.parametrize("name", PRESETS)
@SETTINGS
@given(data=st.data())
def test_every_command_sequence_fires_on_a_fresh_case(name: str, data: st.DataObject) -> None:
    policy = yq.presets.load(name)
    inc = data.draw(incidents(policy))
    seq = data.draw(command_sequences(policy, incident=inc, max_size=12))
    case = policy.open_case(inc, at=inc.discovered_at, actor="monitor")
    events = apply_commands(case, seq, actor="officer")
    assert [e.trigger for e in events] == [c.trigger for c in seq]
    assert yq.Case.replay(policy, case.events) == case
    assert len(seq) <= 12


@pytest.mark.parametrize("name", PRESETS)
@SETTINGS
@given(data=st.data())
def test_sequences_from_the_highest_level(name: str, data: st.DataObject) -> None:
    policy = yq.presets.load(name)
    top = policy.severities[-1]
    seq = data.draw(command_sequences(policy, severity=top.key))
    case = policy.open_case(
        yq.Incident(id="YQ-HYPOTHESIS", title="测试舆情", discovered_at=cst(2025, 9, 30, 9)),
        at=cst(2025, 9, 30, 9),
        actor="m",
        severity=top,
    )
    apply_commands(case, seq)
    assert not seq or seq[0].trigger != "escalate"  # there is nothing above the top


def test_sequences_reach_a_final_state_and_use_the_triggers_asked_for() -> None:
    policy = yq.presets.load("school-tiered")
    # Archiving needs every started obligation met or waived first (no silent archive), so a
    # closing sequence is longer than before: room for the report, the response and archive.
    closing = find(
        command_sequences(policy, max_size=10),
        lambda seq: bool(seq) and seq[-1].trigger == "archive",
        settings=settings(max_examples=2000, database=None),
    )
    assert closing[-1].trigger == "archive"
    only = find(
        command_sequences(policy, triggers={"report", "respond"}, min_size=2, max_size=2),
        lambda seq: len(seq) == 2,
        settings=settings(database=None),
    )
    assert {c.trigger for c in only} <= {"report", "respond"}
    with pytest.raises(ValueError, match="unknown triggers"):
        command_sequences(policy, triggers={"fly"})


@pytest.mark.parametrize("name", PRESETS)
@SETTINGS
@given(data=st.data())
def test_single_commands_either_fire_or_change_nothing(name: str, data: st.DataObject) -> None:
    policy = yq.presets.load(name)
    setup = data.draw(command_sequences(policy, max_size=4))
    case = policy.open_case(
        yq.Incident(id="YQ-HYPOTHESIS", title="测试舆情", discovered_at=cst(2025, 9, 30, 9)),
        at=cst(2025, 9, 30, 9),
        actor="m",
    )
    apply_commands(case, setup)
    if case.is_closed:
        return
    command = data.draw(commands(policy, state=case.state))
    assert command.trigger in policy.workflow.triggers_from(case.state)
    before = (case.state, case.events, case.version, case.obligations)
    try:
        apply_commands(case, [command])
    except yq.TransitionError:
        assert (case.state, case.events, case.version, case.obligations) == before


def test_commands_refuse_an_unknown_state() -> None:
    with pytest.raises(ValueError, match="'nowhere' is not a stage"):
        commands(yq.presets.load("school-tiered"), state="nowhere")


def test_command_fills_in_the_observation_time() -> None:
    at = cst(2025, 10, 9, 10)
    command = Command("update_metrics", 15, {"metrics": {"views": 1200}})
    assert command.data_at(at) == {"metrics": yq.Metrics(observed_at=at, views=1200)}
    assert str(command) == "+15min update_metrics metrics={'views': 1200}"
    assert Command("report") == ("report", 0, {})


def test_apply_commands_times_each_command_from_the_last_event() -> None:
    policy = yq.presets.load("school-tiered")
    found = cst(2025, 9, 30, 16, 20)
    case = policy.open_case(
        yq.Incident(id="YQ-1", title="食堂投诉", discovered_at=found), at=found, actor="m"
    )
    apply_commands(
        case,
        [
            Command("update_metrics", 10, {"flags": ["superior_instruction"]}),
            Command("report", 60, {"role": "principal_leader"}),
        ],
    )
    # The flag raises the case to critical on its own (an escalate event by the library).
    assert [(e.trigger, e.at) for e in case.events] == [
        ("open", found),
        ("update_metrics", cst(2025, 9, 30, 16, 30)),
        ("escalate", cst(2025, 9, 30, 16, 30)),
        ("report", cst(2025, 9, 30, 17, 30)),
    ]
    assert case.severity is yq.Severity.CRITICAL


def test_the_package_loads_without_hypothesis_and_names_the_extra() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["hypothesis"] = None  # as if it were not installed
        import yuqing_core.testing as kit
        import yuqing_core.testing.plugin
        print(kit.Clock.__name__, kit.assert_policy_sound.__name__)
        try:
            from yuqing_core.testing import incidents
        except ImportError as e:
            print("ImportError:", e)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == [
        "Clock assert_policy_sound",
        "ImportError: yuqing_core.testing strategies need hypothesis, which comes with the "
        "'testing' extra: pip install 'yuqing-core[testing]'",
    ]


def test_clock_jumps_without_sleeping() -> None:
    clock = Clock(cst(2025, 9, 30, 9))
    assert clock.advance("3h") == cst(2025, 9, 30, 12)
    assert clock.advance(timedelta(days=1)) == cst(2025, 10, 1, 12)
    assert clock.set(cst(2025, 10, 9, 9)) == clock.now == clock()
    with pytest.raises(ValueError, match="cannot move the clock back"):
        clock.set(cst(2025, 10, 1))


# -- the pytest plugin ------------------------------------------------------------------------

PLUGIN_TESTS = """
import yuqing_core as yq
from datetime import datetime
from zoneinfo import ZoneInfo

CST = ZoneInfo("Asia/Shanghai")

def test_policy(yuqing_policy):
    print("POLICY", yuqing_policy.name)

def test_clock(yuqing_clock):
    assert yuqing_clock.now == datetime(2025, 9, 30, 9, tzinfo=CST)
    assert yuqing_clock.advance("3h") == datetime(2025, 9, 30, 12, tzinfo=CST)

def test_case(yuqing_case, yuqing_clock):
    first = yuqing_case()
    yuqing_clock.advance("1h")
    second = yuqing_case(flags={"superior_instruction"})
    assert (first.id, second.id) == ("YQ-TEST-1", "YQ-TEST-2")
    assert first.events[0].at == datetime(2025, 9, 30, 9, tzinfo=CST)
    assert second.events[0].at == datetime(2025, 9, 30, 10, tzinfo=CST)
    print("CASES", first.severity.key, second.severity.key,
          [f"{o.kind}:{o.due_at:%m-%d %H:%M}" for o in first.obligations])
"""


def _outcome(result: pytest.RunResult) -> list[str]:
    """The plugin's report header (shown without -q) and what the inner tests print."""
    # With -s, the progress dots share lines with what the tests print.
    found = [re.search(r"(POLICY|CASES|yuqing_core policy:) .*", ln) for ln in result.outlines]
    return [m.group(0) for m in found if m]


def test_plugin_fixtures_default_to_school_tiered(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plugin=PLUGIN_TESTS)
    result = pytester.runpytest(*NO_DJANGO, "-s", "-q")
    result.assert_outcomes(passed=3)
    # A general case found 2025-09-30 09:00: report within 1 working day (10-09, the first
    # after National Day, due at its end), respond within 3 (10-09, 10-10, 10-11 Sat).
    assert _outcome(result) == [
        "POLICY school-tiered",
        "CASES general critical ['report:10-10 00:00', 'initial_response:10-12 00:00']",
    ]


def test_plugin_option_takes_a_preset_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plugin=PLUGIN_TESTS)
    result = pytester.runpytest(
        *NO_DJANGO, "-s", "-k", "policy", "--yuqing-policy", "university-plan"
    )
    result.assert_outcomes(passed=1, deselected=2)
    assert _outcome(result) == [
        "yuqing_core policy: university-plan (--yuqing-policy)",
        "POLICY university-plan",
    ]


OUR_SCHOOL = """
extends = "school-tiered"
name = "our-school"
title = "某某中学网络舆情管理制度"

[calendar]
business_close = "17:30"

[[obligations]]
id = "general-report"
within = "same_day"
"""


def test_plugin_option_takes_a_file_path(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plugin=PLUGIN_TESTS)
    pytester.mkdir("policy")
    (pytester.path / "policy" / "ours.toml").write_text(OUR_SCHOOL, encoding="utf-8")
    result = pytester.runpytest(*NO_DJANGO, "-s", "--yuqing-policy", "policy/ours.toml")
    result.assert_outcomes(passed=3)
    shown = str((pytester.path / "policy" / "ours.toml").resolve())
    # same_day from 09:00 ends at business close, 17:30; 3 working days end at 17:30 of
    # the third (10-11, the make-up Saturday).
    assert _outcome(result) == [
        f"yuqing_core policy: {shown} (--yuqing-policy)",
        "POLICY our-school",
        "CASES general critical ['report:09-30 17:30', 'initial_response:10-11 17:30']",
    ]


def test_plugin_reads_the_ini_option_relative_to_the_ini_file(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_plugin=PLUGIN_TESTS)
    pytester.mkdir("policy")
    (pytester.path / "policy" / "ours.toml").write_text(OUR_SCHOOL, encoding="utf-8")
    pytester.makeini("[pytest]\nyuqing_policy = policy/ours.toml\n")
    # Started from another directory: the path is still read from the ini file's.
    monkeypatch.chdir(pytester.mkdir("elsewhere"))
    result = pytester.runpytest(*NO_DJANGO, "-s", "-k", "policy", str(pytester.path))
    result.assert_outcomes(passed=1, deselected=2)
    shown = str((pytester.path / "policy" / "ours.toml").resolve())
    assert _outcome(result) == [
        f"yuqing_core policy: {shown} (ini option yuqing_policy)",
        "POLICY our-school",
    ]


def test_a_policy_that_does_not_load_fails_with_its_messages(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plugin=PLUGIN_TESTS)
    (pytester.path / "bad.toml").write_text(OUR_SCHOOL + 'colour = "red"\n', encoding="utf-8")
    result = pytester.runpytest(*NO_DJANGO, "-q", "-k", "policy", "--yuqing-policy", "bad.toml")
    result.assert_outcomes(errors=1, deselected=2)
    shown = str((pytester.path / "bad.toml").resolve())
    result.stdout.fnmatch_lines(
        [
            f"*--yuqing-policy {shown}: the policy does not load:",
            f"{shown}: obligations[0].colour: unknown key",
        ]
    )
