"""Day tables: which days work, counted once so that a period costs a few list look-ups.

:meth:`DayTables.last_day` is the one kernel every period computation goes through: single
deadlines, batches and the epoch batches alike.

>>> from datetime import date
>>> from yuqing_core.time.duration import DurationKind
>>> t = day_tables(2025, 2025, frozenset(), frozenset())
>>> date.fromordinal(t.last_day(date(2025, 9, 30).toordinal(), DurationKind.WORKING_DAYS, 1))
datetime.date(2025, 10, 9)
>>> t.last_day(date(2025, 12, 31).toordinal(), DurationKind.DAYS, 1) == MISS  # needs 2026
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import Final

from .duration import DurationKind
from .notices import OfficialNotice, apply_notices
from .official import official_flags

__all__ = ["MISS", "DayTables", "day_tables"]

MISS: Final = 0
"""What the kernel gives for a period that needs a day outside the tables (no day has
ordinal 0)."""

_WD: Final = DurationKind.WORKING_DAYS


@dataclass(frozen=True, slots=True)
class DayTables:
    """Look-up tables over the ordinals ``base .. end`` (an immutable snapshot)."""

    base: int
    end: int
    ndays: int
    flags: bytes
    """``flags[j]``: 1 if day ``base + j`` is a working day, else 0."""
    cum0: list[int]
    """``cum0[j]``: working days ``d`` with ``base <= d < base + j`` (``ndays + 1`` entries)."""
    working: list[int]
    """The working days' ordinals, ascending."""
    nworking: int
    next_working: list[int]
    """``next_working[j]``: the first working ordinal ``>= base + j``, or ``end + 1``."""

    def last_day(self, anchor: int, kind: DurationKind, n: int) -> int:
        """The last day of an ``n``-working-day period (``kind`` WORKING_DAYS) or an ``n``-day
        period (``kind`` DAYS) whose starting day is ``anchor``, or :data:`MISS` when a day
        it needs lies outside the tables.

        Working days are counted from the day after ``anchor``; a day period's nominal last
        day ``anchor + n`` moves on to the next working day.
        """
        if kind is _WD:
            j = anchor + 1 - self.base
            if 0 <= j < self.ndays:
                k = self.cum0[j] + n
                if k <= self.nworking:
                    return self.working[k - 1]
            return MISS
        j = anchor + n - self.base
        if 0 <= j < self.ndays:
            last = self.next_working[j]
            if last <= self.end:
                return last
        return MISS

    def count_working(self, lo: int, hi: int) -> int | None:
        """Working days with ordinals ``lo <= d < hi`` (``lo < hi``), or ``None`` when that
        needs a day outside the tables."""
        i, j = lo - self.base, hi - self.base
        if i < 0 or j > self.ndays:
            return None
        return self.cum0[j] - self.cum0[i]

    def flag(self, ordinal: int) -> int | None:
        """1 if day ``ordinal`` works, 0 if it rests, ``None`` outside the tables."""
        j = ordinal - self.base
        return self.flags[j] if 0 <= j < self.ndays else None


@functools.lru_cache(maxsize=64)
def day_tables(
    lo: int,
    hi: int,
    rest: frozenset[date],
    work: frozenset[date],
    notices: tuple[OfficialNotice, ...] = (),
) -> DayTables:
    """The tables of the years ``lo..hi``: the official calendar, the years ``notices`` add
    (ordered by year), then the institution's own ``rest`` and ``work`` days on top."""
    flags = bytearray(official_flags(lo, hi))
    base = date(lo, 1, 1).toordinal()
    end = base + len(flags) - 1
    apply_notices(flags, base, notices)
    for d in rest:
        if base <= d.toordinal() <= end:
            flags[d.toordinal() - base] = 0
    for d in work:
        if base <= d.toordinal() <= end:
            flags[d.toordinal() - base] = 1
    cum0 = [0, *accumulate(flags)]
    working = [base + i for i, f in enumerate(flags) if f]
    next_working = [0] * len(flags)
    nxt = end + 1
    for i in range(len(flags) - 1, -1, -1):
        if flags[i]:
            nxt = base + i
        next_working[i] = nxt
    return DayTables(base, end, len(flags), bytes(flags), cum0, working, len(working), next_working)
