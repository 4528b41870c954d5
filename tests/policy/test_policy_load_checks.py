"""Bad policy values are caught when the policy loads, named as ``file: key.path: message``.

Each of these loaded, linted and checked fine before and then failed later (at the first
``open_case``, or by hanging ``monitoring_duties``), naming neither file nor key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import yuqing_core as yq

HEAD = 'name = "ours"\ntitle = "某校"\n'
DUTY = '[[monitoring]]\nid = "patrol"\nrule = "X1"\nkind = "patrol"\nrrule = "{rrule}"\n'
STEP = "steps by INTERVAL=0: a rule must move on (INTERVAL of 1 or more)"
EVERY = "due instants must be at least a minute apart"


def _problems(load: Any) -> list[str]:
    with pytest.raises(yq.PolicyError) as e:
        load()
    assert all(path for _, path, _ in e.value.problems)
    return str(e.value).splitlines()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            '[calendar]\ntimezone = "Asia/Shangai"\n',
            "calendar.timezone: 'Asia/Shangai' is not a known time zone",
        ),
        (
            '[calendar]\nbusiness_close = "00:00"\n',
            "calendar.business_close: business_close '00:00' is not a closing time; leave it "
            "unset for 24:00",
        ),
        (
            '[workflow]\nmax_extension = "now"\n',
            "workflow.max_extension: 'now' is not a length one can extend by; write elapsed "
            "time or days such as '5d'",
        ),
        (
            '[workflow]\nmax_extension = "same_day"\n',
            "workflow.max_extension: 'same_day' is not a length one can extend by; write "
            "elapsed time or days such as '5d'",
        ),
        (
            DUTY.format(rrule="FREQ=MINUTELY;INTERVAL=0"),
            f"monitoring[0].rrule: 'FREQ=MINUTELY;INTERVAL=0' {STEP}",
        ),
        (
            DUTY.format(rrule="FREQ=SECONDLY;INTERVAL=30"),
            f"monitoring[0].rrule: 'FREQ=SECONDLY;INTERVAL=30' steps every 30 s: {EVERY}",
        ),
        (
            DUTY.format(rrule="FREQ=HOURLY;BYMINUTE=0;BYSECOND=0,30"),
            "monitoring[0].rrule: 'FREQ=HOURLY;BYMINUTE=0;BYSECOND=0,30' lists several "
            f"BYSECOND values: {EVERY}",
        ),
        (
            DUTY.format(rrule="FREQ=DAILY;COUNT=3;UNTIL=20260101"),
            "monitoring[0].rrule: 'FREQ=DAILY;COUNT=3;UNTIL=20260101' gives both COUNT and "
            "UNTIL: give one",
        ),
    ],
)
def test_bad_values_are_caught_at_load_with_file_and_key_path(
    tmp_policy: Any, body: str, problem: str
) -> None:
    path = tmp_policy("ours.toml", HEAD + body)
    assert _problems(lambda: yq.load_policy(path)) == [f"{path}: {problem}"]


def test_a_good_recurrence_still_loads_and_a_minute_is_the_shortest_step() -> None:
    duty = {"id": "d", "rule": "X1", "kind": "watch", "rrule": "RRULE:FREQ=MINUTELY"}
    policy = yq.load_policy({"name": "p", "title": "t", "monitoring": [duty]})
    assert policy.spec.monitoring[0].rrule == "FREQ=MINUTELY"
    duty["rrule"] = "FREQ=SECONDLY;INTERVAL=60"
    assert yq.load_policy({"name": "p", "title": "t", "monitoring": [duty]})


def test_the_unknown_time_zone_no_longer_reaches_open_case() -> None:
    bad = {"name": "p", "title": "t", "calendar": {"timezone": "Asia/Shangai"}}
    assert _problems(lambda: yq.load_policy(bad)) == [
        "calendar.timezone: 'Asia/Shangai' is not a known time zone"
    ]
    good = yq.load_policy({**bad, "calendar": {"timezone": "Asia/Shanghai"}})
    assert good.calendar.tz == "Asia/Shanghai"


def test_removing_an_item_the_parent_lacks_names_its_key_path(tmp_policy: Any) -> None:
    path = tmp_policy(
        "ours.toml",
        'extends = "school-tiered"\n'
        + HEAD
        + '[[obligations]]\nid = "general-report"\nwithin = "4h"\n'
        + '[[obligations]]\nid = "no-such-duty"\nremove = true\n',
    )
    assert _problems(lambda: yq.load_policy(path)) == [
        f"{path}: obligations[1].remove: 'no-such-duty' is not in the policy this one "
        "extends, so there is nothing to remove"
    ]


def test_removing_from_a_list_the_parent_does_not_have(tmp_policy: Any) -> None:
    path = tmp_policy(
        "ours.toml",
        'extends = "school-tiered"\n' + HEAD + '[[roles]]\nid = "janitor"\nremove = true\n',
    )
    assert _problems(lambda: yq.load_policy(path)) == [
        f"{path}: roles[0].remove: 'janitor' is not in the policy this one extends, so "
        "there is nothing to remove"
    ]


def _family(tmp_path: Path, parent: str, child: str) -> tuple[Path, Path]:
    (tmp_path / "base").mkdir()
    parent_path = tmp_path / "base" / "parent.toml"
    parent_path.write_text(parent, encoding="utf-8")
    child_path = tmp_path / "child.toml"
    child_path.write_text('extends = "base/parent.toml"\n' + child, encoding="utf-8")
    return parent_path, child_path


PARENT = (
    'name = "parent"\ntitle = "上级制度"\n'
    '[[obligations]]\nid = "a"\nrule = "R1"\nkind = "report"\nrole = "office"\nwithin = "3h"\n'
    '[[obligations]]\nid = "b"\nrule = "R1"\nkind = "report"\nrole = "office"\nwithin = "1wd"\n'
)


def test_an_error_inside_the_parent_names_the_parent_file(tmp_path: Path) -> None:
    parent, child = _family(tmp_path, PARENT.replace('within = "1wd"', 'within = "soon"'), HEAD)
    assert _problems(lambda: yq.load_policy(child)) == [
        f"{parent}: obligations[1].within: 'soon' is not a duration "
        "(write 90min, 3h, 3d, 1wd, same_day or now)"
    ]


def test_a_structural_error_inside_the_parent_names_the_parent_file(tmp_path: Path) -> None:
    parent, child = _family(
        tmp_path,
        PARENT.replace('role = "office"\nwithin = "1wd"', 'role = "janitor"\nwithin = "1wd"'),
        HEAD + '[[obligations]]\nid = "b"\nwithin = "2wd"\n',
    )
    assert _problems(lambda: yq.load_policy(child)) == [
        f"{parent}: obligations[1].role: 'janitor' is not a role of this policy"
    ]


def test_an_error_in_the_child_names_the_child_and_its_own_item(tmp_path: Path) -> None:
    _, child = _family(
        tmp_path,
        PARENT,
        HEAD + '[[obligations]]\nid = "c"\nrule = "R2"\nkind = "report"\nrole = "office"\n'
        'within = "soon"\n[[obligations]]\nid = "a"\nwithin = "4h"\nlevels = ["huge"]\n',
    )
    # Merged, "c" is the third obligation and "a" the first; in the child they are 0 and 1.
    assert _problems(lambda: yq.load_policy(child)) == [
        f"{child}: obligations[1].levels[0]: 'huge' is not a severity (one of low, general, "
        "significant, major, critical)",
        f"{child}: obligations[0].within: 'soon' is not a duration "
        "(write 90min, 3h, 3d, 1wd, same_day or now)",
    ]


def test_a_dict_extending_a_file_names_the_file_for_the_parents_errors(tmp_path: Path) -> None:
    parent = tmp_path / "parent.toml"
    parent.write_text(PARENT + '[calendar]\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    data = {"extends": str(parent), "name": "ours", "title": "t", "colour": "red"}
    assert _problems(lambda: yq.load_policy(data)) == [
        f"{parent}: calendar.timezone: 'Mars/Olympus' is not a known time zone",
        "colour: unknown key",
    ]


@pytest.mark.parametrize("name", ["ours.toml", "ours.json"])
def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path, name: str) -> None:
    text = HEAD if name.endswith(".toml") else json.dumps({"name": "ours", "title": "某校"})
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    policy = yq.load_policy(path)
    assert (policy.name, policy.title) == ("ours", "某校")


def test_deep_nesting_is_refused_with_the_key_path() -> None:
    deep: Any = "x"
    for _ in range(10_000):
        deep = {"k": deep}
    problems = _problems(lambda: yq.load_policy({"name": "p", "title": "t", "calendar": deep}))
    assert problems == ["calendar" + ".k" * 16 + ": nests deeper than 16 levels"]


@pytest.mark.parametrize(
    ("name", "text"), [("deep.json", "[" * 5000), ("deep.toml", "a = " + "[" * 5000)]
)
def test_a_file_nested_too_deeply_to_read_is_refused(tmp_policy: Any, name: str, text: str) -> None:
    path = tmp_policy(name, text)
    assert _problems_any(lambda: yq.load_policy(path)) == [
        f"{path}: nests too deeply to be read (a policy nests at most 16 levels)"
    ]


def _problems_any(load: Any) -> list[str]:
    with pytest.raises(yq.PolicyError) as e:
        load()
    return str(e.value).splitlines()


@pytest.mark.parametrize("parent", ["a" * 300, "school\x00tiered", "../school-tiered", "x\n"])
def test_an_extends_that_is_no_preset_name_is_refused(parent: str) -> None:
    data = {"extends": parent, "name": "p", "title": "t"}
    assert _problems(lambda: yq.load_policy(data)) == [
        f"extends: {parent!r} is not a preset or a .toml/.json file"
    ]


@pytest.mark.parametrize("parent", ["our\x00.toml", "missing.toml", "a" * 300 + ".json"])
def test_an_extends_file_that_is_not_there_is_a_problem_of_the_extends_key(
    tmp_path: Path, parent: str
) -> None:
    child = tmp_path / "child.toml"
    child.write_text(f"extends = {json.dumps(parent)}\n" + HEAD, encoding="utf-8")
    assert _problems(lambda: yq.load_policy(child)) == [
        f"{child}: extends: {parent!r} is not a preset or a .toml/.json file"
    ]


def test_keys_that_are_not_plain_words_are_quoted_in_the_path() -> None:
    data = {"name": "p", "title": "t", "calendar": {"": 1, "a.b": 2}}
    assert _problems(lambda: yq.load_policy(data)) == [
        'calendar[""]: unknown key',
        'calendar["a.b"]: unknown key',
    ]
