"""The case and store benchmarks run end to end at a tiny size, so they cannot rot.

Nothing here is timed: the figures are printed, never asserted.
"""

from __future__ import annotations

import pytest

from benchmarks import bench_case, bench_replay, bench_store


def test_bench_case_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_case.main(["--number", "2", "--repeat", "1", "--cases", "5"]) == 0
    out = capsys.readouterr().out
    labels = (
        "lifecycle (open + 10)",
        "lifecycle, save each",
        "save each, for scale",
        "engine + naive rows",
        "replay 20 events",
        "memory per 10-event case",
    )
    for label in labels:
        assert label in out


def test_bench_case_twenty_events_replay_to_an_equal_case() -> None:
    import yuqing_core as yq
    from yuqing_core.workflow import Case

    policy = yq.presets.load("school-tiered")
    events = bench_case.twenty_events(policy, bench_case.incident())
    assert len(events) == 20
    assert Case.replay(policy, events).events == events
    assert len(bench_case.chain_table(policy)) == 10


def test_bench_store_runs(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--small", "30", "--large", "60", "--templates", "10", "--number", "2", "--repeat", "1"]
    assert bench_store.main(argv) == 0
    out = capsys.readouterr().out
    assert "due_before first 100,      60 cases (" in out
    assert "growth 30 -> 60 cases" in out


def test_bench_replay_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_replay.main(["--events", "40", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    for label in ("replay 40 events:", "replay 80 events:", "SQLiteStore.load 40 events:"):
        assert label in out


def test_bench_replay_long_case_alternates_metrics_and_follow_ups() -> None:
    import yuqing_core as yq

    policy = yq.presets.load("school-tiered")
    case = bench_replay.long_case(policy, 40)
    triggers = [e.trigger for e in case.events]
    assert len(triggers) == 40
    assert triggers[:5] == ["open", "assess", "report", "assign", "start"]
    assert set(triggers[5:]) == {"update_metrics", "follow_up"}
