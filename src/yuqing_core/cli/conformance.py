"""``yuqing conformance``: write the conformance vectors of the preset scenarios, or check the
library against vectors (:mod:`yuqing_core.wire.conformance`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..wire.conformance import VECTORS_DIR, check_vectors, write_vectors
from ._options import COMMANDS

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "conformance",
        help=COMMANDS["conformance"],
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--write", metavar="DIR", type=Path, help="write one <preset>.json per preset into DIR"
    )
    what.add_argument(
        "--check",
        metavar="DIR",
        type=Path,
        nargs="?",
        const=VECTORS_DIR,
        help="check the library against the vectors in DIR (default: the shipped ones)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.write is not None:
        for path in write_vectors(args.write):
            print(path)
        return 0
    failed = 0
    for name, problems in check_vectors(args.check).items():
        print(f"{name}: {'ok' if not problems else f'{len(problems)} differences'}")
        for problem in problems:
            print(f"  {problem}")
        failed += bool(problems)
    return 1 if failed else 0
