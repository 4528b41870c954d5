"""Severity (舆情级别): the ordered levels every policy grades on."""

from __future__ import annotations

import enum
from typing import Annotated, Final

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from ..errors import InvalidArgumentError

__all__ = ["Severity", "SeverityField"]


class Severity(enum.IntEnum):
    """Severity of an opinion (舆情级别), ordered lowest to highest.

    >>> Severity.MAJOR > Severity.GENERAL
    True
    >>> Severity.parse("critical"), Severity.parse("重大")
    (<Severity.CRITICAL: 5>, <Severity.MAJOR: 4>)
    >>> Severity.CRITICAL.label
    '特别重大'
    """

    LOW = 1
    GENERAL = 2
    SIGNIFICANT = 3
    MAJOR = 4
    CRITICAL = 5

    @property
    def label(self) -> str:
        """The Chinese name used in the source policies."""
        return _SEVERITY_LABELS[self]

    @property
    def key(self) -> str:
        """The lower-case name used in policy files and JSON (``"major"``)."""
        return self.name.lower()

    def __str__(self) -> str:
        return self.key

    @classmethod
    def parse(cls, value: object) -> Severity:
        """Accept a :class:`Severity`, its key (``"major"``), its label (``"重大"``) or its rank.

        Anything else raises :class:`~yuqing_core.errors.InvalidArgumentError` (a
        ``ValueError``).
        """
        if isinstance(value, Severity):
            return value
        if isinstance(value, str):
            found = _BY_TEXT.get(value)  # a key or label as written: no strip, no lower()
            if found is not None:
                return found
            text = value.strip()
            found = _BY_KEY.get(text.lower()) or _BY_LABEL.get(text)
            if found is not None:
                return found
            names = ", ".join(s.key for s in cls)
            raise InvalidArgumentError(f"{value!r} is not a severity (one of {names})")
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                return cls(value)
            except ValueError:
                pass
        raise InvalidArgumentError(f"{value!r} is not a severity")


_SEVERITY_LABELS: Final = {
    Severity.LOW: "影响较小",
    Severity.GENERAL: "一般",
    Severity.SIGNIFICANT: "较大",
    Severity.MAJOR: "重大",
    Severity.CRITICAL: "特别重大",
}


_BY_KEY: Final = {s.key: s for s in Severity}
_BY_LABEL: Final = {s.label: s for s in Severity}
_BY_TEXT: Final = {**_BY_LABEL, **_BY_KEY}
"""What :meth:`Severity.parse` reads, built once (keys win over labels, as there)."""


def _parse_severity(value: object) -> Severity:
    return Severity.parse(value)


SeverityField = Annotated[
    Severity,
    BeforeValidator(_parse_severity),
    PlainSerializer(lambda s: s.key, return_type=str),
    # Its JSON is the key, read and written: one string schema for both modes (the rank's
    # integer schema beside an enum of keys would accept nothing).
    WithJsonSchema({"type": "string", "enum": [s.key for s in Severity]}),
]
"""Pydantic field type that reads a severity by key, label or rank and writes its key."""
