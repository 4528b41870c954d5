"""The package as users get it: the wheel and sdist built from the checkout, checked, installed.

The sources are copied (the files git tracks or would track) into a temporary directory and
built there with ``python -m build``, which builds the sdist and then the wheel from the sdist:
nothing stale in the checkout (``build/``, an old ``*.egg-info``) can slip into either, and the
checkout is not written to. The wheel is then installed into a new virtual environment in a
temporary directory, and its ``yuqing`` runs from there: outside the checkout, so nothing can be
read from ``src/``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import yuqing_core
from tests.helpers import REPO

PACKAGE = REPO / "src" / "yuqing_core"
SCENARIO = "data/presets/scenarios/school-tiered.jsonl"
# The checkout's own command, to compare the installed one against.
DEV_YUQING = Path(sys.executable).with_name("yuqing")


@dataclass(frozen=True)
class Dist:
    wheel: Path
    sdist: Path
    log: str


@dataclass(frozen=True)
class Installed:
    root: Path  # the virtual environment
    package: Path  # yuqing_core as installed there
    log: str

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return _run([str(self.root / "bin" / "yuqing"), *args], cwd=cwd)


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600
    )


def _checked(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, (
        f"{proc.args} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
    )
    return proc


def _source_files() -> list[str]:
    listed = _checked(
        _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO)
    )
    return [name for name in listed.stdout.split("\0") if name and (REPO / name).is_file()]


def _package_files() -> set[str]:
    """Every source file of ``src/yuqing_core``, named as in the wheel."""
    return {n.removeprefix("src/") for n in _source_files() if n.startswith("src/yuqing_core/")}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.fail("the package check copies the sources git lists: run it in a git checkout")
    tmp = tmp_path_factory.mktemp("package")
    source = tmp / "source"
    for name in _source_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, source / name)
    out = tmp / "dist"
    built = _checked(
        _run([sys.executable, "-m", "build", "--outdir", str(out), str(source)], cwd=tmp)
    )
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return Dist(wheel, sdist, built.stdout + built.stderr)


@pytest.fixture(scope="module")
def installed(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("venv")
    _checked(_run([sys.executable, "-m", "venv", str(root)], cwd=root))
    python = str(root / "bin" / "python")
    pip = _checked(
        _run(
            [python, "-m", "pip", "install", "--disable-pip-version-check", str(dist.wheel)],
            cwd=root,
        )
    )
    where = _checked(
        _run([python, "-c", "import yuqing_core; print(yuqing_core.__file__)"], cwd=root)
    )
    return Installed(root, Path(where.stdout.strip()).parent, pip.stdout + pip.stderr)


def test_build_and_install_print_no_deprecation_warning(dist: Dist, installed: Installed) -> None:
    for log in (dist.log, installed.log):
        assert "deprecat" not in log.lower(), log


def test_twine_check_passes_for_wheel_and_sdist(dist: Dist, tmp_path: Path) -> None:
    proc = _run(
        [sys.executable, "-m", "twine", "check", "--strict", str(dist.wheel), str(dist.sdist)],
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2, proc.stdout


def test_wheel_ships_every_file_of_the_package_and_the_licence(dist: Dist) -> None:
    with zipfile.ZipFile(dist.wheel) as whl:
        names = set(whl.namelist())
        info = f"yuqing_core-{yuqing_core.__version__}.dist-info"
        metadata = whl.read(f"{info}/METADATA").decode("utf-8").splitlines()
    # Presets, their scenarios and the sample data included: a data file left out of
    # [tool.setuptools.package-data] shows up here by name.
    assert {n for n in names if n.startswith("yuqing_core/")} == _package_files()
    assert {n for n in names if not n.startswith("yuqing_core/")} == {
        f"{info}/{name}"
        for name in ("METADATA", "WHEEL", "entry_points.txt", "top_level.txt", "RECORD")
    } | {f"{info}/licenses/LICENSE"}
    assert f"Version: {yuqing_core.__version__}" in metadata
    assert "License-Expression: MIT" in metadata
    assert "License-File: LICENSE" in metadata
    assert not [line for line in metadata if line.startswith("Classifier: License")]


def test_sdist_holds_the_package_licence_readme_and_project_file(dist: Dist) -> None:
    top = f"yuqing_core-{yuqing_core.__version__}"
    with tarfile.open(dist.sdist) as sdist:
        names = {n.removeprefix(f"{top}/") for n in sdist.getnames()}
    assert {"LICENSE", "README.md", "pyproject.toml", "PKG-INFO"} <= names
    assert {f"src/{n}" for n in _package_files()} <= names


def test_installed_package_is_the_one_outside_the_checkout(installed: Installed) -> None:
    assert installed.package.is_relative_to(installed.root)
    version = _checked(
        _run(
            [
                str(installed.root / "bin" / "python"),
                "-c",
                "import importlib.metadata as m, yuqing_core as y;"
                "print(y.__version__, m.version('yuqing-core'))",
            ],
            cwd=installed.root,
        )
    )
    # One source: the metadata's version is read from yuqing_core.__version__ at build time.
    assert version.stdout.split() == [yuqing_core.__version__, yuqing_core.__version__]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("demo",), id="demo"),
        pytest.param(("presets",), id="presets"),
        pytest.param(("simulate", "--policy", "school-tiered", SCENARIO), id="simulate"),
    ],
)
def test_installed_command_runs_and_prints_what_the_checkout_prints(
    installed: Installed, tmp_path: Path, args: tuple[str, ...]
) -> None:
    # The scenario file is the one the wheel installed, not the checkout's.
    argv = [str(installed.package / a) if a == SCENARIO else a for a in args]
    got = installed.run(*argv, cwd=tmp_path)
    assert (got.returncode, got.stderr) == (0, ""), got.stderr
    dev = [str(PACKAGE / a) if a == SCENARIO else a for a in args]
    expected = _checked(_run([str(DEV_YUQING), *dev], cwd=tmp_path))
    assert got.stdout == expected.stdout
    assert got.stdout.strip()


def test_installed_presets_lists_every_shipped_preset(installed: Installed, tmp_path: Path) -> None:
    listed = installed.run("presets", cwd=tmp_path).stdout.splitlines()
    shipped = sorted(p.stem for p in (PACKAGE / "data" / "presets").glob("*.toml"))
    assert sorted(line.split()[0] for line in listed if line.strip()) == shipped
    scenarios = sorted(p.stem for p in (installed.package / "data/presets/scenarios").glob("*"))
    assert scenarios == shipped


def test_installed_package_passes_its_vectors_and_serve_asks_for_its_extra(
    installed: Installed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = installed.run("conformance", "--check", cwd=tmp_path)
    assert (checked.returncode, checked.stderr) == (0, "")
    assert checked.stdout.count(": ok\n") == len(list((PACKAGE / "data/conformance").glob("*")))
    monkeypatch.setenv("YUQING_TOKEN", "installed-token-0123456789")
    serve = installed.run("serve", "--db", "cases.db", cwd=tmp_path)
    assert (serve.returncode, serve.stdout) == (1, "")
    needs = r"yuqing: yuqing serve needs the 'serve' extra \((fastapi|starlette|uvicorn) is not "
    assert re.fullmatch(needs + r"installed\): pip install 'yuqing-core\[serve\]'\n", serve.stderr)
    # PostgresStore without the extra: a library error that names the extra, not a bare
    # ModuleNotFoundError.
    store = _run(
        [str(installed.root / "bin" / "python"), "-c", "import yuqing_core as y; y.PostgresStore"],
        cwd=tmp_path,
    )
    assert store.returncode == 1
    assert store.stderr.splitlines()[-1] == (
        "yuqing_core.errors.YuqingError: PostgresStore needs the 'postgres' extra (psycopg is not "
        "installed): pip install 'yuqing-core[postgres]'"
    )
