"""The structure the next engineer relies on: layers, small functions, small modules.

The import direction itself is checked by ``import-linter`` in ``make lint``; these tests
check what it cannot: function size and complexity (radon), module size, and that no
in-function import of the package is left without a stated reason.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from radon.complexity import cc_visit

import yuqing_core
from tests.helpers import REPO

SRC = Path(yuqing_core.__file__).resolve().parent
MODULES = sorted(SRC.rglob("*.py"))

MAX_COMPLEXITY = 20
"""Radon grade C or better: a function above this is graded D or worse."""
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 500
LAZY_MARK = "# Lazy:"
"""An in-function import of the package says why in the comment above it, which starts
``# Lazy: <reason>`` (start-up time, an optional dependency). Dodging an import cycle is not
a reason."""


def _name(path: Path) -> str:
    return str(path.relative_to(SRC.parent))


def test_the_package_has_modules() -> None:
    assert len(MODULES) > 40


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_function_is_graded_d_or_worse(path: Path) -> None:
    blocks = cc_visit(path.read_text(encoding="utf-8"))
    too_complex = [
        f"{b.fullname} ({b.complexity})" for b in blocks if b.complexity > MAX_COMPLEXITY
    ]
    assert too_complex == []


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_function_is_longer_than_a_screen(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_is_over_500_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_MODULE_LINES


def _comment_above(lines: list[str], lineno: int) -> str:
    """The comment block right above line ``lineno`` (1-based), joined."""
    block: list[str] = []
    n = lineno - 2
    while n >= 0 and lines[n].strip().startswith("#"):
        block.insert(0, lines[n].strip())
        n -= 1
    return " ".join(block)


def _lazy_imports(path: Path) -> list[tuple[int, str]]:
    """In-function imports of the package, with the comment above each."""
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if not isinstance(node, ast.ImportFrom | ast.Import):
                continue
            module = node.module if isinstance(node, ast.ImportFrom) else None
            relative = isinstance(node, ast.ImportFrom) and node.level > 0
            names = [module or "", *(a.name for a in node.names)]
            if relative or any(n.startswith("yuqing_core") for n in names):
                found.append((node.lineno, _comment_above(lines, node.lineno)))
    return found


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_in_function_imports_say_why(path: Path) -> None:
    unexplained = [n for n, above in _lazy_imports(path) if not above.startswith(LAZY_MARK)]
    assert unexplained == []


def test_every_public_name_still_imports_from_the_package() -> None:
    for name in yuqing_core.__all__:
        assert getattr(yuqing_core, name) is not None, name


def test_the_architecture_page_names_every_layer_and_module() -> None:
    """docs/architecture.md stays in step with the package: each layer of the import
    contract and each module is named on it."""
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    contract = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [c["layers"] for c in contract["tool"]["importlinter"]["contracts"]]
    named = {m.strip() for layer in layers for m in layer.replace("|", ":").split(":")}
    assert sorted(m for m in named if f"`{m}" not in page) == []
    modules = {
        str(p.relative_to(SRC))
        for p in MODULES
        if p.name != "__main__.py" and not (p.name.startswith("_") and p.name != "__init__.py")
    }
    modules.discard("__init__.py")
    # A package is named by its folder (``store/``), a module by its path, a top-level
    # module also by its name (``errors``).
    missing = sorted(
        m
        for m in modules
        if f"`{m.removesuffix('__init__.py')}`" not in page
        and f"`{m.removesuffix('.py')}`" not in page
    )
    assert missing == []
