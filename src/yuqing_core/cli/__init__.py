"""The ``yuqing`` command line: argument parsing and printing only.

Each command lives in the module named after it, with a ``register`` that adds its parser and a
``run``; what it prints is composed in :mod:`yuqing_core.render`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import YuqingError
from . import calendar, check, demo, diagram, due, presets, schema, simulate

__all__ = ["build_parser", "main"]

_COMMAND_MODULES = (demo, check, diagram, simulate, schema, due, calendar, presets)
"""In the order ``yuqing --help`` lists the commands."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="yuqing",
        description="Online public-opinion (网络舆情) policies: check, deadlines, simulate.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 findings/errors, 2 usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except YuqingError as e:
        print(f"yuqing: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
