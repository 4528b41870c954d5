"""Every code block of README.md and docs/ runs as written, with sybil.

The convention (docs/architecture.md, "文档中的代码块 / Code blocks in the docs"): a fence says
what its block is, and that decides what the test does with it.

- ``python``: run, in page order, in one namespace per page, in a fresh directory that holds
  the repository's ``examples/`` (as a reader in the checkout would run it);
- ``output`` right after a ``python`` block: exactly what that block prints;
- ``console``: ``$ yuqing ...`` lines run by the command line, each followed by exactly what
  it prints (standard output and error, as a terminal shows them); a command shown without
  output must succeed; a command other than ``yuqing`` is refused (write it as ``sh``);
- ``jsonl``: input of ``yuqing simulate``, run under ``school-tiered``: every line applies
  (unless the block is titled, below: then the console blocks using it check the output);
- ``toml``: policy and notice files, parsed (a fragment must still be TOML);
- a ``toml`` or ``jsonl`` block titled with a file name (``toml title="school.toml"``) is that
  file: it is written to the directory the blocks run in, for the blocks after it;
- ``sh``: shell that installs or builds (``make``, ``pip``, ``python -m build``), or runs on
  files of the reader's own: not run here (``make test`` and tests/edges/test_package.py run
  the set-up, the build and the installed command);
- ``text`` (terminal excerpts) and ``mermaid`` (diagrams, drawn by the browser check): shown
  as they are.

A fence with no language, or another one, fails the test.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sybil import Document, Example, Region, Sybil
from sybil.evaluators.python import PythonEvaluator
from sybil.parsers.markdown import CodeBlockParser
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer
from sybil.typing import Parser

import yuqing_core as yq
from tests.helpers import REPO
from yuqing_core.cli import main
from yuqing_core.simulate import simulate

PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
RUN = {"python", "output", "console", "jsonl", "toml"}
SHOWN = {"sh", "text", "mermaid"}

_PRINTED = "__docs_printed__"
"""Where a ``python`` block leaves what it printed, and where it ended, for an ``output``."""


def _python(example: Example) -> str | None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        PythonEvaluator()(example)
    example.namespace[_PRINTED] = (out.getvalue(), example.end)
    return None


def _output(example: Example) -> str | None:
    printed = example.namespace.pop(_PRINTED, None)
    between = "" if printed is None else example.document.text[printed[1] : example.start]
    if printed is None or between.strip():
        return "an output block must come right after the python block whose output it is"
    if printed[0] != example.parsed:
        return f"the block printed:\n{printed[0]}\nbut the page shows:\n{example.parsed}"
    return None


def _console(example: Example) -> str | None:
    for command, shown in _commands(example.parsed):
        argv = shlex.split(command)
        if argv[:1] != ["yuqing"]:
            return f"{command!r} is not a yuqing command: write other shell as an sh block"
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main(argv[1:])
        if shown and out.getvalue() != shown:
            return f"$ {command} printed:\n{out.getvalue()}\nbut the page shows:\n{shown}"
        if code != 0 and "\nyuqing: " not in "\n" + shown:
            return f"$ {command} failed ({code}):\n{out.getvalue()}"
    return None


def _commands(block: str) -> Iterator[tuple[str, str]]:
    """Each ``$ command`` of a console block with the lines shown after it."""
    command: str | None = None
    shown: list[str] = []
    for line in block.splitlines(keepends=True):
        if line.startswith("$ "):
            if command is not None:
                yield command, "".join(shown)
            command, shown = line[2:].strip(), []
        else:
            shown.append(line)
    if command is not None:
        yield command, "".join(shown)


def _jsonl(text: str) -> str | None:
    sim = simulate(yq.presets.load("school-tiered"), text.splitlines())
    if sim.errors or not sim.cases:
        return f"the simulation input does not run: {sim.errors or 'no case'}"
    return None


def _toml(text: str) -> str | None:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        return f"not TOML: {e}"
    return None


_TITLE = re.compile(r'(?:\s+title="(?P<title>(?!/)(?!.*\.\.)[^"]+)")?\s*$')
"""An optional title: a path inside the directory the blocks run in."""


def _file_blocks(language: str, check: Callable[[str], str | None]) -> Parser:
    """Blocks of ``language`` (``toml``, ``jsonl``), each checked by ``check``; a block titled
    with a file name is also written to that file, for the blocks after it."""

    def evaluate(example: Example) -> str | None:
        title, text = example.parsed
        # A titled simulation input is a file for the console blocks after it, which check
        # what the command prints: it may hold the bad lines a page shows being reported.
        problem = None if title and language == "jsonl" else check(text)
        if problem is None and title:
            Path(title).parent.mkdir(parents=True, exist_ok=True)
            Path(title).write_text(text, encoding="utf-8")
        return problem

    def parse(document: Document) -> Iterator[Region]:
        lexer = FencedCodeBlockLexer(
            language=rf"{language}\b.*", mapping={"language": "info", "source": "source"}
        )
        for region in lexer(document):
            match = _TITLE.match(region.lexemes["info"], len(language))
            if match is None:
                raise ValueError(f"{document.path}: a {language} block's title is a file name")
            region.parsed = (match["title"], str(region.lexemes["source"]))
            region.evaluator = evaluate
            yield region

    return parse


SYBIL = Sybil(
    parsers=[
        CodeBlockParser("python", _python),
        CodeBlockParser("output", _output),
        CodeBlockParser("console", _console),
        _file_blocks("jsonl", _jsonl),
        _file_blocks("toml", _toml),
    ],
    path=str(REPO),
)


def _name(page: Path) -> str:
    return str(page.relative_to(REPO))


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_block_of_the_page_runs_as_written(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "examples").symlink_to(REPO / "examples")
    monkeypatch.chdir(tmp_path)
    document: Document = SYBIL.parse(page)
    for example in document:
        example.evaluate()


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_fence_says_what_its_block_is(page: Path) -> None:
    document = Document(page.read_text(encoding="utf-8"), str(page))
    lexer = FencedCodeBlockLexer(language=r".*", mapping={"language": "language"})
    languages = [
        (document.line_column(region.start), region.lexemes["language"].split(" ")[0].strip())
        for region in lexer(document)
    ]
    unknown = [(at, lang) for at, lang in languages if lang not in RUN | SHOWN]
    assert unknown == [], f"fences must say one of {sorted(RUN | SHOWN)}"


def test_the_convention_is_written_down() -> None:
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    for language in sorted(RUN | SHOWN):
        assert f"`{language}`" in page, language
    assert "tests/edges/test_docs.py" in page
