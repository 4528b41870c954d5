"""``yuqing demo``: run bundled presets on their sample incidents and print the timelines.

For each preset chosen (by default :data:`DEMO_PRESETS`) the demo grades the bundled sample
incidents under that preset, then runs the preset's worked scenario
(``presets/scenarios/NAME.jsonl``: sample incidents and the commands officers fired on them) and
prints each case's timeline with what is met, late, breached or still due, and what must be
sent now. It ends with one line per preset counting the deadlines by status. The presets are
grouped by the kind of institution (:data:`PRESET_KINDS`), and the default presets show every
kind with a case that runs across an official holiday.
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
from ..render.plain import Pair
from ..simulate import run_scenario
from ._options import COMMANDS

__all__ = ["DEMO_PRESETS", "PRESET_KINDS", "kind_of", "register", "run", "sample_incidents"]

DEMO_PRESETS = (
    "school-tiered",
    "park-message-board",
    "school-thresholds",
    "township",
    "university-informants",
    "kindergarten-security",
)
"""Presets the demo runs by default: at least one of each kind of :data:`PRESET_KINDS` (two
schools, a park's message board and a township, a university, a kindergarten), between them
showing deadlines met, met late and breached, and in each kind a case whose deadline runs
across an official holiday. (Every preset has a scenario, so any may be chosen with
``--policy``.)"""

PRESET_KINDS: tuple[tuple[Pair, tuple[str, ...]], ...] = (
    (("中小学", "schools"), ("school-tiered", "school-thresholds", "four-level-response")),
    (("高校", "universities"), ("university-plan", "university-informants")),
    (
        ("政府机关与园区", "government bodies and parks"),
        ("gov-response", "park-message-board", "hr-bureau", "township"),
    ),
    (
        ("幼儿园与职业学校", "kindergartens and vocational schools"),
        ("vocational-grades", "kindergarten-security"),
    ),
)
"""The kinds of institution the presets are grouped by (its name in Chinese and English, and
its presets): every preset is of exactly one kind."""


def kind_of(name: str) -> Pair:
    """The kind of institution of the preset ``name`` (see :data:`PRESET_KINDS`)."""
    return next(kind for kind, names in PRESET_KINDS if name in names)


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
    print(demo_intro(len(incidents), [kind for kind, _ in PRESET_KINDS]), end="")
    tallies: dict[str, Counter[str]] = {}
    for name in chosen:
        sim = run_scenario(name)
        print(preset_section(load_preset(name), incidents, sim, kind_of(name)), end="")
        tallies[name] = sim.status_counts()
    print(demo_summary(tallies), end="")
    return 0
