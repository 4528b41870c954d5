from __future__ import annotations

from typing import Any

import pytest

import yuqing_core as yq
from yuqing_core.cli import main
from yuqing_core.cli.demo import DEMO_PRESETS


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


def test_demo_runs_four_presets_and_shows_met_late_and_breached(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out.splitlines()
    presets = [line.split()[1].split("，")[0] for line in out if line.startswith("预置制度 ")]
    assert presets == list(DEMO_PRESETS)
    # The summary counts the deadlines of each scenario (worked out in tests/presets/).
    # (Two presets were added to the default, a university and a kindergarten, so that every
    # kind of institution is shown: the names column is wider and the summary two lines longer.)
    assert out[-12:] == [
        "  school-tiered          按时履行 4，逾期履行 1",
        "                         met on time 4, met late 1",
        "  park-message-board     按时履行 5，逾期履行 1，超时未履行 3",
        "                         met on time 5, met late 1, breached 3",
        "  school-thresholds      按时履行 10，逾期履行 3，超时未履行 1",
        "                         met on time 10, met late 3, breached 1",
        "  township               按时履行 4，逾期履行 1",
        "                         met on time 4, met late 1",
        "  university-informants  按时履行 6，逾期履行 2",
        "                         met on time 6, met late 2",
        "  kindergarten-security  按时履行 2，逾期履行 1，超时未履行 1",
        "                         met on time 2, met late 1, breached 1",
    ]
    # The sample incidents are graded under each preset; the lab accident with a superior's
    # instruction is especially major under school-tiered (R3.3).
    at = out.index(
        "    YQ-2026-0315-03 校外媒体报道实验室事故，上级领导批示：特别重大，因为标记“上级批示”"
    )
    assert out[at + 1] == "      especially major: flagged instruction from a superior"
    # The general opinion found before National Day: reported on the first working day after.
    at = out.index("  2025-10-10 周五 00:00  ◆ 时限：报告 → 业务主管部门，10-09 09:10 按时履行 ✓")
    assert out[at + 1] == (
        "                           deadline: report → business supervisor, met on time, "
        "10-09 09:10 ✓"
    )
    assert any(line.endswith("超时未履行 ✗") for line in out)


def test_demo_runs_a_chosen_preset_and_refuses_an_unknown_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--policy", "hr-bureau"]) == 0
    out = capsys.readouterr().out
    assert "预置制度 hr-bureau，" in out
    assert "school-tiered" not in out
    # A report's "by" is the role that sent it (an extension's is how long it extends by).
    lines = out.splitlines()
    at = lines.index(
        "  2025-10-03 周五 11:00  ● 上报：局舆情监督员；"
        "由舆情报送员（街道工作站、社保所）经办；附正文"
    )
    assert lines[at + 1].strip() == "reported: monitor; acting: info reporter; text given"
    # The approval chain's steps have no time limit (R6.3): met, or still owed (pending).
    assert out.splitlines()[-2:] == [
        "  hr-bureau  按时履行 10，未到期 1",
        "             met on time 10, pending 1",
    ]
    assert main(["demo", "--policy", "nope"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(
        "yuqing: demo: argument --policy: invalid choice: 'nope' (choose from "
    )
    assert captured.err.count("\n") == 1


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
