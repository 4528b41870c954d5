"""SQLite store: ``due_before`` over many stored open cases, and how it grows.

The store is filled in bulk, not by ``save()`` one case at a time (which commits, and so
syncs, once per case): ``templates`` real cases are opened on a preset, with discovery times
spread over 2025, and turned into the rows ``save()`` writes (``CaseRows.of``); each stored
case is then a copy of one template's rows under a new id (the id inside the stored incident
is renamed too), all written by ``SQLiteStore.import_rows`` in one transaction. Every stored
case is a valid case that loads and replays; the due index holds its open obligations.

Measured, in one process: ``due_before(at)`` returning the first 100 items over 20,000 and
200,000 stored open cases (target: 20 ms or less at 200,000, growing no more than 2x from
20,000 to 200,000); for scale, ``load`` of one case and ``save`` of one new command (the
commit includes the disk sync, so that figure depends on the disk).

Run ``python -m benchmarks.bench_store``.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import yuqing_core as yq
from benchmarks import timing
from yuqing_core.store import EventStore, SQLiteStore
from yuqing_core.store.outbox import OutboxRow
from yuqing_core.store.rows import CaseRow, CaseRows, EventRow, OpenObligationRow

CST = ZoneInfo("Asia/Shanghai")
YEAR_START = datetime(2025, 1, 1, tzinfo=CST)
POLL_AT = datetime(2026, 6, 30, tzinfo=CST)
"""Later than every due instant: the first 100 come from the whole index."""


def template_rows(policy: yq.Policy, count: int, seed: int = 7) -> list[CaseRows]:
    """The rows of ``count`` real open cases, with ids ``T-000000`` and up."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        found = YEAR_START + timedelta(minutes=rng.randrange(365 * 24 * 60))
        inc = yq.Incident(id=f"T-{n:06d}", title="模板舆情", discovered_at=found)
        severity = rng.choice([s.key for s in policy.severities])
        case = policy.open_case(inc, at=found, actor="monitor", severity=severity)
        if rng.random() < 0.5:
            case.fire("assess", at=found + timedelta(minutes=30), actor="office")
        out.append(CaseRows.of(case))
    return out


def copy_as(rows: CaseRows, case_id: str) -> CaseRows:
    """``rows`` under ``case_id``: every row's id, and the incident id in the open event."""
    quoted, renamed = f'"{rows.case.case_id}"', f'"{case_id}"'
    return CaseRows(
        CaseRow(case_id, *rows.case[1:]),
        tuple(EventRow(case_id, *r[1:6], r.data.replace(quoted, renamed, 1)) for r in rows.events),
        tuple(OpenObligationRow(case_id, *r[1:]) for r in rows.open_obligations),
        rows.policies,
        tuple(OutboxRow(case_id, *r[1:]) for r in rows.outbox),
    )


def fill(store: EventStore, policy: yq.Policy, cases: int, templates: int) -> None:
    """Store ``cases`` copies of the templates, in one transaction."""
    rows = template_rows(policy, min(templates, cases))
    store.import_rows(copy_as(rows[n % len(rows)], f"YQ-{n:07d}") for n in range(cases))


def settle(path: Path) -> int:
    """Fold the write-ahead log into the database file; return the due index's row count.

    A host's small saves keep the WAL short (auto-checkpoints); one huge bulk transaction
    does not, so it is folded in to measure the steady state. This uses a connection of its
    own, as a host may: the ``yq_`` tables are plain SQLite in the host's file.
    """
    with contextlib.closing(sqlite3.connect(path)) as db:
        busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        assert busy == 0, "the checkpoint could not finish"
        return int(db.execute("SELECT count(*) FROM yq_open_obligations").fetchone()[0])


def build(policy: yq.Policy, path: Path, cases: int, templates: int) -> tuple[SQLiteStore, int]:
    """A store at ``path`` holding ``cases`` open cases, checked to read back, and the number
    of rows in its due index."""
    store = SQLiteStore(path)
    fill(store, policy, cases, templates)
    index_rows = settle(path)
    first = store.due_before(POLL_AT)
    assert len(first) == min(100, index_rows)
    assert first == sorted(first, key=lambda d: (d.due_at, d.case_id, d.obligation_id))
    assert store.load(policy, f"YQ-{cases - 1:07d}").id == f"YQ-{cases - 1:07d}"
    return store, index_rows


