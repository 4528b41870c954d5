"""A host system's loop (宿主系统的主循环): register cases, record what officers do, poll deadlines.

The library sends nothing and never reads the wall clock: the host keeps the cases in its own
database (here :class:`yq.SQLiteStore` in a temporary directory), fires commands as officers act,
and polls ``store.due_before(now)`` to learn what is overdue and what falls due soon. A fixed
clock replaces the wall clock, so the run is the same every time and never sleeps.

Run: ``python examples/host_loop.py``.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yuqing_core as yq
from yuqing_core.testing import Clock

CST = ZoneInfo("Asia/Shanghai")
SOON = timedelta(hours=24)


def at(month_day_time: str, year: int = 2025) -> datetime:
    """``"09-30 16:30"`` in China time."""
    return datetime.strptime(f"{year}-{month_day_time}", "%Y-%m-%d %H:%M").replace(tzinfo=CST)


@dataclass(frozen=True)
class Open:
    """The monitor registers a sample incident (登记受理)."""

    case_id: str


@dataclass(frozen=True)
class Fire:
    """An officer acts on a case."""

    case_id: str
    trigger: str
    actor: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Poll:
    """The host's scheduler asks what is due (每次巡检)."""


Step = Open | Fire | Poll

# What happens, in time order: three sample incidents across National Day 2025 and Spring
# Festival 2026, with officers who are on time, late, or never respond.
SCRIPT: list[tuple[datetime, Step]] = [
    (at("09-30 16:30"), Open("YQ-2025-0930-01")),
    (at("10-09 09:00"), Poll()),
    (
        at("10-09 10:00"),
        Fire("YQ-2025-0930-01", "report", "值班员", {"role": "business_supervisor"}),
    ),
    (at("10-11 15:00"), Fire("YQ-2025-0930-01", "respond", "后勤处")),
    (at("02-13 10:05", 2026), Open("YQ-2026-0213-02")),
    (at("02-13 11:00", 2026), Fire("YQ-2026-0213-02", "report", "值班员")),
    (at("02-24 09:00", 2026), Poll()),
    (at("03-15 21:45", 2026), Open("YQ-2026-0315-03")),
    (at("03-16 01:00", 2026), Poll()),
    (at("03-16 01:10", 2026), Fire("YQ-2026-0315-03", "report", "值班员")),
    (at("03-16 18:00", 2026), Fire("YQ-2026-0315-03", "respond", "宣传部")),
    (at("03-16 18:30", 2026), Fire("YQ-2026-0213-02", "respond", "教务处")),
    (at("03-17 09:00", 2026), Poll()),
]


def sample_incidents() -> dict[str, yq.Incident]:
    """The sample incidents that ship with the library (``yuqing_core/data``)."""
    text = (resources.files("yuqing_core") / "data" / "sample_incidents.jsonl").read_text("utf-8")
    incidents = [yq.Incident.model_validate(json.loads(line)) for line in text.splitlines() if line]
    return {i.id: i for i in incidents}


def show(item: yq.DueItem, policy: yq.Policy) -> str:
    role = policy.roles.get(item.role, item.role)
    return (
        f"{item.case_id}  {item.kind} → {item.role}（{role}） "
        f"due {item.due_at:%Y-%m-%d %H:%M} ({item.rule})"
    )


def poll(store: yq.SQLiteStore, policy: yq.Policy, now: datetime) -> None:
    overdue = store.due_before(now)
    soon = [d for d in store.due_before(now + SOON) if d.due_at > now]
    print(f"{now:%Y-%m-%d %H:%M} poll: {len(overdue)} overdue, {len(soon)} due within 24h")
    for item in overdue:
        print(f"  逾期 overdue   {show(item, policy)}")
    for item in soon:
        print(f"  将到期 soon    {show(item, policy)}")


def main() -> None:
    policy = yq.presets.load("school-tiered")
    incidents = sample_incidents()
    clock = Clock(SCRIPT[0][0])
    with tempfile.TemporaryDirectory() as tmp, yq.SQLiteStore(Path(tmp) / "yuqing.db") as store:
        for when, step in SCRIPT:
            clock.set(when)
            if isinstance(step, Poll):
                poll(store, policy, clock.now)
            elif isinstance(step, Open):
                case = policy.open_case(incidents[step.case_id], at=clock.now, actor="监测员")
                store.save(case)
                print(f"{clock.now:%Y-%m-%d %H:%M} open {case.id}: {case.severity.key}")
            else:
                # A request handler: load, apply one command, save (optimistic: a concurrent
                # save of the same case raises yq.ConflictError and stores nothing).
                case = store.load(policy, step.case_id)
                case.fire(step.trigger, at=clock.now, actor=step.actor, **step.data)
                store.save(case)
                print(f"{clock.now:%Y-%m-%d %H:%M} {step.trigger} {case.id} by {step.actor}")
        demo_conflict(store, policy, clock)
        print("summary:")
        for case_id in store.case_ids():
            case = store.load(policy, case_id)
            marks = ", ".join(f"{o.kind} {o.status(clock.now)}" for o in case.obligations)
            print(f"  {case_id} {case.state} v{case.version}: {marks}")


def demo_conflict(store: yq.SQLiteStore, policy: yq.Policy, clock: Clock) -> None:
    """Two officers load the same case; the second save is refused, then retried."""
    first = store.load(policy, "YQ-2026-0315-03")
    second = store.load(policy, "YQ-2026-0315-03")
    clock.advance("10min")
    first.fire("track", at=clock.now, actor="网信办")
    store.save(first)
    second.fire("follow_up", at=clock.now, actor="宣传部")
    try:
        store.save(second)
    except yq.ConflictError:
        print(f"{clock.now:%Y-%m-%d %H:%M} conflict: a stale copy was refused; reloading")
        second = store.load(policy, "YQ-2026-0315-03")
        second.fire("follow_up", at=clock.now, actor="宣传部")
        store.save(second)
    print(f"{clock.now:%Y-%m-%d %H:%M} track and follow_up YQ-2026-0315-03: v{second.version}")


if __name__ == "__main__":
    main()
