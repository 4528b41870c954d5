"""Recurrence rules of monitoring duties (RFC 5545 ``RRULE`` text), checked before use.

A rule that steps by zero never moves on and would hang whoever lists its instants; one that
fires every second is no duty. :func:`recurrence_problem` says what is wrong with a rule, for
the schema (at load, with the key path) and for :mod:`yuqing_core.rules.monitoring` (again, for
rules built in code).
"""

from __future__ import annotations

from typing import Final

from dateutil.rrule import rrule, rrulestr

__all__ = ["recurrence_problem", "recurrence_step"]


_STEP_SECONDS: Final = {
    "YEARLY": 365 * 86_400,
    "MONTHLY": 28 * 86_400,
    "WEEKLY": 7 * 86_400,
    "DAILY": 86_400,
    "HOURLY": 3_600,
    "MINUTELY": 60,
    "SECONDLY": 1,
}
"""The shortest step of each RFC 5545 frequency, in seconds."""


def recurrence_problem(text: str) -> str | None:
    """What is wrong with a monitoring duty's recurrence rule ``text``, or ``None``.

    It must be one RFC 5545 rule whose due instants are at least a minute apart: a rule that
    steps by zero never moves on, and one that fires every second is no duty.

    >>> recurrence_problem("FREQ=DAILY;BYHOUR=16;BYMINUTE=0") is None
    True
    >>> recurrence_problem("FREQ=MINUTELY;INTERVAL=0")
    'steps by INTERVAL=0: a rule must move on (INTERVAL of 1 or more)'
    """
    parts = _rule_parts(text)
    if "COUNT" in parts and "UNTIL" in parts:
        return "gives both COUNT and UNTIL: give one"
    try:
        parsed = rrulestr(text, ignoretz=True)
    except Exception as e:  # dateutil raises what it meets: ValueError, but also others
        return f"is not an RFC 5545 recurrence rule ({type(e).__name__}: {e})"
    if not isinstance(parsed, rrule):
        return "is not one RFC 5545 rule (FREQ=...;...), without other lines"
    return _step_problem(parts)


def recurrence_step(text: str) -> int:
    """The shortest step of a checked rule in seconds (its frequency times its interval).

    >>> recurrence_step("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO")
    1209600
    """
    parts = _rule_parts(text)
    interval = parts.get("INTERVAL", "1")
    times = int(interval) if interval.isdigit() else 1
    return _STEP_SECONDS.get(parts.get("FREQ", ""), 86_400) * times


def _rule_parts(text: str) -> dict[str, str]:
    """The ``NAME=value`` parts of a rule, names upper-case (malformed parts left out)."""
    pairs = (p.partition("=") for p in text.upper().split(";"))
    return {name.strip(): value.strip() for name, eq, value in pairs if eq}


def _step_problem(parts: dict[str, str]) -> str | None:
    interval = parts.get("INTERVAL", "1")
    if not interval.isdigit() or int(interval) < 1:
        return f"steps by INTERVAL={interval}: a rule must move on (INTERVAL of 1 or more)"
    step = _STEP_SECONDS.get(parts.get("FREQ", ""), 86_400) * int(interval)
    if step < 60:
        return f"steps every {step} s: due instants must be at least a minute apart"
    if len(parts.get("BYSECOND", "").split(",")) > 1:
        return "lists several BYSECOND values: due instants must be at least a minute apart"
    return None
