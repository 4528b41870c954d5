"""The HTTP/JSON service (``yuqing serve``): FastAPI routes over :class:`Backend`.

Every route is under ``/v1``, grouped by what it reads or changes: ``policies``, ``cases``
(under their policy: ``/v1/policies/{policy}/cases/{case_id}``), ``due`` and
``accountability``; the routes for workers (claims and the outbox) are in :mod:`.work`.
Bodies written are the JSON forms of :mod:`yuqing_core.wire`; every error is a problem
document (:mod:`.problems`).

A request is judged in one order, the same on every route: the gate first (rate 429, token
401, body size 413: :mod:`.limits`), then the route (404, 405), then what the request says
(an unknown query parameter, a missing or malformed one, a body the route cannot read: 422),
and last the library (its own errors, each with its status in :data:`.problems.STATUS`). A
request without the token is therefore 401 whatever else is wrong with it, and an unknown
query parameter is refused as an unknown body key is, never silently ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException

from .. import __version__
from ..errors import YuqingError
from ..model import Incident, SeverityField
from . import openapi
from .backend import Backend
from .limits import Gate
from .problems import MEDIA_TYPE, from_error, from_validation, problem, redacted
from .settings import Limits
from .work import work_routers

__all__ = ["OpenCase", "create_app"]


class CommandBody(BaseModel):
    """What the service reads of a command before the library judges it: the trigger and its
    data are the library's to check (its own messages), the rest is typed here. The body is
    documented as the ``commands`` schema."""

    model_config = ConfigDict(extra="forbid")

    trigger: str
    at: datetime
    actor: str
    actor_roles: list[str] | None = None
    """The caller's roles, set by the host's gateway, which the service trusts (it checks
    them only against the policy's ``[workflow.permissions]``)."""
    data: dict[str, Any] = Field(default_factory=dict)


Instant = Annotated[datetime, Query(description="an ISO 8601 instant with its offset")]
CaseId = str


class OpenCase(BaseModel):
    """The body that opens a case: the incident, when and by whom it is registered, and a
    level judged by a person (with a reason when below the automatic one)."""

    model_config = ConfigDict(extra="forbid")

    incident: Incident
    at: datetime
    actor: str
    severity: SeverityField | None = None
    reason: str | None = None


def _case_schema() -> dict[str, Any]:
    event = openapi.part("events")
    return {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "policy": {"type": "string"},
            "state": {"type": "string"},
            "severity": {"type": "string"},
            "version": {"type": "integer"},
            "closed": {"type": "boolean"},
            "allowed_triggers": {"type": "array", "items": {"type": "string"}},
            "events": {"type": "array", "items": event},
        },
        "required": ["id", "policy", "state", "severity", "version", "closed", "events"],
    }


def _list_of(key: str, part: str, *context: str) -> dict[str, Any]:
    props: dict[str, Any] = {name: {"type": "string"} for name in context}
    props[key] = {"type": "array", "items": openapi.part(part)}
    return {"type": "object", "properties": props, "required": [*context, key]}


