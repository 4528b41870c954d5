"""Simulation (推演): run a policy over incidents and events given as JSON Lines.

Each line is one JSON object:

- ``{"type": "incident", ...Incident fields..., "open_at": ISO, "actor": "...",
  "severity": "major", "reason": "..."}`` opens a case (``open_at`` defaults to
  ``discovered_at``, ``actor`` to ``"simulation"``);
- ``{"type": "event", "case": ID, "trigger": "report", "at": ISO, "actor": "...",
  "actor_roles": [...], "data": {...}}`` fires a command on that case (``metrics`` data is
  a Metrics object; ``actor_roles`` the actor's roles, checked against the policy's
  ``[workflow.permissions]``);
- ``{"type": "now", "at": ISO}`` sets the instant statuses are judged at (default: the last
  time seen).

Times must carry their offset (``+08:00``, ``Z``). Blank lines and lines starting with ``#``
are skipped. The fields of ``data`` are those of the trigger's command (see the vocabulary
reference).

A bad line never stops the run: it is reported with its line number and a one-line reason, and
skipped, and the cases stay as they were before it. The triggers allowed at that point are
listed only when the trigger itself could not fire (an unknown trigger, or one the case's stage
does not allow); a data error gives its reason alone.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .api import Policy
from .errors import InvalidDataError, PolicyError, TransitionError, YuqingError
from .model import Incident, Metrics
from .presets import load as load_preset
from .presets import scenario_path
from .workflow.case import Case

__all__ = ["LINE_FIELDS", "LineField", "Simulation", "run_scenario", "simulate"]


@dataclass(frozen=True, slots=True)
class LineField:
    """One key of a line of simulation input, as the vocabulary reference describes it."""

    name: str
    required: bool
    zh: str
    en: str


LINE_FIELDS: dict[str, tuple[LineField, ...]] = {
    "incident": (
        LineField(
            "open_at",
            False,
            "登记时刻；默认等于发现时刻",
            "when the case is opened; default: discovered_at",
        ),
        LineField("actor", False, "登记人；默认 simulation", "who opened it; default: simulation"),
        LineField(
            "severity",
            False,
            "人工研判的级别（低于自动研判时须写 reason）",
            "a level judged by a person (with a reason when below the automatic one)",
        ),
        LineField(
            "reason", False, "理由（自由文本，不显示）", "the reason (free text, never shown)"
        ),
    ),
    "event": (
        LineField(
            "case",
            True,
            "案件编号（先前 incident 行的 id）",
            "the case id (an earlier incident line's id)",
        ),
        LineField("trigger", True, "命令（见上文命令表）", "the trigger (see the table above)"),
        LineField("at", True, "发生时刻，须带时区", "when it happened, with an offset"),
        LineField("actor", False, "执行人；默认 simulation", "who acted; default: simulation"),
        LineField(
            "actor_roles",
            False,
            "执行人的角色（按制度的 [workflow.permissions] 检查）；默认不说明",
            "the actor's roles (checked against [workflow.permissions]); default: not said",
        ),
        LineField(
            "data",
            False,
            "命令的数据（见上文各命令的数据）",
            "the trigger's data (see each trigger's data above)",
        ),
    ),
    "now": (
        LineField(
            "at",
            True,
            "判断状态的时刻，须带时区；默认取输入中最晚的时刻",
            "the instant statuses are judged at, with an offset; default: the last time seen",
        ),
    ),
}
"""The keys of each type of line besides ``type`` (an incident line also takes every field of
:class:`~yuqing_core.Incident`), for the vocabulary reference."""


@dataclass
class Simulation:
    """What a simulation produced: the cases by id, the judging instant, and line errors."""

    policy: Policy
    cases: dict[str, Case] = field(default_factory=dict)
    now: datetime | None = None
    errors: list[tuple[int, str]] = field(default_factory=list)
    lines: int = 0
    records: int = 0
    """Lines that are neither blank nor comments: each either applied or in ``errors``."""

    def status_counts(self) -> Counter[str]:
        """How many deadlines are in each status at ``now``."""
        if self.now is None:
            return Counter()
        now = self.now
        return Counter(ob.status(now) for case in self.cases.values() for ob in case.obligations)

    def breaches(self) -> list[tuple[str, str]]:
        """``(case id, obligation id)`` of every obligation breached at ``now``."""
        if self.now is None:
            return []
        now = self.now
        return [
            (cid, ob.id)
            for cid, case in self.cases.items()
            for ob in case.obligations
            if ob.status(now) == "breached"
        ]


def _parse_time(value: Any, what: str) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be an ISO datetime string")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{what} {value!r} is not an ISO instant such as 2025-11-03T09:00+08:00"
        ) from None
    if at.tzinfo is None:
        raise ValueError(f"{what} {value!r} has no time zone (add e.g. +08:00)")
    return at


def simulate(
    policy: Policy,
    lines: Iterable[str],
    *,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> Simulation:
    """Run ``lines`` (JSON Lines text) through ``policy``."""
    sim = Simulation(policy)
    latest: datetime | None = None
    for number, raw in enumerate(lines, 1):
        sim.lines = number
        if progress is not None:
            progress(number)
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        sim.records += 1
        try:
            at = _apply(sim, text)
        except (YuqingError, ValueError, KeyError, TypeError) as e:
            sim.errors.append((number, _one_line(e)))
            continue
        if at is not None:
            latest = at if latest is None or at > latest else latest
    if now is not None:
        sim.now = now
    elif sim.now is None:
        sim.now = latest
    return sim


def _apply(sim: Simulation, text: str) -> datetime | None:
    """Apply one line; return when what it records happened (``None`` for a ``now`` line)."""
    try:
        item = json.loads(text)
    except RecursionError:
        raise ValueError("the line nests too deeply to be read") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"not valid JSON (at column {e.colno})") from None
    if not isinstance(item, dict):
        raise ValueError("a line must be a JSON object")
    kind = item.pop("type", None)
    if kind == "incident":
        return _open(sim, sim.policy, item)
    if kind == "event":
        return _event(sim, item)
    if kind == "now":
        sim.now = _parse_time(item.get("at"), "now")
        return None
    raise ValueError(f"unknown line type {kind!r} (incident, event or now)")


def _one_line(e: BaseException) -> str:
    if isinstance(e, InvalidDataError):
        return "; ".join(f"{path}: {msg}" for path, msg in e.problems)
    if isinstance(e, KeyError):
        return f"missing key {e}"
    text = str(e)
    if isinstance(e, TransitionError) and e.trigger in e.allowed:
        # The trigger could fire: what was wrong is the data or a rule, not the choice of
        # command, so the list of every trigger allowed now is left out.
        text = text.removesuffix(f" (allowed now: {', '.join(e.allowed)})")
    return text.replace("\n", "; ")


def _open(sim: Simulation, policy: Policy, item: dict[str, Any]) -> datetime:
    open_at = item.pop("open_at", None)
    actor = str(item.pop("actor", "simulation"))
    severity = item.pop("severity", None)
    reason = item.pop("reason", None)
    incident = Incident.model_validate(item)
    if incident.id in sim.cases:
        raise ValueError(f"case {incident.id!r} is already open")
    at = _parse_time(open_at, "open_at") if open_at is not None else incident.discovered_at
    sim.cases[incident.id] = policy.open_case(
        incident, at=at, actor=actor, severity=severity, reason=reason
    )
    return at


def _event(sim: Simulation, item: dict[str, Any]) -> datetime:
    case_id = str(item["case"])
    case = sim.cases.get(case_id)
    if case is None:
        raise ValueError(f"no open case {case_id!r}")
    at = _parse_time(item.get("at"), "at")
    data = item.get("data") or {}
    if not isinstance(data, dict):
        raise ValueError("data must be a JSON object")
    data = dict(data)
    if isinstance(data.get("metrics"), dict):
        data["metrics"] = Metrics.model_validate(data["metrics"])
    actor = str(item.get("actor", "simulation"))
    roles = item.get("actor_roles")
    case.fire(str(item["trigger"]), at=at, actor=actor, actor_roles=roles, **data)
    return at


def run_scenario(name: str) -> Simulation:
    """Run preset ``name`` over its worked scenario; raise if any line of it fails."""
    path = scenario_path(name)
    if path is None:
        raise PolicyError(f"preset {name!r} has no scenario")
    sim = simulate(load_preset(name), path.read_text(encoding="utf-8").splitlines())
    if sim.errors:
        lines = "; ".join(f"line {n}: {m}" for n, m in sim.errors)
        raise PolicyError(f"{path}: {lines}")
    return sim
