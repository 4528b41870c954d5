from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst


def test_severity_is_ordered_and_labelled() -> None:
    order = [yq.Severity.LOW, yq.Severity.GENERAL, yq.Severity.SIGNIFICANT, yq.Severity.MAJOR]
    assert order == sorted(order)
    assert yq.Severity.CRITICAL > yq.Severity.MAJOR
    assert [s.label for s in yq.Severity] == ["影响较小", "一般", "较大", "重大", "特别重大"]
    assert yq.Severity.parse("特别重大") is yq.Severity.CRITICAL
    assert yq.Severity.parse("Major") is yq.Severity.MAJOR
    assert str(yq.Severity.SIGNIFICANT) == "significant"


def test_severity_parse_rejects_unknown_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"'huge' is not a severity \(one of low, general"):
        yq.Severity.parse("huge")


def test_naive_datetime_is_rejected_and_the_message_asks_for_a_time_zone() -> None:
    with pytest.raises(yq.InvalidDataError) as e:
        yq.Incident(id="a", title="t", discovered_at=datetime(2025, 10, 1, 9))
    assert str(e.value) == (
        "Incident: discovered_at: 2025-10-01T09:00:00 has no time zone; "
        "give an aware datetime such as 2025-10-01T09:00:00+08:00"
    )
    assert e.value.problems[0][0] == "discovered_at"


def test_counts_must_not_be_negative() -> None:
    with pytest.raises(yq.InvalidDataError) as e:
        yq.Metrics(observed_at=cst(2025, 10, 1), views=-1)
    assert e.value.problems == (("views", "Input should be greater than or equal to 0"),)


@pytest.mark.parametrize("ident", ["", "   "])
def test_id_must_not_be_empty(ident: str) -> None:
    with pytest.raises(yq.InvalidDataError) as e:
        yq.Incident(id=ident, title="t", discovered_at=cst(2025, 10, 1))
    assert [path for path, _ in e.value.problems] == ["id"]


@pytest.mark.parametrize("ident", ["  a  ", "a ", " a", "a\n", "\ta"])
def test_an_id_with_surrounding_whitespace_is_refused_not_stripped(ident: str) -> None:
    # Stripped, "  a  " would be the id "a": another case's id in the store.
    with pytest.raises(yq.InvalidDataError) as e:
        yq.Incident(id=ident, title="t", discovered_at=cst(2025, 10, 1))
    assert e.value.problems == (("id", "an id must not start or end with whitespace"),)
    assert yq.Incident(id="YQ 1", title="t", discovered_at=cst(2025, 10, 1)).id == "YQ 1"


def test_metrics_observed_before_the_post_are_rejected() -> None:
    with pytest.raises(
        yq.InvalidDataError,
        match=r"metrics\[0\]\.observed_at 2025-10-01T07:00:00"
        r"\+08:00 is before posted_at 2025-10-01T08:00:00\+08:00",
    ):
        yq.Incident(
            id="a",
            title="t",
            posted_at=cst(2025, 10, 1, 8),
            discovered_at=cst(2025, 10, 1, 9),
            metrics=[yq.Metrics(observed_at=cst(2025, 10, 1, 7), views=3)],
        )


def test_discovery_before_the_post_is_rejected() -> None:
    with pytest.raises(yq.InvalidDataError, match=r"discovered_at .* is before posted_at"):
        yq.Incident(
            id="a", title="t", posted_at=cst(2025, 10, 1, 9), discovered_at=cst(2025, 10, 1, 8)
        )


def test_metrics_are_kept_in_time_order() -> None:
    inc = yq.Incident(
        id="a",
        title="t",
        discovered_at=cst(2025, 10, 1, 9),
        metrics=[
            yq.Metrics(observed_at=cst(2025, 10, 1, 12), views=9),
            yq.Metrics(observed_at=cst(2025, 10, 1, 10), views=5),
        ],
    )
    assert [m.views for m in inc.metrics] == [5, 9]
    assert inc.latest_metrics() == inc.metrics[-1]


def _with_pii() -> yq.Incident:
    return yq.Incident(
        id="YQ-1",
        title="投诉",
        discovered_at=cst(2025, 10, 1, 9),
        source=yq.Source(platform="微博", url="https://w.example/1", author_handle="@zhang_san"),
        reporter=yq.Reporter(name="张三", phone="13800138000", account="wx_zs", unit="学工部"),
    )


def test_personal_data_never_shows_in_repr_str_dump_or_json() -> None:
    inc = _with_pii()
    shown = " ".join(
        [
            repr(inc),
            str(inc),
            repr(inc.reporter),
            str(inc.source),
            json.dumps(inc.model_dump(mode="json"), ensure_ascii=False),
            inc.model_dump_json(),
            json.dumps(inc.export(), ensure_ascii=False),
        ]
    )
    for secret in ("张三", "13800138000", "wx_zs", "zhang_san"):
        assert secret not in shown
    assert "学工部" in shown


def test_personal_data_is_exported_on_explicit_request_and_round_trips() -> None:
    inc = _with_pii()
    data = inc.export(include_personal=True)
    assert data["reporter"] == {
        "unit": "学工部",
        "name": "张三",
        "phone": "13800138000",
        "account": "wx_zs",
    }
    assert data["source"]["author_handle"] == "@zhang_san"
    assert yq.Incident.model_validate(data) == inc


def test_with_metrics_adds_an_observation_and_keeps_personal_data() -> None:
    inc = _with_pii().with_metrics(yq.Metrics(observed_at=cst(2025, 10, 1, 10), views=7))
    assert inc.metrics[-1].views == 7
    assert inc.reporter is not None
    assert inc.reporter.phone is not None
    assert inc.reporter.phone.get_secret_value() == "13800138000"


@given(
    minutes=st.lists(st.integers(0, 600), max_size=8),
    new=st.integers(0, 600),
    posted=st.none() | st.integers(0, 300),
)
def test_with_metrics_is_the_constructor_with_one_more_observation(
    minutes: list[int], new: int, posted: int | None
) -> None:
    # with_metrics checks only the new observation and inserts it in place; the result (or
    # the error) is the one building the whole incident again gives.
    t0 = cst(2025, 10, 1, 8)
    posted_at = None if posted is None else t0 + timedelta(minutes=posted)
    seen = [m for m in minutes if posted_at is None or t0 + timedelta(minutes=m) >= posted_at]
    inc = yq.Incident(
        id="a",
        title="t",
        posted_at=posted_at,
        discovered_at=t0 + timedelta(minutes=601),
        metrics=[yq.Metrics(observed_at=t0 + timedelta(minutes=m), views=m) for m in seen],
    )
    extra = yq.Metrics(observed_at=t0 + timedelta(minutes=new), views=10_000 + new)
    data = {**inc.model_dump(), "metrics": (*inc.metrics, extra)}
    if posted_at is not None and extra.observed_at < posted_at:
        with pytest.raises(yq.InvalidDataError) as whole:
            yq.Incident.model_validate(data)
        with pytest.raises(yq.InvalidDataError) as one:
            inc.with_metrics(extra)
        assert str(one.value) == str(whole.value)
        assert "is before posted_at" in str(one.value)
        return
    expected = yq.Incident.model_validate(data)
    assert inc.with_metrics(extra) == expected
    assert inc.with_metrics(extra).metrics == expected.metrics
