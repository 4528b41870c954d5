"""The JSON Schemas (Draft 2020-12) of what the library writes and reads (JSON Schema 契约).

Each schema is built by pydantic from the real types: the command models of
:data:`~yuqing_core.workflow.commands.COMMAND_MODELS` (one per trigger), the data of the
``open`` and ``adopt_policy`` events, :class:`~yuqing_core.Obligation`,
:class:`~yuqing_core.DueItem`, :class:`~yuqing_core.Notification` and the policy file's
:class:`~yuqing_core.policy.schema.PolicySpec`. A trigger or a field added to them is in the
schemas without an edit here. ``yuqing schema --all`` prints :func:`all_schemas`.

- ``events``: one event of the case document, as :meth:`Event.to_dict
  <yuqing_core.Event.to_dict>` writes it: one shape per ``trigger`` (the discriminator), its
  ``data`` in the form ``fire`` records (no ``null``, levels as keys, durations as text);
- ``case``: the case document (``{"format", "policy", "id", "events"}``);
- ``commands``: one command a host fires: ``trigger``, ``at``, ``actor``, the caller's
  ``actor_roles`` (optional) and the trigger's ``data``;
- ``obligations``, ``due_items``, ``claimed_due``, ``outbox_entries``, ``notifications``,
  ``accountability_rows``: one of each, in the forms of
  :mod:`yuqing_core.wire.forms`;
- ``conformance``: a conformance vector (:mod:`yuqing_core.wire.conformance`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from typing import Annotated, Any, Literal, NotRequired, Union, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    create_model,
    with_config,
)

# pydantic reads TypedDicts from typing_extensions only, before Python 3.12 (pydantic needs it).
from typing_extensions import TypedDict

from ..accountability import AccountabilityRow
from ..model import Incident, SeverityField
from ..model.vocab import ADOPT_POLICY
from ..policy.data import FINGERPRINT
from ..policy.fields import Name
from ..policy.schema import PolicySpec
from ..rules.obligations import Obligation
from ..store import ClaimedDue, DueItem, OutboxEntry
from ..workflow import Notification
from ..workflow.commands import COMMAND_MODELS
from ..workflow.document import CASE_FORMAT
from .conformance import VECTOR_FORMAT
from .forms import FIELD_TYPES, STATUS_TYPE

__all__ = [
    "DIALECT",
    "SCHEMAS",
    "AdoptData",
    "OpenData",
    "all_schemas",
    "schema",
]

DIALECT = "https://json-schema.org/draft/2020-12/schema"

Fingerprint = Annotated[str, StringConstraints(pattern=f"^{FINGERPRINT.pattern}$")]
Actor = Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]


@with_config(ConfigDict(extra="forbid"))
class OpenData(TypedDict):
    """The data of the ``open`` event: the incident, the level and how it was reached, and the
    fingerprint of the policy version the case was opened under."""

    incident: Incident
    severity: SeverityField
    assessed: NotRequired[SeverityField]
    """The automatic level, where the assessment found one."""
    judged: NotRequired[Literal[True]]
    """The level is a person's judgement."""
    reason: NotRequired[str]
    fingerprint: NotRequired[Fingerprint]


AdoptData = with_config(ConfigDict(extra="forbid"))(
    cast(Any, TypedDict)("AdoptData", {"from": Fingerprint, "to": Fingerprint})
)
"""The data of the ``adopt_policy`` event: the fingerprints of the old and the new version."""


def _literal(value: str) -> Any:
    """``Literal[value]`` for a value known only when the schema is built."""
    return cast(Any, Literal)[value]


def _camel(trigger: str) -> str:
    return "".join(part.capitalize() for part in trigger.split("_"))


ActorRoles = list[Name]
"""The roles the caller holds, as the host knows them (``[workflow.permissions]``)."""


