"""Permissions in the core (issue 18): ``[workflow.permissions]`` says which roles may fire
which triggers; ``Case.fire`` takes the caller's roles (``actor_roles``) and refuses with
``NotPermittedError`` (a ``TransitionError``) when they do not allow it, changing nothing;
``Case.allowed_triggers`` and ``Policy.may_fire`` answer without firing.

Times: found Tue 30 Sep 2025 17:00 on school-tiered (a general case; the report to the
office is due within 2h of discovery, 19:00, elapsed time).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.model.vocab import TRIGGERS, Role
from yuqing_core.policy.permissions import may_fire
from yuqing_core.policy.schema import PolicySpec
from yuqing_core.simulate import simulate
from yuqing_core.testing import assert_policy_sound

PERMISSIONS = {
    "approve_reply": ["principal_leader", "leader_in_charge"],
    "report": ["office"],
    "dismiss": ["principal_leader"],
}


def _policy(permissions: dict[str, Any] = PERMISSIONS, **workflow: Any) -> yq.Policy:
    return yq.load_policy(
        {
            "name": "permitted",
            "title": "权限",
            "extends": "school-tiered",
            "workflow": {"permissions": permissions, **workflow},
        }
    )


def _open(policy: yq.Policy) -> yq.Case:
    found = cst(2025, 9, 30, 17)
    inc = yq.Incident(id="YQ-P", title="网传消息", discovered_at=found)
    return policy.open_case(inc, at=found, actor="monitor 张三")


def test_a_listed_role_fires_and_the_event_records_nothing_of_the_roles() -> None:
    case = _open(_policy())
    event = case.fire(
        "report",
        at=cst(2025, 9, 30, 18),
        actor="张三",
        actor_roles=["office", "monitor"],
        role="office",
    )
    assert event.data == {"role": "office"}
    assert case.state == "reported"
    assert yq.Case.replay(case.policy, case.events) == case


def test_a_role_not_listed_is_refused_naming_the_trigger_and_the_roles_never_the_actor() -> None:
    case = _open(_policy())
    before = (case.events, case.state, case.version, case.obligations)
    with pytest.raises(yq.NotPermittedError) as e:
        case.fire("report", at=cst(2025, 9, 30, 18), actor="张三", actor_roles=["monitor"])
    assert e.value.allowed == tuple(case.allowed_triggers(["monitor"]))
    assert str(e.value) == (
        "report may be fired only by office (the caller's roles: monitor) "
        f"(allowed now: {', '.join(e.value.allowed)})"
    )
    assert e.value.allowed[:3] == ("assess", "assign", "start")
    assert "report" not in e.value.allowed
    assert "dismiss" not in e.value.allowed
    assert isinstance(e.value, yq.TransitionError)
    assert e.value.trigger == "report"
    assert e.value.roles == ("office",)
    assert "张三" not in str(e.value)
    assert (case.events, case.state, case.version, case.obligations) == before


def test_roles_not_said_fire_only_what_the_policy_leaves_open() -> None:
    case = _open(_policy())
    with pytest.raises(yq.NotPermittedError) as e:
        case.fire("report", at=cst(2025, 9, 30, 18), actor="x")
    assert str(e.value).startswith(
        "report may be fired only by office (the caller's roles: none given) "
        "(allowed now: assess, report, assign, "
    )
    case.fire("assess", at=cst(2025, 9, 30, 18), actor="x")
    assert case.state == "assessed"


def test_two_listed_roles_either_may_fire() -> None:
    policy = _policy()
    assert policy.may_fire("approve_reply", ["leader_in_charge"])
    assert policy.may_fire("approve_reply", ("principal_leader", "office"))
    assert not policy.may_fire("approve_reply", ["office"])
    assert not policy.may_fire("approve_reply", [])
    assert not policy.may_fire("approve_reply", None)
    assert policy.may_fire("respond", None)
    assert policy.spec.workflow.allowed_roles("approve_reply") == (
        "principal_leader",
        "leader_in_charge",
    )
    assert policy.spec.workflow.allowed_roles("respond") is None


def test_allowed_triggers_leave_out_what_the_roles_may_not_fire() -> None:
    case = _open(_policy())
    full = case.allowed_triggers()
    assert full[:3] == ["assess", "report", "assign"]
    assert "dismiss" in full
    assert case.allowed_triggers(["monitor"]) == [t for t in full if t not in ("report", "dismiss")]
    assert case.allowed_triggers(["office"]) == [t for t in full if t != "dismiss"]
    assert case.allowed_triggers(actor_roles=["office", "principal_leader"]) == full


@pytest.mark.parametrize("roles", ["office", 3, [1]])
def test_roles_that_are_not_a_list_of_role_ids_are_refused(roles: Any) -> None:
    case = _open(_policy())
    with pytest.raises(yq.TransitionError, match=r"^actor_roles: roles must be a list") as e:
        case.fire("assess", at=cst(2025, 9, 30, 18), actor="x", actor_roles=roles)
    assert not isinstance(e.value, yq.NotPermittedError)
    assert case.version == 1


def test_a_policy_without_permissions_lets_anyone_fire_as_before(tiered: yq.Policy) -> None:
    case = _open(tiered)
    case.fire("report", at=cst(2025, 9, 30, 18), actor="x", actor_roles=["monitor"], role="office")
    assert tiered.may_fire("report", None)
    assert tiered.spec.workflow.permissions == ()


def test_a_dual_report_keeps_its_roles_beside_the_actor_roles() -> None:
    case = _open(_policy())
    event = case.fire(
        "report",
        at=cst(2025, 9, 30, 18),
        actor="x",
        actor_roles=["office"],
        roles=["office", "leader_in_charge"],
    )
    assert event.data == {"roles": ["office", "leader_in_charge"]}


def test_a_refusal_is_one_log_record_of_ids(caplog: pytest.LogCaptureFixture) -> None:
    case = _open(_policy())
    with caplog.at_level(logging.INFO, logger="yuqing_core"), pytest.raises(yq.NotPermittedError):
        case.fire("report", at=cst(2025, 9, 30, 18), actor="张三", actor_roles=["monitor"])
    assert [r.getMessage() for r in caplog.records] == [
        "command refused: case YQ-P report (version 1)"
    ]
    assert "张三" not in caplog.text


def test_a_simulation_line_carries_the_actor_roles() -> None:
    lines = [
        {
            "type": "incident",
            "id": "YQ-S",
            "title": "t",
            "discovered_at": "2025-09-30T17:00:00+08:00",
        },
        {
            "type": "event",
            "case": "YQ-S",
            "trigger": "report",
            "at": "2025-09-30T18:00:00+08:00",
            "actor_roles": ["monitor"],
            "data": {"role": "office"},
        },
        {
            "type": "event",
            "case": "YQ-S",
            "trigger": "report",
            "at": "2025-09-30T18:05:00+08:00",
            "actor_roles": ["office"],
            "data": {"role": "office"},
        },
    ]
    sim = simulate(_policy(), [json.dumps(line) for line in lines])
    assert [(n, m.split(" (allowed")[0]) for n, m in sim.errors] == [
        (2, "report may be fired only by office (the caller's roles: monitor)")
    ]
    assert sim.cases["YQ-S"].state == "reported"


# -- the policy file ------------------------------------------------------------------------

BAD = """\
name = "bad"
title = "坏"
extends = "school-tiered"

