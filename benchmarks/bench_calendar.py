"""Deadline speed: ``cal.due(start, "3wd")`` beside the peers, in one process, as ratios.

Peers: ``holidays.China().get_nth_working_day`` (returns a date, no time of day),
``chinese_calendar.find_workday`` (a date; rolls a rest-day start forward first) and
``numpy.busday_offset`` (a date; its weekmask cannot express weekend make-up working days, so
it is wrong around every 调休 Saturday or Sunday). Ours returns the exact due instant.

Run: ``python -m benchmarks.bench_calendar`` (or ``make bench`` for every benchmark).
"""

from __future__ import annotations

import argparse
import bisect
import gc
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import numpy as np
from holidays.countries.china import China

import yuqing_core as yq
from benchmarks import timing

CST = ZoneInfo("Asia/Shanghai")
N_WD = 3
GOAL_RATIO = 3.0
GOAL_US = 2.0
GOAL_BATCH_S = 2.0
EPOCH_ORDINAL = datetime(1970, 1, 1, tzinfo=UTC).toordinal()


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

    in_utc = [s.astimezone(UTC) for s in starts]
    # As read from text: each start with its own fixed-offset zone object.
    from_text = [datetime.fromisoformat(s.isoformat()) for s in starts]
    working = cal._t.working  # the working days' ordinals, ascending

    def ours_utc() -> None:
        due = cal.due
        for _ in range(rounds):
            for s in in_utc:
                due(s, "3wd")

    def ours_text() -> None:
        due = cal.due
        for _ in range(rounds):
            for s in from_text:
                due(s, "3wd")

    def bare_bisect() -> None:
        # The floor: the N-th working day after the start's day by one bisection over the
        # working days' ordinals, a date only (no zone, no instant).
        after = bisect.bisect_right
        for _ in range(rounds):
            for s in starts:
                working[after(working, s.toordinal()) + N_WD - 1]

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

    seconds = timing.per_op(
        {
            "ours": ours,
            "ours_parsed": ours_parsed,
            "ours_utc": ours_utc,
            "ours_text": ours_text,
            "bare": bare_bisect,
            "holidays": peer_holidays,
            "numpy": peer_numpy,
        },
        repeat=repeat,
        ops=calls,
    )
    seconds |= timing.per_op(
        {"chinese_calendar": peer_chinese_calendar}, repeat=repeat, ops=len(cc_days)
    )
    us = {name: each * 1e6 for name, each in seconds.items()}
    rows = [
        Row("yuqing due(start, '3wd')", us["ours"], "exact instant"),
        Row("yuqing due(start, Duration)", us["ours_parsed"], "parsed"),
        Row("holidays get_nth_working_day", us["holidays"], "date only"),
        Row("chinese_calendar find_workday", us["chinese_calendar"], "date only"),
        Row("numpy busday_offset (scalar)", us["numpy"], "date only; no make-up days"),
        Row("yuqing due(UTC start, '3wd')", us["ours_utc"], "start in UTC"),
        Row("yuqing due(fromisoformat, '3wd')", us["ours_text"], "+08:00 read from text"),
        Row("bare bisect over working days", us["bare"], "date only, no zone"),
    ]

    # Batches of `batch` deadlines.
    many = sample_starts(batch)
    epochs = [int(s.timestamp()) for s in many]
    # Warm the calendar's caches (day ends, zone offset) so that rounds compare like with like.
    cal.due_many(many[:1000], wd)
    cal.due_many_epoch(epochs[:1000], wd)
    np_many = np.array([s.date() for s in many], dtype="datetime64[D]")
    array = np.array(epochs, dtype=np.int64)
    cal.due_array(array[:1000], wd)
    working_days = np.array(working, dtype=np.int64)
    steady = int(many[0].utcoffset().total_seconds())  # type: ignore[union-attr]

    def searchsorted() -> object:
        # The peer of due_array: the same working-day table, one searchsorted for the whole
        # batch, the N-th working day after each start's local day, as epoch seconds.
        days = (array + steady) // 86_400 + EPOCH_ORDINAL
        after = np.searchsorted(working_days, days, side="right") + (N_WD - 1)
        return working_days[after] * 86_400 + (86_400 - steady - EPOCH_ORDINAL * 86_400)

    assert (searchsorted() == cal.due_array(array, wd)).all()  # the same, exact answers
    timings = timing.per_op(
        {
            "due_many": lambda: cal.due_many(many, wd),
            "due_many_epoch": lambda: cal.due_many_epoch(epochs, wd),
            "due_array": lambda: cal.due_array(array, wd),
            "searchsorted": searchsorted,
            "numpy_vector": lambda: np.busday_offset(np_many, N_WD, roll="backward", busdaycal=bdc),
        },
        repeat=repeat,
    )
    for name, call in (
        ("due_many", lambda: cal.due_many(many, wd)),
        ("due_many_epoch", lambda: cal.due_many_epoch(epochs, wd)),
    ):
        timings[f"{name}_kept"], timings[f"{name}_peak"] = _memory(call)

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


