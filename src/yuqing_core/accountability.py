"""Accountability (责任追究, X2 in docs/rules.md): who met obligations late or missed them, in a
period.

The source policies hold units to account for late, missing or concealed reports and slow
replies. :func:`accountability` lists, per role and per handling unit (承办单位), every
obligation due in ``[start, end)`` that was met after its due instant (逾期办结) or was still
unmet past it at ``now`` (未办). A breach is never erased: an obligation extended after its
due instant (where the policy allows late extension) is listed against the due instant it
missed (``breached_at``), as missed until it is met and then as late. Obligations owed by
the role ``handling_unit`` are charged to the unit the case was assigned to (``assign`` with
``unit``), or to the policy's ``workflow.default_unit`` before any assignment; every other
role is its own row.

Everything is computed from the cases' events: pass live cases, or ``store.load_all(policy)``.

The duties of the policy's duty roster (``[[monitoring]]``, no case) are held to account by
:func:`duty_accountability`, from the recorded fulfilments, in rows of the same shape: their
items have an empty ``case_id`` and the duty's id as ``obligation_id``. :func:`case_spans`
gives the open spans of cases that ``while_open`` duties look at. :func:`circular` lists, at
one instant, what is past its due instant with neither the duty done nor an explanation on
record (通报名单, R5.3 in docs/rules.md).
:func:`~yuqing_core.render.accountability.render_accountability_markdown` renders the rows.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> import yuqing_core as yq
>>> cst = ZoneInfo("Asia/Shanghai")
>>> policy = yq.presets.load("school-tiered")
>>> found = datetime(2025, 11, 3, 9, tzinfo=cst)
>>> case = policy.open_case(yq.Incident(id="YQ-9", title="食堂投诉", discovered_at=found),
...                         at=found, actor="monitor", severity="critical")
>>> _ = case.fire("report", at=datetime(2025, 11, 3, 12, 30, tzinfo=cst), actor="office")
>>> rows = accountability([case], found, datetime(2025, 11, 10, tzinfo=cst),
...                       now=datetime(2025, 11, 10, tzinfo=cst))
>>> [(r.label, r.late, r.missed) for r in rows]
[('责任单位', 0, 1), ('主要领导', 1, 0)]
>>> from yuqing_core.render.accountability import render_accountability_markdown
>>> print(render_accountability_markdown(rows))
| 单位/角色 | 逾期办结 | 未办 | 明细 |
| --- | ---: | ---: | --- |
| 责任单位 | 0 | 1 | YQ-9 critical-response（R3.3）时限 2025-11-04 09:00，未办 |
| 主要领导 | 1 | 0 | YQ-9 critical-report（R3.3）时限 2025-11-03 12:00，办结 2025-11-03 12:30 |
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ._dt import ensure_aware
from .errors import AccountabilityError
from .model import Severity
from .policy.data import PolicyData
from .rules.monitoring import CaseSpan
from .rules.obligations import Obligation
from .rules.roster import DutyFulfilment, DutyInstance, roster
from .workflow.case import Case

__all__ = [
    "AccountabilityError",
    "AccountabilityItem",
    "AccountabilityRow",
    "accountability",
    "case_spans",
    "circular",
    "duty_accountability",
]

HANDLING_UNIT = "handling_unit"

Outcome = Literal["late", "missed", "waived"]
"""Met after the due instant, still unmet past it, or waived (免除) before it was breached."""
_Key = tuple[str, str | None]
"""A row's role, and its handling unit for the role ``handling_unit``."""


@dataclass(frozen=True, slots=True)
class AccountabilityItem:
    """One obligation met late or missed. Times are in the policy calendar's zone."""

    case_id: str
    obligation_id: str
    kind: str
    rule: str
    due_at: datetime
    met_at: datetime | None
    """When it was met (after ``due_at``); ``None`` if it was still unmet at ``now``."""
    outcome: Outcome
    extended_to: datetime | None = None
    """The due instant a late extension moved it to; ``due_at`` stays the one it missed."""
    provisional: bool = False
    """``due_at`` rests on days the official calendar does not settle yet: it may still move
    when the year's notice is known (see :attr:`Obligation.provisional
    <yuqing_core.Obligation.provisional>`)."""
    label: str = ""
    """The institution's own name for the obligation (特报), if the policy gives one."""
    waived_at: datetime | None = None
    """When a ``waive`` released it (the reason and the actor are on that event, number
    ``waived_by``); a waiver after the due instant does not undo the miss."""
    waived_by: int | None = None
    timed: bool = True
    """Whether the obligation had a due instant; one without is listed at its waiver."""


