"""Fixtures shared by the test modules. Shared plain helpers live in ``tests/helpers.py``.

Tests that need a real component outside Python (a browser, a database server) say so
with ``@pytest.mark.requires("name", ...)``; ``COMPONENTS`` below says how each is found. Where
one is missing the test is skipped with a one-line notice, except when the environment variable
``CI`` is set (CI sets ``CI=true``): there a missing component is a failure, so that a green CI
run cannot hide a check that never ran.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings

import yuqing_core as yq
from tests.helpers import REPO
from yuqing_core.testing.postgres import find_bindir

# pytest-django has set up Django with the test settings of the Django app's tests
# (pyproject's DJANGO_SETTINGS_MODULE) before this module is read. The variable it exported is
# dropped, so that a fresh interpreter a test starts (a host's own pytest run, an example) does
# not inherit settings meant for this process only.
os.environ.pop("DJANGO_SETTINGS_MODULE", None)

# Speed is measured in benchmarks/, never asserted by a test: hypothesis's per-example deadline
# and its too-slow health check are timings, which fail on a loaded machine (a CI runner, two
# cores shared) without anything being wrong. Every property keeps its examples and its checks.
settings.register_profile("yuqing", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("yuqing")


def chromium_executable() -> str | None:
    """Chromium as installed by Debian's ``chromium`` package, or ``YUQING_CHROMIUM``."""
    named = os.environ.get("YUQING_CHROMIUM")
    candidates = [named] if named else [shutil.which("chromium"), "/usr/bin/chromium"]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def _chromium_missing() -> str | None:
    if chromium_executable() is None:
        where = os.environ.get("YUQING_CHROMIUM") or "/usr/bin/chromium"
        return f"no Chromium at {where} (Debian package `chromium`; .ci/run installs it)"
    return None


def _site_assets_missing() -> str | None:
    if not (REPO / ".vendor/theme/assets/vendor/mermaid/mermaid.min.js").is_file():
        return "no site assets in .vendor/ (`make site-assets` fetches them from npm)"
    return None


def _postgresql_missing() -> str | None:
    """A PostgreSQL server the tests can start (or ``YUQING_POSTGRES_URL``), and psycopg."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (extra `postgres`; `make test` installs it)"
    if os.environ.get("YUQING_POSTGRES_URL") or find_bindir() is not None:
        return None
    return (
        "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin or `pg_config --bindir` "
        "(Debian package `postgresql`; .ci/run installs it)"
    )


# Each component: a function that returns None where it is there, else why it is not.
COMPONENTS: dict[str, Callable[[], str | None]] = {
    "chromium": _chromium_missing,
    "site-assets": _site_assets_missing,
    "postgresql": _postgresql_missing,
}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for mark in item.iter_markers("requires"):
            unknown = [name for name in mark.args if name not in COMPONENTS]
            if unknown or not mark.args:
                raise pytest.UsageError(
                    f"{item.nodeid}: @pytest.mark.requires names no known component: "
                    f"{unknown or 'none given'} (known: {', '.join(sorted(COMPONENTS))})"
                )


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("requires"):
        for name in mark.args:
            missing = COMPONENTS[name]()
            if missing is None:
                continue
            if _in_ci():
                pytest.fail(f"requires {name}, and CI is set: {missing}", pytrace=False)
            pytest.skip(f"requires {name}: {missing}")


@pytest.fixture
def tmp_policy(tmp_path):  # type: ignore[no-untyped-def]
    def write(name: str, text: str):  # type: ignore[no-untyped-def]
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return write


@pytest.fixture
def tiered() -> yq.Policy:
    return yq.presets.load("school-tiered")


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of the Chromium to drive; use with ``@pytest.mark.requires("chromium")``."""
    path = chromium_executable()
    if path is None:  # only where a test forgot its marker
        pytest.fail("the `chromium` fixture needs @pytest.mark.requires('chromium')")
    return path
