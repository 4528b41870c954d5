"""The duty roster (值班表): the policy's monitoring duties that belong to no case, each due
instant with who owes it and whether it was met, met late or missed.

A duty is met by a recorded :class:`DutyFulfilment` (the command: which duty, when, by whom,
with an optional reference to the report or log filed). :func:`roster` is a pure function of
the policy, a window and the fulfilments recorded so far, so a store can keep the fulfilments
as events and compute the due work from them.

A fulfilment that names the instant it serves (``due_at``) meets that instant. One that does
not meets the due instant of its duty nearest to when it was recorded (the earlier of two as
near), if that one is less than one step of the duty's rule away (a day for a daily log, a
week for a weekly bulletin) and not met already: a daily log filed at 17:00 is that day's,
late; one filed at 09:00 the next morning is the next day's, in time. Name ``due_at`` for any
other reading (a log of last Tuesday filed today).

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> from yuqing_core import load_policy
>>> cst = ZoneInfo("Asia/Shanghai")
>>> policy = load_policy({"name": "demo", "title": "示例", "monitoring": [
...     {"id": "daily-log", "rule": "R4.2", "kind": "daily_log",
...      "rrule": "FREQ=DAILY;BYHOUR=16;BYMINUTE=0", "working_days_only": True}]})
>>> done = [fulfil(policy, "daily-log", at=datetime(2025, 9, 29, 15, tzinfo=cst), actor="a"),
...         fulfil(policy, "daily-log", at=datetime(2025, 9, 30, 18, tzinfo=cst), actor="a"),
...         fulfil(policy, "daily-log", at=datetime(2025, 10, 9, 9, tzinfo=cst), actor="a")]
>>> items = roster(policy, datetime(2025, 9, 29, tzinfo=cst), datetime(2025, 10, 11, tzinfo=cst),
...                done)
>>> now = datetime(2025, 10, 11, tzinfo=cst)
>>> [(i.due_at.strftime("%m-%d %H:%M"), i.status(now)) for i in items]
[('09-29 16:00', 'met'), ('09-30 16:00', 'late'), ('10-09 16:00', 'met'), \
('10-10 16:00', 'missed')]
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final, Literal

from .._dt import ensure_aware
from ..errors import InvalidArgumentError
from ..policy.recurrence import recurrence_step
from .monitoring import CaseSpan, DutyInstant, duty_instants

if TYPE_CHECKING:
    from ..policy.data import PolicyData as Policy

__all__ = [
    "DutyFulfilment",
    "DutyInstance",
    "DutyStatus",
    "due_before",
    "duty_step",
    "fulfil",
    "roster",
    "serves",
]

DutyStatus = Literal["pending", "met", "late", "missed"]
"""As of an instant: not due yet; met by the due instant; met after it; unmet past it."""

_TICK: Final = timedelta(microseconds=1)
_STEP_MAX: Final = timedelta(days=366)
"""The longest step a fulfilment is attributed across (a yearly duty's)."""


@dataclass(frozen=True, slots=True)
class DutyFulfilment:
    """A recorded fulfilment of a roster duty: which duty, when, by whom, for which instant.

    ``actor`` is personal data: it is left out of ``repr`` and of every message."""

    duty_id: str
    at: datetime
    actor: str = field(repr=False)
    report: str | None = field(default=None, repr=False)
    """A reference to what was filed (the log's or bulletin's number), if any; left out of
    ``repr`` like the actor, as a person may write anything in it."""
    due_at: datetime | None = None
    """The due instant it serves; ``None``: the earliest unmet one that had opened."""

    def __post_init__(self) -> None:
        ensure_aware(self.at, "at")
        if self.due_at is not None:
            ensure_aware(self.due_at, "due_at")
        if not isinstance(self.actor, str) or not self.actor.strip():
            raise InvalidArgumentError(
                f"a fulfilment of duty {self.duty_id!r} needs an actor (a non-empty text)"
            )
        if self.report is not None and not isinstance(self.report, str):
            raise InvalidArgumentError(
                f"report: expected a text or None, got {type(self.report).__name__}"
            )


@dataclass(frozen=True, slots=True)
class DutyInstance:
    """One due instant of a roster duty, with the fulfilment that met it (if any)."""

    instant: DutyInstant
    fulfilment: DutyFulfilment | None = None

    @property
    def duty_id(self) -> str:
        return self.instant.duty_id

    @property
    def due_at(self) -> datetime:
        return self.instant.due_at

    @property
    def role(self) -> str:
        return self.instant.role

    @property
    def provisional(self) -> bool:
        return self.instant.provisional

    @property
    def met_at(self) -> datetime | None:
        return None if self.fulfilment is None else self.fulfilment.at

    def status(self, now: datetime) -> DutyStatus:
        """Where it stands at ``now``: a fulfilment recorded after ``now`` does not count."""
        now = ensure_aware(now, "now")
        met = self.met_at
        if met is not None and met <= now:
            return "met" if met <= self.due_at else "late"
        return "missed" if now > self.due_at else "pending"


def fulfil(
    policy: Policy,
    duty_id: str,
    *,
    at: datetime,
    actor: str,
    report: str | None = None,
    due_at: datetime | None = None,
) -> DutyFulfilment:
    """The record of ``actor`` meeting the roster duty ``duty_id`` at ``at``: checked against
    ``policy`` (a duty it does not have raises
    :class:`~yuqing_core.errors.InvalidArgumentError`)."""
    ids = [d.id for d in policy.spec.monitoring]
    if duty_id not in ids:
        raise InvalidArgumentError(
            f"{duty_id!r} is not a monitoring duty of policy {policy.name!r} ({', '.join(ids)})"
        )
    return DutyFulfilment(duty_id, at, actor, report, due_at)


def roster(
    policy: Policy,
    start: datetime,
    end: datetime,
    fulfilments: Iterable[DutyFulfilment] = (),
    *,
    cases: Iterable[CaseSpan] = (),
) -> list[DutyInstance]:
    """The roster duties due with ``start <= due_at < end``, earliest first, each with the
    fulfilment that met it. ``cases`` are the open case spans ``while_open`` duties look at.

    A fulfilment of a duty the policy does not have, or naming a ``due_at`` its duty does not
    fall due at, raises :class:`~yuqing_core.errors.InvalidArgumentError`.
    """
    start = ensure_aware(start, "start")
    end = ensure_aware(end, "end")
    spans = tuple(cases)
    done = _by_duty(policy, fulfilments)
    out: list[DutyInstance] = []
    for index, duty in enumerate(policy.spec.monitoring):
        # The instants a step either side of the window: a fulfilment near its edge may
        # serve one of them.
        step = duty_step(duty.rrule)
        lo, hi = start - step, end + step
        listed = duty_instants(policy, index, lo, hi, spans)
        met = _attribute(listed, done.get(duty.id, []), step, (lo, hi))
        out += [m for m in met if start <= m.due_at < end]
    out.sort(key=lambda i: (i.due_at, _order(policy, i.duty_id)))
    return out


def due_before(
    policy: Policy,
    at: datetime,
    fulfilments: Iterable[DutyFulfilment] = (),
    *,
    since: datetime,
    cases: Iterable[CaseSpan] = (),
) -> list[DutyInstance]:
    """The due work of the roster at ``at``: the instants with ``since <= due_at <= at`` that
    no fulfilment recorded by ``at`` met, earliest first (what ``store.due_before`` lists for
    the cases' obligations; ``since`` is when the roster began to be kept)."""
    at = ensure_aware(at, "at")
    items = roster(policy, since, at + _TICK, fulfilments, cases=cases)
    return [i for i in items if i.status(at) in ("pending", "missed")]


def serves(policy: Policy, fulfilment: DutyFulfilment) -> datetime | None:
    """The due instant ``fulfilment`` meets unless another fulfilment met it first: the one
    it names, else the one nearest to when it was recorded (less than a step away), else
    ``None``. This is the rule :func:`roster` applies, one fulfilment at a time: a store
    records it with the fulfilment (``while_open`` duties are read without cases).

    A duty the policy does not have, or a named ``due_at`` its duty does not fall due at,
    raises :class:`~yuqing_core.errors.InvalidArgumentError`.
    """
    index = _index(policy, fulfilment.duty_id)
    step = duty_step(policy.spec.monitoring[index].rrule)
    named = fulfilment.due_at
    if named is not None:
        if not duty_instants(policy, index, named, named + _TICK):
            raise InvalidArgumentError(
                f"a fulfilment of duty {fulfilment.duty_id!r} names due instant "
                f"{named.isoformat()}, at which the duty does not fall due"
            )
        return named
    at = fulfilment.at
    dues = [i.due_at for i in duty_instants(policy, index, at - step, at + step)]
    n = _nearest(dues, at, step)
    return None if n is None else dues[n]


def duty_step(rrule: str) -> timedelta:
    """One step of a duty's rule (a day for a daily log), at most a year: how far a
    fulfilment is attributed across."""
    return min(timedelta(seconds=min(recurrence_step(rrule), 10**9)), _STEP_MAX)


def _index(policy: Policy, duty_id: str) -> int:
    for n, duty in enumerate(policy.spec.monitoring):
        if duty.id == duty_id:
            return n
    raise InvalidArgumentError(
        f"a fulfilment names {duty_id!r}, which is not a monitoring duty of policy {policy.name!r}"
    )


def _order(policy: Policy, duty_id: str) -> int:
    return next(n for n, d in enumerate(policy.spec.monitoring) if d.id == duty_id)


def _by_duty(
    policy: Policy, fulfilments: Iterable[DutyFulfilment]
) -> dict[str, list[DutyFulfilment]]:
    ids = {d.id for d in policy.spec.monitoring}
    out: dict[str, list[DutyFulfilment]] = {}
    for f in fulfilments:
        if f.duty_id not in ids:
            raise InvalidArgumentError(
                f"a fulfilment names {f.duty_id!r}, which is not a monitoring duty of policy "
                f"{policy.name!r}"
            )
        out.setdefault(f.duty_id, []).append(f)
    for items in out.values():
        items.sort(key=lambda f: f.at)
    return out


def _attribute(
    listed: list[DutyInstant],
    done: list[DutyFulfilment],
    step: timedelta,
    span: tuple[datetime, datetime],
) -> list[DutyInstance]:
    """Each instant with the fulfilment that met it: the first that names it, else the first
    recorded nearest to it (within ``step``). ``span`` is the range ``listed`` covers."""
    met: dict[int, DutyFulfilment] = {}
    index = {i.due_at: n for n, i in enumerate(listed)}
    for f in done:
        if f.due_at is None:
            continue
        n = index.get(f.due_at)
        if n is None and span[0] <= f.due_at < span[1]:
            raise InvalidArgumentError(
                f"a fulfilment of duty {f.duty_id!r} names due instant "
                f"{f.due_at.isoformat()}, at which the duty does not fall due"
            )
        if n is not None:
            met.setdefault(n, f)
    dues = [i.due_at for i in listed]
    for f in done:
        n = None if f.due_at is not None else _nearest(dues, f.at, step)
        if n is not None:
            met.setdefault(n, f)
    return [DutyInstance(i, met.get(n)) for n, i in enumerate(listed)]


def _nearest(dues: list[datetime], at: datetime, step: timedelta) -> int | None:
    """The index of the due instant nearest ``at`` (the earlier of two as near), if it is
    less than ``step`` away; ``dues`` are sorted."""
    pos = bisect_left(dues, at)
    near = [n for n in (pos - 1, pos) if 0 <= n < len(dues) and abs(dues[n] - at) < step]
    return min(near, key=lambda n: abs(dues[n] - at), default=None)
