"""A host's notice handler, named by its dotted path in ``YUQING_ON_NOTICE``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from yuqing_core.store import OutboxEntry


def send(entry: OutboxEntry, now: datetime) -> str:
    """Sends nothing; says to whom it went."""
    return "office@example.org"


def staff_roles(user: Any) -> list[str]:
    """A host's ``YUQING_ROLES``: staff act as the principal leader, others as nobody."""
    return ["principal_leader"] if user.is_staff else []
