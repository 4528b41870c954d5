"""Deadlines and the working calendar at the terminal (``yuqing due``, ``yuqing calendar``).

Bilingual lines: when a duration from a start falls due and the rule that placed it; a month of
the calendar with its rest days, 调休 make-up working days and holidays, and the days on which
durations counted from a given day fall due. Nothing here reads the clock: the caller says
which day is today.
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Sequence
from datetime import date, datetime, time

from ..api import Policy
from ..errors import CalendarCoverageError
from ..time import Deadline, WorkCalendar
from ..time.duration import Duration, DurationKind
from .wording import WEEKDAYS_ZH, naive_note, weekday_zh

__all__ = ["due_text", "month_text"]

WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS_EN = tuple(_stdcal.month_name)
LEGEND = "休 休息日 rest day · 班 调休上班 make-up working day · * 到期 falls due · @ 今日 today"

Outcome = Deadline | CalendarCoverageError
"""A deadline, or why the calendar cannot place it."""


# -- shared pieces -----------------------------------------------------------------------


def _policy_line(policy: Policy | None) -> str:
    if policy is None:
        return "政策 policy: 无，官方日历 / none, the official calendar"
    return f"政策 policy: {policy.name} — {policy.title}"


def _weekday(d: date) -> str:
    return f"{weekday_zh(d)} {WEEKDAYS_EN[d.weekday()]}"


def _day(d: date) -> str:
    return f"{d.isoformat()} {_weekday(d)}"


def _instant(at: datetime) -> str:
    offset = at.strftime("%z")
    return f"{at:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]} {_weekday(at)}"


def _hours_minutes_en(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return " ".join(p for p in (f"{h} h" if h else "", f"{m} min" if m else "") if p)


def _describe(d: Duration) -> str:
    kind, zh = d.kind, d.zh(spaced=True)
    if kind is DurationKind.ELAPSED:
        return f"{d} — 经过时间 {zh} / {_hours_minutes_en(d.minutes)} elapsed"
    if kind is DurationKind.DAYS:
        return f"{d} — {zh}（日期间）/ a {d.amount}-day period"
    if kind is DurationKind.WORKING_DAYS:
        unit = "working day" if d.amount == 1 else "working days"
        return f"{d} — {zh} / {d.amount} {unit}"
    if kind is DurationKind.WORKING_HOURS:
        unit = "working hour" if d.amount == 1 else "working hours"
        return f"{d} — {zh} / {d.amount} {unit}"
    if kind is DurationKind.SAME_DAY:
        return f"{d} — {zh} / the same day"
    return f"{d} — {zh} / immediately"


# -- due ---------------------------------------------------------------------------------


def due_text(
    cal: WorkCalendar, policy: Policy | None, start: datetime, d: Duration, *, naive: bool
) -> str:
    """When ``d`` from ``start`` falls due on ``cal``, with the rule that placed it.

    ``naive`` says the start was given without an offset and read in the calendar's zone.
    """
    result = cal.deadline(start, d)
    lines = [_policy_line(policy), f"起算 start: {_instant(cal.local(start))} ({cal.tz})"]
    if naive:
        lines.append(naive_note("START", cal.tz))
    lines += [f"时限 duration: {_describe(d)}", f"到期 due: {_instant(result.at)}"]
    lines += _rule_lines(cal, d, result)
    if result.provisional:
        lines.append(_provisional_line(cal))
    lines.append(_projected_line(cal, result))
    return "\n".join(lines) + "\n"


def _rule_lines(cal: WorkCalendar, d: Duration, result: Deadline) -> list[str]:
    if result.rule == "elapsed":
        return ["规则 rule: 经过时间，自起算时刻连续计算 / elapsed time from the start moment"]
    if result.rule == "immediate":
        grace = cal.immediate_grace
        return [
            f"规则 rule: 立即，按政策宽限 {grace} / immediately, within the policy's grace {grace}"
        ]
    if result.rule == "working_hours":
        assert cal.working_hours is not None
        hours = cal.working_hours.zh()
        return [
            f"规则 rule: 只计工作日（含调休上班日）的工作时间 {hours}，非工作时间起算的自下一个"
            f"上班时刻起算 / working time only ({hours} on working days); a start outside it "
            "counts from the next opening"
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


def _provisional_line(cal: WorkCalendar) -> str:
    settled = cal.last_settled_day.isoformat()
    return (
        f"暂定 provisional: 是，放假调休安排确定至 {settled}，此后的日子可能随下一年的通知调整 / "
        f"yes, the schedule is settled to {settled}; later days may move with the next notice"
    )


def _projected_line(cal: WorkCalendar, result: Deadline) -> str:
    if not result.projected:
        return "推定 projected: 否 / no"
    last = cal.last_covered_year
    return (
        f"推定 projected: 是，官方调休安排仅至 {last} 年 / yes, the official schedule "
        f"ends with {last}"
    )


# -- a month -----------------------------------------------------------------------------


def month_text(
    cal: WorkCalendar,
    policy: Policy | None,
    year: int,
    month: int,
    today: date | datetime,
    within: Sequence[Duration | str],
    *,
    naive: bool = False,
) -> str:
    """A month of ``cal``: a grid marking rest days (休), make-up working days (班), the days
    on which ``within`` counted from ``today`` fall due (*) and today (@); then the holidays,
    make-up days and the institution's own days of the month, and the deadlines themselves.

    ``today`` is a day, counted from its start (00:00), or an instant, counted from exactly;
    ``naive`` says the instant was given without an offset and read in the calendar's zone.
    ``within`` holds durations or their policy text, parsed once the month's coverage is known.
    """
    days = _month_days(year, month)
    # The whole month's coverage is checked before anything else is worked out.
    working = {d: cal.is_working_day(d) for d in days}
    start = _start(cal, today)
    day = start.date()
    outcomes = _from_today(cal, start, within)
    lines = [_title(cal, policy, year, month, days)]
    if naive:
        lines.append(naive_note("--today", cal.tz))
    lines += _grid(cal, days, _due_days(cal, outcomes), day)
    lines.append(LEGEND)
    lines += _holidays(cal, days)
    lines += _makeup_days(cal, days, working)
    lines += _institution_days(cal, days)
    if isinstance(today, datetime):
        lines.append(f"今日 today {_day(day)}，自 {start:%H:%M} 起算 / counted from {start:%H:%M}:")
    else:
        lines.append(f"今日 today {_day(day)}，自当日起算 / counted from today:")
    lines += [_outcome_line(w, r) for w, r in outcomes]
    return "\n".join(lines) + "\n"


def _start(cal: WorkCalendar, today: date | datetime) -> datetime:
    """The instant deadlines are counted from: ``today`` in the calendar's zone, or the start
    of the day ``today``."""
    if isinstance(today, datetime):
        return cal.local(today)
    return datetime.combine(today, time(0), cal.zone)


def _month_days(year: int, month: int) -> list[date]:
    n = _stdcal.monthrange(year, month)[1]
    return [date(year, month, i) for i in range(1, n + 1)]


def _from_today(
    cal: WorkCalendar, start: datetime, within: Sequence[Duration | str]
) -> list[tuple[Duration, Outcome]]:
    durations = [Duration.parse(w) for w in within]
    outcomes: list[tuple[Duration, Outcome]] = []
    for w in durations:
        try:
            outcomes.append((w, cal.deadline(start, w)))
        except CalendarCoverageError as e:
            outcomes.append((w, e))
    return outcomes


def _due_days(cal: WorkCalendar, outcomes: Sequence[tuple[Duration, Outcome]]) -> set[date]:
    return {
        r.last_day if r.last_day is not None else cal.local(r.at).date()
        for _, r in outcomes
        if isinstance(r, Deadline)
    }


def _title(
    cal: WorkCalendar, policy: Policy | None, year: int, month: int, days: list[date]
) -> str:
    projected = any(cal.is_projected(d) for d in days)
    title = f"{year}年{month}月 {MONTHS_EN[month]} {year}"
    where = policy.name if policy is not None else "官方日历 official calendar"
    return f"{title} · {where} ({cal.tz})" + (" · 推定 projected" if projected else "")


def _grid(cal: WorkCalendar, days: Sequence[date], due_days: set[date], today: date) -> list[str]:
    rows: list[str] = ["".join(f"  {w}" for w in WEEKDAYS_ZH)]
    cells: list[str] = ["      "] * days[0].weekday()
    for d in days:
        flag = "*" if d in due_days else "@" if d == today else " "
        cells.append(f"{d.day:>3}{_day_mark(cal, d)}{flag}")
        if len(cells) == 7:
            rows.append("".join(cells).rstrip())
            cells = []
    if cells:
        rows.append("".join(cells).rstrip())
    return rows


def _day_mark(cal: WorkCalendar, d: date) -> str:
    if d.weekday() >= 5 and cal.is_working_day(d):
        return "班"
    if not cal.is_working_day(d):
        return "休"
    return "  "


def _holidays(cal: WorkCalendar, days: Sequence[date]) -> list[str]:
    named = [(d, cal.holiday_name(d)) for d in days]
    lines = [f"  {d:%m-%d} {weekday_zh(d)} {n}" for d, n in named if n is not None]
    return ["节假日 holidays:", *lines] if lines else []


def _makeup_days(cal: WorkCalendar, days: Sequence[date], working: dict[date, bool]) -> list[str]:
    makeup = [d for d in days if working[d] and d.weekday() >= 5]
    lines = [
        f"  {d:%m-%d} {weekday_zh(d)}"
        + ("（本单位 institution）" if d in cal.extra_work_days else "")
        for d in makeup
    ]
    return ["调休上班 make-up working days:", *lines] if lines else []


def _institution_days(cal: WorkCalendar, days: Sequence[date]) -> list[str]:
    rest = [
        f"  {d:%m-%d} {weekday_zh(d)} 休息 extra rest day" for d in days if d in cal.extra_rest_days
    ]
    work = [
        f"  {d:%m-%d} {weekday_zh(d)} 上班 extra working day"
        for d in days
        if d in cal.extra_work_days and d.weekday() < 5
    ]
    return ["本单位调整 institution overrides:", *rest, *work] if rest or work else []


def _outcome_line(w: Duration, r: Outcome) -> str:
    if isinstance(r, CalendarCoverageError):
        return f"  {w!s:<8} 超出官方日历 beyond the official calendar ({r.year})"
    text = f"  {w!s:<8} → {_instant(r.at)}"
    if r.last_day is not None and r.rule in ("24:00", "business_close"):
        text += f"（末日 last day {r.last_day:%m-%d}"
        if r.moved_from is not None:
            text += f"，自 {r.moved_from:%m-%d} 顺延 moved off a rest day"
        text += "）"
    if r.projected:
        text += " 推定 projected"
    return text
