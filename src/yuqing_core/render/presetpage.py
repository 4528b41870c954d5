"""Preset documentation pages (预设制度), computed from the preset files by the library.

``yuqing presets NAME`` prints a preset's levels, added roles, rules table (rule id, the source's
words, how it is encoded, the deadline) and readings; ``yuqing presets --markdown`` the index.
The documentation pages under ``docs/presets/`` embed that output verbatim, with the workflow
diagram and the worked timeline, and a test fails when they drift apart, so the pages always
describe the files.

>>> row = rules_table(load_preset("school-tiered")).splitlines()[2].split(" | ")
>>> row[0], row[-1]
('| R3.1', '1个工作日 (`1wd`) |')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from ..api import Policy
from ..model import Category, Severity
from ..model.vocab import ObligationKind, Role, label_of
from ..policy.duty_spec import DUTY_KIND_LABELS
from ..policy.schema import Band, DutySpec, GradeRule, LadderSpec, ObligationSpec, SeverityRule
from ..presets import load as load_preset
from ..presets import names as preset_names
from ..simulate import run_scenario
from ..time.duration import Duration, DurationKind
from .diagram import mermaid
from .timeline import gantt, render
from .wording import md_cell, md_table, one_line

__all__ = [
    "TIMELINE_END",
    "TIMELINE_START",
    "index_table",
    "levels_table",
    "preset_list",
    "preset_markdown",
    "readings",
    "roles_table",
    "rules_table",
    "source_system",
    "timeline_markdown",
    "workflow_markdown",
]

_RULE_NOTE: Final = re.compile(r"^(R\d+\.\d+): (.*)$", re.DOTALL)
"""A note that stands for a rule with no deadline: ``R10.1: 「原文」 — 说明``."""
_RULE_ID: Final = re.compile(r"^R(\d+)\.(\d+)$")

_ANCHORS_ZH: Final[dict[str, str]] = {
    "discovered": "发现时",
    "posted": "发帖时（未知时用发现时）",
    "opened": "登记时",
}
_DUTY_KINDS_ZH: Final = DUTY_KIND_LABELS


# -- text helpers -------------------------------------------------------------------------


def source_system(policy: Policy) -> str:
    """The source system a policy encodes (``"S3"``), read from its ``source`` line."""
    m = re.match(r"^(S\d+)\b", policy.spec.source)
    return m.group(1) if m else ""


def _cell(text: str) -> str:
    """Text made safe for one Markdown table cell, on one line; an empty cell shows ``—``."""
    return md_cell(one_line(text)) or "—"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    return "\n".join(md_table(head, rows)) + "\n"


def duration_zh(d: Duration, grace: Duration | None = None) -> str:
    """A duration in Chinese with its policy text: ``3个工作日 (`3wd`)``.

    >>> duration_zh(Duration.parse("now"), Duration.parse("30min"))
    '立即（宽限30分钟） (`now`)'
    """
    zh = d.zh()
    if d.kind is DurationKind.NOW and grace is not None:
        zh += f"（宽限{grace.zh()}）"
    return f"{zh} (`{d}`)"


def _conditions(
    flags: Iterable[str],
    categories: Iterable[Category],
    bands: Iterable[Band],
    no_flags: Iterable[str] = (),
) -> list[str]:
    out = []
    cats = [c.label for c in categories]
    if cats:
        out.append("类别：" + "、".join(cats))
    flag_list = [f"`{f}`" for f in flags]
    if flag_list:
        out.append("标记：" + "、".join(flag_list))
    band_list = [b.describe_zh() for b in bands]
    if band_list:
        out.append("或".join(band_list))
    excluded = [f"`{f}`" for f in no_flags]
    if excluded:
        out.append("带以下标记时不适用：" + "、".join(excluded))
    return out


def _levels_zh(policy: Policy, levels: Iterable[Severity]) -> str:
    chosen = list(levels)
    if not chosen:
        return "全部级别"
    return "级别：" + "、".join(f"{policy.level_label(s)}（`{s}`）" for s in chosen)


def _role_zh(policy: Policy, role: str) -> str:
    return f"`{role}`（{policy.roles.get(role, role)}）"


# -- rows ---------------------------------------------------------------------------------


def _rule_key(rule: str) -> tuple[int, int, int]:
    m = _RULE_ID.match(rule)
    if m is None:
        return (1, 0, 0)
    return (0, int(m.group(1)), int(m.group(2)))


def _assessment_row(policy: Policy, r: SeverityRule) -> tuple[str, str, str, str]:
    parts = [f"`{r.id}`：研判 → {policy.level_label(r.level)}（`{r.level}`）"]
    parts += _conditions(r.any_flags, r.any_categories, r.any_metrics, r.no_flags)
    if r.window is not None:
        parts.append(f"只看发帖后{r.window.zh()}内的观测")
    return r.rule, r.text, "；".join(parts), "—"


def _grade_row(r: GradeRule) -> tuple[str, str, str, str]:
    parts = [f"`{r.id}`：敏感度 → {r.grade} 级"]
    parts += _conditions(r.any_flags, r.any_categories, r.any_metrics, r.no_flags)
    if r.window is not None:
        parts.append(f"只看发帖后{r.window.zh()}内的观测")
    return r.rule, r.text, "；".join(parts), "—"


def _obligation_row(policy: Policy, ob: ObligationSpec) -> tuple[str, str, str, str]:
    spec = policy.spec
    parts = [
        f"`{ob.id}`：`{ob.kind}` {ob.label or ObligationKind(ob.kind).label} → "
        + "或".join(_role_zh(policy, r) for r in ob.roles),
        _levels_zh(policy, ob.levels),
    ]
    parts += _conditions(ob.any_flags, ob.any_categories, (), ob.no_flags)
    if ob.after is not None:
        parts.append(f"起算：`{ob.after}` 履行时（逐级）")
    elif ob.anchor in _ANCHORS_ZH:
        parts.append(f"起算：{_ANCHORS_ZH[ob.anchor]}")
    else:
        firing = "最近一次" if ob.anchor_firing == "latest" else "首次"
        parts.append(f"起算：{firing} `{ob.anchor}` 时")
    if ob.by is not None:
        parts.append(f"由{_role_zh(policy, ob.by)}办理")
    if ob.met_by:
        parts.append("由 " + "、".join(f"`{c.describe()}`" for c in ob.conditions) + " 履行")
    if ob.reading:
        parts.append(f"读法：{ob.reading}")
    if ob.warnings:
        parts.append("预警：" + "、".join(w.zh() for w in ob.warnings))
    deadline = (
        "无时限（只定先后）"
        if ob.within is None
        else duration_zh(ob.within, spec.timing.immediate_grace)
    )
    if ob.every is not None:
        deadline += f"，此后每{duration_zh(ob.every)}一次，直至 `{ob.until}`"
    if ob.extendable and spec.workflow.max_extension is not None:
        deadline += f"；可延期，合计不超过{duration_zh(spec.workflow.max_extension)}"
    return ob.rule, ob.text, "；".join(parts), deadline


def _ladder_row(policy: Policy, ladder: LadderSpec) -> tuple[str, str, str, str]:
    steps = " → ".join(
        f"{_role_zh(policy, s.role)} {duration_zh(s.timeout, policy.spec.timing.immediate_grace)}"
        for s in ladder.steps
    )
    named = f"（{ladder.label}）" if ladder.label else ""
    parts = [f"`{ladder.id}`：升级链{named} {steps}", _levels_zh(policy, ladder.levels)]
    parts += _conditions(ladder.any_flags, ladder.any_categories, (), ladder.no_flags)
    parts.append(f"起算：{_ANCHORS_ZH[ladder.anchor]}")
    first = duration_zh(ladder.steps[0].timeout, policy.spec.timing.immediate_grace)
    return ladder.rule, ladder.text, "；".join(parts), f"逐级，首级 {first}"


def _duty_row(policy: Policy, duty: DutySpec) -> tuple[str, str, str, str]:
    parts = [
        f"`{duty.id}`：{_DUTY_KINDS_ZH[duty.kind]}（`{duty.kind}`）→ {_role_zh(policy, duty.role)}"
    ]
    if duty.working_days_only:
        parts.append("仅工作日（含调休上班日）")
    if duty.rest_days_only:
        parts.append("仅休息日（含调休放假日）")
    return duty.rule, duty.text, "；".join(parts), f"`{duty.rrule}`"


def _note_row(note: str) -> tuple[str, str, str, str] | None:
    m = _RULE_NOTE.match(note)
    if m is None:
        return None
    rule, rest = m.group(1), m.group(2)
    if " — " in rest:
        words, how = rest.split(" — ", 1)
    else:
        words, how = "", rest
    return rule, words, how, "—（不设时限）"


# -- tables -------------------------------------------------------------------------------


def rules_table(policy: Policy) -> str:
    """Every rule of the policy as a Markdown table, ordered by rule id.

    Assessment rules, grades, obligations, ladders and monitoring duties each give a row;
    a note of the form ``R10.1: 「原文」 — 说明`` gives a row for a rule with no deadline.
    """
    spec = policy.spec
    rows: list[tuple[str, str, str, str]] = []
    rows += [_assessment_row(policy, r) for r in spec.assessment.rules]
    rows += [_grade_row(r) for r in spec.assessment.grades]
    rows += [_obligation_row(policy, ob) for ob in spec.obligations]
    rows += [_ladder_row(policy, lad) for lad in spec.ladders]
    rows += [_duty_row(policy, d) for d in spec.monitoring]
    rows += [row for row in (_note_row(n) for n in spec.notes) if row is not None]
    # sorted() is stable: within one rule id the section order above is kept.
    rows = sorted(rows, key=lambda row: _rule_key(row[0]))
    head = ("条款 Rule", "原文 Source words", "编码 Encoding", "时限 Deadline")
    return _table(head, [tuple(_cell(c) for c in row) for row in rows])


def readings(policy: Policy) -> str:
    """The policy's readings of ambiguous or incomplete source text, as a Markdown list."""
    items = [n for n in policy.spec.notes if _RULE_NOTE.match(n) is None]
    return "".join(f"- {one_line(n)}\n" for n in items)


