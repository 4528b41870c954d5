"""yuqing_core: online public-opinion (网络舆情) policies as typed objects, a state machine and
exact deadlines on China's official working calendar.

>>> import yuqing_core as yq
>>> yq.Severity.MAJOR.label
'重大'

Every public name is imported on first use (PEP 562 ``__getattr__``), so ``import
yuqing_core`` loads only the error types: a command line, a worker or a test run pays for
pydantic, ``holidays`` and the policy schema when it first uses them, not before.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from .errors import (
    AccountabilityError,
    CalendarCoverageError,
    ConflictError,
    CorruptCaseError,
    DuplicateCaseError,
    InvalidArgumentError,
    InvalidDataError,
    NaiveDatetimeError,
    NotPermittedError,
    PauseError,
    PolicyError,
    PolicyVersionError,
    ReportError,
    StoreError,
    TransitionError,
    YuqingError,
)

if TYPE_CHECKING:
    from . import presets
    from .accountability import AccountabilityItem, AccountabilityRow, accountability
    from .api import Policy, load_policy
    from .model import (
        KNOWN_FLAGS,
        Category,
        Event,
        Incident,
        Metrics,
        Reporter,
        Severity,
        Source,
    )
    from .policy.lint import Finding, lint
    from .render.accountability import render_accountability_markdown
    from .rules.assessment import Assessment
    from .rules.obligations import Obligation
    from .store import DueItem, PolicyVersion, ReindexChange, SQLiteStore
    from .store.postgres import PostgresStore
    from .time import Deadline, Duration, OfficialNotice, WorkCalendar, load_notice
    from .workflow import Case, Notification

__version__ = "0.1.0.dev0"

_HOMES: dict[str, tuple[str, ...]] = {
    ".accountability": ("AccountabilityItem", "AccountabilityRow", "accountability"),
    ".api": ("Policy", "load_policy"),
    ".model": (
        "KNOWN_FLAGS",
        "Category",
        "Event",
        "Incident",
        "Metrics",
        "Reporter",
        "Severity",
        "Source",
    ),
    ".policy.lint": ("Finding", "lint"),
    ".render.accountability": ("render_accountability_markdown",),
    ".rules.assessment": ("Assessment",),
    ".rules.obligations": ("Obligation",),
    ".store": ("DueItem", "PolicyVersion", "ReindexChange", "SQLiteStore"),
    # Needs psycopg (the extra ``postgres``): imported only when asked for.
    ".store.postgres": ("PostgresStore",),
    ".time": ("Deadline", "Duration", "OfficialNotice", "WorkCalendar", "load_notice"),
    ".workflow": ("Case", "Notification"),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}
"""The module each public name is imported from on first use."""
_SUBMODULES = frozenset({"presets"})
_EXTRAS = {"PostgresStore": "postgres"}
"""Public names that need an optional extra, and its name."""


def _from_extra(name: str) -> Any:
    """``name`` from its module, or a library error naming the extra it needs."""
    try:
        module = importlib.import_module(_HOME[name], __name__)
    except ModuleNotFoundError as e:
        if e.name is not None and e.name.startswith("yuqing_core"):
            raise
        extra = _EXTRAS[name]
        raise YuqingError(
            f"{name} needs the '{extra}' extra ({e.name} is not installed): "
            f"pip install 'yuqing-core[{extra}]'"
        ) from None
    return getattr(module, name)


if not TYPE_CHECKING:  # mypy sees the imports above, and no name it does not know

    def __getattr__(name: str) -> Any:
        """A public name, imported from its module the first time it is asked for."""
        if name in _SUBMODULES:
            value: Any = importlib.import_module(f".{name}", __name__)
        elif name in _EXTRAS:
            value = _from_extra(name)
        elif name in _HOME:
            value = getattr(importlib.import_module(_HOME[name], __name__), name)
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        globals()[name] = value  # the next look-up is a plain attribute
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """The package module: importing its submodule ``accountability`` binds the submodule
    as an attribute of the package, which must not hide the public function of that name
    (an eager ``from .accountability import accountability`` rebound it right after)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _HOME and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
    "NotPermittedError",
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
