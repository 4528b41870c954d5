"""The ``yuqing`` command line. Each sub-command lives in its own module with a ``register``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import YuqingError
from . import casecmds, check, demo, presetcmds, simcmds, timecmds

__all__ = ["build_parser", "main"]

_COMMAND_MODULES = (demo, check, casecmds, simcmds, timecmds, presetcmds)


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