def levels_table(policy: Policy) -> str:
    """The policy's levels, lowest first, as a Markdown table."""
    rows = []
    for lv in policy.spec.levels:
        definition = lv.definition
        if lv.institution_defined:
            definition = f"（由本单位定义 institution-defined）{definition}"
        rows.append((f"`{lv.severity}`", _cell(policy.level_label(lv.severity)), _cell(definition)))
    return _table(("级别 Level", "名称 Name", "定义 Definition"), rows)


def roles_table(policy: Policy) -> str:
    """The roles the policy adds to the canonical ones, as a Markdown table (may be empty)."""
    if not policy.spec.roles:
        return ""
    rows = [(f"`{r.id}`", _cell(r.label)) for r in policy.spec.roles]
    return _table(("角色 Role", "名称 Name"), rows)


def role_labels_table(policy: Policy) -> str:
    """The institution's own names for canonical roles, as a Markdown table (may be empty)."""
    rows = [
        (f"`{role}`", _cell(label), _cell(label_of(Role, role)))
        for role, label in policy.spec.role_labels
    ]
    return _table(("角色 Role", "本单位称谓 Label", "通用名称 Canonical"), rows) if rows else ""


def preset_markdown(policy: Policy) -> str:
    """The generated part of a preset's documentation page."""
    out = [f"### 级别 Levels\n\n{levels_table(policy)}"]
    roles = roles_table(policy)
    if roles:
        out.append(f"### 增设角色 Added roles\n\n{roles}")
    relabelled = role_labels_table(policy)
    if relabelled:
        out.append(f"### 本单位称谓 Role labels\n\n{relabelled}")
    hours = policy.spec.calendar.hours
    if hours is not None:
        out.append(f"### 工作时间 Working hours\n\n{hours.zh()}（工作日，含调休上班日）\n")
    out.append(f"### 规则 Rules\n\n{rules_table(policy)}")
    notes = readings(policy)
    if notes:
        out.append(f"### 解读 Readings\n\n{notes}")
    return "\n".join(out)


