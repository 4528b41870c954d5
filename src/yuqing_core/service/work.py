"""The service's routes for workers (认领与确认): claim due items and outbox notices, then ack
or release them, as :mod:`yuqing_core.store.claims` describes for a store.

A worker claims with the instant it works at (``now``: the service reads no clock), how many
and for how long (``lease_seconds``); each claim carries a random token. It hands back the
claims exactly as it got them to ack (done) or release (give back now) due items, and each
notice it sent with when and to whom (``at``, ``to``: the recipient is stored, never shown
back or logged). A lease that runs out frees the work for the next claimer; an ack after that
counts nothing (``acked: 0``, ``sent: false``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from ..store import ClaimedDue, OutboxEntry
from . import openapi
from .backend import Backend
from .problems import MEDIA_TYPE, from_validation

__all__ = ["ClaimRequest", "work_routers"]

MAX_LEASE = 86_400
"""The longest lease a claim may ask for: one day, in seconds."""


class ClaimRequest(BaseModel):
    """What a worker claims: up to ``limit`` items due (or notices sendable) at ``now``, each
    held for ``lease_seconds``."""

    model_config = ConfigDict(extra="forbid")

    now: datetime
    limit: int = Field(default=10, ge=1, le=1000)
    lease_seconds: int = Field(default=300, ge=1, le=MAX_LEASE)


_MAX_ID = 2**63 - 1
"""The largest row id a store keeps (a signed 64-bit integer)."""


def _storable(value: Any) -> Any:
    """A claim or an entry handed back whose text a store can hold (UTF-8: no lone surrogate)
    and whose row id it can hold; anything else never matched a claim."""
    for name in value.__dataclass_fields__:
        part = getattr(value, name)
        if dataclasses.is_dataclass(part):
            _storable(part)
        elif isinstance(part, str):
            _text(part, name)
        elif name == "id" and isinstance(part, int) and not 1 <= part <= _MAX_ID:
            raise ValueError(f"id must be from 1 to {_MAX_ID}")
    return value


def _text(value: str, name: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{name} is not text a store holds (UTF-8)") from None
    return value


_Claimed = Annotated[ClaimedDue, AfterValidator(_storable)]
_Entry = Annotated[OutboxEntry, AfterValidator(_storable)]


class _DueClaims(BaseModel):
    model_config = ConfigDict(extra="forbid")

    claims: list[_Claimed] = Field(min_length=1, max_length=1000)


class _Entries(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entries: list[_Entry] = Field(min_length=1, max_length=1000)


class _Sent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry: _Entry
    at: datetime
    to: Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]

    @field_validator("entry")
    @classmethod
    def _claimed(cls, entry: OutboxEntry) -> OutboxEntry:
        if entry.token is None:
            raise ValueError(
                "not a claimed entry (no token): claim it first (POST /v1/outbox/claims)"
            )
        return entry


def _array_of(key: str, part: str) -> dict[str, Any]:
    items = {"type": "array", "items": openapi.part(part), "minItems": 1, "maxItems": 1000}
    return _object({key: items})


def _object(props: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": list(props),
        "additionalProperties": False,
    }


_SENT = _object(
    {
        "entry": openapi.part("outbox_entries"),
        "at": {"type": "string", "format": "date-time"},
        "to": {"type": "string", "minLength": 1, "pattern": r"\S"},
    }
)


def _claimed(key: str, part: str) -> dict[str, Any]:
    """What a claim answers: the instant it was made at and what it holds, under ``key``,
    each item the schema ``part``."""
    return _object(
        {
            "now": {"type": "string", "format": "date-time"},
            key: {"type": "array", "items": openapi.part(part)},
        }
    )


def _counted(key: str) -> dict[str, Any]:
    return _object({key: {"type": "integer", "minimum": 0}})


def _read(model: type[BaseModel], body: Any, work: Callable[[Any], dict[str, Any]]) -> JSONResponse:
    """``work`` on ``body`` read as ``model``, or the 422 problem saying where it is wrong
    (never the values: a recipient's address may be among them)."""
    try:
        parsed = model.model_validate(body)
    except ValidationError as e:
        doc = from_validation(e.errors(), prefix=("body",))
        return JSONResponse(doc, status_code=doc["status"], media_type=MEDIA_TYPE)
    return JSONResponse(work(parsed))


def _due_claims(backend: Backend) -> APIRouter:
    router = APIRouter(prefix="/v1/due/claims", tags=["work"])
    claimed = _claimed("claims", "claimed_due")

    @router.post("", responses=openapi.ok(claimed), summary="Claim due items")
    def claim(body: ClaimRequest) -> JSONResponse:
        """Up to ``limit`` open obligations due at or before ``now`` that no worker holds,
        earliest first, each held until ``now + lease_seconds``."""
        return JSONResponse(backend.claim_due(body.now, body.limit, body.lease_seconds))

    @router.post(
        "/ack",
        responses=openapi.ok(_counted("acked")),
        summary="Ack claimed due items (done)",
        openapi_extra=openapi.body(_array_of("claims", "claimed_due")),
    )
    def ack(body: Annotated[dict[str, Any], Body()]) -> JSONResponse:
        return _read(_DueClaims, body, lambda b: backend.end_due(b.claims, done=True))

    @router.post(
        "/release",
        responses=openapi.ok(_counted("released")),
        summary="Release claimed due items (not done)",
        openapi_extra=openapi.body(_array_of("claims", "claimed_due")),
    )
    def release(body: Annotated[dict[str, Any], Body()]) -> JSONResponse:
        return _read(_DueClaims, body, lambda b: backend.end_due(b.claims, done=False))

    return router


def _outbox_claims(backend: Backend) -> APIRouter:
    router = APIRouter(prefix="/v1/outbox/claims", tags=["work"])
    claimed = _claimed("entries", "outbox_entries")

    @router.post("", responses=openapi.ok(claimed), summary="Claim outbox notices")
    def claim(body: ClaimRequest) -> JSONResponse:
        """Up to ``limit`` notices sendable at ``now``, not sent, not withdrawn and held by
        no worker, earliest first, each held until ``now + lease_seconds``."""
        return JSONResponse(backend.claim_outbox(body.now, body.limit, body.lease_seconds))

    @router.post(
        "/ack",
        responses=openapi.ok(_object({"sent": {"type": "boolean"}})),
        summary="Record a claimed notice as sent",
        openapi_extra=openapi.body(_SENT),
    )
    def sent(body: Annotated[dict[str, Any], Body()]) -> JSONResponse:
        return _read(_Sent, body, lambda b: backend.mark_sent(b.entry, b.at, b.to))

    @router.post(
        "/release",
        responses=openapi.ok(_counted("released")),
        summary="Release claimed notices (not sent)",
        openapi_extra=openapi.body(_array_of("entries", "outbox_entries")),
    )
    def release(body: Annotated[dict[str, Any], Body()]) -> JSONResponse:
        return _read(_Entries, body, lambda b: backend.release_outbox(b.entries))

    return router


def work_routers(backend: Backend) -> list[APIRouter]:
    """The routes for workers: due items and the outbox."""
    return [_due_claims(backend), _outbox_claims(backend)]
