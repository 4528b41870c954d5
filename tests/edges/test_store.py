"""The SQLite event store: round trips, append-only saves, optimistic concurrency across
processes, crash safety, the due index and unreadable rows.

Due instants are worked out by hand on the school-tiered preset (S3) in November 2025, which
has no holiday: a day ends at 24:00, given as 00:00 of the next day.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst, race
from yuqing_core.store import DueItem, SQLiteStore, time_key
from yuqing_core.store.rows import CaseRows
from yuqing_core.workflow import Case


def incident(case_id: str, found: datetime, **kw: Any) -> yq.Incident:
    return yq.Incident(id=case_id, title="食堂投诉", discovered_at=found, **kw)


def open_a(policy: yq.Policy) -> Case:
    """General case found Mon 3 Nov 09:00: report 1wd -> 5 Nov 00:00, response 3wd -> 7 Nov."""
    found = cst(2025, 11, 3, 9)
    reporter = yq.Reporter(name="张三", phone="13800000000", unit="后勤处")
    return policy.open_case(incident("YQ-A", found, reporter=reporter), at=found, actor="monitor-1")


def open_b(policy: yq.Policy) -> Case:
    """Critical case found Tue 4 Nov 10:00: report 3h -> 13:00, response 24h -> 5 Nov 10:00."""
    found = cst(2025, 11, 4, 10)
    return policy.open_case(incident("YQ-B", found), at=found, actor="m", severity="critical")


def open_c(policy: yq.Policy) -> Case:
    """Major case found Mon 3 Nov 20:00: report 24h -> 4 Nov 20:00, response 2wd -> 6 Nov."""
    found = cst(2025, 11, 3, 20)
    return policy.open_case(incident("YQ-C", found), at=found, actor="m", severity="major")


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the store's tables, read with plain sqlite3."""
    db = sqlite3.connect(path)
    try:
        return {
            t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
            for t in ("yq_cases", "yq_events", "yq_open_obligations")
        }
    finally:
        db.close()


def event_dicts(case: Case) -> list[dict[str, Any]]:
    return [e.to_dict(include_personal=True) for e in case.events]


# -- round trip and append-only ---------------------------------------------------------------


def test_round_trip_equals_the_live_case_with_personal_data(
    tiered: yq.Policy, tmp_path: Path
) -> None:
    case = open_a(tiered)
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    case.fire(
        "update_metrics",
        at=cst(2025, 11, 3, 11),
        actor="m",
        metrics=yq.Metrics(observed_at=cst(2025, 11, 3, 11), views=120, comments=7),
    )
    case.fire("report", at=cst(2025, 11, 3, 12), actor="office", text="已报告")
    with SQLiteStore(tmp_path / "s.db") as store:
        assert store.save(case) == 4
    with SQLiteStore(tmp_path / "s.db") as other:
        back = other.load(tiered, "YQ-A")
    assert back == case
    assert back.obligations == case.obligations
    assert (back.state, back.severity, back.version) == ("reported", yq.Severity.GENERAL, 4)
    reporter = back.incident.reporter
    assert reporter is not None
    assert reporter.phone is not None
    assert reporter.phone.get_secret_value() == "13800000000"
    assert back.incident.latest_metrics() == yq.Metrics(
        observed_at=cst(2025, 11, 3, 11), views=120, comments=7
    )


def test_export_leaves_personal_data_out(tiered: yq.Policy, tmp_path: Path) -> None:
    case = open_a(tiered)
    with SQLiteStore(tmp_path / "s.db") as store:
        store.save(case)
        text = store.export_case("YQ-A")
        assert "13800000000" not in text
        assert "张三" not in text
        assert "13800000000" in store.export_case("YQ-A", include_personal=True)
        with pytest.raises(yq.StoreError, match="'YQ-X' is not in the store"):
            store.export_case("YQ-X")
    again = Case.from_json(tiered, text)
    assert again.events[0].data["incident"].reporter.unit == "后勤处"
    assert again.obligations == case.obligations


