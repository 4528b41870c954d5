"""The workflow layer: the case aggregate, its commands and the shared state machine."""

from ..model import CaseState, Event
from .case import Case, Notification
from .machine import Workflow, workflow_for

__all__ = ["Case", "CaseState", "Event", "Notification", "Workflow", "workflow_for"]
