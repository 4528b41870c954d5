"""A host's notice handler, named by its dotted path in ``YUQING_ON_NOTICE``."""

from __future__ import annotations

from datetime import datetime

from yuqing_core.store import OutboxEntry


def send(entry: OutboxEntry, now: datetime) -> str:
    """Sends nothing; says to whom it went."""
    return "office@example.org"
