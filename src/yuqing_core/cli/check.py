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
    failed = False
    for file in args.files:
        try:
            policy = load_policy(file)
        except PolicyError as e:
            failed = True
            for f, path, msg in e.problems or [(file, "", str(e))]:
                print(format_problem(f or file, path, msg))
            continue
        findings = [(f.level, f.path, f.message) for f in lint(policy)]
        for level, path, msg in findings:
            print(format_problem(file, path, f"{level}: {msg}"))
            failed = failed or level == "error"
        if not any(level == "error" for level, _, _ in findings):
            via = f", extends {policy.spec.extends}" if policy.spec.extends else ""
            print(f"{file}: ok ({policy.name}: {policy.title}{via})")
        if args.merged:
            print(json.dumps(policy.to_dict(), ensure_ascii=False, indent=2))
    sys.stdout.flush()
    return 1 if failed else 0
