"""The shipped presets: one policy file per source system of RULES.md (S1-S11).

>>> "school-tiered" in names()
True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import PolicyError
from ..policy.loader import load_policy
from ..policy.policy import Policy

__all__ = ["load", "names", "preset_path"]

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


def _dir() -> Path:
    return Path(str(resources.files(__package__)))


def names() -> list[str]:
    """The shipped presets, in the order of their source systems (S1..S11)."""
    present = {p.stem for p in _dir().glob("*.toml")}
    ordered = [n for n in PRESET_ORDER if n in present]
    return ordered + sorted(present - set(ordered))


def preset_path(name: str) -> Path | None:
    """The file of preset ``name``, or ``None``."""
    p = _dir() / f"{name}.toml"
    return p if p.is_file() else None


_cache: dict[str, Policy] = {}


def load(name: str) -> Policy:
    """Load a shipped preset by name (cached: presets are immutable)."""
    if name not in _cache:
        p = preset_path(name)
        if p is None:
            raise PolicyError(f"{name!r} is not a preset (presets: {', '.join(names())})")
        _cache[name] = load_policy(p)
    return _cache[name]
