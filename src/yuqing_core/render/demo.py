"""The text of ``yuqing demo``: presets grading the sample incidents and running their scenarios.

Each preset's section grades the sample incidents, then tells each case of its worked scenario
step by step with its deadlines and what is due now; a summary counts every preset's deadlines
by status. Every line is plain Chinese with its English under it (:mod:`.plain`): no keys of
the code, no rule references.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from ..api import Policy
from ..model import Incident
from ..simulate import Simulation
from .plain import Pair, case_lines, paired
from .vocabulary import FLAG_EN, SEVERITY_EN, gloss
from .wording import STATUS_ORDER

__all__ = ["demo_intro", "demo_summary", "preset_section"]

_RULE = "=" * 78

_TALLY: dict[str, Pair] = {
    "met": ("按时履行", "met on time"),
    "late": ("逾期履行", "met late"),
    "breached": ("超时未履行", "breached"),
    "due_soon": ("临近到期", "due soon"),
    "pending": ("未到期", "pending"),
    "waived": ("已免除", "waived"),
}


def demo_intro(samples: int, kinds: Sequence[Pair] = ()) -> str:
    """What the demo shows, the ``kinds`` of institution its presets are grouped by, and the
    legend of its marks."""
    pairs = [
        (
            "yuqing_core 演示：舆情处置的时限，按国务院公布的节假日和调休安排计算。",
            "Demo: deadlines for handling online opinion, counted on China's official calendar "
            "of holidays and make-up working days.",
        ),
        (
            f"每个预置制度先研判 {samples} 条样例舆情，"
            "再演示完整的处置过程：每一步操作和每一项时限。",
            f"Each preset grades {samples} sample incidents, then runs its worked cases: every "
            "step and every deadline.",
        ),
        *_kinds(kinds),
        (
            "标记：● 操作　◆ 时限　✓ 按时　⚠ 逾期　✗ 超时　! 临近到期　… 未到期",
            "Marks: ● a step  ◆ a deadline  ✓ on time  ⚠ late  ✗ breached  ! due soon  … pending",
        ),
    ]
    return "\n".join(paired(pairs, "")) + "\n"


def _kinds(kinds: Sequence[Pair]) -> list[Pair]:
    if not kinds:
        return []
    return [
        (
            f"预置制度按机构分为 {len(kinds)} 类：{'、'.join(k[0] for k in kinds)}；"
            "默认演示每类至少一个，每类都有时限跨越法定节假日（国庆、春节）的案件。",
            f"The presets are grouped in {len(kinds)} kinds of institution: "
            f"{', '.join(k[1] for k in kinds)}; by default the demo shows at least one of each, "
            "each with a case whose deadline runs across an official holiday "
            "(National Day, Spring Festival).",
        )
    ]


def preset_section(
    policy: Policy, incidents: Iterable[Incident], sim: Simulation, kind: Pair | None = None
) -> str:
    """One preset (of the ``kind`` of institution given): how it grades ``incidents``, then
    every case of its scenario ``sim``."""
    if sim.now is None:
        raise ValueError(f"the scenario of {policy.name} opened no case")
    head = [
        (policy.title, policy.spec.title_en or policy.name),
        (
            f"预置制度 {policy.name}，规则详见 yuqing presets {policy.name}",
            f"preset {policy.name}; its rules: yuqing presets {policy.name}",
        ),
    ]
    if kind is not None:
        head.append((f"机构类别：{kind[0]}", f"kind of institution: {kind[1]}"))
    lines = ["", _RULE, *paired(head, ""), _RULE]
    lines += _grading(policy, incidents)
    for case in sim.cases.values():
        lines += ["", *case_lines(case, sim.now)]
    return "\n".join(lines) + "\n"


def _grading(policy: Policy, incidents: Iterable[Incident]) -> list[str]:
    lines = paired(
        [("样例舆情按本制度研判：", "The sample incidents, graded by this policy:")], "  "
    )
    for incident in incidents:
        a = policy.assess(incident)
        severity = a.severity if a.severity is not None else policy.lowest
        zh = f"{incident.id} {incident.title}：{policy.level_label(severity)}"
        en = gloss(SEVERITY_EN, severity.key)
        if a.grade is not None:
            zh, en = f"{zh}，敏感等级 {a.grade}", f"{en}, grade {a.grade}"
        if a.hits:
            zh += "，因为" + "；".join(w for h in a.hits for w in h.why_zh)
            en += ": " + "; ".join(_plain_why(w) for h in a.hits for w in h.why)
        else:
            zh, en = (
                zh + "，未触发任何规则，取最低级别",
                en + ": no rule fired, so the lowest level",
            )
        if a.undetermined:
            n = len(a.undetermined)
            zh, en = zh + f"（另有 {n} 项条件尚不能判断）", en + f" ({n} more not decidable yet)"
        lines += paired([(zh, en)], "    ", 2)
    return lines


def _plain_why(why: str) -> str:
    """A condition that held, in English, with a flag's key told as its gloss."""
    return re.sub(r"\bflag ([a-z0-9_]+)", lambda m: f"flagged {gloss(FLAG_EN, m[1])}", why)


def demo_summary(tallies: Mapping[str, Counter[str]]) -> str:
    """Per preset, its deadlines at the end of its scenario counted by status."""
    lines = ["", _RULE]
    lines += paired(
        [("小结：演示结束时各预置制度的时限", "Summary: each preset's deadlines at the end")], ""
    )
    name_width = max(len(n) for n in tallies)
    for name, tally in tallies.items():
        lines += paired([_tally(tally)], f"  {name:<{name_width}}  ")
    return "\n".join(lines) + "\n"


def _tally(tally: Counter[str]) -> Pair:
    # Waivers are counted after the rest, where there are any (the legend keeps its five).
    counted: Sequence[str] = [s for s in (*STATUS_ORDER, "waived") if tally[s]]
    if not counted:
        return "没有时限", "no deadlines"
    return (
        "，".join(f"{_TALLY[s][0]} {tally[s]}" for s in counted),
        ", ".join(f"{_TALLY[s][1]} {tally[s]}" for s in counted),
    )
