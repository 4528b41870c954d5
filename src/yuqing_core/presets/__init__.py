"""The shipped presets: one policy file per source system of the rule catalogue (S1-S11).

>>> "school-tiered" in names()
True
>>> load("school-tiered").name
'school-tiered'
"""

from __future__ import annotations

from pathlib import Path

from ..api import Policy, load_policy
from ..errors import PolicyError
from ..policy.catalogue import names, preset_path, scenario_path

__all__ = ["load", "names", "preset_path", "resolve", "scenario_path"]

_cache: dict[str, Policy] = {}


def load(name: str) -> Policy:
    """Load a shipped preset by name (cached: presets are immutable)."""
    if name not in _cache:
        p = preset_path(name)
        if p is None:
            raise PolicyError(f"{name!r} is not a preset (presets: {', '.join(names())})")
        _cache[name] = load_policy(p)
    return _cache[name]


def resolve(name_or_file: str) -> Policy:
    """A preset by name, or a policy file by path (``.toml`` or ``.json``).

    The one reading of "a preset name or a policy file" shared by the command line, the
    pytest plugin and the test kit.
    """
    if name_or_file in names():
        return load(name_or_file)
    if Path(name_or_file).suffix.lower() in (".toml", ".json"):
        return load_policy(name_or_file)
    return load(name_or_file)  # raises PolicyError listing the presets
