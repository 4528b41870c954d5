"""Run every benchmark: ``python -m benchmarks`` (``make bench``).

Each ``bench_*.py`` module here has ``main(argv) -> int`` and runs with its defaults; give
names to run only some: ``python -m benchmarks calendar store``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = ["discover", "run_all"]


def discover() -> list[str]:
    """The benchmark modules, by name, in alphabetical order."""
    here = str(Path(__file__).resolve().parent)
    return sorted(m.name for m in pkgutil.iter_modules([here]) if m.name.startswith("bench_"))


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
        t0 = time.perf_counter()
        module = importlib.import_module(f"{__package__ or 'benchmarks'}.{name}")
        code = int(module.main([]))
        print(f"== {name}: exit {code}, {time.perf_counter() - t0:.1f} s ==\n", flush=True)
        worst = max(worst, code)
    return worst


if __name__ == "__main__":
    raise SystemExit(run_all(sys.argv[1:]))