def workflow_markdown(policy: Policy) -> str:
    """The preset's workflow as its documentation page shows it: the Mermaid diagram of the
    main path and a line on the guards between the stages."""
    wf = policy.spec.workflow
    guards = []
    if wf.reply_approval_required:
        guards.append("回应前须审定 (`approve_reply` before `respond`)")
    if wf.review_required_from is not None and "reviewed" in wf.stages:
        sev = wf.review_required_from
        guards.append(
            f"{sev.label}（`{sev}`）及以上归档前须总结 (`review` before `archive`"
            f"{', with a written report' if wf.review_report_required else ''})"
        )
    elif wf.review_report_required and "reviewed" in wf.stages:
        guards.append("总结须附书面报告 (`review` needs a written report)")
    if wf.max_extension is not None:
        guards.append(f"延期累计不超过 {duration_zh(wf.max_extension)}")
    else:
        guards.append("不可延期 (no `extend`)")
    lines = [
        "```mermaid",
        mermaid(policy.workflow).rstrip(),
        "```",
        "",
        "图为主路径；案件可跳过后续阶段直接前进，在办阶段都可执行 `escalate`、`supervise`、"
        "`follow_up` 等原地操作（`yuqing diagram --policy "
        f"{policy.name} --full` 画出全部）。The main path; a case may skip ahead, and every live "
        "stage takes the in-place actions.",
        "",
        "关卡 Guards: " + "；".join(guards) + "。",
    ]
    return "\n".join(lines) + "\n"


