"""Periods (``[[periods]]``) and the new keys of monitoring duties: how they load, what the
structural check and the lint say, and which days a period holds on the official calendar.

Official holiday blocks checked by hand against the State Council notices (and the installed
``holidays`` data): National Day 2025 is 1-8 October (with 中秋节 on the 6th; Sunday 28
September and Saturday 11 October are make-up working days); Spring Festival 2026 is 15-23
February (Saturday 14 and Saturday 28 February are make-up working days); 中秋节 2026 is 25-27
September and National Day 2026 is 1-7 October (Sunday 20 September and Saturday 10 October
are make-up working days).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.rules.periods import HolidayBlock, Membership, in_period, in_periods

HEAD = {"name": "p", "title": "某校"}


def duty(**keys: Any) -> dict[str, Any]:
    return {"id": "w", "rule": "R7.1", "kind": "watch", "rrule": "FREQ=DAILY;BYHOUR=9", **keys}


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy({**HEAD, **data})
    return str(e.value).splitlines()


PERIODS = yq.load_policy(
    {
        **HEAD,
        "periods": [
            {"id": "holidays", "label": "节假日", "rule": "official_holidays"},
            {
                "id": "major-holidays",
                "label": "重大节假日",
                "rule": "official_holidays",
                "holidays": ["春节", "国庆节"],
            },
            {
                "id": "gaokao",
                "label": "高考",
                "ranges": [{"start": date(2026, 6, 7), "end": date(2026, 6, 10)}],
            },
        ],
        "monitoring": [duty(during=["holidays", "major-holidays", "gaokao"])],
    }
)


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def inside(period: str, start: date, end: date) -> list[date]:
    return [d for d in days(start, end) if in_period(PERIODS, period, d).inside]


def test_official_holidays_are_the_notice_blocks_not_weekends() -> None:
    assert inside("holidays", date(2025, 9, 20), date(2025, 10, 19)) == days(
        date(2025, 10, 1), date(2025, 10, 8)
    )
    assert inside("holidays", date(2026, 2, 7), date(2026, 3, 8)) == days(
        date(2026, 2, 15), date(2026, 2, 23)
    )
    assert inside("holidays", date(2026, 9, 19), date(2026, 10, 18)) == [
        *days(date(2026, 9, 25), date(2026, 9, 27)),
        *days(date(2026, 10, 1), date(2026, 10, 7)),
    ]


def test_a_period_narrowed_to_named_holidays() -> None:
    # 2025: 中秋节 falls inside the National Day block, so the block is in.
    assert inside("major-holidays", date(2025, 9, 20), date(2025, 10, 19)) == days(
        date(2025, 10, 1), date(2025, 10, 8)
    )
    # 2026: the 中秋节 block (25-27 Sep) is not a major holiday; 国庆节 is.
    assert inside("major-holidays", date(2026, 9, 19), date(2026, 10, 18)) == days(
        date(2026, 10, 1), date(2026, 10, 7)
    )
    assert inside("major-holidays", date(2026, 4, 1), date(2026, 6, 30)) == []


def test_date_ranges_include_both_ends() -> None:
    assert inside("gaokao", date(2026, 6, 1), date(2026, 6, 30)) == days(
        date(2026, 6, 7), date(2026, 6, 10)
    )
    assert in_period(PERIODS, "gaokao", date(2026, 6, 7)) == Membership(True, False)


def test_past_the_official_data_a_block_is_provisional() -> None:
    assert in_period(PERIODS, "holidays", date(2027, 10, 1)) == Membership(True, True)
    assert in_period(PERIODS, "holidays", date(2027, 10, 12)) == Membership(False, True)
    # The last December of the official data can still move: not settled.
    assert in_period(PERIODS, "holidays", date(2026, 12, 31)) == Membership(False, True)
    assert in_period(PERIODS, "holidays", date(2026, 11, 30)) == Membership(False, False)


def test_any_of_several_periods() -> None:
    assert in_periods(PERIODS, ["gaokao", "holidays"], date(2026, 6, 8)) == Membership(True)
    assert in_periods(PERIODS, ["gaokao", "holidays"], date(2026, 6, 19)) == Membership(True)
    assert in_periods(PERIODS, ["gaokao"], date(2026, 6, 19)) == Membership(False)
    with pytest.raises(KeyError):
        in_period(PERIODS, "lianghui", date(2026, 3, 5))


def test_the_institutions_closures_do_not_widen_a_holiday_block() -> None:
    closed = yq.load_policy(
        {
            **HEAD,
            "calendar": {"extra_rest_days": [date(2025, 10, 9), date(2025, 10, 10)]},
            "periods": [{"id": "holidays", "rule": "official_holidays"}],
        }
    )
    assert not in_period(closed, "holidays", date(2025, 10, 9)).inside
    assert in_period(closed, "holidays", date(2025, 10, 8)).inside


@settings(max_examples=60, deadline=None)
@given(day=st.dates(date(2024, 1, 1), date(2026, 11, 30)))
def test_every_holiday_day_is_an_official_rest_day_next_to_a_holiday(day: date) -> None:
    cal = yq.WorkCalendar.china()
    member = in_period(PERIODS, "holidays", day)
    assert not member.provisional
    if member.inside:
        assert not cal.is_working_day(day)
        block = [day]
        for step in (-1, 1):
            d = day + timedelta(days=step)
            while not cal.is_working_day(d):
                block.append(d)
                d += timedelta(days=step)
        assert any(cal.holiday_name(d) and "调休" not in str(cal.holiday_name(d)) for d in block)
    elif cal.holiday_name(day) is not None:
        raise AssertionError(f"{day} is an official holiday outside every block")


def test_holiday_block_value() -> None:
    from yuqing_core.rules.periods import _official, holiday_blocks

    blocks = holiday_blocks(_official(PERIODS.calendar), 2026)
    assert blocks[1] == HolidayBlock(
        date(2026, 2, 15), date(2026, 2, 23), frozenset({"春节"}), provisional=False
    )
    assert [(b.first, b.last) for b in blocks][-2:] == [
        (date(2026, 9, 25), date(2026, 9, 27)),
        (date(2026, 10, 1), date(2026, 10, 7)),
    ]


# -- loading and checks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"monitoring": [duty(during=["lianghui"])]},
            "monitoring[0].during[0]: 'lianghui' is not a period of this policy ([[periods]])",
        ),
        (
            {"periods": [{"id": "a", "ranges": [{"start": "2026-06-10", "end": "2026-06-07"}]}]},
            "periods[0].ranges[0]: end 2026-06-07 is before start 2026-06-10",
        ),
        ({"periods": [{"id": "a"}]}, "periods[0]: a period needs ranges, a rule, or both"),
        (
            {"periods": [{"id": "a", "holidays": ["春节"], "ranges": []}]},
            "periods[0]: a period needs ranges, a rule, or both",
        ),
        (
            {
                "periods": [
                    {
                        "id": "a",
                        "holidays": ["春节"],
                        "ranges": [{"start": "2026-06-07", "end": "2026-06-07"}],
                    }
                ]
            },
            "periods[0]: holidays narrows a rule: give rule = 'official_holidays' too",
        ),
        (
            {"periods": [{"id": "a", "rule": "official_holidays", "holidays": ["圣诞节"]}]},
            "periods[0].holidays[0]: Input should be '元旦', '春节', '清明节', '劳动节', '端午节', "
            "'中秋节' or '国庆节' (got '圣诞节')",
        ),
        (
            {"periods": [{"id": "a", "rule": "weekends"}]},
            "periods[0].rule: Input should be 'official_holidays' (got 'weekends')",
        ),
        (
            {
                "periods": [
                    {"id": "a", "rule": "official_holidays"},
                    {"id": "a", "rule": "official_holidays"},
                ],
                "monitoring": [duty(during=["a"])],
            },
            "periods[1].id: 'a' repeats periods[0].id",
        ),
        (
            {"monitoring": [duty(working_days_only=True, on_rest_day="keep")]},
            "monitoring[0].on_rest_day: 'keep' contradicts working_days_only (which skips rest "
            "days)",
        ),
        (
            {"monitoring": [duty(rest_days_only=True, on_rest_day="next_working_day")]},
            "monitoring[0].on_rest_day: 'next_working_day' with rest_days_only: the duty would "
            "never fall due on the rest days it is kept to",
        ),
        (
            {"monitoring": [duty(on_rest_day="later")]},
            "monitoring[0].on_rest_day: Input should be 'keep', 'next_working_day' or 'skip' "
            "(got 'later')",
        ),
        (
            {"monitoring": [duty(while_open={"levels": ["significant"]})]},
            "monitoring[0].while_open.levels[0]: 'significant' is not one of the policy's levels",
        ),
        (
            {"monitoring": [duty(while_open={"flags": ["mass_incident"]})]},
            "monitoring[0].while_open.flags: unknown key",
        ),
        (
            {"monitoring": [duty(recipient="mayor")]},
            "monitoring[0].recipient: 'mayor' is not a role of this policy",
        ),
    ],
)
def test_bad_periods_and_duties_are_named_by_key_path(data: dict[str, Any], expected: str) -> None:
    assert problems(data) == [expected]


def test_a_file_names_itself_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "school.toml"
    path.write_text(
        'name = "school"\ntitle = "某校"\n'
        '[[periods]]\nid = "exams"\nranges = [{start = 2026-06-10, end = 2026-06-07}]\n'
        '[[monitoring]]\nid = "watch"\nrule = "R7.1"\nkind = "watch"\n'
        'rrule = "FREQ=DAILY;BYHOUR=9"\nduring = ["exam"]\n',
        encoding="utf-8",
    )
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(path)
    assert str(e.value) == (
        f"{path}: periods[0].ranges[0]: end 2026-06-07 is before start 2026-06-10"
    )
    path.write_text(path.read_text("utf-8").replace("2026-06-07}", "2026-06-12}"), "utf-8")
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(path)
    assert str(e.value) == (
        f"{path}: monitoring[0].during[0]: 'exam' is not a period of this policy ([[periods]])"
    )


def test_old_duty_keys_load_and_mean_what_they_meant() -> None:
    old = yq.load_policy(
        {
            **HEAD,
            "monitoring": [duty(working_days_only=True), {**duty(rest_days_only=True), "id": "r"}],
        }
    )
    log, watch = old.spec.monitoring
    assert (log.rest_day, log.on_rest_day, log.during, log.while_open) == ("skip", None, (), None)
    assert (watch.rest_day, watch.rest_days_only) == ("keep", True)
    # The new keys are defaults: an old file's canonical form (and fingerprint) is unchanged.
    assert old.spec_json == (
        '{"monitoring":[{"id":"w","kind":"watch","rrule":"FREQ=DAILY;BYHOUR=9","rule":"R7.1",'
        '"working_days_only":true},{"id":"r","kind":"watch","rest_days_only":true,'
        '"rrule":"FREQ=DAILY;BYHOUR=9","rule":"R7.1"}],"name":"p","title":"某校"}'
    )
    same = yq.load_policy({**HEAD, "monitoring": [duty(on_rest_day="skip")]})
    start, end = cst(2025, 9, 26), cst(2025, 10, 16)
    assert [i.due_at for i in same.monitoring_duties(start, end)] == [
        i.due_at for i in old.monitoring_duties(start, end) if i.duty_id == "w"
    ]


# -- lint and soundness ----------------------------------------------------------------------


def test_lint_warns_of_an_unused_period_and_piled_up_instants() -> None:
    policy = yq.load_policy(
        {
            **HEAD,
            "periods": [
                {"id": "lianghui", "ranges": [{"start": "2026-03-04", "end": "2026-03-11"}]}
            ],
            "monitoring": [
                duty(rrule="FREQ=HOURLY;BYMINUTE=0", on_rest_day="next_working_day"),
            ],
        }
    )
    assert [str(f) for f in yq.lint(policy)] == [
        "monitoring[0].on_rest_day: warning: FREQ=HOURLY with next_working_day: the instants "
        "of a whole rest day pile up at the same times of the next working day",
        "periods[0]: warning: period 'lianghui' is named by no duty's during",
    ]


def test_a_duty_that_never_falls_due_is_not_sound() -> None:
    from yuqing_core.testing import assert_policy_sound
    from yuqing_core.testing.soundness import check_duties_fall_due

    never = yq.load_policy(
        {
            **HEAD,
            "periods": [{"id": "holidays", "rule": "official_holidays"}],
            "monitoring": [duty(during=["holidays"], working_days_only=True)],
        }
    )
    assert [str(f) for f in check_duties_fall_due(never)] == [
        "monitoring[0]: error: duty 'w' never falls due in 2025-2026 nor in its periods' "
        "dates (check during, on_rest_day and rest_days_only)"
    ]
    with pytest.raises(AssertionError, match=r"monitoring\[0\]: duty 'w' never falls due"):
        assert_policy_sound(never)
    later = yq.load_policy(
        {
            **HEAD,
            "periods": [{"id": "x", "ranges": [{"start": "2030-03-04", "end": "2030-03-11"}]}],
            "monitoring": [
                duty(during=["x"]),
                {**duty(while_open={"any_flags": ["mass_incident"]}), "id": "v"},
            ],
        }
    )
    assert check_duties_fall_due(later) == []


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from(["holidays", "official_holidays", "春节", "skip", "major", "", "2026-06-07"]),
    st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(str),
    st.lists(
        st.sampled_from(["holidays", "gaokao", "国庆节", "major", "mass_incident"]), max_size=3
    ),
    st.dictionaries(
        st.sampled_from(["start", "end", "levels", "any_flags", "x"]),
        st.text(max_size=4),
        max_size=3,
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    period=st.dictionaries(
        st.sampled_from(["id", "label", "ranges", "rule", "holidays", "text", "colour"]),
        _VALUES,
        max_size=5,
    ),
    keys=st.dictionaries(
        st.sampled_from(["on_rest_day", "during", "while_open", "recipient", "rest_days_only"]),
        _VALUES,
        max_size=4,
    ),
)
def test_any_new_keys_load_or_fail_with_a_key_path(
    period: dict[str, Any], keys: dict[str, Any]
) -> None:
    data = {**HEAD, "periods": [period], "monitoring": [duty(**keys)]}
    try:
        policy = yq.load_policy(data)
    except yq.PolicyError as e:
        paths = [path for _, path, _ in e.problems]
    else:
        # What loads lists its duties without failing, past the official data too.
        policy.monitoring_duties(cst(2026, 9, 20), cst(2027, 2, 20))
        return
    assert paths
    assert all(p.startswith(("periods[0]", "monitoring[0]")) for p in paths), paths


def test_a_settled_range_outweighs_a_provisional_block() -> None:
    policy = yq.load_policy(
        {
            **HEAD,
            "periods": [
                {"id": "holidays", "rule": "official_holidays"},
                {"id": "special", "ranges": [{"start": "2027-10-01", "end": "2027-10-02"}]},
            ],
            "monitoring": [duty(during=["holidays", "special"])],
        }
    )
    assert in_periods(policy, ["holidays", "special"], date(2027, 10, 1)) == Membership(True)
    assert in_periods(policy, ["holidays", "special"], date(2027, 10, 3)) == Membership(True, True)
    assert in_periods(policy, ["holidays", "special"], date(2027, 10, 9)) == Membership(False, True)
    assert in_periods(policy, ["special"], date(2027, 10, 9)) == Membership(False, False)
