"""Monitoring duties (监测值守): daily patrols and logs, weekly bulletins, holiday watch.

Each duty of ``[[monitoring]]`` is an RFC 5545 recurrence rule read on the policy's calendar
(X1, R3.4, R4.2, R7.1 in docs/rules.md): ``FREQ=DAILY;BYHOUR=16;BYMINUTE=0`` with
``working_days_only`` is "the daily log before 16:00 on working days", with China's 调休 make-up
working days in and statutory holidays out.

Whether an instant is owed is decided at the instant the rule gives: in one of the duty's
``during`` periods, while a case its ``while_open`` names is open, on a rest day for
``rest_days_only``. Then ``on_rest_day`` keeps it, moves it to the same time of day on the
first working day after (遇节假日顺延), or skips it. Days are read on the projecting twin of
the policy's calendar, as obligations are: an instant that rests on days the official data
does not settle yet is listed and marked ``provisional``.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> from yuqing_core import load_policy
>>> policy = load_policy({"name": "demo", "title": "示例", "monitoring": [
...     {"id": "daily-log", "rule": "R4.2", "kind": "daily_log",
...      "rrule": "FREQ=DAILY;BYHOUR=16;BYMINUTE=0", "working_days_only": True}]})
>>> cst = ZoneInfo("Asia/Shanghai")
>>> duties = policy.monitoring_duties(datetime(2025, 9, 27, tzinfo=cst),
...                                   datetime(2025, 9, 30, tzinfo=cst))
>>> [d.due_at.strftime("%m-%d %H:%M %a") for d in duties]   # Sunday 28th is a 调休 working day
['09-28 16:00 Sun', '09-29 16:00 Mon']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Final

from dateutil.rrule import rrulestr

from .._dt import ensure_aware
from ..errors import InvalidArgumentError, PolicyError
from ..model import Severity
from ..policy.recurrence import recurrence_problem
from ..policy.schema import DutySpec, OpenCases
from .periods import in_periods

if TYPE_CHECKING:
    from ..policy.data import PolicyData as Policy
    from ..time.calendar import WorkCalendar

__all__ = [
    "MAX_INSTANTS",
    "MOVE_MARGIN",
    "CaseSpan",
    "DutyInstant",
    "duty_instants",
    "monitoring_duties",
]

MAX_INSTANTS: Final = 100_000
"""The most due instants one duty may have in one listing; a longer listing is refused."""

MOVE_MARGIN: Final = timedelta(days=31)
"""How far before a listing instants are read that ``next_working_day`` may move into it
(longer than any run of rest days)."""


@dataclass(frozen=True, slots=True)
class DutyInstant:
    """One due instant of a monitoring duty (值守任务): what, by whom, when, from which rule."""

    duty_id: str
    rule: str
    kind: str
    role: str
    due_at: datetime
    """Aware, in the policy calendar's zone."""
    text: str = ""
    provisional: bool = False
    """Whether it is owed, or when, rests on days the official calendar does not settle yet."""
    scheduled_at: datetime | None = None
    """The instant the rule gives, when a rest day moved it (``on_rest_day``); else ``None``."""
    recipient: str | None = None
    """Who receives it (``recipient`` of the duty)."""


@dataclass(frozen=True, slots=True)
class CaseSpan:
    """A case open from ``opened_at`` until ``closed_at`` (``None``: still open) at one level
    with some flags: what ``while_open`` duties look at. A case that changed level is one span
    per level."""

    case_id: str
    opened_at: datetime
    closed_at: datetime | None
    severity: Severity
    flags: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        ensure_aware(self.opened_at, "opened_at")
        if self.closed_at is not None:
            ensure_aware(self.closed_at, "closed_at")

    def matches(self, wanted: OpenCases) -> bool:
        if wanted.levels and self.severity not in wanted.levels:
            return False
        return not wanted.any_flags or bool(set(wanted.any_flags) & self.flags)

    def open_at(self, instant: datetime) -> bool:
        return self.opened_at <= instant and (self.closed_at is None or instant < self.closed_at)


def monitoring_duties(
    policy: Policy, start: datetime, end: datetime, *, cases: Iterable[CaseSpan] = ()
) -> list[DutyInstant]:
    """Every due instant of the policy's monitoring duties with ``start <= due_at < end``.

    Earliest first; duties due at the same instant keep the policy's order. Each recurrence
    starts at local midnight of ``start``'s date in the calendar's zone (a month earlier for a
    duty whose instants move to the next working day, so that those moved into the span are
    listed), so a rule should pin its day and time (``BYDAY=FR;BYHOUR=17``) rather than lean
    on where the listing begins. A ``while_open`` duty is owed only while one of ``cases``
    matches. A span holding more than :data:`MAX_INSTANTS` instants of one duty raises
    :class:`~yuqing_core.errors.InvalidArgumentError`: ask for a shorter span.
    """
    start = ensure_aware(start, "start")
    end = ensure_aware(end, "end")
    spans = tuple(cases)
    found: list[tuple[datetime, int, DutyInstant]] = []
    for index in range(len(policy.spec.monitoring)):
        found += [(i.due_at, index, i) for i in duty_instants(policy, index, start, end, spans)]
    found.sort(key=lambda t: (t[0], t[1]))
    return [item for _, _, item in found]


