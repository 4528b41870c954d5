"""``yuqing demo``: run a bundled preset on the bundled sample incidents."""

from __future__ import annotations

import argparse
import json
from importlib import resources
from typing import Any

from ..model import Incident
from ..presets import load as load_preset

__all__ = ["register", "run", "sample_incidents"]

DEMO_PRESET = "school-tiered"


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "demo", help="run a bundled preset on the sample incidents"
    )
    p.add_argument("--policy", default=DEMO_PRESET, help="preset name (default: %(default)s)")
    p.set_defaults(func=run)


def sample_incidents() -> list[Incident]:
    """The bundled sample incidents."""
    text = (resources.files("yuqing_core") / "data" / "sample_incidents.jsonl").read_text("utf-8")
    return [Incident.model_validate(json.loads(line)) for line in text.splitlines() if line]


def run(args: argparse.Namespace) -> int:
    policy = load_preset(args.policy)
    cal = policy.calendar
    print(f"政策 Policy: {policy.name} — {policy.title}")
    print(f"日历 Calendar: {cal!r}")
    print(
        f"级别 Levels: {', '.join(f'{s.key} ({policy.level_label(s)})' for s in policy.severities)}"
    )
    for inc in sample_incidents():
        print()
        print(f"■ {inc.id} {inc.title}")
        print(f"  发现 discovered {cal.local(inc.discovered_at):%Y-%m-%d %H:%M %a}")
        for lv in policy.severities:
            obs = [o for o in policy.spec.obligations if not o.levels or lv in o.levels]
            for ob in obs:
                due = cal.due(inc.discovered_at, ob.within)
                print(
                    f"  [{lv.key:>8}] {ob.rule:<5} {ob.kind:<16} → {ob.role:<20} "
                    f"within {ob.within!s:<4} due {due:%Y-%m-%d %H:%M %a}"
                )
    return 0
