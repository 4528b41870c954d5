"""``yuqing check FILE...``: validate policy files; exit 1 on any error."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..api import load_policy
from ..errors import PolicyError, format_problem
from ..policy.lint import lint

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "check", help="validate policy files; exit 1 on any error"
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=".toml or .json policy files")
    p.add_argument(
        "--merged",
        action="store_true",
        help="also print each policy as loaded, after extends is merged (JSON)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    passed = [_check(file, merged=args.merged) for file in args.files]
    sys.stdout.flush()
    return 0 if all(passed) else 1


def _check(file: str, *, merged: bool) -> bool:
    """Print what is wrong with ``file``, or that it is fine; return whether it has no error."""
    try:
        policy = load_policy(file)
    except PolicyError as e:
        for f, path, msg in e.problems or [(file, "", str(e))]:
            print(format_problem(f or file, path, msg))
        return False
    findings = lint(policy)
    for finding in findings:
        print(format_problem(file, finding.path, f"{finding.level}: {finding.message}"))
    ok = not any(finding.level == "error" for finding in findings)
    if ok:
        via = f", extends {policy.spec.extends}" if policy.spec.extends else ""
        print(f"{file}: ok ({policy.name}: {policy.title}{via})")
    if merged:
        print(json.dumps(policy.to_dict(), ensure_ascii=False, indent=2))
    return ok
