"""SQLite store: ``due_before`` over many stored open cases, and how it grows.

The store is filled by a fast path written here, not by ``save()`` one case at a time (which
commits, and so syncs, once per case): ``templates`` real cases are opened on a preset, with
discovery times spread over 2025, and turned into rows by the very functions ``save()`` uses;
each stored case is then a copy of one template under a new id (the id inside the stored
incident is renamed too), inserted with ``executemany`` in one transaction. Every stored case
is a valid case that loads and replays; the due index holds its open obligations.

Measured, in one process: ``due_before(at)`` returning the first 100 items over 20,000 and
200,000 stored open cases (target: 20 ms or less at 200,000, growing no more than 2x from
20,000 to 200,000); for scale, ``load`` of one case and ``save`` of one new command (the
commit includes the disk sync, so that figure depends on the disk).

Run ``python -m benchmarks.bench_store``.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import timeit
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yuqing_core as yq
from yuqing_core.store.sqlite import (
    _INSERT_EVENT,
    _INSERT_OPEN_OBLIGATION,
    _UPSERT_CASE,
    SQLiteStore,
    _case_row,
    _event_row,
    _open_rows,
)

CST = ZoneInfo("Asia/Shanghai")
YEAR_START = datetime(2025, 1, 1, tzinfo=CST)
POLL_AT = datetime(2026, 6, 30, tzinfo=CST)
"""Later than every due instant: the first 100 come from the whole index."""


def template_rows(
    policy: yq.Policy, count: int, seed: int = 7
) -> list[tuple[str, list[tuple[Any, ...]], list[tuple[Any, ...]], tuple[Any, ...]]]:
    """``count`` real open cases as (id, event rows, open-obligation rows, case row)."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        found = YEAR_START + timedelta(minutes=rng.randrange(365 * 24 * 60))
        case_id = f"T-{n:06d}"
        inc = yq.Incident(id=case_id, title="模板舆情", discovered_at=found)
        severity = rng.choice([s.key for s in policy.severities])
        case = policy.open_case(inc, at=found, actor="monitor", severity=severity)
        if rng.random() < 0.5:
            case.fire("assess", at=found + timedelta(minutes=30), actor="office")
        events = [_event_row(case_id, seq, ev) for seq, ev in enumerate(case.events, 1)]
        out.append((case_id, events, _open_rows(case), _case_row(case)[1:]))
    return out


def fill(store: SQLiteStore, policy: yq.Policy, cases: int, templates: int) -> None:
    """Insert ``cases`` copies of the templates, in one transaction."""
    rows = template_rows(policy, min(templates, cases))
    events: list[tuple[Any, ...]] = []
    obligations: list[tuple[Any, ...]] = []
    heads: list[tuple[Any, ...]] = []
    for n in range(cases):
        tid, ev_rows, ob_rows, head = rows[n % len(rows)]
        case_id = f"YQ-{n:07d}"
        quoted = f'"{tid}"'
        for r in ev_rows:
            events.append((case_id, *r[1:6], r[6].replace(quoted, f'"{case_id}"', 1)))
        obligations.extend((case_id, *r[1:]) for r in ob_rows)
        heads.append((case_id, *head))
    db = store._db
    with store._write():
        db.executemany(_INSERT_EVENT, events)
        db.executemany(_INSERT_OPEN_OBLIGATION, obligations)
        db.executemany(_UPSERT_CASE, heads)


def build(policy: yq.Policy, path: Path, cases: int, templates: int) -> SQLiteStore:
    """A store at ``path`` holding ``cases`` open cases, checked to read back."""
    store = SQLiteStore(path)
    fill(store, policy, cases, templates)
    # A host's small saves keep the WAL short (auto-checkpoints); one huge bulk transaction
    # does not, so fold it into the database to measure the steady state.
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    index_rows = store._db.execute("SELECT count(*) FROM yq_open_obligations").fetchone()[0]
    first = store.due_before(POLL_AT)
    assert len(first) == min(100, index_rows)
    assert first == sorted(first, key=lambda d: (d.due_at, d.case_id, d.obligation_id))
    assert store.load(policy, f"YQ-{cases - 1:07d}").id == f"YQ-{cases - 1:07d}"
    return store


