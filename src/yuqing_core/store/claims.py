"""Claimable work (可认领的工作): due items and outbox entries handed to one worker at a time.

``store.claim_due(now, limit, lease)`` hands out up to ``limit`` due items (due at or before
``now``, earliest first) that nobody holds: each claim carries a random token and runs until
``now + lease``. The worker acts, then ``store.ack(claims)`` (done: not handed out again for
that due instant) or ``store.release(claims)`` (give it back now). A lease that runs out frees
the item for the next worker: a worker that died mid-way loses nothing. A due instant that
moves (a new save) makes a fresh item, claimable again. The outbox works the same way
(``claim_outbox``, ``mark_sent``, ``release_outbox``).

Every instant is given by the caller (``now``); the store reads no clock.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from .._dt import ensure_aware
from ..errors import StoreError
from .due import DueItem, time_key

__all__ = ["ClaimedDue", "Lease", "as_list", "lease_of"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ClaimedDue:
    """A due item claimed by one worker until ``lease_until`` (``store.claim_due``)."""

    item: DueItem
    token: str = field(repr=False)
    lease_until: datetime


@dataclass(frozen=True, slots=True)
class Lease:
    """The checked arguments of one claim: its instant, how many, until when, its token."""

    now: datetime
    now_key: int
    limit: int
    until: datetime
    until_key: int
    token: str


def lease_of(now: datetime, limit: int, lease: timedelta) -> Lease:
    """The claim of ``limit`` items at ``now`` for ``lease``; bad arguments raise
    :class:`~yuqing_core.StoreError` saying which."""
    now = ensure_aware(now, "now")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise StoreError(f"limit must be a positive integer, got {limit!r}")
    if not isinstance(lease, timedelta) or lease <= timedelta(0):
        raise StoreError(f"lease must be a positive timedelta, got {lease!r}")
    until = now + lease
    return Lease(now, time_key(now), limit, until, time_key(until), secrets.token_hex(16))


def as_list(claims: T | Iterable[T], kind: type[T]) -> list[T]:
    """One claim or several, as a list; anything else raises :class:`~yuqing_core.StoreError`."""
    items = [claims] if isinstance(claims, kind) else list(claims)  # type: ignore[arg-type]
    wrong = next((c for c in items if not isinstance(c, kind)), None)
    if wrong is not None:
        raise StoreError(f"expected {kind.__name__} objects, got {type(wrong).__name__}")
    return items
