"""The PostgreSQL store beyond the shared contract, against a real server (no mocks).

Migrations applied explicitly and checked; the host's own transaction; concurrent writers and
workers in separate processes (4 workers, 10,000 items, each claimed once); a worker killed
with SIGKILL while holding a lease; a writer killed mid-save; the wake-up of a listener; the
global position while a transaction is still open.

Instants on the school-tiered preset as in tests/edges/test_store.py (November 2025, no
holiday).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

import yuqing_core as yq
from benchmarks.bench_store import copy_as, template_rows
from tests.edges.test_store import A_REPORT, open_a, open_b, open_c
from tests.helpers import cst, race
from yuqing_core.cli import main
from yuqing_core.store import START
from yuqing_core.store.due import time_key
from yuqing_core.store.postgres import LATEST, PostgresStore, migrate, schema_version
from yuqing_core.store.postgres.migrate import migrations
from yuqing_core.testing.stores import PostgresServer

pytestmark = pytest.mark.requires("postgresql")

NOW = cst(2026, 6, 30)
"""Later than every due instant of the template cases (found during 2025)."""


def fill(url: str, cases: int) -> set[tuple[str, str]]:
    """``cases`` open cases (2 due items each on school-tiered); their (case, obligation)."""
    policy = yq.presets.load("school-tiered")
    templates = template_rows(policy, min(cases, 200))
    rows = [
        copy_as(templates[n % len(templates)], f"YQ-{n:07d}")._replace(outbox=())
        for n in range(cases)
    ]
    with PostgresStore(url) as store:
        store.import_rows(rows)
    return {(r.case_id, r.obligation_id) for c in rows for r in c.open_obligations}


def status(conn: psycopg.Connection[Any]) -> psycopg.pq.TransactionStatus:
    """The connection's transaction status (read afresh each time)."""
    return conn.info.transaction_status


# -- migrations -------------------------------------------------------------------------------


