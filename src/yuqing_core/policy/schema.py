"""The policy file format (制度文件), as frozen pydantic models with unknown keys forbidden.

One policy file describes one institution's rules: its calendar, severity levels, assessment
rules, deadlines (obligations), escalation ladders, workflow stages and monitoring duties.
Every section but the header is optional, so a file grows section by section and later
capabilities add sections without breaking existing files.

This module holds the whole file (``PolicySpec``) and its small sections; the larger sections
each have a module of their own (``matching``, ``obligation_spec``, ``workflow_spec``,
``duty_spec``, ``period_spec``), re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Final, Literal

from pydantic import BeforeValidator, Field, PlainSerializer, field_validator, model_validator

from ..errors import PolicyError
from ..model import Severity, SeverityField
from ..time.duration import Duration
from ..time.hours import SPAN_PATTERN, WorkingHours
from ..time.notices import OfficialNotice, load_notice, notice_problems
from ..time.settings import (
    BusinessCloseText,
    check_extra_days,
    parse_business_close,
    zone_named,
)
from .duty_spec import DutySpec, OpenCases
from .fields import Label, Name, Slug, SpecModel
from .matching import (
    AssessmentSpec,
    Band,
    GradeRule,
    GradingSpec,
    SeverityRule,
    nearest_level,
    within_posting,
)
from .obligation_spec import LadderSpec, LadderStep, ObligationSpec
from .period_spec import DateRange, PeriodSpec
from .warnings import WarnPoint
from .workflow_spec import DEFAULT_STAGES, WorkflowSpec

__all__ = [
    "DEFAULT_STAGES",
    "AssessmentSpec",
    "Band",
    "CalendarSpec",
    "DateRange",
    "DutySpec",
    "GradeRule",
    "GradingSpec",
    "LadderSpec",
    "LadderStep",
    "LevelSpec",
    "ObligationSpec",
    "OpenCases",
    "PeriodSpec",
    "PolicySpec",
    "RoleSpec",
    "SeverityRule",
    "TimingSpec",
    "WorkflowSpec",
    "nearest_level",
    "within_posting",
]

SCHEMA_VERSION = 1


def _notice_or_path(value: object) -> object:
    """A notice written as the path of its file is read from there (the loader has already
    read the paths a policy file names, relative to that file)."""
    return load_notice(value) if isinstance(value, str) else value


NoticeEntry = Annotated[
    OfficialNotice, BeforeValidator(_notice_or_path, json_schema_input_type=str | OfficialNotice)
]
"""A notice in ``[calendar] notices``: the path of a notice file, or the notice itself."""


def _label_pairs(value: object) -> object:
    """A table of labels (role -> label) as sorted pairs, so the spec stays hashable; a key
    that is not a role id, or a label that is not text, is named."""
    if not isinstance(value, Mapping):
        return value
    for key, label in value.items():
        if not (isinstance(key, str) and _ROLE_ID.fullmatch(key)):
            raise ValueError(f"{key!r} is not a role id (lower-case letters, digits and _)")
        if not (isinstance(label, str) and label.strip() and len(label.strip()) <= 40):
            raise ValueError(f"{key}: a label is text of 1 to 40 characters")
    return tuple(sorted(value.items()))


_ROLE_ID: Final = re.compile(r"[a-z][a-z0-9_]{0,63}")


RoleLabels = Annotated[
    tuple[tuple[Name, Label], ...],
    BeforeValidator(_label_pairs, json_schema_input_type=dict[Name, Label]),
    PlainSerializer(dict, return_type=dict[str, str]),
]
"""``[role_labels]``: canonical role id -> the institution's label, held as sorted pairs."""


