"""Lint findings of the duty roster and the periods: things that load but are probably not
what the institution meant. Part of :func:`yuqing_core.lint` (warnings, with key paths)."""

from __future__ import annotations

from .schema import PolicySpec

__all__ = ["duty_warnings"]


def duty_warnings(spec: PolicySpec) -> list[tuple[str, str]]:
    """``(key_path, message)`` for every period no duty names and every duty that moves
    instants to the next working day although it falls due more than once a day."""
    named = {name for duty in spec.monitoring for name in duty.during}
    out = [
        (f"periods[{i}]", f"period {p.id!r} is named by no duty's during")
        for i, p in enumerate(spec.periods)
        if p.id not in named
    ]
    for i, duty in enumerate(spec.monitoring):
        freq = _freq(duty.rrule)
        if duty.rest_day == "next_working_day" and freq in ("HOURLY", "MINUTELY", "SECONDLY"):
            out.append(
                (
                    f"monitoring[{i}].on_rest_day",
                    f"FREQ={freq} with next_working_day: the instants of a whole rest day "
                    "pile up at the same times of the next working day",
                )
            )
    return out


def _freq(rrule: str) -> str:
    for part in rrule.upper().split(";"):
        name, _, value = part.partition("=")
        if name.strip() == "FREQ":
            return value.strip()
    return ""
