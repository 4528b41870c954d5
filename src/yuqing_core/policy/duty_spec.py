"""Monitoring duties in the policy file (``[[monitoring]]``): the policy's duty roster."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import field_validator

from ..model import SeverityField
from .fields import Name, RuleRef, Slug, SpecModel
from .recurrence import recurrence_problem

__all__ = ["DUTY_KIND_LABELS", "DutyKind", "DutySpec", "OnRestDay", "OpenCases"]

DutyKind = Literal["patrol", "daily_log", "bulletin", "watch", "report"]

DUTY_KIND_LABELS: Final[dict[str, str]] = {
    "patrol": "巡查",
    "daily_log": "舆情日志",
    "bulletin": "简报/通报",
    "watch": "值守",
    "report": "定期报送",
}
"""The Chinese name of each kind of monitoring duty."""

OnRestDay = Literal["keep", "next_working_day", "skip"]
"""What a due instant on a rest day does: stays, moves to the first working day after at the
same time of day (遇节假日顺延), or is not owed."""


class OpenCases(SpecModel):
    """Which open cases a duty is owed during (``while_open``): a case of one of ``levels``
    (empty: any level) with one of ``any_flags`` (empty: any flags)."""

    levels: tuple[SeverityField, ...] = ()
    """Levels of the policy; empty means any level."""
    any_flags: tuple[Name, ...] = ()
    """Flags such as ``mass_incident``; empty means any case of those levels."""


class DutySpec(SpecModel):
    """A recurring monitoring duty (``[[monitoring]]``): patrols, daily logs, bulletins,
    round-the-clock watch (X1, R3.4, R4.2, R7.1 in docs/rules.md). It belongs to no case: it
    is on the policy's duty roster, owed to ``role`` and met by a recorded fulfilment."""

    id: Slug
    rule: RuleRef
    kind: DutyKind
    role: Name = "monitor"
    """Who owes it (the role that must do it)."""
    recipient: Name | None = None
    """Who receives it (a bulletin's addressee); none for a patrol or a watch."""
    rrule: str
    """An RFC 5545 recurrence, e.g. ``FREQ=DAILY;BYHOUR=16;BYMINUTE=0`` (due instants)."""
    working_days_only: bool = False
    """Keep only instants on working days of the policy's calendar (``on_rest_day = "skip"``)."""
    rest_days_only: bool = False
    """Keep only instants on rest days (holiday watch)."""
    on_rest_day: OnRestDay | None = None
    """What an instant on a rest day does: ``"keep"``, ``"next_working_day"`` (same time of day
    on the first working day after; instants that land on one due instant are one), or
    ``"skip"``. Unset: ``"skip"`` with ``working_days_only``, else ``"keep"``."""
    during: tuple[Slug, ...] = ()
    """Owed only on the days of these ``[[periods]]`` (any of them); empty means always."""
    while_open: OpenCases | None = None
    """Owed only while a case of these levels or flags is open (24-hour watch while a mass
    incident is open)."""
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

    @property
    def rest_day(self) -> OnRestDay:
        """What an instant on a rest day does, the old ``working_days_only`` included."""
        if self.on_rest_day is not None:
            return self.on_rest_day
        return "skip" if self.working_days_only else "keep"
