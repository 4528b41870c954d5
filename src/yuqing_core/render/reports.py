"""Reports officers send (舆情报告): the daily opinion log, the weekly bulletin, the quick report.

Each renders as Markdown (``fmt="markdown"``) or plain text (``fmt="text"``), in Chinese:

- :func:`render_daily_log`: 舆情日志 (RULES R4.2): the day's opinions with the time found, title,
  platform, link, level and grade with the rules that gave them, the counts, and a handling
  suggestion by content class (R2.3);
- :func:`render_weekly_bulletin`: 舆情简报 (R3.4, R7.2): counts by level and by content class,
  and the list of the period's opinions;
- :func:`render_quick_report`: 舆情信息快速报送审批表 (R6.2, R6.3), the form a monitor fills in
  for the working group and the director.

Personal data (the reporter's name and phone, the author's handle) shows as ``（已隐去）``
unless ``include_personal=True`` (RULES X4). The library reads no clock: levels and grades are
assessed as known at the end of the reported day or period unless ``at`` says otherwise, and a
host that holds cases passes their current severity (a person's judgement, P8) in
``severities``.

>>> from datetime import date, datetime
>>> from zoneinfo import ZoneInfo
>>> from yuqing_core import Incident, Reporter, load_policy
>>> policy = load_policy({"name": "demo", "title": "某局舆情监督制度"})
>>> found = datetime(2025, 10, 9, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
>>> inc = Incident(id="YQ-1", title="窗口办事排长队", discovered_at=found,
...                reporter=Reporter(name="王五", phone="13800000000"))
>>> form = render_quick_report(policy, inc, report_date=date(2025, 10, 9), fmt="text")
>>> [line for line in form.splitlines() if line.startswith(("报送员", "联系"))]
['报送员姓名：（已隐去）', '联系电话：（已隐去）']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

from pydantic import SecretStr

from .._dt import ensure_aware
from ..api import Policy
from ..errors import ReportError
from ..model import Category, Incident, Severity
from ..model.incident import METRIC_LABELS
from ..rules.assessment import Assessment, assess
from .wording import md_table, one_line, weekday_zh

__all__ = [
    "HIDDEN",
    "SUGGESTIONS",
    "ReportError",
    "render_daily_log",
    "render_quick_report",
    "render_weekly_bulletin",
]

Format = Literal["markdown", "text"]

HIDDEN = "（已隐去）"
"""What personal data shows as unless it is asked for."""
UNFILLED = "（未填写）"

SUGGESTIONS: Mapping[Category, str] = {
    Category.SUGGESTION: "对工作有益的建议，予以采纳并答复",
    Category.INQUIRY: (
        "责任单位拟定答复意见，经办公室审核后统一答复；不能即时答复的，当日提出处理意见"
    ),
    Category.HYPE: (
        "依法告知事实真相或处置情况；仍恶意传播、炒作并造成严重后果的，商请执纪执法部门查处"
    ),
    Category.FABRICATION: "澄清事实真相，移交执法部门依法处理",
    Category.OTHER: "持续关注，跟踪研判",
}
"""Default handling suggestions by content class (RULES R2.3)."""

# -- a small document model, rendered either way -------------------------------------------


@dataclass(slots=True)
class _Field:
    label: str
    value: str
    items: list[str] = field(default_factory=list)
    """Sub-items listed under the field (the rules that fired)."""


@dataclass(slots=True)
class _Table:
    head: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


@dataclass(slots=True)
class _Section:
    heading: str
    fields: list[_Field] = field(default_factory=list)
    table: _Table | None = None
    note: str = ""


@dataclass(slots=True)
class _Doc:
    title: str
    fields: list[_Field]
    sections: list[_Section] = field(default_factory=list)
    form: bool = False
    """Render the top fields as a two-column form (表) rather than a list."""
    subtitle: str = ""
    """A line under the title."""


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_URL = re.compile(r"^https?://[^\s<>]+$")


def _md(text: str) -> str:
    """Escape what would change the Markdown's structure (or inject HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))