def test_an_unmigrated_database_is_refused_until_migrated_by_the_cli(
    yuqing_postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = yuqing_postgres_server.make_url("yq_bare")
    yuqing_postgres_server._admin('CREATE DATABASE "yq_bare"')
    with pytest.raises(yq.StoreError, match="no yuqing_core tables; run `yuqing db migrate"):
        PostgresStore(url)
    assert main(["db", "migrate", "--url", url]) == 0
    assert capsys.readouterr().out == (
        "applied migration 0001 initial\napplied migration 0002 warnings\n"
        "applied migration 0003 roster\n"
    )
    assert main(["db", "migrate", "--url", url]) == 0
    assert capsys.readouterr().out == f"the database is current (schema {LATEST})\n"
    with psycopg.connect(url) as conn:
        assert schema_version(conn) == LATEST == 3
    PostgresStore(url).close()


def test_migration_2_adds_the_warning_index_to_a_schema_1_database(
    yuqing_postgres_server: PostgresServer, tiered: yq.Policy
) -> None:
    url = yuqing_postgres_server.make_url("yq_one")
    yuqing_postgres_server._admin('CREATE DATABASE "yq_one"')
    first = migrations()[0]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE yq_migrations (version integer PRIMARY KEY, name text NOT NULL)")
        conn.execute(first.sql.encode())
        conn.execute("INSERT INTO yq_migrations VALUES (1, 'initial')")
        conn.execute(
            "INSERT INTO yq_open_obligations (case_id, obligation_id, policy, kind, role, rule, "
            "due_key, due_at) VALUES ('YQ-A', 'general-report', %s, 'report', "
            "'business_supervisor', 'R3.1', %s, '2025-11-05T00:00:00+08:00')",
            (tiered.name, time_key(cst(2025, 11, 5))),
        )
    with pytest.raises(yq.StoreError, match="at schema 1, this yuqing_core needs 3"):
        PostgresStore(url)
    assert [(m.version, m.name) for m in migrate(url)] == [(2, "warnings"), (3, "roster")]
    with PostgresStore(url) as store:
        # A row written before: its due instant as before, no warnings until saved again.
        [row] = store.due_before(cst(2025, 11, 5))
        assert (row, row.warn_at) == (A_REPORT, ())
        assert store.due_soon_before(cst(2030, 1, 1)) == []
        store.save(open_a(tiered))
        assert [d.warn_at for d in store.due_soon_before(cst(2025, 11, 4, 14, 15))] == [
            (cst(2025, 11, 4, 14, 15),)
        ]


def test_a_newer_schema_is_refused(yuqing_postgres_url: str) -> None:
    with psycopg.connect(yuqing_postgres_url, autocommit=True) as conn:
        conn.execute("INSERT INTO yq_migrations VALUES (99, 'future')")
    with pytest.raises(yq.StoreError, match=r"newer yuqing_core \(schema 99; this version reads"):
        PostgresStore(yuqing_postgres_url)
    with pytest.raises(yq.StoreError, match="newer yuqing_core"):
        migrate(yuqing_postgres_url)


def test_db_migrate_without_a_url_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    os.environ.pop("YUQING_DATABASE_URL", None)
    assert main(["db", "migrate"]) == 1
    assert capsys.readouterr().err == "yuqing: db migrate needs --url (or $YUQING_DATABASE_URL)\n"


# -- the host's own transaction ---------------------------------------------------------------


def test_the_host_row_and_the_events_commit_together(
    yuqing_postgres_url: str, tiered: yq.Policy
) -> None:
    with psycopg.connect(yuqing_postgres_url) as conn:
        conn.execute("CREATE TABLE host_tickets (id text PRIMARY KEY)")
        conn.commit()
        store = PostgresStore(conn)
        # Opening the store left no transaction open on the host's connection.
        assert status(conn) == psycopg.pq.TransactionStatus.IDLE
        with conn.transaction():
            conn.execute("INSERT INTO host_tickets VALUES ('T-1')")
            store.save(open_a(tiered))
            # Inside the host's transaction: the store did not commit it.
            assert status(conn) == psycopg.pq.TransactionStatus.INTRANS
            with psycopg.connect(yuqing_postgres_url) as other:
                assert other.execute("SELECT count(*) FROM yq_events").fetchone() == (0,)

        # A host transaction that fails takes the case with it.
        def failing_host_work() -> None:
            with conn.transaction():
                conn.execute("INSERT INTO host_tickets VALUES ('T-2')")
                store.save(open_b(tiered))
                raise RuntimeError("the host's own error")

        with pytest.raises(RuntimeError, match="the host's own error"):
            failing_host_work()
        # A refused save inside the host's transaction leaves the host's work in place.
        with conn.transaction():
            conn.execute("INSERT INTO host_tickets VALUES ('T-3')")
            with pytest.raises(yq.DuplicateCaseError):
                store.save(open_a(tiered))
        # Every call outside a host transaction ends the transaction it opened.
        assert store.case_ids() == ["YQ-A"]
        assert status(conn) == psycopg.pq.TransactionStatus.IDLE
    with PostgresStore(yuqing_postgres_url) as fresh, psycopg.connect(yuqing_postgres_url) as c:
        assert fresh.case_ids() == ["YQ-A"]
        assert c.execute("SELECT id FROM host_tickets ORDER BY id").fetchall() == [
            ("T-1",),
            ("T-3",),
        ]
        assert fresh.due_before(cst(2025, 11, 5)) == [A_REPORT]


def test_a_store_on_a_pool(yuqing_postgres_url: str, tiered: yq.Policy) -> None:
    from psycopg_pool import ConnectionPool

    with ConnectionPool(yuqing_postgres_url, min_size=1, max_size=2) as pool:
        store = PostgresStore(pool)
        store.save(open_a(tiered))
        assert store.load(tiered, "YQ-A") == open_a(tiered)
        store.close()  # the pool is the host's: still open
        assert not pool.closed


# -- concurrent writers -----------------------------------------------------------------------


def _racing_saver(url: str, which: str, barrier: Any, results: Any) -> None:
    policy = yq.presets.load("school-tiered")
    store = PostgresStore(url)
    case = store.load(policy, "YQ-A")
    case.fire("assess", at=cst(2025, 11, 3, 10), actor=which)
    barrier.wait()
    try:
        store.save(case)
        results.put((which, "saved"))
    except yq.ConflictError:
        results.put((which, "conflict"))


def test_two_concurrent_saves_of_one_case_one_conflict_nothing_lost(
    yuqing_postgres_url: str, tiered: yq.Policy
) -> None:
    PostgresStore(yuqing_postgres_url).save(open_a(tiered))
    outcome = race(_racing_saver, yuqing_postgres_url)
    assert sorted(outcome.values()) == ["conflict", "saved"]
    winner = next(w for w, r in outcome.items() if r == "saved")
    stored = PostgresStore(yuqing_postgres_url).load(tiered, "YQ-A")
    assert [(e.trigger, e.actor) for e in stored.events] == [
        ("open", "monitor-1"),
        ("assess", winner),
    ]


def _racing_opener(url: str, which: str, barrier: Any, results: Any) -> None:
    policy = yq.presets.load("school-tiered")
    store = PostgresStore(url)
    found = cst(2025, 11, 3, 9)
    inc = yq.Incident(id="YQ-N", title="食堂投诉", discovered_at=found)
    case = policy.open_case(inc, at=found, actor=which)
    barrier.wait()
    try:
        store.save(case)
        results.put((which, "saved"))
    except yq.DuplicateCaseError:
        results.put((which, "duplicate"))


def test_two_concurrent_new_cases_under_one_id_one_duplicate_nothing_mixed(
    yuqing_postgres_url: str, tiered: yq.Policy
) -> None:
    # A new case's row is written only if the id is free: the second writer waits for the
    # first to commit, writes nothing, and is told the id is taken (saving again cannot help).
    PostgresStore(yuqing_postgres_url)  # the schema is there before both start
    outcome = race(_racing_opener, yuqing_postgres_url)
    assert sorted(outcome.values()) == ["duplicate", "saved"]
    winner = next(w for w, r in outcome.items() if r == "saved")
    stored = PostgresStore(yuqing_postgres_url).load(tiered, "YQ-N")
    assert [(e.trigger, e.actor) for e in stored.events] == [("open", winner)]
    assert stored.version == 1


def _killed_saver(url: str) -> None:
    policy = yq.presets.load("school-tiered")
    store = PostgresStore(url)
    case = store.load(policy, "YQ-A")
    case.fire("report", at=cst(2025, 11, 3, 11), actor="office")

    def die(db: Any, case_id: str, rows: Any) -> None:
        # The event and the case row are written inside the open transaction by now.
        assert db.execute("SELECT count(*) FROM yq_events").fetchone()[0] == 2
        os.kill(os.getpid(), signal.SIGKILL)

    PostgresStore._write_open_obligations = staticmethod(die)  # type: ignore[method-assign]
    store.save(case)


def test_a_process_killed_mid_save_leaves_nothing_half_written(
    yuqing_postgres_url: str, tiered: yq.Policy
) -> None:
    store = PostgresStore(yuqing_postgres_url)
    store.save(open_a(tiered))
    before = (store.export_case("YQ-A", include_personal=True), store.outbox("YQ-A"))
    child = multiprocessing.get_context("spawn").Process(
        target=_killed_saver, args=(yuqing_postgres_url,)
    )
    child.start()
    child.join(timeout=120)
    assert child.exitcode == -signal.SIGKILL
    assert (store.export_case("YQ-A", include_personal=True), store.outbox("YQ-A")) == before
    back = store.load(tiered, "YQ-A")
    assert back.version == 1
    assert store.due_before(cst(2025, 11, 5)) == [A_REPORT]
    back.fire("report", at=cst(2025, 11, 3, 11), actor="office")
    assert store.save(back) == 1


# -- workers ----------------------------------------------------------------------------------


def _claimer(url: str, out: str, barrier: Any) -> None:
    store = PostgresStore(url)
    got: list[list[str]] = []
    barrier.wait()
    while claims := store.claim_due(NOW, 50, timedelta(minutes=30)):
        got += [[c.item.case_id, c.item.obligation_id] for c in claims]
        assert store.ack(claims) == len(claims)
    Path(out).write_text(json.dumps(got), encoding="utf-8")


def test_four_workers_claim_ten_thousand_items_each_exactly_once(
    yuqing_postgres_url: str, tmp_path: Path
) -> None:
    items = fill(yuqing_postgres_url, 5_000)
    assert len(items) == 10_000
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(4)
    outs = [str(tmp_path / f"worker-{n}.json") for n in range(4)]
    procs = [ctx.Process(target=_claimer, args=(yuqing_postgres_url, o, barrier)) for o in outs]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=600)
        assert p.exitcode == 0
    claimed = [tuple(i) for o in outs for i in json.loads(Path(o).read_text(encoding="utf-8"))]
    assert len(claimed) == 10_000
    assert set(claimed) == items
    per_worker = [len(json.loads(Path(o).read_text(encoding="utf-8"))) for o in outs]
    assert sum(per_worker) == 10_000
    assert PostgresStore(yuqing_postgres_url).claim_due(NOW, 10, timedelta(minutes=1)) == []


