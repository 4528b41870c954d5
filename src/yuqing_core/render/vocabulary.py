"""The vocabulary reference, generated from the code so it cannot drift from it: the stages,
the triggers with the data each takes, roles, obligation kinds, levels, flags, categories, and
the lines ``yuqing simulate`` reads.

``docs/reference/vocabulary.md`` is this module's output; a test fails when they differ.
Regenerate with ``yuqing schema --vocabulary > docs/reference/vocabulary.md``.

The English glosses here are also what ``yuqing demo`` prints under its Chinese lines.

>>> gloss(ROLE_EN, "business_supervisor"), gloss(ROLE_EN, "dean")
('business supervisor', 'dean')
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Final, get_args, get_origin

from pydantic import BaseModel

from ..model import Category, Incident, Metrics, Severity
from ..model.incident import KNOWN_FLAGS, METRIC_LABELS
from ..model.vocab import (
    DEFAULT_MET_BY,
    FINAL_STATES,
    STAGE_TRIGGERS,
    ObligationKind,
    Role,
    State,
    Trigger,
)
from ..simulate import LINE_FIELDS
from ..time.duration import Duration
from ..workflow.commands import COMMAND_MODELS, FREE_TEXT_KEYS
from .wording import md_cell, md_table

__all__ = [
    "CATEGORY_EN",
    "DATA_KEYS",
    "FLAG_EN",
    "INCIDENT_KEYS",
    "KIND_EN",
    "ROLE_EN",
    "SEVERITY_EN",
    "STATE_EN",
    "TRIGGER_EN",
    "gloss",
    "markdown_vocabulary",
]

STATE_EN: Final[Mapping[str, str]] = {
    "registered": "registered",
    "assessed": "assessed",
    "reported": "reported",
    "assigned": "assigned to a unit",
    "handling": "being handled",
    "reply_drafted": "reply drafted",
    "reply_approved": "reply approved",
    "responded": "responded publicly",
    "tracking": "tracked",
    "stabilized": "stabilized",
    "reviewed": "reviewed",
    "archived": "archived",
    "dismissed": "dismissed",
}

TRIGGER_EN: Final[Mapping[str, str]] = {
    "open": "open a case",
    "assess": "assess",
    "report": "report to a role",
    "assign": "assign to a unit",
    "start": "start handling",
    "draft_reply": "draft the reply",
    "approve_reply": "approve the reply",
    "respond": "respond publicly",
    "track": "track",
    "stabilize": "mark stabilized",
    "review": "review",
    "archive": "archive",
    "dismiss": "dismiss",
    "escalate": "escalate",
    "downgrade": "downgrade",
    "update_metrics": "update the metrics or flags",
    "extend": "extend a deadline",
    "supervise": "supervise (press a unit)",
    "follow_up": "send a follow-up report",
    "refer": "refer to law enforcement",
    "reopen": "reopen for handling",
    "acknowledge": "acknowledge a notice",
    "pause": "pause the clock",
    "resume": "resume the clock",
    "conclude": "conclude handling",
    "waive": "waive an obligation",
}

ROLE_EN: Final[Mapping[str, str]] = {
    "monitor": "monitor",
    "business_supervisor": "business supervisor",
    "principal_leader": "principal leader",
    "leader_in_charge": "leader in charge",
    "office": "office of the leading group",
    "leading_group": "leading group",
    "spokesperson": "spokesperson",
    "handling_unit": "handling unit",
    "publicity_dept": "publicity department",
    "party_branch": "Party branch",
    "superior": "superior department",
    "law_enforcement": "law enforcement",
}

KIND_EN: Final[Mapping[str, str]] = {
    "report": "report",
    "forward": "forward to a unit",
    "initial_response": "initial handling and public response",
    "reply": "reply with the result",
    "handling_report": "handling report",
    "feedback": "feedback",
    "special_report": "special report",
    "follow_up": "follow-up report",
    "summary": "summary report",
    "notify": "notice to acknowledge",
}

SEVERITY_EN: Final[Mapping[str, str]] = {
    "low": "low",
    "general": "general",
    "significant": "significant",
    "major": "major",
    "critical": "especially major",
}

CATEGORY_EN: Final[Mapping[str, str]] = {
    "suggestion": "suggestion",
    "inquiry": "inquiry, doubt or demand",
    "hype": "malicious spreading or hype",
    "fabrication": "fabrication, distortion, defamation or incitement",
    "other": "other",
}

FLAG_EN: Final[Mapping[str, str]] = {
    "superior_instruction": "instruction from a superior",
    "emergency": "emergency",
    "major_emergency": "especially major or major emergency",
    "mass_incident": "mass incident",
    "high_attention": "high attention on a platform",
    "public_safety": "public safety",
    "food_safety": "food safety",
    "public_health": "public health",
    "natural_disaster": "natural disaster",
    "production_quality": "production quality",
    "security_secrecy": "security and secrecy",
    "network_security": "network security incident",
}

DATA_KEYS: Final[Mapping[str, tuple[str, str]]] = {
    "severity": ("级别", "a level"),
    "reason": ("理由", "the reason"),
    "grade": ("敏感等级", "a sensitivity grade"),
    "note": ("备注", "a note"),
    "role": ("角色", "a role"),
    "roles": ("几个角色（双重报告）", "several roles at once (dual reporting)"),
    "kind": ("所履行的义务种类", "the kind of obligation it meets"),
    "kinds": ("一次履行的几种义务", "several kinds met at once"),
    "text": ("正文", "the text"),
    "unit": ("单位", "a unit"),
    "channel": ("发布渠道", "where it was published"),
    "tracker": ("跟踪的角色或单位", "the role or unit tracking it"),
    "report": ("书面总结报告", "the written review report"),
    "auto": ("自动升级（只由本库写入）", "an automatic escalation (written by the library only)"),
    "metrics": ("一次传播数据观测", "one observation of the metrics"),
    "flags": ("标记", "flags"),
    "by": ("延期时长", "how long to extend by"),
    "obligation": ("所延期的义务 id", "the id of the obligation extended"),
    "to": ("移送对象（角色）", "the role referred to"),
    "obligations": ("暂停的义务 id", "the ids of the obligations paused"),
}
"""What each key of command data means."""

INCIDENT_KEYS: Final[Mapping[str, tuple[str, str]]] = {
    "id": ("案件编号", "the case id"),
    "title": ("标题", "a title"),
    "discovered_at": ("发现时刻，须带时区", "when it was discovered, with an offset"),
    "posted_at": ("发帖时刻", "when it was posted"),
    "category": ("内容类别（见类别表）", "the content category (see the categories)"),
    "metrics": ("传播数据观测（数组）", "observations of the metrics (an array)"),
    "flags": ("标记（见标记表）", "flags (see the flags)"),
    "source": ("来源：平台、网址、发帖人账号", "the source: platform, URL, author's handle"),
    "reporter": ("报告人：姓名、电话、账号、单位", "the reporter: name, phone, account, unit"),
    "unit": ("涉及或发现的单位", "the unit it concerns or was found at"),
    "summary": ("内容摘要（自由文本）", "what it says (free text)"),
}
"""What each field of an incident means."""


def gloss(table: Mapping[str, str], key: str) -> str:
    """The English of ``key`` in ``table``; a key of a policy's own (a role it adds) as is."""
    return table.get(key, key.replace("_", " "))


