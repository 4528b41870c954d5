"""The policy lint (制度检查): findings a reviewer should see before a policy goes live.

Errors are problems the policy cannot run with (broken references); warnings are things that
work but are probably not what the institution meant (overlapping bands, RULES P2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .policy.check import structural_problems
from .policy.policy import Policy
from .policy.schema import Band, SeverityRule

__all__ = ["Finding", "lint"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One lint finding: ``level`` is ``"error"`` or ``"warning"``; ``path`` the key path."""

    level: Literal["error", "warning"]
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.level}: {self.message}"


def lint(policy: Policy) -> list[Finding]:
    """Every finding for ``policy``, errors first, each with its key path."""
    findings = [Finding("error", path, msg) for path, msg in structural_problems(policy.spec)]
    findings += _overlaps(policy)
    return sorted(findings, key=lambda f: (f.level != "error", f.path))


def _overlap(a: Band, b: Band) -> bool:
    if a.metric != b.metric:
        return False
    lo = max(a.min or 0, b.min or 0)
    hi = min(a.max if a.max is not None else 1 << 62, b.max if b.max is not None else 1 << 62)
    return lo <= hi


def _overlaps(policy: Policy) -> list[Finding]:
    """Bands of rules for different levels that share values (RULES P2: the higher wins)."""
    out = []
    rules: tuple[SeverityRule, ...] = policy.spec.assessment.rules
    for i, r1 in enumerate(rules):
        for j in range(i + 1, len(rules)):
            r2 = rules[j]
            if r1.level == r2.level or r1.window != r2.window:
                continue
            for b1 in r1.any_metrics:
                for b2 in r2.any_metrics:
                    if _overlap(b1, b2):
                        lo = max(b1.min or 0, b2.min or 0)
                        out.append(
                            Finding(
                                "warning",
                                f"assessment.rules[{j}].any_metrics",
                                f"{b2.describe()} ({r2.id}, {r2.level}) overlaps "
                                f"{b1.describe()} ({r1.id}, {r1.level}) from {b1.metric} = "
                                f"{lo}; the higher level wins (P2)",
                            )
                        )
    return out
