"""Typed models of what the monitor sees: incidents, metrics, categories, flags.

Personal data (a reporter's name, phone, account; an author's handle) is held as
:class:`pydantic.SecretStr`: it never shows in ``repr``, ``str``, logs or the default
``model_dump``/JSON, and is exported only through :meth:`Incident.export` with
``include_personal=True``.

Bad values raise :class:`~yuqing_core.errors.InvalidDataError` (a ``ValueError``) naming the
field path and what was wrong, never the value given:

>>> Reporter(phone=13800138000)
Traceback (most recent call last):
...
yuqing_core.errors.InvalidDataError: Reporter: phone: Input should be a valid string (got int)
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Final, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    SecretStr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from .._dt import AwareDatetime
from ..errors import InvalidArgumentError, invalid_data

__all__ = [
    "KNOWN_FLAGS",
    "METRIC_LABELS",
    "METRIC_NAMES",
    "Category",
    "Incident",
    "Metrics",
    "Reporter",
    "Source",
]


class Category(enum.StrEnum):
    """Content class of an opinion (R2.3 in docs/rules.md), which decides how it is handled."""

    SUGGESTION = "suggestion"
    """建议: useful to the institution's work; adopt and reply."""
    INQUIRY = "inquiry"
    """咨询、质疑、诉求: the responsible unit drafts one unified answer."""
    HYPE = "hype"
    """恶意传播、炒作: tell the facts; refer if it continues and causes harm."""
    FABRICATION = "fabrication"
    """捏造、歪曲、诽谤、煽动: clarify and refer to law enforcement."""
    OTHER = "other"

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS: Final = {
    Category.SUGGESTION: "建议类",
    Category.INQUIRY: "咨询质疑诉求类",
    Category.HYPE: "恶意传播炒作类",
    Category.FABRICATION: "捏造歪曲诽谤类",
    Category.OTHER: "其他",
}

KNOWN_FLAGS: Final[dict[str, str]] = {
    "superior_instruction": "上级批示",
    "emergency": "突发事件",
    "major_emergency": "特别重大或重大突发事件",
    "mass_incident": "群体性事件",
    "high_attention": "平台高关注",
    "public_safety": "公共安全",
    "food_safety": "食品安全",
    "public_health": "公共卫生",
    "natural_disaster": "自然灾害",
    "production_quality": "生产质量",
    "security_secrecy": "安全保密",
    "network_security": "网络安全事件",
}
"""Flags with fixed meanings (API.md), with their Chinese names. Policies may use others."""

METRIC_NAMES: Final = ("views", "comments", "reposts", "outlets")
METRIC_LABELS: Final[dict[str, str]] = {
    "views": "点击量",
    "comments": "评论（跟帖）数",
    "reposts": "转发数",
    "outlets": "主流网站转载数",
}
"""Chinese names of the metrics, as the source policies word them."""

_T = TypeVar("_T")


def _checked(model: str, build: Callable[[], _T]) -> _T:
    """``build()``, with pydantic's error turned into the library's.

    The library error is raised outside the ``except`` block, so it does not carry pydantic's
    error (which quotes the values given) as its context.
    """
    try:
        return build()
    except ValidationError as e:
        error = invalid_data(model, e.errors())
    raise error


