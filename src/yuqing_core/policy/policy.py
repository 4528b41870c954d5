"""The runtime policy: a validated :class:`PolicySpec` with its calendar and workflow."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..model import Incident, Severity
from ..time.calendar import WorkCalendar
from .check import role_ids
from .schema import LevelSpec, ObligationSpec, PolicySpec
from .vocab import CANONICAL_ROLES

if TYPE_CHECKING:
    from ..rules.assessment import Assessment
    from ..rules.monitoring import DutyInstant
    from ..workflow.case import Case
    from ..workflow.machine import Workflow

__all__ = ["Policy"]


class Policy:
    """An institution's policy (舆情管理制度), ready to grade incidents and open cases.

    Build one with :func:`yuqing_core.load_policy` or :func:`yuqing_core.presets.load`.
    A policy is immutable and shared by all of its cases.
    """

    def __init__(self, spec: PolicySpec, *, source_file: str | None = None) -> None:
        self.spec = spec
        self.source_file = source_file

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def title(self) -> str:
        return self.spec.title

    def __repr__(self) -> str:
        return f"<Policy {self.name!r} {self.title}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Policy):
            return NotImplemented
        return self.spec == other.spec

    def __hash__(self) -> int:
        return hash(self.spec)

    @functools.cached_property
    def calendar(self) -> WorkCalendar:
        """The working calendar deadlines are counted on."""
        c = self.spec.calendar
        return WorkCalendar.china(
            tz=c.timezone,
            business_close=c.business_close,
            extra_rest_days=c.extra_rest_days,
            extra_work_days=c.extra_work_days,
            immediate_grace=self.spec.timing.immediate_grace,
            allow_projection=c.allow_projection,
        )

    @property
    def severities(self) -> tuple[Severity, ...]:
        """The levels this policy uses, lowest first."""
        return self.spec.severities

    @property
    def lowest(self) -> Severity:
        return self.spec.severities[0]

    def level(self, severity: Severity) -> LevelSpec | None:
        for lv in self.spec.levels:
            if lv.severity == severity:
                return lv
        return None

    def level_label(self, severity: Severity) -> str:
        """The policy's own name for a level, or the canonical Chinese label."""
        lv = self.level(severity)
        return lv.label if lv is not None and lv.label else severity.label

    def normalize_severity(self, severity: Severity) -> Severity:
        """The lowest policy level at or above ``severity`` (or the highest level)."""
        for s in self.spec.severities:
            if s >= severity:
                return s
        return self.spec.severities[-1]

    @functools.cached_property
    def roles(self) -> dict[str, str]:
        """Role id -> Chinese label, canonical roles first."""
        out = dict(CANONICAL_ROLES)
        out.update({r.id: r.label for r in self.spec.roles})
        return out

    def has_role(self, role: str) -> bool:
        return role in role_ids(self.spec)

    def obligation_spec(self, ident: str) -> ObligationSpec:
        for ob in self.spec.obligations:
            if ob.id == ident:
                return ob
        raise KeyError(ident)

    def assess(self, incident: Incident, at: datetime | None = None) -> Assessment:
        """Automatic grading (研判) from metrics and flags as known at ``at`` (default: all).

        The highest level of the rules that fired (RULES P2), the sensitivity grade (R4.1),
        and one reason per rule that fired; see :mod:`yuqing_core.rules.assessment`.
        """
        from ..rules.assessment import assess

        return assess(self, incident, at)

    def monitoring_duties(self, start: datetime, end: datetime) -> list[DutyInstant]:
        """The monitoring duties (监测值守) due with ``start <= due_at < end``, earliest first."""
        from ..rules.monitoring import monitoring_duties

        return monitoring_duties(self, start, end)

    @functools.cached_property
    def workflow(self) -> Workflow:
        """The policy's state machine, built once and shared by all of its cases."""
        from ..workflow.machine import Workflow

        return Workflow(self)

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

        ``severity`` is the explicit human judgement (P8); without it the assessed severity,
        or the policy's lowest level, is used. Going below the automatic floor needs ``reason``.
        """
        from ..workflow.case import Case

        return Case.open(self, incident, at=at, actor=actor, severity=severity, reason=reason)

    def to_dict(self) -> dict[str, Any]:
        """The policy as plain data (the merged result of any ``extends``)."""
        return self.spec.model_dump(mode="json", exclude_defaults=False)
