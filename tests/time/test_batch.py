"""Batches of deadlines: ``due_array`` (numpy, the ``fast`` extra) and ``due_many_epoch``
(numpy when it is there, a loop otherwise) give, for every start, exactly what ``due`` gives
for that start, across the whole computable range: starts in Shanghai's summer times of
1986-1991 (before its offset became steady) and outside the tables take the general path."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.time import batch

PROJECTING = yq.WorkCalendar.china(allow_projection=True)
CLOSING = yq.WorkCalendar.china(business_close="17:30", allow_projection=True)
OFFICIAL = yq.WorkCalendar.china()
DURATIONS = ("1wd", "3wd", "15wd", "1d", "3d", "30d", "90min", "same_day")

LOW = int(datetime(1950, 1, 2, tzinfo=UTC).timestamp())
HIGH = int(datetime(2099, 11, 30, tzinfo=UTC).timestamp())
SUMMER = (
    int(datetime(1986, 1, 1, tzinfo=UTC).timestamp()),
    int(datetime(1992, 1, 1, tzinfo=UTC).timestamp()),
)
seconds = st.one_of(st.integers(LOW, HIGH), st.integers(*SUMMER))


def one_by_one(cal: yq.WorkCalendar, starts: list[int], duration: str) -> list[int]:
    return [int(cal.due(datetime.fromtimestamp(s, UTC), duration).timestamp()) for s in starts]


@settings(max_examples=60, deadline=None)
@given(
    starts=st.lists(seconds, min_size=1, max_size=40),
    duration=st.sampled_from(DURATIONS),
    closing=st.booleans(),
)
def test_every_batch_path_gives_what_due_gives(
    starts: list[int], duration: str, closing: bool
) -> None:
    cal = CLOSING if closing else PROJECTING
    expected = one_by_one(cal, starts, duration)
    assert cal.due_array(np.array(starts, dtype=np.int64), duration).tolist() == expected
    assert cal.due_many_epoch(starts, duration) == expected  # the loop (a short batch)
    # A long batch takes numpy's path when every start is on the fast path.
    long = starts * (batch._VECTOR_MIN // len(starts) + 1)
    assert cal.due_many_epoch(long, duration) == expected * (len(long) // len(starts))


def test_the_numpy_path_of_due_many_epoch_shares_one_object_per_day() -> None:
    # Mon 29 Sep 2025 20:00 to Tue 30 Sep 01:59, every minute, 4 times: 1,440 starts on two
    # local days. From Monday one working day is Tue 30 Sep (due 1 Oct 00:00); from Tuesday
    # it is Thu 9 Oct (National Day, 1-8 Oct, between), due 10 Oct 00:00.
    evening = int(cst(2025, 9, 29, 20).timestamp())
    starts = [evening + minute * 60 for minute in range(360)] * 4
    out = OFFICIAL.due_many_epoch(starts, "1wd")
    monday, tuesday = int(cst(2025, 10, 1).timestamp()), int(cst(2025, 10, 10).timestamp())
    assert out == ([monday] * 240 + [tuesday] * 120) * 4
    assert len({id(x) for x in out}) == 2


def test_a_bad_start_in_a_long_batch_is_refused_as_in_a_short_one() -> None:
    good: list[Any] = [int(cst(2025, 9, 30, 10).timestamp())] * 2000
    for bad, error in (("x", "expected whole seconds, got str"), (float("nan"), "not a number")):
        starts: list[Any] = [*good, bad]
        with pytest.raises(yq.InvalidArgumentError, match=error):
            OFFICIAL.due_many_epoch(starts, "1wd")
    with pytest.raises(yq.CalendarCoverageError):
        OFFICIAL.due_many_epoch([*good, int(cst(2031, 1, 6).timestamp())], "1wd")


def test_due_array_reads_floats_as_whole_seconds_and_refuses_what_is_not_seconds() -> None:
    s = cst(2025, 9, 30, 23, 59).timestamp() + 59.75  # 23:59:59.75 on Tue 30 Sep
    assert PROJECTING.due_array(np.array([s]), "1wd").tolist() == [
        int(cst(2025, 10, 10).timestamp())
    ]
    with pytest.raises(yq.InvalidArgumentError, match="nan is not a number of seconds"):
        PROJECTING.due_array(np.array([s, float("nan")]), "1wd")
    with pytest.raises(yq.InvalidArgumentError, match="one-dimensional array of seconds"):
        PROJECTING.due_array(np.array(["2025-09-30"]), "1wd")


def test_without_numpy_due_array_names_the_extra_and_due_many_epoch_loops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy now raises ImportError
    with pytest.raises(yq.InvalidArgumentError, match=r"yuqing-core\[fast\]"):
        OFFICIAL.due_array([0], "1wd")
    starts = [int(cst(2025, 9, 30, 10).timestamp())] * 2000
    assert OFFICIAL.due_many_epoch(starts, "1wd") == [int(cst(2025, 10, 10).timestamp())] * 2000
