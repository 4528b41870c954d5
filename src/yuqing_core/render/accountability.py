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
    if item.waived_at is not None:
        # The reason is free text on the waive event: the table says one was given.
        waived = f"免除 {item.waived_at:%Y-%m-%d %H:%M}（附理由）"
        done = f"未办，{waived}" if item.outcome == "missed" else waived
    limit = f"时限 {due}" if item.timed else "无时限"
    named = f"{item.obligation_id}「{item.label}」" if item.label else item.obligation_id
    # A roster duty belongs to no case: its line starts with 值班 instead of a case id.
    owner = item.case_id or "值班"
    return f"{owner} {named}（{item.rule}）{limit}，{done}"


def _cells(row: AccountabilityRow, waivers: bool) -> tuple[str, ...]:
    detail = "<br>".join(md_cell(_item_text(i)) for i in row.items)
    counts = (str(row.late), str(row.missed), *((str(row.waived),) if waivers else ()))
    return (md_cell(row.label), *counts, detail)


def render_accountability_markdown(rows: Iterable[AccountabilityRow]) -> str:
    """The rows as a Markdown table: 单位/角色, 逾期办结, 未办, 明细 (one line per item); a
    column 免除 after 未办 when an obligation listed was waived."""
    listed = list(rows)
    waivers = any(r.waived for r in listed)
    head = ("单位/角色", "逾期办结", "未办", *(("免除",) if waivers else ()), "明细")
    numeric = (1, 2, 3) if waivers else (1, 2)
    lines = md_table(head, [_cells(r, waivers) for r in listed], numeric=numeric)
    if len(lines) == 2:
        lines.append(_NOTHING)
    return "\n".join(lines)
