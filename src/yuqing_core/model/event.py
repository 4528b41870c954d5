"""Events (事件记录): the append-only facts a case is computed from."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from .._dt import ensure_aware, shared_zone
from ..errors import InvalidArgumentError
from .incident import Incident, Metrics

__all__ = ["Event"]

_NO_DATA: Mapping[str, Any] = MappingProxyType({})

_OBJECT_KEYS: dict[str, type[Incident] | type[Metrics]] = {
    "incident": Incident,
    "metrics": Metrics,
}


class Event:
    """One applied command: ``trigger``, ``at``, ``actor`` and validated ``data``.

    Immutable. ``data`` holds plain JSON values, except ``incident`` (an
    :class:`~yuqing_core.Incident`) on the ``open`` event and ``metrics`` (a
    :class:`~yuqing_core.Metrics`) on ``update_metrics``; their personal data stays hidden in
    ``repr`` and is exported only on request.
    """

    __slots__ = ("_actor", "_at", "_data", "_trigger")

    def __init__(
        self, trigger: str, at: datetime, actor: str, data: Mapping[str, Any] | None = None
    ) -> None:
        # Triggers and actors repeat across events and cases: one string object each.
        self._trigger = sys.intern(trigger) if type(trigger) is str else trigger
        self._at = shared_zone(ensure_aware(at, "at"))
        self._actor = sys.intern(actor) if type(actor) is str else actor
        if data is not None and type(data) is not dict and not isinstance(data, Mapping):
            raise InvalidArgumentError(f"data: expected a mapping, got {type(data).__name__}")
        # Most events carry no data: they share one empty mapping.
        self._data: Mapping[str, Any] = MappingProxyType(dict(data)) if data else _NO_DATA

    @classmethod
    def _read(cls, trigger: str, at: datetime, actor: str, data: dict[str, Any]) -> Event:
        """The event of parts a reader checked already: text ``trigger`` and ``actor``, an
        aware ``at`` with its shared zone, and a ``data`` dict of its own that nothing else
        holds (kept, not copied)."""
        event = cls.__new__(cls)
        event._trigger = sys.intern(trigger) if type(trigger) is str else trigger
        event._at = at
        event._actor = sys.intern(actor) if type(actor) is str else actor
        event._data = MappingProxyType(data) if data else _NO_DATA
        return event

    @property
    def trigger(self) -> str:
        return self._trigger

    @property
    def at(self) -> datetime:
        return self._at

    @property
    def actor(self) -> str:
        return self._actor

    @property
    def data(self) -> Mapping[str, Any]:
        return self._data

    def __repr__(self) -> str:
        keys = ", ".join(sorted(self._data))
        return f"Event({self._trigger!r}, at={self._at.isoformat()}, data keys=[{keys}])"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Event):
            return NotImplemented
        return (
            self._trigger == other._trigger
            and self._at == other._at
            and self._at.utcoffset() == other._at.utcoffset()
            and self._actor == other._actor
            and dict(self._data) == dict(other._data)
        )

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self, *, include_personal: bool = False) -> dict[str, Any]:
        """A JSON-ready dict; personal data in ``incident`` only with ``include_personal``."""
        data: dict[str, Any] = {}
        for key, value in self._data.items():
            if isinstance(value, Incident):
                data[key] = value.export(include_personal=include_personal)
            elif isinstance(value, Metrics):
                data[key] = value.model_dump(mode="json")
            else:
                data[key] = value
        return {
            "trigger": self._trigger,
            "at": self._at.isoformat(),
            "actor": self._actor,
            "data": data,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Event:
        """Rebuild an event from :meth:`to_dict` output."""
        data = dict(raw.get("data") or {})
        for key, model in _OBJECT_KEYS.items():
            if key in data and isinstance(data[key], Mapping):
                data[key] = model.model_validate(data[key])
        return cls(
            str(raw["trigger"]),
            datetime.fromisoformat(str(raw["at"])),
            str(raw["actor"]),
            data,
        )
