"""pytest plugin (entry point ``yuqing_core``): fixtures for policy tests.

- ``--yuqing-policy NAME_OR_FILE`` chooses the policy the ``yuqing_policy`` fixture loads
  (default: the ``school-tiered`` preset);
- ``yuqing_clock`` is a :class:`~yuqing_core.testing.Clock` starting at a fixed instant.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ..policy.policy import Policy
from .clock import Clock

DEFAULT_START = datetime(2025, 9, 30, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("yuqing_core")
    group.addoption(
        "--yuqing-policy",
        action="store",
        default=None,
        metavar="NAME_OR_FILE",
        help="policy preset name or file for the yuqing_policy fixture",
    )


@pytest.fixture
def yuqing_policy(request: pytest.FixtureRequest) -> Policy:
    """The policy named by ``--yuqing-policy`` (default: the ``school-tiered`` preset)."""
    from ..cli._common import resolve_policy

    value = request.config.getoption("--yuqing-policy") or "school-tiered"
    return resolve_policy(str(value))


@pytest.fixture
def yuqing_clock() -> Clock:
    """A clock at 2025-09-30 09:00 China time (the eve of National Day) that never sleeps."""
    return Clock(DEFAULT_START)
