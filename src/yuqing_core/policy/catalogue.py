"""Where the shipped presets live: their names, policy files and worked scenarios.

The files are data (``yuqing_core/data/presets``); loading them is the business of
:mod:`yuqing_core.presets`, one layer up. ``extends = "school-tiered"`` in a policy file is
resolved here, so the loader never reaches up for a preset.

>>> "school-tiered" in names()
True
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PRESET_ORDER", "names", "preset_path", "scenario_path"]

PRESET_ORDER = (
    "gov-response",
    "university-plan",
    "school-tiered",
    "vocational-grades",
    "park-message-board",
    "hr-bureau",
    "township",
    "school-thresholds",
    "four-level-response",
    "university-informants",
    "kindergarten-security",
)
"""The presets in the order of their source systems S1..S11."""

_DIR = Path(__file__).resolve().parent.parent / "data" / "presets"


def names() -> list[str]:
    """The shipped presets, in the order of their source systems (S1..S11)."""
    present = {p.stem for p in _DIR.glob("*.toml")}
    ordered = [n for n in PRESET_ORDER if n in present]
    return ordered + sorted(present - set(ordered))


def preset_path(name: str) -> Path | None:
    """The file of preset ``name``, or ``None``."""
    p = _DIR / f"{name}.toml"
    return p if p.is_file() else None


def scenario_path(name: str) -> Path | None:
    """The worked-example scenario of preset ``name`` (``simulate``'s JSON Lines), if any."""
    p = _DIR / "scenarios" / f"{name}.jsonl"
    return p if p.is_file() else None
