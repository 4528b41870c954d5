"""Deadlines in batches: one duration from many starts (:meth:`WorkCalendar.due_many
<yuqing_core.WorkCalendar.due_many>`, :meth:`~yuqing_core.WorkCalendar.due_many_epoch` and
:meth:`~yuqing_core.WorkCalendar.due_array`).

Every path reads the one table kernel's tables (:mod:`.tables`): the pure-Python paths run
:meth:`DayTables.last_day` once per local day and share the answer between the starts of that
day; :func:`due_array` does the same look-ups on whole numpy arrays (the ``fast`` extra), with
the same results. A start the fast paths cannot place (outside the tables, or before the
zone's offset became steady) takes the general path of :meth:`WorkCalendar.due
<yuqing_core.WorkCalendar.due>`, which also raises every error.
"""

from __future__ import annotations

import functools
import importlib
import math
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final

from ..errors import CalendarCoverageError, InvalidArgumentError
from .duration import Duration, DurationKind
from .instants import wrong_type
from .tables import MISS, DayTables

if TYPE_CHECKING:
    from .calendar import WorkCalendar

__all__ = ["due_array", "due_many", "due_many_epoch", "epoch_due", "whole", "wrong_type"]

EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
DAY: Final = 86_400
_WD: Final = DurationKind.WORKING_DAYS
_DAYS: Final = DurationKind.DAYS
_ELAPSED: Final = DurationKind.ELAPSED


def due_many(cal: WorkCalendar, starts: Iterable[datetime], d: Duration) -> list[datetime]:
    """:meth:`WorkCalendar.due` of ``d`` from each start, in input order."""
    kind = d.kind
    if kind is not _WD and kind is not _DAYS:
        return [cal.due(s, d) for s in starts]
    zone, local, n = cal.zone, cal.local, d.amount
    t, ends = cal._t, cal._ends
    last_day, built, end_of = t.last_day, ends.built, ends.end
    # Starts on one day share their due instant, so the kernel runs once per day.
    by_day: dict[int, datetime] = {}
    out: list[datetime] = []
    append = out.append
    for s in starts:
        try:
            if s.tzinfo is not zone:
                s = local(s)
        except AttributeError:
            raise wrong_type(s, "start", "a datetime") from None
        anchor = s.toordinal()
        at = by_day.get(anchor)
        if at is None:
            last = last_day(anchor, kind, n)
            if last == MISS:
                raise cal._periods.uncovered_period(anchor, kind, n)
            at = by_day[anchor] = built.get(last) or end_of(last)
        append(at)
    return out


def due_many_epoch(cal: WorkCalendar, starts: Iterable[int | float], d: Duration) -> list[int]:
    """:meth:`WorkCalendar.due_many_epoch`: whole seconds in, whole seconds out."""
    kind = d.kind
    if kind is _ELAPSED:
        step = d.minutes * 60
        try:
            return [(whole(s) if isinstance(s, float) else s) + step for s in starts]
        except InvalidArgumentError:
            raise
        except TypeError:
            raise InvalidArgumentError("starts: expected whole seconds") from None
    if kind is not _WD and kind is not _DAYS:
        return [epoch_due(cal, s, d) for s in starts]
    if not isinstance(starts, list):
        starts = list(starts)
    found = _vectorized(cal, starts, d) if len(starts) >= _VECTOR_MIN else None
    if found is not None:
        return found
    first, steady = cal._steady
    shift = _end_shift(cal, steady)
    last_day, n, origin = cal._t.last_day, d.amount, EPOCH_ORDINAL
    # Starts on one local day share their due instant (one int object, as due_many shares
    # one datetime), so the kernel runs once per day.
    by_day: dict[int, int] = {}
    out: list[int] = []
    append = out.append
    for s in starts:
        if isinstance(s, float):
            s = whole(s)
        try:
            anchor = (s + steady) // DAY + origin
        except TypeError:
            raise wrong_type(s, "start", "whole seconds") from None
        at = by_day.get(anchor)
        if at is None:
            # The offset is steady from day ``first`` on: a start before it takes the
            # general path, which reads the zone itself.
            last = last_day(anchor, kind, n) if anchor >= first else MISS
            if last == MISS:
                at = epoch_due(cal, s, d)
            else:
                at = by_day[anchor] = last * DAY + shift
        append(at)
    return out