def _shape(trigger: str, data: Any, suffix: str, *, command: bool) -> type[BaseModel]:
    extra: dict[str, Any] = {}
    if command:
        extra["actor_roles"] = (ActorRoles | None, Field(default=None))
    model: type[BaseModel] = create_model(
        f"{_camel(trigger)}{suffix}",
        __config__=ConfigDict(extra="forbid"),
        trigger=(_literal(trigger), ...),
        at=(datetime, ...),
        actor=(Actor, ...),
        **extra,
        data=(data, Field(default_factory=dict)) if command else (data, ...),
    )
    return model


def _union(shapes: Iterable[type[BaseModel]]) -> Any:
    return Annotated[Union[tuple(shapes)], Field(discriminator="trigger")]  # noqa: UP007


def event_type() -> Any:
    """One event as the case document holds it, by trigger."""
    data: dict[str, Any] = {"open": OpenData, ADOPT_POLICY: AdoptData, **COMMAND_MODELS}
    return _union(_shape(t, d, "Event", command=False) for t, d in data.items())


def command_type() -> Any:
    """One command as a host fires it, by trigger; ``data`` may be left out, and
    ``actor_roles`` (the caller's roles, for ``[workflow.permissions]``) too."""
    return _union(_shape(t, d, "Command", command=True) for t, d in COMMAND_MODELS.items())


def case_type() -> Any:
    """The case document."""
    return create_model(
        "CaseDocument",
        __config__=ConfigDict(extra="forbid"),
        format=(_literal(CASE_FORMAT), ...),
        policy=(str, ...),
        id=(str, ...),
        events=(cast(Any, list)[event_type()], ...),
    )


