"""PostgreSQL store: ``due_before`` and ``claim_due`` as the due index grows, and saves of four
concurrent writers beside SQLite.

The server is a throwaway cluster started from the system's binaries (or ``YUQING_POSTGRES_URL``)
with commits synced to disk (``fsync`` on), as a production server runs. Two databases are
migrated and filled: ``small`` and ``large`` open obligations (default 100,000 and 1,000,000).
The due index rows are written by one SQL statement (``generate_series``): school-tiered's
report obligation under case ids ``YQ-0000000`` up, due instants spread over 2025, the due
instant's text matching its key. Only the index rows are filled (no events): the figures are
those of the index, which is all ``due_before`` and ``claim_due`` read.

Measured, best of ``repeat`` interleaved rounds: ``due_before`` of the first 100 items (target:
at most 2x from small to large); ``claim_due`` of 100 items followed by their ``ack`` (each
round takes the next 100, as a worker does; target: at most 2x). ``EXPLAIN`` of both queries on
the large database is printed, to show the indexes they use (the partial index of unhandled
items for claims). Then 4 processes each save ``saves`` new cases (open + save, one
transaction each) into PostgreSQL and, beside it, into one SQLite file: saves per second.

Run ``python -m benchmarks.bench_postgres``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

import yuqing_core as yq
from benchmarks import timing
from benchmarks.bench_store import POLL_AT, YEAR_START
from yuqing_core.store import SQLiteStore, time_key
from yuqing_core.store.postgres import PostgresStore, migrate
from yuqing_core.store.postgres.sql import CLAIM_DUE
from yuqing_core.store.schema import SELECT_DUE
from yuqing_core.testing.postgres import TemporaryCluster, find_bindir

CST = ZoneInfo("Asia/Shanghai")
LEASE = timedelta(minutes=10)

FILL = """
INSERT INTO yq_open_obligations
    (case_id, obligation_id, policy, kind, role, rule, due_key, due_at, provisional)
SELECT 'YQ-' || lpad(n::text, 7, '0'), 'general-report', 'school-tiered', 'report',
       'business_supervisor', 'R3.1', k,
       to_char(to_timestamp(k / 1e6) AT TIME ZONE 'Asia/Shanghai',
               'YYYY-MM-DD"T"HH24:MI:SS') || '+08:00', 0
FROM (SELECT n, %(start)s::bigint + (hashint4(n)::bigint + 2147483648) %% %(span)s
             / 1000000 * 1000000 AS k
      FROM generate_series(0, %(count)s - 1) AS n) AS rows
"""


def fill(url: str, count: int) -> None:
    """``count`` open obligations in the due index of the database at ``url``."""
    year = time_key(YEAR_START)
    span = time_key(YEAR_START.replace(year=2026)) - year
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(FILL, {"start": year, "span": span, "count": count})
        conn.execute("VACUUM ANALYZE yq_open_obligations")


def explain(url: str) -> list[str]:
    """The plans of the due query and of the claim's inner query on the database at ``url``."""
    due = SELECT_DUE.replace("?", "%s")
    claim = CLAIM_DUE.replace("?", "%s")
    key = time_key(POLL_AT)
    with psycopg.connect(url) as conn:
        out = ["EXPLAIN due_before:"]
        rows = conn.execute("EXPLAIN " + due, (key, 100)).fetchall()
        out += [f"    {r[0]}" for r in rows]
        out.append("EXPLAIN claim_due:")
        rows = conn.execute("EXPLAIN " + claim, ("t", key, key, key, 100)).fetchall()
        out += [f"    {r[0]}" for r in rows]
        conn.rollback()
    return out


def claim_and_ack(store: PostgresStore) -> None:
    claims = store.claim_due(POLL_AT, 100, LEASE)
    assert len(claims) == 100
    store.ack(claims)


def _writer(kind: str, target: str, worker: int, saves: int, start: object) -> None:
    policy = yq.presets.load("school-tiered")
    store = PostgresStore(target) if kind == "postgres" else SQLiteStore(target, timeout=120)
    found = YEAR_START + timedelta(hours=worker)
    cases = [
        policy.open_case(
            yq.Incident(id=f"W{worker}-{n:06d}", title="写入测试", discovered_at=found),
            at=found,
            actor="monitor",
        )
        for n in range(saves)
    ]
    start.wait()  # type: ignore[attr-defined]
    for case in cases:
        store.save(case)
    store.close()


