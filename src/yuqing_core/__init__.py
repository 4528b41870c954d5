"""yuqing_core: online public-opinion (网络舆情) policies as typed objects, a state machine and
exact deadlines on China's official working calendar.

>>> import yuqing_core as yq
>>> yq.Severity.MAJOR.label
'重大'
"""

from typing import TYPE_CHECKING, Any

from . import presets
from .accountability import AccountabilityItem, AccountabilityRow, accountability
from .api import Policy, load_policy
from .errors import (
    AccountabilityError,
    CalendarCoverageError,
    ConflictError,
    CorruptCaseError,
    DuplicateCaseError,
    InvalidArgumentError,
    InvalidDataError,
    NaiveDatetimeError,
    PauseError,
    PolicyError,
    PolicyVersionError,
    ReportError,
    StoreError,
    TransitionError,
    YuqingError,
)
from .model import KNOWN_FLAGS, Category, Event, Incident, Metrics, Reporter, Severity, Source
from .policy.lint import Finding, lint
from .render.accountability import render_accountability_markdown
from .rules.assessment import Assessment
from .rules.obligations import Obligation
from .store import DueItem, PolicyVersion, ReindexChange, SQLiteStore
from .time import Deadline, Duration, OfficialNotice, WorkCalendar, load_notice
from .workflow import Case, Notification

__version__ = "0.1.0.dev0"

if TYPE_CHECKING:
    from .store.postgres import PostgresStore

__all__ = [
    "KNOWN_FLAGS",
    "AccountabilityError",
    "AccountabilityItem",
    "AccountabilityRow",
    "Assessment",
    "CalendarCoverageError",
    "Case",
    "Category",
    "ConflictError",
    "CorruptCaseError",
    "Deadline",
    "DueItem",
    "DuplicateCaseError",
    "Duration",
    "Event",
    "Finding",
    "Incident",
    "InvalidArgumentError",
    "InvalidDataError",
    "Metrics",
    "NaiveDatetimeError",
    "Notification",
    "Obligation",
    "OfficialNotice",
    "PauseError",
    "Policy",
    "PolicyError",
    "PolicyVersion",
    "PolicyVersionError",
    "PostgresStore",
    "ReindexChange",
    "ReportError",
    "Reporter",
    "SQLiteStore",
    "Severity",
    "Source",
    "StoreError",
    "TransitionError",
    "WorkCalendar",
    "YuqingError",
    "accountability",
    "lint",
    "load_notice",
    "load_policy",
    "presets",
    "render_accountability_markdown",
]


def __getattr__(name: str) -> Any:
    if name == "PostgresStore":
        # Lazy: PostgresStore needs psycopg (optional extra ``postgres``); import yuqing_core
        # never imports it.
        from .store.postgres import PostgresStore

        return PostgresStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
