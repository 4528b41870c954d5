"""The start-up benchmark runs end to end once, so it cannot rot, and what it relies on holds:
``import yuqing_core`` loads no subsystem until a public name is used.

Nothing here is timed: the figures are printed, never asserted.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from benchmarks import bench_startup


def test_bench_startup_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_startup.main(["--repeat", "1"]) == 0
    out = capsys.readouterr().out
    for label in ("import yuqing_core:", "yuqing --help (whole process):", "first presets.load:"):
        assert label in out


def _loaded_after(code: str) -> set[str]:
    shown = "import sys; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", f"{code}; {shown}"], check=True, capture_output=True, text=True
    ).stdout
    return set(out.split())


def test_importing_the_package_loads_no_subsystem() -> None:
    loaded = _loaded_after("import yuqing_core")
    assert {"yuqing_core", "yuqing_core.errors"} <= loaded
    for heavy in ("pydantic", "holidays", "transitions", "yuqing_core.policy", "yuqing_core.time"):
        assert heavy not in loaded


def test_a_public_name_loads_its_module_on_first_use() -> None:
    loaded = _loaded_after("import yuqing_core as yq; yq.Severity")
    assert "yuqing_core.model.severity" in loaded
    assert "yuqing_core.store" not in loaded


def test_the_help_of_the_command_line_loads_no_command() -> None:
    loaded = _loaded_after("from yuqing_core.cli import build_parser; build_parser(['--help'])")
    assert not {"yuqing_core.cli.due", "yuqing_core.cli.check", "pydantic"} & loaded
    loaded = _loaded_after("from yuqing_core.cli import build_parser; build_parser(['due'])")
    assert "yuqing_core.cli.due" in loaded
    assert "yuqing_core.cli.check" not in loaded


def test_importing_a_submodule_keeps_the_accountability_function() -> None:
    code = (
        "import yuqing_core as yq, yuqing_core.accountability as m; "
        "import yuqing_core.render.accountability; assert callable(yq.accountability); "
        "from yuqing_core.accountability import accountability as f; "
        "assert yq.accountability is f"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