def test_second_save_appends_only_the_new_events(tiered: yq.Policy, tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    case = open_a(tiered)
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    assert store.save(case) == 2
    first = dump(path)["yq_events"]
    assert store.save(case) == 0  # nothing new: nothing written
    case.fire("report", at=cst(2025, 11, 3, 12), actor="office")
    case.fire("assign", at=cst(2025, 11, 3, 13), actor="office", unit="后勤处")
    assert store.save(case) == 2
    rows = dump(path)
    assert rows["yq_events"][:2] == first
    assert [(r[1], r[2]) for r in rows["yq_events"]] == [
        (1, "open"),
        (2, "assess"),
        (3, "report"),
        (4, "assign"),
    ]
    assert rows["yq_cases"] == [
        (
            "YQ-A",
            "school-tiered",
            4,
            "assigned",
            "general",
            "后勤处",
            "2025-11-03T13:00:00+08:00",
            tiered.fingerprint,
        )
    ]
    # The report was met: only the response is still open, due 7 Nov 00:00.
    assert rows["yq_open_obligations"] == [
        (
            "YQ-A",
            "general-response",
            "school-tiered",
            "initial_response",
            "handling_unit",
            "R3.1",
            time_key(cst(2025, 11, 7)),
            "2025-11-07T00:00:00+08:00",
            0,  # not provisional: November 2025 is settled
            # Its first warning at 3/4 of its 87 h working time: 6 Nov 02:15.
            time_key(cst(2025, 11, 6, 2, 15)),
            "2025-11-06T02:15:00+08:00",
        )
    ]
    assert store.version("YQ-A") == 4
    assert "YQ-A" in store
    assert len(store) == 1
    store.close()


# -- conflicts --------------------------------------------------------------------------------


def test_two_copies_first_save_wins_second_conflicts_and_changes_nothing(
    tiered: yq.Policy, tmp_path: Path
) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    store.save(open_a(tiered))
    one = store.load(tiered, "YQ-A")
    two = store.load(tiered, "YQ-A")
    one.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    two.fire("report", at=cst(2025, 11, 3, 10), actor="office")
    two.fire("assign", at=cst(2025, 11, 3, 11), actor="office")
    assert store.save(one) == 1
    before = dump(path)
    with pytest.raises(
        yq.ConflictError, match="holds version 2, but this case was loaded at version 1"
    ):
        store.save(two)
    assert dump(path) == before
    # The loser reloads and re-applies its command on top of the winner's.
    fresh = store.load(tiered, "YQ-A")
    fresh.fire("report", at=cst(2025, 11, 3, 10), actor="office")
    assert store.save(fresh) == 1
    assert [e.trigger for e in store.load(tiered, "YQ-A").events] == ["open", "assess", "report"]


def test_a_new_case_under_a_stored_id_is_a_duplicate_not_a_conflict(
    tiered: yq.Policy, tmp_path: Path
) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.save(open_a(tiered))
    before = dump(tmp_path / "s.db")
    with pytest.raises(yq.DuplicateCaseError) as e:
        store.save(open_a(tiered))
    assert str(e.value) == (
        "case 'YQ-A' is already in the store: a new case cannot be saved under an id the "
        "store holds; load the stored case to add events to it"
    )
    assert not isinstance(e.value, yq.ConflictError)  # retrying cannot help
    assert isinstance(e.value, yq.StoreError)
    assert "13800000000" not in str(e.value)
    assert dump(tmp_path / "s.db") == before
    twin = open_a(tiered)
    twin.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    # A host that tracks versions itself says which version its copy started from.
    assert store.save(twin, expected_version=1) == 1
    with pytest.raises(yq.StoreError, match=r"expected version 5 is outside 0\.\.2"):
        store.save(twin, expected_version=5)


def test_policy_mismatch_is_refused(tiered: yq.Policy, tmp_path: Path) -> None:
    other = yq.load_policy({"name": "other", "title": "另一制度"})
    store = SQLiteStore(tmp_path / "s.db")
    store.save(open_a(tiered))
    with pytest.raises(yq.StoreError, match="opened under policy 'school-tiered'"):
        store.load(other, "YQ-A")
    stranger = other.open_case(
        incident("YQ-A", cst(2025, 11, 3, 9)), at=cst(2025, 11, 3, 9), actor="m"
    )
    with pytest.raises(yq.StoreError, match="stored under policy 'school-tiered', not 'other'"):
        store.save(stranger, expected_version=1)
    with pytest.raises(yq.StoreError, match="'YQ-Z' is not in the store"):
        store.load(tiered, "YQ-Z")
    assert store.case_ids() == ["YQ-A"]
    assert store.case_ids(other) == []
    assert [c.id for c in store.load_all(tiered)] == ["YQ-A"]


def test_threads_sharing_one_store_one_wins(tiered: yq.Policy, tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.save(open_a(tiered))
    copies = [store.load(tiered, "YQ-A") for _ in range(8)]
    for n, copy in enumerate(copies):
        copy.fire("assess", at=cst(2025, 11, 3, 10, n), actor=f"t{n}")
    outcomes: list[str] = []

    def save(case: Case) -> None:
        try:
            store.save(case)
            outcomes.append("saved")
        except yq.ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(c,)) for c in copies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 7 + ["saved"]
    assert store.load(tiered, "YQ-A").version == 2


# -- two processes ----------------------------------------------------------------------------

HISTORIES: dict[str, list[tuple[str, datetime, dict[str, Any]]]] = {
    "left": [
        ("assess", cst(2025, 11, 3, 10), {}),
        ("report", cst(2025, 11, 3, 11), {"text": "左"}),
    ],
    "right": [
        ("assign", cst(2025, 11, 3, 10, 30), {"unit": "后勤处"}),
        ("start", cst(2025, 11, 3, 11), {}),
        ("respond", cst(2025, 11, 3, 12), {"text": "右"}),
    ],
}


def _apply(case: Case, which: str) -> None:
    for trigger, at, data in HISTORIES[which]:
        case.fire(trigger, at=at, actor=which, **data)


def _racing_writer(path: str, which: str, barrier: Any, results: Any) -> None:
    policy = yq.presets.load("school-tiered")
    store = SQLiteStore(path)
    case = store.load(policy, "YQ-A")
    _apply(case, which)
    original = SQLiteStore._write_open_obligations

    def slow(db: sqlite3.Connection, case_id: str, rows: Any) -> None:
        # Hold the write transaction open a while, so the other writer must queue behind it.
        time.sleep(0.3)
        original(db, case_id, rows)

    SQLiteStore._write_open_obligations = staticmethod(slow)  # type: ignore[method-assign]
    barrier.wait()
    try:
        store.save(case)
        results.put((which, "saved"))
    except yq.ConflictError:
        results.put((which, "conflict"))


def test_two_processes_saving_the_same_version_one_wins_no_mix(
    tiered: yq.Policy, tmp_path: Path
) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).save(open_a(tiered))
    outcome = race(_racing_writer, str(path))
    assert sorted(outcome.values()) == ["conflict", "saved"]
    winner = next(w for w, r in outcome.items() if r == "saved")
    expected = open_a(tiered)
    _apply(expected, winner)
    stored = SQLiteStore(path).load(tiered, "YQ-A")
    assert event_dicts(stored) == event_dicts(expected)
    assert dump(path)["yq_cases"][0][2] == expected.version


