"""``yuqing simulate``: run a policy over incidents and events given as JSON Lines."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from ..presets import resolve as resolve_policy
from ..render.simulation import render_simulation
from ..simulate import simulate

__all__ = ["register", "run"]

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
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    policy = resolve_policy(args.policy)
    text = _read(args.file)
    if text is None:
        return 1
    try:
        now = datetime.fromisoformat(args.now) if args.now else None
    except ValueError:
        print(
            f"--now {args.now!r} is not an ISO instant such as 2025-11-03T09:00+08:00",
            file=sys.stderr,
        )
        return 2
    if now is not None and now.tzinfo is None:
        print(f"--now {args.now!r} has no time zone (add e.g. +08:00)", file=sys.stderr)
        return 2
    lines = text.splitlines()
    show = args.progress or len(lines) >= 10 * PROGRESS_EVERY
    sim = simulate(policy, lines, now=now, progress=_progress(len(lines)) if show else None)
    if show:
        print(file=sys.stderr)
    for number, message in sim.errors:
        print(f"{args.file}:{number}: {message}", file=sys.stderr)
    if sim.now is None:
        print("no case was opened", file=sys.stderr)
        return 1
    print(render_simulation(sim, args.fmt), end="")
    return 1 if sim.errors else 0


def _read(file: str) -> str | None:
    """The input text, or ``None`` after saying why it cannot be read. A UTF-8 byte-order mark
    at the start is dropped."""
    try:
        if file != "-":
            return Path(file).read_bytes().decode("utf-8-sig")
        stream = getattr(sys.stdin, "buffer", None)  # a replaced stdin may be text only
        text = sys.stdin.read() if stream is None else stream.read().decode("utf-8-sig")
        return text.removeprefix("\ufeff")
    except OSError as e:
        print(f"{file}: cannot be read ({e.strerror})", file=sys.stderr)
    except UnicodeDecodeError:
        print(f"{file}: is not UTF-8 text", file=sys.stderr)
    return None


def _progress(total: int) -> Callable[[int], None]:
    def progress(n: int) -> None:
        if n % PROGRESS_EVERY == 0 or n == total:
            print(f"\r{n}/{total} lines", end="", file=sys.stderr, flush=True)

    return progress
