"""The roster benchmark still runs and its peer agrees (speed is measured in benchmarks/)."""

from __future__ import annotations

import pytest

from benchmarks import bench_roster


def test_bench_roster_runs_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_roster.main(["--repeat", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Duty roster: 2025, three duties, 328 due instants (the peer's list is the same)"
    )
    assert out[1].lstrip().startswith("monitoring_duties (a year):")
    assert "| dateutil + chinese_calendar " in out[1]
    assert out[2].lstrip().startswith("roster with 248 fulfilments:")


def test_the_peer_lists_what_the_roster_lists() -> None:
    assert bench_roster.peer() == bench_roster.ours()
