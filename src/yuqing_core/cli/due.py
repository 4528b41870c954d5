"""``yuqing due``: when a duration from a start falls due (期限计算), and by which rule."""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import CalendarCoverageError
from ..render.calendar import due_text
from ._options import (
    COMMANDS,
    NAIVE_RULE,
    add_policy_option,
    add_projection_option,
    calendar_of,
    duration,
    in_zone,
    instant,
    with_flag_hint,
)

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "due",
        help=COMMANDS["due"],
        description="Print when DURATION counted from START falls due on the policy's calendar "
        "(P3-P5 in docs/rules.md), and the rule that placed it. "
        f"START: {NAIVE_RULE}.",
    )
    add_policy_option(p, default="default: the official calendar")
    add_projection_option(p)
    p.add_argument(
        "start",
        metavar="START",
        type=instant,
        help="ISO datetime, e.g. 2025-09-30T10:00+08:00 (without an offset: the calendar's zone)",
    )
    p.add_argument(
        "duration",
        metavar="DURATION",
        type=duration,
        help="90min, 3h, 1h30min, 3d, 1wd, 4wh (working hours), same_day or now (never negative)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    cal, policy = calendar_of(args.policy, allow_projection=args.allow_projection)
    start, naive = in_zone(args.start, cal)
    try:
        text = due_text(cal, policy, start, args.duration, naive=naive)
    except CalendarCoverageError as e:
        raise with_flag_hint(e) from None
    print(text, end="")
    return 0
