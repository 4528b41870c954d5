"""Obligations (时限义务): which deadlines a case owes, derived from its policy and events.

Nothing here is stored. :func:`derive` walks the events of a case in order and returns every
obligation with its anchor, due instant, the rule it comes from and the event that met it, so
a case rebuilt from the same events owes exactly the same things (compute-on-read).

The walk applies RULES P3-P7: periods on the policy calendar; escalation anchors the new
level's obligations at the escalation and a running obligation of the same kind and role keeps
the earlier due instant (P7); a downgrade waives what the lower level does not owe; level-by-
level reports start when the previous report is met; recurring follow-ups (续报) run until the
case reaches their ``until`` stage; pauses stop the clock; extensions count from the due
instant within the policy's cap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from .._dt import ensure_aware
from ..model import Category, Severity
from ..model.vocab import DEFAULT_MET_BY, FINAL_STATES, STAGE_TRIGGERS, ObligationKind, label_of
from ..policy.schema import LadderSpec, ObligationSpec
from ..policy.stages import StageTable
from ..time.duration import Duration

if TYPE_CHECKING:
    from ..model.event import Event
    from ..policy.data import PolicyData as Policy

__all__ = ["Obligation", "Status", "derive", "extension_applies"]

Status = Literal["pending", "due_soon", "met", "late", "breached"]

REPORTED_AGAIN = frozenset({"report", "special_report"})
"""Kinds an escalation owes again even when the lower level's duty was met: the higher level
is news the role has not heard (a public response already given is not owed twice)."""

PAUSABLE_KINDS = frozenset({"initial_response", "reply", "handling_report", "feedback"})
"""Kinds whose clock a pause stops by default: those that wait on the citizen's matter, not
reports upward, which a pause never delays."""


@dataclass(frozen=True, slots=True)
class Obligation:
    """One deadline a case owes (时限义务): to ``role``, of ``kind``, by ``due_at``.

    ``status(now)`` is ``pending``, ``due_soon`` (the policy's share of the span has passed),
    ``met`` (met at or before ``due_at``), ``late`` (met after it) or ``breached`` (unmet past
    it). An obligation whose case closed before it was met stays ``breached`` if it was overdue.
    The status is as of ``now``: a meeting event after ``now`` is not seen, so a past instant
    gives the status an officer saw then.
    """

    id: str
    kind: str
    role: str
    rule: str
    anchor_at: datetime
    due_at: datetime
    met_at: datetime | None = None
    met_by: int | None = None
    """The version (1-based event number) of the event that met it."""
    closed_at: datetime | None = None
    """When it stopped being owed unmet (case closed, level lowered, recurrence ended)."""
    spec_id: str = ""
    level: Severity | None = None
    extensions: tuple[str, ...] = ()
    paused: bool = False
    """Its clock is stopped now (``pause`` without ``resume`` yet)."""
    projected: bool = False
    """The due instant rests on a projected calendar year."""
    due_soon_share: float = 0.75
    source: Literal["obligation", "ladder"] = "obligation"
    text: str = ""

    @property
    def is_open(self) -> bool:
        """Still owed: not met and not closed."""
        return self.met_at is None and self.closed_at is None

    def status(self, now: datetime) -> Status:
        now = ensure_aware(now, "now")
        if self.met_at is not None and self.met_at <= now:
            return "met" if self.met_at <= self.due_at else "late"
        if self.closed_at is not None and self.closed_at <= self.due_at:
            return "met"  # pragma: no cover - closed-in-time obligations are not listed
        if now > self.due_at and not self.paused:
            return "breached"
        if self.closed_at is not None and self.closed_at <= now:
            return "breached" if self.closed_at > self.due_at else "pending"
        span = (self.due_at - self.anchor_at).total_seconds()
        if not self.paused and span > 0:
            passed = (now - self.anchor_at).total_seconds()
            if passed >= span * self.due_soon_share:
                return "due_soon"
        return "pending"

    @property
    def label(self) -> str:
        """The Chinese name of the kind (报告, 答复 ...)."""
        return label_of(ObligationKind, self.kind) or self.kind


@dataclass(slots=True)
class _Inst:
    id: str
    spec: ObligationSpec | None
    kind: str
    role: str
    rule: str
    anchor: datetime
    within: Duration
    level: Severity | None
    met_by: tuple[str, ...]
    text: str
    seq: int = 1
    met_at: datetime | None = None
    met_version: int | None = None
    closed_at: datetime | None = None
    cap: datetime | None = None
    cap_rule: str | None = None
    pauses: list[tuple[datetime, datetime]] = field(default_factory=list)
    paused_since: datetime | None = None
    extensions: list[str] = field(default_factory=list)
    fixed_due: datetime | None = None
    source: Literal["obligation", "ladder"] = "obligation"

    @property
    def open(self) -> bool:
        return self.met_at is None and self.closed_at is None


class _Walk:
    """One pass over the events of a case."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.cal = policy.calendar
        self.specs = policy.spec.obligations
        self.insts: list[_Inst] = []
        self.by_spec: dict[str, _Inst] = {}
        self.runs: dict[str, int] = {}
        self.ladder_runs: list[tuple[LadderSpec, datetime]] = []
        self.ladders_started: set[str] = set()
        self.acks: list[tuple[datetime, str, int]] = []
        self.first: dict[str, datetime] = {}
        self.state = "registered"
        self.severity = policy.lowest
        self.category = Category.OTHER
        self.flags: frozenset[str] = frozenset()
        self.discovered: datetime | None = None
        self.posted: datetime | None = None
        self.opened: datetime | None = None
        self.stages = StageTable.of(policy.spec.workflow)
        self.closed = False

    # -- applicability -------------------------------------------------------------------

    def applies(self, spec: ObligationSpec | LadderSpec, severity: Severity) -> bool:
        if spec.levels and severity not in spec.levels:
            return False
        if spec.any_flags and not (set(spec.any_flags) & self.flags):
            return False
        if isinstance(spec, ObligationSpec) and spec.any_categories:
            return self.category in spec.any_categories
        return True

    def base_anchor(self, anchor: str) -> datetime | None:
        if anchor == "discovered":
            return self.discovered
        if anchor == "posted":
            return self.posted or self.discovered
        if anchor == "opened":
            return self.opened
        return self.first.get(anchor)

    def due(self, inst: _Inst) -> datetime:
        if inst.fixed_due is not None:
            return inst.fixed_due
        due = self.cal.due(inst.anchor, inst.within, pauses=inst.pauses)
        for ext in inst.extensions:
            due = self.cal.extend(due, ext)
        if inst.cap is not None and inst.cap < due:
            due = inst.cap
        return due

    # -- creating ------------------------------------------------------------------------

    def activate(self, spec: ObligationSpec, anchor: datetime, *, at_escalation: bool) -> None:
        """Start ``spec``'s clock at ``anchor`` (P7 merge with a running same-kind duty)."""
        if spec.id in self.by_spec:
            return
        # A duty waived by a downgrade and owed again after a new escalation is a new duty:
        # it gets its own id, and the waived one keeps its record (breached if it was overdue).
        runs = self.runs.get(spec.id, 0) + 1
        self.runs[spec.id] = runs
        inst = _Inst(
            id=spec.id if runs == 1 else f"{spec.id}@{runs}",
            spec=spec,
            kind=spec.kind,
            role=spec.role,
            rule=spec.rule,
            anchor=anchor,
            within=spec.within,
            level=self.severity if spec.levels else None,
            met_by=spec.met_by or DEFAULT_MET_BY[spec.kind],
            text=spec.text,
        )
        if at_escalation:
            twin = next(
                (
                    i
                    for i in self.insts
                    if i.kind == spec.kind
                    and i.role == spec.role
                    and i.spec is not None
                    and not i.spec.every
                    and (i.open or (i.met_at is not None and spec.kind not in REPORTED_AGAIN))
                ),
                None,
            )
            if twin is not None:
                self.by_spec[spec.id] = twin
                if twin.open:
                    new_due = self.due(inst)
                    if new_due < self.due(twin):
                        twin.cap = new_due
                        twin.cap_rule = spec.rule
                return
        self.insts.append(inst)
        self.by_spec[spec.id] = inst

    def release_if_owed_again(self, spec: ObligationSpec) -> bool:
        """Whether ``spec``'s met duty is owed again now; if so, forget it so that ``activate``
        starts a new one. A level-specific report met at a lower level is owed again at a
        higher one: the escalation is news to the role (a duty for every level is not, nor a
        response)."""
        inst = self.by_spec.get(spec.id)
        if inst is None or inst.met_at is None or inst.spec is not spec:
            return False
        if spec.kind not in REPORTED_AGAIN or not spec.levels or inst.level is None:
            return False
        if self.severity <= inst.level:
            return False
        del self.by_spec[spec.id]
        return True

    def start_level(self, at: datetime, *, escalation: bool) -> None:
        """Activate what the current level owes (at open, escalation or downgrade)."""
        for spec in self.specs:
            if spec.after is not None or not self.applies(spec, self.severity):
                continue
            if spec.id in self.by_spec and not (escalation and self.release_if_owed_again(spec)):
                continue
            if not self.applies(spec, self.severity):
                continue
            base = self.base_anchor(spec.anchor)
            if base is None:
                continue  # waits for its trigger
            anchor = (
                max(base, at)
                if escalation and spec.anchor in ("discovered", "posted", "opened")
                else base
            )
            self.activate(spec, anchor, at_escalation=escalation)
        for ladder in self.policy.spec.ladders:
            if ladder.id in self.ladders_started or not self.applies(ladder, self.severity):
                continue
            base = self.base_anchor(ladder.anchor)
            if base is None:
                continue
            self.ladders_started.add(ladder.id)
            self.ladder_runs.append((ladder, max(base, at) if escalation else base))

    def start_after(self, met: _Inst, at: datetime) -> None:
        if met.spec is None:
            return
        for spec in self.specs:
            if spec.after != met.spec.id or not self.applies(spec, self.severity):
                continue
            if spec.id not in self.by_spec or self.release_if_owed_again(spec):
                self.activate(spec, at, at_escalation=False)

    def start_trigger(self, trigger: str, at: datetime) -> None:
        for spec in self.specs:
            ready = spec.anchor == trigger and spec.after is None and spec.id not in self.by_spec
            if ready and self.applies(spec, self.severity):
                self.activate(spec, at, at_escalation=False)

    # -- meeting -------------------------------------------------------------------------

    def meet(self, event: Event, version: int, only: Iterable[_Inst] | None = None) -> list[_Inst]:
        data = event.data
        roles: list[str] = list(data.get("roles") or [])
        if data.get("role"):
            roles.append(str(data["role"]))
        kinds: list[str] = list(data.get("kinds") or [])
        if data.get("kind"):
            kinds.append(str(data["kind"]))
        pool = [
            i
            for i in (self.insts if only is None else only)
            if i.open
            and event.trigger in i.met_by
            and i.source == "obligation"
            and i.anchor <= event.at
            and (not kinds or i.kind in kinds)
        ]

        def earliest(cands: list[_Inst]) -> list[_Inst]:
            if not cands:
                return []
            return [min(cands, key=lambda i: (self.due(i), self.insts.index(i)))]

        # One kind of duty per named role (and per kind named): a report to the office is the
        # first-time report or the special report, not both, unless the command names both.
        by_role: list[str | None] = list(dict.fromkeys(roles)) or [None]
        by_kind: list[str | None] = list(dict.fromkeys(kinds)) or [None]
        groups = [
            [c for c in pool if role in (None, c.role) and kind in (None, c.kind)]
            for role in by_role
            for kind in by_kind
        ]
        chosen = [i for group in groups for i in earliest(group)]
        # Duties of that kind to that role owed under several rules at once (a flag's rule and
        # a level's rule, say) are all met by the one report.
        picked = {(i.kind, i.role) for i in chosen}
        chosen = [i for i in pool if (i.kind, i.role) in picked]
        for inst in chosen:
            inst.met_at = event.at
            inst.met_version = version
        return chosen

    def recur(self, inst: _Inst, at: datetime) -> None:
        spec = inst.spec
        if spec is None or spec.every is None or self.past(spec.until):
            return
        nxt = replace(
            inst,
            id=f"{inst.id.split('#')[0]}#{inst.seq + 1}",
            anchor=at,
            within=spec.every,
            seq=inst.seq + 1,
            met_at=None,
            met_version=None,
            closed_at=None,
            cap=None,
            cap_rule=None,
            pauses=[],
            paused_since=None,
            extensions=[],
        )
        self.insts.append(nxt)

    def past(self, stage: str) -> bool:
        if self.state in FINAL_STATES:
            return True
        if not self.stages.has(stage):
            return False
        return self.stages.rank(self.state) >= self.stages.rank(stage)

    # -- the walk ------------------------------------------------------------------------

    def apply(self, event: Event, version: int) -> None:
        t = event.trigger
        at = event.at
        data = event.data
        if t == "open":
            inc = data["incident"]
            self.discovered = inc.discovered_at
            self.posted = inc.posted_at
            self.opened = at
            self.category = inc.category
            self.flags = frozenset(inc.flags)
            self.severity = Severity.parse(data["severity"])
            self.start_level(at, escalation=False)
            return
        if self.closed:
            return
        if t in STAGE_TRIGGERS or t == "reopen":
            self.first.setdefault(t, at)
        before = len(self.insts)
        met = self.meet(event, version)
        for inst in met:
            self.start_after(inst, at)
            self.recur(inst, at)
        if met and (data.get("roles") or data.get("role")):
            # A report naming both levels of a chain meets the next level it just started.
            fresh = [i for i in self.insts[before:] if i.open and i.spec and i.spec.after]
            for inst in self.meet(event, version, only=fresh):
                self.start_after(inst, at)
                self.recur(inst, at)
        if t in STAGE_TRIGGERS:
            self.start_trigger(t, at)
        self.state = self.stages.next_state(self.state, t)
        if t == "update_metrics" and data.get("flags"):
            self.flags = self.flags | frozenset(data["flags"])
            self.start_level(at, escalation=True)
        new_sev = data.get("severity") if t in ("escalate", "downgrade", "assess") else None
        if new_sev is not None:
            sev = Severity.parse(new_sev)
            if sev > self.severity:
                self.severity = sev
                self.start_level(at, escalation=True)
            elif sev < self.severity:
                self.severity = sev
                self.waive(at)
                self.start_level(at, escalation=False)
        if t == "acknowledge":
            self.acks.append((at, str(data.get("role") or ""), version))
        if t == "extend":
            self.extend(data, at)
        if t == "pause":
            ids = set(data.get("obligations") or ())
            for inst in self.insts:
                if inst.open and (inst.id in ids if ids else inst.kind in PAUSABLE_KINDS):
                    inst.paused_since = at
        if t == "resume":
            for inst in self.insts:
                if inst.paused_since is not None:
                    inst.pauses.append((inst.paused_since, at))
                    inst.paused_since = None
        self.stop_recurring(at)
        if self.state in FINAL_STATES:
            self.closed = True
            for inst in self.insts:
                if inst.open:
                    inst.closed_at = at

    def waive(self, at: datetime) -> None:
        for inst in self.insts:
            spec = inst.spec
            if inst.open and spec is not None and not self.applies(spec, self.severity):
                inst.closed_at = at
                for key, value in list(self.by_spec.items()):
                    if value is inst:
                        del self.by_spec[key]

    def stop_recurring(self, at: datetime) -> None:
        for inst in self.insts:
            spec = inst.spec
            if inst.open and spec is not None and spec.every is not None and self.past(spec.until):
                inst.closed_at = at

    def extend(self, data: Mapping[str, Any], at: datetime) -> None:
        target = data.get("obligation")
        for inst in self.insts:
            if inst.open and extension_applies(inst.spec, inst.id, target):
                inst.extensions.append(str(data["by"]))

    # -- results -------------------------------------------------------------------------

    def ladder_obligations(self) -> list[_Inst]:
        out: list[_Inst] = []
        for ladder, anchor in self.ladder_runs:
            start = anchor
            for n, step in enumerate(ladder.steps, 1):
                due = self.cal.due(start, step.timeout)
                ack = next(((a, v) for a, r, v in self.acks if r == step.role and a >= start), None)
                inst = _Inst(
                    id=f"{ladder.id}#{n}",
                    spec=None,
                    kind="notify",
                    role=step.role,
                    rule=ladder.rule,
                    anchor=start,
                    within=step.timeout,
                    level=None,
                    met_by=("acknowledge",),
                    text=ladder.text,
                    fixed_due=due,
                    source="ladder",
                )
                if ack is not None:
                    inst.met_at, inst.met_version = ack
                out.append(inst)
                if ack is not None and ack[0] <= due:
                    break
                start = due
        return out


def extension_applies(spec: ObligationSpec | None, ident: str, target: str | None) -> bool:
    """Whether an ``extend`` naming ``target`` (or none) extends the open obligation ``ident``
    of ``spec``: only obligations the policy marks extendable, and only the one named."""
    if spec is None or not spec.extendable:
        return False
    return target is None or target in (ident, spec.id)


def derive(policy: Policy, events: Sequence[Event]) -> tuple[Obligation, ...]:
    """Every obligation the case with these ``events`` owes, in the order they arose.

    Obligations waived before they fell due (the level was lowered, the case closed, a
    recurrence ended) are left out; those closed while overdue stay, as ``breached``.
    """
    walk = _Walk(policy)
    for version, event in enumerate(events, 1):
        walk.apply(event, version)
    share = policy.spec.timing.due_soon_share
    out = []
    close_at = events[-1].at if walk.closed and events else None
    for inst in [*walk.insts, *walk.ladder_obligations()]:
        if inst.source == "ladder" and close_at is not None and inst.open:
            if inst.anchor >= close_at:
                continue
            inst.closed_at = close_at
        due = walk.due(inst)
        if inst.closed_at is not None and inst.met_at is None and inst.closed_at <= due:
            continue
        # The last day looked up decides, not the instant: 24:00 on 31 Dec ends in that year.
        local_due = walk.cal.local(due)
        last_day = local_due.date() - timedelta(days=1 if local_due.time() == time(0) else 0)
        anchor_deadline_projected = walk.cal.is_projected(last_day)
        out.append(
            Obligation(
                id=inst.id,
                kind=inst.kind,
                role=inst.role,
                rule=inst.cap_rule or inst.rule,
                anchor_at=walk.cal.local(inst.anchor),
                due_at=due,
                met_at=inst.met_at,
                met_by=inst.met_version,
                closed_at=inst.closed_at,
                spec_id=inst.spec.id if inst.spec is not None else inst.id.split("#")[0],
                level=inst.level,
                extensions=tuple(inst.extensions),
                paused=inst.paused_since is not None,
                projected=anchor_deadline_projected and not inst.within.is_elapsed,
                due_soon_share=share,
                source=inst.source,
                text=inst.text,
            )
        )
    return tuple(out)
