"""The policy file format (制度文件), as frozen pydantic models with unknown keys forbidden.

One policy file describes one institution's rules: its calendar, severity levels, assessment
rules, deadlines (obligations), escalation ladders, workflow stages and monitoring duties.
Every section but the header is optional, so a file grows section by section and later
capabilities add sections without breaking existing files.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NonNegativeInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from ..errors import PolicyError
from ..model import METRIC_NAMES, Category, Severity, SeverityField
from ..model.incident import METRIC_LABELS
from ..model.vocab import IncidentMoment, ObligationAnchor, ObligationKind, State, Trigger
from ..time.duration import Duration, DurationKind
from ..time.notices import OfficialNotice, load_notice, notice_problems
from ..time.settings import (
    BusinessCloseText,
    check_extra_days,
    parse_business_close,
    zone_named,
)
from .recurrence import recurrence_problem

__all__ = [
    "AssessmentSpec",
    "Band",
    "CalendarSpec",
    "DutySpec",
    "GradeRule",
    "GradingSpec",
    "LadderSpec",
    "LadderStep",
    "LevelSpec",
    "ObligationSpec",
    "PolicySpec",
    "RoleSpec",
    "SeverityRule",
    "TimingSpec",
    "WorkflowSpec",
    "within_posting",
]

SCHEMA_VERSION = 1

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
RuleRef = Annotated[str, StringConstraints(min_length=1, max_length=40)]
"""A rule id of the rule catalogue docs/rules.md (``R3.1``, ``P4``) or the institution's own
article number."""
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
MetricName = Literal["views", "comments", "reposts", "outlets"]


DEFAULT_STAGES = tuple(s for s in State if s is not State.DISMISSED)
"""Every canonical stage in order; ``dismissed`` is reached by ``dismiss``, not a stage."""


class _Spec(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, use_attribute_docstrings=True
    )


def _notice_or_path(value: object) -> object:
    """A notice written as the path of its file is read from there (the loader has already
    read the paths a policy file names, relative to that file)."""
    return load_notice(value) if isinstance(value, str) else value


NoticeEntry = Annotated[
    OfficialNotice, BeforeValidator(_notice_or_path, json_schema_input_type=str | OfficialNotice)
]
"""A notice in ``[calendar] notices``: the path of a notice file, or the notice itself."""


class CalendarSpec(_Spec):
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


class TimingSpec(_Spec):
    """``[timing]``: how 'immediately' and 'due soon' are read."""

    immediate_grace: Duration | None = None
    """What 立即 / 第一时间 allows (P5 in docs/rules.md). Required when any deadline is ``now``."""
    due_soon_share: float = Field(default=0.75, gt=0, lt=1)
    """An obligation is ``due_soon`` once this share of its span has passed."""

    @field_validator("immediate_grace")
    @classmethod
    def _elapsed_grace(cls, v: Duration | None) -> Duration | None:
        if v is not None and not v.is_elapsed:
            raise ValueError(f"'{v}' must be elapsed time such as '30min'")
        return v


class LevelSpec(_Spec):
    """One severity level the policy uses (``[[levels]]``), lowest first."""

    severity: SeverityField
    label: str | None = None
    """The institution's own name for the level, if it differs from the canonical label."""
    definition: str = ""
    institution_defined: bool = False
    """The source leaves the definition to the institution (R6.1 in docs/rules.md)."""


class RoleSpec(_Spec):
    """A role a preset adds to the canonical ones (``[[roles]]``)."""

    id: Name
    label: str


class Band(_Spec):
    """An inclusive range on one metric (P1 in docs/rules.md): ``min <= value <= max``."""

    metric: MetricName
    min: NonNegativeInt | None = None
    max: NonNegativeInt | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Band:
        if self.min is None and self.max is None:
            raise ValueError("a band needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is greater than max {self.max}")
        return self

    def contains(self, value: int) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def describe(self) -> str:
        if self.min is not None and self.max is not None:
            return f"{self.min} <= {self.metric} <= {self.max}"
        if self.min is not None:
            return f"{self.metric} >= {self.min}"
        return f"{self.metric} <= {self.max}"

    def describe_zh(self) -> str:
        """The band in Chinese: ``点击量 ≥ 3000``, ``点击量 1000–2999``."""
        name = METRIC_LABELS[self.metric]
        if self.min is not None and self.max is not None:
            return f"{name} {self.min}–{self.max}"
        if self.min is not None:
            return f"{name} ≥ {self.min}"
        return f"{name} ≤ {self.max}"

    def held(self, value: int) -> tuple[str, str]:
        """Why ``value`` lies in the band, in English and in Chinese.

        >>> Band(metric="views", min=3000).held(3500)
        ('views 3500 >= 3000', '点击量 3500 ≥ 3000')
        """
        name, zh = self.metric, METRIC_LABELS[self.metric]
        if self.min is not None and self.max is not None:
            return (
                f"{name} {value} in {self.min}..{self.max}",
                f"{zh} {value}（{self.min}–{self.max}）",
            )
        if self.min is not None:
            return f"{name} {value} >= {self.min}", f"{zh} {value} ≥ {self.min}"
        return f"{name} {value} <= {self.max}", f"{zh} {value} ≤ {self.max}"


