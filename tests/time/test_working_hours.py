"""Working hours (``4wh``) on China's official calendar, worked out by hand.

Working hours throughout: 08:30-12:00 and 14:00-17:30 (7 hours a working day). The State
Council arrangements these vectors rest on (as the installed ``holidays`` data has them):
- 2025 National Day + Mid-Autumn: 1-8 Oct (Wed-Wed) off; Sun 28 Sep and Sat 11 Oct worked.
- 2026 Spring Festival: 15-23 Feb (Sun-Mon) off; Sat 14 Feb and Sat 28 Feb worked.
- 2026 National Day: 1-7 Oct (Thu-Wed) off; Sun 20 Sep and Sat 10 Oct worked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import CST, cst
from yuqing_core.time import DurationKind, WorkingHours

HOURS = ["08:30-12:00", "14:00-17:30"]
CAL = yq.WorkCalendar.china(working_hours=HOURS)


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        # National Day 2025: half an hour on the eve, then 3.5 hours on 9 Oct, ending exactly
        # at the lunch break (12:00, not the 14:00 opening).
        (cst(2025, 9, 30, 17, 0), "4wh", cst(2025, 10, 9, 12, 0)),
        # Found on a Saturday evening: counting starts at 08:30 on Sunday 28 Sep (调休).
        (cst(2025, 9, 27, 20, 0), "7wh", cst(2025, 9, 28, 17, 30)),
        # Friday 10 Oct 16:00: 1.5 hours, then Saturday 11 Oct (调休) 08:30 + 2.5 hours.
        (cst(2025, 10, 10, 16, 0), "4wh", cst(2025, 10, 11, 11, 0)),
        # Found during the holiday: counting starts on the first working day after it.
        (cst(2025, 10, 3, 10, 0), "1wh", cst(2025, 10, 9, 9, 30)),
        # Spring Festival 2026: Friday 2.5 h, Saturday 14 Feb (调休) 3.5 h + 2 h.
        (cst(2026, 2, 13, 15, 0), "8wh", cst(2026, 2, 14, 16, 0)),
        # Saturday 14 Feb 17:00: half an hour, then nine days off, then Tuesday 24 Feb.
        (cst(2026, 2, 14, 17, 0), "1wh", cst(2026, 2, 24, 9, 0)),
        # Found at closing on Friday 27 Feb: Saturday 28 Feb is worked (调休).
        (cst(2026, 2, 27, 17, 30), "1wh", cst(2026, 2, 28, 9, 30)),
        # National Day 2026: half an hour on the eve, then Thursday 8 Oct 08:30 + 1.5 hours.
        (cst(2026, 9, 30, 17, 0), "2wh", cst(2026, 10, 8, 10, 0)),
        # Friday 9 Oct 17:00: 0.5 h, Saturday 10 Oct (调休) 7 h, Monday 12 Oct 08:30 + 0.5 h.
        (cst(2026, 10, 9, 17, 0), "8wh", cst(2026, 10, 12, 9, 0)),
        # Saturday 19 Sep 2026: the next opening is Sunday 20 Sep (调休).
        (cst(2026, 9, 19, 10, 0), "1wh", cst(2026, 9, 20, 9, 30)),
        # Found in the lunch break: counting starts at 14:00.
        (cst(2025, 11, 5, 12, 30), "1wh", cst(2025, 11, 5, 15, 0)),
        # A whole working day from its opening ends at its close.
        (cst(2025, 11, 5, 8, 30), "7wh", cst(2025, 11, 5, 17, 30)),
    ],
)
def test_working_hours_due(start: datetime, duration: str, due: datetime) -> None:
    assert CAL.due(start, duration) == due
    d = CAL.deadline(start, duration)
    assert (d.at, d.rule, d.last_day, d.provisional) == (due, "working_hours", due.date(), False)


def test_a_start_in_another_zone_is_read_on_the_calendars_clock() -> None:
    # 09:00 UTC is 17:00 in Shanghai on the eve of National Day 2025.
    utc = datetime(2025, 9, 30, 9, 0, tzinfo=UTC)
    assert CAL.due(utc, "4wh") == cst(2025, 10, 9, 12, 0)


def test_pauses_move_a_working_hours_deadline_by_the_working_time_they_took() -> None:
    # 4wh from 30 Sep 16:00 is due 9 Oct 11:00. Paused 30 Sep 16:30 to 9 Oct 09:00: the pause
    # took 1 h (16:30-17:30) + 0.5 h (08:30-09:00) of working time, so it is due 1.5 working
    # hours after 11:00: 12:00, then 14:00 + 0.5 h.
    pause = (cst(2025, 9, 30, 16, 30), cst(2025, 10, 9, 9, 0))
    assert CAL.due(cst(2025, 9, 30, 16, 0), "4wh") == cst(2025, 10, 9, 11, 0)
    assert CAL.due(cst(2025, 9, 30, 16, 0), "4wh", pauses=[pause]) == cst(2025, 10, 9, 14, 30)
    # A pause wholly outside working time takes none.
    night = (cst(2025, 9, 30, 18, 0), cst(2025, 10, 9, 8, 0))
    assert CAL.due(cst(2025, 9, 30, 16, 0), "4wh", pauses=[night]) == cst(2025, 10, 9, 11, 0)


def test_an_extension_in_working_hours_counts_from_the_due_instant() -> None:
    # Due 30 Sep 2025 17:30 (24:00 rules do not apply); 2wh more: 9 Oct 10:30.
    assert CAL.extend(cst(2025, 9, 30, 17, 30), "2wh") == cst(2025, 10, 9, 10, 30)


def test_batches_count_working_hours_too() -> None:
    starts = [cst(2025, 9, 30, 17, 0), cst(2026, 2, 13, 15, 0)]
    # The second: 2.5 h on Friday 13 Feb 2026, then Saturday 14 Feb (调休) 08:30 + 1.5 h.
    assert CAL.due_many(starts, "4wh") == [cst(2025, 10, 9, 12, 0), cst(2026, 2, 14, 10, 0)]
    epoch = [int(s.timestamp()) for s in starts]
    assert CAL.due_many_epoch(epoch, "4wh") == [
        int(cst(2025, 10, 9, 12, 0).timestamp()),
        int(cst(2026, 2, 14, 10, 0).timestamp()),
    ]


def test_the_working_day_clock_runs_only_on_working_days() -> None:
    whole = yq.WorkCalendar.china().working_clock(DurationKind.WORKING_DAYS)
    # 30 Sep 17:00 -> 12 Oct 00:00: 7 h of 30 Sep, 9, 10 and 11 Oct (调休) whole.
    assert whole.measure(cst(2025, 9, 30, 17), cst(2025, 10, 12)) == (7 + 3 * 24) * 3600
    hours = CAL.working_clock(DurationKind.WORKING_DAYS)
    assert hours.measure(cst(2025, 9, 30, 17), cst(2025, 10, 12)) == (0.5 + 3 * 7) * 3600
    assert hours.back(cst(2025, 10, 9, 9, 0), 3600) == cst(2025, 9, 30, 17, 0)


# -- errors ---------------------------------------------------------------------------------


def test_working_hours_on_a_calendar_without_them_is_a_policy_error() -> None:
    with pytest.raises(yq.PolicyError) as e:
        yq.WorkCalendar.china().due(cst(2025, 9, 30, 17), "4wh")
    assert str(e.value) == (
        "a working-hours duration (wh) needs working hours: [calendar] working_hours in the "
        "policy, or working_hours= on the calendar"
    )


def test_elapsed_kinds_have_no_working_clock() -> None:
    with pytest.raises(yq.InvalidArgumentError, match="elapsed durations run on elapsed time"):
        CAL.working_clock(DurationKind.ELAPSED)


@pytest.mark.parametrize(
    ("spans", "message"),
    [
        ([], "working hours need at least one span (write spans such as '08:30-12:00', "),
        (["8:30-12:00"], "'8:30-12:00' is not a span of working hours"),
        (["12:00-08:30"], "12:00-08:30: a span must end after it starts"),
        (["08:30-12:00", "11:00-17:30"], "11:00-17:30: spans must be in order and apart"),
        (["08:30-12:00", "12:00-17:30"], "12:00-17:30: spans must be in order and apart"),
        ("08:30-12:00", "working hours are a list of spans"),
    ],
)
def test_bad_working_hours_are_named(spans: list[str], message: str) -> None:
    with pytest.raises(yq.PolicyError) as e:
        yq.WorkCalendar.china(working_hours=spans)
    assert str(e.value).startswith(message)


def test_working_hours_read_back_as_written() -> None:
    hours = WorkingHours.parse(["00:00-24:00"])
    assert (hours.texts(), hours.daily_minutes, str(hours.opening)) == (
        ("00:00-24:00",),
        1440,
        "00:00:00",
    )
    assert WorkingHours.parse(HOURS) == CAL.working_hours
    assert hash(WorkingHours.parse(HOURS)) == hash(CAL.working_hours)


@pytest.mark.parametrize("text", ["0wh", "8785wh", "1.5wh", "wh", "-1wh"])
def test_bad_working_hour_durations_are_refused(text: str) -> None:
    with pytest.raises(yq.PolicyError, match="is not a duration"):
        yq.Duration.parse(text)


def test_a_working_hours_duration_reads_back() -> None:
    d = yq.Duration.parse("8784wh")
    assert (str(d), d.amount, d.kind, d.zh(spaced=True)) == (
        "8784wh",
        8784,
        DurationKind.WORKING_HOURS,
        "8784 个工作小时",
    )


# -- properties -----------------------------------------------------------------------------

SPAN_SETS = [
    ("08:30-12:00", "14:00-17:30"),
    ("09:00-17:30",),
    ("08:00-11:30", "13:30-17:00", "19:00-21:00"),
    ("00:00-24:00",),
]
calendars = st.sampled_from(SPAN_SETS).map(lambda s: yq.WorkCalendar.china(working_hours=s))
# Minute-aligned starts across National Day 2025 and 2026 and Spring Festival 2026.
minute_starts = st.builds(
    lambda day, minute: datetime(2025, 9, 20, tzinfo=CST) + timedelta(days=day, minutes=minute),
    st.integers(0, 400),
    st.integers(0, 24 * 60 - 1),
)


def _brute_force_due(cal: yq.WorkCalendar, start: datetime, hours: int) -> datetime:
    """Count working minutes one by one: the end of the ``hours * 60``-th."""
    assert cal.working_hours is not None
    spans = cal.working_hours.spans
    left, t = hours * 60, start
    while True:
        sec = t.hour * 3600 + t.minute * 60
        if cal.is_working_day(t.date()) and any(a <= sec < b for a, b in spans):
            left -= 1
            if left == 0:
                return t + timedelta(minutes=1)
        t += timedelta(minutes=1)


@settings(max_examples=40, deadline=None)
@given(cal=calendars, start=minute_starts, hours=st.integers(1, 16))
def test_working_hours_due_equals_a_minute_by_minute_count(
    cal: yq.WorkCalendar, start: datetime, hours: int
) -> None:
    assert cal.due(start, f"{hours}wh") == _brute_force_due(cal, start, hours)


@given(cal=calendars, start=minute_starts, hours=st.integers(1, 200))
def test_working_hours_due_lies_inside_working_hours(
    cal: yq.WorkCalendar, start: datetime, hours: int
) -> None:
    due = cal.due(start, f"{hours}wh")
    assert cal.working_hours is not None
    sec = due.hour * 3600 + due.minute * 60 + due.second
    # A due instant at a closing (17:30) or at 24:00 (00:00 of the next day) ends a span.
    day = due.date() if sec else due.date() - timedelta(days=1)
    sec = sec or 86_400
    assert cal.is_working_day(day)
    assert any(a < sec <= b for a, b in cal.working_hours.spans)
    clock = cal.working_clock(DurationKind.WORKING_HOURS)
    assert clock.measure(start, due) == hours * 3600
    assert clock.back(due, hours * 3600) >= start


@given(cal=calendars, a=minute_starts, b=minute_starts, hours=st.integers(1, 60))
def test_working_hours_due_is_monotone(
    cal: yq.WorkCalendar, a: datetime, b: datetime, hours: int
) -> None:
    early, late = sorted((a, b))
    assert cal.due(early, f"{hours}wh") <= cal.due(late, f"{hours}wh")
    assert cal.due(early, f"{hours}wh") < cal.due(early, f"{hours + 1}wh")


def _in_working_time(
    cal: yq.WorkCalendar, spans: tuple[tuple[int, int], ...], at: datetime
) -> bool:
    """Whether ``at`` ends a stretch of working time: inside (or at the end of) a span."""
    sec = at.hour * 3600 + at.minute * 60 + at.second
    day = at.date() if sec else at.date() - timedelta(days=1)
    sec = sec or 86_400
    return cal.is_working_day(day) and any(a < sec <= b for a, b in spans)


@given(
    cal=calendars,
    start=minute_starts,
    kind=st.sampled_from(["wd", "wh"]),
    n=st.integers(1, 5),
    shares=st.lists(st.integers(1, 99), min_size=1, max_size=3),
)
def test_share_warnings_fall_in_working_time_in_order(
    cal: yq.WorkCalendar, start: datetime, kind: str, n: int, shares: list[int]
) -> None:
    from yuqing_core.policy.warnings import WarnPoint
    from yuqing_core.rules.obligations.warnings import warn_instants

    within = yq.Duration.parse(f"{n}{kind}")
    due = cal.due(start, within)
    points = [WarnPoint.parse(f"{s}%") for s in shares]
    warns = warn_instants(cal, within, start, due, points, 0.75)
    assert list(warns) == sorted(set(warns))
    assert all(start < w <= due for w in warns)
    clock = cal.working_clock(within.kind)
    total = clock.measure(start, due)
    spans = clock.spans
    for s in sorted(set(shares)):
        (w,) = warn_instants(cal, within, start, due, [WarnPoint.parse(f"{s}%")], 0.75)
        # Exactly the share of the working time, and never on a rest day or at night.
        assert clock.measure(start, w) == -(-total * s // 100)
        assert _in_working_time(cal, spans, w)


def _error_of(call: Callable[[], object]) -> yq.PolicyError | None:
    """The PolicyError ``call()`` raises, or ``None``; any other exception propagates."""
    try:
        call()
    except yq.PolicyError as e:
        return e
    return None


@given(st.lists(st.one_of(st.text(max_size=14), st.integers(), st.none()), max_size=4))
def test_any_working_hours_text_loads_or_is_a_policy_error(spans: list[object]) -> None:
    error = _error_of(lambda: WorkingHours.parse(spans))  # type: ignore[arg-type]
    if error is None:
        hours = WorkingHours.parse(spans)  # type: ignore[arg-type]
        assert WorkingHours.parse(list(hours.texts())) == hours
    else:
        assert str(error)


@given(st.from_regex(r"\A-?[0-9]{0,5}(\.[0-9])?w?h?\Z"))
def test_any_wh_text_parses_or_is_a_policy_error(text: str) -> None:
    error = _error_of(lambda: yq.Duration.parse(text))
    if error is None:
        d = yq.Duration.parse(text)
        assert yq.Duration.parse(str(d)) == d
    else:
        assert str(error).startswith(f"{text!r} is not a duration")
