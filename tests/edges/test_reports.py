"""Reports: the daily opinion log (舆情日志), the weekly bulletin (舆情简报) and the quick report
form (舆情信息快速报送审批表, RULES R6.2), rendered exactly; personal data hidden by default."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

import yuqing_core as yq
from tests.helpers import S4, S8, cst
from yuqing_core.render.reports import (
    ReportError,
    render_daily_log,
    render_quick_report,
    render_weekly_bulletin,
)

POLICY_DATA: dict[str, Any] = {
    "name": "school",
    "title": "测试学校网络舆情制度",
    "assessment": {
        "rules": S8["assessment"]["rules"],
        "grading": S4["assessment"]["grading"],
        "grades": S4["assessment"]["grades"],
    },
}
POLICY = yq.load_policy(POLICY_DATA)

CANTEEN = yq.Incident(
    id="YQ-1",
    title="食堂饭菜质量投诉",
    posted_at=cst(2025, 10, 9, 8),
    discovered_at=cst(2025, 10, 9, 9, 30),
    category=yq.Category.INQUIRY,
    metrics=[
        yq.Metrics(observed_at=cst(2025, 10, 9, 10), views=1500, comments=60, reposts=3),
    ],
    source=yq.Source(
        platform="百度贴吧", url="https://tieba.baidu.com/p/1", author_handle="吃货小王"
    ),
    reporter=yq.Reporter(name="张三", phone="13800000000", unit="后勤处"),
    summary="学生反映第二食堂饭菜有异物",
)
WATER = yq.Incident(
    id="YQ-2",
    title="宿舍停水",
    posted_at=cst(2025, 10, 9, 11),
    discovered_at=cst(2025, 10, 9, 12),
    metrics=[yq.Metrics(observed_at=cst(2025, 10, 9, 12), comments=5)],
)
LIGHTS = yq.Incident(
    id="YQ-0",
    title="操场灯光不足建议",
    discovered_at=cst(2025, 10, 8, 20),
    category=yq.Category.SUGGESTION,
)
NEXT_WEEK = yq.Incident(id="YQ-9", title="下周的事", discovered_at=cst(2025, 10, 13, 8))
ALL = [WATER, NEXT_WEEK, CANTEEN, LIGHTS]

DAILY_MD = """\
# 舆情日志

- 制度：测试学校网络舆情制度
- 日期：2025年10月9日（星期四）
- 本日舆情：2 条

## 1. 食堂饭菜质量投诉

- 发现时间：2025-10-09 09:30
- 发帖时间：2025-10-09 08:00
- 平台：百度贴吧
- 链接：<https://tieba.baidu.com/p/1>
- 发帖人：（已隐去）
- 类别：咨询质疑诉求类
- 舆情级别：重大
- 敏感度等级：c级
- 研判依据：
    - R8.1 s8-general：类别“咨询质疑诉求类” → 一般
    - R8.2 s8-major-views：点击量 1500（1000–2999） → 重大
    - R4.1 s4-c：发帖后3小时内评论（跟帖）数 60 ≥ 50 → c级
- 数据（2025-10-09 10:00）：点击量 1500，评论（跟帖）数 60，转发数 3，主流网站转载数 0
- 处置建议：责任单位拟定答复意见，经办公室审核后统一答复；不能即时答复的，当日提出处理意见
- 报告人：（已隐去）
- 报告单位：后勤处

## 2. 宿舍停水

- 发现时间：2025-10-09 12:00
- 发帖时间：2025-10-09 11:00
- 平台：不详
- 类别：其他
- 舆情级别：未定级
- 敏感度等级：a级
- 研判依据：
    - R4.1 s4-a：发帖后3小时内评论（跟帖）数 5 ≤ 10 → a级
- 数据（2025-10-09 12:00）：点击量 0，评论（跟帖）数 5，转发数 0，主流网站转载数 0
- 处置建议：持续关注，跟踪研判
"""

DAILY_TEXT = """\
舆情日志
制度：测试学校网络舆情制度
日期：2025年10月9日（星期四）
本日舆情：2 条

1. 食堂饭菜质量投诉
   发现时间：2025-10-09 09:30
   发帖时间：2025-10-09 08:00
   平台：百度贴吧
   链接：https://tieba.baidu.com/p/1
   发帖人：（已隐去）
   类别：咨询质疑诉求类
   舆情级别：重大
   敏感度等级：c级
   研判依据：
     R8.1 s8-general：类别“咨询质疑诉求类” → 一般
     R8.2 s8-major-views：点击量 1500（1000–2999） → 重大
     R4.1 s4-c：发帖后3小时内评论（跟帖）数 60 ≥ 50 → c级
   数据（2025-10-09 10:00）：点击量 1500，评论（跟帖）数 60，转发数 3，主流网站转载数 0
   处置建议：责任单位拟定答复意见，经办公室审核后统一答复；不能即时答复的，当日提出处理意见
   报告人：（已隐去）
   报告单位：后勤处

