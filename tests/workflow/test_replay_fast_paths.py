"""The short cuts of a replay give what the long way gives (issue 15: ``store.load`` of a
1,000-event case in at most 20 ms).

- An event's data of text alone (``follow_up``'s ``text``, ``start``'s ``note``) is checked
  against the bounds its command model's schema states (:func:`_text_fields`) instead of by
  the model's validation: for any data, the short cut never accepts what the validation
  refuses or would store in another form (:func:`validated_problem`), so
  :func:`data_problem` answers as the validation does.
- The fold after an event is built field by field (:meth:`CaseState.moved`): it is the
  ``CaseState`` that ``_replace`` builds, and it stays immutable.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import cst
from yuqing_core.model import CaseState, Event, Incident, Metrics, Severity
from yuqing_core.workflow.commands import COMMAND_MODELS
from yuqing_core.workflow.replay import _text_fields, data_problem, validated_problem

AT = cst(2025, 11, 3, 9)

FIELDS = sorted({name for model in COMMAND_MODELS.values() for name in model.model_fields})
"""Every key some command takes."""

BOUNDS = (0, 1, 63, 64, 65, 119, 120, 121, 199, 200, 201, 1999, 2000, 2001)
"""Lengths at and beside the length bounds of the command models' text fields."""

# Any code point, lone surrogates included (pydantic refuses them, Python's str holds them).
CHARACTERS = st.characters(codec=None, categories=None)


@st.composite
def texts(draw: st.DrawFn) -> str:
    """Text of any code points, short or at a length bound (padded with one character)."""
    body = draw(st.text(CHARACTERS, max_size=8))
    if draw(st.booleans()):
        return body
    size = draw(st.sampled_from(BOUNDS))
    fill = draw(st.sampled_from(("a", "舆", "😀", " ", "\ud800")))
    return (body + fill * size)[:size]


class Text(str):
    """Text of another type than ``str``."""


VALUES = st.one_of(
    texts(),
    texts().map(Text),
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.lists(texts(), max_size=2),
    st.sampled_from(("general", "major", "1d", "3wd", "report", "law_enforcement")),
)
KEYS = st.one_of(st.sampled_from(FIELDS), st.text(max_size=6), st.integers(0, 3))


@given(
    trigger=st.sampled_from(sorted(COMMAND_MODELS)),
    data=st.dictionaries(KEYS, VALUES, max_size=4),
)
def test_text_short_cut_answers_as_the_validation(trigger: str, data: dict[Any, Any]) -> None:
    event = Event(trigger, AT, "officer", data)
    full = validated_problem(trigger, event.data)
    assert data_problem(event) == full
    plain = _text_fields(trigger)
    if plain is not None and plain.holds(event.data):
        assert full is None


@given(trigger=st.sampled_from(sorted(COMMAND_MODELS)), text=texts())
def test_text_short_cut_answers_for_each_text_field(trigger: str, text: str) -> None:
    """Every text field the short cut knows, given one text (of any length and code points)."""
    plain = _text_fields(trigger)
    for key in plain.bounds if plain is not None else ():
        event = Event(trigger, AT, "officer", {key: text})
        assert data_problem(event) == validated_problem(trigger, event.data)


def test_the_short_cut_knows_the_text_fields_of_the_commands() -> None:
    """The bounds read from the models' schemas, exactly: a model with a validator of its
    own (respond's kind or kinds) is left to its validation."""
    plain = {t: _text_fields(t) for t in ("follow_up", "start", "assign", "waive", "respond")}
    assert plain["follow_up"] == ({"text": (0, 20000)}, frozenset())
    assert plain["start"] == ({"note": (0, 20000)}, frozenset())
    assert plain["assign"] == ({"unit": (1, 200), "note": (0, 20000)}, frozenset())
    assert plain["waive"] == ({"obligation": (1, 120)}, frozenset({"obligation", "reason"}))
    assert plain["respond"] is None


TOO_LONG = "data.text: String should have at most 20000 characters"
NOT_UNICODE = (
    "data.text: Input should be a valid string, unable to parse raw data as a unicode string"
)


@pytest.mark.parametrize(
    ("trigger", "data", "problem"),
    [
        ("follow_up", {"text": "续报"}, None),
        ("follow_up", {"text": "a" * 20001}, TOO_LONG),
        ("follow_up", {"text": "\ud800"}, NOT_UNICODE),
        ("assign", {"unit": ""}, "data.unit: String should have at least 1 character"),
        ("waive", {"obligation": "report-1"}, "waive needs 'reason'"),
        ("follow_up", {"text": None}, "data.text: Input should be a valid string"),
    ],
)
def test_data_problem_words_what_the_validation_finds(
    trigger: str, data: dict[str, Any], problem: str | None
) -> None:
    assert data_problem(Event(trigger, AT, "officer", data)) == problem


def fold() -> CaseState:
    incident = Incident(id="YQ-F", title="食堂投诉", discovered_at=AT)
    return CaseState("handling", Severity.GENERAL, incident, AT, AT, unit="后勤处")


@given(
    minutes=st.integers(0, 10**6),
    state=st.none() | st.sampled_from(("registered", "handling", "closed")),
    views=st.none() | st.integers(0, 10**9),
)
def test_moved_builds_the_fold_replace_builds(
    minutes: int, state: str | None, views: int | None
) -> None:
    before = fold()
    at = AT + timedelta(minutes=minutes)
    incident = None
    if views is not None:
        incident = before.incident.with_metrics(Metrics(observed_at=AT, views=views))
    after = before.moved(at, state, incident)
    expected = before._replace(
        state=before.state if state is None else state,
        last_at=at,
        incident=before.incident if incident is None else incident,
    )
    assert type(after) is CaseState
    assert after == expected
    assert after._asdict() == expected._asdict()
    with pytest.raises(AttributeError):
        after.state = "closed"  # type: ignore[misc]
