"""Fuzzing ``load_policy``: whatever it is given, only ``PolicyError`` escapes, every problem
names a key path (and the file, when the policy came from one), and nothing hangs.

The inputs are the shipped presets mutated (keys dropped, values of the wrong type or random
unicode put at random key paths, keys added, values nested up to 10,000 levels deep) and
random dicts, loaded as dicts and from JSON files (with and without a byte-order mark). A
policy that loads must give a working calendar.
"""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import TookTooLong, time_limit
from yuqing_core.policy.catalogue import preset_path

PRESETS = {
    name: tomllib.loads(path.read_text("utf-8"))
    for name in yq.presets.names()
    if (path := preset_path(name)) is not None
}
TOP_KEYS = sorted({key for data in PRESETS.values() for key in data} | {"extends", "roles"})
SECONDS_PER_LOAD = 20
"""Far more than any load takes; a load that runs longer is taken to hang."""
FILE_PROBLEMS = (
    "is not valid JSON",
    "nests too deeply to be read",
    "is not UTF-8 text",
    "cannot be read",
)
"""Problems of a whole file, which have no key path."""

_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.dates(),
    st.sampled_from(
        [
            *("3h", "now", "same_day", "0d", "general", "office", "Asia/Shangai", "00:00"),
            *("FREQ=MINUTELY;INTERVAL=0", "FREQ=DAILY", "school-tiered", "x.toml", "\x00.json"),
        ]
    ),
)
VALUES = st.recursive(
    _LEAF,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


def _nested(depth: int, as_table: bool) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {"k": value} if as_table else [value]
    return value


def _places(root: Any) -> list[tuple[Any, ...]]:
    """The key paths in ``root``, down to 12 levels (without recursion: values may be deep)."""
    out: list[tuple[Any, ...]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), root)]
    while stack:
        place, node = stack.pop()
        out.append(place)
        if len(place) < 12 and isinstance(node, dict):
            stack += [((*place, k), v) for k, v in node.items()]
        elif len(place) < 12 and isinstance(node, list):
            stack += [((*place, i), v) for i, v in enumerate(node)]
    return out


def _mutate(draw: st.DrawFn, data: dict[str, Any]) -> None:
    place = draw(st.sampled_from(_places(data)))
    op = draw(st.sampled_from(["drop", "set", "unicode", "add", "nest"]))
    owner: Any = data
    for part in place[:-1]:
        owner = owner[part]
    node = owner[place[-1]] if place else data
    if op == "add" and isinstance(node, dict):
        node[draw(st.text(max_size=8))] = draw(VALUES)
    elif op == "add" and isinstance(node, list):
        node.insert(draw(st.integers(0, len(node))), draw(VALUES))
    elif not place:
        data[draw(st.sampled_from(TOP_KEYS))] = draw(VALUES)
    elif op == "drop":
        del owner[place[-1]]
    elif op == "set":
        owner[place[-1]] = draw(VALUES)
    elif op == "unicode":
        owner[place[-1]] = draw(st.text())
    else:
        owner[place[-1]] = _nested(draw(st.integers(1, 10_000)), draw(st.booleans()))


@st.composite
def mutated_presets(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(PRESETS[draw(st.sampled_from(sorted(PRESETS)))])
    for _ in range(draw(st.integers(1, 4))):
        _mutate(draw, data)
    return data


RANDOM_DICTS = st.dictionaries(st.sampled_from(TOP_KEYS) | st.text(max_size=6), VALUES)


def _load(source: Any, *, file: str | None) -> None:
    problems: tuple[tuple[str | None, str, str], ...] = ()
    try:
        with time_limit(SECONDS_PER_LOAD, "load_policy"):
            policy = yq.load_policy(source)
            assert policy.calendar.zone is not None
    except yq.PolicyError as e:
        problems = e.problems or ((None, "", ""),)
    for where, path, message in problems:
        assert message
        if file is not None:
            assert where is not None, message
        if not message.startswith(FILE_PROBLEMS):
            assert path, message


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(mutated_presets())
def test_mutated_presets_give_a_policy_or_a_policy_error(data: dict[str, Any]) -> None:
    _load(data, file=None)


@FUZZ
@given(RANDOM_DICTS)
def test_random_dicts_give_a_policy_or_a_policy_error(data: dict[str, Any]) -> None:
    _load(data, file=None)


@FUZZ
@given(st.one_of(mutated_presets(), RANDOM_DICTS), st.booleans())
def test_policy_files_give_a_policy_or_a_policy_error_naming_the_file(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any], bom: bool
) -> None:
    try:
        text = json.dumps(data, default=str, ensure_ascii=False)
    except (RecursionError, ValueError):  # nested past what json writes, or a NaN key
        return
    path: Path = tmp_path_factory.mktemp("fuzz") / "policy.json"
    path.write_bytes(b"\xef\xbb\xbf" * bom + text.encode("utf-8", "surrogatepass"))
    _load(path, file=str(path))


def _spin() -> None:
    while True:
        pass


def test_the_fuzzing_time_limit_stops_a_hang() -> None:
    with time_limit(1, "load_policy"), pytest.raises(TookTooLong):
        _spin()