def within_posting(text: str, window: Duration | None) -> str:
    """``text`` read on the counts within ``window`` of posting (R4.1 in docs/rules.md), in
    English."""
    return text if window is None else f"{text} within {window} of posting"


class _Condition(_Spec):
    any_flags: tuple[Name, ...] = ()
    """Fires when the incident carries one of these flags."""
    any_categories: tuple[Category, ...] = ()
    """Fires when the incident is of one of these content classes."""
    any_metrics: tuple[Band, ...] = ()
    """Fires when one of these bands holds for the latest counts (within ``window``)."""
    window: Duration | None = None
    """Only observations within this time of posting count (R4.1 in docs/rules.md)."""

    @model_validator(mode="after")
    def _has_condition(self) -> _Condition:
        if not (self.any_flags or self.any_categories or self.any_metrics):
            raise ValueError("a rule needs any_flags, any_categories or any_metrics")
        if self.window is not None and not self.window.is_elapsed:
            raise ValueError(f"window '{self.window}' must be elapsed time such as '3h'")
        for b in self.any_metrics:
            if b.metric not in METRIC_NAMES:  # pragma: no cover - Literal already checks
                raise ValueError(f"unknown metric {b.metric!r}")
        return self


class SeverityRule(_Condition):
    """An automatic grading rule (``[[assessment.rules]]``): gives a severity floor (P8)."""

    id: Slug
    rule: RuleRef
    level: SeverityField
    text: str = ""
    """The source's words."""


class GradeRule(_Condition):
    """A sensitivity grade rule (``[[assessment.grades]]``), like S4's a/b/c."""

    id: Slug
    rule: RuleRef
    grade: Name
    text: str = ""


class GradingSpec(_Spec):
    """``[assessment.grading]``: the order of grades and their observation window."""

    order: tuple[Name, ...]
    """Grades lowest first, e.g. ``["a", "b", "c"]``."""
    window: Duration | None = None
    """A grade other than the highest is only given once this window after posting is over."""


class AssessmentSpec(_Spec):
    """``[assessment]``: automatic grading from metrics and flags."""

    rules: tuple[SeverityRule, ...] = ()
    grading: GradingSpec | None = None
    grades: tuple[GradeRule, ...] = ()


class ObligationSpec(_Spec):
    """A deadline (时限义务) that cases of some levels owe (``[[obligations]]``)."""

    id: Slug
    rule: RuleRef
    kind: ObligationKind
    role: Name
    within: Duration
    levels: tuple[SeverityField, ...] = ()
    """The levels it applies to; empty means every level."""
    any_categories: tuple[Category, ...] = ()
    """Only for these content classes; empty means all."""
    any_flags: tuple[Name, ...] = ()
    """Only when one of these flags is present; empty means always."""
    anchor: ObligationAnchor = "discovered"
    """When the clock starts: the discovery, the posting, the case opening, or the first time
    a trigger fires (e.g. ``"assign"``). Escalation re-anchors at the escalation (P7)."""
    after: Slug | None = None
    """Level-by-level (逐级): the clock starts when this other obligation is met."""
    met_by: tuple[Trigger, ...] = ()
    """Triggers that meet it; empty means the default for its kind."""
    every: Duration | None = None
    """Recurring (续报): after each meeting a new one is due this long after it."""
    until: State = State.STABILIZED
    """A recurring or still-open obligation stops being owed once the case reaches this stage."""
    extendable: bool = False
    """May be extended with ``extend`` within ``workflow.max_extension`` (R5.2)."""
    text: str = ""
    """The source's words."""
    reading: str = ""
    """How an ambiguous source is read (P4: "1天" as 24 hours or a day period)."""

    @field_validator("every")
    @classmethod
    def _every(cls, v: Duration | None) -> Duration | None:
        if v is not None and v.kind in (DurationKind.NOW, DurationKind.SAME_DAY):
            raise ValueError(f"every '{v}' must be a length of time")
        return v


class LadderStep(_Spec):
    role: Name
    timeout: Duration
    """If this role does not acknowledge within it, the next step becomes due."""


class LadderSpec(_Spec):
    """An escalation ladder (``[[ladders]]``), PagerDuty-style: notify the first role; if it
    does not ``acknowledge`` within its timeout, the next one becomes due."""

    id: Slug
    rule: RuleRef
    steps: tuple[LadderStep, ...] = Field(min_length=1)
    levels: tuple[SeverityField, ...] = ()
    any_flags: tuple[Name, ...] = ()
    anchor: IncidentMoment = "discovered"
    text: str = ""


