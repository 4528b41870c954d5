"""Monitoring duties in the policy file (``[[monitoring]]``)."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from .fields import Name, RuleRef, Slug, SpecModel
from .recurrence import recurrence_problem

__all__ = ["DutySpec"]


class DutySpec(SpecModel):
    """A recurring monitoring duty (``[[monitoring]]``): patrols, daily logs, bulletins,
    round-the-clock watch (X1, R3.4, R4.2, R7.1 in docs/rules.md)."""

    id: Slug
    rule: RuleRef
    kind: Literal["patrol", "daily_log", "bulletin", "watch", "report"]
    role: Name = "monitor"
    rrule: str
    """An RFC 5545 recurrence, e.g. ``FREQ=DAILY;BYHOUR=16;BYMINUTE=0`` (due instants)."""
    working_days_only: bool = False
    """Keep only instants on working days of the policy's calendar."""
    rest_days_only: bool = False
    """Keep only instants on rest days (holiday watch)."""
    text: str = ""

    @field_validator("rrule")
    @classmethod
    def _rrule(cls, v: str) -> str:
        text = v.strip()
        if text.upper().startswith("RRULE:"):
            text = text[6:]
        problem = recurrence_problem(text)
        if problem is not None:
            raise ValueError(f"{v!r} {problem}")
        return text
