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
        "save statements alone",
        "engine + its statements",
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


def test_save_statements_run_again_store_what_the_recorded_saves_stored() -> None:
    import yuqing_core as yq

    statements = bench_case.SaveStatements(yq.presets.load("school-tiered"), 1)
    assert len(statements.saves) == 11  # open and ten commands, one transaction each
    statements.alone()()  # made ready first: YQ-STATEMENTS-0
    statements.with_engine()()  # YQ-STATEMENTS-1
    db = statements.db

    def rows(table: str, case_id: str) -> list[tuple[object, ...]]:
        found = db.execute(f"SELECT * FROM {table} WHERE case_id = ?", (case_id,)).fetchall()
        return sorted(tuple(v for v in row if v != case_id) for row in found)

    tables = ("yq_cases", "yq_events", "yq_open_obligations")
    for case_id in ("YQ-STATEMENTS-0", "YQ-STATEMENTS-1"):
        for table in tables:
            assert rows(table, case_id) == rows(table, statements.recorded), (case_id, table)
        assert len(rows("yq_events", case_id)) == 11
        assert len(rows("yq_positions", case_id)) == 11
        outbox = (
            "SELECT obligation_id, stage, withdrawn FROM yq_outbox WHERE case_id = ? ORDER BY id"
        )
        assert (
            db.execute(outbox, (case_id,)).fetchall()
            == db.execute(outbox, (statements.recorded,)).fetchall()
        )
