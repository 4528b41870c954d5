"""The assessment section of the policy file (``[assessment]``): metric bands, the conditions
rules fire on, severity rules and sensitivity grades."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import NonNegativeInt, model_validator

from ..model import METRIC_NAMES, Category, Severity, SeverityField
from ..model.incident import METRIC_LABELS
from ..time.duration import Duration
from .fields import MetricName, Name, RuleRef, Slug, SpecModel

__all__ = [
    "AssessmentSpec",
    "Band",
    "GradeRule",
    "GradingSpec",
    "SeverityRule",
    "nearest_level",
    "within_posting",
]


def nearest_level(levels: Sequence[Severity], severity: Severity) -> Severity:
    """The level of ``levels`` (a policy's, lowest first) that ``severity`` maps to: the
    nearest level at or above it, else the highest (``critical`` on a policy whose top level
    is ``major`` gives ``major``; ``significant`` on general/major/critical gives ``major``).

    >>> nearest_level((Severity.GENERAL, Severity.MAJOR), Severity.CRITICAL)
    <Severity.MAJOR: 4>
    >>> nearest_level((Severity.GENERAL, Severity.MAJOR), Severity.SIGNIFICANT)
    <Severity.MAJOR: 4>
    """
    for level in levels:
        if level >= severity:
            return level
    return levels[-1]


class Band(SpecModel):
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


class _Condition(SpecModel):
    any_flags: tuple[Name, ...] = ()
    """Fires when the incident carries one of these flags."""
    any_categories: tuple[Category, ...] = ()
    """Fires when the incident is of one of these content classes."""
    any_metrics: tuple[Band, ...] = ()
    """Fires when one of these bands holds for the latest counts (within ``window``)."""
    window: Duration | None = None
    """Only observations within this time of posting count (R4.1 in docs/rules.md)."""
    no_flags: tuple[Name, ...] = ()
    """Never fires while the incident carries one of these flags (e.g. ``rumour_refuted``)."""

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


class GradingSpec(SpecModel):
    """``[assessment.grading]``: the order of grades and their observation window."""

    order: tuple[Name, ...]
    """Grades lowest first, e.g. ``["a", "b", "c"]``."""
    window: Duration | None = None
    """A grade other than the highest is only given once this window after posting is over."""


class AssessmentSpec(SpecModel):
    """``[assessment]``: automatic grading from metrics and flags."""

    rules: tuple[SeverityRule, ...] = ()
    grading: GradingSpec | None = None
    grades: tuple[GradeRule, ...] = ()