def _with_fields(kind: type, extra: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """The schema of ``kind``'s JSON form: pydantic's, with the fields of ``FIELD_TYPES`` as
    they are written, every field required (the form writes them all), and the ``extra``
    properties (written only sometimes, so not required)."""

    def build() -> dict[str, Any]:
        out = TypeAdapter(kind).json_schema(mode="serialization")
        out["required"] = list(out["properties"])
        for name, field_type in {**FIELD_TYPES.get(kind, {}), **extra}.items():
            out["properties"][name] = TypeAdapter(field_type).json_schema()
        used = json.dumps(out["properties"])
        defs = {k: v for k, v in out.pop("$defs", {}).items() if f'"#/$defs/{k}"' in used}
        return {**out, "$defs": defs} if defs else out

    return build


def _validation(kind: Any) -> dict[str, Any]:
    return TypeAdapter(kind).json_schema(mode="validation")


SCHEMAS: dict[str, tuple[str, Callable[[], dict[str, Any]]]] = {
    "policy": ("A policy file (制度文件)", lambda: PolicySpec.model_json_schema()),
    "case": ("The case document (案件 JSON)", lambda: _stored(case_type())),
    "events": ("One event of a case (事件记录)", lambda: _stored(event_type())),
    "commands": ("One command a host fires (命令)", lambda: _validation(command_type())),
    "obligations": (
        "One obligation of a case (时限义务); status only when taken at an instant",
        _with_fields(Obligation, {"status": STATUS_TYPE}),
    ),
    "due_items": ("One due item (到期事项)", _with_fields(DueItem, {})),
    "claimed_due": (
        "One claimed due item (已认领的到期事项): the item, the claim's token and lease",
        _with_fields(ClaimedDue, {}),
    ),
    "outbox_entries": (
        "One entry of the notification outbox (通知发件箱)",
        _with_fields(OutboxEntry, {}),
    ),
    "notifications": ("One notification (通知计划)", _with_fields(Notification, {})),
    "accountability_rows": (
        "One row of the accountability table (责任追究)",
        _with_fields(AccountabilityRow, {}),
    ),
    "conformance": ("A conformance vector (一致性测试向量)", lambda: _conformance()),
}
"""Each schema's name, title and builder, in the order ``yuqing schema --all`` prints them."""


def _stored(kind: Any) -> dict[str, Any]:
    """The schema of ``kind`` with command data in the form events record it: no ``null`` for
    a value left out, and no default (a key not given is not written). These definitions are
    named ``<Model>Recorded`` (``ReportDataRecorded``): the command's ``ReportData`` is the
    input form."""
    models = {m.__name__ for m in COMMAND_MODELS.values()}
    out = _validation(kind)
    defs = out.get("$defs", {})
    for name in models & set(defs):
        for prop in defs[name].get("properties", {}).values():
            _drop_null(prop)
        defs[f"{name}Recorded"] = defs.pop(name)
    _rename_refs(out, {f"#/$defs/{m}": f"#/$defs/{m}Recorded" for m in models})
    return out


def _rename_refs(node: Any, renamed: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and value in renamed:
                node[key] = renamed[value]
            else:
                _rename_refs(value, renamed)
    elif isinstance(node, list):
        for value in node:
            _rename_refs(value, renamed)


def _drop_null(prop: dict[str, Any]) -> None:
    choices = prop.get("anyOf")
    if prop.get("default", ...) is not None or not choices or {"type": "null"} not in choices:
        return
    rest = [c for c in choices if c != {"type": "null"}]
    del prop["anyOf"], prop["default"]
    if len(rest) == 1:
        prop.update(rest[0])
    else:  # pragma: no cover - no command field has two types besides null
        prop["anyOf"] = rest


class _Step(TypedDict):
    """The case after its first ``events`` events, judged at ``at``."""

    events: Annotated[int, Field(ge=1)]
    at: datetime
    state: str
    severity: SeverityField
    obligations: list[Any]
    """Every obligation, with its status at ``at`` (the ``obligations`` schema)."""


class _CaseVector(TypedDict):
    id: str
    events: list[Any]
    """The case's events (the ``events`` schema)."""
    steps: list[_Step]


class _Vector(TypedDict):
    """One preset's scenario: the policy, and each case's events and what it owes after each."""

    format: Literal[VECTOR_FORMAT]  # type: ignore[valid-type]
    preset: str
    fingerprint: Fingerprint
    policy: Any
    """The policy (the ``policy`` schema)."""
    cases: list[_CaseVector]


def _conformance() -> dict[str, Any]:
    out = _validation(_Vector)
    defs = out.setdefault("$defs", {})
    parts = {"Policy": "policy", "Event": "events", "Obligation": "obligations"}
    for name, part in parts.items():
        _embed(defs, name, _built(part))
    out["properties"]["policy"] = {"$ref": "#/$defs/Policy"}
    defs["_CaseVector"]["properties"]["events"]["items"] = {"$ref": "#/$defs/Event"}
    defs["_Step"]["properties"]["obligations"]["items"] = {"$ref": "#/$defs/Obligation"}
    return out


def _embed(defs: dict[str, Any], name: str, part: dict[str, Any]) -> None:
    """Put schema ``part`` into ``defs`` as ``name``, its own definitions beside it."""
    body = {k: v for k, v in part.items() if k not in ("$schema", "$id", "$defs")}
    for key, definition in {**part.get("$defs", {}), name: body}.items():
        if defs.get(key, definition) != definition:  # pragma: no cover - one type, one name
            raise ValueError(f"two definitions named {key!r}")
        defs[key] = definition


def _tidy(node: Any) -> None:
    """Descriptions without their doctest examples (Python for the library's reference, not
    for a schema's reader)."""
    if isinstance(node, dict):
        text = node.get("description")
        if isinstance(text, str) and ">>>" in text:
            node["description"] = text.split(">>>", 1)[0].rstrip()
        for value in node.values():
            _tidy(value)
    elif isinstance(node, list):
        for value in node:
            _tidy(value)


@cache
def _built(name: str) -> dict[str, Any]:
    title, build = SCHEMAS[name]
    body = build()
    _tidy(body)
    body.pop("title", None)
    return {"$schema": DIALECT, "$id": f"urn:yuqing-core:schema:{name}", "title": title, **body}


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema called ``name`` (a key of :data:`SCHEMAS`), as a fresh dict."""
    if name not in SCHEMAS:
        raise KeyError(name)
    return copy.deepcopy(_built(name))


def all_schemas() -> dict[str, dict[str, Any]]:
    """Every JSON Schema, keyed by name."""
    return {name: schema(name) for name in SCHEMAS}
