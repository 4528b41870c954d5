"""Mermaid diagrams of a policy's workflow, drawn by ``transitions``' own Mermaid engine."""

from __future__ import annotations

from transitions.extensions import GraphMachine

from ..model.vocab import State, label_of
from ..workflow.machine import Workflow

__all__ = ["mermaid"]


class _Model:
    """A stand-in model: GraphMachine draws the graph of a model."""


def mermaid(workflow: Workflow, *, full: bool = False) -> str:
    """A ``stateDiagram-v2`` of the stages and the triggers between them.

    By default it shows the main path (each stage to the next), ``dismiss`` and ``reopen``.
    A case may also skip ahead to any later stage, and every live stage takes the in-place
    actions (``escalate``, ``supervise`` ...); ``full=True`` draws all of that too.
    """
    model = _Model()
    nxt = dict(zip(workflow.stages, workflow.stages[1:], strict=False))
    transitions = [
        {"trigger": t, "source": s, "dest": d}
        for t, s, d in workflow.transitions
        if full or (d is not None and (nxt.get(s) == d or t in ("dismiss", "reopen")))
    ]
    states = list(workflow.states)
    machine = GraphMachine(
        model=model,
        states=states,
        transitions=transitions,
        initial="registered",
        auto_transitions=False,
        graph_engine="mermaid",
        title=f"{workflow.policy.name}",
    )
    text: str = machine.get_graph().draw(None)
    return _label_states(_strip_styles(text))


def _label_states(text: str) -> str:
    """Show each stage with its Chinese name (``registered 登记受理``)."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith('state "') and " as " in stripped:
            name = stripped.rsplit(" as ", 1)[1]
            label = label_of(State, name) or None
            if label:
                line = line.replace(f'state "{name}"', f'state "{name} {label}"', 1)
        out.append(line)
    return "\n".join(out) + "\n"


def _strip_styles(text: str) -> str:
    """Drop the active-state colouring: a policy diagram has no current state."""
    lines = [
        line for line in text.splitlines() if not line.strip().startswith(("classDef ", "Class "))
    ]
    return "\n".join(lines).rstrip() + "\n"
