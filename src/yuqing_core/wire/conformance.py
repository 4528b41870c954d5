"""Conformance vectors (一致性测试向量): the preset scenarios, run through the library, as JSON
an implementation in another language checks itself against.

One vector per preset with a worked scenario (``data/presets/scenarios``), shipped in
``yuqing_core/data/conformance/<preset>.json``: the policy (its JSON and fingerprint), and for
each case its events in the form of the case document, and after each event (and at the
scenario's last instant) the case's stage, level and every obligation with its due instant and
its status at that instant. An implementation replays the first ``events`` events of a case
and compares what it owes with ``obligations``.

``yuqing conformance --write DIR`` writes the vectors; ``yuqing conformance --check [DIR]``
checks the library against them (the shipped ones by default).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from ..api import Policy, load_policy
from ..errors import YuqingError
from ..model import Event
from ..presets import load as load_preset
from ..presets import names, scenario_path
from ..simulate import run_scenario
from ..workflow.case import Case
from .forms import obligation_json

__all__ = [
    "VECTORS_DIR",
    "VECTOR_FORMAT",
    "check_vector",
    "check_vectors",
    "vector",
    "vectors",
    "write_vectors",
]

VECTOR_FORMAT = "yuqing_core.conformance/1"
"""The format tag of a conformance vector."""

VECTORS_DIR = Path(__file__).resolve().parent.parent / "data" / "conformance"
"""Where the shipped vectors are."""


def _step(case: Case, at: datetime) -> dict[str, Any]:
    return {
        "events": case.version,
        "at": at.isoformat(),
        "state": case.state,
        "severity": case.severity.key,
        "obligations": [obligation_json(ob, at) for ob in case.obligations],
    }


def _case_vector(policy: Policy, case: Case, now: datetime) -> dict[str, Any]:
    events = case.events
    steps = [
        _step(Case.replay(policy, events[:n]), events[n - 1].at) for n in range(1, len(events))
    ]
    steps.append(_step(case, events[-1].at))
    if now != events[-1].at:
        steps.append(_step(case, now))
    return {
        "id": case.id,
        "events": [e.to_dict(include_personal=False) for e in events],
        "steps": steps,
    }


def vector(name: str) -> dict[str, Any]:
    """The conformance vector of preset ``name``: its scenario run through the library."""
    sim = run_scenario(name)
    policy = load_preset(name)
    now = sim.now
    if now is None:  # pragma: no cover - every shipped scenario records something
        raise YuqingError(f"preset {name!r}: the scenario records nothing")
    return {
        "format": VECTOR_FORMAT,
        "preset": name,
        "fingerprint": policy.fingerprint,
        "policy": policy.to_dict(),
        "cases": [_case_vector(policy, case, now) for case in sim.cases.values()],
    }


def vectors() -> dict[str, dict[str, Any]]:
    """The vector of every preset that has a worked scenario, by preset name."""
    return {name: vector(name) for name in names() if scenario_path(name) is not None}


def dumps(doc: Mapping[str, Any]) -> str:
    """A vector as the shipped files hold it (indented, keys in order, a final newline)."""
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def write_vectors(directory: Path) -> list[Path]:
    """Write every vector into ``directory`` as ``<preset>.json``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, doc in vectors().items():
        path = directory / f"{name}.json"
        path.write_text(dumps(doc), encoding="utf-8")
        written.append(path)
    return written


def check_vector(doc: Mapping[str, Any]) -> list[str]:
    """What this library computes differently from vector ``doc`` (empty: it passes)."""
    policy = load_policy(dict(doc["policy"]))
    if policy.fingerprint != doc["fingerprint"]:
        return [f"the policy's fingerprint is {policy.fingerprint}, not {doc['fingerprint']}"]
    problems = []
    for case in doc["cases"]:
        events = [Event.from_dict(e) for e in case["events"]]
        for step in case["steps"]:
            got = _step(Case.replay(policy, events[: step["events"]]), _instant(step["at"]))
            where = f"case {case['id']}, after {step['events']} events, at {step['at']}"
            problems += [f"{where}: {d}" for d in _differences(got, step)]
    return problems


def _differences(got: Mapping[str, Any], want: Mapping[str, Any]) -> list[str]:
    """What differs between the step computed and the step expected, key by key."""
    out = [
        f"{key} is {got[key]!r}, not {want[key]!r}"
        for key in ("state", "severity")
        if got[key] != want[key]
    ]
    mine = {o["id"]: o for o in got["obligations"]}
    theirs = {o["id"]: o for o in want["obligations"]}
    for ident in theirs.keys() - mine.keys():
        out.append(f"obligation {ident!r} is not owed")
    for ident in mine.keys() - theirs.keys():
        out.append(f"obligation {ident!r} is owed but not expected")
    for ident in mine.keys() & theirs.keys():
        a, b = mine[ident], theirs[ident]
        out += [
            f"obligation {ident!r}: {key} is {a.get(key)!r}, not {b.get(key)!r}"
            for key in sorted(a.keys() | b.keys())
            if a.get(key) != b.get(key)
        ]
    if not out and [o["id"] for o in got["obligations"]] != [o["id"] for o in want["obligations"]]:
        out.append("the obligations are in another order")
    return out


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def check_vectors(directory: Path = VECTORS_DIR) -> dict[str, list[str]]:
    """:func:`check_vector` for every vector file in ``directory``, by file name."""
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise YuqingError(f"{directory}: no conformance vectors (*.json)")
    return {p.name: check_vector(json.loads(p.read_text(encoding="utf-8"))) for p in paths}
