"""``yuqing presets [NAME]``: the shipped presets (预设制度), or one preset's rules as Markdown.

Without a name it lists every preset with its source system (S1..S11) and title; with a name it
prints the generated part of the preset's documentation page (:mod:`yuqing_core.render.presetpage`).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..presets import load as load_preset
from ..render.presetpage import index_table, preset_list, preset_markdown
from ._options import COMMANDS

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("presets", help=COMMANDS["presets"])
    p.add_argument("name", nargs="?", metavar="NAME", help="a preset to show as Markdown")
    p.add_argument("--markdown", action="store_true", help="print the list as a Markdown table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.name is not None:
        print(preset_markdown(load_preset(args.name)), end="")
    elif args.markdown:
        print(index_table(), end="")
    else:
        print(preset_list(), end="")
    return 0
