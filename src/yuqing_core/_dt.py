"""Timezone-aware datetime checks shared by every layer."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from typing import Annotated, Final

from pydantic import AfterValidator
from pydantic_core import TzInfo

from .errors import InvalidArgumentError, NaiveDatetimeError

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "AwareDatetime",
    "ensure_aware",
    "shared_zone",
    "year_problem",
]

FIRST_YEAR: Final = 1950
"""The first year the library computes deadlines in (the founding of the PRC)."""
LAST_YEAR: Final = 2099
"""The last year the library computes deadlines in, provisionally past the official data."""


def year_problem(value: datetime) -> str | None:
    """Why ``value`` lies outside the years a case can be recorded in, or ``None``.

    An instant the calendar cannot count from would make a recorded case unreadable, so
    incidents, metrics and commands outside :data:`FIRST_YEAR`..:data:`LAST_YEAR` are
    refused when they are given.

    >>> from datetime import datetime, timezone
    >>> year_problem(datetime(2407, 1, 1, tzinfo=timezone.utc))
    '2407 is outside the years the library computes (1950-2099)'
    """
    if FIRST_YEAR <= value.year <= LAST_YEAR:
        return None
    return f"{value.year} is outside the years the library computes ({FIRST_YEAR}-{LAST_YEAR})"


def ensure_aware(value: datetime, name: str = "datetime") -> datetime:
    """Return ``value`` unchanged if it carries a time zone, else raise.

    >>> from datetime import datetime, timezone
    >>> ensure_aware(datetime(2025, 10, 1, 9, tzinfo=timezone.utc)).year
    2025
    >>> ensure_aware(datetime(2025, 10, 1, 9), "at")
    Traceback (most recent call last):
    ...
    yuqing_core.errors.NaiveDatetimeError: at: 2025-10-01T09:00:00 has no time zone; \
give an aware datetime such as 2025-10-01T09:00:00+08:00
    """
    if not isinstance(value, datetime):
        raise InvalidArgumentError(f"{name}: expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{name}: {value.isoformat()} has no time zone; "
            f"give an aware datetime such as {value.isoformat()}+08:00"
        )
    return value


def _validate_aware(value: datetime) -> datetime:
    tz = value.tzinfo
    if type(tz) is TzInfo and FIRST_YEAR <= value.year <= LAST_YEAR and value.fold == 0:
        # Read from text (every instant in a stored case): its offset's shared zone, found
        # before (what the checks below give it, looked up by pydantic's zone object).
        zone = _OF_TZINFO.get(tz)
        if zone is not None:
            return value.astimezone(zone)
    if tz is None or value.utcoffset() is None:
        # ValueError so pydantic reports it as a validation error with the field path.
        raise ValueError(
            f"{value.isoformat()} has no time zone; "
            f"give an aware datetime such as {value.isoformat()}+08:00"
        )
    problem = year_problem(value)
    if problem is not None:
        raise ValueError(problem)
    if type(tz) is TzInfo:
        return _from_text(value, tz)
    return shared_zone(value)


_OF_OFFSET: dict[timedelta | None, tzinfo] = {}
"""The shared zone of each offset pydantic read a time with, by the offset."""

_OF_TZINFO: dict[tzinfo, tzinfo] = {}
"""The same zones by pydantic's zone object of the offset (equal for equal offsets)."""


def _from_text(value: datetime, tz: tzinfo) -> datetime:
    """``value`` (read from text by pydantic, with a zone object of pydantic's own) with the
    one shared :class:`~datetime.timezone` of its offset: the same wall time and offset,
    and a zone that compares with the library's others without calling into pydantic."""
    offset = tz.utcoffset(None)
    zone = _OF_OFFSET.get(offset)
    if zone is None:
        assert offset is not None  # (an aware value: checked above)
        zone = shared_zone(value.replace(tzinfo=timezone(offset))).tzinfo
        if zone is None or len(_OF_OFFSET) >= 64:
            return value
        _OF_OFFSET[offset] = _OF_TZINFO[tz] = zone
    # The same wall time in the same offset (a fixed offset has no fold).
    return value.astimezone(zone) if value.fold == 0 else value.replace(tzinfo=zone)


_ZONES: dict[tuple[timedelta | None, str | None], tzinfo] = {}
"""One object for each fixed-offset zone (by offset and name) times were given in."""

_SHARED: dict[int, tzinfo] = {}
"""The objects of :data:`_ZONES` by identity (kept alive there, so an id stays theirs)."""


def shared_zone(at: datetime) -> datetime:
    """``at`` with the one shared object of its fixed-offset zone.

    A time read from text (``2025-10-01T09:00:00+08:00``) comes with a zone object of its
    own, which every stored event and observation would keep; equal zones share one.
    """
    tz = at.tzinfo
    if type(tz) is not timezone or _SHARED.get(id(tz)) is tz:
        return at  # not a fixed offset, or the shared object already
    key = (tz.utcoffset(None), tz.tzname(None))
    shared = _ZONES.get(key)
    if shared is None:
        if len(_ZONES) >= 64:  # bounded: offsets are few, names could be many
            return at
        shared = _ZONES.setdefault(key, tz)
        _SHARED[id(shared)] = shared
    if shared is tz:
        return at
    if at.fold == 0 and FIRST_YEAR <= at.year <= LAST_YEAR:
        # The same wall time in the same offset: astimezone builds it in a third of the
        # time replace takes (which parses its keywords); it keeps no fold, hence the check.
        return at.astimezone(shared)
    return at.replace(tzinfo=shared)


AwareDatetime = Annotated[datetime, AfterValidator(_validate_aware)]
"""A pydantic field type: a datetime that must carry a time zone, in a year the library
computes."""
