"""``yuqing due``: when a duration from a start falls due (期限计算), and by which rule."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from ..render.calendar import due_text
from ..time.duration import Duration
from ._calendar_option import add_policy_option, calendar_of

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "due",
        help="the due instant of a duration from a start (期限计算)",
        description="Print when DURATION counted from START falls due on the policy's calendar "
        "(P3-P5 in docs/rules.md), and the rule that placed it.",
    )
    add_policy_option(p)
    p.add_argument(
        "start",
        metavar="START",
        type=_iso_datetime,
        help="ISO datetime with offset, e.g. 2025-09-30T10:00+08:00 (without one: the "
        "calendar's zone)",
    )
    p.add_argument("duration", metavar="DURATION", help="90min, 3h, 3d, 1wd, same_day or now")
    p.set_defaults(func=run)


def _iso_datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO datetime (write 2025-09-30T10:00+08:00)"
        ) from None


def run(args: argparse.Namespace) -> int:
    cal, policy = calendar_of(args.policy)
    d = Duration.parse(args.duration)
    start: datetime = args.start
    naive = start.tzinfo is None or start.utcoffset() is None
    if naive:
        start = start.replace(tzinfo=cal.zone)
    print(due_text(cal, policy, start, d, naive=naive), end="")
    return 0