2. 宿舍停水
   发现时间：2025-10-09 12:00
   发帖时间：2025-10-09 11:00
   平台：不详
   类别：其他
   舆情级别：未定级
   敏感度等级：a级
   研判依据：
     R4.1 s4-a：发帖后3小时内评论（跟帖）数 5 ≤ 10 → a级
   数据（2025-10-09 12:00）：点击量 0，评论（跟帖）数 5，转发数 0，主流网站转载数 0
   处置建议：持续关注，跟踪研判
"""

SECRETS = ("张三", "13800000000", "吃货小王")


def test_daily_log_markdown() -> None:
    assert render_daily_log(POLICY, ALL, date(2025, 10, 9)) == DAILY_MD


def test_daily_log_text() -> None:
    assert render_daily_log(POLICY, ALL, date(2025, 10, 9), fmt="text") == DAILY_TEXT


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_daily_log_hides_personal_data_unless_asked(fmt: Any) -> None:
    hidden = render_daily_log(POLICY, ALL, date(2025, 10, 9), fmt=fmt)
    assert not any(s in hidden for s in SECRETS)
    shown = render_daily_log(POLICY, ALL, date(2025, 10, 9), fmt=fmt, include_personal=True)
    lines = [line.strip(" -") for line in shown.splitlines()]
    assert "发帖人：吃货小王" in lines
    assert "报告人：张三，电话 13800000000" in lines


def test_daily_log_as_known_earlier_and_with_a_human_judgement() -> None:
    out = render_daily_log(
        POLICY,
        ALL,
        date(2025, 10, 9),
        at=cst(2025, 10, 9, 12, 30),
        severities={"YQ-2": yq.Severity.MAJOR},
        suggestions={"YQ-2": "联系后勤处尽快恢复供水"},
    )
    section = out.split("## 2. 宿舍停水\n\n")[1].splitlines()
    assert section == [
        "- 发现时间：2025-10-09 12:00",
        "- 发帖时间：2025-10-09 11:00",
        "- 平台：不详",
        "- 类别：其他",
        "- 舆情级别：重大（人工研判）",
        "- 敏感度等级：待定（2025-10-09 14:00 观察期满后评定）",
        "- 研判依据：无规则触发",
        "- 数据（2025-10-09 12:00）：点击量 0，评论（跟帖）数 5，转发数 0，主流网站转载数 0",
        "- 处置建议：联系后勤处尽快恢复供水",
    ]


def test_daily_log_of_a_quiet_day() -> None:
    assert render_daily_log(POLICY, ALL, date(2025, 10, 10), fmt="text") == (
        "舆情日志\n"
        "制度：测试学校网络舆情制度\n"
        "日期：2025年10月10日（星期五）\n"
        "本日舆情：0 条\n"
        "\n"
        "本日情况\n"
        "本日未发现涉及本单位的网络舆情。\n"
    )


def test_daily_log_day_is_read_in_the_calendar_zone() -> None:
    # 17:00 UTC on the 8th is 01:00 on the 9th in Beijing.
    late = yq.Incident(id="YQ-3", title="夜间", discovered_at=datetime(2025, 10, 8, 17, tzinfo=UTC))
    out = render_daily_log(POLICY, [late], date(2025, 10, 9), fmt="text")
    assert "   发现时间：2025-10-09 01:00" in out.splitlines()
    assert "本日舆情：0 条" in render_daily_log(POLICY, [late], date(2025, 10, 8), fmt="text")


def test_markdown_is_escaped_and_text_kept() -> None:
    odd = yq.Incident(
        id="YQ-4",
        title="a|b *c* <script>\n第二行",
        discovered_at=cst(2025, 10, 9, 9),
        source=yq.Source(platform="论坛_一", url="javascript:alert(1)"),
    )
    md = render_daily_log(POLICY, [odd], date(2025, 10, 9)).splitlines()
    assert "## 1. a\\|b \\*c\\* \\<script\\> 第二行" in md
    assert "- 平台：论坛\\_一" in md
    assert "- 链接：javascript:alert(1)" in md
    text = render_daily_log(POLICY, [odd], date(2025, 10, 9), fmt="text").splitlines()
    assert "1. a|b *c* <script> 第二行" in text


BULLETIN_MD = """\
# 舆情简报（第41期）

- 制度：测试学校网络舆情制度
- 期间：2025年10月6日（星期一）至2025年10月12日（星期日）
- 舆情总数：3 条

## 按级别统计

| 级别 | 条数 |
| --- | --- |
| 特别重大 | 0 |
| 重大 | 1 |
| 一般 | 1 |
| 未定级 | 1 |

## 按类别统计

| 类别 | 条数 |
| --- | --- |
| 建议类 | 1 |
| 咨询质疑诉求类 | 1 |
| 恶意传播炒作类 | 0 |
| 捏造歪曲诽谤类 | 0 |
| 其他 | 1 |

## 舆情列表

