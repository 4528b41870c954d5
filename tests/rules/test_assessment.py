"""Assessment (研判): boundary vectors of S4 and S8, grade timing (R4.1), and properties.

Expected values are read off RULES.md by hand: S8 (R8.2, R8.3) gives major for clicks
1000-2999, comments 100-499 or 1-5 outlets and especially major for clicks >= 3000, comments
>= 500, outlets >= 5 or the listed flags; S4 (R4.1) grades a for <= 10 comments within 3 h of
posting, b for 11-49, c for >= 50 or high attention, and gives a or b only once the 3 hours
are over. Bounds are inclusive (P1) and the higher level wins (P2).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import S4, S8, S8_FLAGS, cst
from yuqing_core.rules import Assessment, assess

S8_POLICY = yq.load_policy(S8)
S4_POLICY = yq.load_policy(S4)

POSTED = cst(2025, 10, 9, 8)  # a Thursday
FOUND = cst(2025, 10, 9, 8, 30)
MAJOR, CRITICAL, GENERAL = yq.Severity.MAJOR, yq.Severity.CRITICAL, yq.Severity.GENERAL


def incident(
    *observations: tuple[datetime, dict[str, int]],
    flags: tuple[str, ...] = (),
    category: str = "other",
    posted_at: datetime | None = POSTED,
    discovered_at: datetime = FOUND,
) -> yq.Incident:
    return yq.Incident(
        id="YQ-1",
        title="食堂饭菜质量投诉",
        posted_at=posted_at,
        discovered_at=discovered_at,
        category=yq.Category(category),
        metrics=[yq.Metrics(observed_at=t, **counts) for t, counts in observations],
        flags=frozenset(flags),
    )


def counts(**kw: int) -> yq.Incident:
    return incident((cst(2025, 10, 9, 10), kw))


# -- S8: every inclusive bound on both sides (P1), overlap at 5 outlets (P2) -------------------


@pytest.mark.parametrize(
    ("metrics", "severity", "reasons"),
    [
        ({"views": 999}, None, []),
        ({"views": 1000}, MAJOR, ["R8.2 s8-major-views: views 1000 in 1000..2999 -> major"]),
        ({"views": 2999}, MAJOR, ["R8.2 s8-major-views: views 2999 in 1000..2999 -> major"]),
        ({"views": 3000}, CRITICAL, ["R8.3 s8-critical-views: views 3000 >= 3000 -> critical"]),
        ({"comments": 99}, None, []),
        (
            {"comments": 100},
            MAJOR,
            ["R8.2 s8-major-comments: comments 100 in 100..499 -> major"],
        ),
        (
            {"comments": 499},
            MAJOR,
            ["R8.2 s8-major-comments: comments 499 in 100..499 -> major"],
        ),
        (
            {"comments": 500},
            CRITICAL,
            ["R8.3 s8-critical-comments: comments 500 >= 500 -> critical"],
        ),
        ({"outlets": 0}, None, []),
        ({"outlets": 1}, MAJOR, ["R8.2 s8-major-outlets: outlets 1 in 1..5 -> major"]),
        ({"outlets": 4}, MAJOR, ["R8.2 s8-major-outlets: outlets 4 in 1..5 -> major"]),
        (
            {"outlets": 5},
            CRITICAL,
            [
                "R8.2 s8-major-outlets: outlets 5 in 1..5 -> major",
                "R8.3 s8-critical-outlets: outlets 5 >= 5 -> critical",
            ],
        ),
        ({"outlets": 6}, CRITICAL, ["R8.3 s8-critical-outlets: outlets 6 >= 5 -> critical"]),
        ({"reposts": 100000}, None, []),
        (
            {"views": 2999, "comments": 500},
            CRITICAL,
            [
                "R8.2 s8-major-views: views 2999 in 1000..2999 -> major",
                "R8.3 s8-critical-comments: comments 500 >= 500 -> critical",
            ],
        ),
    ],
)
def test_s8_bounds(
    metrics: dict[str, int], severity: yq.Severity | None, reasons: list[str]
) -> None:
    a = S8_POLICY.assess(counts(**metrics))
    assert a.severity == severity
    assert a.reasons == reasons
    assert a.grade is None


def test_s8_fired_rules_are_named_in_policy_order() -> None:
    a = S8_POLICY.assess(counts(outlets=5))
    assert a.fired == ("s8-major-outlets", "s8-critical-outlets")
    assert [h.level for h in a.hits] == [MAJOR, CRITICAL]
    assert a.reasons_zh == [
        "R8.2 s8-major-outlets：主流网站转载数 5（1–5） → 重大",
        "R8.3 s8-critical-outlets：主流网站转载数 5 ≥ 5 → 特别重大",
    ]


@pytest.mark.parametrize("flag", S8_FLAGS)
def test_s8_each_listed_flag_is_especially_major(flag: str) -> None:
    a = S8_POLICY.assess(incident((cst(2025, 10, 9, 10), {"views": 10}), flags=(flag,)))
    assert a.severity is CRITICAL
    assert a.reasons == [f"R8.3 s8-critical-flags: flag {flag} -> critical"]


def test_s8_unlisted_flag_and_category() -> None:
    other = S8_POLICY.assess(incident((cst(2025, 10, 9, 10), {}), flags=("mass_incident",)))
    assert other.severity is None
    assert other.reasons == []
    inquiry = S8_POLICY.assess(incident((cst(2025, 10, 9, 10), {}), category="inquiry"))
    assert inquiry.severity is GENERAL
    assert inquiry.reasons == ["R8.1 s8-general: category inquiry -> general"]


def test_s8_flag_and_metric_in_one_assessment() -> None:
    inc = incident((cst(2025, 10, 9, 10), {"views": 3000}), flags=("food_safety", "emergency"))
    a = S8_POLICY.assess(inc)
    assert a.reasons == [
        "R8.3 s8-critical-views: views 3000 >= 3000 -> critical",
        "R8.3 s8-critical-flags: flag emergency; flag food_safety -> critical",
    ]


# -- counts as known at `at` ----------------------------------------------------------------


def test_only_observations_up_to_at_count_and_the_bound_is_inclusive() -> None:
    inc = incident(
        (cst(2025, 10, 9, 9), {"views": 500}),
        (cst(2025, 10, 9, 10), {"views": 3000}),
    )
    assert S8_POLICY.assess(inc, at=cst(2025, 10, 9, 9, 59)).severity is None
    at_ten = S8_POLICY.assess(inc, at=cst(2025, 10, 9, 10))
    assert at_ten.severity is CRITICAL
    assert at_ten.metrics is not None
    assert at_ten.metrics.views == 3000
    assert at_ten.at == cst(2025, 10, 9, 10)
    assert S8_POLICY.assess(inc).severity is CRITICAL  # default: everything known


def test_no_counts_yet_is_said_in_reasons() -> None:
    inc = incident((cst(2025, 10, 9, 10), {"views": 3000}), category="inquiry")
    a = S8_POLICY.assess(inc, at=cst(2025, 10, 9, 9, 15))
    assert a.severity is GENERAL
    assert a.metrics is None
    line = (
        "R8.2 s8-major-views, R8.2 s8-major-comments, R8.2 s8-major-outlets, "
        "R8.3 s8-critical-views, R8.3 s8-critical-comments, R8.3 s8-critical-outlets: "
        "cannot be decided yet: no counts observed by 2025-10-09 09:15"
    )
    assert a.reasons == ["R8.1 s8-general: category inquiry -> general", line]
    assert a.undetermined == (line,)


def test_undecided_rules_that_cannot_raise_the_level_are_not_listed() -> None:
    inc = incident(flags=("public_safety",))
    a = S8_POLICY.assess(inc)
    assert a.severity is CRITICAL
    assert a.reasons == ["R8.3 s8-critical-flags: flag public_safety -> critical"]


def test_naive_at_is_rejected() -> None:
    with pytest.raises(yq.NaiveDatetimeError, match="at: 2025-10-09T10:00:00 has no time zone"):
        S8_POLICY.assess(counts(views=1), at=datetime(2025, 10, 9, 10))


def test_the_function_and_the_method_agree() -> None:
    inc = counts(views=1500)
    assert assess(S8_POLICY, inc) == S8_POLICY.assess(inc)
    assert isinstance(S8_POLICY.assess(inc), Assessment)


# -- S4 grades: bounds within 3 hours of posting --------------------------------------------


@pytest.mark.parametrize(
    ("comments", "grade", "reason"),
    [
        (0, "a", "R4.1 s4-a: comments 0 <= 10 within 3h of posting -> grade a"),
        (10, "a", "R4.1 s4-a: comments 10 <= 10 within 3h of posting -> grade a"),
        (11, "b", "R4.1 s4-b: comments 11 in 11..49 within 3h of posting -> grade b"),
        (49, "b", "R4.1 s4-b: comments 49 in 11..49 within 3h of posting -> grade b"),
        (50, "c", "R4.1 s4-c: comments 50 >= 50 within 3h of posting -> grade c"),
    ],
)
def test_s4_bounds(comments: int, grade: str, reason: str) -> None:
    inc = incident((cst(2025, 10, 9, 10), {"comments": comments, "views": 9999}))
    a = S4_POLICY.assess(inc, at=cst(2025, 10, 9, 11))
    assert (a.grade, a.reasons, a.severity) == (grade, [reason], None)
    assert a.grade_from == cst(2025, 10, 9, 11)


def test_s4_lower_grades_wait_for_the_window_to_close() -> None:
    inc = incident((cst(2025, 10, 9, 9), {"comments": 5}))
    before = S4_POLICY.assess(inc, at=cst(2025, 10, 9, 10, 59))
    assert before.grade is None
    assert before.reasons == [
        "grade: no grade below c before 2025-10-09 11:00, 3h after posting (counts may still rise)"
    ]
    after = S4_POLICY.assess(inc, at=cst(2025, 10, 9, 11))
    assert after.grade == "a"
    assert after.reasons == ["R4.1 s4-a: comments 5 <= 10 within 3h of posting -> grade a"]


def test_s4_top_grade_is_given_at_once() -> None:
    inc = incident((cst(2025, 10, 9, 9), {"comments": 50}))
    a = S4_POLICY.assess(inc, at=cst(2025, 10, 9, 9))
    assert a.grade == "c"
    assert a.reasons == ["R4.1 s4-c: comments 50 >= 50 within 3h of posting -> grade c"]


def test_s4_window_end_is_inclusive_and_later_counts_do_not_count() -> None:
    on_the_dot = incident(
        (cst(2025, 10, 9, 9), {"comments": 5}), (cst(2025, 10, 9, 11), {"comments": 50})
    )
    assert S4_POLICY.assess(on_the_dot, at=cst(2025, 10, 9, 12)).grade == "c"
    one_minute_late = incident(
        (cst(2025, 10, 9, 9), {"comments": 5}), (cst(2025, 10, 9, 11, 1), {"comments": 50})
    )
    a = S4_POLICY.assess(one_minute_late, at=cst(2025, 10, 9, 12))
    assert a.grade == "a"
    assert a.metrics is not None
    assert a.metrics.comments == 50  # the latest count is known, but outside the window


def test_s4_no_count_within_the_window() -> None:
    # Counts only rise: 60 replies at 11:01 (a minute after the window) say at most 60 within
    # it, which settles none of a (<= 10), b (11-49) or c (>= 50).
    inc = incident((cst(2025, 10, 9, 11, 1), {"comments": 60}))
    a = S4_POLICY.assess(inc, at=cst(2025, 10, 9, 12))
    assert a.grade is None
    assert a.reasons == [
        "R4.1 s4-a, R4.1 s4-b, R4.1 s4-c: cannot be decided yet: "
        "no counts observed within 3h of posting (by 2025-10-09 11:00)"
    ]


def test_s4_a_later_count_that_settles_the_window_gives_the_grade() -> None:
    # Posted 08:00, window to 11:00, nothing observed in it. Counts only rise, so 5 replies
    # seen at 12:00 mean at most 5 by 11:00: grade a (<= 10), b and c (11+, 50+) ruled out.
    inc = incident((cst(2025, 10, 9, 12), {"comments": 5}))
    a = S4_POLICY.assess(inc, at=cst(2025, 10, 9, 12))
    assert a.grade == "a"
    assert a.reasons == [
        "R4.1 s4-a: comments 5 <= 10 within 3h of posting "
        "(2025-10-09 12:00, counts only rise) -> grade a"
    ]
    assert a.reasons_zh == [
        "R4.1 s4-a：发帖后3小时内评论（跟帖）数 5 ≤ 10"
        "（2025-10-09 12:00 的观测，计数只增不减） → a级"
    ]
    # 30 replies at 12:00: at most 30 by 11:00, a or b; c is ruled out, the grade waits.
    maybe_b = incident((cst(2025, 10, 9, 12), {"comments": 30}))
    b = S4_POLICY.assess(maybe_b, at=cst(2025, 10, 9, 12))
    assert b.grade is None
    assert b.reasons == [
        "R4.1 s4-a, R4.1 s4-b: cannot be decided yet: "
        "no counts observed within 3h of posting (by 2025-10-09 11:00)"
    ]
    # An observation within the window still decides, whatever is seen later (as before).
    both = incident(
        (cst(2025, 10, 9, 10), {"comments": 20}), (cst(2025, 10, 9, 12), {"comments": 5})
    )
    assert S4_POLICY.assess(both, at=cst(2025, 10, 9, 12)).grade == "b"


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=48))
def test_s4_a_grade_from_a_later_count_is_the_grade_the_window_would_give(
    later: int, hours: int
) -> None:
    # Whatever the count was at 11:00 (any x <= later), the grade given from the later
    # observation alone is never one x could contradict.
    inc = incident((cst(2025, 10, 9, 11) + timedelta(hours=hours), {"comments": later}))
    grade = S4_POLICY.assess(inc, at=cst(2025, 10, 9, 12) + timedelta(hours=hours)).grade
    possible = {
        S4_POLICY.assess(incident((cst(2025, 10, 9, 11), {"comments": x}))).grade
        for x in {0, min(later, 10), min(later, 11), min(later, 49), min(later, 50), later}
    }
    assert grade is None or possible == {grade}
    assert (grade == "a") == (later <= 10)


def test_s4_unknown_posting_time() -> None:
    inc = incident((cst(2025, 10, 9, 9), {"comments": 80}), posted_at=None)
    a = S4_POLICY.assess(inc)
    assert a.grade is None
    assert a.grade_from is None
    assert a.reasons == [
        "R4.1 s4-a, R4.1 s4-b, R4.1 s4-c: cannot be decided yet: "
        "posted_at is unknown (needed for counts within 3h of posting)",
        "grade: posted_at is unknown, so no grade below c can be given "
        "(grades wait 3h after posting)",
    ]
    flagged = incident(posted_at=None, flags=("high_attention",))
    c = S4_POLICY.assess(flagged)
    assert (c.grade, c.reasons) == ("c", ["R4.1 s4-c: flag high_attention -> grade c"])


def test_s4_without_at_speaks_for_the_latest_known_moment() -> None:
    early = incident((cst(2025, 10, 9, 9), {"comments": 5}))
    a = S4_POLICY.assess(early)
    assert (a.grade, a.at) == (None, cst(2025, 10, 9, 9))
    later = incident(
        (cst(2025, 10, 9, 9), {"comments": 5}), (cst(2025, 10, 9, 11, 30), {"comments": 70})
    )
    b = S4_POLICY.assess(later)
    assert (b.grade, b.at) == ("a", cst(2025, 10, 9, 11, 30))
    found_late = incident(
        (cst(2025, 10, 9, 10), {"comments": 20}), discovered_at=cst(2025, 10, 9, 12)
    )
    assert S4_POLICY.assess(found_late).grade == "b"


def test_grade_chinese_reason() -> None:
    inc = incident((cst(2025, 10, 9, 9), {"comments": 60}))
    assert S4_POLICY.assess(inc).reasons_zh == [
        "R4.1 s4-c：发帖后3小时内评论（跟帖）数 60 ≥ 50 → c级"
    ]


# -- properties ------------------------------------------------------------------------------

# Counts near every bound of S4 and S8 are drawn often, so the properties test the edges.
EDGES = [0, 1, 4, 5, 6, 10, 11, 49, 50, 99, 100, 499, 500, 999, 1000, 2999, 3000]
count = st.one_of(st.sampled_from(EDGES), st.integers(0, 5000))
METRICS = ("views", "comments", "reposts", "outlets")
metric_counts = st.fixed_dictionaries({m: count for m in METRICS})
flag_sets = st.frozensets(st.sampled_from(sorted(yq.KNOWN_FLAGS)), max_size=4)


def rank(s: yq.Severity | None) -> int:
    return 0 if s is None else int(s)


@given(
    base=metric_counts, metric=st.sampled_from(METRICS), more=st.integers(1, 3000), flags=flag_sets
)
def test_s8_severity_is_monotone_in_every_metric(
    base: dict[str, int], metric: str, more: int, flags: frozenset[str]
) -> None:
    higher = {**base, metric: base[metric] + more}
    t = cst(2025, 10, 9, 10)
    low = S8_POLICY.assess(incident((t, base), flags=tuple(flags)))
    high = S8_POLICY.assess(incident((t, higher), flags=tuple(flags)))
    assert rank(low.severity) <= rank(high.severity)


@given(base=metric_counts, flags=flag_sets, extra=st.sampled_from(sorted(yq.KNOWN_FLAGS)))
def test_adding_a_flag_never_lowers_severity_or_grade(
    base: dict[str, int], flags: frozenset[str], extra: str
) -> None:
    t = cst(2025, 10, 9, 10)
    for policy in (S8_POLICY, S4_POLICY):
        without = policy.assess(incident((t, base), flags=tuple(flags)))
        with_flag = policy.assess(incident((t, base), flags=(*flags, extra)))
        assert rank(without.severity) <= rank(with_flag.severity)
        order = ["a", "b", "c"]
        if without.grade is not None:
            assert with_flag.grade is not None
            assert order.index(without.grade) <= order.index(with_flag.grade)


@given(comments=count, more=st.integers(1, 3000), minutes=st.integers(0, 600))
def test_s4_grade_is_monotone_in_comments(comments: int, more: int, minutes: int) -> None:
    seen = cst(2025, 10, 9, 9)
    at = POSTED + timedelta(minutes=minutes)
    low = S4_POLICY.assess(incident((seen, {"comments": comments})), at=at)
    high = S4_POLICY.assess(incident((seen, {"comments": comments + more})), at=at)
    order = [None, "a", "b", "c"]
    assert order.index(low.grade) <= order.index(high.grade)
    # Before the window closes only c can be given (R4.1); after it a grade always is.
    if at < cst(2025, 10, 9, 11):
        assert low.grade in (None, "c")
    else:
        assert low.grade is not None


PRESETS = [yq.presets.load(name) for name in yq.presets.names()]


@given(data=st.data(), which=st.integers(0, len(PRESETS) - 1), minutes=st.integers(-600, 600))
def test_floor_is_the_level_assess_gives(data: st.DataObject, which: int, minutes: int) -> None:
    # floor() is what automatic escalation checks after every metrics update: the level of
    # assess() without its wording, at any instant (before, between and after observations).
    from yuqing_core.rules.assessment import floor
    from yuqing_core.testing.strategies import incidents

    policy = PRESETS[which]
    inc = data.draw(incidents(policy, max_observations=6))
    at = inc.discovered_at + timedelta(minutes=minutes)
    assert floor(policy, inc, at) == policy.assess(inc, at=at).severity


@given(
    data=st.data(),
    which=st.integers(0, len(PRESETS) - 1),
    minutes=st.integers(-600, 600),
    rounds=st.integers(1, 3),
)
def test_floor_above_a_level_is_the_assessed_level_only_when_higher(
    data: st.DataObject, which: int, minutes: int, rounds: int
) -> None:
    # Automatic escalation asks floor() for a level above the case's own, after every
    # metrics update: asked again and again (what it remembers for policies whose rules read
    # no counts), each answer is still the one assess() gives.
    from yuqing_core.rules.assessment import floor
    from yuqing_core.testing.strategies import incidents

    policy = PRESETS[which]
    for _ in range(rounds):
        inc = data.draw(incidents(policy, max_observations=6))
        at = inc.discovered_at + timedelta(minutes=minutes)
        assessed = policy.assess(inc, at=at).severity
        for above in policy.severities:
            expected = None
            if assessed is not None and policy.normalize_severity(assessed) > above:
                expected = assessed
            assert floor(policy, inc, at, above=above) == expected