# -- types -------------------------------------------------------------------------------

_NAMED: Final[Mapping[Any, str]] = {
    str: "text",
    int: "integer",
    bool: "true/false",
    Severity: "level",
    Duration: "duration",
    ObligationKind: "obligation kind",
    Metrics: "metrics",
    Category: "category",
}


def _type(annotation: Any) -> str:
    """What a JSON line writes for a field of this type, in a word or two."""
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is typing.Annotated:
        return _type(args[0])
    if origin is typing.Literal:
        return " / ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        return " / ".join(_type(a) for a in args if a is not type(None))
    if origin in (tuple, frozenset, list):
        return f"array of {_type(args[0])}"
    if annotation in _NAMED:
        return _NAMED[annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "object"
    return "datetime" if getattr(annotation, "__name__", "") == "datetime" else str(annotation)


# -- the page ----------------------------------------------------------------------------

INTRO = """\
# 词汇表 / Vocabulary

<!-- Generated from the code by `yuqing schema --vocabulary`. Do not edit. -->

制度文件、命令、事件和 `yuqing simulate` 的输入都使用下列固定的键（英文小写）；\
每个键有中文名称，时间线和报告显示中文名称。制度可以在 `[[roles]]` 中增加自己的角色，\
也可以使用表中没有的标记。

Policy files, commands, events and the input of `yuqing simulate` use the fixed keys below
(lower-case English); each has its Chinese name, which timelines and reports show. A policy may
add roles of its own under `[[roles]]`, and may use flags not listed here.
"""


def _vocab_table(
    members: Iterable[tuple[str, str]], english: Mapping[str, str], extra: str = ""
) -> list[str]:
    head = ["键 key", "中文", "English"] + ([extra] if extra else [])
    rows = []
    for key, label in members:
        row = [f"`{key}`", md_cell(label), md_cell(gloss(english, key))]
        rows.append(row)
    return md_table(head, rows)


def _states() -> list[str]:
    lines = ["", "## 案件阶段 / States", ""]
    final = [f"`{s}`" for s in State if s in FINAL_STATES]
    lines.append(
        f"按顺序排列；制度可以省略没有的阶段。{'、'.join(final)} 是终结阶段。"
        f" In order; a policy leaves out the stages it does not have. {' and '.join(final)} "
        "are final."
    )
    lines.append("")
    lines += _vocab_table(((s.value, s.label) for s in State), STATE_EN)
    return lines


def _trigger_row(trigger: str) -> list[str]:
    moves = STAGE_TRIGGERS.get(trigger)
    model = COMMAND_MODELS.get(trigger)
    keys = []
    for name, field in (model.model_fields if model else {}).items():
        if name == "auto":
            continue  # written by the library, refused from a host
        keys.append(f"**`{name}`**" if field.is_required() else f"`{name}`")
    return [
        f"`{trigger}`",
        Trigger(trigger).label,
        md_cell(gloss(TRIGGER_EN, trigger)),
        f"`{moves}`" if moves else "",
        ", ".join(keys),
    ]


def _triggers() -> list[str]:
    lines = ["", "## 命令与数据 / Triggers and their data", ""]
    lines.append(
        "`open` 由 `policy.open_case` 执行，其余由 `case.fire(trigger, at=..., actor=..., "
        "**data)` 执行。“进入阶段”为空的命令不改变阶段。数据中粗体的键必须给出；未知的键被拒绝。"
    )
    lines.append("")
    lines.append(
        "`open` is `policy.open_case`; every other trigger is `case.fire(trigger, at=..., "
        "actor=..., **data)`. A trigger with no stage does not move the case. Keys in bold "
        "are required; unknown keys are refused."
    )
    lines.append("")
    head = ["命令 trigger", "中文", "English", "进入阶段 moves to", "数据 data"]
    opening = ["`open`", Trigger.OPEN.label, TRIGGER_EN["open"], f"`{State.REGISTERED.value}`"]
    opening.append("**`incident`**, `severity`, `reason` (`policy.open_case`)")
    rows = [opening] + [_trigger_row(t.value) for t in Trigger if t is not Trigger.OPEN]
    lines += md_table(head, rows)
    return lines


def _data_keys() -> list[str]:
    types_of: dict[str, set[str]] = {}
    for model in COMMAND_MODELS.values():
        for name, field in model.model_fields.items():
            types_of.setdefault(name, set()).add(_type(field.annotation))
    lines = ["", "### 数据的键 / Data keys", ""]
    lines.append(
        "自由文本（`reason`、`note`、`text`、`report`）可能含个人信息：时间线、错误信息和"
        "推演的出错行从不显示其内容。 Free text (`reason`, `note`, `text`, `report`) may "
        "carry personal data: timelines, error messages and the line errors of a simulation "
        "never show it."
    )
    lines.append("")
    rows = []
    for name in sorted(types_of):
        zh, en = DATA_KEYS[name]
        free = "（自由文本）" if name in FREE_TEXT_KEYS else ""
        kind = " or ".join(sorted(types_of[name]))
        rows.append([f"`{name}`", kind, zh + free, en + (" (free text)" if free else "")])
    lines += md_table(["键 key", "类型 type", "中文", "English"], rows)
    return lines


def _roles_and_kinds() -> list[str]:
    lines = ["", "## 角色 / Roles", ""]
    lines += _vocab_table(((r.value, r.label) for r in Role), ROLE_EN)
    lines += ["", "## 时限义务的种类 / Obligation kinds", ""]
    lines.append(
        "“履行命令”是制度未写 `met_by` 时履行该义务的命令。 The meeting trigger is the one "
        "that meets the obligation when the policy sets no `met_by`."
    )
    lines.append("")
    rows = [
        [
            f"`{k.value}`",
            k.label,
            md_cell(gloss(KIND_EN, k.value)),
            ", ".join(f"`{t}`" for t in DEFAULT_MET_BY[k.value]),
        ]
        for k in ObligationKind
    ]
    lines += md_table(["键 key", "中文", "English", "履行命令 met by"], rows)
    return lines


def _levels_flags_categories() -> list[str]:
    lines = ["", "## 舆情级别 / Levels", ""]
    lines.append(
        "由低到高。制度在 `[[levels]]` 中选用其中几级，并可改用自己的名称。 Lowest first; a "
        "policy picks some of them under `[[levels]]` and may name them its own way."
    )
    lines.append("")
    lines += _vocab_table(((s.key, s.label) for s in Severity), SEVERITY_EN)
    lines += ["", "## 标记 / Flags", ""]
    lines.append(
        "舆情的标记（`flags`），研判规则可以据此定级。 Flags of an incident, which grading "
        "rules may use."
    )
    lines.append("")
    lines += _vocab_table(KNOWN_FLAGS.items(), FLAG_EN)
    lines += ["", "## 内容类别 / Categories", ""]
    lines += _vocab_table(((c.value, c.label) for c in Category), CATEGORY_EN)
    return lines


def _line_table(fields: Iterable[tuple[str, str, bool, str, str]]) -> list[str]:
    rows = [
        [f"**`{name}`**" if required else f"`{name}`", kind, md_cell(zh), md_cell(en)]
        for name, kind, required, zh, en in fields
    ]
    return md_table(["键 key", "类型 type", "中文", "English"], rows)


def _line_fields(kind: str) -> list[tuple[str, str, bool, str, str]]:
    """The keys of a ``kind`` line beyond the model's, as ``_line_table`` rows."""
    return [
        (f.name, _LINE_TYPES.get(f.name, "text"), f.required, f.zh, f.en) for f in LINE_FIELDS[kind]
    ]


def _simulation_lines() -> list[str]:
    lines = ["", "## `yuqing simulate` 的输入 / The input of `yuqing simulate`", ""]
    lines.append(
        "JSON Lines：每行一个 JSON 对象，`type` 为 `incident`、`event` 或 `now`。空行和以 `#` "
        "开头的行被跳过。时刻写作 ISO 8601 并带时区（`2025-09-30T16:20:00+08:00`）。粗体的键必须"
        "给出。有错的行带行号报告并跳过，其余的行照常执行。"
    )
    lines.append("")
    lines.append(
        "JSON Lines: one JSON object per line, whose `type` is `incident`, `event` or `now`. "
        "Blank lines and lines starting with `#` are skipped. Times are ISO 8601 with an offset "
        "(`2025-09-30T16:20:00+08:00`). Keys in bold are required. A bad line is reported with "
        "its number and skipped; the other lines run as usual."
    )
    incident = [
        (name, _type(f.annotation), f.is_required(), *INCIDENT_KEYS[name])
        for name, f in Incident.model_fields.items()
    ]
    lines += ["", '### `"type": "incident"`', ""]
    lines.append("登记一个案件。 Opens a case.")
    lines.append("")
    lines += _line_table(incident + _line_fields("incident"))
    for kind, what in (
        ("event", "对案件执行一条命令。 Fires a trigger on a case."),
        ("now", "判断状态的时刻。 The instant statuses are judged at."),
    ):
        lines += ["", f'### `"type": "{kind}"`', "", what, ""]
        lines += _line_table(_line_fields(kind))
    lines += _metrics()
    lines += ["", "例 / Example:", "", "```jsonl", *_EXAMPLE, "```"]
    return lines


def _metrics() -> list[str]:
    lines = ["", "### 传播数据 / Metrics", ""]
    lines.append(
        "`metrics` 的每一项（`update_metrics` 的 `metrics` 为一项）。 Each item of `metrics` "
        "(one item for the `metrics` of `update_metrics`)."
    )
    lines.append("")
    rows = [
        ["**`observed_at`**", "datetime", "观测时刻，须带时区", "when observed, with an offset"]
    ]
    rows += [
        [f"`{name}`", "integer", METRIC_LABELS[name] + "，默认 0", f"{name}, default 0"]
        for name in Metrics.model_fields
        if name in METRIC_LABELS
    ]
    lines += md_table(["键 key", "类型 type", "中文", "English"], rows)
    return lines


_LINE_TYPES: Final[Mapping[str, str]] = {
    "open_at": "datetime",
    "at": "datetime",
    "severity": "level",
    "trigger": "trigger",
    "data": "object",
}

_EXAMPLE: Final = (
    '{"type": "incident", "id": "YQ-1", "title": "食堂投诉", '
    '"discovered_at": "2025-09-30T16:20:00+08:00", "actor": "monitor-1"}',
    '{"type": "event", "case": "YQ-1", "trigger": "report", '
    '"at": "2025-10-09T09:10:00+08:00", "actor": "monitor-1", '
    '"data": {"role": "business_supervisor"}}',
    '{"type": "now", "at": "2025-10-12T12:00:00+08:00"}',
)
"""A short input (a test runs it), shown at the end of the page."""


def markdown_vocabulary() -> str:
    """The vocabulary reference page as Markdown."""
    out = [INTRO.rstrip()]
    out += _states()
    out += _triggers()
    out += _data_keys()
    out += _roles_and_kinds()
    out += _levels_flags_categories()
    out += _simulation_lines()
    return "\n".join(out).rstrip() + "\n"
