"""Working time: durations, China's official calendar and Civil Code periods (P3-P5 in
docs/rules.md)."""

from ..errors import PauseError
from .calendar import WorkCalendar
from .duration import Duration, DurationKind
from .hours import WorkingClock, WorkingHours
from .notices import OfficialNotice, load_notice
from .official import official_first_year, official_last_year
from .periods import Deadline

__all__ = [
    "Deadline",
    "Duration",
    "DurationKind",
    "OfficialNotice",
    "PauseError",
    "WorkCalendar",
    "WorkingClock",
    "WorkingHours",
    "load_notice",
    "official_first_year",
    "official_last_year",
]
