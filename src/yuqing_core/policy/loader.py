"""Loading policy files (TOML, JSON or a dict) into :class:`~yuqing_core.Policy`.

Every problem becomes a :class:`~yuqing_core.PolicyError` naming the file, the dotted key path
and the bad value, e.g. ``school.toml: obligations[2].within: '-3h' is not a duration``. With
``extends``, a problem names the file that wrote the value: the child, or the file it extends.

The notice files ``[calendar] notices`` names are read here too, relative to the file that
names them; a problem in one names the notice file and its key. The loaded policy holds the
notices themselves.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import PolicyError, error_message, format_loc
from ..time.notices import OfficialNotice, load_notice, notice_problems
from .catalogue import preset_path
from .check import structural_problems
from .schema import PolicySpec

__all__ = ["blame_keys", "load_spec", "merge_policy_data", "read_policy_data"]

_MAX_EXTENDS_DEPTH = 8
MAX_NESTING = 16
"""How deep a policy's tables and arrays may nest (the deepest key a policy has is five
levels down, ``assessment.rules[0].any_metrics[0].min``)."""

_PRESET_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,79}")
"""What a preset name looks like; anything else is not looked up among the presets."""

Layers = list[tuple[str | None, Mapping[str, Any]]]
"""The data each file of an ``extends`` chain wrote, with its file: the child first."""


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


def _problems_from(
    e: ValidationError, layers: Layers, merged: Mapping[str, Any]
) -> list[tuple[str | None, str, str]]:
    problems = []
    for err in e.errors():
        loc = _data_loc(merged, err["loc"])
        where, at = _blame(layers, merged, loc)
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, PolicyError) and cause.problems:
            # A check that found several problems at once (a notice, say); one that names its
            # own file (a notice file) keeps it.
            problems += [
                (f, key, m) if f else (where, ".".join(p for p in (at, key) if p), m)
                for f, key, m in cause.problems
            ]
        else:
            problems.append((where, at, _message(err)))
    return problems


def _data_loc(data: Any, loc: Sequence[str | int]) -> tuple[str | int, ...]:
    """A pydantic error location without the parts that name the branch of a union pydantic
    tried (``function-after[...]``): those are not keys of the data."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and 0 <= part < len(data) else None
        elif isinstance(data, Mapping) and part in data:
            data = data[part]
        elif "[" in part:
            continue
        else:
            data = None
        out.append(part)
    return tuple(out)


# -- which file of an extends chain wrote a key ------------------------------------------------

_LOC_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def _loc_of(path: str) -> tuple[str | int, ...]:
    """A key path (``ladders[0].steps[1].role``) as a location."""
    return tuple(int(i) if i else name for i, name in _LOC_PART.findall(path))


def _blame(
    layers: Layers, merged: Mapping[str, Any], loc: Sequence[str | int]
) -> tuple[str | None, str]:
    """The file that wrote the value at ``loc`` of the merged data, and its key path in that
    file: the file that sets the longest part of the path, the child on a tie."""
    if len(layers) == 1:
        return layers[0][0], format_loc(loc)
    found = [_own_loc(raw, merged, loc) for _, raw in layers]
    depths = [len(own) for own in found]
    best = depths.index(max(depths))
    own = found[best]
    return layers[best][0], format_loc((*own, *loc[len(own) :]))


def _own_loc(raw: Any, merged: Any, loc: Sequence[str | int]) -> list[str | int]:
    """The leading part of ``loc`` (a place in the ``merged`` data) that one file's ``raw``
    data sets, as a place in that file: items of arrays merged by id are matched by id."""
    own: list[str | int] = []
    for part in loc:
        if isinstance(part, str):
            if not (isinstance(raw, Mapping) and isinstance(merged, Mapping) and part in raw):
                break
            raw, merged = raw[part], merged.get(part)
            own.append(part)
            continue
        if not (isinstance(raw, list) and isinstance(merged, list) and part < len(merged)):
            break
        item, key = merged[part], _item_key(merged, merged)
        index = part if key is None else _index_of(raw, key, item[key])
        if index is None or index >= len(raw):
            break
        raw, merged = raw[index], item
        own.append(index)
    return own


