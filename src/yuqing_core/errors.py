"""Errors the library raises on purpose.

Every one derives from :class:`YuqingError`, so a host can catch them all at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "AccountabilityError",
    "CalendarCoverageError",
    "ConflictError",
    "CorruptCaseError",
    "DuplicateCaseError",
    "InvalidArgumentError",
    "InvalidDataError",
    "NaiveDatetimeError",
    "NotPermittedError",
    "PauseError",
    "PolicyError",
    "PolicyVersionError",
    "ReportError",
    "StoreError",
    "TransitionError",
    "YuqingError",
    "error_message",
    "format_loc",
    "format_problem",
    "invalid_data",
]


class YuqingError(Exception):
    """Base of every error ``yuqing_core`` raises on purpose."""


class NaiveDatetimeError(YuqingError, ValueError):
    """A datetime without a time zone was given where an instant is needed."""


class InvalidArgumentError(YuqingError, TypeError, ValueError):
    """A library call was given an argument of the wrong type or value.

    It is both a :class:`TypeError` and a :class:`ValueError`, so a host that caught either
    around the call before still catches it.
    """


class InvalidDataError(YuqingError, ValueError):
    """An :class:`~yuqing_core.Incident`, :class:`~yuqing_core.Metrics`,
    :class:`~yuqing_core.Reporter` or :class:`~yuqing_core.Source` was given bad values.

    ``problems`` holds one ``(key_path, message)`` pair per problem. The message is one line,
    ``Model: key.path: what was wrong``, problems separated by ``; ``. It never quotes the
    value given: it may be personal data.
    """

    def __init__(
        self, message: str, *, model: str = "", problems: Sequence[tuple[str, str]] = ()
    ) -> None:
        super().__init__(message)
        self.model = model
        self.problems: tuple[tuple[str, str], ...] = tuple(problems)


class PolicyError(YuqingError, ValueError):
    """A policy (file, dict or duration text) is invalid.

    ``problems`` holds one ``(file, key_path, message)`` triple per problem; ``str()`` of the
    error lists them all, one per line, as ``file: key.path: message``.
    """

    def __init__(
        self,
        message: str,
        *,
        problems: Sequence[tuple[str | None, str, str]] = (),
    ) -> None:
        super().__init__(message)
        self.problems: tuple[tuple[str | None, str, str], ...] = tuple(problems)

    @classmethod
    def from_problems(cls, problems: Sequence[tuple[str | None, str, str]]) -> PolicyError:
        lines = [format_problem(f, p, m) for f, p, m in problems]
        return cls("\n".join(lines), problems=problems)


def format_problem(file: str | None, path: str, message: str) -> str:
    """Format one problem as ``file: key.path: message`` (parts that are missing are left out)."""
    parts = [p for p in (file, path) if p]
    parts.append(message)
    return ": ".join(parts)


class TransitionError(YuqingError):
    """A command cannot be applied to a case; the case is unchanged.

    ``allowed`` lists the triggers the case accepts now.
    """

    def __init__(self, message: str, *, trigger: str, allowed: Sequence[str] = ()) -> None:
        allowed_t = tuple(allowed)
        suffix = f" (allowed now: {', '.join(allowed_t) or 'none'})"
        super().__init__(message + suffix)
        self.trigger = trigger
        self.allowed: tuple[str, ...] = allowed_t


class NotPermittedError(TransitionError):
    """The roles the caller holds may not fire the trigger (``[workflow.permissions]``);
    the case is unchanged. ``roles`` lists the roles that may (role ids, never a person)."""

    def __init__(
        self, message: str, *, trigger: str, roles: Sequence[str], allowed: Sequence[str] = ()
    ) -> None:
        super().__init__(message, trigger=trigger, allowed=allowed)
        self.roles: tuple[str, ...] = tuple(roles)


class CalendarCoverageError(YuqingError):
    """A computation needs a year beyond the official holiday schedule the calendar knows."""

    def __init__(self, message: str, *, year: int, last_covered_year: int) -> None:
        super().__init__(message)
        self.year = year
        self.last_covered_year = last_covered_year


class ConflictError(YuqingError):
    """Another writer stored events for the same case since it was loaded."""


class StoreError(YuqingError):
    """The store holds rows it cannot read, or cannot be used as asked."""


class DuplicateCaseError(StoreError):
    """A new case was saved under an id the store already holds.

    Not a :class:`ConflictError`: no other writer raced this one, and saving again cannot
    succeed. Load the stored case to add events to it, or give the new case another id.
    """


class CorruptCaseError(TransitionError, StoreError):
    """A case read back (:meth:`Case.replay <yuqing_core.Case.replay>`,
    :meth:`Case.from_json <yuqing_core.Case.from_json>`, ``store.load``) is not one the library
    could have recorded: an event cannot be read, is not what ``fire`` records, or does not
    replay under the policy.

    ``case_id`` is the case's id (``None`` if even that cannot be read), ``seq`` the 1-based
    number of the event at fault (``None`` when the document as a whole cannot be read) and
    ``problem`` what was wrong; the message joins them as ``case 'YQ-1' seq 3: ...``. It names
    keys and rules, never the values of personal data.

    It is also a :class:`TransitionError` and a :class:`StoreError`, the errors these calls
    raised before, so handlers written for those still catch it.
    """

    def __init__(self, problem: str, *, case_id: str | None = None, seq: int | None = None) -> None:
        where = "case (id unknown)" if case_id is None else f"case {case_id!r}"
        if seq is not None:
            where += f" seq {seq}"
        YuqingError.__init__(self, f"{where}: {problem}")
        self.case_id = case_id
        self.seq = seq
        self.problem = problem
        self.trigger = "replay"
        self.allowed: tuple[str, ...] = ()


class PolicyVersionError(YuqingError):
    """A case follows another version of its policy than the one it is loaded with, or a
    version it needs was not given.

    A case records the fingerprint of the policy version it was opened under
    (:attr:`PolicyData.fingerprint <yuqing_core.policy.PolicyData.fingerprint>`) and of every
    version it adopted since. Loading it with another version raises this error unless the
    host opts in (``adopt_at=``: an ``adopt_policy`` event at that instant). ``case_id`` names
    the case, ``recorded`` the fingerprint the case follows (or needs), ``given`` the one it
    was loaded with (``None`` when a version is missing rather than different).
    """

    def __init__(
        self,
        message: str,
        *,
        case_id: str | None = None,
        recorded: str | None = None,
        given: str | None = None,
    ) -> None:
        super().__init__(message)
        self.case_id = case_id
        self.recorded = recorded
        self.given = given


class ReportError(YuqingError, ValueError):
    """A report was asked for with arguments it cannot be rendered with."""


class AccountabilityError(YuqingError, ValueError):
    """The period or time given to :func:`~yuqing_core.accountability` is unusable."""


class PauseError(YuqingError, ValueError):
    """A pause interval ends before it starts."""


# -- one-line messages from pydantic's validation errors ------------------------------------

_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")
"""What pydantic puts before the text of a ``ValueError`` or ``assert`` in a validator."""


def format_loc(loc: Iterable[str | int]) -> str:
    """A pydantic error location as a key path: list indexes in brackets, and a key that is
    not a plain word (empty, or with dots, brackets or spaces in it) quoted in brackets.

    >>> format_loc(("obligations", 2, "within"))
    'obligations[2].within'
    >>> format_loc(("calendar", "a.b"))
    'calendar["a.b"]'
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _plain_key(str(part)):
            out += ("." if out else "") + str(part)
        else:
            out += f"[{json.dumps(str(part), ensure_ascii=False)}]"
    return out


