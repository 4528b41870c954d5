from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import yuqing_core as yq

BASE: dict[str, Any] = {"name": "school", "title": "学校"}

OBLIGATIONS = """
name = "school"
title = "某校"

[[obligations]]
id = "a"
rule = "R3.1"
kind = "report"
role = "business_supervisor"
within = "1wd"

[[obligations]]
id = "b"
rule = "R3.1"
kind = "initial_response"
role = "handling_unit"
within = "3wd"

[[obligations]]
id = "c"
rule = "R3.3"
kind = "report"
role = "principal_leader"
within = "{within}"
"""


def _problems(excinfo: pytest.ExceptionInfo[yq.PolicyError]) -> list[str]:
    return str(excinfo.value).splitlines()


def test_bad_duration_names_file_key_path_and_value(tmp_policy: Any) -> None:
    path = tmp_policy("school.toml", OBLIGATIONS.format(within="-3h"))
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(path)
    assert _problems(e) == [
        f"{path}: obligations[2].within: '-3h' is not a duration "
        "(write 90min, 3h, 3d, 1wd, same_day or now)"
    ]
    assert e.value.problems == (
        (
            str(path),
            "obligations[2].within",
            "'-3h' is not a duration (write 90min, 3h, 3d, 1wd, same_day or now)",
        ),
    )


def test_unknown_key_names_its_path(tmp_policy: Any) -> None:
    path = tmp_policy(
        "school.toml", 'name = "s"\ntitle = "t"\n[calendar]\nbusines_close = "17:30"\n'
    )
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(path)
    assert _problems(e) == [f"{path}: calendar.busines_close: unknown key"]


def test_every_problem_is_listed_not_only_the_first() -> None:
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(
            {
                **BASE,
                "colour": 1,
                "timing": {"due_soon_share": 2},
                "calendar": {"business_close": "25:00"},
            }
        )
    lines = _problems(e)
    assert "colour: unknown key" in lines
    assert "timing.due_soon_share: Input should be less than 1 (got 2)" in lines
    assert any(
        line.startswith("calendar.business_close: String should match pattern")
        and "(got '25:00')" in line
        for line in lines
    )
    assert len(lines) == 3


def test_wrong_type_reports_the_value() -> None:
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy({**BASE, "calendar": {"allow_projection": "perhaps"}})
    assert _problems(e) == [
        "calendar.allow_projection: Input should be a valid boolean, unable to interpret "
        "input (got 'perhaps')"
    ]


def test_unknown_role_is_a_structural_error() -> None:
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(
            {
                **BASE,
                "obligations": [
                    {"id": "a", "rule": "R1", "kind": "report", "role": "janitor", "within": "3h"}
                ],
            }
        )
    assert _problems(e) == ["obligations[0].role: 'janitor' is not a role of this policy"]


def test_level_not_in_policy_is_an_error() -> None:
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(
            {
                **BASE,
                "levels": [{"severity": "general"}],
                "assessment": {
                    "rules": [
                        {"id": "r", "rule": "R8.3", "level": "major", "any_flags": ["emergency"]}
                    ]
                },
            }
        )
    assert _problems(e) == [
        "assessment.rules[0].level: 'major' is not one of the policy's levels (general)"
    ]


def test_now_needs_an_explicit_grace() -> None:
    ob = {"id": "a", "rule": "R8.5", "kind": "report", "role": "superior", "within": "now"}
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy({**BASE, "obligations": [ob]})
    assert _problems(e) == [
        "timing.immediate_grace: a deadline is 'now' (立即), so the immediate grace must be "
        "set explicitly"
    ]
    policy = yq.load_policy({**BASE, "obligations": [ob], "timing": {"immediate_grace": "30min"}})
    assert policy.calendar.immediate_grace == yq.Duration.parse("30min")


def test_duplicate_ids_and_after_loops_are_errors() -> None:
    ob = {"rule": "R", "kind": "report", "role": "office", "within": "3h"}
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy({**BASE, "obligations": [{**ob, "id": "a"}, {**ob, "id": "a"}]})
    assert _problems(e) == ["obligations[1].id: 'a' repeats obligations[0].id"]
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(
            {
                **BASE,
                "obligations": [{**ob, "id": "a", "after": "b"}, {**ob, "id": "b", "after": "a"}],
            }
        )
    assert _problems(e) == [
        "obligations[0].after: the 'after' chain loops",
        "obligations[1].after: the 'after' chain loops",
    ]


def test_levels_must_be_ascending() -> None:
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy({**BASE, "levels": [{"severity": "major"}, {"severity": "general"}]})
    assert _problems(e) == ["levels: levels must be distinct and listed lowest first"]


def test_json_and_dict_and_toml_give_equal_policies(tmp_policy: Any) -> None:
    data = {**BASE, "calendar": {"business_close": "17:30"}}
    j = tmp_policy("s.json", json.dumps(data))
    t = tmp_policy(
        "s.toml", 'name = "school"\ntitle = "学校"\n[calendar]\nbusiness_close = "17:30"\n'
    )
    assert yq.load_policy(j) == yq.load_policy(t) == yq.load_policy(data)
    assert yq.load_policy(j).source_file == str(j)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.toml", "name = ", "is not valid TOML: "),
        ("bad.json", "{", "is not valid JSON: "),
        ("bad.yaml", "name: x", "unknown policy file type '.yaml': use .toml or .json"),
        ("list.json", "[1]", "the top level must be a table/object"),
    ],
)
def test_unreadable_files_name_the_file(
    tmp_policy: Any, name: str, text: str, message: str
) -> None:
    path = tmp_policy(name, text)
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(path)
    assert str(e.value).startswith(f"{path}: {message}")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(yq.PolicyError, match=r"nope\.toml: no such file"):
        yq.load_policy(tmp_path / "nope.toml")


def test_extends_a_preset_and_overrides_by_id(tmp_policy: Any) -> None:
    path = tmp_policy(
        "ours.toml",
        """
extends = "school-tiered"
name = "our-school"
title = "我校"

[calendar]
business_close = "17:30"

[[obligations]]
id = "general-report"
within = "4h"
""",
    )
    ours = yq.load_policy(path)
    base = yq.presets.load("school-tiered")
    assert ours.name == "our-school"
    assert ours.spec.calendar.business_close == "17:30"
    assert ours.obligation_spec("general-report").within == yq.Duration.parse("4h")
    assert ours.obligation_spec("general-report").role == "business_supervisor"
    assert len(ours.spec.obligations) == len(base.spec.obligations)


def test_extends_can_remove_an_item_and_errors_name_the_child(tmp_policy: Any) -> None:
    ok = tmp_policy(
        "a.toml",
        'extends = "school-tiered"\nname = "a"\ntitle = "a"\n'
        '[[obligations]]\nid = "general-report"\nremove = true\n',
    )
    assert "general-report" not in {o.id for o in yq.load_policy(ok).spec.obligations}
    bad = tmp_policy(
        "b.toml",
        'extends = "school-tiered"\nname = "b"\ntitle = "b"\n'
        '[[obligations]]\nid = "general-report"\nwithin = "soon"\n',
    )
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(bad)
    assert str(e.value).startswith(f"{bad}: obligations[0].within: 'soon' is not a duration")


def test_extends_unknown_parent(tmp_policy: Any) -> None:
    path = tmp_policy("a.toml", 'extends = "no-such"\nname = "a"\ntitle = "a"\n')
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(path)
    assert _problems(e) == [f"{path}: extends: 'no-such' is not a preset or a .toml/.json file"]
