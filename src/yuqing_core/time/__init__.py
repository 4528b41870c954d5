"""Working time: durations, China's official calendar and Civil Code periods (RULES P3-P5)."""

from .calendar import Deadline, PauseError, WorkCalendar, official_first_year, official_last_year
from .duration import Duration, DurationKind

__all__ = [
    "Deadline",
    "Duration",
    "DurationKind",
    "PauseError",
    "WorkCalendar",
    "official_first_year",
    "official_last_year",
]