class CalendarSpec(SpecModel):
    """``[calendar]``: the working calendar deadlines are counted on (P3 in docs/rules.md)."""

    kind: Literal["china"] = "china"
    timezone: str = "Asia/Shanghai"
    business_close: BusinessCloseText | None = None
    """Period ends move from 24:00 to this time (下班时间), e.g. ``"17:30"``."""
    extra_rest_days: tuple[date, ...] = ()
    """The institution's own closures (校园停课、放假)."""
    extra_work_days: tuple[date, ...] = ()
    allow_projection: bool = False
    """Let the policy's calendar count past the known years using statutory holidays without
    调休 swaps. Obligations are always counted so, and marked provisional there."""
    notices: tuple[NoticeEntry, ...] = ()
    """Official notices (国务院放假调休安排) for the years after the installed ``holidays``
    data: paths of notice files, relative to this file, read while loading (or the notices
    themselves, as below). See "How deadlines are counted"."""
    working_hours: tuple[Annotated[str, Field(pattern=SPAN_PATTERN)], ...] = ()
    """Working hours (工作时间) as spans of the day, in order, a break between them:
    ``["08:30-12:00", "14:00-17:30"]``. Durations in working hours (``4wh``) count only
    within them on working days; a start outside them counts from the next opening."""

    @field_validator("working_hours")
    @classmethod
    def _working_hours(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if v:
            WorkingHours.parse(v)
        return v

    @property
    def hours(self) -> WorkingHours | None:
        """The working hours, read; ``None`` when the policy states none."""
        return WorkingHours.parse(self.working_hours) if self.working_hours else None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        zone_named(v)
        return v

    @field_validator("business_close")
    @classmethod
    def _closing_time(cls, v: str | None) -> str | None:
        parse_business_close(v)
        return v

    @model_validator(mode="after")
    def _disjoint(self) -> CalendarSpec:
        check_extra_days(self.extra_rest_days, self.extra_work_days)
        return self

    @model_validator(mode="after")
    def _notices_fit(self) -> CalendarSpec:
        problems = notice_problems(self.notices)
        if problems:
            raise PolicyError.from_problems(
                [(None, f"notices[{i}].{key}", msg) for i, key, msg in problems]
            )
        return self


class TimingSpec(SpecModel):
    """``[timing]``: how 'immediately' and 'due soon' are read."""

    immediate_grace: Duration | None = None
    """What 立即 / 第一时间 allows (P5 in docs/rules.md). Required when any deadline is ``now``."""
    due_soon_share: float = Field(default=0.75, gt=0, lt=1)
    """An obligation is ``due_soon`` once this share of its span (elapsed time) has passed,
    unless warning points are stated (``warnings`` here or on the obligation)."""
    warnings: tuple[WarnPoint, ...] = ()
    """Warning points for every obligation that states none of its own: shares of the span on
    the obligation's own clock (working time for ``wd`` and ``wh`` deadlines), e.g.
    ``["50%", "80%"]``, or times before the due instant (``"2h"``, ``"2wh"``). It is
    ``due_soon`` from the first. Empty: one warning at ``due_soon_share`` of the elapsed
    span, as before."""

    @field_validator("immediate_grace")
    @classmethod
    def _elapsed_grace(cls, v: Duration | None) -> Duration | None:
        if v is not None and not v.is_elapsed:
            raise ValueError(f"'{v}' must be elapsed time such as '30min'")
        return v


class LevelSpec(SpecModel):
    """One severity level the policy uses (``[[levels]]``), lowest first."""

    severity: SeverityField
    label: str | None = None
    """The institution's own name for the level, if it differs from the canonical label."""
    definition: str = ""
    institution_defined: bool = False
    """The source leaves the definition to the institution (R6.1 in docs/rules.md)."""


class RoleSpec(SpecModel):
    """A role a preset adds to the canonical ones (``[[roles]]``)."""

    id: Name
    label: str


class PolicySpec(SpecModel):
    """A whole policy file (制度文件)."""

    schema_version: Literal[1] = 1
    """The version of this file format; files without it are read as version 1."""
    name: Slug
    """A short identifier: lower-case letters, digits, ``-``, ``_`` and ``.``."""
    title: str
    """The policy's title as the institution writes it."""
    title_en: str = ""
    """An English title for readers outside the institution."""
    source: str = ""
    """Which source system it encodes (``S3``) and where its text is."""
    description: str = ""
    """What the policy covers, in a sentence or two."""
    notes: tuple[str, ...] = ()
    """How ambiguous parts of the source are read, and why."""
    extends: str | None = Field(default=None, exclude=True)
    """A preset name or a ``.toml``/``.json`` path this file builds on: tables merge by key,
    arrays of tables by ``id`` (an item with ``remove = true`` drops the base item). Resolved
    while loading."""
    calendar: CalendarSpec = CalendarSpec()
    """The working calendar (see ``[calendar]``)."""
    timing: TimingSpec = TimingSpec()
    """Immediate grace and due-soon share (see ``[timing]``)."""
    levels: tuple[LevelSpec, ...] = (
        LevelSpec(severity=Severity.GENERAL),
        LevelSpec(severity=Severity.MAJOR),
        LevelSpec(severity=Severity.CRITICAL),
    )
    """The severity levels in use, lowest first; the lowest is the default level."""
    roles: tuple[RoleSpec, ...] = ()
    """Roles added to the canonical ones."""
    role_labels: RoleLabels = Field(default=(), json_schema_extra={"default": {}})
    """The institution's own names for canonical roles, used in every output: a table
    ``[role_labels]`` with ``office = "学校办公室"``, ``principal_leader = "校长"``."""
    assessment: AssessmentSpec = AssessmentSpec()
    """Automatic grading (see ``[assessment]``)."""
    obligations: tuple[ObligationSpec, ...] = ()
    """Deadlines cases owe (see ``[[obligations]]``)."""
    ladders: tuple[LadderSpec, ...] = ()
    """Escalation ladders with acknowledgement (see ``[[ladders]]``)."""
    workflow: WorkflowSpec = WorkflowSpec()
    """Stages and guards (see ``[workflow]``)."""
    monitoring: tuple[DutySpec, ...] = ()
    """Recurring monitoring duties, the policy's duty roster (see ``[[monitoring]]``)."""
    periods: tuple[PeriodSpec, ...] = ()
    """Named periods duties are owed in (see ``[[periods]]``)."""

    @field_validator("levels")
    @classmethod
    def _levels(cls, v: tuple[LevelSpec, ...]) -> tuple[LevelSpec, ...]:
        if not v:
            raise ValueError("a policy needs at least one level")
        sev = [lv.severity for lv in v]
        if sev != sorted(set(sev)):
            raise ValueError("levels must be distinct and listed lowest first")
        return v

    @property
    def severities(self) -> tuple[Severity, ...]:
        return tuple(lv.severity for lv in self.levels)