| 序号 | 发现时间 | 标题 | 平台 | 级别 | 等级 |
| --- | --- | --- | --- | --- | --- |
| 1 | 10-08 20:00 | 操场灯光不足建议 | 不详 | 一般 | 待定（发帖时间不详） |
| 2 | 10-09 09:30 | 食堂饭菜质量投诉 | 百度贴吧 | 重大 | c级 |
| 3 | 10-09 12:00 | 宿舍停水 | 不详 | 未定级 | a级 |
"""


def test_weekly_bulletin_markdown() -> None:
    out = render_weekly_bulletin(POLICY, ALL, date(2025, 10, 6), issue="第41期")
    assert out == BULLETIN_MD
    assert not any(s in out for s in SECRETS)


def test_weekly_bulletin_text_with_a_judgement() -> None:
    out = render_weekly_bulletin(
        POLICY,
        ALL,
        date(2025, 10, 6),
        date(2025, 10, 12),
        fmt="text",
        severities={"YQ-2": yq.Severity.CRITICAL},
    )
    assert out == (
        "舆情简报\n"
        "制度：测试学校网络舆情制度\n"
        "期间：2025年10月6日（星期一）至2025年10月12日（星期日）\n"
        "舆情总数：3 条\n"
        "\n"
        "按级别统计\n"
        "特别重大：1\n"
        "重大：1\n"
        "一般：1\n"
        "未定级：0\n"
        "\n"
        "按类别统计\n"
        "建议类：1\n"
        "咨询质疑诉求类：1\n"
        "恶意传播炒作类：0\n"
        "捏造歪曲诽谤类：0\n"
        "其他：1\n"
        "\n"
        "舆情列表\n"
        "1  10-08 20:00  操场灯光不足建议  不详  一般  待定（发帖时间不详）\n"
        "2  10-09 09:30  食堂饭菜质量投诉  百度贴吧  重大  c级\n"
        "3  10-09 12:00  宿舍停水  不详  特别重大（人工研判）  a级\n"
    )


def test_empty_bulletin_and_bad_period() -> None:
    out = render_weekly_bulletin(POLICY, [], date(2025, 10, 6), fmt="text")
    assert out.endswith("舆情列表\n本期未发现涉及本单位的网络舆情。\n")
    with pytest.raises(ReportError, match=r"the period ends \(2025-10-05\) before it starts"):
        render_weekly_bulletin(POLICY, ALL, date(2025, 10, 6), date(2025, 10, 5))


QUICK_MD = """\
# 舆情信息快速报送审批表

制度：测试学校网络舆情制度

| 项目 | 内容 |
| --- | --- |
| 发生日期 | 2025年10月9日 |
| 发生地点 | 第二食堂 |
| 标题 | 食堂饭菜质量投诉 |
| 主要内容 | 学生反映第二食堂饭菜有异物 |
| 负面影响 | 引发学生家长关注 |
| 报送员姓名 | （已隐去） |
| 报送日期 | 2025年10月10日 |
| 联系电话 | （已隐去） |
| 工作组审核意见 |  |
| 局长审定签字 |  |
"""


def test_quick_report_markdown_hides_personal_data() -> None:
    out = render_quick_report(
        POLICY,
        CANTEEN,
        report_date=date(2025, 10, 10),
        place="第二食堂",
        negative_impact="引发学生家长关注",
    )
    assert out == QUICK_MD


def test_quick_report_text_with_personal_data() -> None:
    out = render_quick_report(
        POLICY, CANTEEN, report_date=date(2025, 10, 10), fmt="text", include_personal=True
    )
    assert out == (
        "舆情信息快速报送审批表\n"
        "制度：测试学校网络舆情制度\n"
        "发生日期：2025年10月9日\n"
        "发生地点：（未填写）\n"
        "标题：食堂饭菜质量投诉\n"
        "主要内容：学生反映第二食堂饭菜有异物\n"
        "负面影响：（未填写）\n"
        "报送员姓名：张三\n"
        "报送日期：2025年10月10日\n"
        "联系电话：13800000000\n"
        "工作组审核意见：\n"
        "局长审定签字：\n"
    )


def test_quick_report_date_of_occurrence() -> None:
    def occurred(inc: yq.Incident, **kw: Any) -> str:
        out = render_quick_report(POLICY, inc, report_date=date(2025, 10, 10), fmt="text", **kw)
        return out.splitlines()[2]

    # Posted at 16:30 UTC on the 8th: 00:30 on the 9th in Beijing.
    utc_post = yq.Incident(
        id="u",
        title="t",
        posted_at=datetime(2025, 10, 8, 16, 30, tzinfo=UTC),
        discovered_at=cst(2025, 10, 10, 9),
    )
    assert occurred(utc_post) == "发生日期：2025年10月9日"
    assert occurred(LIGHTS) == "发生日期：2025年10月8日"  # no posting time: the discovery
    assert occurred(LIGHTS, occurred_on=date(2025, 10, 1)) == "发生日期：2025年10月1日"
    no_reporter = render_quick_report(POLICY, LIGHTS, report_date=date(2025, 10, 10), fmt="text")
    assert "报送员姓名：（未填写）" in no_reporter.splitlines()


def test_unknown_format_is_a_typed_error() -> None:
    with pytest.raises(ReportError, match="fmt 'html' is not a report format"):
        render_daily_log(POLICY, ALL, date(2025, 10, 9), fmt="html")  # type: ignore[arg-type]
    assert issubclass(ReportError, yq.YuqingError)
