"""What a working calendar is built from, checked: its time zone, business close, the
institution's extra rest and working days, and the immediate grace.

These checks have one home: :class:`~yuqing_core.WorkCalendar` runs them all on its
arguments, and the policy schema's ``[calendar]`` section takes its business-close format and
its extra-day check from here. Every problem is a :class:`~yuqing_core.PolicyError` (a
``ValueError``, so pydantic reports it under its key).

>>> parse_business_close("17:30")
datetime.time(17, 30)
>>> check_extra_days([date(2025, 11, 8)], [date(2025, 11, 8)])
Traceback (most recent call last):
...
yuqing_core.errors.PolicyError: 2025-11-08 is both an extra rest day and an extra working day
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Annotated, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import StringConstraints

from ..errors import PolicyError
from .duration import Duration

__all__ = [
    "BUSINESS_CLOSE_PATTERN",
    "BusinessCloseText",
    "check_extra_days",
    "elapsed_grace",
    "parse_business_close",
    "zone_named",
]

BUSINESS_CLOSE_PATTERN: Final = r"^([01]\d|2[0-3]):[0-5]\d$"
"""How a policy file writes a business close: ``HH:MM`` on the 24-hour clock."""

BusinessCloseText = Annotated[str, StringConstraints(pattern=BUSINESS_CLOSE_PATTERN)]
"""A business close as a policy file writes it (``"17:30"``)."""


def zone_named(tz: str) -> ZoneInfo:
    """The IANA time zone ``tz`` (``"Asia/Shanghai"``)."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise PolicyError(f"{tz!r} is not a known time zone") from None


def parse_business_close(value: str | time | None) -> time | None:
    """The closing time periods end at (下班时间), from ``"17:30"`` or a :class:`time`;
    ``None`` (periods end at 24:00) stays ``None``."""
    if value is None:
        return None
    if isinstance(value, time):
        close = value.replace(tzinfo=None)
    elif not isinstance(value, str):
        raise PolicyError(f"business_close must be a time like '17:30', not {type(value).__name__}")
    else:
        try:
            hh, mm = value.split(":")
            if len(hh) != 2 or len(mm) != 2:
                raise ValueError(value)
            close = time(int(hh), int(mm))
        except ValueError:
            raise PolicyError(f"business_close {value!r} is not a time like '17:30'") from None
    if close == time(0):
        # 00:00 would end a period at the very start of its own last day.
        raise PolicyError("business_close '00:00' is not a closing time; leave it unset for 24:00")
    return close


def check_extra_days(
    rest: Iterable[date], work: Iterable[date]
) -> tuple[frozenset[date], frozenset[date]]:
    """The institution's own rest and working days, as sets: each a date, none in both."""
    try:
        rest_days, work_days = frozenset(rest), frozenset(work)
    except TypeError:
        raise PolicyError("extra rest and working days must be lists of dates") from None
    for d in rest_days | work_days:
        if not isinstance(d, date) or isinstance(d, datetime):
            raise PolicyError(f"{d!r} is not a date (write 2025-10-09)")
    both = rest_days & work_days
    if both:
        day = min(both).isoformat()
        raise PolicyError(f"{day} is both an extra rest day and an extra working day")
    return rest_days, work_days


def elapsed_grace(value: str | Duration | None) -> Duration | None:
    """The immediate grace ('now' allows this much elapsed time), if there is one."""
    grace = None if value is None else Duration.parse(value)
    if grace is not None and not grace.is_elapsed:
        raise PolicyError(f"immediate grace {grace} must be elapsed time such as '30min'")
    return grace
