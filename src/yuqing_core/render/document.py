"""A small document model for the reports, rendered as Markdown or as plain text.

A document has a title, top fields (a list, or a two-column form), and sections of fields, a
table or a note. Values arrive already escaped for the format; titles and sub-items are escaped
here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .wording import md_table, md_text, one_line

__all__ = ["Doc", "Field", "Section", "Table", "render_document"]


@dataclass(slots=True)
class Field:
    label: str
    value: str
    items: list[str] = field(default_factory=list)
    """Sub-items listed under the field (the rules that fired)."""


@dataclass(slots=True)
class Table:
    head: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


@dataclass(slots=True)
class Section:
    heading: str
    fields: list[Field] = field(default_factory=list)
    table: Table | None = None
    note: str = ""


@dataclass(slots=True)
class Doc:
    title: str
    fields: list[Field]
    sections: list[Section] = field(default_factory=list)
    form: bool = False
    """Render the top fields as a two-column form (表) rather than a list."""
    subtitle: str = ""
    """A line under the title."""


def render_document(doc: Doc, fmt: Literal["markdown", "text"]) -> str:
    """The document as Markdown or as plain text."""
    return _render_md(doc) if fmt == "markdown" else _render_text(doc)


def _md_fields(fields: Sequence[Field]) -> list[str]:
    out = []
    for f in fields:
        out.append(f"- {f.label}：{f.value}".rstrip())
        out += [f"    - {md_text(item)}" for item in f.items]
    return out


def _render_md(doc: Doc) -> str:
    lines = [f"# {md_text(doc.title)}", ""]
    if doc.subtitle:
        lines += [doc.subtitle, ""]
    if doc.form:
        lines += md_table(("项目", "内容"), [(f.label, f.value) for f in doc.fields])
    else:
        lines += _md_fields(doc.fields)
    for s in doc.sections:
        lines += ["", f"## {s.heading}", ""]
        if s.note:
            lines.append(s.note)
        if s.fields:
            lines += _md_fields(s.fields)
        if s.table is not None:
            lines += md_table(s.table.head, s.table.rows)
    return "\n".join(lines) + "\n"


def _text_fields(fields: Sequence[Field], indent: str) -> list[str]:
    out = []
    for f in fields:
        out.append(f"{indent}{f.label}：{f.value}".rstrip())
        out += [f"{indent}  {one_line(item)}" for item in f.items]
    return out


def _render_text(doc: Doc) -> str:
    lines = [one_line(doc.title)]
    if doc.subtitle:
        lines.append(doc.subtitle)
    lines += _text_fields(doc.fields, "")
    for s in doc.sections:
        lines += ["", s.heading]
        if s.note:
            lines.append(s.note)
        lines += _text_fields(s.fields, "   ")
        if s.table is not None and len(s.table.head) == 2:
            lines += [f"{label}：{value}" for label, value in s.table.rows]
        elif s.table is not None:
            lines += ["  ".join(row) for row in s.table.rows]
    return "\n".join(lines) + "\n"