# -- a process killed mid-save -----------------------------------------------------------------


def _killed_writer(path: str) -> None:
    policy = yq.presets.load("school-tiered")
    store = SQLiteStore(path)
    case = store.load(policy, "YQ-A")
    case.fire("report", at=cst(2025, 11, 3, 11), actor="office")
    case.fire("assign", at=cst(2025, 11, 3, 12), actor="office")

    def die(db: sqlite3.Connection, case_id: str, rows: Any) -> None:
        # The event rows and the case row are written inside the open transaction by now.
        assert db.execute("SELECT count(*) FROM yq_events").fetchone()[0] == 4
        os._exit(1)

    SQLiteStore._write_open_obligations = staticmethod(die)  # type: ignore[method-assign]
    store.save(case)


def test_a_process_killed_mid_save_leaves_the_previous_version(
    tiered: yq.Policy, tmp_path: Path
) -> None:
    path = tmp_path / "s.db"
    case = open_a(tiered)
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    SQLiteStore(path).save(case)
    before = dump(path)
    child = multiprocessing.get_context("spawn").Process(target=_killed_writer, args=(str(path),))
    child.start()
    child.join(timeout=120)
    assert child.exitcode == 1
    assert dump(path) == before
    store = SQLiteStore(path)
    assert store._db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    back = store.load(tiered, "YQ-A")
    assert back == case
    assert back.version == 2
    assert [d.obligation_id for d in store.due_before(cst(2025, 11, 8))] == [
        "general-report",
        "general-response",
    ]
    # Nothing half-written is left in the way of the next save.
    back.fire("report", at=cst(2025, 11, 3, 11), actor="office")
    assert store.save(back) == 1


# -- the due index --------------------------------------------------------------------------


@pytest.fixture
def three(tiered: yq.Policy, tmp_path: Path) -> tuple[SQLiteStore, dict[str, Case]]:
    store = SQLiteStore(tmp_path / "s.db")
    cases = {c.id: c for c in (open_a(tiered), open_b(tiered), open_c(tiered))}
    for c in cases.values():
        store.save(c)
    return store, cases


def item(case_id: str, ob: str, kind: str, role: str, due: datetime, rule: str) -> DueItem:
    return DueItem(case_id, ob, kind, role, due, rule, "school-tiered")


B_REPORT = item(
    "YQ-B", "critical-report", "report", "principal_leader", cst(2025, 11, 4, 13), "R3.3"
)
C_REPORT = item("YQ-C", "major-report", "report", "principal_leader", cst(2025, 11, 4, 20), "R3.2")
A_REPORT = item("YQ-A", "general-report", "report", "business_supervisor", cst(2025, 11, 5), "R3.1")
B_RESPONSE = item(
    "YQ-B", "critical-response", "initial_response", "handling_unit", cst(2025, 11, 5, 10), "R3.3"
)
C_RESPONSE = item(
    "YQ-C", "major-response", "initial_response", "handling_unit", cst(2025, 11, 6), "R3.2"
)
A_RESPONSE = item(
    "YQ-A", "general-response", "initial_response", "handling_unit", cst(2025, 11, 7), "R3.1"
)