def index_table() -> str:
    """Every shipped preset as a Markdown table linking to its page."""
    rows = []
    for name in preset_names():
        policy = load_preset(name)
        link = f"[`{name}`]({name}.md)"
        rows.append((link, source_system(policy), _cell(policy.title), _cell(policy.spec.title_en)))
    return _table(("预设 Preset", "来源 Source", "名称", "Title"), rows)


def preset_list() -> str:
    """Every shipped preset on one line: name, source system, title and English title."""
    lines = []
    for name in preset_names():
        policy = load_preset(name)
        english = f" — {policy.spec.title_en}" if policy.spec.title_en else ""
        lines.append(f"{name:<24} {source_system(policy):<4} {policy.title}{english}")
    return "\n".join(lines) + "\n"


# -- the worked timeline ---------------------------------------------------------------

TIMELINE_START = (
    "<!-- timeline:start (generated by yuqing_core.render.presetpage.timeline_markdown) -->"
)
TIMELINE_END = "<!-- timeline:end -->"


def timeline_markdown(name: str) -> str:
    """The worked timeline of preset ``name`` as it appears on its documentation page:
    a Mermaid Gantt chart and a table per case, between the timeline markers."""
    sim = run_scenario(name)
    assert sim.now is not None
    parts = [TIMELINE_START, ""]
    for case in sim.cases.values():
        # The case heading one level below the page's "worked timeline" section, then the
        # chart, then the table.
        heading, _, table = render(case, sim.now, "markdown").partition("\n")
        parts += ["#" + heading, "", "```mermaid", gantt(case, sim.now).rstrip(), "```", ""]
        parts += [table.strip(), ""]
    parts.append(f"判定时刻 statuses as of {sim.now:%Y-%m-%d %H:%M %z}.")
    parts += ["", TIMELINE_END]
    return "\n".join(parts) + "\n"
