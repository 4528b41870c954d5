"""Helpers shared by the sub-commands."""

from __future__ import annotations

from pathlib import Path

from ..policy.loader import load_policy
from ..policy.policy import Policy
from ..presets import load as load_preset
from ..presets import names as preset_names

__all__ = ["resolve_policy"]


def resolve_policy(name_or_file: str) -> Policy:
    """A preset by name, or a policy file by path."""
    if name_or_file in preset_names():
        return load_preset(name_or_file)
    if Path(name_or_file).suffix.lower() in (".toml", ".json"):
        return load_policy(name_or_file)
    return load_preset(name_or_file)  # raises PolicyError listing the presets
