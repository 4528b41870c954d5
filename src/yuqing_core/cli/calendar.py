"""``yuqing calendar``: a month of the working calendar (工作日历), with today's deadlines.

The library never reads the wall clock; this command may, without ``--today``, because a person
at a terminal means "now" when they give no date.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from ..render.calendar import month_text
from ._calendar_option import add_policy_option, calendar_of

__all__ = ["register", "run"]

TODAY_DURATIONS = ("1wd", "3wd", "3d")
"""What ``calendar`` counts from today unless ``--within`` is given."""


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "calendar",
        help="a month of the working calendar, with today's deadlines (工作日历)",
        description="Print one month: rest days (休), 调休 make-up working days (班), holidays "
        "by name, and the days on which common durations from today fall due.",
    )
    p.add_argument("month", metavar="YYYY-MM", type=_year_month, help="the month to show")
    add_policy_option(p)
    p.add_argument(
        "--today",
        metavar="ISO-DATE",
        type=_iso_date,
        help="the day deadlines are counted from (default: today on the wall clock)",
    )
    p.add_argument(
        "--within",
        metavar="DURATION",
        action="append",
        help=f"a duration to count from today; repeatable (default: {', '.join(TODAY_DURATIONS)})",
    )
    p.set_defaults(func=run)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date (write 2025-09-30)"
        ) from None


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
    cal, policy = calendar_of(args.policy)
    year, month = args.month
    today: date = args.today or datetime.now(cal.zone).date()
    within = args.within or TODAY_DURATIONS
    print(month_text(cal, policy, year, month, today, within), end="")
    return 0
