"""Named periods in the policy file (``[[periods]]``): 两会, 高考, 重大节假日, 特殊时期.

A period is a set of days in the policy calendar's zone, given by date ranges, by a rule
(``"official_holidays"``: the statutory holiday blocks with their 调休 rest days, not every
weekend), or both (the days of either). Monitoring duties name the periods they are owed in
(``during``); :mod:`yuqing_core.rules.periods` says whether a day is in one.
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal

from pydantic import model_validator

from .fields import Slug, SpecModel

__all__ = ["HOLIDAY_NAMES", "DateRange", "HolidayName", "PeriodRule", "PeriodSpec"]

PeriodRule = Literal["official_holidays"]
"""``official_holidays``: every run of rest days on the official calendar that holds a
statutory holiday (the days of a 放假调休 notice), without the institution's own closures."""

HolidayName = Literal["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
"""The statutory holidays, as the State Council's notices name them."""

HOLIDAY_NAMES: Final[tuple[str, ...]] = HolidayName.__args__  # type: ignore[attr-defined]
"""The statutory holidays a period may be narrowed to, in calendar order."""


class DateRange(SpecModel):
    """The days ``start`` to ``end``, both included."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class PeriodSpec(SpecModel):
    """A named period (``[[periods]]``): date ranges, a rule such as the official holidays,
    or both; a duty names it in ``during``."""

    id: Slug
    label: str = ""
    """The institution's name for it (两会期间, 重大节假日)."""
    ranges: tuple[DateRange, ...] = ()
    """Dates, e.g. ``[{start = 2026-03-04, end = 2026-03-11}]`` (both days included)."""
    rule: PeriodRule | None = None
    """``"official_holidays"``: the statutory holiday blocks with their 调休 rest days (1-8
    Oct 2025), not ordinary weekends."""
    holidays: tuple[HolidayName, ...] = ()
    """With ``rule``: only the blocks holding one of these holidays (``["春节", "国庆节"]``
    for 重大节假日); empty means every block."""
    text: str = ""
    """The source's words."""

    @model_validator(mode="after")
    def _given(self) -> PeriodSpec:
        if not self.ranges and self.rule is None:
            raise ValueError("a period needs ranges, a rule, or both")
        if self.holidays and self.rule is None:
            raise ValueError("holidays narrows a rule: give rule = 'official_holidays' too")
        return self
