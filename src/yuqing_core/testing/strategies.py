"""``hypothesis`` strategies for policy tests (the ``testing`` extra).

- :func:`incidents`: incidents a policy may see: aware times in the policy's zone, every
  content class, the flags its rules mention plus the known ones, and metric histories whose
  counts are observed after posting and never fall, often right at a band bound;
- :func:`metric_histories`: such histories alone;
- :func:`commands`: one command the policy's workflow table has from a stage (its guards
  may still refuse it: for tests that a refused command changes nothing);
- :func:`command_sequences`: lists of :class:`~yuqing_core.testing.Command` that all fire on
  a fresh case, drawn by walking the workflow table from the case's current stage.

>>> import yuqing_core as yq
>>> from hypothesis import given, settings
>>> policy = yq.presets.load("school-tiered")
>>> @settings(max_examples=20, deadline=None)
... @given(incidents(policy))
... def test_opens(incident):
...     assert policy.open_case(incident, at=incident.discovered_at, actor="m").version == 1
>>> test_opens()
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as e:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "yuqing_core.testing strategies need hypothesis, which comes with the 'testing' "
        "extra: pip install 'yuqing-core[testing]'"
    ) from e

from .._dt import ensure_aware
from ..api import Policy
from ..errors import TransitionError
from ..model import KNOWN_FLAGS, METRIC_NAMES, Category, Incident, Metrics
from ..model.vocab import FINAL_STATES, TRIGGERS
from ..time.duration import Duration, DurationKind
from ..workflow.case import Case
from .command import Command
from .soundness.severity import band_points

__all__ = [
    "DEFAULT_END",
    "DEFAULT_START",
    "command_sequences",
    "commands",
    "incidents",
    "metric_histories",
    "policy_flags",
]

DEFAULT_START = (2025, 9, 1)
"""Incidents are discovered from this day (in the policy's zone) ..."""
DEFAULT_END = (2026, 6, 30)
"""... to the end of this one: National Day 2025 and Spring Festival 2026 fall inside, and
deadlines of a few weeks stay within the official calendar the library knows."""

TITLES = ("食堂饭菜质量投诉", "校园安全事件传闻", "招生政策被误读", "网络谣言", "师德问题举报")

_TEXTS: dict[str, str] = {
    "draft_reply": "答复草稿",
    "respond": "情况说明",
    "follow_up": "续报",
    "review": "总结报告",
}


def policy_flags(policy: Policy) -> list[str]:
    """The flags the policy's rules, obligations and ladders mention (required or excluded),
    then the known ones."""
    spec = policy.spec
    named: list[str] = []
    for rule in (*spec.assessment.rules, *spec.assessment.grades):
        named += (*rule.any_flags, *rule.no_flags)
    for ob in spec.obligations:
        named += (*ob.any_flags, *ob.no_flags)
    for ladder in spec.ladders:
        named += (*ladder.any_flags, *ladder.no_flags)
    return list(dict.fromkeys([*sorted(set(named)), *KNOWN_FLAGS]))


def _day_start(policy: Policy, day: tuple[int, int, int]) -> datetime:
    return datetime(*day, tzinfo=policy.calendar.zone)


def _instants(start: datetime, end: datetime) -> st.SearchStrategy[datetime]:
    """Whole minutes in ``[start, end]``, in ``start``'s zone."""
    zone = start.tzinfo
    span = int((end - start).total_seconds() // 60)
    if span < 0:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    return st.integers(0, span).map(lambda m: (start + timedelta(minutes=m)).astimezone(zone))


def _counts(points: Sequence[int]) -> st.SearchStrategy[int]:
    free = st.integers(0, 20_000)
    return st.one_of(st.sampled_from(points), free) if points else free


def metric_histories(
    *,
    since: datetime,
    until: datetime,
    policy: Policy | None = None,
    min_size: int = 0,
    max_size: int = 4,
    floor: Mapping[str, int] | None = None,
) -> st.SearchStrategy[tuple[Metrics, ...]]:
    """Observations (:class:`~yuqing_core.Metrics`) at whole minutes in ``[since, until]``,
    in time order, each count never lower than the one before (nor than ``floor``).

    With ``policy``, counts are often drawn at and around the bounds of its bands, where the
    level changes (:func:`~yuqing_core.testing.soundness.band_points`).
    """
    since = ensure_aware(since, "since")
    until = ensure_aware(until, "until")
    if not 0 <= min_size <= max_size:
        raise ValueError(f"need 0 <= min_size <= max_size (got {min_size}, {max_size})")
    unknown = set(floor or {}) - set(METRIC_NAMES)
    if unknown:
        raise ValueError(f"unknown metrics in floor: {sorted(unknown)}")
    points = band_points(policy) if policy is not None else {}
    return _histories(_instants(since, until), points, min_size, max_size, dict(floor or {}))


@st.composite
def _histories(
    draw: st.DrawFn,
    instants: st.SearchStrategy[datetime],
    points: Mapping[str, Sequence[int]],
    min_size: int,
    max_size: int,
    low: Mapping[str, int],
) -> tuple[Metrics, ...]:
    n = draw(st.integers(min_size, max_size))
    times = sorted(draw(st.lists(instants, min_size=n, max_size=n)))
    columns: dict[str, list[int]] = {}
    for metric in METRIC_NAMES:
        values = draw(st.lists(_counts(points.get(metric, ())), min_size=n, max_size=n))
        columns[metric] = sorted(max(v, low.get(metric, 0)) for v in values)
    return tuple(
        Metrics(observed_at=t, **{m: columns[m][k] for m in METRIC_NAMES})
        for k, t in enumerate(times)
    )


def incidents(
    policy: Policy,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    categories: Collection[Category] | None = None,
    flags: Sequence[str] | None = None,
    max_flags: int = 3,
    max_observations: int = 4,
    posted: bool | None = None,
) -> st.SearchStrategy[Incident]:
    """An incident ``policy`` may see, discovered at a whole minute in ``[start, end]``.

    Defaults: discovered between :data:`DEFAULT_START` and :data:`DEFAULT_END` in the
    policy's zone; posted up to three days before (or unknown, unless ``posted`` says);
    any content class; up to ``max_flags`` of :func:`policy_flags`; up to
    ``max_observations`` metric observations between posting and discovery.
    """
    zone = policy.calendar.zone
    lo = ensure_aware(start, "start") if start is not None else _day_start(policy, DEFAULT_START)
    hi = (
        ensure_aware(end, "end")
        if end is not None
        else _day_start(policy, DEFAULT_END) + timedelta(hours=23, minutes=59)
    )
    pool = list(flags) if flags is not None else policy_flags(policy)
    kinds = sorted(categories or Category, key=list(Category).index)
    return _incidents(
        policy,
        _instants(lo.astimezone(zone), hi.astimezone(zone)),
        pool,
        kinds,
        max_flags,
        max_observations,
        posted,
    )


@st.composite
def _incidents(
    draw: st.DrawFn,
    policy: Policy,
    instants: st.SearchStrategy[datetime],
    pool: Sequence[str],
    kinds: Sequence[Category],
    max_flags: int,
    max_observations: int,
    posted: bool | None,
) -> Incident:
    discovered = draw(instants)
    has_post = draw(st.booleans()) if posted is None else posted
    posted_at = (
        discovered - timedelta(minutes=draw(st.integers(0, 3 * 24 * 60))) if has_post else None
    )
    chosen = draw(st.frozensets(st.sampled_from(pool), max_size=max_flags)) if pool else frozenset()
    metrics = draw(
        metric_histories(
            since=posted_at or discovered - timedelta(days=1),
            until=discovered,
            policy=policy,
            max_size=max_observations,
        )
    )
    return Incident(
        id=f"YQ-{draw(st.integers(1, 99_999)):05d}",
        title=draw(st.sampled_from(TITLES)),
        discovered_at=discovered,
        posted_at=posted_at,
        category=draw(st.sampled_from(kinds)),
        metrics=metrics,
        flags=chosen,
    )


def _gaps(max_gap: str | timedelta) -> st.SearchStrategy[int]:
    top = max_gap if isinstance(max_gap, timedelta) else Duration.parse(max_gap).as_timedelta()
    most = int(top.total_seconds() // 60)
    return st.one_of(st.integers(0, min(most, 180)), st.integers(0, most))


def _levels(policy: Policy, above: int | None = None, below: int | None = None) -> list[str]:
    return [
        s.key
        for s in policy.severities
        if (above is None or s > above) and (below is None or s < below)
    ]


_DataFor = Callable[[st.DrawFn, Policy, str, Case | None], dict[str, Any] | None]
"""Draws the data of one trigger (``None`` when it has none that could fire)."""


def _role_data(draw: st.DrawFn, policy: Policy, trigger: str, case: Case | None) -> dict[str, Any]:
    roles = sorted(policy.roles)
    picked: dict[str, Any] = draw(st.sampled_from([{}, *({"role": r} for r in roles)]))
    return picked


def _unit_data(draw: st.DrawFn, policy: Policy, trigger: str, case: Case | None) -> dict[str, Any]:
    units = policy.spec.workflow.units
    picked: dict[str, Any] = draw(st.sampled_from([{}, *({"unit": u} for u in units)]))
    return picked


def _text_data(draw: st.DrawFn, policy: Policy, trigger: str, case: Case | None) -> dict[str, Any]:
    picked: dict[str, Any] = draw(st.sampled_from([{}, {"text": _TEXTS[trigger]}]))
    return picked


def _review_data(
    draw: st.DrawFn, policy: Policy, trigger: str, case: Case | None
) -> dict[str, Any]:
    options: list[dict[str, Any]] = [{"report": _TEXTS["review"]}]
    required = policy.spec.workflow.review_report_required
    picked: dict[str, Any] = draw(st.sampled_from(options if required else [{}, *options]))
    return picked


def _dismiss_data(
    draw: st.DrawFn, policy: Policy, trigger: str, case: Case | None
) -> dict[str, Any]:
    return {"reason": "重复登记"}


def _assess_data(
    draw: st.DrawFn, policy: Policy, trigger: str, case: Case | None
) -> dict[str, Any]:
    """No level, a higher one, or a lower one with a reason (below the case's, when given)."""
    now = case.severity if case is not None else None
    choices: list[dict[str, Any]] = [{}, *({"severity": s} for s in _levels(policy, above=now))]
    choices += [{"severity": s, "reason": "研判后调整"} for s in _levels(policy, below=now)]
    picked: dict[str, Any] = draw(st.sampled_from(choices))
    return picked


def _level_change_data(
    draw: st.DrawFn, policy: Policy, trigger: str, case: Case | None
) -> dict[str, Any] | None:
    """``escalate`` above the case's level, ``downgrade`` below it; ``None`` if there is none."""
    now = case.severity if case is not None else None
    pool = _levels(policy, above=now) if trigger == "escalate" else _levels(policy, below=now)
    if not pool:
        return None
    return {"severity": draw(st.sampled_from(pool)), "reason": "舆情变化"}


def _metrics_data(
    draw: st.DrawFn, policy: Policy, trigger: str, case: Case | None
) -> dict[str, Any]:
    """New counts (never below the case's latest, often at a band bound), or new flags."""
    latest = case.incident.latest_metrics() if case is not None else None
    floor = {m: latest.value(m) for m in METRIC_NAMES} if latest is not None else {}
    points = band_points(policy)
    if draw(st.booleans()):
        return {
            "metrics": {
                m: max(draw(_counts(points.get(m, ()))), floor.get(m, 0)) for m in METRIC_NAMES
            }
        }
    pool = policy_flags(policy)
    return {"flags": sorted(draw(st.frozensets(st.sampled_from(pool), min_size=1, max_size=2)))}


def _extend_data(
    draw: st.DrawFn, policy: Policy, trigger: str, case: Case | None
) -> dict[str, Any] | None:
    cap = policy.spec.workflow.max_extension
    if cap is None:
        return None
    # Extensions are given in the cap's unit (their total is checked against it).
    unit = {
        DurationKind.DAYS: "d",
        DurationKind.WORKING_DAYS: "wd",
        DurationKind.WORKING_HOURS: "wh",
    }.get(cap.kind)
    choices = [f"{n}{unit}" for n in (1, 2, 3)] if unit else ["30min", "2h"]
    return {"by": draw(st.sampled_from(choices))}


def _waive_data(
    draw: st.DrawFn, policy: Policy, trigger: str, case: Case | None
) -> dict[str, Any] | None:
    """One obligation the case owes (any id without a case: it may be refused), and a reason."""
    if case is None:
        ids = [o.id for o in policy.spec.obligations] or ["none"]
    else:
        ids = [o.id for o in case.obligations if o.is_open]
    if not ids:
        return None
    return {"obligation": draw(st.sampled_from(ids)), "reason": "经核实不再需要"}


_DATA: dict[str, _DataFor] = {
    "report": _role_data,
    "supervise": _role_data,
    "acknowledge": _role_data,
    "assign": _unit_data,
    "draft_reply": _text_data,
    "respond": _text_data,
    "follow_up": _text_data,
    "review": _review_data,
    "dismiss": _dismiss_data,
    "assess": _assess_data,
    "escalate": _level_change_data,
    "downgrade": _level_change_data,
    "update_metrics": _metrics_data,
    "extend": _extend_data,
    "waive": _waive_data,
}
"""The triggers that take data; every other one fires with none."""


def _data(
    draw: st.DrawFn, policy: Policy, trigger: str, case: Case | None
) -> dict[str, Any] | None:
    """Data for ``trigger``: guard-aware when ``case`` is given; ``None`` if there is none."""
    make = _DATA.get(trigger)
    return {} if make is None else make(draw, policy, trigger, case)


def commands(
    policy: Policy, *, state: str = "registered", max_gap: str = "72h"
) -> st.SearchStrategy[Command]:
    """One command whose trigger the workflow table has from ``state``, with well-formed data.

    Guards and data that depend on the case (a level above the current one, an approved
    reply) are not checked: the command may be refused, which is what a test of refusals
    wants.
    """
    wf = policy.workflow
    if state not in wf.states:
        raise ValueError(f"{state!r} is not a stage of policy {policy.name!r} ({wf.states})")
    triggers = wf.triggers_from(state)
    if not triggers:
        raise ValueError(f"no trigger leaves {state!r} in policy {policy.name!r}")
    return _command(policy, triggers, _gaps(max_gap))


@st.composite
def _command(
    draw: st.DrawFn, policy: Policy, triggers: Sequence[str], gaps: st.SearchStrategy[int]
) -> Command:
    trigger = draw(st.sampled_from(triggers))
    data = _data(draw, policy, trigger, None)
    if data is None:  # escalate/downgrade without a case: any level, with a reason
        data = {"severity": draw(st.sampled_from(_levels(policy))), "reason": "舆情变化"}
    return Command(trigger, draw(gaps), data)


def _default_incident(policy: Policy) -> Incident:
    found = datetime(2025, 9, 30, 9, 0, tzinfo=policy.calendar.zone)
    return Incident(id="YQ-HYPOTHESIS", title="测试舆情", discovered_at=found)


def command_sequences(
    policy: Policy,
    *,
    incident: Incident | None = None,
    opened_at: datetime | None = None,
    severity: str | None = None,
    reason: str | None = None,
    min_size: int = 0,
    max_size: int = 10,
    triggers: Collection[str] | None = None,
    max_gap: str = "72h",
) -> st.SearchStrategy[list[Command]]:
    """Commands that all fire, in order, on ``policy.open_case(incident, at=opened_at,
    actor=..., severity=severity, reason=reason)`` with :func:`apply_commands`.

    Each command is drawn from the triggers the workflow table allows from the case's
    current stage (``case.allowed_triggers()``), restricted to ``triggers`` if given, with
    data that passes the guards (a level above the current one to escalate, a reason to
    lower one, counts that never fall), and is kept only once it fired on a probe case
    opened the same way. The sequence stops early when the case closes (归档, 不予处理) or no
    trigger is left. Defaults: a plain incident found 2025-09-30 09:00, opened when found.
    """
    incident = incident or _default_incident(policy)
    at = ensure_aware(opened_at, "opened_at") if opened_at else incident.discovered_at
    wanted = set(TRIGGERS) if triggers is None else set(triggers)
    unknown = wanted - set(TRIGGERS)
    if unknown:
        raise ValueError(f"unknown triggers {sorted(unknown)}")
    if not 0 <= min_size <= max_size:
        raise ValueError(f"need 0 <= min_size <= max_size (got {min_size}, {max_size})")

    def open_probe() -> Case:
        return policy.open_case(incident, at=at, actor="probe", severity=severity, reason=reason)

    open_probe()  # a case that cannot be opened is refused now, not at the first draw
    return _sequences(policy, open_probe, wanted, min_size, max_size, _gaps(max_gap))


@st.composite
def _sequences(
    draw: st.DrawFn,
    policy: Policy,
    open_probe: Callable[[], Case],
    wanted: Collection[str],
    min_size: int,
    max_size: int,
    gaps: st.SearchStrategy[int],
) -> list[Command]:
    probe = open_probe()
    n = draw(st.integers(min_size, max_size))
    out: list[Command] = []
    while len(out) < n and probe.state not in FINAL_STATES:
        candidates = [t for t in probe.allowed_triggers() if t in wanted]
        while candidates:
            trigger = draw(st.sampled_from(candidates))
            data = _data(draw, policy, trigger, probe)
            command = Command(trigger, draw(gaps), data or {})
            if data is not None:
                when = probe.events[-1].at + timedelta(minutes=command.minutes)
                try:
                    probe.fire(trigger, at=when, actor="probe", **command.data_at(when))
                except TransitionError:
                    pass
                else:
                    out.append(command)
                    break
            candidates.remove(trigger)
        else:
            break
    return out
