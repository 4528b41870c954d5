"""The workflow's records in the ``yuqing_core`` logger: accepted and refused commands.

Ids only (case, trigger, version), never command data: see :mod:`yuqing_core._log`.
"""

from __future__ import annotations

from .._log import LOGGER
from ..model.vocab import TRIGGERS

__all__ = ["log_command"]


def log_command(outcome: str, case_id: str, version: int, trigger: object) -> None:
    """One record of a command ``outcome`` (``accepted`` or ``refused``) on a case."""
    # The trigger is named only when it is one: an unknown one may be anything a caller typed.
    shown = trigger if isinstance(trigger, str) and trigger in TRIGGERS else "<unknown>"
    LOGGER.info(
        "command %s: case %s %s (version %d)",
        outcome,
        case_id,
        shown,
        version,
        extra={"case_id": case_id, "trigger": shown, "version": version},
    )
