"""``yuqing demo``: run bundled presets on their sample incidents and print the timelines."""

from __future__ import annotations

import argparse
import json
from importlib import resources
from typing import Any

from ..model import Incident
from ..presets import load as load_preset
from ..presets import names as preset_names
from ..presets import run_scenario, scenario_path
from ..timeline import render

__all__ = ["DEMO_PRESETS", "register", "run", "sample_incidents"]

DEMO_PRESETS = ("school-tiered", "park-message-board", "school-thresholds", "township")
"""Presets the demo runs by default (those with a scenario)."""


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "demo", help="run bundled presets on their sample incidents and print the timelines"
    )
    p.add_argument(
        "--policy",
        action="append",
        metavar="PRESET",
        help=f"preset to run (repeatable; default: {', '.join(DEMO_PRESETS)})",
    )
    p.set_defaults(func=run)


def sample_incidents() -> list[Incident]:
    """The bundled sample incidents."""
    text = (resources.files("yuqing_core") / "data" / "sample_incidents.jsonl").read_text("utf-8")
    return [Incident.model_validate(json.loads(line)) for line in text.splitlines() if line]


def run(args: argparse.Namespace) -> int:
    chosen = args.policy or [n for n in DEMO_PRESETS if scenario_path(n) is not None]
    print("yuqing_core 演示 demo — 期限按国务院节假日与调休安排计算 (deadlines on the official")
    print("calendar with 调休 make-up working days). ✓ met  ✗ breached  ! due soon  … pending")
    for name in chosen:
        if name not in preset_names():
            print(f"\n{name}: not a preset")
            return 1
        policy = load_preset(name)
        print()
        print("=" * 78)
        print(f"{policy.name}: {policy.title} ({policy.spec.source})")
        print("=" * 78)
        sim = run_scenario(name)
        assert sim.now is not None
        for case in sim.cases.values():
            print(render(case, sim.now), end="")
            due = case.notifications(sim.now)
            if due:
                print(f"  此刻待办 due now ({sim.now:%Y-%m-%d %H:%M}):")
                for n in due:
                    print(f"    - {n.message} [{n.status}]")
            print()
        breaches = sim.breaches()
        print(f"  {len(sim.cases)} cases, {len(breaches)} breached obligations")
    return 0
