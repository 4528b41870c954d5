"""``yuqing demo`` in plain Chinese with an English line under each, no internal references."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

import yuqing_core as yq
from yuqing_core.cli import main
from yuqing_core.cli.demo import DEMO_PRESETS, PRESET_KINDS, kind_of, sample_incidents
from yuqing_core.render.wording import weekday_zh
from yuqing_core.rules.periods import holiday_blocks
from yuqing_core.simulate import run_scenario

CJK = re.compile(r"[\u3400-\u9fff]")
RULE = "=" * 78


@pytest.fixture(scope="module")
def demo_lines() -> list[str]:
    out = io.StringIO()  # run once for the module: every preset with its scenario
    with contextlib.redirect_stdout(out):
        assert main(["demo", *(a for n in yq.presets.names() for a in ("--policy", n))]) == 0
    return out.getvalue().splitlines()


def _ids() -> set[str]:
    """What a Chinese line may hold in Latin letters: ids people typed, preset names, and
    the command that shows a preset's rules."""
    ids = {"yuqing_core", "yuqing presets", *yq.presets.names()}
    for name in yq.presets.names():
        ids |= set(run_scenario(name).cases)
    ids |= {i.id for i in sample_incidents()}
    return ids


def test_every_chinese_line_has_its_english_under_it(demo_lines: list[str]) -> None:
    blocks: list[list[str]] = [[]]
    for line in demo_lines:
        if not line.strip() or line == RULE:
            blocks.append([])
        else:
            blocks[-1].append(line)
    ids = sorted(_ids(), key=len, reverse=True)
    for block in filter(None, blocks):
        assert len(block) % 2 == 0, block
        for zh, en in zip(block[::2], block[1::2], strict=True):
            assert CJK.search(zh), zh
            latin = zh
            for i in ids:
                latin = latin.replace(i, "")
            assert not re.search(r"[A-Za-z]{2,}", latin), zh  # no English in a Chinese line
            assert re.search(r"[A-Za-z]{3,}", en), en
            indent = len(zh) - len(zh.lstrip())
            assert en.startswith(" " * indent), (zh, en)


def test_no_internal_references(demo_lines: list[str]) -> None:
    text = "\n".join(demo_lines)
    assert "seeds" not in text
    assert "RULES" not in text
    assert not re.search(r"\b[RSP]\d+(\.\d+)*\b", text)  # rule ids of the source texts
    assert not re.search(r"\b[a-z]+=", text)  # event data as keys of the code
    # No obligation ids, rule ids of a policy, or keys of the code with an underscore.
    keys = {o.id for n in yq.presets.names() for o in yq.presets.load(n).spec.obligations}
    keys |= {r.id for n in yq.presets.names() for r in yq.presets.load(n).spec.assessment.rules}
    for key in keys:
        if "-" in key:  # a key of one word ("reply") is also a word of the English lines
            assert key not in text, key
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text.replace("yuqing_core", ""))


UNDER = " " * 27
"""Where an English line under a step or a deadline starts."""


def test_a_worked_case_reads_step_by_step(demo_lines: list[str]) -> None:
    head = (
        "案件 LY-2026-0211-02「网民留言：园区某电子厂拖欠务工人员工资，春节前能否结清」："
        "网民留言，当前阶段：办理处置"
    )
    expected = [
        "Case LY-2026-0211-02: general; stage now: being handled",
        "  2026-02-11 周三 08:40  ● 登记，定为网民留言",
        UNDER + "opened as general",
        "  2026-02-11 周三 09:20  ● 上报：分管领导",
        UNDER + "reported: leader in charge",
        # R5.1: to the principal leader or the leader in charge (either meets it).
        "  2026-02-11 周三 10:30  ◆ 时限：报告 → 主要领导或分管领导，02-11 09:20 按时履行 ✓",
        UNDER + "deadline: report → principal leader or leader in charge, met on time, "
        "02-11 09:20 ✓",
        "  2026-02-11 周三 11:00  ● 交办/批办：园区劳动保障监察大队",
        UNDER + "assigned: 园区劳动保障监察大队",
        "  2026-02-12 周四 09:00  ● 办理处置",
        UNDER + "handling started",
        # A reply within 3 days of Wed 11 Feb: Thu 12, Fri 13, Sat 14 (a make-up working day).
        "  2026-02-14 周六 00:00  ◆ 时限：答复 → 责任单位，超时未履行 ✗",
        UNDER + "deadline: reply with the result → handling unit, breached: not met ✗",
        "  2026-02-15 周日 00:00  ◆ 时限：办理情况报告 → 领导小组办公室，"
        "02-24 16:00 才履行，已逾期 ⚠",
        UNDER + "deadline: handling report → office of the leading group, met late, 02-24 16:00 ⚠",
        "  2026-02-24 周二 09:00  ● 督办：园区劳动保障监察大队；附说明",
        UNDER + "supervised: 园区劳动保障监察大队; note given",
        "  2026-02-24 周二 16:00  ● 上报：领导小组办公室；办理情况报告；附正文",
        UNDER + "reported: office of the leading group; handling report; text given",
        "  此刻（2026-02-26 12:00）应办：",
        "  Due now (2026-02-26 12:00):",
        "    - 答复 → 责任单位，时限 2026-02-14 00:00，已超时",
        "      reply with the result → handling unit, due 2026-02-14 00:00, breached",
    ]
    at = demo_lines.index(head) + 1
    assert demo_lines[at : at + len(expected)] == expected


