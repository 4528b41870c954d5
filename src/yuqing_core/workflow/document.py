"""The case document (案件 JSON): one home for its format tag and for writing and reading it.

A case is stored as its events; the document is ``{"format", "policy", "id", "events"}``.
:meth:`Case.to_json <yuqing_core.Case.to_json>` writes it whole, personal data included (the
persistence format); :meth:`Case.export_json <yuqing_core.Case.export_json>` and the store's
``export_case`` write it without personal data, for sharing. Both use :func:`dump_case`.
:meth:`Case.from_json <yuqing_core.Case.from_json>` reads it back with
:func:`read_case_events`, and the store reads its rows with :func:`event_from_dict`: every key
and type is checked, and what cannot be read is named by key, never by a value that could be
personal data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone, tzinfo
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from .._dt import FIRST_YEAR, LAST_YEAR, ensure_aware, shared_zone, year_problem
from ..errors import (
    CorruptCaseError,
    InvalidDataError,
    NaiveDatetimeError,
    TransitionError,
    invalid_data,
)
from ..model import Event, Incident, Metrics
from .replay import shown

__all__ = [
    "CASE_FORMAT",
    "EVENT_KEYS",
    "UnreadableEvent",
    "dump_case",
    "event_from_dict",
    "event_from_parts",
    "json_kind",
    "read_case_events",
    "read_models",
]

CASE_FORMAT = "yuqing_core.case/1"
"""The format tag of the case document."""

EVENT_KEYS = ("trigger", "at", "actor", "data")
"""The keys of one event in the document, all required."""

_DOCUMENT_KEYS = frozenset({"format", "policy", "id", "events"})

_MODELS: Mapping[tuple[str, str], type[BaseModel]] = {
    ("open", "incident"): Incident,
    ("update_metrics", "metrics"): Metrics,
}
"""The data keys that hold a model, by trigger: read back into that model."""

_MODEL_OF = {on: (key, model) for (on, key), model in _MODELS.items()}

_DEEPEST = 100
"""Nesting deeper than this is never in a case document: where it is, the event is unreadable."""


class UnreadableEvent(Exception):
    """An event's dict form cannot be read; the message says what is wrong."""


def dump_case(
    policy: str,
    case_id: str,
    events: Iterable[Event],
    *,
    include_personal: bool,
    indent: int | None = None,
) -> str:
    """The document of case ``case_id`` under policy ``policy``, as JSON; the reporter's and
    author's personal data only with ``include_personal``."""
    doc = {
        "format": CASE_FORMAT,
        "policy": policy,
        "id": case_id,
        "events": [e.to_dict(include_personal=include_personal) for e in events],
    }
    return json.dumps(doc, ensure_ascii=False, indent=indent)


