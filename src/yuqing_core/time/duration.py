"""Durations as written in policies (时限): elapsed time, day periods, working days.

>>> Duration.parse("90min")
Duration('1h30min')
>>> Duration.parse("1h30min").minutes
90
>>> Duration.parse("3wd").kind
<DurationKind.WORKING_DAYS: 'working_days'>
>>> Duration.parse("4wh").kind, Duration.parse("4wh").zh()
(<DurationKind.WORKING_HOURS: 'working_hours'>, '4个工作小时')
>>> Duration.parse("-3h")
Traceback (most recent call last):
...
yuqing_core.errors.PolicyError: '-3h' is not a duration (write 90min, 3h, 3d, 1wd, same_day or now)
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Final

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from ..errors import InvalidArgumentError, PolicyError

__all__ = ["Duration", "DurationKind", "already_parsed", "read_from_text"]


class DurationKind(enum.StrEnum):
    ELAPSED = "elapsed"
    """Hours and minutes counted from the moment (P3, P4 in docs/rules.md)."""
    DAYS = "days"
    """A Civil Code day period: starts the next day, moves off rest days, ends at 24:00."""
    WORKING_DAYS = "working_days"
    """Working days (个工作日) on the official calendar with 调休."""
    WORKING_HOURS = "working_hours"
    """Working hours (``4wh``): time within the policy's working hours on working days
    (:mod:`yuqing_core.time.hours`)."""
    SAME_DAY = "same_day"
    """Until 24:00 (or business close) of the anchor's own day (当日)."""
    NOW = "now"
    """立即 / 第一时间: the policy's explicit immediate grace (P5 in docs/rules.md)."""


_ELAPSED_RE: Final = re.compile(r"^(?:([0-9]+)h)?(?:([0-9]+)min)?$")
_PERIOD_RE: Final = re.compile(r"^([0-9]+)(d|wd|wh)$")
_HINT: Final = "write 90min, 3h, 3d, 1wd, same_day or now"
_MAX_MINUTES: Final = 366 * 24 * 60
_MAX_DAYS: Final = 366
_MAX_WORKING_HOURS: Final = 366 * 24
_PERIOD_KINDS: Final = {
    "d": DurationKind.DAYS,
    "wd": DurationKind.WORKING_DAYS,
    "wh": DurationKind.WORKING_HOURS,
}
_PARSED: dict[str, Duration] = {}
"""Texts already parsed: a deadline computation parses the same few texts over and over."""
_PARSED_MAX: Final = 4096


