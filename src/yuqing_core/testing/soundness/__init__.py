"""Is a policy sound (制度自检)? The lint plus property checks, for an institution's test suite.

:func:`assert_policy_sound` runs :func:`yuqing_core.lint` and every check below, and raises one
:class:`AssertionError` listing every problem, one per line, as ``key.path: message``. Each
check is a function of its own returning :class:`~yuqing_core.Finding` objects, so a test can
run one alone:

- :func:`check_monotone_severity`: raising one count never lowers the automatic level (P6);
- :func:`check_deadline_order`: a higher level never has a looser deadline than a lower one
  for the same obligation kind and role;
- :func:`check_roles`: every role named by an obligation, ladder step or monitoring duty
  exists;
- :func:`check_final_reachable`: from every stage some commands lead to a final stage;
- :func:`check_obligations_can_be_met`: every obligation's ``met_by`` trigger can fire once it
  is owed;
- :func:`check_order_can_be_met`: what a ``[[workflow.order]]`` entry puts before a trigger
  can happen before it;
- :func:`check_report_before_response`: a report is not due after the public response of the
  same level, unless the file says so (see :data:`REPORT_AFTER_RESPONSE_MARKERS`);
- :func:`check_warnings`: no warning point before the due instant is as long as the deadline
  (it would warn the moment the clock starts).
- :func:`check_duties_fall_due`: every monitoring duty falls due at least once (in 2025-2026
  or in its periods' dates).

The checks live in :mod:`.severity`, :mod:`.deadlines`, :mod:`.structure` and :mod:`.duties`
and are all
importable from here. Deadlines are compared by computing due instants on the policy's own
calendar from :data:`ANCHORS`, fixed instants across National Day 2025 and Spring Festival
2026 where working days, 调休 make-up days and rest days all meet.

>>> from yuqing_core import presets
>>> assert_policy_sound(presets.load("school-tiered"))
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ... import presets
from ...api import Policy, load_policy
from ...errors import PolicyError, format_problem
from ...policy.lint import Finding, lint
from .deadlines import (
    ANCHORS,
    REPORT_AFTER_RESPONSE_MARKERS,
    check_deadline_order,
    check_report_before_response,
    check_warnings,
)
from .duties import check_duties_fall_due
from .severity import band_points, check_monotone_severity
from .structure import (
    check_final_reachable,
    check_obligations_can_be_met,
    check_order_can_be_met,
    check_roles,
    final_unreachable,
)

__all__ = [
    "ANCHORS",
    "CHECKS",
    "REPORT_AFTER_RESPONSE_MARKERS",
    "assert_policy_sound",
    "band_points",
    "check_deadline_order",
    "check_duties_fall_due",
    "check_final_reachable",
    "check_monotone_severity",
    "check_obligations_can_be_met",
    "check_order_can_be_met",
    "check_report_before_response",
    "check_roles",
    "check_warnings",
    "final_unreachable",
    "soundness_findings",
]

CHECKS: tuple[Callable[[Policy], list[Finding]], ...] = (
    check_monotone_severity,
    check_deadline_order,
    check_roles,
    check_final_reachable,
    check_obligations_can_be_met,
    check_order_can_be_met,
    check_report_before_response,
    check_warnings,
    check_duties_fall_due,
)
"""The property checks :func:`assert_policy_sound` runs after the lint, in this order."""


def assert_policy_sound(
    policy: Policy | str | os.PathLike[str] | Mapping[str, Any], *, strict: bool = False
) -> None:
    """Raise :class:`AssertionError` listing every problem of ``policy``, one per line.

    Problems are the lint's errors (and its warnings too when ``strict``), then the findings
    of every check in :data:`CHECKS`. ``policy`` may also be a preset name or a policy file
    (read as :func:`yuqing_core.presets.resolve` reads them), a path object or a dict; a
    policy that does not load is reported with the loader's exact messages.
    """
    if not isinstance(policy, Policy):
        try:
            policy = _load(policy)
        except PolicyError as e:
            lines = [format_problem(*p) for p in e.problems] or [str(e)]
            raise AssertionError(
                _header("the policy", len(lines)) + "\n" + "\n".join(lines)
            ) from None
    findings = soundness_findings(policy, strict=strict)
    if findings:
        lines = [f"{f.path}: {f.message}" for f in findings]
        raise AssertionError(
            _header(f"policy {policy.name!r}", len(lines)) + "\n" + "\n".join(lines)
        )


def _load(policy: str | os.PathLike[str] | Mapping[str, Any]) -> Policy:
    if isinstance(policy, Mapping):
        return load_policy(policy)
    if isinstance(policy, str):
        return presets.resolve(policy)
    return load_policy(Path(policy))  # a path object always names a file, never a preset


def _header(what: str, n: int) -> str:
    return f"{what} is not sound: {n} problem{'s' if n != 1 else ''}"


def soundness_findings(policy: Policy, *, strict: bool = False) -> list[Finding]:
    """The problems :func:`assert_policy_sound` would list (an empty list when sound)."""
    linted = [f for f in lint(policy) if strict or f.level == "error"]
    errors = [f.path for f in linted if f.level == "error"]
    out = list(linted)
    for check in CHECKS:
        for f in check(policy):
            # The lint already explains a level that falls as a count rises, band by band.
            if check is check_monotone_severity and any(
                p == f.path or p.startswith(f.path + ".") for p in errors
            ):
                continue
            if f not in out:
                out.append(f)
    return out