def save_one_command(policy: yq.Policy, store: SQLiteStore, cases: int, count: int = 200) -> float:
    """Seconds per ``save()`` of one new event (with the case's index rows rewritten and the
    transaction committed to disk), over ``count`` cases spread through the store."""
    step = max(1, cases // count)
    loaded = [store.load(policy, f"YQ-{n:07d}") for n in range(0, cases, step)][:count]
    for case in loaded:
        case.fire("report", at=case.events[-1].at + timedelta(hours=1), actor="office")
    began = time.perf_counter()
    for case in loaded:
        store.save(case)
    return (time.perf_counter() - began) / len(loaded)


def measure(
    small: int = 20_000,
    large: int = 200_000,
    *,
    policy_name: str = "school-tiered",
    templates: int = 2_000,
    number: int = 100,
    repeat: int = 30,
) -> dict[str, float]:
    """Milliseconds per call, best of ``repeat`` interleaved rounds, and the growth ratio."""
    policy = yq.presets.load(policy_name)
    r: dict[str, float] = {"small": float(small), "large": float(large)}
    with tempfile.TemporaryDirectory() as tmp:
        stores = {
            "small": build(policy, Path(tmp) / "small.db", small, templates),
            "large": build(policy, Path(tmp) / "large.db", large, templates),
        }
        try:
            for size, store in stores.items():
                r[f"{size}_index_rows"] = float(
                    store._db.execute("SELECT count(*) FROM yq_open_obligations").fetchone()[0]
                )
            best = {f"{size}_{what}": float("inf") for size in stores for what in ("due", "load")}
            # Interleaved rounds: a load that drifts during the run weighs on both sizes alike.
            for _ in range(repeat):
                for size, store in stores.items():
                    n = int(r[size])
                    due = timeit.timeit(partial(store.due_before, POLL_AT), number=number)
                    load = timeit.timeit(
                        partial(store.load, policy, f"YQ-{n // 2:07d}"), number=number
                    )
                    best[f"{size}_due"] = min(best[f"{size}_due"], due / number)
                    best[f"{size}_load"] = min(best[f"{size}_load"], load / number)
            for size, store in stores.items():
                r[f"{size}_save_ms"] = save_one_command(policy, store, int(r[size])) * 1e3
        finally:
            for store in stores.values():
                store.close()
    for key, seconds in best.items():
        r[f"{key}_ms"] = seconds * 1e3
    r["growth"] = r["large_due_ms"] / r["small_due_ms"]
    return r


def report(r: dict[str, float], policy_name: str) -> list[str]:
    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    small, large = int(r["small"]), int(r["large"])
    return [
        f"bench_store ({policy_name}; filled by executemany in one transaction from rows "
        "made by save()'s own functions)",
        f"  due_before first 100, {small:>7,} cases ({int(r['small_index_rows']):,} open "
        f"obligations)  {r['small_due_ms']:7.3f} ms",
        f"  due_before first 100, {large:>7,} cases ({int(r['large_index_rows']):,} open "
        f"obligations)  {r['large_due_ms']:7.3f} ms  (target <= 20 ms: "
        f"{verdict(r['large_due_ms'] <= 20)}; {r['large_due_ms'] / 20:.3f} of the budget)",
        f"  growth {small:,} -> {large:,} cases: {r['growth']:.2f}x  (target <= 2x: "
        f"{verdict(r['growth'] <= 2)})",
        f"  load one case: {r['small_load_ms']:.3f} ms at {small:,}, "
        f"{r['large_load_ms']:.3f} ms at {large:,}",
        f"  save one command (append, rewrite its index rows, commit): "
        f"{r['small_save_ms']:.3f} ms at {small:,}, {r['large_save_ms']:.3f} ms at {large:,}",
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
