"""The parts of the service that need no server: the rate buckets on a clock the test moves,
the status of each library error, and problem documents that never show a value given."""

from __future__ import annotations

from typing import Any

import pytest

import yuqing_core as yq
from yuqing_core.cli import main
from yuqing_core.service.limits import RateBuckets
from yuqing_core.service.problems import NotFoundError, from_error, from_validation, redacted
from yuqing_core.service.settings import Limits, token_from


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_client_gets_its_burst_then_the_rate() -> None:
    clock = Clock()
    buckets = RateBuckets(Limits(rate=60.0, burst=2), clock)
    assert [buckets.take("a"), buckets.take("a"), buckets.take("a")] == [None, None, 1.0]
    assert buckets.take("b") is None  # each client its own bucket
    clock.now += 0.5
    assert buckets.take("a") == 0.5
    clock.now += 0.5
    assert (buckets.take("a"), buckets.take("a")) == (None, 1.0)
    clock.now += 3600
    assert [buckets.take("a"), buckets.take("a"), buckets.take("a")] == [None, None, 1.0]


def test_buckets_that_refilled_are_forgotten_past_many_clients() -> None:
    clock = Clock()
    buckets = RateBuckets(Limits(rate=60.0, burst=1), clock)
    buckets._KEEP = 3
    for client in "abc":
        buckets.take(client)
    clock.now += 10
    buckets.take("d")
    assert list(buckets.buckets) == ["d"]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFoundError("no case 'X'"), 404),
        (yq.DuplicateCaseError("dup"), 409),
        (yq.ConflictError("conflict"), 409),
        (yq.CorruptCaseError("bad row", case_id="X", seq=2), 500),
        (yq.StoreError("not stored under the policy"), 404),
        (yq.TransitionError("no", trigger="report", allowed=["assess"]), 422),
        (yq.NaiveDatetimeError("at: naive"), 422),
        (yq.CalendarCoverageError("2101", year=2101, last_covered_year=2026), 422),
        (yq.PolicyError("bad"), 422),
    ],
)
def test_each_library_error_has_its_status(error: yq.YuqingError, status: int) -> None:
    doc = from_error(error)
    assert (doc["status"], doc["detail"]) == (status, str(error))
    assert doc["type"] == f"urn:yuqing-core:error:{doc['title']}"


def test_a_refused_command_says_its_trigger_and_what_is_allowed() -> None:
    doc = from_error(yq.TransitionError("no", trigger="report", allowed=["assess"]))
    assert (doc["trigger"], doc["allowed"]) == ("report", ["assess"])


def test_a_message_never_shows_back_a_value_that_is_not_a_name() -> None:
    doc = {"status": 422, "detail": "data.severity: '13800138000' is not a severity; major ok"}
    given = {"severity": "13800138000", "role": "major", "list": ["张三"]}
    assert redacted(doc, given)["detail"] == "data.severity: <value> is not a severity; major ok"
    assert redacted({"detail": "张三 and 13800138000"}, given)["detail"] == "<value> and <value>"


def test_a_refused_request_names_keys_not_values() -> None:
    errors: list[dict[str, Any]] = [
        {"loc": ("body", "actor"), "msg": "Field required", "type": "missing", "input": {}},
        {
            "loc": ("body", "at"),
            "msg": "Input should be a valid datetime",
            "type": "datetime_parsing",
            "input": "13800138000",
        },
    ]
    assert from_validation(errors)["detail"] == (
        "body.actor: Field required; body.at: Input should be a valid datetime"
    )


def test_a_token_must_be_set_and_long_enough() -> None:
    assert token_from({"YUQING_TOKEN": "x" * 16}) == "x" * 16
    for bad in (
        {},
        {"YUQING_TOKEN": "  "},
        {"YUQING_TOKEN": "x" * 15},
        {"YUQING_TOKEN": " " + "x" * 20},
    ):
        with pytest.raises(yq.YuqingError):
            token_from(bad)


def test_serve_refuses_limits_and_ports_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    for option in (["--rate", "0"], ["--burst", "0"], ["--port", "70000"], ["--max-body", "-1"]):
        assert main(["serve", "--db", "x.db", *option]) == 2
        assert capsys.readouterr().err == (
            "yuqing: serve: --max-body must be 0 or more, --rate above 0, --burst 1 or more, "
            "--port from 1 to 65535\n"
        )
