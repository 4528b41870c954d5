"""The workflow layer: the case aggregate (:mod:`.case`), the data each command takes
(:mod:`.commands`), what each command does to the case (:mod:`.effects`), the case document
(:mod:`.document`), the checks of each event on replay (:mod:`.replay`), the policy versions a
case follows and their adoption (:mod:`.versions`), the notification plan (:mod:`.notices`)
and the per-policy state machine with its guards (:mod:`.machine`)."""

from ..model import CaseState, Event
from .case import Case, Notification
from .machine import Workflow, workflow_for

__all__ = ["Case", "CaseState", "Event", "Notification", "Workflow", "workflow_for"]
