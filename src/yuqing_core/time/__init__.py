"""Working time: durations, China's official calendar and Civil Code periods (RULES P3-P5)."""

from ..errors import PauseError
from .calendar import WorkCalendar
from .duration import Duration, DurationKind
from .official import official_first_year, official_last_year
from .periods import Deadline

__all__ = [
    "Deadline",
    "Duration",
    "DurationKind",
    "PauseError",
    "WorkCalendar",
    "official_first_year",
    "official_last_year",
]
