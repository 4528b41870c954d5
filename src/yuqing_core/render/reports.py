"""Reports officers send (舆情报告): the daily opinion log, the weekly bulletin, the quick report.

Each renders as Markdown (``fmt="markdown"``) or plain text (``fmt="text"``), in Chinese:

- :func:`render_daily_log`: 舆情日志 (R4.2 in docs/rules.md): the day's opinions with the time
  found, title, platform, link, level and grade with the rules that gave them, the counts, and a
  handling suggestion by content class (R2.3);
- :func:`render_weekly_bulletin`: 舆情简报 (R3.4, R7.2): counts by level and by content class,
  and the list of the period's opinions;
- :func:`render_quick_report`: 舆情信息快速报送审批表 (R6.2, R6.3), the form a monitor fills in
  for the working group and the director.

Personal data (the reporter's name and phone, the author's handle) shows as ``（已隐去）``
unless ``include_personal=True`` (X4 in docs/rules.md). The library reads no clock: levels and
grades are assessed as known at the end of the reported day or period unless ``at`` says
otherwise, and a host that holds cases passes their current severity (a person's judgement, P8)
in ``severities``.

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
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from pydantic import SecretStr

from .._dt import ensure_aware
from ..api import Policy
from ..errors import ReportError
from ..model import Category, Incident, Severity
from ..model.incident import METRIC_LABELS
from ..rules.assessment import Assessment, assess
from .document import Doc, Field, Section, Table, render_document
from .wording import md_text, one_line, weekday_zh

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
"""Default handling suggestions by content class (R2.3 in docs/rules.md)."""

_URL = re.compile(r"^https?://[^\s<>]+$")

# -- values ----------------------------------------------------------------------------------


def _fmt(value: str, fmt: Format) -> str:
    return md_text(value) if fmt == "markdown" else one_line(value)


def _day_zh(day: date, *, weekday: bool = False) -> str:
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text}（{weekday_zh(day, long=True)}）" if weekday else text


def _secret(value: SecretStr | None, include_personal: bool) -> str | None:
    if value is None:
        return None
    return value.get_secret_value() if include_personal else HIDDEN


def _local(at: datetime, policy: Policy, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """``at`` in the policy calendar's zone."""
    return at.astimezone(policy.calendar.zone).strftime(pattern)


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


def _has_grades(policy: Policy) -> bool:
    """The policy gives sensitivity grades."""
    return policy.spec.assessment.grading is not None and bool(policy.spec.assessment.grades)


def _grade_text(policy: Policy, g: _Graded) -> str | None:
    a = g.assessment
    grading = policy.spec.assessment.grading
    if grading is None or not _has_grades(policy):
        return None
    if a.grade is not None:
        return f"{a.grade}级"
    if grading.window is not None and g.incident.posted_at is None:
        return "待定（发帖时间不详）"
    if a.grade_from is not None and a.at is not None and a.at < a.grade_from:
        return f"待定（{_local(a.grade_from, policy)} 观察期满后评定）"
    return "待定"


def _metrics_text(g: _Graded, policy: Policy) -> tuple[str, str]:
    m = g.assessment.metrics
    if m is None:
        return "数据", "暂无"
    when = _local(m.observed_at, policy)
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
    """The daily opinion log (舆情日志, R4.2 in docs/rules.md) of ``day``: the incidents
    discovered that day (in the calendar's zone), earliest first.

    Levels and grades are assessed as known at ``at`` (default: the end of ``day``);
    ``severities`` maps incident ids to a case's current severity, which then shows instead of
    the automatic one. ``suggestions`` maps incident ids to a handling suggestion; the default
    follows the content class (R2.3).
    """
    _check_fmt(fmt)
    at = _end_of(day, policy) if at is None else ensure_aware(at, "at")
    chosen = _on_days(policy, incidents, day, day)
    doc = Doc(
        "舆情日志",
        [
            Field("制度", _fmt(policy.title, fmt)),
            Field("日期", _day_zh(day, weekday=True)),
            Field("本日舆情", f"{len(chosen)} 条"),
        ],
    )
    for n, inc in enumerate(chosen, 1):
        g = _grade(policy, inc, at, severities)
        own = suggestions.get(inc.id) if suggestions is not None else None
        suggestion = own if own is not None else SUGGESTIONS[inc.category]
        sec = Section(f"{n}. {_fmt(inc.title, fmt)}")
        sec.fields += _found_fields(policy, inc, fmt, include_personal)
        sec.fields += _judgement_fields(policy, g)
        sec.fields.append(Field("处置建议", _fmt(suggestion, fmt)))
        sec.fields += _reporter_fields(inc, fmt, include_personal)
        doc.sections.append(sec)
    if not chosen:
        doc.sections.append(Section("本日情况", note="本日未发现涉及本单位的网络舆情。"))
    return render_document(doc, fmt)


