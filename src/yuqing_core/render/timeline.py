"""Timelines of cases (处置时间线): events and obligations side by side, for people.

Rendered as a plain-text table, Markdown, JSON-ready data, or a Mermaid Gantt chart. The preset
pages of the documentation show charts produced here, and a test keeps them in step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from .._dt import ensure_aware
from ..model import Severity
from ..model.vocab import (
    ACTION_TRIGGERS,
    ADOPT_POLICY,
    STAGE_TRIGGERS,
    SYSTEM_EVENTS,
    State,
    Trigger,
    label_of,
)
from ..policy.data import short_fingerprint
from ..rules.obligations import Obligation
from ..workflow.case import Case
from .wording import PROVISIONAL, UNTIMED, md_table, status_mark

__all__ = ["TimelineRow", "gantt", "render", "rows", "to_data"]

Format = Literal["table", "markdown", "json"]


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One line of a timeline: an event that happened or an obligation that was owed."""

    at: datetime
    what: Literal["event", "obligation"]
    label: str
    detail: str
    status: str = ""
    due_at: datetime | None = None
    rule: str = ""
    provisional: bool = False
    """An obligation whose due instant rests on days not settled yet (shown 暂定)."""


def rows(case: Case, now: datetime) -> list[TimelineRow]:
    """Events and obligations of ``case`` in time order (obligations at their due instant)."""
    now = ensure_aware(now, "now")
    cal = case.policy.calendar
    out: list[TimelineRow] = []
    for event in case.events:
        detail = _event_detail(case, event.trigger, dict(event.data))
        out.append(TimelineRow(cal.local(event.at), "event", event.trigger, detail, rule=""))
    for ob in case.obligations:
        # An obligation without a due instant sits where its clock started.
        at = cal.local(ob.due_at if ob.timed else ob.anchor_at)
        out.append(
            TimelineRow(
                at,
                "obligation",
                ob.id,
                _obligation_detail(case, ob, now),
                status=ob.status(now),
                due_at=at if ob.timed else None,
                rule=ob.rule,
                provisional=ob.provisional,
            )
        )
    out.sort(key=lambda r: (r.at, r.what != "event"))
    return out


def _obligation_detail(case: Case, ob: Obligation, now: datetime) -> str:
    """``报告 → 主要领导/分管领导``, who acts, when it was met or waived (as of ``now``: what
    happened after it is not shown), and whether it has no deadline."""
    cal = case.policy.calendar
    roles = case.policy.roles
    text = f"{ob.label} → {'/'.join(roles.get(r, r) for r in ob.recipients)}"
    if ob.by is not None:
        text += f"（{roles.get(ob.by, ob.by)}办理）"
    if ob.met_at is not None and ob.met_at <= now:
        text += f"（{cal.local(ob.met_at):%m-%d %H:%M} 履行 met）"
    if ob.waived_at is not None and ob.waived_at <= now:
        # The reason is free text a person wrote: the timeline says one was given.
        text += f"（{cal.local(ob.waived_at):%m-%d %H:%M} 免除 waived，附理由 reason given）"
    if not ob.timed:
        text += f"（{UNTIMED}）"
    return text


def _event_detail(case: Case, trigger: str, data: dict[str, Any]) -> str:
    if trigger == "open":
        return f"登记 {case.id} ({data.get('severity')})"
    if trigger == ADOPT_POLICY:
        versions = (short_fingerprint(str(data.get(k, ""))) for k in ("from", "to"))
        return f"{SYSTEM_EVENTS[trigger]} " + " → ".join(versions)
    parts = []
    for key in _SHOWN:
        value = data.get(key)
        if value is None or value == "" or value == [] or value is False:
            continue
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        elif key == "severity":
            value = _level_shown(case, str(value))
        parts.append(f"{key}={value}")
    if data.get("metrics") is not None:
        m = data["metrics"]
        parts.append(
            f"views={m.views} comments={m.comments} reposts={m.reposts} outlets={m.outlets}"
        )
    # Free texts a person wrote (reason, note, text, report) may carry personal data: a
    # timeline says a reason was given, never what it says. An automatic escalation's reason
    # is the library's own wording of the rules that fired (P6), so it is shown.
    if data.get("auto"):
        parts.append(f"reason={data.get('reason', '')} (自动 automatic)")
    elif data.get("reason"):
        parts.append("(附理由 reason given)")
    target = (
        label_of(State, _stage_of(trigger))
        or (label_of(Trigger, trigger) if trigger in ACTION_TRIGGERS else "")
        or SYSTEM_EVENTS.get(trigger, "")
    )
    return (target + " " + " ".join(parts)).strip()


def _level_shown(case: Case, chosen: str) -> str:
    """A level as chosen, and the policy's level it maps to when the policy lacks it:
    ``critical→major``."""
    try:
        mapped = case.policy.normalize_severity(Severity.parse(chosen)).key
    except ValueError:
        return chosen
    return chosen if mapped == chosen else f"{chosen}→{mapped}"


