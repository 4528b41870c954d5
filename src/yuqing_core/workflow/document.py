"""The case document (案件 JSON): one home for its format tag and for writing and reading it.

A case is stored as its events; the document is ``{"format", "policy", "id", "events"}``.
:meth:`Case.to_json <yuqing_core.Case.to_json>` and the store's export both write it with
:func:`dump_case`, and :meth:`Case.from_json <yuqing_core.Case.from_json>` reads it back with
:func:`read_case_events`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import TransitionError
from ..model import Event

__all__ = ["CASE_FORMAT", "dump_case", "events_from_dicts", "read_case_events"]

CASE_FORMAT = "yuqing_core.case/1"
"""The format tag of the case document."""


def dump_case(
    policy: str,
    case_id: str,
    events: Iterable[Event],
    *,
    include_personal: bool = False,
    indent: int | None = None,
) -> str:
    """The document of case ``case_id`` under policy ``policy``, as JSON. Personal data only
    with ``include_personal``."""
    doc = {
        "format": CASE_FORMAT,
        "policy": policy,
        "id": case_id,
        "events": [e.to_dict(include_personal=include_personal) for e in events],
    }
    return json.dumps(doc, ensure_ascii=False, indent=indent)


def read_case_events(text: str, policy: str) -> list[Event]:
    """The events of a case document written under policy ``policy``; a document that is not
    one, or was written under another policy, raises :class:`~yuqing_core.TransitionError`."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise TransitionError(f"not case JSON: {e}", trigger="from_json") from None
    if not isinstance(doc, Mapping) or doc.get("format") != CASE_FORMAT:
        raise TransitionError(f"not case JSON of format {CASE_FORMAT!r}", trigger="from_json")
    if doc.get("policy") != policy:
        raise TransitionError(
            f"the case was written under policy {doc.get('policy')!r}, not {policy!r}",
            trigger="from_json",
        )
    return events_from_dicts(doc.get("events") or [])


def events_from_dicts(rows: Sequence[Mapping[str, Any]]) -> list[Event]:
    try:
        return [Event.from_dict(r) for r in rows]
    except (KeyError, TypeError, ValueError) as e:
        raise TransitionError(f"unreadable event: {e}", trigger="from_json") from None
