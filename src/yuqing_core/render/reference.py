"""The policy file reference, generated from the schema so it cannot drift from it.

``docs/reference/policy-file.md`` is this module's output; a test fails when they differ.
Regenerate with ``yuqing schema --markdown > docs/reference/policy-file.md``.
"""

from __future__ import annotations

import types
import typing
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ..model.vocab import ObligationKind, Role, State, Trigger
from ..policy.schema import PolicySpec
from .wording import md_cell

__all__ = ["markdown_reference"]

INTRO = """\
# 制度文件参考 / Policy file reference

<!-- Generated from yuqing_core.policy.schema by `yuqing schema --markdown`. Do not edit. -->

制度文件是 TOML（或 JSON）。未知的键会被拒绝，错误信息写明文件、键路径和错误值。
下表由代码中的模式（schema）自动生成。

A policy file is TOML (or JSON). Unknown keys are rejected; every error names the file, the
dotted key path and the bad value. The tables below are generated from the schema in the code.
Durations are written `90min`, `3h`, `1h30min` (elapsed), `3d` (a Civil Code day period), `1wd`
(working days), `4wh` (working hours, with `[calendar] working_hours`), `same_day` or `now` (see
[How deadlines are counted](../deadlines.md)). Warning points are written `50%` (a share of the
span on the obligation's own clock) or `2h`, `2wh` (a time before the due instant).
"""


_CHOICES = (ObligationKind, Role, State, Trigger)
"""Vocabularies listed value by value, as a policy file spells them."""


def _type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        # What a file writes: a validator's declared input type, when it has one.
        written = [
            m.json_schema_input_type
            for m in annotation.__metadata__
            if getattr(m, "json_schema_input_type", PydanticUndefined) is not PydanticUndefined
        ]
        return _type_name(written[0] if written else get_args(annotation)[0])
    if origin is typing.Literal:
        return " \\| ".join(f"`{a!r}`".replace("'", '"') for a in get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        parts = [a for a in get_args(annotation) if a is not type(None)]
        name = " \\| ".join(_type_name(a) for a in parts)
        return f"{name} (optional)" if len(parts) < len(get_args(annotation)) else name
    if origin is tuple or origin is list:
        args = get_args(annotation)
        return f"array of {_type_name(args[0])}" if args else "array"
    if origin is dict:
        return f"table of {_type_name(get_args(annotation)[1])}"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return "table"
        if annotation in _CHOICES:
            return " \\| ".join(f'`"{m.value}"`' for m in annotation)
        names = {
            "str": "string",
            "int": "integer",
            "float": "number",
            "bool": "boolean",
            "date": "date",
            "Duration": "duration",
            "Severity": "severity",
            "WarnPoint": "warning point",
        }
        return names.get(annotation.__name__, annotation.__name__)
    return str(annotation)


def _written(field: FieldInfo) -> Any:
    """The type a file writes for ``field``: a validator's declared input type, if any."""
    for m in field.metadata:
        written = getattr(m, "json_schema_input_type", PydanticUndefined)
        if written is not PydanticUndefined:
            return written
    return field.annotation


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    extra = field.json_schema_extra
    value = extra["default"] if isinstance(extra, dict) and "default" in extra else field.default
    if value == {}:
        return "`{}`"
    if value is PydanticUndefined or isinstance(value, BaseModel):
        return ""
    if isinstance(value, tuple):
        if value and isinstance(value[0], BaseModel):
            keys = [str(getattr(v, "severity", getattr(v, "id", ""))) for v in value]
            return "`" + ", ".join(keys) + "`"
        if len(value) > 4:
            return "see text"
        return "`[" + ", ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in value) + "]`"
    if value is None:
        return ""
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    return f"`{value}`"


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in get_args(annotation):
        out += _models(arg)
    return out


def _section(
    model: type[BaseModel], heading: str, bare: str, out: list[str], seen: set[str]
) -> None:
    if bare in seen:
        return
    seen.add(bare)
    doc = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    out += [
        "",
        f"## `{heading}`",
        "",
        doc,
        "",
        "| key | type | default | meaning |",
        "| --- | --- | --- | --- |",
    ]
    nested: list[tuple[type[BaseModel], str, str]] = []
    for name, field in model.model_fields.items():
        desc = md_cell(field.description or "")
        out.append(f"| `{name}` | {_type_name(_written(field))} | {_default(field)} | {desc} |")
        for sub in _models(field.annotation):
            is_array = get_origin(field.annotation) is tuple
            path = f"{bare}.{name}" if bare else name
            nested.append((sub, f"[[{path}]]" if is_array else f"[{path}]", path))
    for sub, head, path in nested:
        _section(sub, head, path, out, seen)


def markdown_reference() -> str:
    """The reference page as Markdown."""
    out = [INTRO.rstrip()]
    _section(PolicySpec, "top level", "", out, set())
    return "\n".join(out).rstrip() + "\n"
