"""Start-up: ``import yuqing_core`` beside ``import holidays``, and ``yuqing --help``.

Each figure is measured in a new interpreter (``sys.executable``), so nothing is imported
already; the rounds alternate between the figures, and the best of ``repeat`` is kept.

- ``import yuqing_core`` (timed inside the child, the interpreter's own start-up left out)
  beside ``import holidays`` (target: at most 1.5x). Public names are imported on first use,
  so this loads the error types only;
- ``yuqing --help``, the whole process as a shell runs it (target: 0.3 s or less), beside an
  interpreter that does nothing (``python -c pass``), for scale;
- for scale, no target: the first calendar (``import`` plus ``WorkCalendar.china()``) beside
  ``holidays.country_holidays("CN")``, and the first preset (``yq.presets.load``), which
  load pydantic, the policy schema and ``holidays`` on first use.

Run ``python -m benchmarks.bench_startup``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks import timing

IMPORTS: dict[str, str] = {
    "holidays": "import holidays",
    "yuqing_core": "import yuqing_core",
    "first_calendar": "import yuqing_core as yq; yq.WorkCalendar.china()",
    "holidays_calendar": "import holidays; holidays.country_holidays('CN', years=2025)",
    "first_preset": "import yuqing_core as yq; yq.presets.load('school-tiered')",
}
"""What each child runs, timed inside the child."""


def in_child(code: str) -> float:
    """Seconds ``code`` takes in a new interpreter, timed there."""
    timed = "import time; t = time.perf_counter(); " + code + "; print(time.perf_counter() - t)"
    out = subprocess.run(
        [sys.executable, "-c", timed], check=True, capture_output=True, text=True
    ).stdout
    return float(out.split()[-1])


def whole(argv: Sequence[str]) -> float:
    """Seconds the process ``argv`` takes, start to exit."""
    began = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - began


def yuqing_command() -> list[str]:
    """The ``yuqing`` script installed beside this interpreter (or ``-m`` if there is none)."""
    script = Path(sys.executable).with_name("yuqing")
    if script.exists():
        return [str(script)]
    found = shutil.which("yuqing")
    return [found] if found else [sys.executable, "-m", "yuqing_core.cli"]


def measure(repeat: int = 7) -> dict[str, float]:
    """The best of ``repeat`` interleaved rounds, in seconds."""
    best = dict.fromkeys([*IMPORTS, "help", "python"], float("inf"))
    command = [*yuqing_command(), "--help"]
    for _ in range(repeat):
        for name, code in IMPORTS.items():
            best[name] = min(best[name], in_child(code))
        best["help"] = min(best["help"], whole(command))
        best["python"] = min(best["python"], whole([sys.executable, "-c", "pass"]))
    return best


def report(r: dict[str, float]) -> list[str]:
    def ms(key: str, name: str = "") -> timing.Figure:
        return timing.Figure(r[key] * 1e3, "ms", name)

    rows: list[tuple[str, timing.Figure, timing.Figure | None, timing.Target | None]] = [
        (
            "import yuqing_core",
            ms("yuqing_core"),
            ms("holidays", "import holidays"),
            timing.Target("<=", 1.5),
        ),
        (
            "yuqing --help (whole process)",
            ms("help"),
            ms("python", "python -c pass"),
            timing.Target("<=", 300, "ms"),
        ),
        ("first WorkCalendar.china()", ms("first_calendar"), ms("holidays_calendar", "CN"), None),
        ("first presets.load", ms("first_preset"), ms("holidays", "import holidays"), None),
    ]
    width = max(len(label) for label, *_ in rows) + 1
    return [
        "bench_startup (each figure in a new interpreter; imports timed inside it)",
        *("  " + timing.report(*row, width=width) for row in rows),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_startup", description=__doc__)
    parser.add_argument("--repeat", type=int, default=7, help="rounds (best is kept)")
    args = parser.parse_args(argv)
    print("\n".join(report(measure(args.repeat))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
