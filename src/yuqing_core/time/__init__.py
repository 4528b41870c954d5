"""Working time: durations, China's official calendar and Civil Code periods (RULES P3-P5)."""

from .calendar import Deadline, WorkCalendar
from .duration import Duration, DurationKind

__all__ = ["Deadline", "Duration", "DurationKind", "WorkCalendar"]
