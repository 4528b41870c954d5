"""The notification plan of the duty roster (值班提醒): who must do which roster duty by when.

Like :meth:`Case.notifications <yuqing_core.Case.notifications>` for a case's obligations, the
library never sends anything: :func:`roster_notifications` lists
:class:`~yuqing_core.workflow.notices.Notification` items, one per due instant of the roster
not met by ``now`` whose clock has started (one step of the duty's rule before it falls due).

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> from yuqing_core import load_policy
>>> from yuqing_core.rules.roster import roster
>>> cst = ZoneInfo("Asia/Shanghai")
>>> policy = load_policy({"name": "demo", "title": "示例", "monitoring": [
...     {"id": "weekly-report", "rule": "本校第9条", "kind": "report", "recipient": "office",
...      "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0",
...      "on_rest_day": "next_working_day"}]})
>>> now = datetime(2025, 10, 8, 12, tzinfo=cst)
>>> items = roster(policy, datetime(2025, 10, 1, tzinfo=cst), datetime(2025, 10, 31, tzinfo=cst))
>>> for n in roster_notifications(policy, items, now):
...     print(n.status, n.message)
pending 【定期报送】监测员 报 领导小组办公室，时限 2025-10-09 10:00（本校第9条）
pending 【定期报送】监测员 报 领导小组办公室，时限 2025-10-13 10:00（本校第9条）
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from .._dt import ensure_aware
from ..policy.data import PolicyData as Policy
from ..policy.duty_spec import DUTY_KIND_LABELS
from ..policy.recurrence import recurrence_step
from ..rules.roster import DutyInstance
from .notices import Notification

__all__ = ["roster_notifications"]

_LONGEST = timedelta(days=366)


def roster_notifications(
    policy: Policy, instances: Iterable[DutyInstance], now: datetime
) -> list[Notification]:
    """The notifications of the roster ``instances`` (from :func:`~yuqing_core.rules.roster.
    roster`) not met by ``now`` whose clock has started, earliest due first. Each has the
    duty's id and due instant as ``obligation_id`` (``weekly-report@2025-10-09T10:00``)."""
    now = ensure_aware(now, "now")
    cal = policy.calendar
    rules = {d.id: d.rrule for d in policy.spec.monitoring}
    out = []
    for item in sorted(instances, key=lambda i: i.due_at):
        status = item.status(now)
        since = item.due_at - _step(rules.get(item.duty_id))
        if status in ("met", "late") or since > now:
            continue
        out.append(_notification(policy, item, status, cal.local(since), cal.local(item.due_at)))
    return out


def _step(rrule: str | None) -> timedelta:
    if rrule is None:
        return timedelta(0)
    return min(timedelta(seconds=min(recurrence_step(rrule), 10**9)), _LONGEST)


def _notification(
    policy: Policy, item: DutyInstance, status: str, since: datetime, due: datetime
) -> Notification:
    inst = item.instant
    role_label = policy.roles.get(inst.role, inst.role)
    to = f" 报 {policy.roles.get(inst.recipient, inst.recipient)}" if inst.recipient else ""
    label = DUTY_KIND_LABELS.get(inst.kind, inst.kind)
    return Notification(
        role=inst.role,
        role_label=role_label,
        kind=inst.kind,
        obligation_id=f"{inst.duty_id}@{due:%Y-%m-%dT%H:%M}",
        rule=inst.rule,
        due_at=due,
        since=since,
        status=status,
        message=(
            f"【{label}】{role_label}{to}，时限 {due:%Y-%m-%d %H:%M}"
            f"{' 暂定' if inst.provisional else ''}（{inst.rule}）"
        ),
        provisional=inst.provisional,
    )
