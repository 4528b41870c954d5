"""``yuqing simulate`` (JSON Lines in, timelines out) and ``yuqing schema``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from ..policy.schema import PolicySpec
from ..presets import resolve as resolve_policy
from ..render.timeline import render
from ..simulate import simulate

__all__ = ["register"]

PROGRESS_EVERY = 1000


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "simulate", help="run a policy over incidents and events given as JSON Lines"
    )
    p.add_argument("--policy", required=True, metavar="NAME_OR_FILE")
    p.add_argument("file", metavar="FILE.jsonl", help="JSON Lines, or - for standard input")
    p.add_argument("--format", choices=("table", "markdown", "json"), default="table", dest="fmt")
    p.add_argument("--now", help="judge statuses at this ISO instant (default: last time seen)")
    p.add_argument(
        "--progress",
        action="store_true",
        help=f"print progress to stderr every {PROGRESS_EVERY} lines",
    )
    p.set_defaults(func=run_simulate)

    s: argparse.ArgumentParser = sub.add_parser(
        "schema", help="print the JSON Schema of policy files (for editors)"
    )
    s.add_argument(
        "--markdown", action="store_true", help="print the policy file reference as Markdown"
    )
    s.set_defaults(func=run_schema)


def run_simulate(args: argparse.Namespace) -> int:
    policy = resolve_policy(args.policy)
    if args.file == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except OSError as e:
            print(f"{args.file}: cannot be read ({e.strerror})", file=sys.stderr)
            return 1
    now = None
    if args.now:
        now = datetime.fromisoformat(args.now)
        if now.tzinfo is None:
            print(f"--now {args.now!r} has no time zone (add e.g. +08:00)", file=sys.stderr)
            return 2
    lines = text.splitlines()
    show = args.progress or len(lines) >= 10 * PROGRESS_EVERY

    def progress(n: int) -> None:
        if show and (n % PROGRESS_EVERY == 0 or n == len(lines)):
            print(f"\r{n}/{len(lines)} lines", end="", file=sys.stderr, flush=True)

    sim = simulate(policy, lines, now=now, progress=progress)
    if show:
        print(file=sys.stderr)
    for number, message in sim.errors:
        print(f"{args.file}:{number}: {message}", file=sys.stderr)
    if sim.now is None:
        print("no case was opened", file=sys.stderr)
        return 1
    if args.fmt == "json":
        from ..render.timeline import to_data

        doc = {
            "policy": policy.name,
            "now": sim.now.isoformat(),
            "cases": [to_data(c, sim.now) for c in sim.cases.values()],
            "breaches": [{"case": c, "obligation": o} for c, o in sim.breaches()],
            "errors": [{"line": n, "message": m} for n, m in sim.errors],
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        for case in sim.cases.values():
            print(render(case, sim.now, args.fmt))
        breaches = sim.breaches()
        summary = f"{len(sim.cases)} cases, {len(breaches)} breached obligations"
        print(f"**{summary}**" if args.fmt == "markdown" else summary)
    return 1 if sim.errors else 0


def run_schema(args: argparse.Namespace) -> int:
    if args.markdown:
        from ..render.reference import markdown_reference

        print(markdown_reference(), end="")
        return 0
    print(json.dumps(PolicySpec.model_json_schema(), ensure_ascii=False, indent=2))
    return 0
