"""``[calendar] notices`` in a policy file: notice files read relative to the file that names
them, checked while loading with the notice file and key in every error, and held by the loaded
policy itself (so ``to_dict`` gives them back). The 2027 notice is made up for the tests.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import yuqing_core as yq
from tests.helpers import STATUTORY_2028, TEST_NOTICE_2027, cst, notice_toml


def _tree(tmp_path: Path) -> Path:
    """``policies/school.toml`` naming ``policies/notices/cn-2027.toml``."""
    (tmp_path / "policies" / "notices").mkdir(parents=True)
    (tmp_path / "policies" / "notices" / "cn-2027.toml").write_text(TEST_NOTICE_2027, "utf-8")
    policy = tmp_path / "policies" / "school.toml"
    policy.write_text(
        'extends = "school-tiered"\nname = "school"\n'
        '[calendar]\nnotices = ["notices/cn-2027.toml"]\n',
        "utf-8",
    )
    return policy


def test_notice_paths_are_relative_to_the_policy_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy_file = _tree(tmp_path)
    monkeypatch.chdir(tmp_path)  # not the policy's folder
    policy = yq.load_policy("policies/school.toml")
    (notice,) = policy.spec.calendar.notices
    assert (notice.year, [h.name for h in notice.holidays][:2]) == (2027, ["元旦", "春节"])
    cal = policy.calendar
    assert (cal.allow_projection, cal.last_covered_year) == (False, 2027)
    assert cal.last_settled_day == date(2027, 11, 30)
    # Wed 30 Dec 2026 + 1wd: 31 Dec to 2 Jan rest, Sun 3 Jan worked.
    assert cal.due(cst(2026, 12, 30, 17), "1wd") == cst(2027, 1, 4)
    assert yq.load_policy(policy_file) == policy


def test_a_policy_extending_one_with_notices_keeps_them(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "campus").mkdir()
    child = tmp_path / "campus" / "campus.toml"
    child.write_text(
        'extends = "../policies/school.toml"\nname = "campus"\n'
        '[calendar]\nbusiness_close = "17:30"\n',
        "utf-8",
    )
    policy = yq.load_policy(child)
    assert [n.year for n in policy.spec.calendar.notices] == [2027]
    assert policy.calendar.due(cst(2026, 12, 30, 17), "1wd") == cst(2027, 1, 3, 17, 30)


def test_a_loaded_policy_holds_its_notices_and_round_trips(tmp_path: Path) -> None:
    policy = yq.load_policy(_tree(tmp_path))
    data = policy.to_dict()
    notice = data["calendar"]["notices"][0]
    assert (notice["year"], notice["holidays"][0]) == (
        2027,
        {
            "name": "元旦",
            "rest_days": ["2026-12-31", "2027-01-01", "2027-01-02"],
            "work_days": ["2027-01-03"],
        },
    )
    again = yq.load_policy(data)
    assert again.spec.calendar == policy.spec.calendar
    assert again.calendar.due(cst(2026, 12, 30, 17), "1wd") == cst(2027, 1, 4)
    # Without the notice it is another policy (another calendar).
    without = yq.load_policy({**data, "calendar": {**data["calendar"], "notices": []}})
    assert without != again
    assert hash(without.spec) != hash(again.spec)


def test_a_dict_policy_reads_notice_paths_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cn-2027.toml").write_text(TEST_NOTICE_2027, "utf-8")
    monkeypatch.chdir(tmp_path)
    policy = yq.load_policy({"name": "p", "title": "p", "calendar": {"notices": ["cn-2027.toml"]}})
    assert policy.calendar.is_working_day(date(2027, 1, 3)) is True


def test_notice_problems_name_the_notice_file_and_key(tmp_path: Path) -> None:
    notices = tmp_path / "n"
    notices.mkdir()
    bad = notices / "cn-2027.toml"
    bad.write_text(TEST_NOTICE_2027.replace("2027-06-09", "2027-06-12"), "utf-8")
    policy = tmp_path / "p.toml"
    policy.write_text(
        'name = "p"\ntitle = "p"\n[calendar]\nnotices = ["n/cn-2027.toml"]\n', "utf-8"
    )
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(policy)
    assert e.value.problems == (
        (
            str(bad),
            "holidays[4].rest_days[0]",
            "2027-06-12 is a Saturday, a rest day anyway: list a weekend day only inside a span "
            "of rest days that holds a weekday",
        ),
        (
            str(bad),
            "rest_days",
            "the statutory holidays 2027-06-09 (Wednesday) are not listed as rest days; the law "
            "fixes them, a notice only moves weekends around them",
        ),
    )


def test_notices_that_do_not_fit_the_installed_data_are_refused_at_load(tmp_path: Path) -> None:
    gap = tmp_path / "cn-2028.toml"
    gap.write_text(notice_toml(2028, "test only", STATUTORY_2028, []), "utf-8")
    policy = tmp_path / "p.toml"
    policy.write_text('name = "p"\ntitle = "p"\n[calendar]\nnotices = ["cn-2028.toml"]\n', "utf-8")
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(policy)
    assert e.value.problems == (
        (
            str(gap),
            "year",
            "there is no notice for 2027: notices must follow the official data (2001-2026) "
            "year by year",
        ),
    )
    # The same notice written out in a dict policy is checked by the schema, by key.
    inline = {"year": 2028, "source": "test only", "rest_days": [str(d) for d in STATUTORY_2028]}
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy({"name": "p", "title": "p", "calendar": {"notices": [inline]}})
    assert e.value.problems == (
        (
            None,
            "calendar.notices[0].year",
            "there is no notice for 2027: notices must follow the official data (2001-2026) "
            "year by year",
        ),
    )
    inline = {"year": 2027, "source": "x", "work_days": ["2027-01-04"]}
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy({"name": "p", "title": "p", "calendar": {"notices": [inline]}})
    assert [p[1] for p in e.value.problems] == [
        "calendar.notices[0].work_days[0]",
        "calendar.notices[0].rest_days",
    ]
