"""Extensions and pauses (延期、暂停计时): which duties a command moves or stops, and why a
command is refused. The fold applies these rules and the case checks a command with them, so
the two never disagree (R5.2, P3 in docs/rules.md):

- an ``extend`` applies to the open duties the policy marks ``extendable``: the one it names,
  or, naming none, every one not yet past its due instant;
- a duty already past its due instant is extended only when the command names it and the
  policy allows late extension (``workflow.late_extension``); it keeps its breach
  (``breached_at``);
- all the extensions of one duty add up to at most ``workflow.max_extension``, given in the
  cap's unit; the extended due instant is counted from the original one with the total;
- a ``pause`` stops only duties of the kinds the policy names (``workflow.pausable``), and
  never one already past its due instant: that breach stands.

"Past its due instant" is at the command's ``at``: ``at`` later than the due instant, the
clock not stopped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...errors import PolicyError
from ...time.duration import Duration, DurationKind

if TYPE_CHECKING:
    from ...model.event import Event
    from ...policy.schema import ObligationSpec
    from .duty import Duty
    from .state import FoldState

__all__ = [
    "Decision",
    "extension",
    "extension_applies",
    "past_due",
    "pause",
    "refusal",
]

_UNITS = {
    DurationKind.DAYS: "days (d)",
    DurationKind.WORKING_DAYS: "working days (wd)",
    DurationKind.WORKING_HOURS: "working hours (wh)",
    DurationKind.ELAPSED: "hours and minutes (h, min)",
}


@dataclass(frozen=True, slots=True)
class Decision:
    """What a command does to the duties: the ones it moves or stops, or why it is refused
    (then it moves none)."""

    duties: tuple[Duty, ...] = ()
    problem: str | None = None


def extension_applies(spec: ObligationSpec | None, ident: str, target: str | None) -> bool:
    """Whether an ``extend`` naming ``target`` (or none) extends the open obligation ``ident``
    of ``spec``: only obligations the policy marks extendable, and only the one named."""
    if spec is None or not spec.extendable:
        return False
    return target is None or target in (ident, spec.id)


def past_due(s: FoldState, duty: Duty, at: datetime) -> bool:
    """Whether ``duty`` is past its due instant at ``at`` (unmet, its clock not stopped)."""
    return duty.paused_since is None and at > s.due(duty)


def refusal(s: FoldState, event: Event) -> str | None:
    """Why the duties refuse ``event`` (an extension or a pause they cannot take), or ``None``."""
    if event.trigger == "extend":
        return extension(s, event.data, event.at).problem
    if event.trigger == "pause":
        return pause(s, event.data, event.at).problem
    return None


# -- extensions ------------------------------------------------------------------------------


def extension(s: FoldState, data: Mapping[str, Any], at: datetime) -> Decision:
    """The duties an ``extend`` with ``data`` at ``at`` extends, or why it is refused."""
    terms = s.terms
    cap = terms.max_extension
    if cap is None:
        return Decision(problem=f"policy {terms.name!r} allows no extension")
    by, problem = _length(data.get("by"), cap)
    if by is None:
        return Decision(problem=problem)
    target = data.get("obligation")
    named = [d for d in s.book.duties if d.open and extension_applies(d.spec, d.id, target)]
    if not named:
        what = f"obligation {target!r}" if target else "open extendable obligation"
        return Decision(problem=f"there is no {what} to extend")
    late = [d for d in named if past_due(s, d, at)]
    if target is None:
        chosen = [d for d in named if d not in late]
        if not chosen:
            return Decision(problem=_only_late(s, late))
    else:
        chosen = named
        if late and not terms.late_extension:
            return Decision(problem=_late_refused(s, late[0], at))
    for duty in chosen:
        over = _over_cap(duty, by, cap)
        if over is not None:
            return Decision(problem=over)
    return Decision(tuple(chosen))


def _length(text: object, cap: Duration) -> tuple[Duration | None, str | None]:
    """The extension ``text`` gives, or why it cannot be one under ``cap``."""
    try:
        by = Duration.parse(str(text))
    except PolicyError as e:
        return None, str(e)
    if by.kind in (DurationKind.SAME_DAY, DurationKind.NOW):
        return None, f"an extension is a length of time such as 2d, not {by}"
    unit = _UNITS.get(cap.kind)
    if unit is None:
        return None, f"the cap {cap} is not a length of time: no extension can be checked"
    if by.kind is not cap.kind:
        return None, (
            f"extension {by} is not in the unit of the cap {cap}: give it in {unit}, so that "
            "all the extensions of an obligation add up"
        )
    if cap < by:
        return None, f"extension {by} is more than the cap {cap} (R5.2)"
    return by, None


def _over_cap(duty: Duty, by: Duration, cap: Duration) -> str | None:
    used = duty.extended_by(cap.kind)
    if used + by.amount <= cap.amount:
        return None
    return (
        f"{duty.id}: extending by {by} passes the cap of {cap} in all "
        f"({_amount(cap.kind, used)} used, {_amount(cap.kind, cap.amount - used)} left)"
    )


def _amount(kind: DurationKind, n: int) -> str:
    return str(Duration(kind, n)) if n > 0 else "nothing"


def _only_late(s: FoldState, late: Sequence[Duty]) -> str:
    dues = ", ".join(f"{d.id} was due {_when(s, s.due(d))}" for d in late)
    how = (
        "name it (obligation=...) to extend it late"
        if s.terms.late_extension
        else "the policy does not allow late extension (workflow.late_extension)"
    )
    return (
        f"no open extendable obligation is still before its due instant ({dues}); an extend "
        f"naming no obligation applies only to those; {how}"
    )


def _late_refused(s: FoldState, duty: Duty, at: datetime) -> str:
    return (
        f"{duty.id} is past its due instant {_when(s, s.due(duty))} (the command is at "
        f"{_when(s, at)}); the policy does not allow late extension "
        "(workflow.late_extension), so the breach stands"
    )


# -- pauses ----------------------------------------------------------------------------------


def pause(s: FoldState, data: Mapping[str, Any], at: datetime) -> Decision:
    """The duties a ``pause`` with ``data`` at ``at`` stops, or why it is refused."""
    terms = s.terms
    kinds = terms.pausable
    if not kinds:
        return Decision(
            problem=f"policy {terms.name!r} pauses no obligation (workflow.pausable names no kind)"
        )
    open_duties = [d for d in s.book.duties if d.open]
    names = tuple(data.get("obligations") or ())
    if names:
        return _pause_named(s, open_duties, names, at)
    pool = [d for d in open_duties if d.kind in kinds]
    chosen = [d for d in pool if not past_due(s, d, at)]
    if chosen:
        return Decision(tuple(chosen))
    problem = f"there is no running obligation of a pausable kind ({', '.join(kinds)}) to pause"
    if pool:
        dues = ", ".join(f"{d.id} is past its due instant {_when(s, s.due(d))}" for d in pool)
        problem += f": {dues}, and a pause cannot stop a breach"
    return Decision(problem=problem)


def _pause_named(
    s: FoldState, open_duties: Sequence[Duty], names: Sequence[str], at: datetime
) -> Decision:
    kinds = s.terms.pausable
    chosen: list[Duty] = []
    for name in names:
        duty = next((d for d in open_duties if d.id == name), None)
        if duty is None:
            return Decision(problem=f"there is no open obligation {name!r} to pause")
        if duty.kind not in kinds:
            return Decision(
                problem=f"{name} is a {duty.kind} obligation; the policy pauses only "
                f"{', '.join(kinds)} (workflow.pausable)"
            )
        if past_due(s, duty, at):
            return Decision(
                problem=f"{name} is past its due instant {_when(s, s.due(duty))}: "
                "a pause cannot stop a breach"
            )
        chosen.append(duty)
    return Decision(tuple(chosen))


def _when(s: FoldState, at: datetime) -> str:
    return f"{s.terms.calendar.local(at):%Y-%m-%d %H:%M}"
