"""``yuqing due`` and ``yuqing calendar``: deadlines and the working calendar at the terminal.

The library never reads the wall clock; these commands may (``calendar`` without
``--today``), because a person at a terminal means "now" when they give no date.
"""

from __future__ import annotations

import argparse
import calendar as _stdcal
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from ..api import Policy
from ..errors import CalendarCoverageError
from ..presets import resolve as resolve_policy
from ..time import Deadline, WorkCalendar
from ..time.duration import Duration, DurationKind

__all__ = ["register", "run_calendar", "run_due"]

WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS_EN = tuple(_stdcal.month_name)
TODAY_DURATIONS = ("1wd", "3wd", "3d")
"""What ``calendar`` counts from today unless ``--within`` is given."""


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "due",
        help="the due instant of a duration from a start (期限计算)",
        description="Print when DURATION counted from START falls due on the policy's calendar "
        "(RULES P3-P5), and the rule that placed it.",
    )
    p.add_argument(
        "--policy",
        metavar="NAME_OR_FILE",
        help="a preset name or a .toml/.json policy file (default: the official calendar)",
    )
    p.add_argument(
        "start",
        metavar="START",
        type=_iso_datetime,
        help="ISO datetime with offset, e.g. 2025-09-30T10:00+08:00 (without one: the "
        "calendar's zone)",
    )
    p.add_argument("duration", metavar="DURATION", help="90min, 3h, 3d, 1wd, same_day or now")
    p.set_defaults(func=run_due)

    c: argparse.ArgumentParser = sub.add_parser(
        "calendar",
        help="a month of the working calendar, with today's deadlines (工作日历)",
        description="Print one month: rest days (休), 调休 make-up working days (班), holidays "
        "by name, and the days on which common durations from today fall due.",
    )
    c.add_argument("month", metavar="YYYY-MM", type=_year_month, help="the month to show")
    c.add_argument(
        "--policy",
        metavar="NAME_OR_FILE",
        help="a preset name or a .toml/.json policy file (default: the official calendar)",
    )
    c.add_argument(
        "--today",
        metavar="ISO-DATE",
        type=_iso_date,
        help="the day deadlines are counted from (default: today on the wall clock)",
    )
    c.add_argument(
        "--within",
        metavar="DURATION",
        action="append",
        help=f"a duration to count from today; repeatable (default: {', '.join(TODAY_DURATIONS)})",
    )
    c.set_defaults(func=run_calendar)


# -- argument types ----------------------------------------------------------------------


def _iso_datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO datetime (write 2025-09-30T10:00+08:00)"
        ) from None


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


# -- shared formatting -------------------------------------------------------------------


def _calendar(policy_ref: str | None) -> tuple[WorkCalendar, Policy | None]:
    if policy_ref is None:
        return WorkCalendar.china(), None
    policy = resolve_policy(policy_ref)
    return policy.calendar, policy


def _policy_line(policy: Policy | None) -> str:
    if policy is None:
        return "政策 policy: 无，官方日历 / none, the official calendar"
    return f"政策 policy: {policy.name} — {policy.title}"


def _day(d: date) -> str:
    return f"{d.isoformat()} {WEEKDAYS_ZH[d.weekday()]} {WEEKDAYS_EN[d.weekday()]}"


def _instant(at: datetime) -> str:
    offset = at.strftime("%z")
    return (
        f"{at:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]} "
        f"{WEEKDAYS_ZH[at.weekday()]} {WEEKDAYS_EN[at.weekday()]}"
    )


def _hours_minutes(minutes: int) -> tuple[str, str]:
    h, m = divmod(minutes, 60)
    zh = " ".join(p for p in (f"{h} 小时" if h else "", f"{m} 分钟" if m else "") if p)
    en = " ".join(p for p in (f"{h} h" if h else "", f"{m} min" if m else "") if p)
    return zh, en


def _describe(d: Duration) -> str:
    kind = d.kind
    if kind is DurationKind.ELAPSED:
        zh, en = _hours_minutes(d.minutes)
        return f"{d} — 经过时间 {zh} / {en} elapsed"
    if kind is DurationKind.DAYS:
        return f"{d} — {d.amount} 日（日期间）/ a {d.amount}-day period"
    if kind is DurationKind.WORKING_DAYS:
        unit = "working day" if d.amount == 1 else "working days"
        return f"{d} — {d.amount} 个工作日 / {d.amount} {unit}"
    if kind is DurationKind.SAME_DAY:
        return f"{d} — 当日 / the same day"
    return f"{d} — 立即 / immediately"


def _rule_lines(cal: WorkCalendar, d: Duration, result: Deadline) -> list[str]:
    if result.rule == "elapsed":
        return ["规则 rule: 经过时间，自起算时刻连续计算 / elapsed time from the start moment"]
    if result.rule == "immediate":
        grace = cal.immediate_grace
        return [
            f"规则 rule: 立即，按政策宽限 {grace} / immediately, within the policy's grace {grace}"
        ]
    assert result.last_day is not None
    last = _day(result.last_day)
    lines = []
    if result.rule == "business_close":
        close = f"{cal.business_close:%H:%M}"
        lines.append(
            f"规则 rule: 末日 {last} 下班时间 {close} 届满 / "
            f"ends at business close {close} on the last day"
        )
    else:
        lines.append(
            f"规则 rule: 末日 {last} 24:00 届满，记作次日 00:00 / "
            "ends at 24:00 on the last day, shown as 00:00 of the next day"
        )
        if d.kind is DurationKind.SAME_DAY and cal.business_close is not None:
            close = f"{cal.business_close:%H:%M}"
            lines.append(
                f"说明 note: 起算已过下班时间 {close}，当日至 24:00 / "
                f"started after business close {close}, so the day runs to 24:00"
            )
    if result.moved_from is not None:
        lines.append(
            f"顺延 moved: 名义末日 {_day(result.moved_from)} 为休息日，顺延至下一个工作日 / "
            "the nominal last day is a rest day; moved to the next working day"
        )
    return lines


