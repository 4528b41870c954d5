"""The README's code must run as written: readers copy it first."""

from __future__ import annotations

import contextlib
import io
import re

from tests.helpers import REPO

README = REPO / "README.md"


def test_readme_starts_with_the_two_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```(?:sh)?\n(.*?)```", text, re.S)
    assert block is not None
    assert block.group(1).splitlines() == ["make demo", "make test"]


def test_readme_python_example_runs_and_prints_what_it_says() -> None:
    """Each Python block prints exactly the output block that follows it (tests/edges/
    test_docs.py runs every block of every page the same way)."""
    text = README.read_text(encoding="utf-8")
    pairs = re.findall(r"```python\n(.*?)```\s*```output\n(.*?)```", text, re.S)
    assert len(pairs) == len(re.findall(r"```python\n", text)) == 2
    namespace: dict[str, object] = {}
    for code, claimed in pairs:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), namespace)
        assert out.getvalue() == claimed
