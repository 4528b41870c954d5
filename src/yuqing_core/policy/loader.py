"""Loading policy files (TOML, JSON or a dict) into :class:`~yuqing_core.Policy`.

Every problem becomes a :class:`~yuqing_core.PolicyError` naming the file, the dotted key path
and the bad value, e.g. ``school.toml: obligations[2].within: '-3h' is not a duration``.

The notice files ``[calendar] notices`` names are read here too, relative to the file that
names them; a problem in one names the notice file and its key. The loaded policy holds the
notices themselves.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import PolicyError, error_message, format_loc
from ..time.notices import OfficialNotice, load_notice, notice_problems
from .catalogue import preset_path
from .check import structural_problems
from .schema import PolicySpec

__all__ = ["load_spec", "merge_policy_data", "read_policy_data"]

_MAX_EXTENDS_DEPTH = 8


def _message(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    msg = error_message(err)
    value = err.get("input")
    if kind not in ("value_error",) and not isinstance(value, dict | list | tuple):
        shown = repr(value)
        if shown not in msg:
            msg = f"{msg} (got {shown})"
    return msg


def _problems_from(e: ValidationError, file: str | None) -> list[tuple[str | None, str, str]]:
    problems = []
    for err in e.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p and "(" in p))
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, PolicyError) and cause.problems:
            # A check that found several problems at once (a notice, say); one that names its
            # own file (a notice file) keeps it.
            at = format_loc(loc)
            problems += [
                (f, key, m) if f else (file, ".".join(p for p in (at, key) if p), m)
                for f, key, m in cause.problems
            ]
        else:
            problems.append((file, format_loc(loc), _message(err)))
    return problems


def read_policy_data(path: str | Path) -> dict[str, Any]:
    """Read a ``.toml`` or ``.json`` policy file into a dict (no validation, no ``extends``)."""
    p = Path(path)
    shown = str(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise PolicyError.from_problems([(shown, "", "no such file")]) from None
    except OSError as e:
        raise PolicyError.from_problems([(shown, "", f"cannot be read ({e.strerror})")]) from None
    suffix = p.suffix.lower()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PolicyError.from_problems([(shown, "", "is not UTF-8 text")]) from None
    if suffix == ".toml":
        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise PolicyError.from_problems([(shown, "", f"is not valid TOML: {e}")]) from None
    elif suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise PolicyError.from_problems([(shown, "", f"is not valid JSON: {e}")]) from None
    else:
        raise PolicyError.from_problems(
            [(shown, "", f"unknown policy file type {suffix or '(none)'!r}: use .toml or .json")]
        )
    if not isinstance(data, dict):
        raise PolicyError.from_problems([(shown, "", "the top level must be a table/object")])
    return data


def merge_policy_data(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Merge a child policy over its base (an institution adapts a preset).

    Tables merge key by key; arrays of tables whose items have an ``id`` merge by id, and
    ``[[levels]]`` by ``severity`` (an item with ``remove = true`` drops the base item); any
    other value replaces the base value.

    >>> merge_policy_data({"a": {"x": 1, "y": 2}, "l": [{"id": "p", "v": 1}]},
    ...                   {"a": {"y": 3}, "l": [{"id": "p", "v": 2}, {"id": "q", "v": 0}]})
    {'a': {'x': 1, 'y': 3}, 'l': [{'id': 'p', 'v': 2}, {'id': 'q', 'v': 0}]}
    """
    out: dict[str, Any] = dict(base)
    for key, value in override.items():
        old = out.get(key)
        item_key = _item_key(old, value)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            out[key] = merge_policy_data(old, value)
        elif item_key is not None and isinstance(old, list | tuple):
            merged: dict[str, dict[str, Any]] = {str(i[item_key]): dict(i) for i in old}
            for item in value:
                k = str(item[item_key])
                if item.get("remove") is True:
                    merged.pop(k, None)
                elif k in merged:
                    merged[k] = merge_policy_data(merged[k], item)
                else:
                    merged[k] = dict(item)
            out[key] = list(merged.values())
        else:
            out[key] = value
    return out


def _item_key(old: Any, new: Any) -> str | None:
    """The key that identifies items of two arrays of tables, if both have one."""
    for key in ("id", "severity"):
        if _keyed_list(old, key) and _keyed_list(new, key):
            return key
    return None


def _keyed_list(value: Any, key: str) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) > 0
        and all(isinstance(i, Mapping) and isinstance(i.get(key), str) for i in value)
    )


