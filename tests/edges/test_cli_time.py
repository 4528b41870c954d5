"""``yuqing due`` and ``yuqing calendar``: exact output."""

from __future__ import annotations

from typing import Any

import pytest

from yuqing_core.cli import main

CAMPUS = """\
name = "campus"
title = "某校"

[calendar]
business_close = "17:30"
extra_rest_days = [2025-11-03]
extra_work_days = [2025-11-08]

[timing]
immediate_grace = "30min"
"""

RULE_24 = "ends at 24:00 on the last day, shown as 00:00 of the next day"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(list(argv))
    return code, capsys.readouterr().out.splitlines()


def test_due_working_days_over_national_day(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "due", "--policy", "school-tiered", "2025-09-30T10:00+08:00", "1wd")
    assert code == 0
    assert out[1:] == [
        "起算 start: 2025-09-30 10:00 +08:00 周二 Tue (Asia/Shanghai)",
        "时限 duration: 1wd — 1 个工作日 / 1 working day",
        "到期 due: 2025-10-10 00:00 +08:00 周五 Fri",
        f"规则 rule: 末日 2025-10-09 周四 Thu 24:00 届满，记作次日 00:00 / {RULE_24}",
        "推定 projected: 否 / no",
    ]
    assert out[0].startswith("政策 policy: school-tiered — ")


