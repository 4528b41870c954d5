"""The policy's own terms as a file writes them: working hours, ``wh`` durations, role labels,
obligation labels, excluded flags and warning points. Errors name the file and key path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import yuqing_core as yq
from yuqing_core.policy.schema import PolicySpec, nearest_level
from yuqing_core.policy.warnings import WarnPoint
from yuqing_core.testing import assert_policy_sound
from yuqing_core.testing.soundness import check_deadline_order, check_warnings

HEAD = 'name = "ours"\ntitle = "本校制度"\n'
HOURS = '[calendar]\nworking_hours = ["08:30-12:00", "14:00-17:30"]\n'
REPORT = '[[obligations]]\nid = "a"\nrule = "R1"\nkind = "report"\nrole = "office"\n'


def _problems(path: Path) -> list[str]:
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(path)
    assert all(p for _, p, _ in e.value.problems)
    return str(e.value).splitlines()


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        (
            REPORT + 'within = "4wh"\nwarnings = ["2wh"]\n',
            [
                "obligations[0].within: '4wh' counts working hours, but [calendar] "
                "working_hours is not set",
                "obligations[0].warnings[0]: '2wh' counts working hours, but [calendar] "
                "working_hours is not set",
            ],
        ),
        (
            '[role_labels]\noffice = "学校办公室"\nheadmaster = "校长"\n',
            [
                "role_labels.headmaster: 'headmaster' is not a canonical role (an added role "
                "takes its label under [[roles]])"
            ],
        ),
        (
            REPORT + 'within = "1h"\nany_flags = ["rumour"]\nno_flags = ["rumour"]\n',
            [
                "obligations[0].no_flags[0]: 'rumour' is in any_flags too: it can never "
                "match with it"
            ],
        ),
        (
            REPORT + 'within = "1h"\nwarnings = ["100%"]\n',
            [
                "obligations[0].warnings[0]: '100%' is not a warning point (write a share such "
                "as '80%' (above 0, below 100) or a time before the due instant: '2h', '30min', "
                "'2wh')"
            ],
        ),
        (
            REPORT + 'within = "1h"\nwarnings = ["1wd"]\n',
            [
                "obligations[0].warnings[0]: '1wd' is not a warning point (write a share such "
                "as '80%' (above 0, below 100) or a time before the due instant: '2h', '30min', "
                "'2wh')"
            ],
        ),
        (
            '[calendar]\nworking_hours = ["08:30-12:00", "14:00-25:00"]\n',
            [
                "calendar.working_hours[1]: String should match pattern "
                "'^([01]\\d|2[0-3]):([0-5]\\d)-(([01]\\d|2[0-3]):([0-5]\\d)|24:00)$' "
                "(got '14:00-25:00')"
            ],
        ),
        (
            '[calendar]\nworking_hours = ["14:00-17:30", "08:30-12:00"]\n',
            [
                "calendar.working_hours: 08:30-12:00: spans must be in order and apart (a "
                "lunch break between)"
            ],
        ),
        (
            '[role_labels]\noffice = ""\n',
            ["role_labels: office: a label is text of 1 to 40 characters"],
        ),
    ],
)
def test_term_errors_name_file_and_key_path(
    tmp_policy: Any, body: str, problems: list[str]
) -> None:
    path = tmp_policy("ours.toml", HEAD + body)
    assert _problems(path) == [f"{path}: {p}" for p in problems]


def test_a_file_with_the_new_terms_loads_and_reads_back(tmp_policy: Any) -> None:
    body = (
        HOURS
        + '[timing]\nwarnings = ["50%", "80%"]\n'
        + '[role_labels]\nprincipal_leader = "校长"\noffice = "学校办公室"\n'
        + REPORT
        + 'within = "4wh"\nlabel = "特报"\nno_flags = ["rumour_refuted"]\nwarnings = ["2wh"]\n'
    )
    policy = yq.load_policy(tmp_policy("ours.toml", HEAD + body))
    spec = policy.spec
    assert spec.calendar.working_hours == ("08:30-12:00", "14:00-17:30")
    assert spec.role_labels == (("office", "学校办公室"), ("principal_leader", "校长"))
    assert (policy.roles["office"], policy.roles["principal_leader"]) == ("学校办公室", "校长")
    ob = spec.obligations[0]
    assert (str(ob.within), ob.label, ob.no_flags) == ("4wh", "特报", ("rumour_refuted",))
    assert [str(w) for w in ob.warnings] == ["2wh"]
    assert json.loads(policy.spec_json)["role_labels"] == {
        "office": "学校办公室",
        "principal_leader": "校长",
    }
    again = yq.load_policy(json.loads(policy.spec_json))
    assert again == policy
    assert again.fingerprint == policy.fingerprint
    assert hash(again) == hash(policy)
    assert_policy_sound(policy)


NEW_TERMS_STATED: dict[str, set[str]] = {
    # Issue 14 re-encodes presets with the new terms on purpose; every other preset states
    # none of them. (A key named here: role_labels, working_hours, timing.warnings, or an
    # obligation's, a ladder's or a grading rule's label / no_flags / warnings.)
    "gov-response": {"label"},
    "university-plan": {"label"},
    "hr-bureau": {"role_labels"},
    "township": {"role_labels", "label"},
    "university-informants": {"role_labels", "no_flags"},
    "kindergarten-security": {"role_labels"},
}


def _new_terms(said: dict[str, Any]) -> set[str]:
    found = {"role_labels"} & set(said)
    found |= {"working_hours"} & set(said.get("calendar", {}))
    found |= {"warnings"} & set(said.get("timing", {}))
    for item in [*said.get("obligations", []), *said.get("ladders", [])]:
        found |= {"label", "no_flags", "warnings"} & set(item)
    for rule in said.get("assessment", {}).get("rules", []):
        found |= {"no_flags"} & set(rule)
    return found


def test_every_preset_still_means_what_it_meant() -> None:
    # A preset states the new keys only where it was re-encoded to state them on purpose, so
    # no other one appears in what a policy says.
    for name in yq.presets.names():
        said = json.loads(yq.presets.load(name).spec_json)
        assert _new_terms(said) == NEW_TERMS_STATED.get(name, set()), name


# The institution's names for roles, and S7's 特报 for its 4-hour reports, exactly.
ROLE_LABELS = {"hr-bureau": {"monitor": "局舆情监督员"}, "township": {"office": "乡应急办公室"}}
LABELS = {
    ("township", "special-report-emergency"): "特报",
    ("township", "special-report-major"): "特报",
}


def test_the_hr_bureau_and_township_state_their_own_names() -> None:
    for name in ("hr-bureau", "township"):
        said = json.loads(yq.presets.load(name).spec_json)
        assert said.get("role_labels") == ROLE_LABELS[name], name
        for item in said.get("obligations", []):
            if (name, item["id"]) in LABELS:
                assert item.get("label") == LABELS[(name, item["id"])], (name, item["id"])
            elif name == "township":
                assert "label" not in item, item["id"]


def test_the_json_schema_describes_the_new_keys() -> None:
    schema = PolicySpec.model_json_schema()
    defs = schema["$defs"]
    assert defs["CalendarSpec"]["properties"]["working_hours"]["items"]["pattern"].startswith(
        "^([01]"
    )
    assert schema["properties"]["role_labels"]["type"] == "object"
    ob = defs["ObligationSpec"]["properties"]
    assert ob["warnings"]["items"]["pattern"] == (
        r"^([0-9]{1,2}(\.[0-9]{1,2})?%|\d+h(\d+min)?|\d+min|\d+wh)$"
    )
    assert {"no_flags", "label"} <= set(ob)
    # ``within`` is optional (an untimed obligation): the pattern sits in its ``anyOf``.
    (within,) = [b for b in ob["within"]["anyOf"] if b.get("type") == "string"]
    assert "wh" in within["pattern"]


# -- lint and soundness -----------------------------------------------------------------------


def test_lint_warns_of_shared_role_labels_and_elapsed_warnings_on_working_time() -> None:
    policy = yq.load_policy(
        {
            "name": "ours",
            "title": "本校制度",
            "role_labels": {"office": "主要领导"},
            "timing": {"warnings": ["2h"]},
            "obligations": [
                {"id": "a", "rule": "R1", "kind": "reply", "role": "office", "within": "3wd"}
            ],
        }
    )
    assert [str(f) for f in yq.lint(policy)] == [
        "role_labels.office: warning: '主要领导' is also what role 'principal_leader' is "
        "called: outputs cannot tell them apart",
        "timing.warnings[0]: warning: '2h' before a deadline of '3wd' (a) is elapsed time and "
        "may fall outside working time; write working hours (wh) or a share (80%)",
    ]


def test_soundness_finds_a_warning_that_fires_when_the_clock_starts() -> None:
    # 1wd from 30 Sep 2025 16:30 is due 10 Oct 00:00; its working time is 1 h (16:30-17:30)
    # + 7 h on 9 Oct = 8 h, so '8wh' before the due instant is the start itself.
    policy = yq.load_policy(
        {
            "name": "ours",
            "title": "本校制度",
            "calendar": {"working_hours": ["08:30-12:00", "14:00-17:30"]},
            "obligations": [
                {"id": "a", "rule": "R1", "kind": "report", "role": "office", "within": "1wd",
                 "warnings": ["8wh", "50%"]},
            ],
        }
    )  # fmt: skip
    assert [str(f) for f in check_warnings(policy)] == [
        "obligations[0].warnings[0]: error: '8wh' before the due instant of a (1wd) falls at "
        "or before the start of its clock when it starts 2025-09-30 16:30: it would warn at "
        "once; shorten it or write a share (80%)"
    ]
    with pytest.raises(AssertionError, match=r"obligations\[0\]\.warnings\[0\]"):
        assert_policy_sound(policy)


# -- warning points ---------------------------------------------------------------------------


@given(st.integers(1, 99), st.sampled_from(["", ".5", ".25"]))
def test_a_share_reads_back(whole: int, fraction: str) -> None:
    text = f"{whole}{fraction}%"
    point = WarnPoint.parse(text)
    assert (str(point), point.before) == (text, None)
    assert point.share == pytest.approx(float(f"{whole}{fraction}") / 100)
    assert WarnPoint.parse(str(point)) == point


@pytest.mark.parametrize("text", ["0%", "100%", "-5%", "50", "same_day", "now", "3d", "", "%"])
def test_a_bad_warning_point_is_named(text: str) -> None:
    with pytest.raises(yq.PolicyError, match=f"^'{text}' is not a warning point"):
        WarnPoint.parse(text)


def test_deadline_order_skips_obligations_one_incident_cannot_owe_together() -> None:
    # The major report needs mass_incident, which the general report excludes: no incident
    # owes both, so the looser major deadline is not compared with the general one.
    def report(ident: str, level: str, within: str, **match: list[str]) -> dict[str, Any]:
        return {"id": ident, "rule": "R1", "kind": "report", "role": "office",
                "levels": [level], "within": within, **match}  # fmt: skip

    data: dict[str, Any] = {
        "name": "ours",
        "title": "本校制度",
        "levels": [{"severity": "general"}, {"severity": "major"}],
        "obligations": [
            report("general-report", "general", "1h", no_flags=["mass_incident"]),
            report("major-report", "major", "2h", any_flags=["mass_incident"]),
        ],
    }
    assert check_deadline_order(yq.load_policy(data)) == []
    data["obligations"][0] = report("general-report", "general", "1h")
    assert [f.path for f in check_deadline_order(yq.load_policy(data))] == ["obligations[1].within"]


@given(
    st.sets(st.sampled_from(list(yq.Severity)), min_size=1),
    st.sampled_from(list(yq.Severity)),
)
def test_a_level_maps_to_the_nearest_at_or_above_else_the_highest(
    levels: set[yq.Severity], chosen: yq.Severity
) -> None:
    ordered = tuple(sorted(levels))
    mapped = nearest_level(ordered, chosen)
    above = [s for s in ordered if s >= chosen]
    assert mapped == (min(above) if above else max(ordered))
    assert nearest_level(ordered, mapped) == mapped  # a policy level maps to itself
