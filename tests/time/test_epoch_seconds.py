"""``due_many_epoch`` reads epoch seconds given as floats (``time.time()``) the way it reads
whole seconds: the fraction is dropped first, so no due instant is later than the exact one."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst

CLOSE = yq.WorkCalendar.china(business_close="17:30", immediate_grace="30min")
BERLIN = yq.WorkCalendar.china(tz="Europe/Berlin")  # no fixed offset: the general path
DURATIONS = ("90min", "3h", "3d", "1wd", "3wd", "same_day", "now")

START = cst(2025, 9, 30, 10)
"""Tue 30 Sep 2025 10:00 in Shanghai, the eve of National Day's break."""


def test_float_seconds_give_the_due_instants_of_whole_seconds() -> None:
    s = START.timestamp()  # 1759197600.0
    assert CLOSE.due_many_epoch([s + 0.75], "3wd") == [int(cst(2025, 10, 11, 17, 30).timestamp())]
    assert CLOSE.due_many_epoch([s + 0.75], "3h") == [int(s) + 3 * 3600]
    assert CLOSE.due_many_epoch([s + 0.75], "now") == [int(s) + 1800]
    assert CLOSE.due_many_epoch([s + 0.75], "same_day") == [
        int(cst(2025, 9, 30, 17, 30).timestamp())
    ]
    # A start a fraction before midnight stays on its day.
    eve = cst(2025, 9, 30).timestamp() + 86_400 - 0.25  # 23:59:59.75 on 30 Sep
    assert CLOSE.due_many_epoch([eve], "1wd") == [int(cst(2025, 10, 9, 17, 30).timestamp())]


def test_numpy_floats_and_ints_are_read_too() -> None:
    s = START.timestamp()
    expected = CLOSE.due_many_epoch([int(s)], "1wd")
    assert CLOSE.due_many_epoch(np.array([s + 0.5]), "1wd") == expected
    assert CLOSE.due_many_epoch(np.array([int(s)], dtype=np.int64), "1wd") == expected


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("duration", DURATIONS)
def test_a_float_that_is_not_a_number_of_seconds_is_refused(bad: float, duration: str) -> None:
    for cal in (CLOSE, BERLIN):
        if cal is BERLIN and duration == "now":
            continue  # no grace
        with pytest.raises(yq.InvalidArgumentError, match=f"start: {bad} is not a number"):
            cal.due_many_epoch([bad], duration)


@settings(max_examples=200, deadline=None)
@given(
    seconds=st.floats(
        min_value=datetime(2001, 1, 2, tzinfo=UTC).timestamp(),
        max_value=datetime(2026, 11, 20, tzinfo=UTC).timestamp(),
        allow_nan=False,
    ),
    duration=st.sampled_from(DURATIONS),
)
def test_a_float_start_is_its_whole_seconds(seconds: float, duration: str) -> None:
    whole = math.floor(seconds)
    exact = CLOSE.due(datetime.fromtimestamp(whole, UTC), duration)
    assert CLOSE.due_many_epoch([seconds], duration) == [int(exact.timestamp())]
    assert CLOSE.due_many_epoch([seconds], duration) == CLOSE.due_many_epoch([whole], duration)
    if duration != "now":
        assert BERLIN.due_many_epoch([seconds], duration) == BERLIN.due_many_epoch(
            [whole], duration
        )
