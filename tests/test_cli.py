from __future__ import annotations

from typing import Any

import pytest

import yuqing_core as yq
from yuqing_core.cli import main


def test_check_reports_unknown_key_and_bad_value_and_exits_1(
    tmp_policy: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    a = tmp_policy("a.toml", 'name = "a"\ntitle = "a"\ncolour = "red"\n')
    b = tmp_policy("b.toml", 'name = "b"\ntitle = "b"\n[timing]\nimmediate_grace = "soon"\n')
    assert main(["check", str(a), str(b)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{a}: colour: unknown key" in out
    assert (
        f"{b}: timing.immediate_grace: 'soon' is not a duration "
        "(write 90min, 3h, 3d, 1wd, same_day or now)"
    ) in out


def test_check_passes_a_good_file(tmp_policy: Any, capsys: pytest.CaptureFixture[str]) -> None:
    a = tmp_policy("a.toml", 'name = "a"\ntitle = "某校"\n')
    assert main(["check", str(a)]) == 0
    assert capsys.readouterr().out.strip() == f"{a}: ok (a: 某校)"


def test_demo_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "school-tiered" in out
    assert "YQ-2025-0930-01" in out


def test_check_reports_the_merged_result(
    tmp_policy: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    path = tmp_policy(
        "ours.toml",
        'extends = "school-tiered"\nname = "ours"\ntitle = "我校"\n'
        '[[levels]]\nseverity = "major"\nlabel = "较重"\n'
        '[[obligations]]\nid = "general-report"\nwithin = "4h"\n',
    )
    assert main(["check", "--merged", str(path)]) == 0
    out = capsys.readouterr().out
    first, rest = out.split("\n", 1)
    assert first == f"{path}: ok (ours: 我校, extends school-tiered)"
    merged = json.loads(rest)
    assert merged["name"] == "ours"
    assert [lv["severity"] for lv in merged["levels"]] == ["general", "major", "critical"]
    assert merged["levels"][1]["label"] == "较重"
    base_major = yq.presets.load("school-tiered").level(yq.Severity.MAJOR)
    assert base_major is not None
    assert merged["levels"][1]["definition"] == base_major.definition
    report = next(o for o in merged["obligations"] if o["id"] == "general-report")
    assert (report["within"], report["role"]) == ("4h", "business_supervisor")
    assert "extends" not in merged
