"""What a host polls for (到期事项): :class:`DueItem`, and the integer time keys of the due index.

An instant is kept twice in the tables: as ISO text in the zone the case computed it in, to
read back exactly, and as a :func:`time_key`, to sort and compare instants of any zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["DueItem", "from_time_key", "time_key"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def time_key(at: datetime) -> int:
    """``at`` as integer microseconds since 1970-01-01 UTC: a sort key exact to the microsecond.

    >>> from datetime import datetime, timezone, timedelta
    >>> time_key(datetime(1970, 1, 1, 8, tzinfo=timezone(timedelta(hours=8))))
    0
    """
    return (at - _EPOCH) // _MICROSECOND


def from_time_key(key: int) -> datetime:
    """The instant (in UTC) of a :func:`time_key`.

    >>> from_time_key(0).isoformat()
    '1970-01-01T00:00:00+00:00'
    """
    return _EPOCH + key * _MICROSECOND


@dataclass(frozen=True, slots=True)
class DueItem:
    """One open obligation that is due (到期事项), as :meth:`SQLiteStore.due_before` lists it."""

    case_id: str
    obligation_id: str
    kind: str
    role: str
    due_at: datetime
    """In the policy calendar's time zone, as the case computed it."""
    rule: str
    policy: str
    provisional: bool = False
    """The due instant rests on days the official calendar does not settle yet; it may move
    when the year's official notice is known (see ``Obligation.provisional``)."""

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> DueItem:
        """The item of one row of the due query (its columns in the query's order)."""
        case_id, obligation_id, policy, kind, role, rule, due_at, provisional = row
        return cls(
            case_id=case_id,
            obligation_id=obligation_id,
            kind=kind,
            role=role,
            due_at=datetime.fromisoformat(due_at),
            rule=rule,
            policy=policy,
            provisional=bool(provisional),
        )
