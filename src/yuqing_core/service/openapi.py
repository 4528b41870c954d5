"""The OpenAPI description of the service: FastAPI's, with the library's JSON Schemas for the
bodies it writes, problem documents for every error, and the bearer token.

The JSON Schemas of :mod:`yuqing_core.wire.schemas` keep their definitions in ``$defs``;
here they move to ``components/schemas`` (where FastAPI puts the request bodies' types), so
that one document holds every definition once.
"""

from __future__ import annotations

import copy
from typing import Any

from ..wire.schemas import schema
from .problems import MEDIA_TYPE, PROBLEM_SCHEMA

__all__ = ["PROBLEM_RESPONSES", "body", "finish", "ok", "part"]

_BODY = "x-yuqing-body"
"""Marks an operation whose request body is documented by a wire schema (see :func:`body`)."""

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    "default": {
        "description": "A problem document (RFC 9457): the library's message in detail",
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
}


def part(name: str) -> dict[str, Any]:
    """The wire schema ``name`` as a part of another schema (``$defs`` kept for :func:`finish`
    to move)."""
    return {k: v for k, v in schema(name).items() if k not in ("$schema", "$id")}


def ok(body: dict[str, Any], status: int = 200, description: str = "OK") -> dict[int | str, Any]:
    """The responses of a route that answers ``body`` (a JSON Schema) with ``status``."""
    answer = {"description": description, "content": {"application/json": {"schema": body}}}
    return {status: answer, **PROBLEM_RESPONSES}


def body(name: str | dict[str, Any]) -> dict[str, Any]:
    """The ``openapi_extra`` of a route whose body it reads as JSON and hands to the library:
    documented as the wire schema ``name``, or as a schema built of wire parts (put in place
    by :func:`finish`)."""
    return {_BODY: name}


def _bodies(doc: dict[str, Any]) -> None:
    for path in doc.get("paths", {}).values():
        for operation in path.values():
            name = operation.pop(_BODY, None)
            if name is not None:
                given = part(name) if isinstance(name, str) else copy.deepcopy(name)
                content = {"application/json": {"schema": given}}
                operation["requestBody"] = {"required": True, "content": content}


def finish(doc: dict[str, Any]) -> dict[str, Any]:
    """FastAPI's document made whole: definitions moved to ``components``, FastAPI's own
    validation-error answers replaced by problem documents, and the bearer token required."""
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    _bodies(doc)
    _hoist(doc, schemas)
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path in doc.get("paths", {}).values():
        for operation in path.values():
            operation.get("responses", {}).pop("422", None)
    schemas["Problem"] = PROBLEM_SCHEMA
    components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    doc["security"] = [{"bearer": []}]
    return doc


_NOTES = frozenset({"title", "description", "default"})


def _bare(node: Any) -> Any:
    """A schema without its annotations: the one type FastAPI and the wire schemas both
    describe (of a request body, say) compares equal, however each worded it."""
    if isinstance(node, dict):
        return {k: _bare(v) for k, v in node.items() if k not in _NOTES}
    if isinstance(node, list):
        return [_bare(v) for v in node]
    return node


def _hoist(node: Any, schemas: dict[str, Any]) -> None:
    """Move every ``$defs`` under ``node`` into ``schemas``, their references with them; a
    name already there must name the same type."""
    if isinstance(node, dict):
        for name, definition in node.pop("$defs", {}).items():
            _hoist(definition, schemas)
            kept = schemas.setdefault(name, definition)
            if _bare(kept) != _bare(definition):
                raise ValueError(f"two schemas named {name!r} in the OpenAPI description")
        for key, value in node.items():
            if isinstance(value, str) and value.startswith("#/$defs/"):
                node[key] = "#/components/schemas/" + value.removeprefix("#/$defs/")
            else:
                _hoist(value, schemas)
    elif isinstance(node, list):
        for value in node:
            _hoist(value, schemas)