def saves_per_second(kind: str, target: str, saves: int, writers: int = 4) -> float:
    """Saves per second of ``writers`` processes each saving ``saves`` new cases."""
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(writers + 1)
    procs = [
        ctx.Process(target=_writer, args=(kind, target, w, saves, start)) for w in range(writers)
    ]
    for p in procs:
        p.start()
    start.wait()
    began = time.perf_counter()
    for p in procs:
        p.join()
        assert p.exitcode == 0, f"a {kind} writer failed"
    return writers * saves / (time.perf_counter() - began)


def server() -> tuple[Callable[[str], str], Callable[[], None]]:
    """Connection strings per database name, and how to stop the server."""
    url = os.environ.get("YUQING_POSTGRES_URL")
    if url:
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        base = {k: v for k, v in conninfo_to_dict(url).items() if v is not None}
        return (lambda name: make_conninfo("", **{**base, "dbname": name})), (lambda: None)
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("bench_postgres: no PostgreSQL server binaries and no YUQING_POSTGRES_URL")
    cluster = TemporaryCluster(bindir, durable=True)
    cluster.start()
    return cluster.conninfo, cluster.stop


def measure(small: int, large: int, saves: int, repeat: int) -> tuple[dict[str, float], list[str]]:
    url_of, stop = server()
    r: dict[str, float] = {"small": small, "large": large}
    try:
        stores = {}
        for size in ("small", "large"):
            name = f"yq_bench_{size}_{os.getpid()}"
            with psycopg.connect(url_of("postgres"), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            migrate(url_of(name))
            fill(url_of(name), int(r[size]))
            stores[size] = PostgresStore(url_of(name))
        plans = explain(url_of(f"yq_bench_large_{os.getpid()}"))
        fns: dict[str, Callable[[], object]] = {}
        for size, store in stores.items():
            fns[f"{size}_due"] = partial(store.due_before, POLL_AT, 100)
            fns[f"{size}_claim"] = partial(claim_and_ack, store)
        for key, seconds in timing.per_op(fns, repeat=repeat).items():
            r[f"{key}_ms"] = seconds * 1e3
        for store in stores.values():
            store.close()
        name = f"yq_bench_saves_{os.getpid()}"
        with psycopg.connect(url_of("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        migrate(url_of(name))
        r["pg_saves"] = saves_per_second("postgres", url_of(name), saves)
        with tempfile.TemporaryDirectory() as tmp:
            path = str(Path(tmp) / "saves.db")
            SQLiteStore(path).close()
            r["sqlite_saves"] = saves_per_second("sqlite", path, saves)
    finally:
        stop()
    return r, plans


def report(r: dict[str, float]) -> list[str]:
    small, large = int(r["small"]), int(r["large"])

    def ms(key: str, name: str = "") -> timing.Figure:
        return timing.Figure(r[key], "ms", name)

    peer = f"{small:,}"
    two = timing.Target("<=", 2)
    due, claim = "due_before first 100,", "claim_due 100 + ack, "
    figures: list[tuple[str, timing.Figure, timing.Figure | None, timing.Target | None]] = [
        (f"{due} {small:>9,} open", ms("small_due_ms"), None, None),
        (f"{due} {large:>9,} open", ms("large_due_ms"), ms("small_due_ms", peer), two),
        (f"{claim} {small:>9,} open", ms("small_claim_ms"), None, None),
        (f"{claim} {large:>9,} open", ms("large_claim_ms"), ms("small_claim_ms", peer), two),
        (
            "saves/s, 4 writers, PostgreSQL",
            timing.Figure(r["pg_saves"], "saves/s"),
            timing.Figure(r["sqlite_saves"], "saves/s", "SQLite"),
            None,
        ),
    ]
    width = max(len(label) for label, *_ in figures) + 1
    return [
        "bench_postgres (PostgreSQL with fsync on; the due index filled by generate_series; "
        "4 writer processes saving new cases, each save its own transaction)",
        *("  " + timing.report(*figure, width=width) for figure in figures),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_postgres", description=__doc__
    )
    parser.add_argument("--small", type=int, default=100_000, help="open obligations, small")
    parser.add_argument("--large", type=int, default=1_000_000, help="open obligations, large")
    parser.add_argument("--saves", type=int, default=250, help="saves per writer process")
    parser.add_argument("--repeat", type=int, default=30, help="rounds (best is kept)")
    args = parser.parse_args(argv)
    r, plans = measure(args.small, args.large, args.saves, args.repeat)
    print("\n".join(plans))
    print("\n".join(report(r)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