def _render(doc: _Doc, fmt: Format) -> str:
    return _render_md(doc) if fmt == "markdown" else _render_text(doc)


def _md_fields(fields: Sequence[_Field]) -> list[str]:
    out = []
    for f in fields:
        out.append(f"- {f.label}：{f.value}".rstrip())
        out += [f"    - {_md(item)}" for item in f.items]
    return out


def _render_md(doc: _Doc) -> str:
    lines = [f"# {_md(doc.title)}", ""]
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


def _text_fields(fields: Sequence[_Field], indent: str) -> list[str]:
    out = []
    for f in fields:
        out.append(f"{indent}{f.label}：{f.value}".rstrip())
        out += [f"{indent}  {one_line(item)}" for item in f.items]
    return out


def _render_text(doc: _Doc) -> str:
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


# -- values ----------------------------------------------------------------------------------


def _fmt(value: str, fmt: Format) -> str:
    return _md(value) if fmt == "markdown" else one_line(value)


def _day_zh(day: date, *, weekday: bool = False) -> str:
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text}（{weekday_zh(day, long=True)}）" if weekday else text


def _secret(value: SecretStr | None, include_personal: bool) -> str | None:
    if value is None:
        return None
    return value.get_secret_value() if include_personal else HIDDEN


def _end_of(day: date, policy: Policy) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), policy.calendar.zone)


def _check_fmt(fmt: str) -> None:
    if fmt not in ("markdown", "text"):
        raise ReportError(f"fmt {fmt!r} is not a report format (markdown or text)")


def _on_days(
    policy: Policy, incidents: Iterable[Incident], first: date, last: date
) -> list[Incident]:
    """The incidents discovered on a day from ``first`` to ``last`` (local), earliest first."""
    zone = policy.calendar.zone
    chosen = [i for i in incidents if first <= i.discovered_at.astimezone(zone).date() <= last]
    return sorted(chosen, key=lambda i: (i.discovered_at, i.id))


@dataclass(frozen=True, slots=True)
class _Graded:
    incident: Incident
    assessment: Assessment
    severity: Severity | None
    judged: bool
    """The severity is the host's (a person's judgement), not the automatic floor."""


def _grade(
    policy: Policy,
    incident: Incident,
    at: datetime,
    severities: Mapping[str, Severity] | None,
) -> _Graded:
    a = assess(policy, incident, at)
    if severities is not None and incident.id in severities:
        return _Graded(incident, a, Severity.parse(severities[incident.id]), True)
    return _Graded(incident, a, a.severity, False)


def _level_text(policy: Policy, g: _Graded) -> str:
    if g.severity is None:
        return "未定级"
    label = policy.level_label(g.severity)
    return f"{label}（人工研判）" if g.judged else label


def _grade_text(policy: Policy, g: _Graded) -> str | None:
    a = g.assessment
    grading = policy.spec.assessment.grading
    if grading is None or not policy.spec.assessment.grades:
        return None
    if a.grade is not None:
        return f"{a.grade}级"
    zone = policy.calendar.zone
    if grading.window is not None and g.incident.posted_at is None:
        return "待定（发帖时间不详）"
    if a.grade_from is not None and a.at is not None and a.at < a.grade_from:
        when = a.grade_from.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        return f"待定（{when} 观察期满后评定）"
    return "待定"


def _metrics_text(g: _Graded, policy: Policy) -> tuple[str, str]:
    m = g.assessment.metrics
    if m is None:
        return "数据", "暂无"
    when = m.observed_at.astimezone(policy.calendar.zone).strftime("%Y-%m-%d %H:%M")
    counts = "，".join(f"{METRIC_LABELS[k]} {m.value(k)}" for k in METRIC_LABELS)
    return f"数据（{when}）", counts


# -- the daily opinion log -------------------------------------------------------------------


