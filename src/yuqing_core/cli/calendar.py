"""``yuqing calendar``: a month of the working calendar (工作日历), with deadlines from today.

The library never reads the wall clock; this command may, without ``--today``, because a person
at a terminal means "now" when they give no date.

The rule for where deadlines start: without ``--today``, now (the wall clock's instant);
``--today 2025-09-30T10:00`` that instant; ``--today 2025-09-30`` that day, counted from its
start. A day has no time of day, so durations that count elapsed time (``2h``, ``90min``) or
start at once (``now``) need an instant: with a bare date they are refused.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from ..errors import CalendarCoverageError
from ..render.calendar import month_text
from ..time.duration import Duration, DurationKind
from ._options import (
    COMMANDS,
    NAIVE_RULE,
    add_policy_option,
    add_projection_option,
    calendar_of,
    day_or_instant,
    duration,
    in_zone,
    usage,
    with_flag_hint,
)

__all__ = ["register", "run"]

TODAY_DURATIONS = ("1wd", "3wd", "3d")
"""What ``calendar`` counts from today unless ``--within`` is given."""

_NEED_AN_INSTANT = (DurationKind.ELAPSED, DurationKind.NOW)
"""Durations that cannot be counted from a day without a time of day."""


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "calendar",
        help=COMMANDS["calendar"],
        description="Print one month: rest days (休), 调休 make-up working days (班), holidays "
        "by name, and the days on which durations counted from today fall due. Deadlines "
        "start now; with --today DATE at the start of that day, with --today DATETIME at that "
        "time. Elapsed durations (2h, 90min) and now need a time: a bare date refuses them. "
        f"{NAIVE_RULE[0].upper()}{NAIVE_RULE[1:]}.",
    )
    p.add_argument("month", metavar="YYYY-MM", type=_year_month, help="the month to show")
    add_policy_option(p, default="default: the official calendar")
    add_projection_option(p)
    p.add_argument(
        "--today",
        metavar="DATE_OR_TIME",
        type=day_or_instant,
        help="where deadlines start: a day (2025-09-30, from its start) or a time "
        "(2025-09-30T10:00); default: now on the wall clock",
    )
    p.add_argument(
        "--within",
        metavar="DURATION",
        action="append",
        type=duration,
        help=f"a duration to count from today; repeatable (default: {', '.join(TODAY_DURATIONS)})",
    )
    p.set_defaults(func=run)


def _year_month(text: str) -> tuple[int, int]:
    try:
        year_s, month_s = text.split("-")
        year, month = int(year_s), int(month_s)
        if len(year_s) != 4 or not 1 <= month <= 12:
            raise ValueError(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month (write 2025-10)") from None
    return year, month


def run(args: argparse.Namespace) -> int:
    cal, policy = calendar_of(args.policy, allow_projection=args.allow_projection)
    year, month = args.month
    within: list[Duration] = args.within or [Duration.parse(d) for d in TODAY_DURATIONS]
    today: date | datetime = args.today or datetime.now(cal.zone)
    naive = False
    if isinstance(today, datetime):
        today, naive = in_zone(today, cal)
    else:
        _refuse_elapsed(today, within)
    try:
        text = month_text(cal, policy, year, month, today, within, naive=naive)
    except CalendarCoverageError as e:
        raise with_flag_hint(e) from None
    print(text, end="")
    return 0


def _refuse_elapsed(day: date, within: list[Duration]) -> None:
    for d in within:
        if d.kind in _NEED_AN_INSTANT:
            usage(
                f"calendar: --within {d} counts from a time of day, and --today {day} is a day: "
                f"give a time (--today {day}T09:00) or leave --today out to count from now"
            )