def test_due_before_is_inclusive_earliest_first_and_limited(
    three: tuple[SQLiteStore, dict[str, Case]],
) -> None:
    store, _ = three
    assert store.due_before(cst(2025, 11, 5)) == [B_REPORT, C_REPORT, A_REPORT]
    assert store.due_before(cst(2025, 11, 5), limit=2) == [B_REPORT, C_REPORT]
    assert store.due_before(cst(2025, 11, 8)) == [
        B_REPORT,
        C_REPORT,
        A_REPORT,
        B_RESPONSE,
        C_RESPONSE,
        A_RESPONSE,
    ]
    assert store.due_before(cst(2025, 11, 4, 12, 59)) == []
    # Instants, not local text: 12:00 UTC is 20:00 in Beijing.
    assert store.due_before(datetime(2025, 11, 4, 12, tzinfo=UTC)) == [B_REPORT, C_REPORT]
    assert store.due_before(cst(2025, 11, 5))[0].due_at.utcoffset() == timedelta(hours=8)


def test_met_and_paused_obligations_are_not_due(
    three: tuple[SQLiteStore, dict[str, Case]],
) -> None:
    store, cases = three
    cases["YQ-C"].fire("report", at=cst(2025, 11, 4, 9), actor="office")
    # school-tiered pauses nothing; the same rules with responses pausable stop YQ-A's.
    pausing = yq.load_policy(
        {"extends": "school-tiered", "workflow": {"pausable": ["initial_response"]}}
    )
    # YQ-A was opened under school-tiered: loading it with another version is an opt-in, the
    # adoption an event of its own (before the pause, so the pause is under the new rules).
    cases["YQ-A"] = store.load(pausing, "YQ-A", adopt_at=cst(2025, 11, 3, 10))
    cases["YQ-A"].fire("pause", at=cst(2025, 11, 3, 10), actor="unit", reason="等待补充材料")
    store.save(cases["YQ-C"])
    store.save(cases["YQ-A"])
    assert store.due_before(cst(2025, 11, 8)) == [B_REPORT, A_REPORT, B_RESPONSE, C_RESPONSE]
    cases["YQ-B"].fire("dismiss", at=cst(2025, 11, 4, 11), actor="office", reason="重复登记")
    store.save(cases["YQ-B"])
    # A closed case owes nothing more.
    assert store.due_before(cst(2025, 11, 8)) == [A_REPORT, C_RESPONSE]


def test_due_before_reads_an_index_range_not_a_scan(
    three: tuple[SQLiteStore, dict[str, Case]],
) -> None:
    store, _ = three
    plan = store._db.execute(
        "EXPLAIN QUERY PLAN SELECT case_id, obligation_id, policy, kind, role, rule, due_at, "
        "provisional FROM yq_open_obligations WHERE due_key <= ? "
        "ORDER BY due_key, case_id, obligation_id LIMIT ?",
        (0, 100),
    ).fetchall()
    details = [row[-1] for row in plan]
    assert details == [
        "SEARCH yq_open_obligations USING COVERING INDEX yq_open_obligations_due (due_key<?)"
    ]


def test_due_before_rejects_naive_time_and_bad_limit(
    three: tuple[SQLiteStore, dict[str, Case]],
) -> None:
    store, _ = three
    with pytest.raises(yq.NaiveDatetimeError, match="at: 2025-11-05T00:00:00 has no time zone"):
        store.due_before(datetime(2025, 11, 5))
    for bad in (0, -1, True, 2.5):
        with pytest.raises(yq.StoreError, match="limit must be a positive integer"):
            store.due_before(cst(2025, 11, 5), limit=bad)  # type: ignore[arg-type]