class _Checked(BaseModel):
    """A public model: constructing or validating it with bad values raises
    :class:`~yuqing_core.errors.InvalidDataError` instead of pydantic's ``ValidationError``."""

    def __init__(self, /, **data: Any) -> None:
        _checked(type(self).__name__, lambda: super(_Checked, self).__init__(**data))

    # Tell pydantic this is not a custom ``__init__``: a model nested in another is still
    # validated in one pass by pydantic-core, so its errors keep their whole key path.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        return _checked(
            cls.__name__, lambda: super(_Checked, cls).model_validate(obj, *args, **kwargs)
        )

    @classmethod
    def model_validate_json(
        cls, json_data: str | bytes | bytearray, *args: Any, **kwargs: Any
    ) -> Self:
        return _checked(
            cls.__name__,
            lambda: super(_Checked, cls).model_validate_json(json_data, *args, **kwargs),
        )

    @classmethod
    def model_validate_strings(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        return _checked(
            cls.__name__, lambda: super(_Checked, cls).model_validate_strings(obj, *args, **kwargs)
        )


FlagName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class Metrics(_Checked):
    """One observation of engagement: clicks, replies, shares, mainstream outlets carrying it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    observed_at: AwareDatetime
    views: NonNegativeInt = 0
    """Clicks or onlookers (点击量、围观)."""
    comments: NonNegativeInt = 0
    """Replies or follow-up posts (评论、跟帖、回复)."""
    reposts: NonNegativeInt = 0
    """Shares (转发、转载)."""
    outlets: NonNegativeInt = 0
    """Mainstream sites that carried it (主流网站转载数)."""

    def value(self, metric: str) -> int:
        """The count of one metric by name (one of :data:`METRIC_NAMES`)."""
        if metric not in METRIC_NAMES:
            names = ", ".join(METRIC_NAMES)
            raise InvalidArgumentError(f"{metric!r} is not a metric (one of {names})")
        return int(getattr(self, metric))


def _secret_or_none(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()


class Source(_Checked):
    """Where the opinion was seen. The author's handle is personal data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    platform: str | None = None
    url: str | None = None
    author_handle: SecretStr | None = Field(default=None, exclude=True)

    def export(self, *, include_personal: bool = False) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        if include_personal:
            data["author_handle"] = _secret_or_none(self.author_handle)
        return data


class Reporter(_Checked):
    """Who reported the opinion (报告人). Every field is personal data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: SecretStr | None = Field(default=None, exclude=True)
    phone: SecretStr | None = Field(default=None, exclude=True)
    account: SecretStr | None = Field(default=None, exclude=True)
    unit: str | None = None

    def __repr__(self) -> str:
        return f"Reporter(unit={self.unit!r}, personal data hidden)"

    __str__ = __repr__

    def export(self, *, include_personal: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"unit": self.unit}
        if include_personal:
            data.update(
                name=_secret_or_none(self.name),
                phone=_secret_or_none(self.phone),
                account=_secret_or_none(self.account),
            )
        return data


def _observed(metrics: Metrics) -> datetime:
    return metrics.observed_at


def _inserted(metrics: tuple[Metrics, ...], new: Metrics) -> tuple[Metrics, ...]:
    """``metrics`` (in time order) with ``new`` after every observation not later than it:
    where sorting them all by ``observed_at`` would put it."""
    if not metrics or metrics[-1].observed_at <= new.observed_at:
        return metrics + (new,)  # noqa: RUF005 - half the cost of unpacking into a new tuple
    i = bisect.bisect_right(metrics, new.observed_at, key=_observed)
    return (*metrics[:i], new, *metrics[i:])


def _unpadded(value: str) -> str:
    if value != value.strip():
        # Not stripped: "  a  " and "a" would be one case id in the store.
        raise ValueError("an id must not start or end with whitespace")
    return value


IncidentId = Annotated[
    str, StringConstraints(min_length=1, max_length=200), AfterValidator(_unpadded)
]
"""A case id: 1 to 200 characters, kept exactly as given, without surrounding whitespace."""


class Incident(_Checked):
    """An online opinion as discovered (舆情信息), with what is known about it.

    >>> from datetime import datetime, timedelta, timezone
    >>> cst = timezone(timedelta(hours=8))
    >>> found = datetime(2025, 9, 30, 9, tzinfo=cst)
    >>> inc = Incident(id="YQ-1", title="食堂投诉", discovered_at=found)
    >>> inc.category
    <Category.OTHER: 'other'>
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: IncidentId
    title: str
    discovered_at: AwareDatetime
    posted_at: AwareDatetime | None = None
    category: Category = Category.OTHER
    metrics: tuple[Metrics, ...] = ()
    flags: frozenset[FlagName] = frozenset()
    source: Source | None = None
    reporter: Reporter | None = None
    unit: str | None = None
    """The unit where it was found or which it concerns (责任单位), if known."""
    summary: str = Field(default="", repr=False)
    """What the post says, in the monitor's words. Free text: left out of ``repr`` (which ends
    up in logs and tracebacks); exported, and shown in the quick report form, as the case's
    content."""

    @field_validator("metrics")
    @classmethod
    def _sorted_metrics(cls, value: tuple[Metrics, ...]) -> tuple[Metrics, ...]:
        return tuple(sorted(value, key=lambda m: m.observed_at))

    @model_validator(mode="after")
    def _check_times(self) -> Incident:
        if self.posted_at is not None:
            if self.discovered_at < self.posted_at:
                raise ValueError(
                    f"discovered_at {self.discovered_at.isoformat()} is before "
                    f"posted_at {self.posted_at.isoformat()}"
                )
            for i, m in enumerate(self.metrics):
                if m.observed_at < self.posted_at:
                    raise ValueError(
                        f"metrics[{i}].observed_at {m.observed_at.isoformat()} is before "
                        f"posted_at {self.posted_at.isoformat()}"
                    )
        return self

    def latest_metrics(self) -> Metrics | None:
        return self.metrics[-1] if self.metrics else None

    def with_metrics(self, metrics: Metrics) -> Incident:
        """A copy with one more observation (validated like the constructor).

        Only the new observation is checked and put in its place: the rest of the incident
        was validated when it was built, and its metrics are in time order already.
        """
        if type(metrics) is Metrics and (
            self.posted_at is None or metrics.observed_at >= self.posted_at
        ):
            return self._copy_with_metrics(_inserted(self.metrics, metrics))
        return self._revalidated(metrics)  # the constructor's own checks and errors

    def _copy_with_metrics(self, metrics: tuple[Metrics, ...]) -> Incident:
        # model_copy(update=...) does this too, and copies the (empty) extras and private
        # attributes besides: a third of a metrics update's cost in a long replay.
        # The slots are set through their own descriptors: object.__setattr__ would look
        # each up by name first.
        new = _new(Incident)
        values = self.__dict__.copy()
        values["metrics"] = metrics
        fields_set = self.__pydantic_fields_set__
        if "metrics" not in fields_set:
            fields_set = fields_set | {"metrics"}  # (a frozen model never changes its set)
        _set_dict(new, values)
        _set_fields_set(new, fields_set)
        _set_extra(new, None)
        _set_private(new, None)
        return new

    def _revalidated(self, metrics: object) -> Incident:
        data = self.model_dump()
        data["metrics"] = (*self.metrics, metrics)
        data["source"] = self.source
        data["reporter"] = self.reporter
        return Incident.model_validate(data)

    def export(self, *, include_personal: bool = False) -> dict[str, Any]:
        """A JSON-ready dict. Personal data only with ``include_personal=True``."""
        data = self.model_dump(mode="json", exclude={"source", "reporter"})
        data["source"] = (
            None if self.source is None else self.source.export(include_personal=include_personal)
        )
        data["reporter"] = (
            None
            if self.reporter is None
            else self.reporter.export(include_personal=include_personal)
        )
        data["flags"] = sorted(self.flags)
        return data


_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
"""The setters of the slots every pydantic model has (:meth:`Incident._copy_with_metrics`)."""
