from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

CST = ZoneInfo("Asia/Shanghai")


def cst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A datetime in China Standard Time."""
    return datetime(year, month, day, hour, minute, tzinfo=CST)


@pytest.fixture
def tmp_policy(tmp_path):  # type: ignore[no-untyped-def]
    def write(name: str, text: str):  # type: ignore[no-untyped-def]
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return write
