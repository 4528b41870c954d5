"""Run every benchmark: ``python -m benchmarks`` (``make bench``).

Each ``bench_*.py`` module here has ``main(argv) -> int`` and runs with its defaults; give
names to run only some: ``python -m benchmarks calendar store``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from benchmarks import timing

__all__ = ["discover", "run_all", "run_one"]


def discover() -> list[str]:
    """The benchmark modules, by name, in alphabetical order."""
    here = str(Path(__file__).resolve().parent)
    return sorted(m.name for m in pkgutil.iter_modules([here]) if m.name.startswith("bench_"))


def run_one(name: str) -> int:
    """Import the benchmark module ``name`` (``bench_calendar``) and run it with its defaults."""
    module = importlib.import_module(f"{__package__ or 'benchmarks'}.{name}")
    return int(module.main([]))


def run_all(names: Sequence[str] = ()) -> int:
    """Run the named benchmarks (``calendar`` or ``bench_calendar``), or all of them."""
    available = discover()
    wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in names] or available
    unknown = [n for n in wanted if n not in available]
    if unknown:
        print(f"unknown benchmarks: {', '.join(unknown)} (have: {', '.join(available)})")
        return 2
    worst = 0
    for name in wanted:
        print(f"== {name} ==", flush=True)
        code, seconds = timing.timed(partial(run_one, name))
        print(f"== {name}: exit {code}, {seconds:.1f} s ==\n", flush=True)
        worst = max(worst, code)
    return worst


if __name__ == "__main__":
    raise SystemExit(run_all(sys.argv[1:]))