def save_one_command(policy: yq.Policy, store: SQLiteStore, cases: int, count: int = 200) -> float:
    """Seconds per ``save()`` of one new event (with the case's index rows rewritten and the
    transaction committed to disk), over ``count`` cases spread through the store."""
    step = max(1, cases // count)
    loaded = [store.load(policy, f"YQ-{n:07d}") for n in range(0, cases, step)][:count]
    for case in loaded:
        case.fire("report", at=case.events[-1].at + timedelta(hours=1), actor="office")

    def save_all() -> None:
        for case in loaded:
            store.save(case)

    # Once only: a second round would have nothing left to save.
    return timing.per_op({"save": save_all}, repeat=1, ops=len(loaded))["save"]


def measure(
    small: int = 20_000,
    large: int = 200_000,
    *,
    policy_name: str = "school-tiered",
    templates: int = 2_000,
    number: int = 100,
    repeat: int = 30,
) -> dict[str, float]:
    """Milliseconds per call, best of ``repeat`` interleaved rounds, and the store sizes."""
    policy = yq.presets.load(policy_name)
    r: dict[str, float] = {"small": float(small), "large": float(large)}
    with tempfile.TemporaryDirectory() as tmp:
        stores: dict[str, SQLiteStore] = {}
        for size in ("small", "large"):
            stores[size], index_rows = build(
                policy, Path(tmp) / f"{size}.db", int(r[size]), templates
            )
            r[f"{size}_index_rows"] = float(index_rows)
        try:
            fns: dict[str, Callable[[], object]] = {}
            for size, store in stores.items():
                middle = f"YQ-{int(r[size]) // 2:07d}"
                fns[f"{size}_due"] = partial(store.due_before, POLL_AT)
                fns[f"{size}_load"] = partial(store.load, policy, middle)
            best = timing.per_op(fns, repeat=repeat, number=number)
            for size, store in stores.items():
                r[f"{size}_save_ms"] = save_one_command(policy, store, int(r[size])) * 1e3
        finally:
            for store in stores.values():
                store.close()
    for key, seconds in best.items():
        r[f"{key}_ms"] = seconds * 1e3
    return r


def report(r: dict[str, float], policy_name: str) -> list[str]:
    small, large = int(r["small"]), int(r["large"])

    def ms(key: str, name: str = "") -> timing.Figure:
        return timing.Figure(r[key], "ms", name)

    def due(size: str) -> str:
        rows = int(r[f"{size}_index_rows"])
        return f"due_before first 100, {int(r[size]):>7,} cases ({rows:,} open obligations)"

    peer = f"{small:,} cases"
    figures: list[tuple[str, timing.Figure, timing.Figure | None, timing.Target | None]] = [
        (due("small"), ms("small_due_ms"), None, None),
        (
            due("large"),
            ms("large_due_ms"),
            timing.Figure(20, "ms", "budget"),
            timing.Target("<=", 20, "ms"),
        ),
        (
            f"growth {small:,} -> {large:,} cases",
            ms("large_due_ms"),
            ms("small_due_ms", peer),
            timing.Target("<=", 2),
        ),
        (f"load one case, {large:,} cases", ms("large_load_ms"), ms("small_load_ms", peer), None),
        (
            f"save one command, {large:,} cases",
            ms("large_save_ms"),
            ms("small_save_ms", peer),
            None,
        ),
    ]
    width = max(len(label) for label, *_ in figures) + 1
    return [
        f"bench_store ({policy_name}; filled by SQLiteStore.import_rows in one transaction "
        "from the rows save() writes; a save appends, rewrites its index rows and commits)",
        *("  " + timing.report(*figure, width=width) for figure in figures),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_store", description=__doc__)
    parser.add_argument("--small", type=int, default=20_000, help="cases in the small store")
    parser.add_argument("--large", type=int, default=200_000, help="cases in the large store")
    parser.add_argument("--templates", type=int, default=2_000, help="distinct real cases")
    parser.add_argument("--policy", default="school-tiered", help="preset to run")
    parser.add_argument("--number", type=int, default=100, help="calls per round")
    parser.add_argument("--repeat", type=int, default=30, help="rounds (best is kept)")
    args = parser.parse_args(argv)
    r = measure(
        args.small,
        args.large,
        policy_name=args.policy,
        templates=args.templates,
        number=args.number,
        repeat=args.repeat,
    )
    print("\n".join(report(r, args.policy)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
