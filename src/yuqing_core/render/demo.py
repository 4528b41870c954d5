"""The text of ``yuqing demo``: presets grading the sample incidents and running their scenarios.

Each preset's section grades the sample incidents, then shows each case of its worked scenario as
a timeline with what must be sent now; a summary counts every preset's deadlines by status.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime

from ..api import Policy
from ..model import Incident
from ..simulate import Simulation
from ..workflow.case import Case
from .timeline import render
from .wording import STATUS_ORDER, status_legend, status_name

__all__ = ["demo_intro", "demo_summary", "preset_section"]

_RULE = "=" * 78


def demo_intro() -> str:
    """What the demo shows, and the legend of the status marks."""
    return (
        "yuqing_core 演示 demo — 期限按国务院节假日与调休安排计算 (deadlines on the official\n"
        "calendar with 调休 make-up working days).\n" + status_legend() + "\n"
    )


def preset_section(policy: Policy, incidents: Iterable[Incident], sim: Simulation) -> str:
    """One preset: how it grades ``incidents``, then every case of its scenario ``sim``."""
    if sim.now is None:
        raise ValueError(f"the scenario of {policy.name} opened no case")
    lines = ["", _RULE, f"{policy.name}: {policy.title} ({policy.spec.source})", _RULE]
    lines += _grading(policy, incidents)
    head = "\n".join(lines) + "\n\n"
    return head + "".join(_case(case, sim.now) for case in sim.cases.values())


def _grading(policy: Policy, incidents: Iterable[Incident]) -> list[str]:
    lines = ["  样例舆情研判 the sample incidents graded by this policy:"]
    for incident in incidents:
        a = policy.assess(incident)
        severity = a.severity if a.severity is not None else policy.lowest
        level = policy.level_label(severity)
        grade = f"，敏感等级 {a.grade}" if a.grade is not None else ""
        why = "；".join(a.reasons_zh) or "无规则触发，取最低级别 (no rule fired: the lowest level)"
        pending = f"（待定 undecided: {'；'.join(a.undetermined)}）" if a.undetermined else ""
        lines.append(f"    {incident.id} {incident.title}: {level}{grade} — {why}{pending}")
    return lines


def _case(case: Case, now: datetime) -> str:
    """The case's timeline, what must be sent at ``now``, and a blank line."""
    lines = []
    due = case.notifications(now)
    if due:
        lines.append(f"  此刻待办 due now ({now:%Y-%m-%d %H:%M}):")
        lines += [f"    - {n.message} [{n.status}]" for n in due]
    return render(case, now) + "".join(line + "\n" for line in lines) + "\n"


def demo_summary(tallies: Mapping[str, Counter[str]]) -> str:
    """One line per preset counting its deadlines by status."""
    lines = [_RULE, "小结 summary (deadlines by status at the end of each scenario):"]
    width = max(len(n) for n in tallies)
    for name, tally in tallies.items():
        parts = [f"{status_name(s)} {tally[s]}" for s in STATUS_ORDER if tally[s]]
        lines.append(f"  {name:<{width}}  " + (", ".join(parts) or "无时限 no deadlines"))
    return "\n".join(lines) + "\n"