def _memory(call: Any) -> tuple[float, float]:
    """Bytes the result of ``call()`` keeps, and the most ``call()`` held at once."""
    gc.collect()
    tracemalloc.start()
    try:
        result = call()
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return float(kept), float(peak)


def report(rows: list[Row], timings: dict[str, float]) -> list[str]:
    ours = rows[0].us_per_call
    lines = [
        f"Deadlines: {N_WD} working days from a start (China official calendar, 调休 included)",
        f"{'call':<32}{'us/call':>10}{'vs ours':>10}  note  (vs ours: its time / our time)",
    ]
    for r in rows:
        ratio = r.us_per_call / ours
        lines.append(f"{r.name:<32}{r.us_per_call:>10.3f}{ratio:>9.1f}x  {r.note}")
    hol = next(r for r in rows if r.name.startswith("holidays"))
    batch = int(timings["batch"])
    million = 1e6 / batch  # the goal is for a million deadlines: scale this batch to it
    numpy_batch = timing.Figure(timings["numpy_vector"], "s", "numpy busday_offset array (dates)")
    numpy_million = timing.Figure(numpy_batch.value * million, "s", "numpy array")
    in_batch = {k: timing.Figure(timings[k], "s") for k in ("due_many", "due_many_epoch")}
    per_call, peer = timing.Figure(ours, "us"), timing.Figure(hol.us_per_call, "us", "holidays")
    faster = timing.Target("<=", 1 / GOAL_RATIO, note=f">= {GOAL_RATIO:.0f}x faster than holidays")
    goal_batch = timing.Target("<=", GOAL_BATCH_S, "s")
    mb = {
        k: timing.Figure(timings[k] / 1e6, "MB") for k in timings if k.endswith(("_kept", "_peak"))
    }
    array_million = timing.Figure(timings["due_array"] * million, "s")
    sorted_million = timing.Figure(timings["searchsorted"] * million, "s", "numpy searchsorted")
    lines += [
        "",
        f"batch of {batch:,} deadlines:",
        "  "
        + timing.report(
            "due_array (numpy)", timing.Figure(timings["due_array"], "s"), numpy_batch, width=26
        ),
        "  " + timing.report("due_many (datetimes)", in_batch["due_many"], numpy_batch, width=26),
        "  "
        + timing.report(
            "due_many_epoch (seconds)", in_batch["due_many_epoch"], numpy_batch, width=26
        ),
        "",
        f"numpy disagrees with the official calendar on {int(timings['numpy_wrong'])} of "
        f"{int(timings['sample'])} sample starts: a weekmask cannot make a Saturday or Sunday "
        "a working day (调休上班).",
        "",
        "goals:",
        "  " + timing.report("due(start, '3wd')", per_call, peer, faster, width=50),
        "  "
        + timing.report(
            "per deadline", per_call, peer, timing.Target("<=", GOAL_US, "us"), width=50
        ),
    ]
    lines.append(
        "  "
        + timing.report(
            "1,000,000 deadlines, due_array (scaled)",
            array_million,
            sorted_million,
            timing.Target("<=", 2.0),
            width=50,
        )
    )
    lines.append(
        "  "
        + timing.report(
            "due_many_epoch vs due_many (time)",
            in_batch["due_many_epoch"],
            timing.Figure(in_batch["due_many"].value, "s", "due_many"),
            timing.Target("<=", 0.67, note=">= 1.5x faster"),
            width=50,
        )
    )
    for what in ("kept", "peak"):
        lines.append(
            "  "
            + timing.report(
                f"due_many_epoch vs due_many (memory {what})",
                mb[f"due_many_epoch_{what}"],
                timing.Figure(mb[f"due_many_{what}"].value, "MB", "due_many"),
                timing.Target("<=", 1.5) if what == "kept" else None,
                width=50,
            )
        )
    bare = timing.Figure(next(r for r in rows if r.name.startswith("bare")).us_per_call, "us")
    floor = timing.Target("<=", 2.0)
    for label, row in (("Asia/Shanghai", 0), ("UTC", 5), ("+08:00 from text", 6)):
        figure = timing.Figure(rows[row].us_per_call, "us")
        peer_bare = timing.Figure(bare.value, "us", "bare bisect")
        lines.append(
            "  "
            + timing.report(
                f"due(start, '3wd'), start in {label}", figure, peer_bare, floor, width=50
            )
        )
    for name, figure in in_batch.items():
        scaled = timing.Figure(figure.value * million, "s")
        label = f"1,000,000 deadlines with {name} (scaled)"
        lines.append("  " + timing.report(label, scaled, numpy_million, goal_batch, width=50))
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
