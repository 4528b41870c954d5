"""Commands as test data: ``(trigger, minutes after the previous event, data)``.

The strategies of :mod:`yuqing_core.testing.strategies` draw lists of :class:`Command`;
:func:`apply_commands` fires them on a case. Neither needs ``hypothesis``.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> import yuqing_core as yq
>>> policy = yq.presets.load("school-tiered")
>>> found = datetime(2025, 9, 30, 16, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
>>> case = policy.open_case(yq.Incident(id="YQ-1", title="食堂投诉", discovered_at=found),
...                         at=found, actor="monitor")
>>> events = apply_commands(case, [Command("report", 30), Command("respond", 90)])
>>> [(e.trigger, f"{e.at:%H:%M}") for e in events], case.state
([('report', '16:50'), ('respond', '18:20')], 'responded')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import Metrics

if TYPE_CHECKING:
    from ..model.event import Event
    from ..workflow.case import Case

__all__ = ["Command", "apply_commands"]


class Command(NamedTuple):
    """One command for a case: fire ``trigger`` ``minutes`` after the case's last event.

    ``data`` is passed to :meth:`Case.fire` as keyword arguments, except that the
    ``metrics`` of ``update_metrics`` hold only the counts (``{"views": 1200}``): they are
    observed when the command fires (:meth:`data_at`).
    """

    trigger: str
    minutes: int = 0
    data: Mapping[str, Any] = {}

    def data_at(self, at: datetime) -> dict[str, Any]:
        """The keyword data to fire this command with at ``at``."""
        data = dict(self.data)
        counts = data.get("metrics")
        if isinstance(counts, Mapping):
            data["metrics"] = Metrics(observed_at=at, **counts)
        return data

    def __str__(self) -> str:
        extra = "".join(f" {k}={v!r}" for k, v in sorted(self.data.items()))
        return f"+{self.minutes}min {self.trigger}{extra}"


def apply_commands(
    case: Case, commands: Iterable[Command], *, actor: str = "tester"
) -> list[Event]:
    """Fire ``commands`` on ``case`` in order, each ``minutes`` after the case's last event.

    Returns the events of the commands (not those the library adds on its own, such as an
    automatic escalation). The first failing command raises
    :class:`~yuqing_core.TransitionError`, leaving the commands before it applied.
    """
    out = []
    for command in commands:
        at = case.events[-1].at + timedelta(minutes=command.minutes)
        out.append(case.fire(command.trigger, at=at, actor=actor, **command.data_at(at)))
    return out
