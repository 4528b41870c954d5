"""``yuqing simulate``: run a policy over incidents and events given as JSON Lines.

A line that cannot be applied is reported on standard error with its number and the reason,
``yuqing: FILE:N: reason``, and skipped; the run goes on, then says how many lines failed, and
the exit code is 1. No ``--allow-projection`` here: cases always count their deadlines past the
known years, and mark those that rest on unsettled days 暂定 provisional.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..presets import resolve as resolve_policy
from ..render.simulation import render_simulation
from ..render.wording import naive_note
from ..simulate import simulate
from ._options import COMMANDS, NAIVE_RULE, add_policy_option, in_zone, instant

__all__ = ["register", "run"]

PROGRESS_EVERY = 1000


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "simulate",
        help=COMMANDS["simulate"],
        description="Open a case per incident line and fire each event line on it, then print "
        "every case's timeline. The lines are described in the vocabulary reference; their "
        "times must carry an offset. A bad line is reported with its number and skipped.",
    )
    add_policy_option(p, required=True)
    p.add_argument("file", metavar="FILE.jsonl", help="JSON Lines, or - for standard input")
    p.add_argument("--format", choices=("table", "markdown", "json"), default="table", dest="fmt")
    p.add_argument(
        "--now",
        metavar="DATETIME",
        type=instant,
        help=f"judge statuses at this time (default: the last time seen); {NAIVE_RULE}",
    )
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
    now = args.now
    if now is not None:
        now, naive = in_zone(now, policy.calendar)
        if naive:
            print(f"yuqing: {naive_note('--now', policy.calendar.tz)}", file=sys.stderr)
    lines = text.splitlines()
    show = args.progress or len(lines) >= 10 * PROGRESS_EVERY
    sim = simulate(policy, lines, now=now, progress=_progress(len(lines)) if show else None)
    if show:
        print(file=sys.stderr)
    for number, message in sim.errors:
        print(f"yuqing: {args.file}:{number}: {message}", file=sys.stderr)
    if not sim.cases:
        print(f"yuqing: {args.file}: no case was opened", file=sys.stderr)
        return 1
    print(render_simulation(sim, args.fmt), end="")
    sys.stdout.flush()
    if sim.errors:
        failed, of = len(sim.errors), sim.records
        print(
            f"yuqing: {args.file}: {failed} of {of} line{'s' if of != 1 else ''} failed and "
            f"{'was' if failed == 1 else 'were'} skipped",
            file=sys.stderr,
        )
        return 1
    return 0


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
        print(f"yuqing: {file}: cannot be read ({e.strerror})", file=sys.stderr)
    except UnicodeDecodeError:
        print(f"yuqing: {file}: is not UTF-8 text", file=sys.stderr)
    return None


def _progress(total: int) -> Callable[[int], None]:
    def progress(n: int) -> None:
        if n % PROGRESS_EVERY == 0 or n == total:
            print(f"\r{n}/{total} lines", end="", file=sys.stderr, flush=True)

    return progress
