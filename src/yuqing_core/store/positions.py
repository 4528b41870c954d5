"""The global event position (全局事件位置): every stored event in one order, to follow and resume.

A projection (a dashboard, a search index, a warehouse) reads ``store.events_after(position,
limit)`` and keeps the position of the last event it handled; after a restart it asks again
from there and misses nothing and sees nothing twice.

A :class:`Position` is a pair ``(tx, n)`` compared as a tuple; ``START`` comes before every
event. On SQLite every write holds the database's write lock, so ``n`` numbers the events
in commit order and ``tx`` is 0. On PostgreSQL transactions commit out of order, so ``tx`` is
the writing transaction's id (``pg_current_xact_id()``) and an event is listed only once every
transaction that started before the oldest one still running has ended: an event committed
later never gets a position before one already handed out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ..errors import StoreError
from ..model.event import Event

__all__ = ["START", "Position", "PositionedEvent"]


class Position(NamedTuple):
    """Where an event stands in the store's global order (compare as a tuple)."""

    tx: int
    n: int

    def __str__(self) -> str:
        return f"{self.tx}.{self.n}"

    @classmethod
    def parse(cls, text: str) -> Position:
        """The position ``str(position)`` wrote (``"tx.n"``)."""
        tx, dot, n = str(text).partition(".")
        if not (dot and tx.isdigit() and n.isdigit()):
            raise StoreError(f"not an event position: {text!r} (expected 'tx.n')")
        return cls(int(tx), int(n))


START = Position(0, 0)
"""Before every event: ``events_after(START)`` reads from the first."""


@dataclass(frozen=True, slots=True)
class PositionedEvent:
    """One stored event with its global position (``store.events_after``)."""

    position: Position
    case_id: str
    seq: int
    event: Event
