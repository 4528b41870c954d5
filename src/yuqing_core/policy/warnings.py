"""Warning points (预警) of an obligation as the policy file writes them: a share of its span
(``"50%"``), or a time before its due instant (``"2h"``, ``"2wh"``).

>>> WarnPoint.parse("80%"), WarnPoint.parse("2wh")
(WarnPoint('80%'), WarnPoint('2wh'))
>>> WarnPoint.parse("80%").share, WarnPoint.parse("2h").before
(0.8, Duration('2h'))
>>> WarnPoint.parse("100%")
Traceback (most recent call last):
...
yuqing_core.errors.PolicyError: '100%' is not a warning point (write a share such as '80%' \
(above 0, below 100) or a time before the due instant: '2h', '30min', '2wh')
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any, Final

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from ..errors import PolicyError
from ..time.duration import Duration, DurationKind, read_from_text

__all__ = ["WarnPoint"]

_SHARE_RE: Final = re.compile(r"^([0-9]{1,2}(?:\.[0-9]{1,2})?)%$")
_HINT: Final = (
    "write a share such as '80%' (above 0, below 100) or a time before the due instant: "
    "'2h', '30min', '2wh'"
)
_BEFORE_KINDS: Final = (DurationKind.ELAPSED, DurationKind.WORKING_HOURS)


class WarnPoint:
    """One warning point: ``share`` of the span from the anchor to the due instant, counted
    on the obligation's own clock, or the time ``before`` the due instant. Exactly one of the
    two is set. Immutable and hashable; ``str()`` gives back the text."""

    __slots__ = ("_text", "before", "share")

    def __init__(self, text: str, share: float | None, before: Duration | None) -> None:
        self._text = text
        self.share = share
        self.before = before

    @classmethod
    def parse(cls, text: str | WarnPoint) -> WarnPoint:
        """Read ``"80%"`` or ``"2h"``; anything else is a :class:`~yuqing_core.PolicyError`."""
        if isinstance(text, WarnPoint):
            return text
        if not isinstance(text, str):
            raise PolicyError(f"{text!r} is not a warning point ({_HINT})")
        m = _SHARE_RE.match(text)
        if m is not None:
            share = Fraction(m.group(1)) / 100
            if 0 < share < 1:
                return cls(text, float(share), None)
            raise PolicyError(f"{text!r} is not a warning point ({_HINT})")
        try:
            before = Duration.parse(text)
        except PolicyError:
            raise PolicyError(f"{text!r} is not a warning point ({_HINT})") from None
        if before.kind not in _BEFORE_KINDS:
            raise PolicyError(f"{text!r} is not a warning point ({_HINT})")
        return cls(str(before), None, before)

    def zh(self) -> str:
        """The point in Chinese: ``已用时 80%``, ``到期前 2小时``."""
        if self.before is not None:
            return f"到期前 {self.before.zh()}"
        return f"已用时 {self._text}"

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"WarnPoint({self._text!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WarnPoint):
            return NotImplemented
        return (self.share, self.before) == (other.share, other.before)

    def __hash__(self) -> int:
        return hash((self.share, self.before))

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
            "pattern": r"^([0-9]{1,2}(\.[0-9]{1,2})?%|\d+h(\d+min)?|\d+min|\d+wh)$",
            "description": "a share of the span on the obligation's own clock (50%, 80%), or "
            "a time before the due instant (2h, 30min; 2wh in working hours)",
        }