def _plain_key(key: str) -> bool:
    return key != "" and all(c.isalnum() or c in "_-" for c in key)


def error_message(err: Mapping[str, Any]) -> str:
    """The message of one pydantic error, without the prefix pydantic puts before ours.

    >>> error_message({"msg": "Value error, 'x' is not a duration"})
    "'x' is not a duration"
    """
    msg = str(err.get("msg", ""))
    for prefix in _PYDANTIC_PREFIXES:
        msg = msg.removeprefix(prefix)
    return msg


def invalid_data(model: str, errors: Iterable[Mapping[str, Any]]) -> InvalidDataError:
    """The library error for pydantic ``errors`` of validating ``model``: each error's key
    path and message, and for a value of the wrong type the type's name, never the value.

    >>> str(invalid_data("Reporter", [{"loc": ("phone",), "type": "string_type",
    ...     "msg": "Input should be a valid string", "input": 13800138000}]))
    'Reporter: phone: Input should be a valid string (got int)'
    """
    problems = [(format_loc(err.get("loc", ())), _data_message(err)) for err in errors]
    text = "; ".join(f"{path}: {msg}" if path else msg for path, msg in problems)
    return InvalidDataError(f"{model}: {text}", model=model, problems=problems)


def _data_message(err: Mapping[str, Any]) -> str:
    kind = str(err.get("type", ""))
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    msg = error_message(err)
    if kind.endswith(("_type", "_parsing")):
        msg = f"{msg} (got {type(err.get('input')).__name__})"
    return msg
