"""The lint of assessment rules: overlaps (P2), uncovered stretches, non-monotone rule sets (P6),
and recurrences that depend on where a listing starts. Messages are asserted exactly."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import S4, S8, band, cst
from yuqing_core.policy.lint import Finding, lint

OUTLETS_OVERLAP = Finding(
    "warning",
    "assessment.rules[6].any_metrics[0]",
    "outlets >= 5 (s8-critical-outlets, critical) overlaps 1 <= outlets <= 5 "
    "(s8-major-outlets, major) at outlets = 5; critical wins (P2)",
)


def findings(data: dict[str, Any]) -> list[Finding]:
    return lint(yq.load_policy(data))


def rules(data: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = data["assessment"]["rules"]
    return out


def test_s8_warns_only_about_five_outlets() -> None:
    assert findings(S8) == [OUTLETS_OVERLAP]
    assert str(OUTLETS_OVERLAP) == (
        "assessment.rules[6].any_metrics[0]: warning: outlets >= 5 (s8-critical-outlets, "
        "critical) overlaps 1 <= outlets <= 5 (s8-major-outlets, major) at outlets = 5; "
        "critical wins (P2)"
    )


def test_a_max_with_nothing_above_is_an_error() -> None:
    data = copy.deepcopy(S8)
    del rules(data)[4]  # s8-critical-views: clicks of 3000 or more now give no rule
    assert findings(data) == [
        Finding(
            "error",
            "assessment.rules[1].any_metrics[0]",
            "views = 3000 gives general (no rule) but views = 2999 gives major "
            "(s8-major-views); a higher count must never give a lower level (P6)",
        ),
        Finding("warning", "assessment.rules[5].any_metrics[0]", OUTLETS_OVERLAP.message),
    ]


def test_a_gap_above_a_higher_level_is_an_error() -> None:
    data = copy.deepcopy(S8)
    rules(data)[4]["any_metrics"] = [band("views", 3500)]
    assert findings(data)[0] == Finding(
        "error",
        "assessment.rules[1].any_metrics[0]",
        "views = 3000 gives general (no rule) but views = 2999 gives major (s8-major-views); "
        "a higher count must never give a lower level (P6)",
    )


def test_a_lower_level_above_a_higher_one_is_an_error() -> None:
    data = {
        "name": "bad",
        "title": "反向",
        "assessment": {
            "rules": [
                {
                    "id": "hi",
                    "rule": "X",
                    "level": "critical",
                    "any_metrics": [band("views", 0, 99)],
                },
                {"id": "lo", "rule": "X", "level": "major", "any_metrics": [band("views", 100)]},
            ]
        },
    }
    assert findings(data) == [
        Finding(
            "error",
            "assessment.rules[0].any_metrics[0]",
            "views = 100 gives major (lo) but views = 99 gives critical (hi); "
            "a higher count must never give a lower level (P6)",
        )
    ]


def test_overlap_ranges_are_named() -> None:
    data = {
        "name": "ranges",
        "title": "区间",
        "assessment": {
            "rules": [
                {"id": "m", "rule": "X", "level": "major", "any_metrics": [band("views", 1000)]},
                {"id": "c", "rule": "X", "level": "critical", "any_metrics": [band("views", 3000)]},
                {
                    "id": "c2",
                    "rule": "X",
                    "level": "critical",
                    "any_metrics": [band("comments", 100), band("views", 2000, 2999)],
                },
            ]
        },
    }
    assert findings(data) == [
        Finding(
            "warning",
            "assessment.rules[1].any_metrics[0]",
            "views >= 3000 (c, critical) overlaps views >= 1000 (m, major) for views >= 3000; "
            "critical wins (P2)",
        ),
        Finding(
            "warning",
            "assessment.rules[2].any_metrics[1]",
            "2000 <= views <= 2999 (c2, critical) overlaps views >= 1000 (m, major) "
            "for views 2000..2999; critical wins (P2)",
        ),
    ]


def test_a_gap_between_lowest_level_bands_is_a_warning() -> None:
    data = {
        "name": "gap",
        "title": "空档",
        "assessment": {
            "rules": [
                {
                    "id": "g1",
                    "rule": "X",
                    "level": "general",
                    "any_metrics": [band("reposts", 0, 9)],
                },
                {
                    "id": "g2",
                    "rule": "X",
                    "level": "general",
                    "any_metrics": [band("reposts", 20, 29)],
                },
            ]
        },
    }
    # Above 29 nothing changes (the lowest level either way), so only the stretch between.
    assert findings(data) == [
        Finding(
            "warning",
            "assessment.rules[1].any_metrics[0]",
            "no rule covers reposts 10..19, between 0 <= reposts <= 9 (g1, general) and "
            "20 <= reposts <= 29 (g2, general); those values get general, the lowest level",
        )
    ]


def test_bands_with_different_windows_are_not_compared() -> None:
    data = {
        "name": "windows",
        "title": "窗口",
        "assessment": {
            "rules": [
                {
                    "id": "fast",
                    "rule": "X",
                    "level": "critical",
                    "window": "3h",
                    "any_metrics": [band("views", 1000)],
                },
                {"id": "slow", "rule": "X", "level": "major", "any_metrics": [band("views", 1000)]},
            ]
        },
    }
    assert findings(data) == []


def test_s4_is_clean() -> None:
    assert findings(S4) == []


def test_s4_without_b_warns_about_the_missing_line() -> None:
    data = copy.deepcopy(S4)
    del data["assessment"]["grades"][1]
    assert findings(data) == [
        Finding(
            "warning",
            "assessment.grades[1].any_metrics[0]",
            "no rule covers comments 11..49 within 3h of posting, between comments <= 10 "
            "within 3h of posting (s4-a, grade a) and comments >= 50 within 3h of posting "
            "(s4-c, grade c); those values get no grade",
        )
    ]


def test_grades_that_stop_below_the_top_warn() -> None:
    data = copy.deepcopy(S4)
    del data["assessment"]["grades"][2]
    assert findings(data) == [
        Finding(
            "warning",
            "assessment.grades[1].any_metrics[0]",
            "no rule covers comments >= 50 within 3h of posting, above 11 <= comments <= 49 "
            "within 3h of posting (s4-b, grade b); those values get no grade",
        )
    ]


def test_swapped_grades_are_errors_and_overlapping_grades_warn() -> None:
    swapped = copy.deepcopy(S4)
    grades = swapped["assessment"]["grades"]
    grades[0]["grade"], grades[2]["grade"] = "c", "a"
    assert findings(swapped) == [
        Finding(
            "error",
            "assessment.grades[0].any_metrics[0]",
            "comments = 11 within 3h of posting gives grade b (s4-b) but comments = 10 within "
            "3h of posting gives grade c (s4-a); a higher count must never give a lower grade",
        ),
        Finding(
            "error",
            "assessment.grades[1].any_metrics[0]",
            "comments = 50 within 3h of posting gives grade a (s4-c) but comments = 49 within "
            "3h of posting gives grade b (s4-b); a higher count must never give a lower grade",
        ),
    ]
    wide = copy.deepcopy(S4)
    wide["assessment"]["grades"][1]["any_metrics"] = [band("comments", 10, 50)]
    assert [(f.level, f.path) for f in findings(wide)] == [
        ("warning", "assessment.grades[1].any_metrics[0]"),
        ("warning", "assessment.grades[2].any_metrics[0]"),
    ]
    assert findings(wide)[0].message == (
        "10 <= comments <= 50 within 3h of posting (s4-b, grade b) overlaps comments <= 10 "
        "within 3h of posting (s4-a, grade a) at comments = 10; grade b wins (P2)"
    )


def test_errors_come_first_and_paths_sort_by_number() -> None:
    data = copy.deepcopy(S8)
    extra = [
        {"id": f"x{i}", "rule": "X", "level": "general", "any_flags": ["emergency"]}
        for i in range(3)
    ]
    rules(data)[4:4] = extra  # s8-critical-outlets moves to rules[9]
    rules(data).extend(
        [
            {"id": "late", "rule": "X", "level": "critical", "any_metrics": [band("views", 0, 10)]},
            {"id": "g1", "rule": "X", "level": "general", "any_metrics": [band("reposts", 0, 9)]},
            {"id": "g2", "rule": "X", "level": "general", "any_metrics": [band("reposts", 20)]},
        ]
    )
    assert [(f.level, f.path, f.message[:30]) for f in findings(data)] == [
        ("error", "assessment.rules[11].any_metrics[0]", "views = 11 gives general (no r"),
        ("warning", "assessment.rules[9].any_metrics[0]", "outlets >= 5 (s8-critical-outl"),
        ("warning", "assessment.rules[13].any_metrics[0]", "no rule covers reposts 10..19,"),
    ]


def test_recurrences_that_depend_on_the_listing_start() -> None:
    data = {
        "name": "duties",
        "title": "值守",
        "monitoring": [
            {"id": "ok", "rule": "R3.4", "kind": "bulletin", "rrule": "FREQ=WEEKLY;BYDAY=FR"},
            {"id": "weekly", "rule": "R3.4", "kind": "bulletin", "rrule": "FREQ=WEEKLY;BYHOUR=17"},
            {"id": "every2", "rule": "X1", "kind": "patrol", "rrule": "FREQ=DAILY;INTERVAL=2"},
            {"id": "three", "rule": "X1", "kind": "patrol", "rrule": "FREQ=DAILY;COUNT=3"},
            {"id": "one", "rule": "X1", "kind": "patrol", "rrule": "FREQ=DAILY;INTERVAL=1"},
        ],
    }
    assert findings(data) == [
        Finding(
            "warning",
            "monitoring[1].rrule",
            "FREQ=WEEKLY without BYDAY: the day it falls on depends on where a listing of "
            "duties starts",
        ),
        Finding(
            "warning",
            "monitoring[2].rrule",
            "INTERVAL=2 is counted from where a listing of duties starts, not from a fixed date",
        ),
        Finding(
            "warning",
            "monitoring[3].rrule",
            "COUNT=3 is counted from where a listing of duties starts, not from a fixed date",
        ),
    ]


def test_shipped_school_tiered_preset_is_clean() -> None:
    assert lint(yq.presets.load("school-tiered")) == []


# -- the monotone check is exact: no error if and only if no higher count lowers the level ------

LEVELS = ["general", "major", "critical"]


@st.composite
def rule_sets(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for i in range(draw(st.integers(1, 4))):
        lo = draw(st.one_of(st.none(), st.integers(0, 40)))
        hi = draw(st.one_of(st.none(), st.integers(lo or 0, 40)))
        if lo is None and hi is None:
            lo = draw(st.integers(0, 40))
        level = draw(st.sampled_from(LEVELS))
        out.append(
            {"id": f"r{i}", "rule": "X", "level": level, "any_metrics": [band("views", lo, hi)]}
        )
    return out


@settings(max_examples=150, deadline=None)
@given(rule_sets())
def test_lint_errors_exactly_when_a_higher_count_lowers_the_level(
    rule_list: list[dict[str, Any]],
) -> None:
    policy = yq.load_policy({"name": "random", "title": "随机", "assessment": {"rules": rule_list}})
    t = cst(2025, 10, 9, 9)
    levels = []
    for views in range(43):  # every band ends by 40, so 41 and 42 show what lies above
        inc = yq.Incident(
            id="x", title="t", discovered_at=t, metrics=[yq.Metrics(observed_at=t, views=views)]
        )
        severity = policy.assess(inc).severity
        levels.append(int(severity or policy.lowest))
    monotone = levels == sorted(levels)
    event("monotone" if monotone else "a higher count lowers the level")
    errors = [f for f in lint(policy) if f.level == "error"]
    assert (not errors) == monotone, (levels, errors)