def _index_of(items: list[Any], key: str, ident: object) -> int | None:
    """Where the item whose ``key`` is ``ident`` sits in ``items``, if it is there."""
    for n, item in enumerate(items):
        if isinstance(item, Mapping) and str(item.get(key)) == str(ident):
            return n
    return None


_TOO_DEEP_TO_READ = f"nests too deeply to be read (a policy nests at most {MAX_NESTING} levels)"


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
    except ValueError:  # a path with a NUL character in it
        raise PolicyError.from_problems([(shown, "", "is not a usable file path")]) from None
    suffix = p.suffix.lower()
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark some editors write is dropped
    except UnicodeDecodeError:
        raise PolicyError.from_problems([(shown, "", "is not UTF-8 text")]) from None
    if suffix == ".toml":
        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise PolicyError.from_problems([(shown, "", f"is not valid TOML: {e}")]) from None
        except RecursionError:
            raise PolicyError.from_problems([(shown, "", _TOO_DEEP_TO_READ)]) from None
    elif suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise PolicyError.from_problems([(shown, "", f"is not valid JSON: {e}")]) from None
        except RecursionError:
            raise PolicyError.from_problems([(shown, "", _TOO_DEEP_TO_READ)]) from None
    else:
        raise PolicyError.from_problems(
            [(shown, "", f"unknown policy file type {suffix or '(none)'!r}: use .toml or .json")]
        )
    if not isinstance(data, dict):
        raise PolicyError.from_problems([(shown, "", "the top level must be a table/object")])
    return data


def merge_policy_data(
    base: Mapping[str, Any], override: Mapping[str, Any], *, path: str = ""
) -> dict[str, Any]:
    """Merge a child policy over its base (an institution adapts a preset).

    Tables merge key by key; arrays of tables whose items have an ``id`` merge by id, and
    ``[[levels]]`` by ``severity`` (an item with ``remove = true`` drops the base item; one
    that names no base item is a :class:`~yuqing_core.PolicyError`); any other value replaces
    the base value. ``path`` is where ``override`` sits in the child, for error messages.

    >>> merge_policy_data({"a": {"x": 1, "y": 2}, "l": [{"id": "p", "v": 1}]},
    ...                   {"a": {"y": 3}, "l": [{"id": "p", "v": 2}, {"id": "q", "v": 0}]})
    {'a': {'x': 1, 'y': 3}, 'l': [{'id': 'p', 'v': 2}, {'id': 'q', 'v': 0}]}
    >>> merge_policy_data({"l": [{"id": "p"}]}, {"l": [{"id": "q", "remove": True}]})
    Traceback (most recent call last):
    ...
    yuqing_core.errors.PolicyError: l[0].remove: 'q' is not in the policy this one extends, \
so there is nothing to remove
    """
    out: dict[str, Any] = dict(base)
    for key, value in override.items():
        old = out.get(key)
        where = f"{path}.{key}" if path else str(key)
        item_key = _item_key(old, value)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            out[key] = merge_policy_data(old, value, path=where)
        elif item_key is not None:
            out[key] = _merge_items(old or (), value, item_key, where)
        else:
            for n, item in enumerate(value if isinstance(value, list) else ()):
                if isinstance(item, Mapping) and item.get("remove") is True:
                    raise _nothing_to_remove(item.get("id", item.get("severity")), where, n)
            out[key] = value
    return out


def _merge_items(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]], item_key: str, path: str
) -> list[dict[str, Any]]:
    """Arrays of tables merged by ``item_key``: ``new`` items override, add or remove."""
    merged: dict[str, dict[str, Any]] = {str(i[item_key]): dict(i) for i in old}
    for n, item in enumerate(new):
        k = str(item[item_key])
        if item.get("remove") is True:
            if merged.pop(k, None) is None:
                raise _nothing_to_remove(k, path, n)
        elif k in merged:
            merged[k] = merge_policy_data(merged[k], item, path=f"{path}[{n}]")
        else:
            merged[k] = dict(item)
    return list(merged.values())