def test_reindex_follows_a_changed_policy(tiered: yq.Policy, tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.save(open_a(tiered))
    stricter = yq.load_policy(
        {
            **tiered.to_dict(),
            "obligations": [
                {
                    "id": "general-report",
                    "rule": "R3.1",
                    "kind": "report",
                    "role": "business_supervisor",
                    "levels": ["general"],
                    "within": "3h",
                }
            ],
        }
    )
    # Reindexing adopts the new version for the open case at the instant given and reports
    # what changed: the report is due at 12:00 (3h from discovery), the response is owed no
    # more. Both were open and on time at 10:00, so both follow the new version.
    assert store.reindex(stricter, at=cst(2025, 11, 3, 10)) == [
        yq.ReindexChange(
            "YQ-A",
            "general-report",
            cst(2025, 11, 5),
            cst(2025, 11, 3, 12),
            "pending",
            "pending",
            old_provisional=False,
            new_provisional=False,
        ),
        yq.ReindexChange(
            "YQ-A",
            "general-response",
            cst(2025, 11, 7),
            None,
            "pending",
            None,
            old_provisional=False,
        ),
    ]
    assert store.due_before(cst(2025, 11, 8)) == [
        item(
            "YQ-A", "general-report", "report", "business_supervisor", cst(2025, 11, 3, 12), "R3.1"
        )
    ]


# -- unreadable rows and files ---------------------------------------------------------------


@pytest.fixture
def stored(tiered: yq.Policy, tmp_path: Path) -> Path:
    path = tmp_path / "s.db"
    case = open_a(tiered)
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    case.fire("report", at=cst(2025, 11, 3, 11), actor="office")
    SQLiteStore(path).save(case)
    return path


def tamper(path: Path, sql: str) -> None:
    db = sqlite3.connect(path)
    with db:
        db.execute(sql)
    db.close()


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "UPDATE yq_events SET data = '{broken' WHERE seq = 3",
            "case 'YQ-A' seq 3: cannot read the event row",
        ),
        (
            "UPDATE yq_events SET data = '[1]' WHERE seq = 2",
            "case 'YQ-A' seq 2: cannot read the event row: data is a JSON list",
        ),
        (
            "UPDATE yq_events SET at = 'yesterday' WHERE seq = 2",
            "case 'YQ-A' seq 2: cannot read the event row",
        ),
        (
            "UPDATE yq_events SET at = '2025-11-03T10:00:00' WHERE seq = 2",
            "case 'YQ-A' seq 2: cannot read the event row: at: 2025-11-03T10:00:00 has no",
        ),
        (
            'UPDATE yq_events SET data = \'{"incident": {"id": 1}}\' WHERE seq = 1',
            "case 'YQ-A' seq 1: cannot read the event row",
        ),
        ("DELETE FROM yq_events WHERE seq = 2", "case 'YQ-A' seq 2: event missing from the store"),
        (
            "DELETE FROM yq_events WHERE seq = 3",
            "case 'YQ-A' seq 3: the case row says version 3 but 2 events are stored",
        ),
        (
            "UPDATE yq_events SET trigger = 'resume' WHERE seq = 2",
            "case 'YQ-A' seq 2: the event does not replay under policy 'school-tiered'",
        ),
    ],
)
def test_unreadable_rows_name_the_case_and_seq(
    tiered: yq.Policy, stored: Path, sql: str, message: str
) -> None:
    tamper(stored, sql)
    store = SQLiteStore(stored)
    with pytest.raises(yq.StoreError) as e:
        store.load(tiered, "YQ-A")
    assert message in str(e.value)


REPLAY = "the event does not replay under policy 'school-tiered'"
ROW = "cannot read the event row"
DEEP = "[" * 100_000 + "]" * 100_000

TAMPERED_ROWS = [
    # bad JSON, wrong column types
    ("UPDATE yq_events SET data = '{broken' WHERE seq = 3", f"seq 3: {ROW}: data is not JSON"),
    (
        'UPDATE yq_events SET data = \'{"note": ' + DEEP + "}' WHERE seq = 2",
        f"seq 2: {ROW}: data is nested too deeply",
    ),
    (
        # TEXT affinity: SQLite stores the 5 as '5'.
        "UPDATE yq_events SET trigger = 5 WHERE seq = 2",
        f"seq 2: {REPLAY}: unknown trigger <not a name>",
    ),
    (
        "UPDATE yq_events SET actor = x'00' WHERE seq = 2",
        f"seq 2: {ROW}: the actor column holds a blob, not text",
    ),
    (
        "UPDATE yq_events SET data = x'7b7d' WHERE seq = 2",
        f"seq 2: {ROW}: the data column holds a blob, not text",
    ),
    (
        "UPDATE yq_events SET at = 1.5 WHERE seq = 3",
        f"seq 3: {ROW}: at: not an ISO 8601 date and time",
    ),
    (
        "UPDATE yq_events SET data = json_set(data, '$.incident.reporter.phone', 13800000000) "
        "WHERE seq = 1",
        f"seq 1: {ROW}: data.incident.reporter.phone: Input should be a valid string (got int)",
    ),
    (
        "UPDATE yq_events SET data = json_set(data, '$.role', 5) WHERE seq = 3",
        f"seq 3: {REPLAY}: data.role: Input should be a valid string",
    ),
    # missing keys
    (
        "UPDATE yq_events SET data = json_remove(data, '$.severity') WHERE seq = 1",
        "seq 1: open needs 'severity'",
    ),
    (
        "UPDATE yq_events SET data = json_remove(data, '$.incident') WHERE seq = 1",
        "seq 1: the open event carries no incident",
    ),
    (
        "UPDATE yq_events SET data = json_remove(data, '$.incident.title') WHERE seq = 1",
        f"seq 1: {ROW}: data.incident.title: required field is missing",
    ),
    (
        "UPDATE yq_events SET trigger = 'downgrade', data = '{\"severity\":\"general\"}' "
        "WHERE seq = 2",
        f"seq 2: {REPLAY}: downgrade needs 'reason'",
    ),
    # unknown trigger, a forged escalation, another incident
    (
        "UPDATE yq_events SET trigger = 'explode' WHERE seq = 2",
        f"seq 2: {REPLAY}: unknown trigger 'explode'",
    ),
    (
        "UPDATE yq_events SET trigger = 'escalate', actor = 'yuqing_core', "
        'data = \'{"auto":true,"reason":"R3.3","severity":"critical"}\' '
        "WHERE seq = 2",
        f"seq 2: {REPLAY}: an automatic escalation the library did not record: re-assessing "
        "the incident at 2025-11-03T10:00:00+08:00 gives no escalation, and the library "
        "records one only right after the update_metrics that raises the level",
    ),
    (
        "UPDATE yq_events SET data = json_set(data, '$.incident.id', 'YQ-Z') WHERE seq = 1",
        "seq 1: the open event is for incident 'YQ-Z'",
    ),
    # out-of-order times, seq gaps, a wrong version
    (
        "UPDATE yq_events SET at = '2025-11-03T08:00:00+08:00' WHERE seq = 2",
        f"seq 2: {REPLAY}: assess at 2025-11-03T08:00:00+08:00 is before the last event "
        "(2025-11-03T09:00:00+08:00); events are recorded in time order",
    ),
    (
        "DELETE FROM yq_events WHERE seq = 2",
        "seq 2: event missing from the store (found seq 3 instead)",
    ),
    (
        "UPDATE yq_events SET seq = 'two' WHERE seq = 2",
        "seq 2: event missing from the store (found seq 3 instead)",
    ),
    (
        "UPDATE yq_events SET seq = 5 WHERE seq = 3",
        "seq 3: event missing from the store (found seq 5 instead)",
    ),
    (
        "UPDATE yq_cases SET version = 4",
        "seq 4: the case row says version 4 but 3 events are stored",
    ),
]


