"""What a recorded event must be for a case to be read back (重放校验).

:meth:`Case.replay <yuqing_core.Case.replay>`, and through it
:meth:`Case.from_json <yuqing_core.Case.from_json>` and ``store.load``, holds every event to
what :meth:`Case.open <yuqing_core.Case.open>` and :meth:`Case.fire <yuqing_core.Case.fire>`
record: data a command model accepts, in the very form ``fire`` stores it, and no key ``fire``
never writes. The checks here judge one event on its own; the case then applies the guards and
effects ``fire`` applies, and the rule of automatic escalation.

Each check returns ``None`` or what is wrong. The text names keys, levels and rules, never a
value that could be personal data (a reporter's phone in a tampered row stays out of it).
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError

from .._dt import year_problem
from ..errors import CorruptCaseError, YuqingError, error_message, format_loc
from ..model import Event, Incident, Metrics, Severity
from ..policy.data import FINGERPRINT
from ..policy.data import PolicyData as Policy
from ..rules.assessment import assess
from .commands import COMMAND_MODELS, stored_value
from .effects import level_problem

__all__ = [
    "OPEN_KEYS",
    "auto_problem",
    "data_problem",
    "event_tuple",
    "incident_id",
    "open_problem",
    "problem_text",
    "shape_problem",
    "shown",
    "unexpected",
    "unreplayable",
    "validated_problem",
]

OPEN_KEYS = frozenset({"incident", "assessed", "severity", "judged", "reason", "fingerprint"})
"""The keys :meth:`Case.open <yuqing_core.Case.open>` may record on the ``open`` event."""

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{0,39}")
"""What a name read from a document looks like (a trigger, key, level or id) when a message
may show it. Anything else (a phone number put where a name belongs) is not shown."""


def shown(value: object) -> str:
    """A name read from a document, quoted for an error message, or ``<not a name>``."""
    if isinstance(value, str) and _NAME.fullmatch(value):
        return repr(value)
    return "<not a name>"


_HIDDEN = "__yq_hidden_key__"


def _where(err: Mapping[str, Any], prefix: tuple[str | int, ...] = ()) -> str:
    """The key path of one pydantic error; a key that is not a name is not shown."""
    # A plain-word stand-in, so that format_loc does not quote it as an odd key.
    loc = [p if isinstance(p, int) or _NAME.fullmatch(p) else _HIDDEN for p in err["loc"]]
    return format_loc((*prefix, *loc)).replace(_HIDDEN, "<not a name>")


def problem_text(err: Mapping[str, Any], prefix: tuple[str | int, ...] = ()) -> str:
    """One pydantic error as ``key.path: message``, without its input (which may be a
    reporter's phone)."""
    msg = error_message(err)
    value = err.get("input")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        # Our own validators quote the value they refuse: keep the rule, not the value.
        msg = msg.replace(repr(value), "<value>").replace(repr(str(value)), "<value>")
    return f"{_where(err, prefix)}: {msg}"


def shape_problem(event: object, first: bool) -> str | None:
    """Why ``event`` is not an event a case records at all: not an :class:`Event`, an
    unknown trigger, an ``open`` that is not first (or a first event that is not ``open``),
    or no actor."""
    if not isinstance(event, Event):
        return f"not an Event but a {type(event).__name__}"
    trigger = event.trigger
    if first and trigger != "open":
        return "a case's first event must be 'open'"
    if not first and trigger == "open":
        return "'open' can only be a case's first event"
    if not first and trigger not in COMMAND_MODELS:
        return f"unknown trigger {shown(trigger)}"
    actor = event.actor
    if not isinstance(actor, str) or not actor.strip():
        return "the actor must be a non-empty string naming who acted"
    problem = year_problem(event.at)
    return None if problem is None else f"at: {problem}"


def data_problem(event: Event) -> str | None:
    """Why the data of ``event`` is not what ``fire`` records for its trigger: what the
    command model refuses, or a value in another form than the one ``fire`` writes."""
    trigger = event.trigger
    data = event.data
    if trigger == "update_metrics" and len(data) == 1 and type(data.get("metrics")) is Metrics:
        # What the command model keeps as given (a model instance is not validated again)
        # and fire stores as it is: the validation below would find nothing.
        return None
    plain = _text_fields(trigger)
    if plain is not None and plain.holds(data):
        return None  # only text the model takes as it is: what the validation below finds
    return validated_problem(trigger, data)


def validated_problem(trigger: str, data: Mapping[str, Any]) -> str | None:
    """:func:`data_problem` found by the command model's validation, value by value."""
    # Given as a dict: pydantic reads any other mapping (the event's read-only view of its
    # data) on a path several times slower.
    raw = data.copy() if type(data) is MappingProxyType else dict(data)
    try:
        # model_validate's own validator, without its per-call wrapper (one call per event)
        parsed = COMMAND_MODELS[trigger].__pydantic_validator__.validate_python(raw)
    except ValidationError as e:
        return "; ".join(_describe(trigger, err) for err in e.errors())
    # Each value given against the one fire would store for it (stored_form, key by key).
    given = parsed.__pydantic_fields_set__
    for key, value in data.items():
        kept = getattr(parsed, key) if key in given else None
        if kept is None:
            return f"data.{key}: fire records no null value"
        if not _same(value, stored_value(key, kept)):
            return f"data.{key}: not in the form fire records it"
    return None


class _TextFields(NamedTuple):
    """The fields of a command model that take any text within length bounds, as it is
    (:func:`_text_fields`), and the fields it needs (no default)."""

    bounds: dict[str, tuple[int, int]]
    required: frozenset[str]

    def holds(self, data: Mapping[str, Any]) -> bool:
        """Whether every value of ``data`` is text its field takes as it is, and every field
        the model needs is given: then the model accepts ``data`` and ``fire`` stores it
        as given (tests/workflow/test_replay_fast_paths.py holds this to the validation)."""
        bounds = self.bounds
        for key, value in data.items():
            bound = bounds.get(key) if type(key) is str else None
            if bound is None or type(value) is not str or not bound[0] <= len(value) <= bound[1]:
                return False
            if not value.isascii():
                try:
                    value.encode()  # valid Unicode: no lone surrogate, which pydantic refuses
                except UnicodeEncodeError:
                    return False
        return not self.required or self.required <= data.keys()


_PLAIN_TEXT = frozenset({"type", "min_length", "max_length"})
"""The keys of a pydantic ``str`` schema that takes text as it is, only bounding its length."""


@functools.cache
def _text_fields(trigger: str) -> _TextFields | None:
    """The text fields of ``trigger``'s command model, read from its pydantic schema; ``None``
    when the model checks more than each field on its own (a validator of the model, a
    configuration beyond forbidding extra keys), so that its validation decides."""
    schema = COMMAND_MODELS[trigger].__pydantic_core_schema__
    fields = schema.get("schema", {})
    config = schema.get("config", {})
    if (
        schema["type"] != "model"
        or schema.get("custom_init")
        or schema.get("root_model")
        or "post_init" in schema
        or not config.keys() <= {"extra_fields_behavior", "title"}
        or fields.get("type") != "model-fields"
        or not fields.keys() <= {"type", "fields", "model_name", "computed_fields"}
        or fields.get("computed_fields")
    ):
        return None
    bounds: dict[str, tuple[int, int]] = {}
    required: set[str] = set()
    for name, field in fields["fields"].items():
        if not field.keys() <= {"type", "schema", "metadata"}:
            return None  # an alias, an exclusion...: the validation decides
        inner = field["schema"]
        if inner["type"] == "default":
            if not inner.keys() <= {"type", "schema", "default"}:
                return None  # a default validated, or made: the validation decides
            inner = inner["schema"]
        else:
            required.add(name)
        if inner["type"] == "nullable":
            inner = inner["schema"]
        if inner["type"] == "str" and inner.keys() <= _PLAIN_TEXT:
            bounds[name] = (inner.get("min_length", 0), inner.get("max_length", sys.maxsize))
    return _TextFields(bounds, frozenset(required))


def _describe(trigger: str, err: Mapping[str, Any]) -> str:
    if err["type"] in ("extra_forbidden", "missing"):
        verb = "takes no" if err["type"] == "extra_forbidden" else "needs"
        return f"{trigger} {verb} {_where(err)!r}"
    return f"data.{problem_text(err)}"


def _same(given: object, stored: object) -> bool:
    """``given`` is ``stored`` in kind and value (``True`` is not ``1``; a list not a tuple)."""
    if type(stored) is str:  # most values; exact types first: isinstance of a model is slow
        return isinstance(given, str) and given == stored
    if given is stored and isinstance(stored, BaseModel):
        return True  # the model the command's validation kept (Metrics): no field-wise ==
    if isinstance(stored, bool) or isinstance(given, bool):
        return type(given) is type(stored) and given == stored
    if isinstance(stored, str):
        return isinstance(given, str) and given == stored
    if isinstance(stored, list):
        return (
            type(given) is list
            and len(given) == len(stored)
            and all(_same(g, s) for g, s in zip(given, stored, strict=True))
        )
    return type(given) is type(stored) and given == stored


# -- the open event ------------------------------------------------------------------------


def open_problem(policy: Policy, event: Event) -> str | None:
    """Why the ``open`` event is not what :meth:`Case.open <yuqing_core.Case.open>` records:
    its keys, its incident, its level (one of the policy's; the automatic level unless a
    person judged it, and below that only with a reason) and the automatic assessment it
    records, which must be what assessing the incident at that instant gives; and the
    fingerprint of the policy version it was recorded under, where it records one (the case
    is replayed under that version: :mod:`.versions`)."""
    data = event.data
    unknown = sorted((k for k in data if k not in OPEN_KEYS), key=str)
    if unknown:
        return f"open takes no {shown(unknown[0])}"
    if "fingerprint" in data and not (
        isinstance(data["fingerprint"], str) and FINGERPRINT.fullmatch(data["fingerprint"])
    ):
        return "data.fingerprint: not a policy fingerprint (sha256: and 64 hex digits)"
    incident = data.get("incident")
    if not isinstance(incident, Incident):
        return "the open event carries no incident"
    if "severity" not in data:
        return "open needs 'severity'"
    severity = data["severity"]
    if not isinstance(severity, str):
        return "data.severity: must be a level key"
    try:
        level = Severity.parse(severity)
    except ValueError:
        return f"data.severity: {shown(severity)} is not a level"
    if level.key != severity:
        return "data.severity: not in the form open records it (a level key)"
    problem = level_problem(policy, level)
    if problem is not None:
        return f"data.severity: {problem}"
    found = assess(policy, incident, event.at).severity
    floor = None if found is None else policy.normalize_severity(found)
    return _floor_problem(policy, data, level, floor)


def _floor_problem(
    policy: Policy, data: Mapping[str, Any], level: Severity, floor: Severity | None
) -> str | None:
    assessed = data.get("assessed")
    if floor is None and "assessed" in data:
        return "data.assessed: assessing the incident at that instant gives no level"
    if floor is not None and not (isinstance(assessed, str) and assessed == floor.key):
        return f"data.assessed: assessing the incident at that instant gives {floor.key}"
    judged = "judged" in data
    if judged and data["judged"] is not True:
        return "data.judged: open records only true"
    reason = data.get("reason")
    if "reason" in data and not (isinstance(reason, str) and reason):
        return "data.reason: must be a non-empty text"
    if not judged:
        expected = floor if floor is not None else policy.lowest
        if level != expected:
            return (
                f"data.severity: {level.key} is not the automatic level {expected.key}, and "
                "the event records no person's judgement ('judged')"
            )
    elif floor is not None and level < floor and not reason:
        return (
            f"data.severity: {level.key} is below the automatic floor {floor.key}; "
            "a lower level needs a reason (P8)"
        )
    return None


# -- automatic escalation ----------------------------------------------------------------


def auto_problem(
    event: Event, expected: Event | None, found: Callable[[], Event | None]
) -> str | None:
    """An automatic escalation is the one ``fire`` records right after the ``update_metrics``
    whose counts or flags raise the automatic level (``expected``), and only that one.
    ``found`` re-assesses the incident at the event's instant, for the message."""
    claims = event.trigger == "escalate" and "auto" in event.data
    if expected is None:
        if not claims:
            return None
        again = found()
        gives = "no escalation" if again is None else again.data["severity"]
        return (
            f"an automatic escalation the library did not record: re-assessing the "
            f"incident at {event.at.isoformat()} gives {gives}, and the library records "
            "one only right after the update_metrics that raises the level"
        )
    data = event.data
    if (
        claims
        and data.get("auto") is True
        and data.get("severity") == expected.data["severity"]
        and event.actor == expected.actor
        and event.at == expected.at
        and event.at.utcoffset() == expected.at.utcoffset()
    ):
        return None
    return (
        f"the update_metrics before it raises the automatic level to "
        f"{expected.data['severity']}: the event after it must be that automatic "
        f"escalation (by {expected.actor!r}, at the same instant)"
    )


# -- the errors of a replay ----------------------------------------------------------------


def event_tuple(events: Iterable[Event], case_id: str | None) -> tuple[Event, ...]:
    """The events to replay, at least one."""
    try:
        evs = tuple(events)
    except TypeError:
        raise CorruptCaseError("the events are not a sequence", case_id=case_id) from None
    if not evs:
        raise CorruptCaseError("a case's first event must be 'open'", case_id=case_id, seq=1)
    return evs


def incident_id(event: object) -> str | None:
    """The id of the incident the ``open`` event registers, if it can be read."""
    if isinstance(event, Event) and isinstance(event.data, Mapping):
        incident = event.data.get("incident")
        if isinstance(incident, Incident):
            return incident.id
    return None


def unreplayable(policy: Policy, name: str | None, seq: int, why: str) -> CorruptCaseError:
    """The error for event ``seq`` of case ``name`` that does not replay."""
    return CorruptCaseError(
        f"the event does not replay under policy {policy.name!r}: {why}", case_id=name, seq=seq
    )


def unexpected(e: Exception) -> str:
    """What went wrong, for an error no check foresaw: a library error's message, or only the
    type of any other (its message may quote a value)."""
    if isinstance(e, YuqingError):
        return f"{type(e).__name__}: {e}"
    if isinstance(e, RecursionError):
        return "its data is nested too deeply"
    return f"it cannot be applied ({type(e).__name__})"