_VECTOR_MIN: Final = 1024
"""From this many starts on, :func:`due_many_epoch` runs on numpy arrays when numpy is there."""


def _vectorized(cal: WorkCalendar, starts: list[int | float], d: Duration) -> list[int] | None:
    """:func:`due_many_epoch` on numpy arrays (:func:`due_array`'s kernel), when numpy is
    installed and every start is a finite number on the fast path; else ``None``, and the
    loop gives the results and the errors, in input order. The results are the due
    instants' shared int objects, one per day, as the loop gives them; the starts go
    through in chunks, so that the arrays never hold more than a chunk."""
    try:
        np = importlib.import_module("numpy")
    except ImportError:
        return None
    out: list[int] = []
    for i in range(0, len(starts), _CHUNK):
        try:
            s = np.array(starts[i : i + _CHUNK])
        except (OverflowError, ValueError, TypeError):
            return None
        if s.ndim != 1 or s.dtype.kind not in "if":
            return None  # text, None, ints past int64...: the loop says what is wrong
        if s.dtype.kind == "f" and not np.isfinite(s).all():
            return None
        table, day, general = _table_days(np, cal, _seconds_array(np, s), d)
        if general.any():
            return None
        out += table[1][day].tolist()
    return out


_CHUNK: Final = 1 << 16
"""Starts per chunk on :func:`_vectorized`'s arrays."""


def due_array(cal: WorkCalendar, starts: Any, d: Duration) -> Any:
    """:meth:`WorkCalendar.due_array`: a numpy array of seconds in, one of seconds out."""
    np = _numpy()
    s = _seconds_array(np, starts)
    kind = d.kind
    if kind is _ELAPSED:
        return s + d.minutes * 60
    if kind is not _WD and kind is not _DAYS:
        return np.array([epoch_due(cal, int(x), d) for x in s.tolist()], dtype=np.int64)
    out, general = _due_seconds(np, cal, s, d)
    if general.any():  # outside the tables or the steady offset: the general path, one by one
        (where,) = np.nonzero(general)
        out[where] = [epoch_due(cal, int(x), d) for x in s[where].tolist()]
    return out


def _due_seconds(np: Any, cal: WorkCalendar, s: Any, d: Duration) -> tuple[Any, Any]:
    """The due instants of a day or working-day period from int64 seconds ``s``, and where
    the general path must give them instead (a boolean array)."""
    table, day, general = _table_days(np, cal, s, d)
    return table[0][day], general


def _table_days(
    np: Any, cal: WorkCalendar, s: Any, d: Duration
) -> tuple[tuple[Any, Any], Any, Any]:
    """The due table of ``d`` (:func:`_due_table`), the index in it of each start's local
    day, and where the general path must place a start instead (a boolean array)."""
    t = cal._t
    first, steady = cal._steady
    table = _due_table(_Key(t), d.kind, d.amount, first, _end_shift(cal, steady), np)
    day = s + steady  # the start's local day, counted from the tables' first day
    day //= DAY
    day += EPOCH_ORDINAL - t.base
    inside = (day >= 0) & (day < t.ndays)
    np.clip(day, 0, t.ndays - 1, out=day)
    general = table[0][day] == _GENERAL
    general |= ~inside
    return table, day, general


_GENERAL: Final = -(2**63)
"""In a due table: no fast answer for that day (the general path gives it)."""


