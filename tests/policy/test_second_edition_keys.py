"""The second-edition keys of the policy file (issue 13, items 3-8): each refused with its file
and key path when wrong, linted when probably not meant, in the JSON Schema, and absent keys
meaning what they meant."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from yuqing_core.cli import main
from yuqing_core.policy.obligation_spec import MetBySpec
from yuqing_core.testing import assert_policy_sound

BAD = """\
name = "bad"
title = "坏"

[[obligations]]
id = "a"
rule = "R1"
kind = "report"
role = ["office", "dean"]
by = "ghost"
met_by = [{ trigger = "acknowledge", by = "nobody", to = ["nowhere"] }, "report"]
extendable = true

[[obligations]]
id = "b"
rule = "R1"
kind = "reply"
role = "handling_unit"
within = "1wd"
anchor = "start"
met_by = ["start"]

[workflow]
max_extension = "5d"
units = ["信息组"]
lead_units = [
  { level = "significant", unit = "信息组" },
  { level = "general", unit = "科室" },
  { level = "general", unit = "office" },
]

[[workflow.order]]
trigger = "start"
obligations = ["zzz", "b"]
triggers = ["conclude"]
levels = ["low"]
"""


def test_every_broken_reference_is_named_with_its_file_and_key_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(path)
    assert str(e.value).splitlines() == [
        f"{path}: obligations[0].role[1]: 'dean' is not a role of this policy",
        f"{path}: obligations[0].by: 'ghost' is not a role of this policy",
        f"{path}: obligations[0].met_by[0].by[0]: 'nobody' is not a role of this policy",
        f"{path}: obligations[0].met_by[0].to[0]: 'nowhere' is not a role of this policy",
        f"{path}: obligations[0].extendable: extendable, but it has no 'within' to extend",
        f"{path}: workflow.order[0].obligations[0]: 'zzz' is not an obligation id",
        f"{path}: workflow.order[0].obligations[1]: 'b' is met only by 'start', which waits for it",
        f"{path}: workflow.order[0].levels[0]: 'low' is not one of the policy's levels",
        f"{path}: workflow.lead_units[0].level: 'significant' is not one of the policy's levels",
        f"{path}: workflow.lead_units[1].unit: '科室' is neither a role nor one of workflow.units",
        f"{path}: workflow.lead_units[2].level: 'general' repeats workflow.lead_units[1]",
    ]


def _policy(**extra: Any) -> dict[str, Any]:
    return {"name": "p", "title": "制度", **extra}


def _ob(**keys: Any) -> dict[str, Any]:
    return {"id": "a", "rule": "R1", "kind": "report", "role": "office", **keys}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            _policy(obligations=[_ob(anchor_firing="latest")]),
            "obligations[0]: anchor_firing 'latest' needs a trigger anchor; 'discovered' "
            "happens once",
        ),
        (_policy(obligations=[_ob(role=[])]), "obligations[0].role: names no role"),
        (
            _policy(obligations=[_ob(role=["office", "office"])]),
            "obligations[0].role: names office more than once",
        ),
        (
            _policy(obligations=[_ob(anchor_firing="last")]),
            "obligations[0].anchor_firing: Input should be 'first' or 'latest'",
        ),
        (
            _policy(obligations=[_ob(met_by=[{"trigger": "fly"}])]),
            "obligations[0].met_by[0]",
        ),
        (
            _policy(workflow={"order": [{"trigger": "start"}]}),
            "workflow.order[0]: names neither obligations nor triggers that must come first",
        ),
        (
            _policy(workflow={"order": [{"trigger": "start", "triggers": ["start"]}]}),
            "workflow.order[0]: 'start' cannot come before itself",
        ),
        (
            _policy(workflow={"order": [{"trigger": "open", "triggers": ["report"]}]}),
            "workflow.order[0].trigger: 'open' never fires in this workflow",
        ),
        (
            _policy(
                workflow={
                    "stages": ["registered", "handling", "archived"],
                    "order": [{"trigger": "archive", "triggers": ["respond"]}],
                }
            ),
            "workflow.order[0].triggers[0]: 'respond' never fires in this workflow",
        ),
        (
            _policy(workflow={"lead_units": [{"level": "huge", "unit": "office"}]}),
            "workflow.lead_units[0].level",
        ),
        (
            _policy(workflow={"lead_units": [{"level": "major", "unit": "  "}]}),
            "workflow.lead_units[0].unit",
        ),
    ],
)
def test_a_bad_second_edition_key_is_refused_with_its_key_path(
    data: dict[str, Any], message: str
) -> None:
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(data)
    assert message in str(e.value)


def test_the_lint_warns_of_an_untimed_step_nothing_waits_for_and_a_sender_to_itself() -> None:
    policy = yq.load_policy(
        _policy(
            obligations=[
                _ob(id="loose"),
                _ob(id="ordered", role="leading_group"),
                _ob(id="next", role="principal_leader", after="ordered"),
                _ob(id="self", within="2h", by="office"),
            ],
            workflow={"order": [{"trigger": "start", "obligations": ["ordered"]}]},
        )
    )
    assert [str(f) for f in yq.lint(policy)] == [
        "obligations[0]: warning: loose has no 'within' and no workflow.order entry or 'after' "
        "names it: nothing but archive waits for it",
        "obligations[2]: warning: next has no 'within' and no workflow.order entry or 'after' "
        "names it: nothing but archive waits for it",
        "obligations[3].by: warning: 'office' both acts and receives self: 'by' is the sender",
    ]


def test_the_json_schema_describes_the_new_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    defs = schema["$defs"]
    ob = defs["ObligationSpec"]["properties"]
    assert set(ob) >= {"role", "by", "anchor_firing", "met_by", "within"}
    assert "within" not in defs["ObligationSpec"]["required"]
    assert ob["anchor_firing"]["enum"] == ["first", "latest"]
    assert {"order", "lead_units"} <= set(defs["WorkflowSpec"]["properties"])
    assert set(defs["OrderSpec"]["required"]) == {"trigger"}
    assert set(defs["MetBySpec"]["properties"]) == {"trigger", "by", "to"}


def test_a_file_without_the_new_keys_keeps_its_fingerprint_and_meaning() -> None:
    # The fingerprint of each preset is what it was (no new key is written out by default).
    tiered = yq.presets.load("school-tiered")
    spec = json.loads(tiered.spec_json)
    assert not {"by", "anchor_firing"} & {k for ob in spec["obligations"] for k in ob}
    assert not {"order", "lead_units"} & set(spec.get("workflow", {}))
    assert all(isinstance(ob["role"], str) for ob in spec["obligations"])


def test_met_by_entries_describe_themselves() -> None:
    entry = MetBySpec.model_validate({"trigger": "report", "by": "office", "to": ["superior"]})
    assert (entry.by, entry.describe()) == (("office",), "report by office to superior")


def test_a_sound_policy_with_every_new_key_passes_the_soundness_checks() -> None:
    policy = yq.load_policy(
        _policy(
            obligations=[
                _ob(
                    id="report",
                    role=["principal_leader", "leader_in_charge"],
                    within="2h",
                    by="office",
                ),
                _ob(id="publicity", role="publicity_dept"),
                _ob(
                    id="reply",
                    kind="reply",
                    role="handling_unit",
                    anchor="conclude",
                    anchor_firing="latest",
                    within="same_day",
                ),
                _ob(
                    id="notice",
                    kind="notify",
                    role="principal_leader",
                    within="2wd",
                    met_by=[{"trigger": "acknowledge", "by": "principal_leader"}],
                ),
            ],
            workflow={
                "order": [{"trigger": "start", "obligations": ["publicity"]}],
                "lead_units": [{"level": "critical", "unit": "leading_group"}],
            },
        )
    )
    assert_policy_sound(policy)


@settings(max_examples=50, deadline=None)
@given(
    roles=st.lists(
        st.sampled_from(["office", "principal_leader", "superior", "ghost", "dean"]),
        min_size=1,
        max_size=3,
    )
)
def test_a_role_list_loads_exactly_when_it_names_distinct_known_roles(roles: list[str]) -> None:
    data = _policy(obligations=[_ob(role=roles, within="2h")])
    good = len(set(roles)) == len(roles) and not {"ghost", "dean"} & set(roles)
    if good:
        assert yq.load_policy(data).spec.obligations[0].roles == tuple(roles)
    else:
        with pytest.raises(yq.PolicyError, match=r"obligations\[0\]\.role"):
            yq.load_policy(data)


def test_an_order_that_can_never_be_kept_is_not_sound() -> None:
    from yuqing_core.testing.soundness import check_order_can_be_met

    policy = yq.load_policy(
        _policy(
            obligations=[_ob(id="summary", kind="summary", within="5wd")],
            workflow={
                "order": [
                    {"trigger": "start", "triggers": ["review"]},
                    {"trigger": "start", "obligations": ["summary"]},
                    {"trigger": "archive", "triggers": ["review"]},
                ]
            },
        )
    )
    assert [str(f) for f in check_order_can_be_met(policy)] == [
        "workflow.order[0].triggers[0]: error: review cannot happen before 'start': no stage "
        "the case can reach lets 'review' fire and then 'start'",
        "workflow.order[1].obligations[0]: error: summary cannot happen before 'start': no "
        "stage the case can reach lets 'review' fire and then 'start'",
    ]
