"""A case in plain words for a reader new to the library (``yuqing demo``): each line in
Chinese, with its English under it.

The Chinese lines are Chinese only (ids, dates and the data people typed aside): no keys of the
code, no rule references, no English. The English lines use the glosses of the vocabulary
reference. Free text people wrote (reasons, notes, replies) is never shown, only that it was
given.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from ..model import Severity
from ..model.incident import KNOWN_FLAGS, METRIC_LABELS, METRIC_NAMES
from ..model.vocab import ObligationKind, State, Trigger, label_of
from ..rules.obligations import Obligation
from ..time.duration import Duration
from ..workflow.case import Case
from ..workflow.commands import FREE_TEXT_KEYS
from .vocabulary import FLAG_EN, KIND_EN, ROLE_EN, SEVERITY_EN, STATE_EN, gloss
from .wording import weekday_zh

__all__ = ["Pair", "case_lines", "paired", "width"]

Pair = tuple[str, str]
"""A Chinese line and its English."""

_PAST_EN: Final[Mapping[str, str]] = {
    "assess": "assessed",
    "report": "reported",
    "assign": "assigned",
    "start": "handling started",
    "draft_reply": "reply drafted",
    "approve_reply": "reply approved",
    "respond": "responded publicly",
    "track": "tracking",
    "stabilize": "stabilized",
    "review": "reviewed",
    "archive": "archived",
    "dismiss": "dismissed",
    "escalate": "escalated",
    "downgrade": "downgraded",
    "update_metrics": "metrics updated",
    "extend": "deadline extended",
    "supervise": "supervised",
    "follow_up": "follow-up report sent",
    "refer": "referred",
    "reopen": "reopened",
    "acknowledge": "acknowledged",
    "pause": "clock paused",
    "resume": "clock resumed",
    "conclude": "handling concluded",
    "waive": "obligation waived",
}
"""What happened, in English, for each trigger (the Chinese is the trigger's label)."""

_STATUS: Final[Mapping[str, Pair]] = {
    "met": ("{met} 按时履行 ✓", "met on time, {met} ✓"),
    "late": ("{met} 才履行，已逾期 ⚠", "met late, {met} ⚠"),
    "breached": ("超时未履行 ✗", "breached: not met ✗"),
    "due_soon": ("临近到期 !", "due soon !"),
    "pending": ("尚未到期 …", "pending …"),
    "waived": ("已免除 ○", "waived ○"),
}

_FREE_TEXT: Final[Mapping[str, Pair]] = {
    "reason": ("附理由", "reason given"),
    "note": ("附说明", "note given"),
    "text": ("附正文", "text given"),
    "report": ("附书面报告", "written report given"),
}


def width(text: str) -> int:
    """How many columns ``text`` takes on a terminal (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def paired(pairs: Sequence[Pair], indent: str, under: int = 0) -> list[str]:
    """Each pair as two lines: the Chinese after ``indent``, the English under it, further
    indented by ``under`` columns."""
    pad = " " * (width(indent) + under)
    return [line for zh, en in pairs for line in (f"{indent}{zh}", f"{pad}{en}")]


def case_lines(case: Case, now: datetime) -> list[str]:
    """The case: what it is and where it stands, each step and each deadline in time order,
    and what is due now."""
    policy = case.policy
    sev = case.severity
    head = (
        f"案件 {case.id}「{case.incident.title}」：{policy.level_label(sev)}，"
        f"当前阶段：{label_of(State, case.state)}",
        f"Case {case.id}: {gloss(SEVERITY_EN, sev.key)}; stage now: {gloss(STATE_EN, case.state)}",
    )
    lines = paired([head], "")
    cal = policy.calendar
    rows: list[tuple[datetime, int, str, Pair]] = []
    for event in case.events:
        rows.append((cal.local(event.at), 0, "●", _event(case, event.trigger, event.data)))
    for ob in case.obligations:
        shown = ob.due_at if ob.timed else ob.anchor_at  # untimed: where it started
        rows.append((cal.local(shown), 1, "◆", _deadline(case, ob, now)))
    for at, _, mark, pair in sorted(rows, key=lambda r: (r[0], r[1])):
        lines += paired([pair], f"  {at:%Y-%m-%d} {weekday_zh(at)} {at:%H:%M}  {mark} ", 0)
    lines += _due_now(case, now)
    return lines


# -- events ------------------------------------------------------------------------------


def _event(case: Case, trigger: str, data: Mapping[str, Any]) -> Pair:
    policy = case.policy
    if trigger == "open":
        sev = Severity.parse(data.get("severity") or policy.lowest.key)
        return f"登记，定为{policy.level_label(sev)}", f"opened as {gloss(SEVERITY_EN, sev.key)}"
    told = [key for key in _DETAIL_ORDER if data.get(key)]
    # ``by`` of an ``extend`` is how long it extends by; of any other command, who acted.
    details = [
        _detail(case, "extension" if (trigger, key) == ("extend", "by") else key, data[key])
        for key in told
        if key not in FREE_TEXT_KEYS
    ]
    if data.get("auto"):  # its reason is the library's, naming rules: told in plain words
        details.append(("自动，因新的传播数据或标记", "automatically, on new metrics or flags"))
    else:
        details += [_FREE_TEXT[key] for key in told if key in FREE_TEXT_KEYS]
    zh, en = Trigger(trigger).label, _PAST_EN[trigger]
    if details:
        zh += "：" + "；".join(d[0] for d in details)
        en += ": " + "; ".join(d[1] for d in details)
    return zh, en


_DETAIL_ORDER: Final = (
    "severity",
    "grade",
    "role",
    "roles",
    "to",
    "unit",
    "tracker",
    "kind",
    "kinds",
    "channel",
    "by",
    "obligation",
    "obligations",
    "metrics",
    "flags",
    "reason",
    "note",
    "text",
    "report",
)
"""Event data told, in this order (free text only as given, never what it says)."""


def _detail(case: Case, key: str, value: Any) -> Pair:
    tell = _DETAILS.get(key)
    if tell is None:  # a unit, a channel, a tracker: as the people wrote it
        return str(value), str(value)
    return tell(case, value)


def _severity(case: Case, value: Any) -> Pair:
    sev = Severity.parse(value)
    return case.policy.level_label(sev), gloss(SEVERITY_EN, sev.key)


def _roles(case: Case, value: Any) -> Pair:
    roles = [value] if isinstance(value, str) else list(value)
    zh = "、".join(case.policy.roles.get(r, r) for r in roles)
    return zh, ", ".join(gloss(ROLE_EN, r) for r in roles)


def _kinds(case: Case, value: Any) -> Pair:
    kinds = [_kind_of(case, v) for v in ([value] if isinstance(value, str) else value)]
    zh = "、".join(label_of(ObligationKind, k) or k for k in kinds)
    return zh, ", ".join(gloss(KIND_EN, k) for k in kinds)


def _metrics(case: Case, value: Any) -> Pair:
    counts = [(n, c) for n in METRIC_NAMES if (c := _count(value, n))]
    zh = "，".join(f"{METRIC_LABELS[n]} {c}" for n, c in counts)
    return zh, ", ".join(f"{n} {c}" for n, c in counts)


def _flags(case: Case, value: Any) -> Pair:
    zh = "、".join(KNOWN_FLAGS.get(f, f) for f in value)
    return zh, ", ".join(gloss(FLAG_EN, f) for f in value)


def _acting(case: Case, value: Any) -> Pair:
    """``by`` on a command other than ``extend``: the role that acted (or a list of roles)."""
    zh, en = _roles(case, value)
    return f"由{zh}经办", f"acting: {en}"


def _extension(case: Case, value: Any) -> Pair:
    """``by`` on an ``extend``: how long it extends by (``2d``)."""
    return f"延长 {Duration.parse(value).zh(spaced=True)}", f"by {value}"


_DETAILS: Final[Mapping[str, Callable[[Case, Any], Pair]]] = {
    "severity": _severity,
    "role": _roles,
    "roles": _roles,
    "to": _roles,
    "kind": _kinds,
    "kinds": _kinds,
    "obligation": _kinds,
    "obligations": _kinds,
    "metrics": _metrics,
    "flags": _flags,
    "grade": lambda case, value: (f"敏感等级 {value}", f"grade {value}"),
    "by": _acting,
    "extension": _extension,
}
"""How each key of event data is told; any other as it was written."""


def _count(metrics: Any, name: str) -> int:
    """One count of metrics recorded as a mapping (an event's data) or a model."""
    return int(metrics.get(name, 0) if isinstance(metrics, Mapping) else getattr(metrics, name))


def _kind_of(case: Case, value: str) -> str:
    """The kind of obligation ``value`` names: a kind, or the id of one of the case's."""
    for ob in case.obligations:
        if ob.id == value:
            return ob.kind
    return value


# -- deadlines ---------------------------------------------------------------------------


def _deadline(case: Case, ob: Obligation, now: datetime) -> Pair:
    policy = case.policy
    role = "或".join(policy.roles.get(r, r) for r in ob.recipients)
    kind = ob.label
    met = "" if ob.met_at is None else f"{policy.calendar.local(ob.met_at):%m-%d %H:%M}"
    zh_status, en_status = (text.format(met=met) for text in _STATUS[ob.status(now)])
    role_en = " or ".join(gloss(ROLE_EN, r) for r in ob.recipients)
    zh = f"时限：{kind} → {role}，{zh_status}"
    en = f"deadline: {gloss(KIND_EN, ob.kind)} → {role_en}, {en_status}"
    if not ob.timed:
        zh, en = zh.replace("时限：", "步骤（无时限）：", 1), en.replace("deadline", "step", 1)
    if ob.provisional:
        zh, en = zh + "（暂定）", en + " (provisional)"
    return zh, en


_DUE_NOW: Final[Mapping[str, Pair]] = {
    "breached": ("已超时", "breached"),
    "due_soon": ("临近到期", "due soon"),
    "pending": ("未到期", "pending"),
}


def _due_now(case: Case, now: datetime) -> list[str]:
    due = case.notifications(now)
    if not due:
        return []
    at = case.policy.calendar.local(now)
    pairs = [(f"此刻（{at:%Y-%m-%d %H:%M}）应办：", f"Due now ({at:%Y-%m-%d %H:%M}):")]
    lines = paired(pairs, "  ")
    for n in due:
        zh_status, en_status = _DUE_NOW.get(n.status, (n.status, n.status))
        due_at = case.policy.calendar.local(n.due_at)
        kind = n.label or label_of(ObligationKind, n.kind) or n.kind
        pair = (
            f"{kind} → {n.role_label}，时限 {due_at:%Y-%m-%d %H:%M}，{zh_status}",
            f"{gloss(KIND_EN, n.kind)} → {gloss(ROLE_EN, n.role)}, due "
            f"{due_at:%Y-%m-%d %H:%M}, {en_status}",
        )
        lines += paired([pair], "    - ", 0)
    return lines
