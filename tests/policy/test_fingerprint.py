"""The fingerprint of a policy: a content hash of what it says, whatever file it came from.

A case records the fingerprint of the policy version it follows, so the fingerprint must not
move when nothing the policy says moved (the format, key order, comments, ``extends``, a
default written out), and must move when anything it says does.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from yuqing_core.policy import catalogue

NAMES = yq.presets.names()
PRESETS = {name: yq.presets.load(name) for name in NAMES}


def test_the_fingerprint_is_the_sha256_of_the_canonical_json() -> None:
    demo = yq.load_policy({"title": "示例", "name": "demo"})
    # Defaults left out, keys sorted, no spaces, UTF-8 kept as written.
    assert demo.spec_json == '{"name":"demo","title":"示例"}'
    assert demo.fingerprint == (
        "sha256:" + hashlib.sha256('{"name":"demo","title":"示例"}'.encode()).hexdigest()
    )
    # Pinned: a release that changed this would make every stored case name another version.
    assert demo.fingerprint == (
        "sha256:79ce689b4d14fdb325ce153d37f3eb16529d0b6e14bb1d7cdd2991096f4e540a"
    )


def test_defaults_written_out_or_left_out_are_the_same_policy() -> None:
    short = yq.load_policy({"name": "demo", "title": "示例"})
    long = yq.load_policy(
        {
            "schema_version": 1,
            "name": "demo",
            "title": "示例",
            "calendar": {"timezone": "Asia/Shanghai", "allow_projection": False},
            "timing": {"due_soon_share": 0.75},
            "levels": [{"severity": "general"}, {"severity": "major"}, {"severity": "critical"}],
        }
    )
    assert long.fingerprint == short.fingerprint


@pytest.mark.parametrize("name", NAMES)
def test_toml_json_and_dict_give_the_same_fingerprint(name: str, tmp_path: Path) -> None:
    policy = PRESETS[name]
    file = catalogue.preset_path(name)
    assert file is not None
    toml_text = file.read_text(encoding="utf-8")
    # Formatting and comments are not what the policy says.
    restyled = tmp_path / f"{name}.toml"
    restyled.write_text(
        "# 本校修订稿\n\n" + toml_text.replace("\n[", "\n\n# 下一节\n\n["), encoding="utf-8"
    )
    shuffled = _shuffled(policy.to_dict(), random.Random(name))
    as_json = tmp_path / f"{name}.json"
    as_json.write_text(json.dumps(shuffled, ensure_ascii=False, indent=3), encoding="utf-8")
    fingerprints = {
        yq.load_policy(restyled).fingerprint,
        yq.load_policy(as_json).fingerprint,
        yq.load_policy(shuffled).fingerprint,
        yq.load_policy(json.loads(policy.spec_json)).fingerprint,
    }
    assert fingerprints == {policy.fingerprint}
    assert policy.fingerprint.startswith("sha256:")
    assert len(policy.fingerprint) == 71


@pytest.mark.parametrize("name", NAMES)
def test_extends_is_resolved_before_hashing(name: str) -> None:
    assert yq.load_policy({"extends": name}).fingerprint == PRESETS[name].fingerprint


def test_every_preset_has_its_own_fingerprint() -> None:
    assert len({p.fingerprint for p in PRESETS.values()}) == len(NAMES)


def _shuffled(value: Any, rng: random.Random) -> Any:
    """``value`` with the keys of every object in another order (lists keep theirs)."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: _shuffled(value[k], rng) for k in keys}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


# -- any semantic edit moves it -----------------------------------------------------------


def _within_edit(data: dict[str, Any], n: int) -> bool:
    """Lengthen the ``n``-th timed obligation by one unit of its own kind."""
    # (An obligation without ``within`` is untimed: hr-bureau's approval chain, R6.3.)
    timed = [o for o in data.get("obligations", ()) if (o.get("within") or " ")[-1] in "hdn"]
    if not timed:
        return False
    ob = timed[n % len(timed)]
    text = ob["within"]
    digits = "".join(c for c in text if c.isdigit())
    if not digits:
        return False
    ob["within"] = text.replace(digits, str(int(digits) + 1), 1)
    return True


def _share_edit(data: dict[str, Any], n: int) -> bool:
    share = data.setdefault("timing", {}).get("due_soon_share", 0.75)
    data["timing"]["due_soon_share"] = 0.5 if share != 0.5 else 0.6
    return True


def _title_edit(data: dict[str, Any], n: int) -> bool:
    data["title"] += "（修订）"
    return True


def _approval_edit(data: dict[str, Any], n: int) -> bool:
    workflow = data.setdefault("workflow", {})
    workflow["reply_approval_required"] = not workflow.get("reply_approval_required", False)
    return True


def _drop_edit(data: dict[str, Any], n: int) -> bool:
    obligations = data.get("obligations", [])
    if len(obligations) < 2:
        return False
    del obligations[n % len(obligations)]
    return True


EDITS = [_within_edit, _share_edit, _title_edit, _approval_edit, _drop_edit]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), edit=st.sampled_from(EDITS), n=st.integers(0, 20))
def test_a_semantic_edit_moves_the_fingerprint(name: str, edit: Any, n: int) -> None:
    policy = PRESETS[name]
    data = json.loads(json.dumps(policy.to_dict()))
    if not edit(data, n):
        return
    try:
        edited = yq.load_policy(data)
    except yq.PolicyError:
        return  # an edit the policy's own checks refuse is no version at all
    assert edited.spec != policy.spec
    assert edited.fingerprint != policy.fingerprint
    # ... and undoing it gives the old fingerprint back.
    assert yq.load_policy(policy.to_dict()).fingerprint == policy.fingerprint