class WorkflowSpec(_Spec):
    """``[workflow]``: the handling stages a case goes through and the guards between them."""

    stages: tuple[State, ...] = DEFAULT_STAGES
    """The stages in order; ``registered`` first. Stages left out are skipped."""
    reply_approval_required: bool = False
    """No public reply (``respond``) before ``approve_reply`` (审定)."""
    review_required_from: SeverityField | None = Severity.MAJOR
    """Cases at or above this level need a ``review`` before ``archive``."""
    review_report_required: bool = False
    """``review`` needs a ``report`` text (书面总结报告)."""
    default_unit: str = "handling_unit"
    units: tuple[str, ...] = ()
    max_extension: Duration | None = None
    """The most all extensions of one obligation may add up to (R5.2: ``5d``); none means
    ``extend`` is refused. Extensions are given in the same unit (``2d`` under ``5d``) and the
    extended due instant is counted from the original one with their total."""
    late_extension: bool = False
    """Whether ``extend`` may name an obligation already past its due instant. Off by default:
    a missed deadline cannot be extended away. When on, the breach stays in the record (the
    obligation keeps ``breached_at`` and accountability still lists it)."""
    pausable: tuple[ObligationKind, ...] = ()
    """The kinds of obligation whose clock ``pause`` stops, e.g. ``["reply",
    "handling_report"]`` while waiting on the citizen. None by default: ``pause`` is refused.
    A pause never stops an obligation already past its due instant."""
    dismissable: bool = True

    @field_validator("pausable")
    @classmethod
    def _pausable(cls, v: tuple[ObligationKind, ...]) -> tuple[ObligationKind, ...]:
        twice = sorted({k.value for k in v if v.count(k) > 1})
        if twice:
            raise ValueError(f"names {', '.join(twice)} more than once")
        return v

    @field_validator("max_extension")
    @classmethod
    def _extension_span(cls, v: Duration | None) -> Duration | None:
        if v is not None and v.kind in (DurationKind.NOW, DurationKind.SAME_DAY):
            raise ValueError(
                f"'{v}' is not a length one can extend by; write elapsed time or days such as '5d'"
            )
        return v

    @model_validator(mode="after")
    def _stages(self) -> WorkflowSpec:
        order = list(State)
        if not self.stages or self.stages[0] != "registered":
            raise ValueError("stages must start with 'registered'")
        if "dismissed" in self.stages:
            raise ValueError("'dismissed' is not a stage; use dismissable")
        if len(set(self.stages)) != len(self.stages):
            raise ValueError("stages repeat")
        idx = [order.index(s) for s in self.stages]
        if idx != sorted(idx):
            raise ValueError("stages must keep the canonical order")
        if self.stages[-1] != "archived":
            raise ValueError("stages must end with 'archived'")
        if self.reply_approval_required and "reply_approved" not in self.stages:
            raise ValueError("reply_approval_required needs the 'reply_approved' stage")
        return self


class DutySpec(_Spec):
    """A recurring monitoring duty (``[[monitoring]]``): patrols, daily logs, bulletins,
    round-the-clock watch (X1, R3.4, R4.2, R7.1 in docs/rules.md)."""

    id: Slug
    rule: RuleRef
    kind: Literal["patrol", "daily_log", "bulletin", "watch", "report"]
    role: Name = "monitor"
    rrule: str
    """An RFC 5545 recurrence, e.g. ``FREQ=DAILY;BYHOUR=16;BYMINUTE=0`` (due instants)."""
    working_days_only: bool = False
    """Keep only instants on working days of the policy's calendar."""
    rest_days_only: bool = False
    """Keep only instants on rest days (holiday watch)."""
    text: str = ""

    @field_validator("rrule")
    @classmethod
    def _rrule(cls, v: str) -> str:
        text = v.strip()
        if text.upper().startswith("RRULE:"):
            text = text[6:]
        problem = recurrence_problem(text)
        if problem is not None:
            raise ValueError(f"{v!r} {problem}")
        return text


class PolicySpec(_Spec):
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
    assessment: AssessmentSpec = AssessmentSpec()
    """Automatic grading (see ``[assessment]``)."""
    obligations: tuple[ObligationSpec, ...] = ()
    """Deadlines cases owe (see ``[[obligations]]``)."""
    ladders: tuple[LadderSpec, ...] = ()
    """Escalation ladders with acknowledgement (see ``[[ladders]]``)."""
    workflow: WorkflowSpec = WorkflowSpec()
    """Stages and guards (see ``[workflow]``)."""
    monitoring: tuple[DutySpec, ...] = ()
    """Recurring monitoring duties (see ``[[monitoring]]``)."""

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
