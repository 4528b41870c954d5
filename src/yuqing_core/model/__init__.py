"""The model layer: what a case is made of, with no policy in it.

Severity, categories, incidents and metrics; events; the case-state fold; and the fixed
vocabularies (states, triggers, roles, obligation kinds).
"""

from .event import Event
from .fold import CaseState
from .incident import (
    KNOWN_FLAGS,
    METRIC_NAMES,
    Category,
    Incident,
    Metrics,
    Reporter,
    Source,
)
from .severity import Severity, SeverityField

__all__ = [
    "KNOWN_FLAGS",
    "METRIC_NAMES",
    "CaseState",
    "Category",
    "Event",
    "Incident",
    "Metrics",
    "Reporter",
    "Severity",
    "SeverityField",
    "Source",
]