class Duration:
    """A parsed duration. Immutable, hashable, ordered within one kind.

    ``str()`` gives the canonical text, so ``Duration.parse(str(d)) == d``.
    """

    __slots__ = ("_amount", "_kind", "_td")

    def __init__(self, kind: DurationKind, amount: int = 0) -> None:
        try:
            kind = DurationKind(kind)
        except ValueError:
            kinds = ", ".join(k.value for k in DurationKind)
            raise InvalidArgumentError(f"{kind!r} is not a kind of duration ({kinds})") from None
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise InvalidArgumentError(f"amount must be a whole number, not {amount!r}")
        if kind in (DurationKind.SAME_DAY, DurationKind.NOW):
            if amount != 0:
                raise InvalidArgumentError(f"{kind.value} takes no amount")
        elif amount <= 0:
            raise InvalidArgumentError("a duration must be positive; use 'now' for immediate")
        elif amount > _most(kind):
            raise InvalidArgumentError("a duration is at most 366 days")
        self._kind = kind
        self._amount = amount
        self._td = timedelta(minutes=amount) if kind is DurationKind.ELAPSED else None

    @property
    def kind(self) -> DurationKind:
        return self._kind

    @property
    def amount(self) -> int:
        """Minutes for elapsed durations, days or working days for periods, hours for
        working hours, 0 otherwise."""
        return self._amount

    @property
    def minutes(self) -> int:
        if self._kind is not DurationKind.ELAPSED:
            raise InvalidArgumentError(f"{self} is not an elapsed duration")
        return self._amount

    @property
    def is_elapsed(self) -> bool:
        return self._kind is DurationKind.ELAPSED

    def zh(self, *, spaced: bool = False) -> str:
        """The duration in Chinese: ``1小时30分钟``, ``3日``, ``3个工作日``, ``当日``, ``立即``.

        ``spaced`` puts spaces between numbers and units, as terminal output does.

        >>> Duration.parse("90min").zh(), Duration.parse("3wd").zh(spaced=True)
        ('1小时30分钟', '3 个工作日')
        """
        sep = " " if spaced else ""
        k = self._kind
        if k is DurationKind.ELAPSED:
            h, m = divmod(self._amount, 60)
            parts = ([f"{h}{sep}小时"] if h else []) + ([f"{m}{sep}分钟"] if m else [])
            return sep.join(parts)
        if k is DurationKind.DAYS:
            return f"{self._amount}{sep}日"
        if k is DurationKind.WORKING_DAYS:
            return f"{self._amount}{sep}个工作日"
        if k is DurationKind.WORKING_HOURS:
            return f"{self._amount}{sep}个工作小时"
        return "当日" if k is DurationKind.SAME_DAY else "立即"

    def as_timedelta(self) -> timedelta:
        """The elapsed time of an elapsed duration."""
        if self._td is None:
            raise InvalidArgumentError(f"{self} is not an elapsed duration")
        return self._td

    @classmethod
    def parse(cls, text: str | Duration) -> Duration:
        """Parse policy text; raise :class:`~yuqing_core.PolicyError` quoting bad text."""
        if isinstance(text, Duration):
            return text
        if not isinstance(text, str):
            raise PolicyError(f"{text!r} is not a duration ({_HINT})")
        cached = _PARSED.get(text)
        if cached is not None:
            return cached
        parsed = cls._parse(text)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[text] = parsed
        return parsed

    @classmethod
    def _parse(cls, text: str) -> Duration:
        t = text.strip()
        try:
            if t in ("same_day", "now"):
                return cls(DurationKind(t))
            m = _PERIOD_RE.match(t)
            if m:
                n = int(m.group(1))
                kind = _PERIOD_KINDS[m.group(2)]
                if 0 < n <= _most(kind):
                    return cls(kind, n)
            m = _ELAPSED_RE.match(t)
            if m and (m.group(1) or m.group(2)):
                minutes = int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
                if 0 < minutes <= _MAX_MINUTES:
                    return cls(DurationKind.ELAPSED, minutes)
        except ValueError:
            pass
        raise PolicyError(f"{text!r} is not a duration ({_HINT})")

    def __str__(self) -> str:
        k = self._kind
        if k is DurationKind.ELAPSED:
            h, m = divmod(self._amount, 60)
            if m == 0:
                return f"{h}h"
            return f"{h}h{m}min" if h else f"{m}min"
        if k is DurationKind.DAYS:
            return f"{self._amount}d"
        if k is DurationKind.WORKING_DAYS:
            return f"{self._amount}wd"
        if k is DurationKind.WORKING_HOURS:
            return f"{self._amount}wh"
        return k.value

    def __repr__(self) -> str:
        return f"Duration({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Duration):
            return NotImplemented
        return self._kind is other._kind and self._amount == other._amount

    def __hash__(self) -> int:
        return hash((self._kind, self._amount))

    def __lt__(self, other: Duration) -> bool:
        if not isinstance(other, Duration):
            return NotImplemented
        if self._kind is not other._kind:
            raise InvalidArgumentError(f"cannot order {self} and {other}: different kinds")
        return self._amount < other._amount

    def __le__(self, other: Duration) -> bool:
        return self == other or self < other

    # pydantic integration: read from text, write as text.
    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return read_from_text(cls.parse)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": r"^(\d+h(\d+min)?|\d+min|\d+d|\d+wd|\d+wh|same_day|now)$",
            "description": "90min, 3h, 1h30min (elapsed); 3d (day period); 1wd (working "
            "days); 4wh (working hours, with [calendar] working_hours); same_day (until 24:00 "
            "or business close); now (the immediate grace)",
        }


def read_from_text(parse: Callable[[Any], object]) -> core_schema.CoreSchema:
    """The pydantic schema of a value a policy file writes as text: read by ``parse`` (its
    :class:`PolicyError` becomes the field's validation error), written back with ``str``."""

    def validate(value: Any) -> object:
        try:
            return parse(value)
        except PolicyError as e:
            raise ValueError(str(e)) from None

    return core_schema.no_info_plain_validator_function(
        validate, serialization=core_schema.plain_serializer_function_ser_schema(str)
    )


def _most(kind: DurationKind) -> int:
    """The largest amount of ``kind``: 366 days' worth."""
    if kind is DurationKind.ELAPSED:
        return _MAX_MINUTES
    return _MAX_WORKING_HOURS if kind is DurationKind.WORKING_HOURS else _MAX_DAYS


already_parsed: Final[Callable[[str], Duration | None]] = _PARSED.get
"""The duration ``text`` parsed to before, while it is still cached, else ``None``.

A plain dictionary look-up, for hot paths that take text: ``already_parsed(text) or
Duration.parse(text)`` is :meth:`Duration.parse` without the call when ``text`` is known.
"""