def duty_instants(
    policy: Policy,
    index: int,
    start: datetime,
    end: datetime,
    cases: Sequence[CaseSpan] = (),
) -> list[DutyInstant]:
    """The due instants of the policy's ``index``-th monitoring duty with
    ``start <= due_at < end``, earliest first (see :func:`monitoring_duties`)."""
    start = ensure_aware(start, "start")
    end = ensure_aware(end, "end")
    cal = policy.calendar.with_projection()
    lo, hi = cal.local(start), cal.local(end)
    if hi <= lo:
        return []
    duty = policy.spec.monitoring[index]
    return list(_duty_instants(policy, cal, index, duty, lo, hi, _owed_spans(duty, cases)))


def _owed_spans(duty: DutySpec, spans: Sequence[CaseSpan]) -> Sequence[CaseSpan] | None:
    """The case spans a ``while_open`` duty is owed in (``None``: owed whatever is open)."""
    if duty.while_open is None:
        return None
    return [s for s in spans if s.matches(duty.while_open)]


def _duty_instants(
    policy: Policy,
    cal: WorkCalendar,
    index: int,
    duty: DutySpec,
    lo: datetime,
    hi: datetime,
    spans: Sequence[CaseSpan] | None,
) -> Iterator[DutyInstant]:
    """The instants of one duty due in ``[lo, hi)``, each once."""
    since = lo - MOVE_MARGIN if duty.rest_day == "next_working_day" else lo
    # Wall-clock recurrences: generate naive local times, then attach the zone, so that an
    # UNTIL in the rule is read as local time like every other part of it.
    dtstart = datetime.combine(since.date(), time(0))
    naive_lo, naive_hi = since.replace(tzinfo=None), hi.replace(tzinfo=None)
    seen: set[datetime] = set()
    for naive in _instants(index, duty, dtstart, naive_lo, naive_hi):
        scheduled = naive.replace(tzinfo=cal.zone)
        if spans is not None and not any(s.open_at(scheduled) for s in spans):
            continue
        placed = _place(policy, cal, duty, scheduled)
        if placed is None:
            continue
        due, provisional = placed
        if not lo <= due < hi or due in seen:
            continue  # moved out of the span, or onto an instant already listed
        seen.add(due)
        yield DutyInstant(
            duty.id,
            duty.rule,
            duty.kind,
            duty.role,
            due,
            duty.text,
            provisional=provisional,
            scheduled_at=scheduled if due != scheduled else None,
            recipient=duty.recipient,
        )


def _place(
    policy: Policy, cal: WorkCalendar, duty: DutySpec, scheduled: datetime
) -> tuple[datetime, bool] | None:
    """Where the instant ``scheduled`` falls due and whether that is provisional; ``None`` if
    it is not owed (outside its periods, on a working day for ``rest_days_only``, or skipped
    on a rest day)."""
    day = scheduled.date()
    provisional = False
    if duty.during:
        member = in_periods(policy, duty.during, day)
        if not member.inside:
            return None
        provisional = member.provisional
    rest_day = duty.rest_day
    if not duty.rest_days_only and rest_day == "keep":
        return scheduled, provisional
    provisional = provisional or not cal.is_settled(day)
    if cal.is_working_day(day):
        return None if duty.rest_days_only else (scheduled, provisional)
    if rest_day == "skip":
        return None
    if rest_day == "keep":
        return scheduled, provisional
    moved = cal.next_working_day(day, inclusive=False)
    provisional = provisional or not cal.is_settled(moved)
    at = datetime.combine(moved, scheduled.time(), tzinfo=cal.zone)
    return at, provisional


def _instants(
    index: int, duty: DutySpec, dtstart: datetime, lo: datetime, hi: datetime
) -> Iterator[datetime]:
    """The instants of ``duty`` with ``lo <= instant <= hi`` (naive local times), refusing a
    rule that never moves on and a span with more than :data:`MAX_INSTANTS` of them."""
    problem = recurrence_problem(duty.rrule)
    if problem is not None:  # a spec built without validation
        raise PolicyError(f"monitoring[{index}].rrule: {duty.rrule!r} {problem}")
    rule = iter(rrulestr(duty.rrule, dtstart=dtstart, ignoretz=True))
    count = 0
    while True:
        try:
            naive = next(rule)
        except (StopIteration, OverflowError, ValueError):
            return  # the rule ended, or its next instant is past the last year a date holds
        if naive > hi:
            return
        if naive < lo:
            continue
        count += naive < hi
        if count > MAX_INSTANTS:
            raise InvalidArgumentError(
                f"monitoring[{index}] ({duty.id}) falls due more than {MAX_INSTANTS} times "
                f"between {lo:%Y-%m-%d %H:%M} and {hi:%Y-%m-%d %H:%M}; ask for a shorter span"
            )
        yield naive