@functools.lru_cache(maxsize=32)
def _due_table(key: _Key, kind: DurationKind, n: int, first: int, shift: int, np: Any) -> Any:
    """The due instant (epoch seconds) of an ``n``-day or ``n``-working-day period from each
    day of the tables, by :meth:`DayTables.last_day`'s rule, computed on whole arrays;
    :data:`_GENERAL` where the period needs a day outside the tables or the day is before
    the zone's steady offset (ordinal ``first``)."""
    t = key.tables
    day = np.arange(t.ndays, dtype=np.int64)
    if kind is _WD:
        j = day + 1
        inside = j < t.ndays
        k = np.array(t.cum0, dtype=np.int64)[np.minimum(j, t.ndays - 1)] + n
        inside &= k <= t.nworking
        last = np.array(t.working, dtype=np.int64)[np.clip(k - 1, 0, t.nworking - 1)]
    else:
        j = day + n
        inside = j < t.ndays
        last = np.array(t.next_working, dtype=np.int64)[np.minimum(j, t.ndays - 1)]
        inside &= last <= t.end
    inside &= day + t.base >= first
    table = np.where(inside, last * DAY + shift, _GENERAL)
    # And as Python ints: one object per day, shared by every result on that day.
    return table, np.array(table.tolist(), dtype=object)


def epoch_due(cal: WorkCalendar, s: int | float, d: Duration) -> int:
    """The due instant of ``d`` from ``s`` seconds since the epoch, by the general path."""
    if not isinstance(s, int | float):
        raise wrong_type(s, "start", "whole seconds")
    if isinstance(s, float):
        s = whole(s)
    if not -62_135_596_800 <= s <= 253_402_300_799:  # datetime's own range
        raise CalendarCoverageError(
            f"{s} seconds since the epoch is outside the years any calendar can compute",
            year=1 if s < 0 else 9999,
            last_covered_year=cal.last_covered_year,
        )
    return int(cal.due(datetime.fromtimestamp(s, UTC), d).timestamp())


def _end_shift(cal: WorkCalendar, offset: int) -> int:
    """Seconds from the epoch-day origin of a local day to the end of that day (24:00 or
    business close), in a zone ``offset`` seconds east of UTC."""
    return (cal._close_seconds or DAY) - offset - EPOCH_ORDINAL * DAY


def whole(seconds: float) -> int:
    """Epoch seconds given as a float, without their fraction (rounded down)."""
    if not math.isfinite(seconds):
        raise InvalidArgumentError(f"start: {seconds} is not a number of seconds")
    return math.floor(seconds)


# -- numpy ---------------------------------------------------------------------------------


def _numpy() -> Any:
    try:
        return importlib.import_module("numpy")
    except ImportError:
        raise InvalidArgumentError(
            "due_array needs numpy: pip install 'yuqing-core[fast]' (or use due_many_epoch)"
        ) from None


def _seconds_array(np: Any, starts: Any) -> Any:
    """``starts`` as int64 seconds: floats rounded down, as :func:`whole` does."""
    s = np.asarray(starts)
    if s.dtype.kind == "u" and s.size and s.max() > np.iinfo(np.int64).max:
        raise InvalidArgumentError("starts: a number of seconds past what int64 holds")
    if s.dtype.kind == "f":
        if not np.isfinite(s).all():
            bad = s[~np.isfinite(s)][0]
            raise InvalidArgumentError(f"start: {bad} is not a number of seconds")
        s = np.floor(s)
    elif s.dtype.kind not in "iu" or s.ndim != 1:
        raise InvalidArgumentError(
            f"starts: expected a one-dimensional array of seconds, got dtype {s.dtype}"
        )
    return s.astype(np.int64, copy=False)


class _Key:
    """A table snapshot as a cache key: by identity (its lists are not hashable)."""

    __slots__ = ("tables",)

    def __init__(self, tables: DayTables) -> None:
        self.tables = tables

    def __hash__(self) -> int:
        return id(self.tables)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and other.tables is self.tables
