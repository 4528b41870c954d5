from __future__ import annotations

from typing import Any

import pytest

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