def _resolve_extends(
    data: dict[str, Any],
    file: str | None,
    base_dir: Path | None,
    files: dict[int, str],
    depth: int = 0,
) -> dict[str, Any]:
    parent_ref = data.get("extends")
    if parent_ref is None:
        return data
    if not isinstance(parent_ref, str) or not parent_ref:
        raise PolicyError.from_problems(
            [(file, "extends", f"must be a preset name or a file path (got {parent_ref!r})")]
        )
    if depth >= _MAX_EXTENDS_DEPTH:
        raise PolicyError.from_problems(
            [(file, "extends", f"extends chain deeper than {_MAX_EXTENDS_DEPTH} (a cycle?)")]
        )
    if parent_ref.endswith((".toml", ".json")):
        parent_path = Path(parent_ref)
        if not parent_path.is_absolute() and base_dir is not None:
            parent_path = base_dir / parent_path
    else:
        found = preset_path(parent_ref)
        if found is None:
            raise PolicyError.from_problems(
                [(file, "extends", f"{parent_ref!r} is not a preset or a .toml/.json file")]
            )
        parent_path = found
    parent = read_policy_data(parent_path)
    parent = _read_notices(parent, str(parent_path), parent_path.parent, files)
    parent = _resolve_extends(parent, str(parent_path), parent_path.parent, files, depth + 1)
    child = {k: v for k, v in data.items() if k != "extends"}
    merged = merge_policy_data({k: v for k, v in parent.items() if k != "extends"}, child)
    merged["extends"] = parent_ref  # recorded for reports; excluded from exports
    return merged


def _read_notices(
    data: dict[str, Any], file: str | None, base_dir: Path | None, files: dict[int, str]
) -> dict[str, Any]:
    """``data`` with the notice files its ``[calendar] notices`` names read (paths relative
    to ``base_dir``); ``files`` records which file each notice came from (by ``id``)."""
    calendar = data.get("calendar")
    if not isinstance(calendar, Mapping):
        return data
    refs = calendar.get("notices")
    if not isinstance(refs, list | tuple) or not any(isinstance(r, str) for r in refs):
        return data  # nothing to read; the schema judges the rest
    loaded: list[Any] = []
    problems: list[tuple[str | None, str, str]] = []
    for i, ref in enumerate(refs):
        if not isinstance(ref, str):
            loaded.append(ref)
            continue
        path = Path(ref)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        try:
            notice = load_notice(path)
        except PolicyError as e:
            for f, key, msg in e.problems:
                # A file that cannot be read is named where the policy names it.
                problems.append(
                    (f, key, msg) if key else (file, f"calendar.notices[{i}]", f"{f}: {msg}")
                )
            continue
        files[id(notice)] = str(path)
        loaded.append(notice)
    if problems:
        raise PolicyError.from_problems(problems)
    return {**data, "calendar": {**calendar, "notices": loaded}}


def _check_notices(data: Mapping[str, Any], file: str | None, files: dict[int, str]) -> None:
    """The notices read from files, checked against the installed data and each other; a
    problem names the notice file (the schema checks notices written out in the policy)."""
    calendar = data.get("calendar")
    notices = calendar.get("notices") if isinstance(calendar, Mapping) else None
    if not isinstance(notices, list) or not all(isinstance(n, OfficialNotice) for n in notices):
        return
    problems = [
        (files[id(notices[i])], key, msg)
        if id(notices[i]) in files
        else (file, f"calendar.notices[{i}].{key}", msg)
        for i, key, msg in notice_problems(notices)
    ]
    if problems:
        raise PolicyError.from_problems(problems)


def load_spec(
    source: str | Path | Mapping[str, Any], *, file: str | None = None
) -> tuple[PolicySpec, str | None]:
    """Validate a policy source into a :class:`PolicySpec`; return it with the file name."""
    base_dir: Path | None = None
    if isinstance(source, str | Path):
        file = str(source)
        data = read_policy_data(source)
        base_dir = Path(source).parent
    elif isinstance(source, Mapping):
        data = dict(source)
    else:
        raise PolicyError(
            f"a policy source is a .toml/.json path or a dict, not {type(source).__name__}"
        )
    files: dict[int, str] = {}
    data = _read_notices(data, file, base_dir, files)
    data = _resolve_extends(data, file, base_dir, files)
    _check_notices(data, file, files)
    try:
        spec = PolicySpec.model_validate(data)
    except ValidationError as e:
        raise PolicyError.from_problems(_problems_from(e, file)) from None
    problems = [(file, path, msg) for path, msg in structural_problems(spec)]
    if problems:
        raise PolicyError.from_problems(problems)
    return spec, file
