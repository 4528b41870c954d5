"""The calendar benchmark still runs (speed itself is measured in benchmarks/, not here)."""

from __future__ import annotations

import pytest

from benchmarks import bench_calendar
from benchmarks.__main__ import discover, run_all


def test_bench_calendar_runs_with_a_tiny_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_calendar.main(["--number", "50", "--batch", "200", "--repeat", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].split()[:5] == ["call", "us/call", "vs", "ours", "note"]
    names = [line[:32].rstrip() for line in out[2:7]]
    assert names == [
        "yuqing due(start, '3wd')",
        "yuqing due(start, Duration)",
        "holidays get_nth_working_day",
        "chinese_calendar find_workday",
        "numpy busday_offset (scalar)",
    ]
    assert "batch of 200 deadlines:" in out
    assert any(line.startswith("numpy disagrees with the official calendar on ") for line in out)


def test_sample_starts_stay_inside_the_official_schedule() -> None:
    starts = bench_calendar.sample_starts(30_000)
    assert len(starts) == 30_000
    assert max(starts).year == 2026
    assert max(starts).month <= 11


def test_benchmarks_main_discovers_and_rejects_unknown_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "bench_calendar" in discover()
    assert run_all(["no_such_thing"]) == 2
    assert capsys.readouterr().out.startswith("unknown benchmarks: bench_no_such_thing (have: ")