@dataclass(frozen=True, slots=True)
class AccountabilityRow:
    """The late and missed obligations of one role, or of one handling unit."""

    role: str
    unit: str | None
    """The handling unit (承办单位) for rows of the role ``handling_unit``, else ``None``."""
    label: str
    """What the table shows in 单位/角色: the unit, or the policy's name of the role."""
    late: int
    """Met after the due instant (逾期办结)."""
    missed: int
    """Unmet past the due instant at ``now`` (未办), including those the case closed on."""
    items: tuple[AccountabilityItem, ...]
    waived: int = 0
    """Waived before they were breached (免除, with a reason on record)."""


def _outcome(ob: Obligation, now: datetime) -> Outcome | None:
    # As of ``now``: a duty met only after ``now`` was still owed then (breached if overdue).
    status = ob.status(now)
    if status == "late":
        return "late"
    if status == "breached":
        return "missed"
    if status == "waived":
        return "waived"
    # Extended after its breach: running again toward a new due instant, still missed.
    return "missed" if ob.breached_at is not None and ob.breached_at < now else None


def _missed_due(ob: Obligation) -> datetime:
    """The due instant the obligation is held to: the one it passed unmet, if any (one
    without a due instant, waived, is listed at its waiver)."""
    if ob.breached_at is not None:
        return ob.breached_at
    if not ob.timed and ob.waived_at is not None:
        return ob.waived_at
    return ob.due_at


def accountability(
    cases: Iterable[Case], start: datetime, end: datetime, *, now: datetime
) -> list[AccountabilityRow]:
    """The obligations due in ``[start, end)`` met late or missed as of ``now``, grouped.

    One row per role, except that the role ``handling_unit`` gets one row per unit. An
    obligation is charged to the role that must act (its ``by``), else to its recipient.
    Obligations waived before they were breached are listed too (``waived``), so a release
    is on the record beside the misses. Rows with the most missed, then the most late, come
    first; ties by role, then unit. Items are ordered by due instant, case id and obligation
    id. Rows with nothing are left out.
    """
    start, end, now = _period(start, end, now)
    return _rows(
        _charged(case, ob, outcome)
        for case in cases
        for ob, outcome in _overdue(case, start, end, now)
    )


def circular(cases: Iterable[Case], *, at: datetime) -> list[AccountabilityRow]:
    """The circular (通报名单) at ``at``: per role and per handling unit, the obligations past
    their due instant that are neither met nor explained (R5.3: 超过规定期限既未作回复，又未作
    说明).

    An obligation is explained while the record gives a reason for it: it was waived
    (``waive``, with its reason, even after its due instant), or extended (``extend``: 确需延长,
    a late extension included where the policy allows one) to a due instant not yet passed; an
    extended obligation that passes its new due instant unmet is listed again. What was met,
    even late, is not listed; what is owed but not yet due is not listed either. Rows and
    items are ordered as :func:`accountability` orders them; every item is ``missed``.
    """
    at = ensure_aware(at, "at")
    return _rows(
        _charged(case, ob, "missed")
        for case in cases
        for ob in case.obligations
        if ob.status(at) == "breached" and (ob.waived_at is None or ob.waived_at > at)
    )


def _charged(
    case: Case, ob: Obligation, outcome: Outcome
) -> tuple[_Key, dict[str, str], AccountabilityItem]:
    """An obligation's item with the row it is charged to (its role, and its unit)."""
    return (ob.charged, _unit(case, ob)), case.policy.roles, _item(case, ob, outcome)


def _rows(
    found: Iterable[tuple[_Key, dict[str, str], AccountabilityItem]],
) -> list[AccountabilityRow]:
    """The items ``found`` (each with its row's key and the policy's role names) grouped in
    rows: the most missed first, then the most late, the most waived; ties by role, unit."""
    groups: dict[_Key, list[AccountabilityItem]] = {}
    labels: dict[_Key, str] = {}
    for key, roles, item in found:
        if key not in labels:
            labels[key] = _label(roles, *key)
        groups.setdefault(key, []).append(item)
    rows = [_row(key, labels[key], items) for key, items in groups.items()]
    rows.sort(key=lambda r: (-r.missed, -r.late, -r.waived, r.role, r.unit or ""))
    return rows


def _period(start: datetime, end: datetime, now: datetime) -> tuple[datetime, datetime, datetime]:
    start = ensure_aware(start, "start")
    end = ensure_aware(end, "end")
    now = ensure_aware(now, "now")
    if end <= start:
        raise AccountabilityError(
            f"the period is empty: end {end.isoformat()} is not after start {start.isoformat()}"
        )
    return start, end, now


