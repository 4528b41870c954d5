"""The handling workflow: events, the shared state machine, and the case aggregate."""

from .case import Case, CaseState, Notification
from .event import Event
from .machine import Workflow

__all__ = ["Case", "CaseState", "Event", "Notification", "Workflow"]