@pytest.mark.parametrize(("sql", "message"), TAMPERED_ROWS)
def test_tampered_rows_are_a_corrupt_case_naming_case_and_seq(
    tiered: yq.Policy, stored: Path, sql: str, message: str
) -> None:
    tamper(stored, sql)
    store = SQLiteStore(stored)
    with pytest.raises(yq.CorruptCaseError) as e:
        store.load(tiered, "YQ-A")
    assert str(e.value) == f"case 'YQ-A' {message}"
    assert e.value.case_id == "YQ-A"
    assert f"seq {e.value.seq}:" in message
    assert isinstance(e.value, yq.StoreError)  # what store.load raised before
    for secret in ("张三", "13800000000"):
        assert secret not in str(e.value)
        assert secret not in repr(e.value)


def test_a_tampered_row_also_fails_reindex_and_export(tiered: yq.Policy, stored: Path) -> None:
    tamper(
        stored,
        'UPDATE yq_events SET data = \'{"flags":"emergency"}\', '
        "trigger = 'update_metrics' WHERE seq = 2",
    )
    store = SQLiteStore(stored)
    before = dump(stored)
    with pytest.raises(yq.CorruptCaseError, match=r"^case 'YQ-A' seq 2: .*data\.flags"):
        store.reindex(tiered, at=cst(2025, 11, 3, 12))
    assert dump(stored) == before
    tamper(stored, "UPDATE yq_events SET actor = x'07' WHERE seq = 3")
    with pytest.raises(
        yq.CorruptCaseError,
        match=r"^case 'YQ-A' seq 3: cannot read the event row: the actor column holds a blob",
    ):
        store.export_case("YQ-A")


COLUMNS = ("seq", "trigger", "at", "actor", "data")
SQL_VALUES = (
    st.none()
    | st.integers(-3, 10)
    | st.floats(allow_nan=False)
    | st.text(max_size=6)
    | st.binary(max_size=3)
    | st.sampled_from(
        [
            "open",
            "assess",
            "report",
            "escalate",
            "yuqing_core",
            "{}",
            '{"severity":"critical"}',
            '{"flags":"emergency"}',
            '{"metrics":"x"}',
            "2025-11-03T09:30:00+08:00",
            "2025-11-03T10:00:00+08:00",
            "2025-11-03T12:00:00+08:00",
        ]
    )
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    changes=st.lists(
        st.tuples(st.integers(1, 3), st.sampled_from(COLUMNS), SQL_VALUES), min_size=1, max_size=2
    )
)
def test_a_tampered_store_is_refused_naming_case_and_seq_or_reads_the_same(
    tiered: yq.Policy, tmp_path: Path, changes: list[tuple[int, str, Any]]
) -> None:
    path = tmp_path / f"h{time.monotonic_ns()}.db"
    case = open_a(tiered)
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    case.fire("report", at=cst(2025, 11, 3, 11), actor="office")
    SQLiteStore(path).save(case)
    before = dump(path)["yq_events"]
    db = sqlite3.connect(path)
    for seq, column, value in changes:
        with contextlib.suppress(sqlite3.IntegrityError), db:  # NOT NULL, a taken seq
            db.execute(f"UPDATE yq_events SET {column} = ? WHERE seq = ?", (value, seq))
    db.close()
    try:
        back = SQLiteStore(path).load(tiered, "YQ-A")
    except yq.CorruptCaseError as e:
        error = e
    else:
        # Read without an error: the case is what the rows say, as they say it (an actor
        # renamed is a valid row), and nothing else; unchanged rows give the same case.
        rows = dump(path)["yq_events"]
        assert [(r[1], r[2], r[5]) for r in rows] == [
            (seq, e.trigger, e.actor) for seq, e in enumerate(back.events, 1)
        ]
        for row, event in zip(rows, back.events, strict=True):
            assert datetime.fromisoformat(row[3]) == event.at
            assert json.loads(row[6]) == event.to_dict(include_personal=True)["data"]
        if rows == before:
            assert back == case
        return
    assert error.case_id == "YQ-A"
    assert error.seq is not None
    assert 1 <= error.seq <= 3
    assert str(error).startswith(f"case 'YQ-A' seq {error.seq}: ")
    assert "13800000000" not in str(error)