def _holder(url: str, ready: Any) -> None:
    store = PostgresStore(url)
    claims = store.claim_due(NOW, 30, timedelta(minutes=5))
    ready.put([[c.item.case_id, c.item.obligation_id] for c in claims])
    threading.Event().wait(600)  # holds the lease until killed


def test_a_worker_killed_holding_a_lease_loses_its_items_only_until_the_lease_ends(
    yuqing_postgres_url: str,
) -> None:
    items = fill(yuqing_postgres_url, 50)
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Queue()
    child = ctx.Process(target=_holder, args=(yuqing_postgres_url, ready))
    child.start()
    held = {tuple(i) for i in ready.get(timeout=120)}
    os.kill(child.pid or 0, signal.SIGKILL)
    child.join(timeout=60)
    assert child.exitcode == -signal.SIGKILL
    assert len(held) == 30
    store = PostgresStore(yuqing_postgres_url)
    during = store.claim_due(NOW + timedelta(minutes=4), 100, timedelta(minutes=5))
    assert {(c.item.case_id, c.item.obligation_id) for c in during} == items - held
    after = store.claim_due(NOW + timedelta(minutes=5), 100, timedelta(minutes=5))
    assert {(c.item.case_id, c.item.obligation_id) for c in after} == held


# -- wake-ups ---------------------------------------------------------------------------------


