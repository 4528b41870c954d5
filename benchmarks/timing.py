"""The one way the benchmarks time things and print their figures.

Timing: :func:`per_op` runs each function in ``repeat`` interleaved rounds and keeps the
best round, per operation; :func:`timed` times one call (for a whole run). Like
:mod:`timeit`, the garbage collector is off inside a timed round, so rounds compare like
with like.

Printing: :func:`report` makes one line per figure, with the peer's figure, the ratio
(figure / peer) and the target beside it, e.g.::

    replay 20 events: 41.2 us | naive machine 183 us | ratio 0.225x | target <= 1x: ok

A target bounds the ratio (unit ``x``) or the figure itself (the figure's unit).
"""

from __future__ import annotations

import math
import time
import timeit
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar

__all__ = ["Figure", "Target", "number", "per_op", "report", "timed"]

T = TypeVar("T")


def per_op(
    fns: Mapping[str, Callable[[], object]], *, repeat: int, number: int = 1, ops: int = 1
) -> dict[str, float]:
    """Seconds per operation of each function: the best of ``repeat`` rounds.

    A round calls every function ``number`` times; one call does ``ops`` operations (a
    function that loops over a sample passes the sample's size). The rounds are interleaved,
    every function once per round, so a load that drifts during the run weighs on all of
    them alike and their ratios stay fair.
    """
    best = dict.fromkeys(fns, math.inf)
    for _ in range(repeat):
        for name, fn in fns.items():
            best[name] = min(best[name], timeit.timeit(fn, number=number))
    return {name: seconds / (number * ops) for name, seconds in best.items()}


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    """``fn()`` and the seconds it took: one call, on a monotonic clock."""
    began = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - began


def number(value: float) -> str:
    """``value`` with three significant digits, never in exponent form: 183, 41.2, 0.0853."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    decimals = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}"


@dataclass(frozen=True, slots=True)
class Figure:
    """A measured figure in ``unit``; ``name`` says whose it is (needed for a peer)."""

    value: float
    unit: str
    name: str = ""

    def __str__(self) -> str:
        text = f"{number(self.value)} {self.unit}"
        return f"{self.name} {text}" if self.name else text


@dataclass(frozen=True, slots=True)
class Target:
    """A goal: the ratio to the peer (``unit="x"``), or the figure in its own unit, ``op``
    ``bound``. ``note`` says it another way, e.g. "3x faster" for a ratio of at most 1/3."""

    op: Literal["<=", ">="]
    bound: float
    unit: str = "x"
    note: str = ""

    def met(self, figure: Figure, ratio: float | None) -> bool:
        if self.unit == "x":
            if ratio is None:
                raise ValueError("a target on the ratio needs a peer")
            value = ratio
        elif self.unit == figure.unit:
            value = figure.value
        else:
            raise ValueError(f"a target in {self.unit} for a figure in {figure.unit}")
        return value <= self.bound if self.op == "<=" else value >= self.bound

    def __str__(self) -> str:
        unit = "x" if self.unit == "x" else f" {self.unit}"
        bound = number(self.bound)
        if "." in bound:
            bound = bound.rstrip("0").rstrip(".")
        text = f"target {self.op} {bound}{unit}"
        return f"{text} ({self.note})" if self.note else text


def report(
    label: str,
    figure: Figure,
    peer: Figure | None = None,
    target: Target | None = None,
    *,
    width: int = 0,
) -> str:
    """One figure line: ``label: figure | peer | ratio | target: ok`` (or ``MISSED``).

    Without a peer the line says ``no peer`` and has no ratio; without a target, ``no
    target``. ``width`` pads the label so that the figures of a block line up.
    """
    parts = [f"{label + ':':<{width}} {figure}"]
    ratio = None
    if peer is None:
        parts.append("no peer")
    else:
        ratio = figure.value / peer.value
        parts += [str(peer), f"ratio {number(ratio)}x"]
    if target is None:
        parts.append("no target")
    else:
        parts.append(f"{target}: {'ok' if target.met(figure, ratio) else 'MISSED'}")
    return " | ".join(parts)
