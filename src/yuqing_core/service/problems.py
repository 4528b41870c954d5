"""Problem documents (RFC 9457, ``application/problem+json``): every error the service
answers with, carrying the library's own message, never a traceback or a value given.

A library error is typed ``urn:yuqing-core:error:<its class>`` (``TransitionError``...) and
its status comes from :data:`STATUS`; an error of HTTP itself (no token, too large, too many
requests, no such route) is ``about:blank`` with the status's reason as its title.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from ..errors import (
    AccountabilityError,
    CalendarCoverageError,
    ConflictError,
    CorruptCaseError,
    DuplicateCaseError,
    InvalidArgumentError,
    InvalidDataError,
    NaiveDatetimeError,
    NotPermittedError,
    PauseError,
    PolicyError,
    PolicyVersionError,
    StoreError,
    TransitionError,
    YuqingError,
)
from ..workflow.replay import problem_text, shown

__all__ = [
    "MEDIA_TYPE",
    "PROBLEM_SCHEMA",
    "STATUS",
    "NotFoundError",
    "ServiceError",
    "from_error",
    "from_validation",
    "problem",
    "problem_body",
    "redacted",
]

MEDIA_TYPE = "application/problem+json"


class ServiceError(YuqingError):
    """An error of the service itself (no such policy or case, a setting that is wrong)."""


class NotFoundError(ServiceError):
    """No such policy or case."""


STATUS: Mapping[type[YuqingError], int] = {
    NotFoundError: 404,
    DuplicateCaseError: 409,
    ConflictError: 409,
    PolicyVersionError: 409,
    CorruptCaseError: 500,
    NotPermittedError: 403,
    StoreError: 404,
    TransitionError: 422,
    CalendarCoverageError: 422,
    PauseError: 422,
    AccountabilityError: 422,
    InvalidDataError: 422,
    InvalidArgumentError: 422,
    NaiveDatetimeError: 422,
    PolicyError: 422,
    YuqingError: 422,
}
"""The status of each library error, the most specific class first (found by its MRO).
``StoreError`` is what loading a case that is not stored under the policy raises."""

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A problem document (RFC 9457)",
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "trigger": {"type": "string"},
        "allowed": {"type": "array", "items": {"type": "string"}},
        "errors": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["type", "title", "status", "detail"],
}
"""The schema of a problem document, for the OpenAPI description."""


def _kind(error: YuqingError) -> type[YuqingError]:
    """The most specific public class of ``error`` that :data:`STATUS` names."""
    return next(k for k in type(error).__mro__ if k in STATUS)


def problem(status: int, detail: str, **extra: Any) -> dict[str, Any]:
    """An ``about:blank`` problem of HTTP itself."""
    title = HTTPStatus(status).phrase
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}


def from_error(error: YuqingError) -> dict[str, Any]:
    """The problem document of a library error: its message, and for a refused command the
    trigger and the triggers allowed (and, refused for the caller's roles, the ``roles`` that
    may fire it)."""
    kind = _kind(error)
    out: dict[str, Any] = {
        "type": f"urn:yuqing-core:error:{kind.__name__}",
        "title": kind.__name__,
        "status": STATUS[kind],
        "detail": str(error),
    }
    if isinstance(error, TransitionError) and not isinstance(error, CorruptCaseError):
        out["trigger"] = error.trigger
        out["allowed"] = list(error.allowed)
    if isinstance(error, NotPermittedError):
        out["roles"] = list(error.roles)
    return out


def from_validation(
    errors: Sequence[Mapping[str, Any]], prefix: tuple[str | int, ...] = ()
) -> dict[str, Any]:
    """The problem document of a request the service's types refuse: each problem as a key
    path and a message, never the value given (it may be a reporter's phone)."""
    lines = [problem_text(err, prefix) for err in errors]
    return problem(422, "; ".join(lines) or "the request is not valid", errors=lines)


def redacted(doc: dict[str, Any], given: Any) -> dict[str, Any]:
    """``doc`` without the values of ``given`` (a command's data) that are not plain names: a
    message that quotes what it refuses never shows a phone number put where a level belongs.
    Names (``major``, ``office``) stay, by the rule the library shows stored values by."""
    detail = doc.get("detail", "")
    for value in _leaves(given):
        text = str(value)
        if shown(text) == "<not a name>" and text:
            detail = detail.replace(repr(value), "<value>").replace(text, "<value>")
    return {**doc, "detail": detail}


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list | tuple):
        return [leaf for v in value for leaf in _leaves(v)]
    return [] if value is None or isinstance(value, bool) else [value]


def problem_body(doc: Mapping[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")
