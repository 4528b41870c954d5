"""Duration texts as written in policies (RULES P3-P5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import BaseModel, ValidationError

import yuqing_core as yq
from yuqing_core.time import DurationKind

HINT = "(write 90min, 3h, 3d, 1wd, same_day or now)"


@pytest.mark.parametrize(
    ("text", "kind", "amount", "canonical"),
    [
        ("90min", DurationKind.ELAPSED, 90, "1h30min"),
        ("30min", DurationKind.ELAPSED, 30, "30min"),
        ("3h", DurationKind.ELAPSED, 180, "3h"),
        ("24h", DurationKind.ELAPSED, 1440, "24h"),
        ("1h30min", DurationKind.ELAPSED, 90, "1h30min"),
        ("120min", DurationKind.ELAPSED, 120, "2h"),
        ("3d", DurationKind.DAYS, 3, "3d"),
        ("366d", DurationKind.DAYS, 366, "366d"),
        ("1wd", DurationKind.WORKING_DAYS, 1, "1wd"),
        ("03wd", DurationKind.WORKING_DAYS, 3, "3wd"),
        ("same_day", DurationKind.SAME_DAY, 0, "same_day"),
        ("now", DurationKind.NOW, 0, "now"),
        ("  2wd ", DurationKind.WORKING_DAYS, 2, "2wd"),
    ],
)
def test_parse_every_kind(text: str, kind: DurationKind, amount: int, canonical: str) -> None:
    d = yq.Duration.parse(text)
    assert d.kind is kind
    assert d.amount == amount
    assert str(d) == canonical
    assert yq.Duration.parse(str(d)) == d
    assert repr(d) == f"Duration({canonical!r})"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "3",
        "3x",
        "3 d",
        "3D",
        "-3h",
        "0h",
        "0min",
        "0d",
        "0wd",
        "367d",
        "367wd",
        "1.5h",
        "h",
        "min",
        "３d",  # full-width digit
        "1天",
        "立即",
        "now!",
        "same day",
        "8785h",  # more than 366 days of elapsed time
    ],
)
def test_anything_else_is_a_policy_error_quoting_the_text(text: str) -> None:
    with pytest.raises(yq.PolicyError) as e:
        yq.Duration.parse(text)
    assert str(e.value) == f"{text!r} is not a duration {HINT}"


def test_a_non_text_is_a_policy_error() -> None:
    with pytest.raises(yq.PolicyError, match=r"^3 is not a duration"):
        yq.Duration.parse(3)  # type: ignore[arg-type]


def test_parse_returns_a_duration_unchanged() -> None:
    d = yq.Duration.parse("3h")
    assert yq.Duration.parse(d) is d


def test_elapsed_accessors() -> None:
    d = yq.Duration.parse("1h30min")
    assert d.minutes == 90
    assert d.as_timedelta() == timedelta(minutes=90)
    assert d.is_elapsed
    wd = yq.Duration.parse("1wd")
    assert not wd.is_elapsed
    with pytest.raises(ValueError, match="1wd is not an elapsed duration"):
        _ = wd.minutes
    with pytest.raises(ValueError, match="1wd is not an elapsed duration"):
        wd.as_timedelta()


def test_constructor_rejects_bad_amounts() -> None:
    with pytest.raises(ValueError, match="positive"):
        yq.Duration(DurationKind.DAYS, 0)
    with pytest.raises(ValueError, match="same_day takes no amount"):
        yq.Duration(DurationKind.SAME_DAY, 1)


def test_equality_hash_and_order_within_a_kind() -> None:
    assert yq.Duration.parse("90min") == yq.Duration.parse("1h30min")
    assert hash(yq.Duration.parse("90min")) == hash(yq.Duration.parse("1h30min"))
    assert yq.Duration.parse("3d") != yq.Duration.parse("3wd")
    assert yq.Duration.parse("2h") < yq.Duration.parse("3h")
    assert yq.Duration.parse("3h") <= yq.Duration.parse("3h")
    assert not yq.Duration.parse("3wd") < yq.Duration.parse("2wd")
    with pytest.raises(TypeError, match="cannot order 3d and 3wd: different kinds"):
        _ = yq.Duration.parse("3d") < yq.Duration.parse("3wd")
    assert yq.Duration.parse("3d") != "3d"


class _Holder(BaseModel):
    within: yq.Duration


def test_pydantic_reads_text_and_writes_text() -> None:
    h = _Holder.model_validate({"within": "90min"})
    assert h.within == yq.Duration.parse("1h30min")
    assert h.model_dump(mode="json") == {"within": "1h30min"}
    with pytest.raises(ValidationError) as e:
        _Holder.model_validate({"within": "soon"})
    assert f"'soon' is not a duration {HINT}" in str(e.value)
    schema = _Holder.model_json_schema()["properties"]["within"]
    assert schema["type"] == "string"
