"""``yuqing diagram``: a policy's workflow as a Mermaid state diagram."""

from __future__ import annotations

import argparse
from typing import Any

from ..presets import resolve as resolve_policy
from ..render.diagram import mermaid
from ._options import COMMANDS

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("diagram", help=COMMANDS["diagram"])
    p.add_argument("--policy", required=True, metavar="NAME_OR_FILE", help="preset or file")
    p.add_argument(
        "--full",
        action="store_true",
        help="also draw skip-ahead moves and in-place actions",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    policy = resolve_policy(args.policy)
    print(mermaid(policy.workflow, full=args.full), end="")
    return 0