def test_due_day_period_moved_off_a_rest_day_with_naive_start(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _run(capsys, "due", "2025-09-30T10:00", "3d")
    assert code == 0
    assert out == [
        "政策 policy: 无，官方日历 / none, the official calendar",
        "起算 start: 2025-09-30 10:00 +08:00 周二 Tue (Asia/Shanghai)",
        "注意 note: START 未带时区，按 Asia/Shanghai 理解 / START has no offset; read in "
        "Asia/Shanghai",
        "时限 duration: 3d — 3 日（日期间）/ a 3-day period",
        "到期 due: 2025-10-10 00:00 +08:00 周五 Fri",
        f"规则 rule: 末日 2025-10-09 周四 Thu 24:00 届满，记作次日 00:00 / {RULE_24}",
        "顺延 moved: 名义末日 2025-10-03 周五 Fri 为休息日，顺延至下一个工作日 / the nominal "
        "last day is a rest day; moved to the next working day",
        "推定 projected: 否 / no",
    ]


def test_due_spring_festival_in_another_zone(capsys: pytest.CaptureFixture[str]) -> None:
    # 13 Feb 2026 02:00 UTC is 10:00 in Shanghai; Sat 14, Tue 24, Wed 25 Feb.
    code, out = _run(capsys, "due", "2026-02-13T02:00:00Z", "3wd")
    assert code == 0
    assert out[1] == "起算 start: 2026-02-13 10:00 +08:00 周五 Fri (Asia/Shanghai)"
    assert out[2] == "时限 duration: 3wd — 3 个工作日 / 3 working days"
    assert out[3] == "到期 due: 2026-02-26 00:00 +08:00 周四 Thu"


def test_due_with_business_close(tmp_policy: Any, capsys: pytest.CaptureFixture[str]) -> None:
    p = str(tmp_policy("campus.toml", CAMPUS))
    code, out = _run(capsys, "due", "--policy", p, "2025-10-31T10:00+08:00", "1wd")
    assert code == 0
    assert out == [
        "政策 policy: campus — 某校",
        "起算 start: 2025-10-31 10:00 +08:00 周五 Fri (Asia/Shanghai)",
        "时限 duration: 1wd — 1 个工作日 / 1 working day",
        "到期 due: 2025-11-04 17:30 +08:00 周二 Tue",
        "规则 rule: 末日 2025-11-04 周二 Tue 下班时间 17:30 届满 / ends at business close 17:30 "
        "on the last day",
        "推定 projected: 否 / no",
    ]


def test_due_same_day_after_close_now_and_elapsed(
    tmp_policy: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    p = str(tmp_policy("campus.toml", CAMPUS))
    code, out = _run(capsys, "due", "--policy", p, "2025-09-30T18:00+08:00", "same_day")
    assert code == 0
    assert out[3:] == [
        "到期 due: 2025-10-01 00:00 +08:00 周三 Wed",
        f"规则 rule: 末日 2025-09-30 周二 Tue 24:00 届满，记作次日 00:00 / {RULE_24}",
        "说明 note: 起算已过下班时间 17:30，当日至 24:00 / started after business close 17:30, "
        "so the day runs to 24:00",
        "推定 projected: 否 / no",
    ]
    code, out = _run(capsys, "due", "--policy", p, "2025-09-30T10:00Z", "now")
    assert out[2:5] == [
        "时限 duration: now — 立即 / immediately",
        "到期 due: 2025-09-30 18:30 +08:00 周二 Tue",
        "规则 rule: 立即，按政策宽限 30min / immediately, within the policy's grace 30min",
    ]
    code, out = _run(capsys, "due", "2025-09-30T23:00+08:00", "90min")
    assert out[2:5] == [
        "时限 duration: 1h30min — 经过时间 1 小时 30 分钟 / 1 h 30 min elapsed",
        "到期 due: 2025-10-01 00:30 +08:00 周三 Wed",
        "规则 rule: 经过时间，自起算时刻连续计算 / elapsed time from the start moment",
    ]


def test_due_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["due", "2025-09-30T10:00+08:00", "3x"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "yuqing: due: argument DURATION: '3x' is not a duration (write 90min, 3h, 3d, 1wd, "
        "same_day or now); see yuqing due --help\n"
    )
    assert main(["due", "2025-09-30T10:00+08:00", "now"]) == 1
    assert capsys.readouterr().err.startswith("yuqing: 'now' needs an explicit immediate grace")
    assert main(["due", "2027-03-01T10:00+08:00", "1wd"]) == 1
    assert capsys.readouterr().err.startswith(
        "yuqing: 2027 is past the official holiday schedule this calendar knows (2001-2026"
    )
    assert main(["due", "yesterday", "1wd"]) == 2
    assert "argument START: 'yesterday' is not an ISO datetime" in capsys.readouterr().err


def test_due_projected(tmp_policy: Any, capsys: pytest.CaptureFixture[str]) -> None:
    p = str(tmp_policy("p.toml", 'name = "p"\ntitle = "p"\n[calendar]\nallow_projection = true\n'))
    code, out = _run(capsys, "due", "--policy", p, "2027-03-01T10:00+08:00", "1wd")
    assert code == 0
    assert out[3] == "到期 due: 2027-03-03 00:00 +08:00 周三 Wed"
    assert (
        out[-1] == "推定 projected: 是，官方调休安排仅至 2026 年 / yes, the official schedule "
        "ends with 2026"
    )


def test_calendar_national_day(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "calendar", "2025-10", "--today", "2025-09-30")
    assert code == 0
    assert out == [
        "2025年10月 October 2025 · 官方日历 official calendar (Asia/Shanghai)",
        "  周一  周二  周三  周四  周五  周六  周日",
        "              1休   2休   3休   4休   5休",
        "  6休   7休   8休   9  * 10    11班* 12休",
        " 13    14    15    16    17    18休  19休",
        " 20    21    22    23    24    25休  26休",
        " 27    28    29    30    31",
        "休 休息日 rest day · 班 调休上班 make-up working day · * 到期 falls due · @ 今日 today",
        "节假日 holidays:",
        "  10-01 周三 国庆节",
        "  10-02 周四 国庆节",
        "  10-03 周五 国庆节",
        "  10-06 周一 中秋节",
        "  10-07 周二 休息日（由 2025-09-28 调休）",
        "  10-08 周三 休息日（由 2025-10-11 调休）",
        "调休上班 make-up working days:",
        "  10-11 周六",
        "今日 today 2025-09-30 周二 Tue，自当日起算 / counted from today:",
        "  1wd      → 2025-10-10 00:00 +08:00 周五 Fri（末日 last day 10-09）",
        "  3wd      → 2025-10-12 00:00 +08:00 周日 Sun（末日 last day 10-11）",
        "  3d       → 2025-10-10 00:00 +08:00 周五 Fri（末日 last day 10-09，自 10-03 顺延 "
        "moved off a rest day）",
    ]


def test_calendar_spring_festival_today_in_month(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "calendar", "2026-02", "--today", "2026-02-13", "--within", "3wd")
    assert code == 0
    assert out[1:7] == [
        "  周一  周二  周三  周四  周五  周六  周日",
        "                                      1休",
        "  2     3     4     5     6     7休   8休",
        "  9    10    11    12    13  @ 14班  15休",
        " 16休  17休  18休  19休  20休  21休  22休",
        " 23休  24    25  * 26    27    28班",
    ]
    assert "  02-17 周二 春节" in out
    assert out[-3:] == [
        "  02-28 周六",
        "今日 today 2026-02-13 周五 Fri，自当日起算 / counted from today:",
        "  3wd      → 2026-02-26 00:00 +08:00 周四 Thu（末日 last day 02-25）",
    ]


def test_calendar_with_institution_overrides(
    tmp_policy: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    p = str(tmp_policy("campus.toml", CAMPUS))
    code, out = _run(capsys, "calendar", "2025-11", "--policy", p, "--today", "2025-10-31")
    assert code == 0
    assert out == [
        "2025年11月 November 2025 · campus (Asia/Shanghai)",
        "  周一  周二  周三  周四  周五  周六  周日",
        "                                1休   2休",
        "  3休   4  *  5     6  *  7     8班   9休",
        " 10    11    12    13    14    15休  16休",
        " 17    18    19    20    21    22休  23休",
        " 24    25    26    27    28    29休  30休",
        "休 休息日 rest day · 班 调休上班 make-up working day · * 到期 falls due · @ 今日 today",
        "调休上班 make-up working days:",
        "  11-08 周六（本单位 institution）",
        "本单位调整 institution overrides:",
        "  11-03 周一 休息 extra rest day",
        "今日 today 2025-10-31 周五 Fri，自当日起算 / counted from today:",
        "  1wd      → 2025-11-04 17:30 +08:00 周二 Tue（末日 last day 11-04）",
        "  3wd      → 2025-11-06 17:30 +08:00 周四 Thu（末日 last day 11-06）",
        "  3d       → 2025-11-04 17:30 +08:00 周二 Tue（末日 last day 11-04，自 11-03 顺延 "
        "moved off a rest day）",
    ]


def test_calendar_at_the_coverage_horizon(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "calendar", "2026-12", "--today", "2026-12-30")
    assert code == 0
    assert out[-3:] == [
        "  1wd      → 2027-01-01 00:00 +08:00 周五 Fri（末日 last day 12-31）",
        "  3wd      超出官方日历 beyond the official calendar (2027)",
        "  3d       超出官方日历 beyond the official calendar (2027)",
    ]
    assert main(["calendar", "2027-01"]) == 1
    assert capsys.readouterr().err.startswith("yuqing: 2027 is past the official holiday")


def test_calendar_projected(tmp_policy: Any, capsys: pytest.CaptureFixture[str]) -> None:
    p = str(tmp_policy("p.toml", 'name = "p"\ntitle = "p"\n[calendar]\nallow_projection = true\n'))
    code, out = _run(capsys, "calendar", "2027-03", "--policy", p, "--today", "2027-03-01")
    assert code == 0
    assert out[0] == "2027年3月 March 2027 · p (Asia/Shanghai) · 推定 projected"
    assert (
        out[-1]
        == "  3d       → 2027-03-05 00:00 +08:00 周五 Fri（末日 last day 03-04） 推定 projected"
    )


def test_calendar_bad_month(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("2025-13", "25-10", "October"):
        assert main(["calendar", bad]) == 2
        assert f"{bad!r} is not a month (write 2025-10)" in capsys.readouterr().err
