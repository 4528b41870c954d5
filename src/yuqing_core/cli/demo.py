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

from ..model import Incident
from ..presets import load as load_preset
from ..presets import names as preset_names
from ..render.demo import demo_intro, demo_summary, preset_section
from ..simulate import run_scenario
from ._options import COMMANDS

__all__ = ["DEMO_PRESETS", "register", "run", "sample_incidents"]

DEMO_PRESETS = ("school-tiered", "park-message-board", "school-thresholds", "township")
"""Presets the demo runs by default: a school, a park's message board, a school grading by
numbers and a township, between them showing deadlines met, met late and breached. (Every
preset has a scenario, so any may be chosen with ``--policy``.)"""


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("demo", help=COMMANDS["demo"])
    p.add_argument(
        "--policy",
        action="append",
        metavar="PRESET",
        choices=preset_names(),
        help=f"preset to run (repeatable; default: {', '.join(DEMO_PRESETS)})",
    )
    p.set_defaults(func=run)


def sample_incidents() -> list[Incident]:
    """The bundled sample incidents."""
    text = (resources.files("yuqing_core") / "data" / "sample_incidents.jsonl").read_text("utf-8")
    return [Incident.model_validate(json.loads(line)) for line in text.splitlines() if line]


def run(args: argparse.Namespace) -> int:
    chosen = args.policy or list(DEMO_PRESETS)
    incidents = sample_incidents()
    print(demo_intro(len(incidents)), end="")
    tallies: dict[str, Counter[str]] = {}
    for name in chosen:
        sim = run_scenario(name)
        print(preset_section(load_preset(name), incidents, sim), end="")
        tallies[name] = sim.status_counts()
    print(demo_summary(tallies), end="")
    return 0
