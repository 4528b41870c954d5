"""The ``yuqing`` command line: argument parsing and printing only.

Each command lives in the module named after it, with a ``register`` that adds its parser and a
``run``; what it prints is composed in :mod:`yuqing_core.render`.

Every command behaves the same way: results on standard output; errors on standard error, one
line each, starting ``yuqing:``, never a traceback; exit code 0 when all is well, 1 for
findings (``check``), failed lines (``simulate``) or an error of the data or the policy, 2 for
a command line that is wrong (an unknown option, a missing argument, a value of the wrong
form).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import YuqingError
from . import calendar, check, db, demo, diagram, due, presets, schema, simulate
from ._options import NAIVE_RULE, Parser, UsageError

__all__ = ["build_parser", "main"]

_COMMAND_MODULES = (demo, check, diagram, simulate, schema, due, calendar, presets, db)
"""In the order ``yuqing --help`` lists the commands."""

EPILOG = (
    f"Times on the command line: {NAIVE_RULE}. Exit codes: 0 ok; 1 findings (check), failed "
    "lines (simulate) or an error in the data or the policy; 2 a wrong command line. Errors "
    "go to standard error, one line each, starting 'yuqing:'."
)


def build_parser() -> Parser:
    parser = Parser(
        prog="yuqing",
        description="Online public-opinion (网络舆情) policies: check, deadlines, simulate.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"yuqing {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _COMMAND_MODULES:
        module.register(sub)
    return parser


def error(message: str) -> None:
    """Print ``message`` on standard error, each line starting ``yuqing:``."""
    for line in message.splitlines() or [""]:
        print(f"yuqing: {line}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 findings/errors, 2 usage)."""
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # named with the command, as the command's own parser would
            prog = f"yuqing {args.command}"
            raise UsageError(
                f"{args.command}: unrecognized arguments: {' '.join(extra)}; see {prog} --help"
            )
        code: int = args.func(args)
    except SystemExit as e:  # --help and --version print and stop here
        return e.code if isinstance(e.code, int) else 0
    except UsageError as e:
        error(str(e))
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except (YuqingError, OSError) as e:
        error(str(e))
        return 1
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
