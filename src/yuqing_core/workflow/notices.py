"""The notification plan (通知计划) of a case: who must be told what by when, as of an instant.

The library never sends anything: :meth:`Case.notifications <yuqing_core.Case.notifications>`
lists :class:`Notification` items and the host sends the messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .._dt import ensure_aware
from ..model import Incident
from ..policy.data import PolicyData as Policy
from ..rules.obligations import Obligation

__all__ = ["Notification", "notifications"]


@dataclass(frozen=True, slots=True)
class Notification:
    """Who must be told what by when (通知计划); the host sends it, the library never does.

    ``provisional`` says the due instant rests on days the official calendar does not settle
    yet (see :attr:`Obligation.provisional <yuqing_core.Obligation.provisional>`); the message
    then says 暂定 after the time.
    """

    role: str
    role_label: str
    kind: str
    obligation_id: str
    rule: str
    due_at: datetime
    since: datetime
    status: str
    message: str
    provisional: bool = False
    label: str = ""
    """The obligation's Chinese name: the institution's own (特报) or its kind's (报告)."""
    warn_at: tuple[datetime, ...] = ()
    """The obligation's warning instants (预警), earliest first (:attr:`Obligation.warn_at
    <yuqing_core.Obligation.warn_at>`)."""
    warnings_passed: int = 0
    """How many of them have come by the instant the plan is for: the message names the
    latest (第 n 次预警)."""


def notifications(
    policy: Policy, incident: Incident, open_obligations: Iterable[Obligation], now: datetime
) -> list[Notification]:
    """The notifications of ``open_obligations`` (earliest due first) whose clock has started
    by ``now``, for a case of ``policy`` about ``incident``. An obligation owed to one of
    several roles names them all (``主要领导或分管领导``); one without a due instant is left
    out (it never falls due)."""
    now = ensure_aware(now, "now")
    cal = policy.calendar
    out = []
    for ob in open_obligations:
        if ob.anchor_at > now or not ob.timed:
            continue  # not started yet, or never due (ordered, not timed)
        role_label = "或".join(policy.roles.get(r, r) for r in ob.recipients)
        due = cal.local(ob.due_at)
        passed = ob.warnings_passed(now)
        warned = f"，第{passed}次预警" if passed and len(ob.warn_at) > 1 else ""
        out.append(
            Notification(
                role=ob.role,
                role_label=role_label,
                kind=ob.kind,
                obligation_id=ob.id,
                rule=ob.rule,
                due_at=ob.due_at,
                since=ob.anchor_at,
                status=ob.status(now),
                message=(
                    f"【{ob.label}】{incident.title}：{role_label}，"
                    f"时限 {due:%Y-%m-%d %H:%M}{' 暂定' if ob.provisional else ''}"
                    f"（{ob.rule}）{warned}"
                ),
                provisional=ob.provisional,
                label=ob.label,
                warn_at=ob.warn_at,
                warnings_passed=passed,
            )
        )
    return out
