"""Severity soundness: raising one count never lowers the automatic level (P6 in docs/rules.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ...api import Policy
from ...model import Category, Incident, Metrics, Severity
from ...policy.lint import Finding

__all__ = ["band_points", "check_monotone_severity"]


def band_points(policy: Policy) -> dict[str, list[int]]:
    """Per metric, the counts at and around every band bound of the severity and grade rules.

    >>> from yuqing_core import load_policy
    >>> band_points(load_policy({"name": "d", "title": "示例", "assessment": {"rules": [
    ...     {"id": "r", "rule": "R8.2", "level": "major",
    ...      "any_metrics": [{"metric": "views", "min": 1000, "max": 2999}]}]}}))
    {'views': [0, 999, 1000, 1001, 2998, 2999, 3000]}
    """
    assessment = policy.spec.assessment
    points: dict[str, set[int]] = {}
    for rule in (*assessment.rules, *assessment.grades):
        for band in rule.any_metrics:
            seen = points.setdefault(band.metric, {0})
            for bound in (band.min, band.max):
                if bound is not None:
                    seen.update(v for v in (bound - 1, bound, bound + 1) if v >= 0)
    return {m: sorted(v) for m, v in sorted(points.items())}


@dataclass(frozen=True, slots=True)
class _Sample:
    """The automatic level at one count: its rank, and the highest severity rule that gave it
    (``None`` when no rule did and the level is the policy's lowest)."""

    count: int
    rank: int
    rule_id: str | None


_Level = Callable[[Mapping[str, int]], tuple[int, str | None]]


def _automatic_level(policy: Policy) -> _Level:
    """The automatic level of an incident with these counts, seen a minute after posting."""
    posted = datetime(2025, 11, 5, 9, 0, tzinfo=policy.calendar.zone)
    seen_at = posted + timedelta(minutes=1)

    def level(counts: Mapping[str, int]) -> tuple[int, str | None]:
        inc = Incident(
            id="SOUNDNESS",
            title="soundness",
            discovered_at=seen_at,
            posted_at=posted,
            category=Category.OTHER,
            metrics=(Metrics(observed_at=seen_at, **counts),),
        )
        result = policy.assess(inc, seen_at)
        if result.severity is None:
            return int(policy.lowest), None
        top = max(
            (h for h in result.hits if h.kind == "severity" and h.level is not None),
            key=lambda h: int(h.level or 0),
        )
        return int(policy.normalize_severity(result.severity)), top.rule_id

    return level


def _bases(points: Mapping[str, Sequence[int]]) -> list[dict[str, int]]:
    """The other counts a metric is raised against: all zero, or one metric at a sample."""
    bases: list[dict[str, int]] = [{}]
    for metric, values in points.items():
        bases += [{metric: v} for v in values if v]
    return bases


def _falls(
    level: _Level, base: Mapping[str, int], metric: str, values: Sequence[int]
) -> Iterator[tuple[_Sample, _Sample]]:
    """Each step up ``values`` of ``metric`` (the others at ``base``) where the level falls."""
    previous: _Sample | None = None
    for v in values:
        sample = _Sample(v, *level({**base, metric: v}))
        if previous is not None and sample.rank < previous.rank:
            yield previous, sample
        previous = sample


def _fall_finding(
    path: str, metric: str, base: Mapping[str, int], before: _Sample, after: _Sample
) -> Finding:
    others = ", ".join(f"{k} = {n}" for k, n in sorted(base.items()) if k != metric)
    return Finding(
        "error",
        path,
        f"raising {metric} from {before.count} to {after.count}"
        + (f" (with {others})" if others else "")
        + f" lowers the level from {Severity(before.rank).key} to "
        f"{Severity(after.rank).key}; a higher count must never give a lower "
        "level (P6)",
    )


def check_monotone_severity(policy: Policy) -> list[Finding]:
    """Raising one count (the others held) never lowers the automatic level (P6 in docs/rules.md).

    Counts are sampled at and around every band bound (:func:`band_points`), each metric in
    turn with the others at zero or at one of their own sample points. Each rule is reported
    once per metric, at the first fall found.
    """
    points = band_points(policy)
    if not any(r.any_metrics for r in policy.spec.assessment.rules):
        return []
    level = _automatic_level(policy)
    index = {r.id: i for i, r in enumerate(policy.spec.assessment.rules)}
    out: list[Finding] = []
    reported: set[tuple[str, str]] = set()
    for base in _bases(points):
        for metric, values in points.items():
            if metric in base:
                continue
            for before, after in _falls(level, base, metric, values):
                path = (
                    f"assessment.rules[{index[before.rule_id]}]"
                    if before.rule_id is not None
                    else "assessment.rules"
                )
                if (path, metric) not in reported:
                    reported.add((path, metric))
                    out.append(_fall_finding(path, metric, base, before, after))
    return out
