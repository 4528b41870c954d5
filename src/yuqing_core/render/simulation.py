"""A simulation's outcome for people: every case's timeline and the breached obligations."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ..simulate import Simulation
from .timeline import Format, render, to_data

__all__ = ["render_simulation", "simulation_data"]


def _now(sim: Simulation) -> datetime:
    if sim.now is None:
        raise ValueError("the simulation opened no case, so it has no instant to judge at")
    return sim.now


def simulation_data(sim: Simulation) -> dict[str, Any]:
    """The outcome as JSON-ready data: the cases' timelines, the breaches and the line errors."""
    now = _now(sim)
    return {
        "policy": sim.policy.name,
        "now": now.isoformat(),
        "cases": [to_data(c, now) for c in sim.cases.values()],
        "breaches": [{"case": c, "obligation": o} for c, o in sim.breaches()],
        "errors": [{"line": n, "message": m} for n, m in sim.errors],
    }


def render_simulation(sim: Simulation, fmt: Format = "table") -> str:
    """Every case's timeline, then how many obligations are breached; or the JSON document."""
    if fmt == "json":
        return json.dumps(simulation_data(sim), ensure_ascii=False, indent=2) + "\n"
    now = _now(sim)
    parts = [render(case, now, fmt) + "\n" for case in sim.cases.values()]
    summary = f"{len(sim.cases)} cases, {len(sim.breaches())} breached obligations"
    parts.append((f"**{summary}**" if fmt == "markdown" else summary) + "\n")
    return "".join(parts)