def test_an_extension_and_an_automatic_escalation_in_plain_words(
    demo_lines: list[str],
) -> None:
    assert "  2025-10-09 周四 10:00  ● 延期：延长 2 日；附理由" in demo_lines
    at = demo_lines.index("  2025-10-09 周四 10:00  ● 延期：延长 2 日；附理由")
    assert demo_lines[at + 1] == UNDER + "deadline extended: by 2d; reason given"
    auto = [i for i, line in enumerate(demo_lines) if "自动，因新的传播数据或标记" in line]
    assert auto
    for i in auto:
        assert demo_lines[i + 1].endswith("automatically, on new metrics or flags")


# -- the kinds of institution, each with a case across an official holiday ------------------


def test_every_preset_is_of_exactly_one_kind() -> None:
    kinds = [name for _, names in PRESET_KINDS for name in names]
    assert sorted(kinds) == sorted(yq.presets.names())
    assert {kind_of(n) for n in DEMO_PRESETS} == {kind for kind, _ in PRESET_KINDS}


@pytest.fixture(scope="module")
def default_sections() -> dict[str, list[str]]:
    """The default demo's lines, per kind of institution (its Chinese name)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["demo"]) == 0
    lines = out.getvalue().splitlines()
    kinds = [kind[0] for kind, _ in PRESET_KINDS]
    assert f"预置制度按机构分为 4 类：{'、'.join(kinds)}；" in lines[4]
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in lines:
        if line.startswith("机构类别："):
            current = sections.setdefault(line.removeprefix("机构类别："), [])
        current.append(line)
    return sections


def _crossings(name: str) -> list[str]:
    """The deadline lines of ``name``'s scenario whose clock runs across an official holiday
    block (a due instant on or after a holiday day that comes after the clock started)."""
    sim = run_scenario(name)
    found: list[str] = []
    for case in sim.cases.values():
        official = case.policy.calendar
        for ob in case.obligations:
            if not ob.timed:
                continue
            start, due = official.local(ob.anchor_at), official.local(ob.due_at)
            blocks = holiday_blocks(official, start.year) + holiday_blocks(official, due.year)
            if due > start and any(
                b.last >= start.date() and b.first <= due.date() for b in blocks
            ):
                found.append(f"  {due:%Y-%m-%d} {weekday_zh(due)} {due:%H:%M}  ◆ 时限：")
    return found


def test_each_kind_shows_a_deadline_across_a_holiday(
    default_sections: dict[str, list[str]],
) -> None:
    assert set(default_sections) == {kind[0] for kind, _ in PRESET_KINDS}
    for kind, names in PRESET_KINDS:
        section = default_sections[kind[0]]
        shown = [n for n in DEMO_PRESETS if n in names]
        assert shown, kind
        crossing = [c for n in shown for c in _crossings(n)]
        assert any(line.startswith(c) for c in crossing for line in section), kind


def test_the_university_and_kindergarten_crossings_exactly(
    default_sections: dict[str, list[str]],
) -> None:
    # A news lead of Tue 30 Sep 2025 16:00, one working day (R10.2): 1-8 Oct 2025 are National
    # Day rest days, so the working day is Thu 9 Oct, ending 24:00; submitted 9 Oct 15:00.
    assert (
        "  2025-10-10 周五 00:00  ◆ 时限：报告 → 新闻发布部门，10-09 15:00 按时履行 ✓"
        in default_sections["高校"]
    )
    # A server failure found Wed 18 Feb 2026 09:15, in the Spring Festival rest (15-23 Feb):
    # 24 elapsed hours -> Thu 19 Feb 09:15, not moved; the principal's office was told on the
    # first working day, Tue 24 Feb 08:30: late.
    assert (
        "  2026-02-19 周四 09:15  ◆ 时限：通知 → 园长室，02-24 08:30 才履行，已逾期 ⚠"
        in default_sections["幼儿园与职业学校"]
    )


def test_the_acting_role_is_told_as_a_role_not_a_duration(demo_lines: list[str]) -> None:
    # university-plan's office reports upward with by = "office" (the sender): told as the
    # role that acts; extend's by (2d, above) stays a duration.
    line = "  2025-09-30 周二 22:20  ● 上报：主管领导、主要领导；由领导小组办公室经办；附正文"
    assert line in demo_lines
    assert demo_lines[demo_lines.index(line) + 1] == (
        UNDER + "reported: supervising leader, principal leader; "
        "acting: office of the leading group; text given"
    )
