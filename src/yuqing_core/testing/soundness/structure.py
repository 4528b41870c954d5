"""Structural soundness: what the policy names exists, and its workflow can finish and meet
every obligation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ...api import Policy
from ...model.vocab import FINAL_STATES, INCIDENT_MOMENTS, State
from ...policy.check import role_problems
from ...policy.lint import Finding
from ...policy.schema import ObligationSpec, PolicySpec

__all__ = [
    "Table",
    "check_final_reachable",
    "check_obligations_can_be_met",
    "check_order_can_be_met",
    "check_roles",
    "final_unreachable",
]


def check_roles(policy: Policy | PolicySpec) -> list[Finding]:
    """Every role named by an obligation, a ladder step or a monitoring duty exists.

    The loader refuses such a policy; this check takes a bare :class:`PolicySpec` too, so a
    spec built in code can be checked before it is loaded.
    """
    spec = policy.spec if isinstance(policy, Policy) else policy
    return [
        Finding("error", path, f"{message} (a canonical role or one under [[roles]])")
        for path, message in role_problems(spec)
    ]


Table = Sequence[tuple[str, str, str | None]]
"""Workflow transitions as ``(trigger, source, dest)``; ``dest`` ``None`` stays in place."""


def _reachable(table: Table, start: Iterable[str]) -> set[str]:
    succ: dict[str, set[str]] = {}
    for _trigger, source, dest in table:
        succ.setdefault(source, set()).add(source if dest is None else dest)
    seen = set(start)
    todo = list(seen)
    while todo:
        for nxt in succ.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def final_unreachable(
    states: Sequence[str], table: Table, finals: Iterable[str] = FINAL_STATES
) -> list[Finding]:
    """The states of ``states`` from which no path of ``table`` reaches a final state.

    Guards are not considered: each guard of the canonical workflow can be satisfied by an
    earlier command (draft before approving, review before archiving).

    >>> final_unreachable(["registered", "handling", "archived"],
    ...                   [("start", "registered", "handling"),
    ...                    ("archive", "registered", "archived")])
    [Finding(level='error', path='workflow.stages[1]', message="no commands lead from 'handling' \
to a final stage (archived, dismissed)")]
    """
    final = set(finals)
    out = []
    for i, state in enumerate(states):
        if state in final or _reachable(table, [state]) & final:
            continue
        out.append(
            Finding(
                "error",
                f"workflow.stages[{i}]",
                f"no commands lead from {state!r} to a final stage ({', '.join(sorted(final))})",
            )
        )
    return out


def check_final_reachable(policy: Policy) -> list[Finding]:
    """From every stage of the policy's workflow some commands reach a final stage."""
    wf = policy.workflow
    return final_unreachable(wf.states, wf.transitions)


def check_obligations_can_be_met(policy: Policy) -> list[Finding]:
    """Every obligation's ``met_by`` trigger can fire in a stage the case can be in once the
    obligation is owed (from its anchor, or from where the obligation it follows is met)."""
    wf = policy.workflow
    table = wf.transitions
    fires_from: dict[str, set[str]] = {}
    lands: dict[str, set[str]] = {}
    for trigger, source, dest in table:
        fires_from.setdefault(trigger, set()).add(source)
        lands.setdefault(trigger, set()).add(source if dest is None else dest)
    from_start = _reachable(table, [State.REGISTERED.value])
    specs = {o.id: o for o in policy.spec.obligations}

    def met_by(ob: ObligationSpec) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.trigger.value for c in ob.conditions))

    def start_states(ob: ObligationSpec, depth: int = 0) -> set[str]:
        if ob.after is not None and ob.after in specs and depth < len(specs):
            before = specs[ob.after]
            live = _reachable(table, start_states(before, depth + 1))
            return {s for t in met_by(before) for s in lands.get(t, ()) if _fires_in(t, live)}
        if ob.anchor in INCIDENT_MOMENTS:
            return {State.REGISTERED.value}
        return {s for s in lands.get(ob.anchor, ()) if _fires_in(ob.anchor, from_start)}

    def _fires_in(trigger: str, states: set[str]) -> bool:
        return bool(fires_from.get(trigger, set()) & states)

    out = []
    for i, ob in enumerate(policy.spec.obligations):
        owed_in = _reachable(table, start_states(ob)) - FINAL_STATES
        triggers = met_by(ob)
        if any(_fires_in(t, owed_in) for t in triggers):
            continue
        start = f"once '{ob.after}' is met" if ob.after else f"from '{ob.anchor}'"
        where = f"obligations[{i}].met_by" if ob.met_by else f"obligations[{i}].kind"
        names = " or ".join(repr(t) for t in triggers)
        stages = ", ".join(s for s in wf.states if s in owed_in) or "none"
        out.append(
            Finding(
                "error",
                where,
                f"no command meets {ob.id}: {names} cannot fire in any stage the case can be "
                f"in while it is owed ({start}; stages: {stages})",
            )
        )
    return out


def check_order_can_be_met(policy: Policy) -> list[Finding]:
    """What a ``[[workflow.order]]`` entry puts before a trigger can happen before it: each
    trigger it names, and a trigger meeting each obligation it names, fires in a stage the
    case can reach from which the guarded trigger can still fire (a ``waive`` could always
    release an obligation, but a policy should not need one to go on)."""
    table = policy.workflow.transitions
    lands: dict[str, set[str]] = {}
    for trigger, source, dest in table:
        lands.setdefault(trigger, set()).add(source if dest is None else dest)
    live = _reachable(table, [State.REGISTERED.value])
    specs = {o.id: o for o in policy.spec.obligations}
    out = []
    for i, order in enumerate(policy.spec.workflow.order):
        guarded = {source for trigger, source, _ in table if trigger == order.trigger}

        def before(trigger: str, guarded: set[str] = guarded) -> bool:
            ends = lands.get(trigger, set())
            sources = {s for t, s, _ in table if t == trigger} & live
            return bool(sources) and bool(_reachable(table, ends) & guarded)

        named: list[tuple[str, tuple[str, ...], str]] = [
            (f"triggers[{j}]", (t.value,), t.value) for j, t in enumerate(order.triggers)
        ]
        named += [
            (f"obligations[{j}]", tuple(c.trigger.value for c in specs[ident].conditions), ident)
            for j, ident in enumerate(order.obligations)
            if ident in specs
        ]
        for key, triggers, what in named:
            if not any(before(t) for t in triggers):
                out.append(
                    Finding(
                        "error",
                        f"workflow.order[{i}].{key}",
                        f"{what} cannot happen before '{order.trigger.value}': no stage the "
                        f"case can reach lets {' or '.join(repr(t) for t in triggers)} fire and "
                        f"then '{order.trigger.value}'",
                    )
                )
    return out
