"""Reading event rows back: the data columns of a case read in one call give exactly what
reading each row gives, and a row that does not read names its seq either way."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.store.rows import _DATA_COLUMNS, _read_each, _read_whole, events_from_rows

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


def _same_json(a: object, b: object) -> bool:
    """Equal values of the same types (NaN equal to NaN)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return list(a) == list(b) and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        assert isinstance(b, list)
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@settings(max_examples=300, deadline=None)
@given(st.text() | st.dictionaries(st.text(), JSON_VALUES).map(json.dumps))
def test_what_the_bulk_reader_reads_is_what_json_reads(text: str) -> None:
    try:
        (bulk,) = _DATA_COLUMNS.validate_python([text])
    except Exception:
        return  # then each row is read with json, as before
    assert _same_json(bulk, json.loads(text))


def _rows(datas: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    at = cst(2025, 11, 3, 9)
    return [
        (seq, "follow_up", at.isoformat(), "officer", json.dumps(d, ensure_ascii=False))
        for seq, d in enumerate(datas, 1)
    ]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=5), JSON_VALUES, max_size=3), max_size=6))
def test_reading_all_rows_at_once_gives_what_reading_each_gives(
    datas: list[dict[str, Any]],
) -> None:
    rows = _rows(datas)
    whole = _read_whole(rows)
    assert whole is not None
    each = _read_each("YQ-1", rows)
    assert [(e.trigger, e.at, e.actor) for e in whole] == [(e.trigger, e.at, e.actor) for e in each]
    assert all(_same_json(dict(a.data), dict(b.data)) for a, b in zip(whole, each, strict=True))


def test_metrics_read_at_once_are_the_models_each_row_gives() -> None:
    at = cst(2025, 11, 3, 9, 5)
    data = {"metrics": {"observed_at": at.isoformat(), "views": 120, "comments": 3}}
    rows = [(1, "update_metrics", at.isoformat(), "officer", json.dumps(data))]
    (event,) = events_from_rows("YQ-1", rows, 1)
    assert event.data["metrics"] == yq.Metrics(observed_at=at, views=120, comments=3)
    assert event.at == at
    assert event.at.utcoffset() == at.utcoffset()


@pytest.mark.parametrize(
    ("texts", "seq"),
    [
        # Valid together as one JSON array, not each on its own: the first row is at fault.
        (['{"x":["', '"]}', "{},{}"], 1),
        (["{}", "{}", "not json"], 3),
        (["{}", "[]"], 2),
    ],
)
def test_a_row_that_does_not_read_on_its_own_names_its_seq(texts: list[str], seq: int) -> None:
    at = cst(2025, 11, 3, 9).isoformat()
    rows = [(n, "follow_up", at, "officer", text) for n, text in enumerate(texts, 1)]
    assert _read_whole(rows) is None
    with pytest.raises(yq.CorruptCaseError) as e:
        events_from_rows("YQ-1", rows, len(rows))
    assert e.value.seq == seq
    assert e.value.case_id == "YQ-1"


INSTANTS = st.sampled_from(
    (
        "2025-11-03T09:05:00+08:00",
        "2025-11-03T01:05:00+00:00",
        "2025-11-03T09:05:00.250000-05:30",
        "2025-11-03 09:05:00+08:00",
        "2025-11-03T09:05:00Z",
        "2025-11-03T09:05:00",
        "1949-12-31T23:59:00+08:00",
        "2025-13-03T09:05:00+08:00",
        "soon",
    )
)
METRICS = st.fixed_dictionaries(
    {"observed_at": INSTANTS},
    optional={
        "views": st.integers(-2, 10**20) | st.just(True) | st.just(1.5) | st.just("3"),
        "comments": st.integers(0, 50),
        "outlets": st.integers(0, 5),
        "extra": st.integers(0, 1),
    },
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(("update_metrics", "follow_up")), METRICS | st.text(max_size=3)),
        min_size=1,
        max_size=5,
    )
)
def test_metrics_read_at_once_are_what_each_row_reads(
    parts: list[tuple[str, dict[str, Any] | str]],
) -> None:
    """The metrics of all the rows validated in one call (read_models) give the models each
    row gives, or, where any is refused, the rows are read one by one."""
    at = cst(2025, 11, 3, 9, 5).isoformat()
    rows = [
        (seq, trigger, at, "officer", json.dumps({"metrics": metrics}))
        for seq, (trigger, metrics) in enumerate(parts, 1)
    ]
    try:
        each: list[yq.Event] | None = _read_each("YQ-1", rows)
    except yq.CorruptCaseError:
        each = None
    whole = _read_whole(rows)
    if whole is None:
        return  # read each, as above
    assert each is not None
    assert whole == each
    for a, b in zip(whole, each, strict=True):
        ma, mb = a.data["metrics"], b.data["metrics"]
        assert type(ma) is type(mb)
        if isinstance(ma, yq.Metrics):
            assert ma.observed_at.utcoffset() == mb.observed_at.utcoffset()
            assert ma.observed_at.tzinfo is mb.observed_at.tzinfo
            assert ma.model_fields_set == mb.model_fields_set


def test_a_metrics_row_refused_among_many_names_its_seq() -> None:
    at = cst(2025, 11, 3, 9, 5).isoformat()
    good = json.dumps({"metrics": {"observed_at": at, "views": 3}})
    bad = json.dumps({"metrics": {"observed_at": at, "views": -3}})
    rows = [(n, "update_metrics", at, "officer", t) for n, t in enumerate([good, bad, good], 1)]
    assert _read_whole(rows) is None
    with pytest.raises(yq.CorruptCaseError) as e:
        events_from_rows("YQ-1", rows, len(rows))
    assert (e.value.case_id, e.value.seq) == ("YQ-1", 2)
    assert "data.metrics.views" in str(e.value)


@pytest.mark.parametrize("text", ["[]", "3", '"metrics"', "null"])
def test_an_update_metrics_row_whose_data_is_no_object_names_its_seq(text: str) -> None:
    at = cst(2025, 11, 3, 9, 5).isoformat()
    good = json.dumps({"metrics": {"observed_at": at, "views": 3}})
    rows = [(n, "update_metrics", at, "officer", t) for n, t in enumerate([good, text], 1)]
    assert _read_whole(rows) is None
    with pytest.raises(yq.CorruptCaseError) as e:
        events_from_rows("YQ-1", rows, len(rows))
    assert (e.value.case_id, e.value.seq) == ("YQ-1", 2)
    assert "not an object" in str(e.value)
