"""The README's code must run as written: readers copy it first."""

from __future__ import annotations

import contextlib
import io
import re

from tests.helpers import REPO

README = REPO / "README.md"


def test_readme_starts_with_the_two_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```\n(.*?)```", text, re.S)
    assert block is not None
    assert block.group(1).splitlines() == ["make demo", "make test"]


def test_readme_python_example_runs_and_prints_what_it_says() -> None:
    text = README.read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    assert code is not None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.group(1), "README.md", "exec"), {})
    printed = out.getvalue().splitlines()
    claimed = [
        line.lstrip("# ").split("  (")[0].rstrip()
        for line in code.group(1).splitlines()
        if line.startswith("# report") or line.startswith("# initial_response")
    ]
    assert printed == claimed