def _overdue(
    case: Case, start: datetime, end: datetime, now: datetime
) -> Iterator[tuple[Obligation, Outcome]]:
    """The case's obligations due in ``[start, end)`` that were met late or missed."""
    for ob in case.obligations:
        if start <= _missed_due(ob) < end:
            outcome = _outcome(ob, now)
            if outcome is not None:
                yield ob, outcome


def _unit(case: Case, ob: Obligation) -> str | None:
    """The unit an obligation of the handling unit is charged to: the unit the case was
    assigned to, else the lead unit of the obligation's level (of the case's, for one owed
    at every level), else the default unit."""
    if ob.charged != HANDLING_UNIT:
        return None
    level = ob.level if ob.level is not None else case.severity
    return case.unit or case.policy.spec.workflow.lead_unit(level)


def _item(case: Case, ob: Obligation, outcome: Outcome) -> AccountabilityItem:
    cal = case.policy.calendar
    due = _missed_due(ob)
    return AccountabilityItem(
        case_id=case.id,
        obligation_id=ob.id,
        kind=ob.kind,
        rule=ob.rule,
        due_at=cal.local(due),
        met_at=cal.local(ob.met_at) if outcome == "late" and ob.met_at else None,
        outcome=outcome,
        extended_to=cal.local(ob.due_at) if ob.timed and ob.due_at != due else None,
        provisional=ob.provisional,
        label=ob.own_label,
        waived_at=cal.local(ob.waived_at) if ob.waived_at is not None else None,
        waived_by=ob.waived_by,
        timed=ob.timed,
    )


def _row(key: _Key, label: str, items: list[AccountabilityItem]) -> AccountabilityRow:
    items.sort(key=lambda i: (i.due_at, i.case_id, i.obligation_id))
    return AccountabilityRow(
        role=key[0],
        unit=key[1],
        label=label,
        late=sum(1 for i in items if i.outcome == "late"),
        missed=sum(1 for i in items if i.outcome == "missed"),
        items=tuple(items),
        waived=sum(1 for i in items if i.outcome == "waived"),
    )


def _label(roles: dict[str, str], role: str, unit: str | None) -> str:
    role_label = roles.get(role, role)
    if unit is None:
        return role_label
    if unit in roles:
        # The default unit is a role id (``handling_unit``) until a case is assigned.
        return roles[unit]
    return f"{unit}（{role_label}）"


# -- the duty roster -----------------------------------------------------------------------


def duty_accountability(
    policy: PolicyData,
    start: datetime,
    end: datetime,
    fulfilments: Iterable[DutyFulfilment],
    *,
    now: datetime,
    cases: Iterable[CaseSpan] = (),
) -> list[AccountabilityRow]:
    """The roster duties due in ``[start, end)`` met late or missed as of ``now``, one row
    per role that owes them, ordered as :func:`accountability` orders its rows.

    ``fulfilments`` are the recorded fulfilments (:func:`yuqing_core.rules.roster.fulfil`);
    ``cases`` the open case spans ``while_open`` duties look at (:func:`case_spans`).
    """
    start, end, now = _period(start, end, now)
    return _rows(
        ((instance.role, None), policy.roles, _duty_item(policy, instance, status))
        for instance in roster(policy, start, end, fulfilments, cases=cases)
        if (status := instance.status(now)) in ("late", "missed")
    )


def _duty_item(policy: PolicyData, instance: DutyInstance, outcome: Outcome) -> AccountabilityItem:
    cal = policy.calendar
    met = instance.met_at
    return AccountabilityItem(
        case_id="",
        obligation_id=instance.duty_id,
        kind=instance.instant.kind,
        rule=instance.instant.rule,
        due_at=cal.local(instance.due_at),
        met_at=cal.local(met) if outcome == "late" and met is not None else None,
        outcome=outcome,
        provisional=instance.provisional,
    )


def case_spans(cases: Iterable[Case]) -> list[CaseSpan]:
    """The spans each case was open at one level with one set of flags, from its events:
    what ``while_open`` duties look at."""
    out: list[CaseSpan] = []
    for case in cases:
        out += _spans(case)
    return out


def _spans(case: Case) -> list[CaseSpan]:
    events = case.events
    spans: list[CaseSpan] = []
    current: tuple[datetime, Severity, frozenset[str]] | None = None
    for k, event in enumerate(events, 1):
        state = case if k == len(events) else Case.replay(case.policy, events[:k])
        key = None if state.is_closed else (state.severity, frozenset(state.incident.flags))
        if current is not None and current[1:] != key:
            spans.append(CaseSpan(case.id, current[0], event.at, *current[1:]))
            current = None
        if current is None and key is not None:
            current = (event.at, *key)
    if current is not None:
        spans.append(CaseSpan(case.id, current[0], None, *current[1:]))
    return spans