[workflow.permissions]
approve_reply = ["principal_leader", "dean"]
aprove = ["office"]
open = ["office"]
adopt_policy = ["office"]
dismiss = []
respond = ["office", "office"]
"""


def test_every_wrong_permission_is_named_with_its_file_and_key_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(path)
    assert str(e.value).splitlines() == [
        f"{path}: workflow.permissions.approve_reply[1]: 'dean' is not a role of this policy",
        f"{path}: workflow.permissions.aprove: 'aprove' is not a trigger",
        f"{path}: workflow.permissions.open: 'open' is not fired on a case "
        "(Policy.open_case opens one); it takes no roles",
        f"{path}: workflow.permissions.adopt_policy: 'adopt_policy' is not fired on a case "
        "(Case.adopt records it)",
        f"{path}: workflow.permissions.dismiss: an empty list: no one could fire it; leave the "
        "key out to let anyone",
        f"{path}: workflow.permissions.respond[1]: 'office' is named twice",
    ]


@pytest.mark.parametrize(
    ("permissions", "message"),
    [
        ({"report": "office"}, 'report: a list of role ids, such as ["office"]'),
        ({"report": [3]}, "report: every role is a role id (text)"),
        (["report"], "workflow.permissions"),
    ],
)
def test_a_table_of_the_wrong_shape_is_refused(permissions: Any, message: str) -> None:
    with pytest.raises(yq.PolicyError, match=r"workflow\.permissions") as e:
        _policy(permissions)
    assert message in str(e.value)


def test_an_added_role_may_be_granted() -> None:
    policy = yq.load_policy(
        {
            "name": "added",
            "title": "新增角色",
            "roles": [{"id": "dean", "label": "院长"}],
            "workflow": {"permissions": {"archive": ["dean"]}},
        }
    )
    assert policy.may_fire("archive", ["dean"])
    assert_policy_sound(policy, strict=True)


def test_a_trigger_the_workflow_never_fires_is_a_lint_warning() -> None:
    stages = [s.value for s in yq.presets.load("school-tiered").spec.workflow.stages]
    stages.remove("reply_approved")
    policy = _policy({"approve_reply": ["principal_leader"]}, stages=stages)
    assert [str(f) for f in yq.lint(policy) if "permissions" in f.path] == [
        "workflow.permissions.approve_reply: warning: 'approve_reply' never fires in this "
        "workflow (its stage is not in workflow.stages)"
    ]
    with pytest.raises(AssertionError, match=r"workflow\.permissions\.approve_reply"):
        assert_policy_sound(policy, strict=True)


def test_permissions_change_the_fingerprint_and_round_trip() -> None:
    policy = _policy()
    assert policy.fingerprint != _policy({"report": ["office", "monitor"]}).fingerprint
    again = yq.load_policy(policy.to_dict())
    assert again.spec.workflow.permissions == policy.spec.workflow.permissions
    assert policy.to_dict()["workflow"]["permissions"] == PERMISSIONS


def test_the_json_schema_lists_the_triggers_and_wants_a_role() -> None:
    built = PolicySpec.model_json_schema()
    field = built["$defs"]["WorkflowSpec"]["properties"]["permissions"]
    assert field["default"] == {}
    assert field["propertyNames"]["enum"] == list(TRIGGERS)
    assert field["additionalProperties"]["minItems"] == 1


# -- the property ---------------------------------------------------------------------------

_ROLES = [r.value for r in Role]


@settings(max_examples=200, deadline=None)
@given(
    table=st.dictionaries(
        st.sampled_from(TRIGGERS), st.lists(st.sampled_from(_ROLES), min_size=1, unique=True)
    ),
    trigger=st.sampled_from(TRIGGERS),
    roles=st.none() | st.lists(st.sampled_from(_ROLES), unique=True),
)
def test_a_trigger_fires_iff_it_is_unrestricted_or_the_roles_meet_its_list(
    table: dict[str, list[str]], trigger: str, roles: list[str] | None
) -> None:
    pairs = tuple((t, tuple(r)) for t, r in table.items())
    expected = trigger not in table or (
        roles is not None and bool(set(roles) & set(table[trigger]))
    )
    assert may_fire(pairs, trigger, roles) is expected


_POLICY = _policy(
    {"assess": ["monitor", "office"], "report": ["office"], "dismiss": ["principal_leader"]}
)


@settings(max_examples=60, deadline=None)
@given(
    trigger=st.sampled_from(["assess", "report", "dismiss"]),
    roles=st.none() | st.lists(st.sampled_from(_ROLES), unique=True),
)
def test_fire_accepts_iff_may_fire_and_a_refusal_changes_nothing(
    trigger: str, roles: list[str] | None
) -> None:
    case = _open(_POLICY)
    allowed = _POLICY.may_fire(trigger, roles)
    assert (trigger in case.allowed_triggers(roles)) is allowed or roles is None
    data = {"role": "office"} if trigger == "report" else {}
    data |= {"reason": "不属实"} if trigger == "dismiss" else {}
    try:
        case.fire(trigger, at=cst(2025, 9, 30, 18), actor="x", actor_roles=roles, **data)
    except yq.NotPermittedError:
        assert not allowed
        assert case.version == 1
    else:
        assert allowed
        assert case.version == 2