def _problem(doc: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(doc, status_code=doc["status"], media_type=MEDIA_TYPE, headers=headers)


def _policies(backend: Backend) -> APIRouter:
    router = APIRouter(prefix="/v1/policies", tags=["policies"])
    listing = {
        "type": "object",
        "properties": {
            "presets": {"type": "array", "items": {"type": "string"}},
            "policies": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["presets", "policies"],
    }

    @router.get("", responses=openapi.ok(listing), summary="The policies served")
    def list_policies() -> JSONResponse:
        return JSONResponse(backend.policies())

    @router.get("/{policy}", responses=openapi.ok(openapi.part("policy")), summary="A policy")
    def get_policy(policy: str) -> JSONResponse:
        return JSONResponse(backend.policy(policy).to_dict())

    return router


_CASES = "/v1/policies/{policy}/cases"


def _commands(backend: Backend) -> APIRouter:
    router = APIRouter(prefix=_CASES, tags=["cases"])
    fired = {
        "type": "object",
        "properties": {
            "recorded": {"type": "array", "items": openapi.part("events")},
            "case": _case_schema(),
        },
        "required": ["recorded", "case"],
    }

    @router.post(
        "/{case_id:path}/commands",
        responses=openapi.ok(fired),
        summary="Fire a command",
        openapi_extra=openapi.body("commands"),
    )
    def fire(policy: str, case_id: CaseId, body: Annotated[dict[str, Any], Body()]) -> JSONResponse:
        try:
            command = CommandBody.model_validate(body)
        except ValidationError as e:
            return _problem(from_validation(e.errors(), prefix=("body",)))
        try:
            result = backend.fire(policy, case_id, command)
        except YuqingError as e:  # its message may quote a value given: not shown back
            return _problem(redacted(from_error(e), command.data))
        return JSONResponse(result)

    return router


def _case_reads(backend: Backend) -> APIRouter:
    router = APIRouter(prefix=_CASES, tags=["cases"])
    obligations = _list_of("obligations", "obligations", "case_id", "at")

    @router.get("/{case_id:path}/obligations", responses=openapi.ok(obligations))
    def get_obligations(policy: str, case_id: CaseId, at: Instant) -> JSONResponse:
        """Every obligation of the case, with its status at ``at``."""
        return JSONResponse(backend.obligations(policy, case_id, at))

    notifications = _list_of("notifications", "notifications", "case_id", "at")

    @router.get("/{case_id:path}/notifications", responses=openapi.ok(notifications))
    def get_notifications(policy: str, case_id: CaseId, at: Instant) -> JSONResponse:
        """Who must be told what by when, as of ``at`` (the host sends the messages)."""
        return JSONResponse(backend.notifications(policy, case_id, at))

    return router


def _cases(backend: Backend) -> APIRouter:
    router = APIRouter(prefix=_CASES, tags=["cases"])
    case = _case_schema()

    @router.post("", status_code=201, responses=openapi.ok(case, 201), summary="Open a case")
    def open_case(policy: str, body: OpenCase) -> JSONResponse:
        view = backend.open_case(
            policy,
            body.incident,
            at=body.at,
            actor=body.actor,
            severity=body.severity,
            reason=body.reason,
        )
        return JSONResponse(view, status_code=201)

    @router.get("/{case_id:path}", responses=openapi.ok(case), summary="A case")
    def get_case(policy: str, case_id: CaseId) -> JSONResponse:
        return JSONResponse(backend.case(policy, case_id))

    return router


def _due(backend: Backend) -> APIRouter:
    """Due items (claiming them: :mod:`.work`)."""
    router = APIRouter(prefix="/v1/due", tags=["due"])
    items = _list_of("items", "due_items", "before")

    @router.get("", responses=openapi.ok(items))
    def due(before: Instant, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> JSONResponse:
        """Open obligations due at or before ``before``, earliest first."""
        return JSONResponse(backend.due(before, limit))

    return router


def _accountability(backend: Backend) -> APIRouter:
    router = APIRouter(prefix="/v1/policies/{policy}/accountability", tags=["accountability"])
    rows = _list_of("rows", "accountability_rows", "policy", "start", "end", "now")

    @router.get("", responses=openapi.ok(rows))
    def get_accountability(policy: str, start: Instant, end: Instant, now: Instant) -> JSONResponse:
        """Obligations due in ``[start, end)`` met late or missed as of ``now``, by role and
        handling unit (责任追究)."""
        return JSONResponse(backend.accountability(policy, start, end, now))

    return router


async def _known_query(request: Request) -> None:
    """Refuse query parameters the route does not take (422), as bodies refuse unknown keys:
    a misspelt ``limit`` is not silently the default."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _query_names(route.dependant)
    unknown = [k for k in dict.fromkeys(request.query_params.keys()) if k not in known]
    if unknown:
        # A key that is not a name is not shown (problems.from_validation).
        problems = [{"loc": ("query", k), "msg": "not a parameter of this route"} for k in unknown]
        raise RequestValidationError(problems)


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for inner in dependant.dependencies:
        names |= _query_names(inner)
    return names


def _errors(app: FastAPI) -> None:
    @app.exception_handler(YuqingError)
    async def library_error(request: Request, error: YuqingError) -> JSONResponse:
        return _problem(from_error(error))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        return _problem(from_validation(error.errors()))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        headers = dict(error.headers) if error.headers else None
        return _problem(problem(error.status_code, str(error.detail)), headers)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, error: Exception) -> JSONResponse:
        return _problem(problem(500, "the service failed; its log has the details"))


def create_app(backend: Backend, *, token: str, limits: Limits | None = None) -> Any:
    """The service as an ASGI application: the routes behind the gate of :mod:`.limits`."""
    app = FastAPI(
        title="yuqing_core",
        version=__version__,
        description="Online public-opinion (网络舆情) cases over HTTP/JSON. Every request "
        "carries the bearer token; every error is a problem document (RFC 9457).",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(_known_query)],
    )
    # A case's sub-resources before the case: a case id may hold "/", and
    # /cases/{case_id:path} would take /cases/X/obligations too.
    for router in (_policies, _commands, _case_reads, _cases, _due, _accountability):
        app.include_router(router(backend))
    for routes in work_routers(backend):
        app.include_router(routes)
    _errors(app)
    base = app.openapi

    def described() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi.finish(base())
        return app.openapi_schema

    app.openapi = described  # type: ignore[method-assign]
    return Gate(app, token=token, limits=limits or Limits())
