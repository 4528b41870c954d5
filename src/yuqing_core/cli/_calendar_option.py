"""The ``--policy`` option of ``yuqing due`` and ``yuqing calendar``: whose calendar to use."""

from __future__ import annotations

import argparse

from ..api import Policy
from ..presets import resolve as resolve_policy
from ..time import WorkCalendar

__all__ = ["add_policy_option", "calendar_of"]


def add_policy_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--policy",
        metavar="NAME_OR_FILE",
        help="a preset name or a .toml/.json policy file (default: the official calendar)",
    )


def calendar_of(policy_ref: str | None) -> tuple[WorkCalendar, Policy | None]:
    """The calendar of the policy named, or the official calendar when none is."""
    if policy_ref is None:
        return WorkCalendar.china(), None
    policy = resolve_policy(policy_ref)
    return policy.calendar, policy
