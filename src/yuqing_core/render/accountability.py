"""The accountability table (责任追究, X2 in docs/rules.md) as Markdown, for a report to the
leadership."""

from __future__ import annotations

from collections.abc import Iterable

from ..accountability import AccountabilityItem, AccountabilityRow
from .wording import PROVISIONAL, md_cell, md_table

__all__ = ["render_accountability_markdown"]

_NOTHING = "| （无逾期或未办） | 0 | 0 | |"


def _item_text(item: AccountabilityItem) -> str:
    due = f"{item.due_at:%Y-%m-%d %H:%M}" + (f" {PROVISIONAL}" if item.provisional else "")
    if item.extended_to is not None:
        due += f"（逾期后延期至 {item.extended_to:%Y-%m-%d %H:%M}）"
    done = f"办结 {item.met_at:%Y-%m-%d %H:%M}" if item.met_at is not None else "未办"
    named = f"{item.obligation_id}「{item.label}」" if item.label else item.obligation_id
    # A roster duty belongs to no case: its line starts with 值班 instead of a case id.
    owner = item.case_id or "值班"
    return f"{owner} {named}（{item.rule}）时限 {due}，{done}"


def _cells(row: AccountabilityRow) -> tuple[str, str, str, str]:
    detail = "<br>".join(md_cell(_item_text(i)) for i in row.items)
    return md_cell(row.label), str(row.late), str(row.missed), detail


def render_accountability_markdown(rows: Iterable[AccountabilityRow]) -> str:
    """The rows as a Markdown table: 单位/角色, 逾期办结, 未办, 明细 (one line per item)."""
    lines = md_table(
        ("单位/角色", "逾期办结", "未办", "明细"), [_cells(r) for r in rows], numeric=(1, 2)
    )
    if len(lines) == 2:
        lines.append(_NOTHING)
    return "\n".join(lines)