# -- clear store errors --------------------------------------------------------------------


def test_two_handles_on_one_file_give_no_false_conflict(tiered: yq.Policy, tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    one, two = SQLiteStore(path), SQLiteStore(path)
    assert one.save(open_a(tiered)) == 1
    case = one.load(tiered, "YQ-A")
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    # Loaded through one handle, saved through the other: nobody else wrote.
    assert two.known_version(case) == 1
    assert two.save(case) == 1
    case.fire("report", at=cst(2025, 11, 3, 11), actor="office")
    assert one.save(case) == 1
    # Another path to the same file is the same database.
    (tmp_path / "sub").mkdir()
    three = SQLiteStore(tmp_path / "sub" / ".." / "s.db")
    assert three.known_version(case) == 3
    assert [e.trigger for e in three.load(tiered, "YQ-A").events] == ["open", "assess", "report"]
    # A real conflict between handles is still one.
    first, second = one.load(tiered, "YQ-A"), two.load(tiered, "YQ-A")
    first.fire("assign", at=cst(2025, 11, 3, 12), actor="office")
    second.fire("start", at=cst(2025, 11, 3, 12), actor="office")
    assert two.save(first) == 1
    with pytest.raises(
        yq.ConflictError, match="holds version 4, but this case was loaded at version 3"
    ):
        one.save(second)


def test_another_file_knows_nothing_of_a_case(tiered: yq.Policy, tmp_path: Path) -> None:
    a, b = SQLiteStore(tmp_path / "a.db"), SQLiteStore(tmp_path / "b.db")
    a.save(open_a(tiered))
    case = a.load(tiered, "YQ-A")
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    assert b.known_version(case) == 0
    assert b.save(case) == 2  # a new case in b: all of its events
    memory = SQLiteStore(":memory:")
    assert memory.known_version(case) == 0
    assert memory.save(case) == 2


def test_ids_with_surrounding_spaces_are_refused_not_stripped(
    tiered: yq.Policy, tmp_path: Path
) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.save(
        tiered.open_case(incident("a", cst(2025, 11, 3, 9)), at=cst(2025, 11, 3, 9), actor="m")
    )
    for padded in ("  a  ", "a ", " a", "a\n"):
        with pytest.raises(ValueError, match="an id must not start or end with whitespace"):
            incident(padded, cst(2025, 11, 3, 9))
    with pytest.raises(yq.StoreError, match="'  a  ' is not in the store"):
        store.load(tiered, "  a  ")
    assert store.case_ids() == ["a"]


def test_a_newer_schema_or_a_foreign_file_is_refused(stored: Path, tmp_path: Path) -> None:
    tamper(stored, "UPDATE yq_meta SET value = '6' WHERE key = 'schema_version'")
    with pytest.raises(yq.StoreError, match=r"newer yuqing_core \(schema 6; this version reads"):
        SQLiteStore(stored)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database, just some text " * 100)
    with pytest.raises(yq.StoreError, match="not a usable store"):
        SQLiteStore(junk)


def test_the_store_shares_a_host_database(tmp_path: Path, tiered: yq.Policy) -> None:
    path = tmp_path / "host.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("INSERT INTO cases (name) VALUES ('host row')")
    db.commit()
    db.close()
    store = SQLiteStore(path)
    store.save(open_a(tiered))
    assert store._db.execute("SELECT name FROM cases").fetchall() == [("host row",)]


def test_save_refuses_what_is_not_a_case(tmp_path: Path) -> None:
    with pytest.raises(yq.StoreError, match="save needs a Case, got str"):
        SQLiteStore(tmp_path / "s.db").save("YQ-A")  # type: ignore[arg-type]


def test_a_closed_store_says_so(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.close()
    with pytest.raises(yq.StoreError, match="the store is closed"):
        store.due_before(cst(2025, 11, 5))


def test_a_writer_that_cannot_get_the_lock_gets_a_store_error(
    tiered: yq.Policy, tmp_path: Path
) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path, timeout=0.01)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(yq.StoreError, match="cannot start a transaction: database is locked"):
            store.save(open_a(tiered))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert store.save(open_a(tiered)) == 1


# -- properties --------------------------------------------------------------------------------

STEPS = [
    "assess",
    "report",
    "assign",
    "start",
    "draft_reply",
    "approve_reply",
    "respond",
    "track",
    "follow_up",
    "supervise",
    "pause",
    "resume",
    "stabilize",
    "review",
    "archive",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plan=st.lists(
        st.tuples(st.sampled_from(STEPS), st.integers(0, 30), st.booleans()),
        min_size=1,
        max_size=14,
    ),
    severity=st.sampled_from(["general", "major", "critical"]),
)
def test_index_and_log_always_match_the_live_case(
    plan: list[tuple[str, int, bool]], severity: str
) -> None:
    policy = yq.presets.load("school-tiered")
    found = cst(2025, 11, 3, 9)
    case = policy.open_case(incident("YQ-P", found), at=found, actor="m", severity=severity)
    store = SQLiteStore(":memory:")
    at = found
    for trigger, hours, save in plan:
        at = at + timedelta(hours=hours)
        with contextlib.suppress(yq.TransitionError):
            case.fire(trigger, at=at, actor="o")
        if save:
            store.save(case)
    store.save(case)
    assert store.load(policy, "YQ-P") == case
    expected = sorted((o.due_at, o.id) for o in case.obligations if o.is_open and not o.paused)
    got = store.due_before(cst(2030, 1, 1), limit=1000)
    assert [(d.due_at, d.obligation_id) for d in got] == expected
    assert all(d.case_id == "YQ-P" for d in got)


# -- bulk import ---------------------------------------------------------------------------


def test_import_rows_stores_whole_cases_as_save_would(tiered: yq.Policy, tmp_path: Path) -> None:
    a, b = open_a(tiered), open_b(tiered)
    saved = SQLiteStore(tmp_path / "saved.db")
    saved.save(a)
    saved.save(b)
    imported = SQLiteStore(tmp_path / "imported.db")
    assert imported.import_rows([CaseRows.of(a), CaseRows.of(b)]) == 2
    assert imported.load(tiered, a.id) == a
    assert imported.load(tiered, b.id) == b
    assert dump(tmp_path / "imported.db") == dump(tmp_path / "saved.db")


def test_import_rows_of_a_stored_case_is_a_duplicate_and_writes_nothing(
    tiered: yq.Policy, tmp_path: Path
) -> None:
    a, b = open_a(tiered), open_b(tiered)
    store = SQLiteStore(tmp_path / "s.db")
    store.save(a)
    before = dump(tmp_path / "s.db")
    with pytest.raises(
        yq.DuplicateCaseError,
        match=r"^cannot import: case 'YQ-A' is already in the store; nothing was written$",
    ):
        store.import_rows([CaseRows.of(b), CaseRows.of(a)])
    assert dump(tmp_path / "s.db") == before
    with pytest.raises(
        yq.DuplicateCaseError, match=r"^cannot import: case 'YQ-B' is given twice; nothing was"
    ):
        store.import_rows([CaseRows.of(b), CaseRows.of(b)])
    assert dump(tmp_path / "s.db") == before


def test_import_rows_refuses_rows_that_are_not_one_whole_case(
    tiered: yq.Policy, tmp_path: Path
) -> None:
    a, b = open_a(tiered), open_b(tiered)
    a.fire("assess", at=a.events[-1].at + timedelta(minutes=5), actor="monitor")
    rows = CaseRows.of(a)
    store = SQLiteStore(tmp_path / "s.db")
    with pytest.raises(yq.StoreError, match="not seq 1 to 2"):
        store.import_rows([rows._replace(events=rows.events[:1])])
    with pytest.raises(yq.StoreError, match=f"a row of case {b.id!r}"):
        store.import_rows([rows._replace(events=[*rows.events[:1], *CaseRows.of(b).events])])
    assert store.case_ids() == []


def test_the_outbox_warns_when_the_obligation_turns_due_soon(tmp_path: Path) -> None:
    # school-tiered, found on the eve of National Day 2025: the report owes 1 working day, due
    # 10 Oct 00:00. Its working time is 30 Sep 17:00-24:00 (7 h) and 9 Oct (24 h); 75% of the
    # 31 h is reached at 16:15 on 9 Oct, so the due-soon notice is sendable then, not during
    # the holiday (the elapsed share would say 7 Oct 11:15).
    policy = yq.presets.load("school-tiered")
    found = cst(2025, 9, 30, 17)
    case = policy.open_case(
        yq.Incident(id="YQ-OUT", title="t", discovered_at=found), at=found, actor="m"
    )
    report = next(o for o in case.obligations if o.id == "general-report")
    with SQLiteStore(tmp_path / "s.db") as store:
        store.save(case)
        stages = {
            e.stage: e.sendable_at
            for e in store.outbox(case.id)
            if e.obligation_id == "general-report"
        }
    assert stages == {
        "start": found,
        "due_soon": cst(2025, 10, 9, 16, 15),
        "breached": cst(2025, 10, 10),
    }
    assert stages["due_soon"] == report.warn_at[0]
