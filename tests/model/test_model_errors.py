"""Bad values for the public models raise the library's own error, never pydantic's.

``Incident``, ``Metrics``, ``Reporter`` and ``Source`` raise ``InvalidDataError`` (a
``YuqingError`` and a ``ValueError``) with one line naming the field path and what was wrong,
and never the value given: it may be a reporter's phone number.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import yuqing_core as yq
from tests.helpers import cst

PHONE = "13912345678"
NAME = "欧阳娜娜"
FOUND = cst(2025, 11, 3, 9)


def _error(build: Any) -> yq.InvalidDataError:
    with pytest.raises(yq.InvalidDataError) as e:
        build()
    return e.value


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: yq.Incident(id="a", title="t", discovered_at=datetime(2025, 11, 3, 9)),
            "Incident: discovered_at: 2025-11-03T09:00:00 has no time zone; give an aware "
            "datetime such as 2025-11-03T09:00:00+08:00",
        ),
        (
            lambda: yq.Incident(id="", title="t", discovered_at=FOUND),
            "Incident: id: String should have at least 1 character",
        ),
        (
            lambda: yq.Metrics(observed_at=FOUND, views=-1, outlets="many"),
            "Metrics: views: Input should be greater than or equal to 0; outlets: Input "
            "should be a valid integer, unable to parse string as an integer (got str)",
        ),
        (
            lambda: yq.Metrics(observed_at="soon"),
            "Metrics: observed_at: Input should be a valid datetime or date, input is too "
            "short (got str)",
        ),
        (
            lambda: yq.Reporter(phone=int(PHONE)),
            "Reporter: phone: Input should be a valid string (got int)",
        ),
        (
            lambda: yq.Reporter(name=[NAME], mobile=PHONE),  # type: ignore[call-arg]
            "Reporter: name: Input should be a valid string (got list); mobile: unknown field",
        ),
        (
            lambda: yq.Source(platform="微博", author_handle=int(PHONE)),
            "Source: author_handle: Input should be a valid string (got int)",
        ),
        (
            lambda: yq.Incident(
                id="a",
                title="t",
                discovered_at=FOUND,
                metrics=[{"observed_at": FOUND, "reposts": -3}],
                reporter={"name": NAME, "phone": int(PHONE)},
            ),
            "Incident: metrics[0].reposts: Input should be greater than or equal to 0; "
            "reporter.phone: Input should be a valid string (got int)",
        ),
        (
            lambda: yq.Incident(title="t", discovered_at=FOUND, category="rumour"),  # type: ignore[call-arg]
            "Incident: id: required field is missing; category: Input should be "
            "'suggestion', 'inquiry', 'hype', 'fabrication' or 'other'",
        ),
    ],
)
def test_bad_values_raise_one_line_naming_the_field(build: Any, message: str) -> None:
    error = _error(build)
    assert str(error) == message
    assert isinstance(error, yq.YuqingError)
    assert isinstance(error, ValueError)  # hosts that caught ValueError still do
    assert not isinstance(error, ValidationError)


def test_problems_list_each_key_path_and_the_model() -> None:
    error = _error(
        lambda: yq.Incident(
            id="a",
            title="t",
            discovered_at=FOUND,
            metrics=[{"observed_at": FOUND}, {"observed_at": FOUND, "views": -1}],
            source={"author_handle": 5},
        )
    )
    assert error.model == "Incident"
    assert error.problems == (
        ("metrics[1].views", "Input should be greater than or equal to 0"),
        ("source.author_handle", "Input should be a valid string (got int)"),
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: yq.Incident.model_validate({"id": "a", "title": "t"}),
            "Incident: discovered_at: required field is missing",
        ),
        (
            lambda: yq.Incident.model_validate_json('{"id": "a", "title": 7}'),
            "Incident: title: Input should be a valid string (got int); discovered_at: "
            "required field is missing",
        ),
        (
            lambda: yq.Metrics.model_validate_json("{"),
            "Metrics: Invalid JSON: EOF while parsing an object at line 1 column 1",
        ),
        (
            lambda: yq.Reporter.model_validate(PHONE),
            "Reporter: Input should be a valid dictionary or instance of Reporter (got str)",
        ),
        (
            lambda: yq.Metrics.model_validate_strings({"observed_at": "x"}),
            "Metrics: observed_at: Input should be a valid datetime or date, input is too "
            "short (got str)",
        ),
    ],
)
def test_validating_data_raises_the_library_error_too(call: Any, message: str) -> None:
    assert str(_error(call)) == message


def test_the_error_does_not_carry_pydantics_error_and_its_values() -> None:
    error = _error(lambda: yq.Reporter(name=NAME, phone=int(PHONE)))
    assert error.__cause__ is None
    assert error.__context__ is None
    assert PHONE not in str(error)
    assert PHONE not in repr(error)


def test_good_values_still_build_and_nested_models_still_validate_in_one_pass() -> None:
    inc = yq.Incident.model_validate(
        {
            "id": "a",
            "title": "t",
            "discovered_at": "2025-11-03T09:00:00+08:00",
            "metrics": [{"observed_at": "2025-11-03T10:00:00+08:00", "views": 5}],
            "reporter": {"phone": PHONE},
        }
    )
    assert inc.metrics[0].views == 5
    assert inc.reporter is not None
    assert inc.reporter.phone is not None
    assert inc.reporter.phone.get_secret_value() == PHONE
    assert yq.Incident.model_validate_json(inc.model_dump_json()) == inc.model_copy(
        update={"reporter": yq.Reporter()}
    )


def test_severity_parse_raises_the_library_error() -> None:
    with pytest.raises(yq.InvalidArgumentError) as e:
        yq.Severity.parse("huge")
    assert (
        str(e.value)
        == "'huge' is not a severity (one of low, general, significant, major, critical)"
    )
    assert isinstance(e.value, ValueError)
    with pytest.raises(yq.InvalidArgumentError, match=r"^None is not a severity$"):
        yq.Severity.parse(None)
    with pytest.raises(yq.InvalidArgumentError, match=r"^9 is not a severity$"):
        yq.Severity.parse(9)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
_FIELDS = st.sampled_from(
    [
        *("id", "title", "discovered_at", "posted_at", "category", "metrics", "flags"),
        *("source", "reporter", "unit", "summary", "views", "observed_at", "name", "phone"),
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([yq.Incident, yq.Metrics, yq.Reporter, yq.Source]),
    st.dictionaries(_FIELDS | st.text(max_size=5), _JSON, max_size=6),
)
def test_any_data_gives_a_model_or_the_library_error(model: Any, data: dict[str, Any]) -> None:
    message = f"{model.__name__}: "
    try:
        model.model_validate(data)
    except yq.InvalidDataError as e:
        message = str(e)
    assert message.startswith(f"{model.__name__}: ")
    assert "\n" not in message


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.none(), st.floats(), st.booleans()))
def test_severity_parse_gives_a_severity_or_the_library_error(value: object) -> None:
    message = "is not a severity"
    try:
        assert isinstance(yq.Severity.parse(value), yq.Severity)
    except yq.InvalidArgumentError as e:
        message = str(e)
    assert "is not a severity" in message


def test_asking_for_a_metric_that_does_not_exist_is_an_invalid_argument() -> None:
    with pytest.raises(yq.InvalidArgumentError) as e:
        yq.Metrics(observed_at=FOUND).value("likes")
    assert str(e.value) == "'likes' is not a metric (one of views, comments, reposts, outlets)"


def test_an_event_needs_its_data_as_a_mapping() -> None:
    with pytest.raises(yq.InvalidArgumentError) as e:
        yq.Event("report", FOUND, "m1", ["role", "office"])  # type: ignore[arg-type]
    assert str(e.value) == "data: expected a mapping, got list"
    with pytest.raises(yq.InvalidArgumentError, match=r"^at: expected a datetime, got str$"):
        yq.Event("report", "2025-11-03", "m1")  # type: ignore[arg-type]