def json_kind(value: object) -> str:
    """The JSON name of a value's type, for messages (``object``, ``list``, ``string``...)."""
    if value is None:
        return "null"
    kinds = ((bool, "boolean"), (str, "string"), (int, "number"), (float, "number"))
    for kind, name in (*kinds, (Mapping, "object"), (list, "list")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def event_from_dict(raw: object) -> Event:
    """The event of one dict of the document, as :meth:`Event.to_dict` wrote it; anything
    else raises :class:`UnreadableEvent` naming the key at fault."""
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise UnreadableEvent(f"an event is a JSON object, not a {json_kind(raw)}")
    unknown = sorted((k for k in raw if k not in EVENT_KEYS), key=str)
    if unknown:
        raise UnreadableEvent(f"unknown key {shown(unknown[0])}")
    for key in EVENT_KEYS:
        if key not in raw:
            raise UnreadableEvent(f"no {key!r}")
    for key in ("trigger", "at", "actor"):
        if not isinstance(raw[key], str):
            raise UnreadableEvent(f"{key} is a JSON {json_kind(raw[key])}, not a string")
    return event_from_parts(raw["trigger"], raw["at"], raw["actor"], raw["data"])


def event_from_parts(
    trigger: str, at: str, actor: str, data: object, *, own: bool = False
) -> Event:
    """The event of its four parts as a document or an event row holds them: ``trigger``,
    ``at`` and ``actor`` read as text already, ``data`` as JSON (an object, or
    :class:`UnreadableEvent` naming what it is). With ``own``, a ``data`` dict is the
    caller's own, just read, which nothing else holds: the event keeps it, not a copy."""
    if type(data) is not dict and not isinstance(data, Mapping):
        raise UnreadableEvent(f"data is a JSON {json_kind(data)}, not an object")
    # The parts are checked here (text, an aware instant with its shared zone, a dict of
    # its own): the event keeps them as they are.
    return Event._read(trigger, _instant(at), actor, _with_models(trigger, data, own))


_BY_SUFFIX: dict[str, tzinfo] = {}
"""The shared zone (:func:`~yuqing_core._dt.shared_zone`) of each offset an instant was read
with, by the ``+08:00`` it ends with: the zone is found without working out its key."""


def _instant(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise UnreadableEvent("at: not an ISO 8601 date and time") from None
    tz = at.tzinfo
    if type(tz) is timezone and FIRST_YEAR <= at.year <= LAST_YEAR:
        # The form the library writes (a fixed offset, a year it computes): the checks
        # below would pass.
        suffix = text[-6:]
        zone = _BY_SUFFIX.get(suffix)
        if zone is not None:
            # The same offset and the same zone fromisoformat gives it: the same wall time.
            return at if zone is tz else at.astimezone(zone)
        at = shared_zone(at)
        known = suffix[0] in "+-" and suffix[3] == ":"  # ``+HH:MM`` ends it: its offset
        if known and at.tzinfo is not None and len(_BY_SUFFIX) < 64:
            _BY_SUFFIX[suffix] = at.tzinfo
        return at
    try:
        at = ensure_aware(at, "at")
    except NaiveDatetimeError as e:
        raise UnreadableEvent(str(e)) from None
    problem = year_problem(at)
    if problem is not None:
        raise UnreadableEvent(f"at: {problem}")
    return shared_zone(at)


def _with_models(trigger: str, data: Mapping[str, Any], own: bool = False) -> dict[str, Any]:
    out = data if own and type(data) is dict else dict(data)
    found = _MODEL_OF.get(trigger)
    if found is None:
        return out
    key, model = found
    value = out.get(key)
    if type(value) is not dict and (type(value) is model or not isinstance(value, Mapping)):
        return out  # (the model itself: read already, by read_models)
    try:
        # The model's own validator, without the per-call wrapper of ``model_validate``
        # (one call per event); its errors worded as that wrapper words them.
        out[key] = model.__pydantic_validator__.validate_python(value)
    except ValidationError as e:
        problem = invalid_data(model.__name__, e.errors())
    except InvalidDataError as e:  # the models' own error: key paths, never values
        problem = e
    else:
        return out
    raise UnreadableEvent(
        "; ".join(f"data.{key}.{path}: {message}" for path, message in problem.problems)
    )


_MANY: dict[type[BaseModel], TypeAdapter[list[Any]]] = {}
"""A validator of a list of each model of :data:`_MODELS`."""


def read_models(parts: Iterable[tuple[object, object]]) -> bool:
    """Put in place in each ``(trigger, data)`` of ``parts`` the model its data dict holds,
    as :func:`event_from_parts` reads it, every value of one model validated in one call (a
    long case holds hundreds of metrics); ``False``, with nothing changed, if any value is
    refused (each event is then read on its own, which says which and why).

    The data dicts must be the caller's own: they are changed in place.
    """
    found: dict[type[BaseModel], list[tuple[dict[str, Any], str, Any]]] = {}
    for trigger, data in parts:
        model_of = _MODEL_OF.get(trigger) if type(trigger) is str else None
        if model_of is not None and type(data) is dict and type(data.get(model_of[0])) is dict:
            found.setdefault(model_of[1], []).append((data, model_of[0], data[model_of[0]]))
    read: list[tuple[list[tuple[dict[str, Any], str, Any]], list[Any]]] = []
    for model, places in found.items():
        many = _MANY.get(model) or _MANY.setdefault(model, TypeAdapter(list[model]))  # type: ignore[valid-type]
        try:
            read.append((places, many.validate_python([value for _, _, value in places])))
        except Exception:  # refused (or worse): each event is read on its own
            return False
    for places, models in read:
        for (data, key, _), value in zip(places, models, strict=True):
            data[key] = value
    return True


def read_case_events(text: str | bytes, policy: str) -> tuple[str, list[Event]]:
    """The case id and events of a case document written under policy ``policy``.

    A document written under another policy raises :class:`~yuqing_core.TransitionError`;
    one that cannot be read raises :class:`~yuqing_core.CorruptCaseError` naming the case id
    and the 1-based number of the event at fault, when they can be read.
    """
    doc = _parse(text)
    if not isinstance(doc, Mapping) or doc.get("format") != CASE_FORMAT:
        raise CorruptCaseError(f"not case JSON of format {CASE_FORMAT!r}")
    if doc.get("policy") != policy:
        written = doc.get("policy")
        raise TransitionError(
            f"the case was written under policy {shown(written)}, not {policy!r}",
            trigger="from_json",
        )
    case_id = doc.get("id")
    if not isinstance(case_id, str):
        raise CorruptCaseError(f"the case id is a JSON {json_kind(case_id)}, not a string")
    unknown = sorted(str(k) for k in doc if k not in _DOCUMENT_KEYS)
    if unknown:
        raise CorruptCaseError(f"unknown key {shown(unknown[0])} in the case JSON", case_id=case_id)
    rows = doc.get("events")
    if not isinstance(rows, list):
        raise CorruptCaseError(f"events is a JSON {json_kind(rows)}, not a list", case_id=case_id)
    events = []
    for seq, raw in enumerate(rows, 1):
        try:
            events.append(event_from_dict(raw))
        except UnreadableEvent as e:
            raise CorruptCaseError(
                f"cannot read the event: {e}", case_id=case_id, seq=seq
            ) from None
    return case_id, events


def _parse(text: object) -> Any:
    if not isinstance(text, str | bytes | bytearray):
        raise CorruptCaseError(f"not case JSON: a {type(text).__name__}, not text")
    try:
        return json.loads(text)
    except RecursionError:
        case_id, seq = _too_deep(
            text if isinstance(text, str) else bytes(text).decode("utf-8", "replace")
        )
        what = "not case JSON" if seq is None else "cannot read the event"
        raise CorruptCaseError(f"{what}: nested too deeply", case_id=case_id, seq=seq) from None
    except ValueError as e:  # JSONDecodeError, bad UTF-8, an integer too long to read
        where = (
            f" (line {e.lineno} column {e.colno})" if isinstance(e, json.JSONDecodeError) else ""
        )
        raise CorruptCaseError(f"not case JSON: it does not parse{where}") from None


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]')


def _too_deep(text: str) -> tuple[str | None, int | None]:
    """Where a document nests too deeply for the JSON reader: the case id, if read before, and
    the 1-based number of the event the nesting is in (``None`` outside the events)."""
    depth = 0
    recent: list[str] = ["", ""]  # the two tokens before this one
    case_id: str | None = None
    events_depth: int | None = None
    seq = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if token == "[" and depth == 2 and recent == ['"events"', ":"]:
                events_depth, seq = depth, 1
            if depth > _DEEPEST:
                return case_id, seq if events_depth is not None else None
        elif token in "]}":
            depth -= 1
            if events_depth is not None and depth < events_depth:
                events_depth = None
        elif token == "," and depth == events_depth:
            seq += 1
        elif token.startswith('"') and depth == 1 and recent == ['"id"', ":"]:
            case_id = json.loads(token)
        recent = [recent[1], token]
    return case_id, None
