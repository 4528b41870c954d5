"""The data each trigger accepts, validated before anything changes.

Every trigger has a model here; unknown keys and bad values become a
:class:`~yuqing_core.TransitionError` that names the key. Data a trigger can do without has
a default, so a host can walk the main path with no data at all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from ..errors import TransitionError, error_message, format_loc
from ..model import Incident, Metrics, Severity, SeverityField
from ..model.vocab import ObligationKind
from ..policy.data import PolicyData as Policy
from ..rules.assessment import assess
from ..time.duration import Duration

__all__ = ["COMMAND_MODELS", "open_data", "stored_form", "stored_value", "validate_data"]

Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[str, StringConstraints(max_length=20000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Acting(_Data):
    """A command a role of the policy carries out: ``by`` names it (the sender of a report,
    the unit that handled), for obligations whose ``met_by`` says who must act."""

    by: Name | None = None


class AssessData(_Data):
    """研判: a person's judgement (``severity``, with ``reason`` when it lowers), or, with no
    data, the automatic assessment recorded as it stands."""

    severity: SeverityField | None = None
    reason: Reason | None = None
    grade: Name | None = None
    note: Text = ""


class ReportData(_Acting):
    """上报 to ``role``, or to several roles at once (``roles``, 双重报告)."""

    role: Name | None = None
    roles: tuple[Name, ...] = ()
    kind: ObligationKind | None = None
    text: Text = ""


class AssignData(_Acting):
    unit: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    note: Text = ""


class NoteData(_Acting):
    note: Text = ""


class TextData(_Acting):
    text: Text = ""


RespondKind = Literal["initial_response", "reply"]


class RespondData(_Acting):
    text: Text = ""
    kind: RespondKind | None = None
    """The duty this publication meets; without it, the earliest due."""
    kinds: tuple[RespondKind, ...] = ()
    """Several at once: a reply given at once (当即回复) that is both the initial response and
    the result, ``kinds=["initial_response", "reply"]``."""
    channel: Annotated[str, StringConstraints(max_length=200)] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> RespondData:
        if self.kind is not None and self.kinds:
            raise ValueError("give kind or kinds, not both")
        return self


class TrackData(_Acting):
    tracker: Annotated[str, StringConstraints(max_length=200)] | None = None
    """The role or unit that tracks the opinion (动态跟踪)."""
    note: Text = ""


class ReviewData(_Acting):
    report: Text | None = None
    """The written review report (书面总结报告)."""


class ReasonData(_Data):
    reason: Reason


class OptionalReasonData(_Data):
    reason: Text = ""


class EscalateData(_Data):
    severity: SeverityField
    reason: Text = ""
    auto: bool = False
    """Set by the library when new metrics or flags raised the severity on their own (P6)."""


class DowngradeData(_Data):
    severity: SeverityField
    reason: Reason


class UpdateMetricsData(_Data):
    metrics: Metrics | None = None
    flags: tuple[Name, ...] = ()

    @field_validator("flags")
    @classmethod
    def _sorted(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(set(v)))


class ExtendData(_Data):
    by: Duration
    obligation: Annotated[str, StringConstraints(min_length=1, max_length=120)] | None = None
    reason: Text = ""


class SuperviseData(_Acting):
    """督办: a reminder to the role or unit that owes something."""

    role: Name | None = None
    unit: Annotated[str, StringConstraints(max_length=200)] | None = None
    note: Text = ""


class ReferData(_Acting):
    to: Name = "law_enforcement"
    reason: Text = ""


class AcknowledgeData(_Data):
    role: Name | None = None


class WaiveData(_Data):
    """免除义务: release one open obligation (by its id), with the reason on record."""

    obligation: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    reason: Reason


class PauseData(_Data):
    reason: Text = ""
    obligations: tuple[Annotated[str, StringConstraints(min_length=1)], ...] = Field(default=())


COMMAND_MODELS: dict[str, type[_Data]] = {
    "assess": AssessData,
    "report": ReportData,
    "assign": AssignData,
    "start": NoteData,
    "draft_reply": TextData,
    "approve_reply": NoteData,
    "respond": RespondData,
    "track": TrackData,
    "stabilize": NoteData,
    "review": ReviewData,
    "archive": NoteData,
    "dismiss": ReasonData,
    "escalate": EscalateData,
    "downgrade": DowngradeData,
    "update_metrics": UpdateMetricsData,
    "extend": ExtendData,
    "supervise": SuperviseData,
    "follow_up": TextData,
    "refer": ReferData,
    "reopen": OptionalReasonData,
    "acknowledge": AcknowledgeData,
    "pause": PauseData,
    "resume": OptionalReasonData,
    "conclude": NoteData,
    "waive": WaiveData,
}


FREE_TEXT_KEYS = frozenset({"reason", "note", "text", "report"})
"""Data a person writes freely: it may carry personal data, so errors never quote it."""


def _got(err: Mapping[str, Any]) -> str:
    """What was given, for an error message: the value, or only its type for free text."""
    value = err.get("input")
    if err["loc"] and err["loc"][0] in FREE_TEXT_KEYS:
        return f" (got {type(value).__name__})"
    shown = repr(value)
    return "" if shown in str(err.get("msg", "")) else f" (got {shown})"


def validate_data(
    trigger: str,
    data: dict[str, Any],
    allowed: Sequence[str] | Callable[[], Sequence[str]],
) -> dict[str, Any]:
    """Validate ``data`` for ``trigger`` into its canonical stored form, or raise.

    ``allowed`` may be a callable: the triggers allowed now are only worked out for the error.
    """
    model = COMMAND_MODELS[trigger]
    try:
        parsed = model.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            where = format_loc(tuple(err["loc"]))
            msg = error_message(err)
            if err["type"] == "extra_forbidden":
                msg = f"{trigger} takes no {where!r}"
            elif err["type"] == "missing":
                msg = f"{trigger} needs {where!r}"
            else:
                msg = f"data.{where}: {msg}{_got(err)}"
            problems.append(msg)
        allowed_now = allowed() if callable(allowed) else allowed
        raise TransitionError("; ".join(problems), trigger=trigger, allowed=allowed_now) from None
    return stored_form(parsed)


@functools.cache
def _field_names(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(model.model_fields)


def stored_form(parsed: BaseModel) -> dict[str, Any]:
    """The data of a validated command as its event records it: the keys given, ``None``
    left out, each value in its :func:`stored_value` form."""
    out: dict[str, Any] = {}
    given = parsed.__pydantic_fields_set__  # model_fields_set, without its property
    for key in _field_names(type(parsed)):
        if key not in given:
            continue
        value = getattr(parsed, key)
        if value is not None:
            out[key] = stored_value(key, value)
    return out


def stored_value(key: str, value: Any) -> Any:
    """One validated value of a command (not ``None``) as its event records it under ``key``:
    levels as their keys, durations as text, tuples as lists, the rest as it is."""
    # Most values are text or counts, kept as they are (checked first: an isinstance of a
    # pydantic model is slow).
    if type(value) is str or type(value) is int or isinstance(value, Metrics):
        return value
    if isinstance(value, Duration):
        return str(value)
    if hasattr(value, "key") and key == "severity":
        return value.key
    if isinstance(value, tuple):
        return list(value)
    return value


def open_data(
    policy: Policy,
    incident: Incident,
    at: datetime,
    severity: Severity | str | None,
    reason: str | None,
) -> dict[str, Any]:
    """The data of the ``open`` event :meth:`Case.open <yuqing_core.Case.open>` records, or
    :class:`~yuqing_core.TransitionError`: the incident, the automatic level (``assessed``),
    the level (a person's judgement with ``judged``; below the automatic floor only with a
    reason), and the fingerprint of the policy version the case is opened under."""
    if not isinstance(incident, Incident):
        raise TransitionError("open needs an Incident", trigger="open")
    if reason is not None and not isinstance(reason, str):
        raise TransitionError("reason must be text", trigger="open")
    found = assess(policy, incident, at).severity
    floor = None if found is None else policy.normalize_severity(found)
    data: dict[str, Any] = {"incident": incident}
    if floor is not None:
        data["assessed"] = floor.key
    if severity is not None:
        try:
            # A level the policy does not have maps to its nearest level at or above.
            chosen = policy.normalize_severity(Severity.parse(severity))
        except ValueError as e:
            raise TransitionError(str(e), trigger="open") from None
        if floor is not None and chosen < floor and not reason:
            raise TransitionError(
                f"severity {chosen.key} is below the automatic floor {floor.key}; "
                "give a reason (P8)",
                trigger="open",
            )
        data["severity"] = chosen.key
        data["judged"] = True
    else:
        data["severity"] = (floor if floor is not None else policy.lowest).key
    if reason:
        data["reason"] = reason
    data["fingerprint"] = policy.fingerprint
    return data