def render_daily_log(
    policy: Policy,
    incidents: Iterable[Incident],
    day: date,
    *,
    fmt: Format = "markdown",
    include_personal: bool = False,
    at: datetime | None = None,
    severities: Mapping[str, Severity] | None = None,
    suggestions: Mapping[str, str] | None = None,
) -> str:
    """The daily opinion log (舆情日志, RULES R4.2) of ``day``: the incidents discovered that
    day (in the calendar's zone), earliest first.

    Levels and grades are assessed as known at ``at`` (default: the end of ``day``);
    ``severities`` maps incident ids to a case's current severity, which then shows instead of
    the automatic one. ``suggestions`` maps incident ids to a handling suggestion; the default
    follows the content class (R2.3).
    """
    _check_fmt(fmt)
    at = _end_of(day, policy) if at is None else ensure_aware(at, "at")
    zone = policy.calendar.zone
    chosen = _on_days(policy, incidents, day, day)
    doc = _Doc(
        "舆情日志",
        [
            _Field("制度", _fmt(policy.title, fmt)),
            _Field("日期", _day_zh(day, weekday=True)),
            _Field("本日舆情", f"{len(chosen)} 条"),
        ],
    )
    for n, inc in enumerate(chosen, 1):
        g = _grade(policy, inc, at, severities)
        sec = _Section(f"{n}. {_fmt(inc.title, fmt)}")
        f = sec.fields.append
        f(_Field("发现时间", inc.discovered_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")))
        if inc.posted_at is not None:
            f(_Field("发帖时间", inc.posted_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")))
        src = inc.source
        f(_Field("平台", _fmt(src.platform, fmt) if src and src.platform else "不详"))
        if src is not None and src.url:
            link = f"<{src.url}>" if fmt == "markdown" and _URL.match(src.url) else src.url
            f(_Field("链接", link if link.startswith("<") else _fmt(link, fmt)))
        if src is not None and src.author_handle is not None:
            f(_Field("发帖人", _fmt(_secret(src.author_handle, include_personal) or "", fmt)))
        f(_Field("类别", inc.category.label))
        f(_Field("舆情级别", _level_text(policy, g)))
        grade = _grade_text(policy, g)
        if grade is not None:
            f(_Field("敏感度等级", grade))
        reasons = [
            h.reason_zh(policy.level_label(h.level) if h.level else None) for h in g.assessment.hits
        ]
        f(_Field("研判依据", "" if reasons else "无规则触发", reasons))
        f(_Field(*_metrics_text(g, policy)))
        own = suggestions.get(inc.id) if suggestions is not None else None
        f(_Field("处置建议", _fmt(own if own is not None else SUGGESTIONS[inc.category], fmt)))
        if inc.reporter is not None:
            reporter = _reporter_text(inc, include_personal)
            if reporter:
                f(_Field("报告人", _fmt(reporter, fmt)))
            if inc.reporter.unit:
                f(_Field("报告单位", _fmt(inc.reporter.unit, fmt)))
        doc.sections.append(sec)
    if not chosen:
        doc.sections.append(_Section("本日情况", note="本日未发现涉及本单位的网络舆情。"))
    return _render(doc, fmt)


def _reporter_text(inc: Incident, include_personal: bool) -> str:
    """The reporter's name and phone, or one ``（已隐去）`` for both."""
    r = inc.reporter
    assert r is not None
    if r.name is None and r.phone is None:
        return ""
    if not include_personal:
        return HIDDEN
    name = _secret(r.name, True)
    phone = _secret(r.phone, True)
    return "，".join(p for p in (name, None if phone is None else f"电话 {phone}") if p)


# -- the weekly bulletin ---------------------------------------------------------------------


def render_weekly_bulletin(
    policy: Policy,
    incidents: Iterable[Incident],
    start: date,
    end: date | None = None,
    *,
    fmt: Format = "markdown",
    at: datetime | None = None,
    severities: Mapping[str, Severity] | None = None,
    issue: str | None = None,
) -> str:
    """The opinion bulletin (舆情简报, RULES R3.4, R7.2) of the days ``start`` to ``end``
    (inclusive; default the 7 days from ``start``): counts by level and by content class, and
    the period's opinions earliest first.

    Levels and grades are assessed as known at ``at`` (default: the end of ``end``). The
    bulletin names no person, so it has no ``include_personal``.
    """
    _check_fmt(fmt)
    last = start + timedelta(days=6) if end is None else end
    if last < start:
        raise ReportError(f"the period ends ({last}) before it starts ({start})")
    at = _end_of(last, policy) if at is None else ensure_aware(at, "at")
    zone = policy.calendar.zone
    graded = [_grade(policy, i, at, severities) for i in _on_days(policy, incidents, start, last)]
    title = "舆情简报" if issue is None else f"舆情简报（{issue}）"
    doc = _Doc(
        title,
        [
            _Field("制度", _fmt(policy.title, fmt)),
            _Field("期间", f"{_day_zh(start, weekday=True)}至{_day_zh(last, weekday=True)}"),
            _Field("舆情总数", f"{len(graded)} 条"),
        ],
    )
    levels = list(policy.severities)
    levels += sorted({g.severity for g in graded if g.severity and g.severity not in levels})
    by_level = [
        (policy.level_label(s), str(sum(g.severity == s for g in graded)))
        for s in sorted(levels, reverse=True)
    ]
    by_level.append(("未定级", str(sum(g.severity is None for g in graded))))
    by_cat = [(c.label, str(sum(g.incident.category is c for g in graded))) for c in Category]
    doc.sections.append(_Section("按级别统计", table=_Table(("级别", "条数"), by_level)))
    doc.sections.append(_Section("按类别统计", table=_Table(("类别", "条数"), by_cat)))
    has_grades = policy.spec.assessment.grading is not None and bool(policy.spec.assessment.grades)
    head = ("序号", "发现时间", "标题", "平台", "级别") + (("等级",) if has_grades else ())
    rows = []
    for n, g in enumerate(graded, 1):
        inc = g.incident
        platform = inc.source.platform if inc.source and inc.source.platform else "不详"
        row: tuple[str, ...] = (
            str(n),
            inc.discovered_at.astimezone(zone).strftime("%m-%d %H:%M"),
            _fmt(inc.title, fmt),
            _fmt(platform, fmt),
            _level_text(policy, g),
        )
        if has_grades:
            row += (_grade_text(policy, g) or "",)
        rows.append(row)
    items = _Section("舆情列表")
    if rows:
        items.table = _Table(head, rows)
    else:
        items.note = "本期未发现涉及本单位的网络舆情。"
    doc.sections.append(items)
    return _render(doc, fmt)


# -- the quick report form -------------------------------------------------------------------


def render_quick_report(
    policy: Policy,
    incident: Incident,
    *,
    report_date: date,
    place: str = "",
    negative_impact: str = "",
    occurred_on: date | None = None,
    fmt: Format = "markdown",
    include_personal: bool = False,
) -> str:
    """The quick report form (舆情信息快速报送审批表, RULES R6.2) with the approval rows of
    R6.3 left blank for the working group and the director.

    The date of occurrence is ``occurred_on``, else the posting date, else the discovery date
    (in the calendar's zone); the main content is the incident's summary. The reporter's name
    and phone show as ``（已隐去）`` unless ``include_personal=True``.
    """
    _check_fmt(fmt)
    zone = policy.calendar.zone
    if occurred_on is None:
        moment = incident.posted_at or incident.discovered_at
        occurred_on = moment.astimezone(zone).date()
    r = incident.reporter
    name = _secret(r.name if r else None, include_personal)
    phone = _secret(r.phone if r else None, include_personal)

    def val(text: str | None) -> str:
        return _fmt(text, fmt) if text else UNFILLED

    fields = [
        _Field("发生日期", _day_zh(occurred_on)),
        _Field("发生地点", val(place)),
        _Field("标题", val(incident.title)),
        _Field("主要内容", val(incident.summary)),
        _Field("负面影响", val(negative_impact)),
        _Field("报送员姓名", val(name)),
        _Field("报送日期", _day_zh(report_date)),
        _Field("联系电话", val(phone)),
        _Field("工作组审核意见", ""),
        _Field("局长审定签字", ""),
    ]
    doc = _Doc("舆情信息快速报送审批表", fields, form=True)
    doc.subtitle = f"制度：{_fmt(policy.title, fmt)}"
    return _render(doc, fmt)
