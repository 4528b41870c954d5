"""pytest plugin (entry point ``yuqing_core``): fixtures for policy tests.

- ``--yuqing-policy NAME_OR_FILE`` (or the ini option ``yuqing_policy``) chooses the policy
  the ``yuqing_policy`` fixture loads (default: the ``school-tiered`` preset). A relative file
  path on the command line is read from the directory pytest was started in; in the ini file,
  from the ini file's directory. A policy that does not load fails its tests with the
  loader's exact messages.
- ``yuqing_clock`` is a :class:`~yuqing_core.testing.Clock` at a fixed instant that moves
  only when told (``yuqing_clock.advance("3h")``), never by sleeping.
- ``yuqing_case`` opens cases on ``yuqing_policy`` at ``yuqing_clock.now``.
- ``yuqing_sqlite_store``, ``yuqing_postgres_store`` (a fresh migrated database per test on a
  throwaway server, or ``YUQING_POSTGRES_URL``), ``yuqing_postgres_url`` and ``yuqing_store``
  (each test once per store): see :mod:`yuqing_core.testing.stores`.

The plugin loads without ``hypothesis``.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import pytest

from ..api import Policy
from ..errors import PolicyError
from ..model import Incident, Severity
from ..presets import resolve as resolve_policy
from ..workflow.case import Case
from .clock import Clock
from .stores import (  # noqa: F401 - fixtures of the plugin
    yuqing_postgres_server,
    yuqing_postgres_store,
    yuqing_postgres_url,
    yuqing_sqlite_store,
    yuqing_store,
)

__all__ = ["DEFAULT_POLICY", "DEFAULT_START", "CaseFactory"]

DEFAULT_START = datetime(2025, 9, 30, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DEFAULT_POLICY = "school-tiered"
_OPTION = "--yuqing-policy"
_INI = "yuqing_policy"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("yuqing_core")
    group.addoption(
        _OPTION,
        action="store",
        default=None,
        metavar="NAME_OR_FILE",
        help="policy preset name or .toml/.json file for the yuqing_policy fixture "
        f"(default: the ini option {_INI}, else {DEFAULT_POLICY})",
    )
    parser.addini(_INI, "policy preset name or file for the yuqing_policy fixture", default="")


def _chosen(config: pytest.Config) -> tuple[str, str] | None:
    """The policy named on the command line or in the ini file, made absolute if a file."""
    value = config.getoption(_OPTION)
    base = config.invocation_params.dir
    where = _OPTION
    if not value:
        value = str(config.getini(_INI) or "")
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        where = f"ini option {_INI}"
    if not value:
        return None
    text = str(value)
    if Path(text).suffix.lower() in (".toml", ".json"):
        text = str((Path(base) / text).resolve())
    return text, where


def pytest_report_header(config: pytest.Config) -> str | None:
    chosen = _chosen(config)
    return None if chosen is None else f"yuqing_core policy: {chosen[0]} ({chosen[1]})"


@pytest.fixture(scope="session")
def yuqing_policy(request: pytest.FixtureRequest) -> Policy:
    """The policy named by ``--yuqing-policy`` or the ini option ``yuqing_policy``
    (default: the ``school-tiered`` preset). Policies are immutable, so it is loaded once."""
    chosen = _chosen(request.config)
    value, where = chosen if chosen is not None else (DEFAULT_POLICY, "default")
    try:
        return resolve_policy(value)
    except PolicyError as e:
        pytest.fail(f"{where} {value}: the policy does not load:\n{e}", pytrace=False)


@pytest.fixture
def yuqing_clock() -> Clock:
    """A clock at 2025-09-30 09:00 China time (the eve of National Day) that never sleeps."""
    return Clock(DEFAULT_START)


class CaseFactory(Protocol):
    """The ``yuqing_case`` fixture: open a case on ``yuqing_policy`` at the clock's time."""

    def __call__(
        self,
        incident: Incident | None = None,
        *,
        severity: Severity | str | None = None,
        reason: str | None = None,
        actor: str = "monitor",
        **fields: Any,
    ) -> Case: ...


@pytest.fixture
def yuqing_case(yuqing_policy: Policy, yuqing_clock: Clock) -> CaseFactory:
    """Open a case on ``yuqing_policy`` at ``yuqing_clock.now``.

    Without an incident, one is made up (``YQ-TEST-1``, ``YQ-TEST-2`` ...) discovered at the
    clock's time; keyword ``fields`` (``flags=...``, ``category=...``, ``metrics=...``) go to
    it. ``severity`` is the human judgement (P8), ``reason`` required to go below the floor.
    """
    numbers = itertools.count(1)

    def open_case(
        incident: Incident | None = None,
        *,
        severity: Severity | str | None = None,
        reason: str | None = None,
        actor: str = "monitor",
        **fields: Any,
    ) -> Case:
        if incident is None:
            fields.setdefault("id", f"YQ-TEST-{next(numbers)}")
            fields.setdefault("title", "测试舆情")
            fields.setdefault("discovered_at", yuqing_clock.now)
            incident = Incident(**fields)
        elif fields:
            raise TypeError("give an incident or its fields, not both")
        return yuqing_policy.open_case(
            incident, at=yuqing_clock.now, actor=actor, severity=severity, reason=reason
        )

    return open_case
