"""The PostgreSQL benchmark runs end to end at a tiny size, so it cannot rot.

Nothing here is timed: the figures are printed, never asserted.
"""

from __future__ import annotations

import pytest

from benchmarks import bench_postgres


@pytest.mark.requires("postgresql")
def test_bench_postgres_runs(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--small", "200", "--large", "400", "--saves", "2", "--repeat", "1"]
    assert bench_postgres.main(argv) == 0
    out = capsys.readouterr().out
    assert "Index Only Scan using yq_open_obligations_due" in out
    assert "yq_open_obligations_claimable" in out
    assert "claim_due 100 + ack,        400 open" in out
    assert "saves/s, 4 writers, PostgreSQL" in out
