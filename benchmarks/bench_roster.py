"""Duty roster speed: a year of three monitoring duties beside a hand-written peer.

The duties: a daily log at 16:00 on working days, a Monday 10:00 weekly report moved off rest
days to the next working day, and a 09:00 holiday watch on the official holiday blocks only.
Ours: ``policy.monitoring_duties`` over 2025 (and ``roster`` with a fulfilment for every
daily log). Peer: what a host writes by hand, ``dateutil.rrule`` filtered and moved with
``chinese_calendar`` (``is_workday``, ``find_workday``, ``get_holiday_detail``), without
provisional instants, periods or fulfilments. Both lists are compared: they must agree.

Run: ``python -m benchmarks.bench_roster`` (or ``make bench`` for every benchmark).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
from dateutil.rrule import DAILY, MO, WEEKLY, rrule

import yuqing_core as yq
from benchmarks import timing
from yuqing_core.rules.roster import fulfil, roster

CST = ZoneInfo("Asia/Shanghai")
START, END = datetime(2025, 1, 1), datetime(2026, 1, 1)  # noqa: DTZ001 (local wall-clock)
GOAL_RATIO = 1.0
POLICY = yq.load_policy(
    {
        "name": "bench-roster",
        "title": "值班表",
        "periods": [{"id": "holidays", "rule": "official_holidays"}],
        "monitoring": [
            {
                "id": "daily-log",
                "rule": "R4.2",
                "kind": "daily_log",
                "rrule": "FREQ=DAILY;BYHOUR=16;BYMINUTE=0",
                "working_days_only": True,
            },
            {
                "id": "weekly-report",
                "rule": "R3.4",
                "kind": "report",
                "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0",
                "on_rest_day": "next_working_day",
            },
            {
                "id": "holiday-watch",
                "rule": "R7.1",
                "kind": "watch",
                "rrule": "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
                "during": ["holidays"],
            },
        ],
    }
)


def ours() -> list[tuple[str, datetime]]:
    start, end = START.replace(tzinfo=CST), END.replace(tzinfo=CST)
    items = POLICY.monitoring_duties(start, end)
    return [(i.duty_id, i.due_at.replace(tzinfo=None)) for i in items]


def peer() -> list[tuple[str, datetime]]:
    """The same list by hand with dateutil and chinese_calendar."""
    out: list[tuple[datetime, int, str]] = []
    for at in rrule(DAILY, dtstart=START, until=END, byhour=16, byminute=0):
        if at < END and chinese_calendar.is_workday(at.date()):
            out.append((at, 0, "daily-log"))
    seen = set()
    early = START - timedelta(days=31)
    for at in rrule(WEEKLY, dtstart=early, until=END, byweekday=MO, byhour=10, byminute=0):
        day = at.date()
        if not chinese_calendar.is_workday(day):
            day = chinese_calendar.find_workday(0, day)  # rolls forward to a working day
        moved = datetime.combine(day, at.time())
        if START <= moved < END and moved not in seen:
            seen.add(moved)
            out.append((moved, 1, "weekly-report"))
    for at in rrule(DAILY, dtstart=START, until=END, byhour=9, byminute=0):
        rest, name = chinese_calendar.get_holiday_detail(at.date())
        if at < END and rest and name is not None:
            out.append((at, 2, "holiday-watch"))
    out.sort()
    return [(name, at) for at, _, name in out]


def measure(repeat: int) -> dict[str, float]:
    listed = ours()
    if listed != peer():
        raise SystemExit("the roster and the hand-written peer disagree")
    logs = [at.replace(tzinfo=CST) for name, at in listed if name == "daily-log"]
    done = [fulfil(POLICY, "daily-log", at=at - timedelta(hours=1), actor="a") for at in logs]
    start, end = START.replace(tzinfo=CST), END.replace(tzinfo=CST)
    seconds = timing.per_op(
        {
            "ours": ours,
            "peer": peer,
            "roster": lambda: roster(POLICY, start, end, done),
        },
        repeat=repeat,
    )
    seconds["instants"] = len(listed)
    seconds["fulfilments"] = len(done)
    return seconds


def report(seconds: dict[str, float]) -> list[str]:
    ms = {k: timing.Figure(seconds[k] * 1e3, "ms") for k in ("ours", "peer", "roster")}
    peer = timing.Figure(ms["peer"].value, "ms", "dateutil + chinese_calendar")
    goal = timing.Target("<=", GOAL_RATIO, note="no slower than the hand-written peer")
    n, f = int(seconds["instants"]), int(seconds["fulfilments"])
    return [
        f"Duty roster: 2025, three duties, {n} due instants (the peer's list is the same)",
        "  " + timing.report("monitoring_duties (a year)", ms["ours"], peer, goal, width=34),
        "  " + timing.report(f"roster with {f} fulfilments", ms["roster"], peer, None, width=34),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_roster", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="rounds (best is kept)")
    args = parser.parse_args(argv)
    for line in report(measure(args.repeat)):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