# -- due ---------------------------------------------------------------------------------


def run_due(args: argparse.Namespace) -> int:
    cal, policy = _calendar(args.policy)
    d = Duration.parse(args.duration)
    start: datetime = args.start
    naive = start.tzinfo is None or start.utcoffset() is None
    if naive:
        start = start.replace(tzinfo=cal.zone)
    result = cal.deadline(start, d)
    print(_policy_line(policy))
    print(f"起算 start: {_instant(cal.local(start))} ({cal.tz})")
    if naive:
        print(
            f"注意 note: START 未带时区，按 {cal.tz} 理解 / START has no offset; read in {cal.tz}"
        )
    print(f"时限 duration: {_describe(d)}")
    print(f"到期 due: {_instant(result.at)}")
    for line in _rule_lines(cal, d, result):
        print(line)
    if result.projected:
        last = cal.last_covered_year
        print(
            f"推定 projected: 是，官方调休安排仅至 {last} 年 / yes, the official schedule "
            f"ends with {last}"
        )
    else:
        print("推定 projected: 否 / no")
    return 0


# -- calendar ----------------------------------------------------------------------------


def _month_days(year: int, month: int) -> list[date]:
    n = _stdcal.monthrange(year, month)[1]
    return [date(year, month, i) for i in range(1, n + 1)]


def _grid(cal: WorkCalendar, days: Sequence[date], due_days: set[date], today: date) -> list[str]:
    header = "".join(f"  {w}" for w in WEEKDAYS_ZH)
    rows: list[str] = [header]
    cells: list[str] = ["      "] * days[0].weekday()
    for d in days:
        if d.weekday() >= 5 and cal.is_working_day(d):
            mark = "班"
        elif not cal.is_working_day(d):
            mark = "休"
        else:
            mark = "  "
        flag = "*" if d in due_days else "@" if d == today else " "
        cells.append(f"{d.day:>3}{mark}{flag}")
        if len(cells) == 7:
            rows.append("".join(cells).rstrip())
            cells = []
    if cells:
        rows.append("".join(cells).rstrip())
    return rows


def run_calendar(args: argparse.Namespace) -> int:
    cal, policy = _calendar(args.policy)
    year, month = args.month
    today: date = args.today or datetime.now(cal.zone).date()
    days = _month_days(year, month)
    # Coverage is checked for the whole month before anything is printed.
    working = {d: cal.is_working_day(d) for d in days}

    within = [Duration.parse(w) for w in (args.within or TODAY_DURATIONS)]
    start = datetime.combine(today, time(0), cal.zone)
    results: list[tuple[Duration, Deadline | CalendarCoverageError]] = []
    for w in within:
        try:
            results.append((w, cal.deadline(start, w)))
        except CalendarCoverageError as e:
            results.append((w, e))
    due_days = {
        r.last_day if r.last_day is not None else cal.local(r.at).date()
        for _, r in results
        if isinstance(r, Deadline)
    }

    projected = any(cal.is_projected(d) for d in days)
    title = f"{year}年{month}月 {MONTHS_EN[month]} {year}"
    where = policy.name if policy is not None else "官方日历 official calendar"
    print(f"{title} · {where} ({cal.tz})" + (" · 推定 projected" if projected else ""))
    for row in _grid(cal, days, due_days, today):
        print(row)
    print("休 休息日 rest day · 班 调休上班 make-up working day · * 到期 falls due · @ 今日 today")

    named = [(d, cal.holiday_name(d)) for d in days]
    holidays = [(d, n) for d, n in named if n is not None]
    if holidays:
        print("节假日 holidays:")
        for d, n in holidays:
            print(f"  {d:%m-%d} {WEEKDAYS_ZH[d.weekday()]} {n}")
    makeup = [d for d in days if working[d] and d.weekday() >= 5]
    if makeup:
        print("调休上班 make-up working days:")
        for d in makeup:
            extra = "（本单位 institution）" if d in cal.extra_work_days else ""
            print(f"  {d:%m-%d} {WEEKDAYS_ZH[d.weekday()]}{extra}")
    own_rest = [d for d in days if d in cal.extra_rest_days]
    own_work = [d for d in days if d in cal.extra_work_days and d.weekday() < 5]
    if own_rest or own_work:
        print("本单位调整 institution overrides:")
        for d in own_rest:
            print(f"  {d:%m-%d} {WEEKDAYS_ZH[d.weekday()]} 休息 extra rest day")
        for d in own_work:
            print(f"  {d:%m-%d} {WEEKDAYS_ZH[d.weekday()]} 上班 extra working day")

    print(f"今日 today {_day(today)}，自当日起算 / counted from today:")
    for w, r in results:
        if isinstance(r, CalendarCoverageError):
            print(f"  {w!s:<8} 超出官方日历 beyond the official calendar ({r.year})")
            continue
        text = f"  {w!s:<8} → {_instant(r.at)}"
        if r.last_day is not None and r.rule in ("24:00", "business_close"):
            text += f"（末日 last day {r.last_day:%m-%d}"
            if r.moved_from is not None:
                text += f"，自 {r.moved_from:%m-%d} 顺延 moved off a rest day"
            text += "）"
        if r.projected:
            text += " 推定 projected"
        print(text)
    return 0