def _nothing_to_remove(ident: object, path: str, n: int) -> PolicyError:
    message = f"{ident!r} is not in the policy this one extends, so there is nothing to remove"
    return PolicyError.from_problems([(None, f"{path}[{n}].remove", message)])


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


def _check_nesting(data: Mapping[str, Any], file: str | None) -> None:
    """Refuse data nested deeper than :data:`MAX_NESTING`, naming the key path that does."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        loc, node = stack.pop()
        if len(loc) > MAX_NESTING:
            message = f"nests deeper than {MAX_NESTING} levels"
            raise PolicyError.from_problems([(file, format_loc(loc), message)])
        if isinstance(node, Mapping):
            stack += [((*loc, key), value) for key, value in node.items()]
        elif isinstance(node, list | tuple):
            stack += [((*loc, n), value) for n, value in enumerate(node)]


def _parent_path(ref: str, file: str | None, base_dir: Path | None) -> Path:
    """The file ``extends = ref`` names: a preset's, or a ``.toml``/``.json`` path (relative
    to the folder of the file that extends it)."""
    found: Path | None = None
    if ref.endswith((".toml", ".json")):
        path = Path(ref)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        found = path if _is_file(path) else None
    elif _PRESET_NAME.fullmatch(ref):
        found = preset_path(ref)
    if found is None:
        message = f"{ref!r} is not a preset or a .toml/.json file"
        raise PolicyError.from_problems([(file, "extends", message)])
    return found


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long, or with a NUL in it
        return False


def _resolve_extends(
    data: dict[str, Any],
    file: str | None,
    base_dir: Path | None,
    layers: Layers,
    files: dict[int, str],
    depth: int = 0,
) -> dict[str, Any]:
    """``data`` merged over the chain of policies it extends; each file's own data is added
    to ``layers``, the child first."""
    _check_nesting(data, file)
    layers.append((file, data))
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
    parent_path = _parent_path(parent_ref, file, base_dir)
    parent = read_policy_data(parent_path)
    parent = _read_notices(parent, str(parent_path), parent_path.parent, files)
    parent = _resolve_extends(
        parent, str(parent_path), parent_path.parent, layers, files, depth + 1
    )
    child = {k: v for k, v in data.items() if k != "extends"}
    try:
        merged = merge_policy_data({k: v for k, v in parent.items() if k != "extends"}, child)
    except PolicyError as e:
        raise PolicyError.from_problems([(file, p, m) for _, p, m in e.problems]) from None
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
    layers: Layers = []
    files: dict[int, str] = {}
    data = _read_notices(data, file, base_dir, files)
    data = _resolve_extends(data, file, base_dir, layers, files)
    _check_notices(data, file, files)
    try:
        spec = PolicySpec.model_validate(data)
    except ValidationError as e:
        raise PolicyError.from_problems(_problems_from(e, layers, data)) from None
    problems = [
        (*_blame(layers, data, _loc_of(path)), msg) for path, msg in structural_problems(spec)
    ]
    if problems:
        raise PolicyError.from_problems(problems)
    return spec, file


def blame_keys(source: str | Path, paths: Sequence[str]) -> list[tuple[str | None, str]]:
    """Where each key path of the policy loaded from the file ``source`` was written: the file
    (``source``, or a file it extends) and the key path in that file, as load errors name them.

    For findings about a loaded policy (the lint, the soundness checks), whose paths count the
    items of the merged policy. ``source`` must load (read it with :func:`load_spec` first).
    """
    file = str(source)
    base_dir = Path(source).parent
    layers: Layers = []
    files: dict[int, str] = {}
    data = _read_notices(read_policy_data(source), file, base_dir, files)
    merged = _resolve_extends(data, file, base_dir, layers, files)
    return [_blame(layers, merged, _loc_of(path)) for path in paths]
