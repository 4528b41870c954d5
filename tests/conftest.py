"""Fixtures shared by the test modules. Shared plain helpers live in ``tests/helpers.py``."""

from __future__ import annotations

import pytest

import yuqing_core as yq


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
