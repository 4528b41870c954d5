"""Deadline speed: ``cal.due(start, "3wd")`` beside the peers, in one process, as ratios.

Peers: ``holidays.China().get_nth_working_day`` (returns a date, no time of day),
``chinese_calendar.find_workday`` (a date; rolls a rest-day start forward first) and
``numpy.busday_offset`` (a date; its weekmask cannot express weekend make-up working days, so
it is wrong around every 调休 Saturday or Sunday). Ours returns the exact due instant.

Run: ``python -m benchmarks.bench_calendar`` (or ``make bench`` for every benchmark).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import numpy as np
from holidays.countries.china import China

import yuqing_core as yq

CST = ZoneInfo("Asia/Shanghai")
N_WD = 3
GOAL_RATIO = 3.0
GOAL_US = 2.0
GOAL_BATCH_S = 2.0


@dataclass(frozen=True)
class Row:
    name: str
    us_per_call: float
    note: str = ""


def sample_starts(count: int) -> list[datetime]:
    """Starts spread over 2025 and most of 2026 (every 37 minutes), all in Asia/Shanghai."""
    first = datetime(2025, 1, 1, 8, 0, tzinfo=CST)
    span = (datetime(2026, 11, 30, tzinfo=CST) - first) // timedelta(minutes=37)
    return [first + timedelta(minutes=37 * (i % span)) for i in range(count)]


def best_per_call(fn: Callable[[], object], calls: int, repeat: int) -> float:
    """Microseconds per call: best of ``repeat`` rounds, each ``fn()`` doing ``calls`` calls."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best / calls * 1e6


def _holidays(years: range) -> Any:
    return China(years=years)  # type: ignore[no-untyped-call]


def _numpy_calendar(first: int, last: int) -> Any:
    """A numpy business-day calendar: Mon-Fri, minus official holidays on weekdays. The
    weekend make-up working days cannot be added: a weekmask is the same every week."""
    rest = [d for d in _holidays(range(first, last + 1)) if d.weekday() < 5]
    return np.busdaycalendar(weekmask="1111100", holidays=np.array(rest, dtype="datetime64[D]"))


