"""``yuqing schema``: the JSON Schema of policy files (for editors), every JSON Schema of the
library (``--all``), or a reference page."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..policy.schema import PolicySpec
from ..render.reference import markdown_reference
from ..render.vocabulary import markdown_vocabulary
from ..wire.schemas import all_schemas
from ._options import COMMANDS

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("schema", help=COMMANDS["schema"])
    page = p.add_mutually_exclusive_group()
    page.add_argument(
        "--markdown", action="store_true", help="print the policy file reference as Markdown"
    )
    page.add_argument(
        "--vocabulary",
        action="store_true",
        help="print the vocabulary reference as Markdown: stages, triggers and their data, "
        "roles, obligation kinds, levels, flags, categories, and the input of yuqing simulate",
    )
    page.add_argument(
        "--all",
        action="store_true",
        help="print every JSON Schema (Draft 2020-12) as one JSON object keyed by name: "
        "policy, case, events, commands, obligations, due_items, notifications, "
        "accountability_rows, conformance",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.markdown:
        print(markdown_reference(), end="")
    elif args.vocabulary:
        print(markdown_vocabulary(), end="")
    elif args.all:
        print(json.dumps(all_schemas(), ensure_ascii=False, indent=2))
    else:
        print(json.dumps(PolicySpec.model_json_schema(), ensure_ascii=False, indent=2))
    return 0