_SHOWN = (
    "severity",
    "grade",
    "kind",
    "role",
    "roles",
    "unit",
    "channel",
    "tracker",
    "flags",
    "by",
    "obligation",
    "to",
)
"""Event data shown in a timeline row, in this order."""


def _stage_of(trigger: str) -> str:
    return STAGE_TRIGGERS.get(trigger, "")


def to_data(case: Case, now: datetime) -> dict[str, Any]:
    """The timeline as JSON-ready data (no personal data)."""
    return {
        "case": case.id,
        "policy": case.policy.name,
        "state": case.state,
        "severity": case.severity.key,
        "now": ensure_aware(now, "now").isoformat(),
        "rows": [_row_data(r) for r in rows(case, now)],
    }


def _row_data(r: TimelineRow) -> dict[str, Any]:
    data: dict[str, Any] = {
        "at": r.at.isoformat(),
        "what": r.what,
        "label": r.label,
        "detail": r.detail,
        "status": r.status,
        "rule": r.rule,
    }
    if r.provisional:  # only where it is: a settled timeline's data stays as it was
        data["provisional"] = True
    return data


def render(case: Case, now: datetime, fmt: Format = "table") -> str:
    """The timeline as a plain-text table, Markdown or JSON text."""
    if fmt == "json":
        return json.dumps(to_data(case, now), ensure_ascii=False, indent=2)
    if fmt == "markdown":
        table = md_table(_MARKDOWN_HEAD, [_markdown_cells(r) for r in rows(case, now)])
        lines = [f"### {_head(case)}", "", *table]
    else:
        lines = [_head(case), *(_text_line(r) for r in rows(case, now))]
    return "\n".join(lines) + "\n"


def _head(case: Case) -> str:
    return (
        f"{case.id} {case.incident.title} — {case.policy.name}: "
        f"{case.state} ({label_of(State, case.state)}), "
        f"{case.severity.key} ({case.policy.level_label(case.severity)})"
    )


def _text_line(r: TimelineRow) -> str:
    if r.what == "event":
        return f"  {r.at:%Y-%m-%d %H:%M %a}  ● {r.label:<16} {r.detail}"
    return f"  {r.at:%Y-%m-%d %H:%M %a}  ◆ {r.label:<16} {r.detail} [{r.rule}] {_status(r)}"


def _status(r: TimelineRow) -> str:
    """The status mark of a row, followed by 暂定 when its due instant is provisional."""
    mark = status_mark(r.status)
    return f"{mark} {PROVISIONAL}" if r.provisional else mark


_MARKDOWN_HEAD = ("时间 time", "类型", "项目", "说明", "条款 rule", "状态 status")


def _markdown_cells(r: TimelineRow) -> tuple[str, ...]:
    kind = "事件" if r.what == "event" else "时限"
    return (f"{r.at:%Y-%m-%d %H:%M}", kind, f"`{r.label}`", r.detail, r.rule, _status(r))


def gantt(case: Case, now: datetime, *, title: str | None = None) -> str:
    """A Mermaid Gantt chart: one bar per obligation from its anchor to its due instant,
    marked done when met, critical when breached, named with 暂定 when provisional; events as
    milestones."""
    now = ensure_aware(now, "now")
    cal = case.policy.calendar
    lines = [
        "gantt",
        f"    title {title or case.id + ' ' + case.incident.title}",
        "    dateFormat YYYY-MM-DD HH:mm",
        "    axisFormat %m-%d %H:%M",
    ]
    if case.obligations:  # an empty section is not valid Mermaid
        lines.append("    section 时限 obligations")
    for ob in case.obligations:
        status = ob.status(now)
        # Met: grey; met late: grey and red; breached: red; still running: plain.
        tag = {"met": "done, ", "late": "crit, done, ", "breached": "crit, "}.get(status, "")
        name = f"{ob.label} {'/'.join(ob.recipients)} ({ob.rule})"
        if ob.provisional:
            name += f" {PROVISIONAL}"
        start = f"{cal.local(ob.anchor_at):%Y-%m-%d %H:%M}"
        if not ob.timed:  # no due instant: a milestone where it started
            lines.append(f"    {_safe(name)} :milestone, {tag}{_safe_id(ob.id)}, {start}, 0m")
            continue
        due = f"{cal.local(ob.due_at):%Y-%m-%d %H:%M}"
        lines.append(f"    {_safe(name)} :{tag}{_safe_id(ob.id)}, {start}, {due}")
    lines.append("    section 事件 events")
    for i, event in enumerate(case.events, 1):
        lines.append(
            f"    {_safe(event.trigger)} :milestone, e{i}, {cal.local(event.at):%Y-%m-%d %H:%M}, 0m"
        )
    return "\n".join(lines) + "\n"


def _safe(text: str) -> str:
    return text.replace(":", "：").replace("#", "-")


def _safe_id(text: str) -> str:
    return "o_" + "".join(c if c.isalnum() else "_" for c in text)
