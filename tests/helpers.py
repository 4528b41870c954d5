"""Shared helpers of the preset scenario tests (one test module per preset).

Each test runs a preset over its bundled scenario (``presets/scenarios/<name>.jsonl``, the
same file its documentation page's worked timeline is computed from) and compares what the
library derives with values worked out by hand from RULES.md and the official calendar.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import yuqing_core as yq
from yuqing_core.simulate import run_scenario as run  # raises on any line it rejects

CST = ZoneInfo("Asia/Shanghai")

__all__ = ["fmt", "rows", "run", "state_path"]

Row = tuple[str, str, str | None, str]


def fmt(at: datetime | None) -> str | None:
    """``YYYY-MM-DD HH:MM`` in China Standard Time (the form the expected values are written in)."""
    if at is None:
        return None
    return at.astimezone(CST).strftime("%Y-%m-%d %H:%M")


def rows(case: yq.Case, now: datetime) -> list[Row]:
    """Every obligation of ``case`` as ``(id, due, met, status at now)``, in derivation order."""
    return [(o.id, fmt(o.due_at) or "", fmt(o.met_at), o.status(now)) for o in case.obligations]


def state_path(case: yq.Case) -> list[tuple[str, str]]:
    """``(trigger, state after it)`` for every event of ``case``, by replaying its prefixes."""
    out = []
    for k in range(1, len(case.events) + 1):
        prefix = yq.Case.replay(case.policy, case.events[:k])
        out.append((case.events[k - 1].trigger, prefix.state))
    return out