def test_a_save_that_makes_work_due_sooner_wakes_a_listener_within_a_second(
    yuqing_postgres_url: str, tiered: yq.Policy
) -> None:
    store = PostgresStore(yuqing_postgres_url)
    with store.listen() as listener:
        assert listener.wait(0.05) is None
        saver = threading.Thread(target=store.save, args=(open_a(tiered),))
        saver.start()
        # A's first notice (the start of its report clock) is sendable at 3 Nov 09:00.
        assert listener.wait(1.0) == cst(2025, 11, 3, 9)
        saver.join()
        # A save that moves nothing earlier sends nothing.
        case = store.load(tiered, "YQ-A")
        case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
        store.save(case)
        assert listener.wait(0.3) is None
    # The store's own listener, from its first call on.
    assert store.wait_for_due(0.05) is None
    saver = threading.Thread(target=store.save, args=(open_b(tiered),))
    saver.start()
    assert store.wait_for_due(1.0) == cst(2025, 11, 4, 10)  # B's first notice: at its finding
    saver.join()
    store.close()


def test_a_value_postgresql_cannot_hold_is_refused_and_nothing_written(
    yuqing_postgres_url: str, tiered: yq.Policy
) -> None:
    store = PostgresStore(yuqing_postgres_url)
    found = cst(2025, 11, 3, 9)
    incident = yq.Incident(id="YQ-N", title="食堂\x00投诉", discovered_at=found)
    case = tiered.open_case(incident, at=found, actor="m")
    with pytest.raises(yq.StoreError, match="PostgreSQL refused a value"):
        store.save(case)
    assert store.case_ids() == []
    assert store.events_after(START) == []


# -- the global position ----------------------------------------------------------------------


def test_a_later_commit_never_takes_a_position_before_an_open_transaction(
    yuqing_postgres_url: str, tiered: yq.Policy
) -> None:
    store = PostgresStore(yuqing_postgres_url)
    store.save(open_c(tiered))  # (its policy row is stored: the saves below do not wait on it)
    [c] = store.events_after(START)
    with psycopg.connect(yuqing_postgres_url) as host:
        hosted = PostgresStore(host)
        with host.transaction():
            hosted.save(open_a(tiered))  # written first, committed last
            store.save(open_b(tiered))
            # B is committed, but A's transaction (older) still runs: neither is listed yet.
            assert store.events_after(c.position) == []
    listed = store.events_after(c.position)
    assert [(p.case_id, p.seq) for p in listed] == [("YQ-A", 1), ("YQ-B", 1)]
    assert c.position < listed[0].position < listed[1].position