def measure(number: int, batch: int, repeat: int) -> tuple[list[Row], dict[str, float]]:
    cal = yq.WorkCalendar.china()
    wd = yq.Duration.parse(f"{N_WD}wd")
    starts = sample_starts(min(number, 10_000))
    days = [s.date() for s in starts]
    rounds = max(1, number // len(starts))
    calls = rounds * len(starts)

    def ours() -> None:
        due = cal.due
        for _ in range(rounds):
            for s in starts:
                due(s, "3wd")

    def ours_parsed() -> None:
        due = cal.due
        for _ in range(rounds):
            for s in starts:
                due(s, wd)

    hol = _holidays(range(2024, 2028))

    def peer_holidays() -> None:
        nth = hol.get_nth_working_day
        for _ in range(rounds):
            for d in days:
                nth(d, N_WD)

    # chinese_calendar is about 100x slower: a slice keeps the run short, the rate is per call.
    cc_days = days[: max(1, len(days) // 50)]

    def peer_chinese_calendar() -> None:
        for d in cc_days:
            chinese_calendar.find_workday(N_WD, d)

    bdc = _numpy_calendar(2024, 2027)
    np_days = [np.datetime64(d, "D") for d in days]

    def peer_numpy() -> None:
        offset = np.busday_offset
        for _ in range(rounds):
            for d in np_days:
                offset(d, N_WD, roll="backward", busdaycal=bdc)

    rows = [
        Row("yuqing due(start, '3wd')", best_per_call(ours, calls, repeat), "exact instant"),
        Row("yuqing due(start, Duration)", best_per_call(ours_parsed, calls, repeat), "parsed"),
        Row(
            "holidays get_nth_working_day",
            best_per_call(peer_holidays, calls, repeat),
            "date only",
        ),
        Row(
            "chinese_calendar find_workday",
            best_per_call(peer_chinese_calendar, len(cc_days), repeat),
            "date only",
        ),
        Row(
            "numpy busday_offset (scalar)",
            best_per_call(peer_numpy, calls, repeat),
            "date only; no make-up days",
        ),
    ]

    # Batches of `batch` deadlines.
    many = sample_starts(batch)
    epochs = [int(s.timestamp()) for s in many]
    # Warm the calendar's caches (day ends, zone offset) so that rounds compare like with like.
    cal.due_many(many[:1000], wd)
    cal.due_many_epoch(epochs[:1000], wd)
    np_many = np.array([s.date() for s in many], dtype="datetime64[D]")
    timings = {
        "due_many": best_per_call(lambda: cal.due_many(many, wd), 1, repeat) / 1e6,
        "due_many_epoch": best_per_call(lambda: cal.due_many_epoch(epochs, wd), 1, repeat) / 1e6,
        "numpy_vector": best_per_call(
            lambda: np.busday_offset(np_many, N_WD, roll="backward", busdaycal=bdc), 1, repeat
        )
        / 1e6,
    }

    # How often numpy's answer is wrong on the sample: every start whose 3 working days touch
    # a make-up Saturday or Sunday.
    ours_days = [cal.deadline(s, wd).last_day for s in starts]
    np_out = np.busday_offset(
        np.array(days, dtype="datetime64[D]"), N_WD, roll="backward", busdaycal=bdc
    )
    wrong = sum(1 for o, n in zip(ours_days, np_out.tolist(), strict=True) if o != n)
    timings["numpy_wrong"] = wrong
    timings["sample"] = len(starts)
    timings["batch"] = batch
    return rows, timings


def report(rows: list[Row], timings: dict[str, float]) -> list[str]:
    ours = rows[0].us_per_call
    lines = [
        f"Deadlines: {N_WD} working days from a start (China official calendar, 调休 included)",
        f"{'call':<32}{'us/call':>10}{'vs ours':>10}  note  (vs ours: its time / our time)",
    ]
    for r in rows:
        ratio = r.us_per_call / ours
        lines.append(f"{r.name:<32}{r.us_per_call:>10.3f}{ratio:>9.1f}x  {r.note}")
    hol = next(r for r in rows if r.name.startswith("holidays")).us_per_call
    batch = int(timings["batch"])
    per_million = {k: timings[k] / batch * 1e6 for k in ("due_many", "due_many_epoch")}
    lines += [
        "",
        f"batch of {batch:,} deadlines:",
        f"  due_many (datetimes)      {timings['due_many']:.3f} s"
        f"  ({timings['due_many'] / batch * 1e6:.3f} us each)",
        f"  due_many_epoch (seconds)  {timings['due_many_epoch']:.3f} s"
        f"  ({timings['due_many_epoch'] / batch * 1e6:.3f} us each)",
        f"  numpy busday_offset array {timings['numpy_vector']:.3f} s  (dates only, no make-up "
        "days)",
        "",
        f"numpy disagrees with the official calendar on {int(timings['numpy_wrong'])} of "
        f"{int(timings['sample'])} sample starts: a weekmask cannot make a Saturday or Sunday "
        "a working day (调休上班).",
        "",
        "goals:",
        f"  >= {GOAL_RATIO:.0f}x faster than holidays.get_nth_working_day: "
        f"{hol / ours:.1f}x {'ok' if hol / ours >= GOAL_RATIO else 'MISSED'}",
        f"  <= {GOAL_US:.0f} us per deadline: {ours:.3f} us "
        f"{'ok' if ours <= GOAL_US else 'MISSED'}",
        f"  1,000,000 deadlines in <= {GOAL_BATCH_S:.0f} s (scaled from this batch): "
        f"{per_million['due_many']:.2f} s with due_many, "
        f"{per_million['due_many_epoch']:.2f} s with due_many_epoch "
        f"{'ok' if min(per_million.values()) <= GOAL_BATCH_S else 'MISSED'}",
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_calendar", description=__doc__
    )
    parser.add_argument("--number", type=int, default=100_000, help="calls per round")
    parser.add_argument("--batch", type=int, default=1_000_000, help="deadlines in one batch")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (best is kept)")
    args = parser.parse_args(argv)
    rows, timings = measure(args.number, args.batch, args.repeat)
    print("\n".join(report(rows, timings)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
