"""Testing kit for institutions (the ``testing`` extra): a controllable clock, ``hypothesis``
strategies, :func:`assert_policy_sound` and a pytest plugin.

The strategies need ``hypothesis`` (``pip install 'yuqing-core[testing]'``); they are imported
on first use, so the clock, the commands and the soundness checks work without it.

>>> import yuqing_core as yq
>>> from yuqing_core.testing import assert_policy_sound
>>> assert_policy_sound(yq.presets.load("school-tiered"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .clock import Clock
from .command import Command, apply_commands
from .soundness import assert_policy_sound, soundness_findings

if TYPE_CHECKING:
    from .strategies import command_sequences, commands, incidents, metric_histories

__all__ = [
    "Clock",
    "Command",
    "apply_commands",
    "assert_policy_sound",
    "command_sequences",
    "commands",
    "incidents",
    "metric_histories",
    "soundness_findings",
]

_STRATEGIES = frozenset({"command_sequences", "commands", "incidents", "metric_histories"})


def __getattr__(name: str) -> Any:
    if name in _STRATEGIES:
        # Lazy: the package (and the pytest plugin) loads without hypothesis, an optional
        # dependency; without it this raises an ImportError naming the 'testing' extra.
        from . import strategies

        return getattr(strategies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
