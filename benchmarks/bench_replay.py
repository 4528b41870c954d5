"""Long cases: replay, ``from_json`` and ``SQLiteStore.load`` linear in the events.

A case of ``events`` events (default 1,000): ``open``, ``assess``, ``report``, ``assign``,
``start``, then ``update_metrics`` (new counts) and ``follow_up`` (续报) by turns, one
minute apart. Its peer is one shared ``transitions.Machine`` with the policy's states and
transitions, firing the same triggers on one model: the state machine alone, with no data,
no checks and no deadlines.

Measured, in one process, each the best of ``repeat`` rounds:

- ``Case.replay`` of the events (every event checked as ``fire`` checked it; target: at most
  2x the shared machine), and of twice as many (target: at most 2.2x the time of the
  1,000, i.e. linear);
- ``Case.from_json`` of the case document, beside plain ``json.loads`` of it (no target: the
  reading is in the replay and the load figures);
- ``SQLiteStore.load`` of the stored case (target: 20 ms or less).

Run ``python -m benchmarks.bench_replay``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from transitions import Machine

import yuqing_core as yq
from benchmarks import timing
from yuqing_core.workflow import Case

CST = ZoneInfo("Asia/Shanghai")
START = datetime(2025, 11, 3, 9, tzinfo=CST)
OPENING = ("assess", "report", "assign", "start")


def long_case(policy: yq.Policy, events: int) -> Case:
    """A case of ``events`` events: the opening, then metrics and follow-ups by turns."""
    case = policy.open_case(
        yq.Incident(id="YQ-LONG", title="食堂投诉", discovered_at=START), at=START, actor="monitor"
    )
    at = START
    for trigger in OPENING:
        at += timedelta(minutes=1)
        case.fire(trigger, at=at, actor="officer")
    n = 0
    while case.version < events:
        at += timedelta(minutes=1)
        if n % 2 == 0:
            metrics = yq.Metrics(observed_at=at, views=n, comments=n // 10)
            case.fire("update_metrics", at=at, actor="officer", metrics=metrics)
        else:
            case.fire("follow_up", at=at, actor="officer", text=f"续报 {n}")
        n += 1
    return case


class _Model:
    """The object the shared machine moves."""


def shared_machine(policy: yq.Policy, triggers: Sequence[str]) -> Callable[[], None]:
    """One ``Machine`` built once; each call fires ``triggers`` from the first state."""
    wf = policy.workflow
    model = _Model()
    machine = Machine(
        model=model, states=list(wf.states), initial="registered", auto_transitions=False
    )
    for trigger, source, dest in wf.transitions:
        machine.add_transition(trigger, source, dest)

    def run() -> None:
        machine.set_state("registered", model)
        for trigger in triggers:
            model.trigger(trigger)  # type: ignore[attr-defined]

    return run


def measure(
    events: int = 1000, *, policy_name: str = "school-tiered", repeat: int = 25
) -> dict[str, float]:
    """Seconds per call of each figure, best of ``repeat`` interleaved rounds."""
    policy = yq.presets.load(policy_name)
    case, double = long_case(policy, events), long_case(policy, 2 * events)
    evs, evs2 = case.events, double.events
    doc = case.to_json()
    r: dict[str, float] = {"events": float(events)}
    with tempfile.TemporaryDirectory() as tmp:
        store = yq.SQLiteStore(Path(tmp) / "long.db")
        try:
            store.save(case)
            assert store.load(policy, case.id) == case
            assert Case.from_json(policy, doc) == case
            fns: dict[str, Callable[[], object]] = {
                "machine": shared_machine(policy, [e.trigger for e in evs[1:]]),
                "replay": lambda: Case.replay(policy, evs),
                "replay_double": lambda: Case.replay(policy, evs2),
                "json": lambda: json.loads(doc),
                "from_json": lambda: Case.from_json(policy, doc),
                "load": lambda: store.load(policy, case.id),
            }
            r |= timing.per_op(fns, repeat=repeat)
        finally:
            store.close()
    return r


def report(r: dict[str, float], policy_name: str) -> list[str]:
    n = int(r["events"])

    def ms(key: str, name: str = "") -> timing.Figure:
        return timing.Figure(r[key] * 1e3, "ms", name)

    machine = ms("machine", "shared machine")
    rows: list[tuple[str, timing.Figure, timing.Figure | None, timing.Target | None]] = [
        (f"replay {n:,} events", ms("replay"), machine, timing.Target("<=", 2)),
        (
            f"replay {2 * n:,} events",
            ms("replay_double"),
            ms("replay", f"{n:,} events"),
            timing.Target("<=", 2.2, note="linear"),
        ),
        (f"from_json {n:,} events", ms("from_json"), ms("json", "json.loads"), None),
        (f"SQLiteStore.load {n:,} events", ms("load"), None, timing.Target("<=", 20, "ms")),
    ]
    width = max(len(label) for label, *_ in rows) + 1
    return [
        f"bench_replay ({policy_name}; {n:,} events: the opening, then update_metrics and "
        "follow_up by turns; shared machine = one transitions.Machine firing the same triggers)",
        *("  " + timing.report(*row, width=width) for row in rows),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_replay", description=__doc__)
    parser.add_argument("--events", type=int, default=1000, help="events in the case")
    parser.add_argument("--policy", default="school-tiered", help="preset to run")
    parser.add_argument("--repeat", type=int, default=25, help="rounds (best is kept)")
    args = parser.parse_args(argv)
    r = measure(args.events, policy_name=args.policy, repeat=args.repeat)
    print("\n".join(report(r, args.policy)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
