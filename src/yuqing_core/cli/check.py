"""``yuqing check FILE...``: validate policy files; exit 1 on any error.

Every finding names the file and the key path where the value was written: the file checked,
or the file it ``extends`` when the value comes from there. ``--strict`` adds the soundness
checks of :func:`yuqing_core.testing.assert_policy_sound` to the lint.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..api import Policy, load_policy
from ..errors import PolicyError, format_problem
from ..policy.lint import Finding, lint
from ..policy.loader import blame_keys
from ..testing.soundness import soundness_findings
from ._options import COMMANDS

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "check",
        help=COMMANDS["check"],
        description="Load each policy file and lint it; print every finding as FILE: KEY.PATH: "
        "LEVEL: MESSAGE, naming the file that wrote the value (the file checked or the file it "
        "extends). Exit 1 when any file has an error; warnings do not fail.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=".toml or .json policy files")
    p.add_argument(
        "--strict",
        action="store_true",
        help="also run the soundness checks of yuqing_core.testing.assert_policy_sound: levels "
        "that fall as counts rise, looser deadlines at higher levels, unknown roles, stages "
        "with no way to a final stage, obligations no command can meet, reports due after the "
        "response",
    )
    p.add_argument(
        "--merged",
        action="store_true",
        help="also print each policy as loaded, after extends is merged (JSON)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    passed = [_check(file, merged=args.merged, strict=args.strict) for file in args.files]
    sys.stdout.flush()
    failed = passed.count(False)
    if failed:
        n = len(passed)
        print(f"yuqing: check: {failed} of {n} file{'s' if n != 1 else ''} failed", file=sys.stderr)
    return 1 if failed else 0


def _check(file: str, *, merged: bool, strict: bool) -> bool:
    """Print what is wrong with ``file``, or that it is fine; return whether it has no error."""
    try:
        policy = load_policy(file)
    except PolicyError as e:
        for f, path, msg in e.problems or [(file, "", str(e))]:
            print(format_problem(f or file, path, msg))
        return False
    findings = soundness_findings(policy, strict=True) if strict else lint(policy)
    _print_findings(file, findings)
    ok = not any(finding.level == "error" for finding in findings)
    if ok:
        print(f"{file}: ok ({_about(policy, strict=strict)})")
    if merged:
        print(json.dumps(policy.to_dict(), ensure_ascii=False, indent=2))
    return ok


def _print_findings(file: str, findings: list[Finding]) -> None:
    places = blame_keys(file, [f.path for f in findings]) if findings else []
    for finding, (where, path) in zip(findings, places, strict=True):
        print(format_problem(where or file, path, f"{finding.level}: {finding.message}"))


def _about(policy: Policy, *, strict: bool) -> str:
    via = f", extends {policy.spec.extends}" if policy.spec.extends else ""
    sound = ", sound" if strict else ""
    return f"{policy.name}: {policy.title}{via}{sound}"
