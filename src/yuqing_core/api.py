"""The user-facing policy: :class:`Policy` and :func:`load_policy`.

:class:`Policy` is :class:`~yuqing_core.policy.PolicyData` (what the policy says) with the
operations a host calls: grading an incident, opening a case, listing monitoring duties and
the workflow. Each is a thin call down into the engine below it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from .model import Incident, Severity
from .policy import PolicyData, load_spec
from .rules.assessment import Assessment, assess
from .rules.monitoring import CaseSpan, DutyInstant, monitoring_duties
from .workflow.case import Case
from .workflow.machine import Workflow, workflow_for

__all__ = ["Policy", "load_policy"]


class Policy(PolicyData):
    """An institution's policy (舆情管理制度), ready to grade incidents and open cases.

    Build one with :func:`yuqing_core.load_policy` or :func:`yuqing_core.presets.load`.
    A policy is immutable and shared by all of its cases.
    """

    def assess(self, incident: Incident, at: datetime | None = None) -> Assessment:
        """Automatic grading (研判) from metrics and flags as known at ``at`` (default: all).

        The highest level of the rules that fired, the sensitivity grade, and one reason per
        rule that fired; see :mod:`yuqing_core.rules.assessment`.
        """
        return assess(self, incident, at)

    def monitoring_duties(
        self, start: datetime, end: datetime, *, cases: Iterable[CaseSpan] = ()
    ) -> list[DutyInstant]:
        """The monitoring duties (监测值守) due with ``start <= due_at < end``, earliest first;
        ``while_open`` duties only while one of ``cases`` (open case spans) matches."""
        return monitoring_duties(self, start, end, cases=cases)

    @functools.cached_property
    def workflow(self) -> Workflow:
        """The policy's state machine, built once and shared by all of its cases."""
        return workflow_for(self)

    def open_case(
        self,
        incident: Incident,
        *,
        at: datetime,
        actor: str,
        severity: Severity | str | None = None,
        reason: str | None = None,
    ) -> Case:
        """Register ``incident`` as a case (登记受理) at ``at``.

        ``severity`` is the explicit human judgement; without it the assessed severity, or
        the policy's lowest level, is used. Going below the automatic floor needs ``reason``.
        """
        return Case.open(self, incident, at=at, actor=actor, severity=severity, reason=reason)


def load_policy(source: str | Path | Mapping[str, Any]) -> Policy:
    """Load a policy from a ``.toml`` or ``.json`` path, or a ``dict``.

    >>> p = load_policy({"name": "demo", "title": "示例"})
    >>> p.name, [str(s) for s in p.severities]
    ('demo', ['general', 'major', 'critical'])
    >>> load_policy({"name": "demo", "title": "示例", "colour": "red"})
    Traceback (most recent call last):
    ...
    yuqing_core.errors.PolicyError: colour: unknown key
    """
    spec, file = load_spec(source)
    return Policy(spec, source_file=file)