def _found_fields(
    policy: Policy, inc: Incident, fmt: Format, include_personal: bool
) -> list[Field]:
    """When and where the opinion was found and posted, and its content class."""
    fields = [Field("发现时间", _local(inc.discovered_at, policy))]
    if inc.posted_at is not None:
        fields.append(Field("发帖时间", _local(inc.posted_at, policy)))
    src = inc.source
    fields.append(Field("平台", _fmt(src.platform, fmt) if src and src.platform else "不详"))
    if src is not None and src.url:
        fields.append(Field("链接", _link(src.url, fmt)))
    if src is not None and src.author_handle is not None:
        author = _secret(src.author_handle, include_personal) or ""
        fields.append(Field("发帖人", _fmt(author, fmt)))
    fields.append(Field("类别", inc.category.label))
    return fields


def _link(url: str, fmt: Format) -> str:
    """A web address as a Markdown autolink; anything else as text."""
    if fmt == "markdown" and _URL.match(url):
        return f"<{url}>"
    return url if url.startswith("<") else _fmt(url, fmt)


def _judgement_fields(policy: Policy, g: _Graded) -> list[Field]:
    """The level, the grade, the rules that gave them, and the counts they were read on."""
    fields = [Field("舆情级别", _level_text(policy, g))]
    grade = _grade_text(policy, g)
    if grade is not None:
        fields.append(Field("敏感度等级", grade))
    reasons = [
        h.reason_zh(policy.level_label(h.level) if h.level else None) for h in g.assessment.hits
    ]
    fields.append(Field("研判依据", "" if reasons else "无规则触发", reasons))
    fields.append(Field(*_metrics_text(g, policy)))
    return fields


def _reporter_fields(inc: Incident, fmt: Format, include_personal: bool) -> list[Field]:
    if inc.reporter is None:
        return []
    fields = []
    reporter = _reporter_text(inc, include_personal)
    if reporter:
        fields.append(Field("报告人", _fmt(reporter, fmt)))
    if inc.reporter.unit:
        fields.append(Field("报告单位", _fmt(inc.reporter.unit, fmt)))
    return fields


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
    """The opinion bulletin (舆情简报, R3.4, R7.2 in docs/rules.md) of the days ``start`` to ``end``
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
    graded = [_grade(policy, i, at, severities) for i in _on_days(policy, incidents, start, last)]
    doc = Doc(
        "舆情简报" if issue is None else f"舆情简报（{issue}）",
        [
            Field("制度", _fmt(policy.title, fmt)),
            Field("期间", f"{_day_zh(start, weekday=True)}至{_day_zh(last, weekday=True)}"),
            Field("舆情总数", f"{len(graded)} 条"),
        ],
    )
    doc.sections += [
        Section("按级别统计", table=Table(("级别", "条数"), _count_by_level(policy, graded))),
        Section("按类别统计", table=Table(("类别", "条数"), _count_by_category(graded))),
        _opinion_list(policy, graded, fmt),
    ]
    return render_document(doc, fmt)


def _count_by_level(policy: Policy, graded: Sequence[_Graded]) -> list[tuple[str, str]]:
    """Opinions per level, highest first (a level the policy lacks too), then the ungraded."""
    levels = list(policy.severities)
    levels += sorted({g.severity for g in graded if g.severity and g.severity not in levels})
    counts = [
        (policy.level_label(s), str(sum(g.severity == s for g in graded)))
        for s in sorted(levels, reverse=True)
    ]
    counts.append(("未定级", str(sum(g.severity is None for g in graded))))
    return counts


def _count_by_category(graded: Sequence[_Graded]) -> list[tuple[str, str]]:
    return [(c.label, str(sum(g.incident.category is c for g in graded))) for c in Category]


def _opinion_list(policy: Policy, graded: Sequence[_Graded], fmt: Format) -> Section:
    """The period's opinions as a table: found, title, platform, level (and grade)."""
    section = Section("舆情列表")
    if not graded:
        section.note = "本期未发现涉及本单位的网络舆情。"
        return section
    has_grades = _has_grades(policy)
    head = ("序号", "发现时间", "标题", "平台", "级别") + (("等级",) if has_grades else ())
    rows = []
    for n, g in enumerate(graded, 1):
        inc = g.incident
        platform = inc.source.platform if inc.source and inc.source.platform else "不详"
        row: tuple[str, ...] = (
            str(n),
            _local(inc.discovered_at, policy, "%m-%d %H:%M"),
            _fmt(inc.title, fmt),
            _fmt(platform, fmt),
            _level_text(policy, g),
        )
        if has_grades:
            row += (_grade_text(policy, g) or "",)
        rows.append(row)
    section.table = Table(head, rows)
    return section


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
    """The quick report form (舆情信息快速报送审批表, R6.2 in docs/rules.md) with the approval
    rows of R6.3 left blank for the working group and the director.

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
        Field("发生日期", _day_zh(occurred_on)),
        Field("发生地点", val(place)),
        Field("标题", val(incident.title)),
        Field("主要内容", val(incident.summary)),
        Field("负面影响", val(negative_impact)),
        Field("报送员姓名", val(name)),
        Field("报送日期", _day_zh(report_date)),
        Field("联系电话", val(phone)),
        Field("工作组审核意见", ""),
        Field("局长审定签字", ""),
    ]
    doc = Doc("舆情信息快速报送审批表", fields, form=True)
    doc.subtitle = f"制度：{_fmt(policy.title, fmt)}"
    return render_document(doc, fmt)
