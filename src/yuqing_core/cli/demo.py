"""``yuqing demo``: run bundled presets on their sample incidents and print the timelines.

For each preset chosen (by default :data:`DEMO_PRESETS`) the demo grades the bundled sample
incidents under that preset, then runs the preset's worked scenario
(``presets/scenarios/NAME.jsonl``: sample incidents and the commands officers fired on them) and
prints each case's timeline with what is met, late, breached or still due, and what must be
sent now. It ends with one line per preset counting the deadlines by status.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from importlib import resources
from typing import Any

from ..api import Policy
from ..model import Incident
from ..presets import load as load_preset
from ..presets import names as preset_names
from ..render.timeline import render
from ..render.wording import STATUS_ORDER, status_legend, status_name
from ..simulate import run_scenario

__all__ = ["DEMO_PRESETS", "register", "run", "sample_incidents"]

DEMO_PRESETS = ("school-tiered", "park-message-board", "school-thresholds", "township")
"""Presets the demo runs by default: a school, a park's message board, a school grading by
numbers and a township, between them showing deadlines met, met late and breached. (Every
preset has a scenario, so any may be chosen with ``--policy``.)"""


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


def _grading(policy: Policy, incidents: list[Incident]) -> None:
    print("  样例舆情研判 the sample incidents graded by this policy:")
    for incident in incidents:
        a = policy.assess(incident)
        severity = a.severity if a.severity is not None else policy.lowest
        level = policy.level_label(severity)
        grade = f"，敏感等级 {a.grade}" if a.grade is not None else ""
        why = "；".join(a.reasons_zh) or "无规则触发，取最低级别 (no rule fired: the lowest level)"
        pending = f"（待定 undecided: {'；'.join(a.undetermined)}）" if a.undetermined else ""
        print(f"    {incident.id} {incident.title}: {level}{grade} — {why}{pending}")


def run(args: argparse.Namespace) -> int:
    chosen = args.policy or list(DEMO_PRESETS)
    unknown = [n for n in chosen if n not in preset_names()]
    if unknown:
        print(f"not a preset: {', '.join(unknown)} (presets: {', '.join(preset_names())})")
        return 1
    print("yuqing_core 演示 demo — 期限按国务院节假日与调休安排计算 (deadlines on the official")
    print("calendar with 调休 make-up working days).")
    print(status_legend())
    incidents = sample_incidents()
    tallies: dict[str, Counter[str]] = {}
    for name in chosen:
        policy = load_preset(name)
        print()
        print("=" * 78)
        print(f"{policy.name}: {policy.title} ({policy.spec.source})")
        print("=" * 78)
        _grading(policy, incidents)
        print()
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
        tallies[name] = sim.status_counts()
    print("=" * 78)
    print("小结 summary (deadlines by status at the end of each scenario):")
    width = max(len(n) for n in tallies)
    for name, tally in tallies.items():
        parts = [f"{status_name(s)} {tally[s]}" for s in STATUS_ORDER if tally[s]]
        print(f"  {name:<{width}}  " + (", ".join(parts) or "无时限 no deadlines"))
    return 0
