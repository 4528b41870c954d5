"""The ``[workflow]`` keys that decide what ``extend`` and ``pause`` may do: ``late_extension``
and ``pausable`` (no erasure of a missed deadline), with their defaults and their errors."""

from __future__ import annotations

from typing import Any

import pytest

import yuqing_core as yq


def _problems(excinfo: pytest.ExceptionInfo[yq.PolicyError]) -> list[str]:
    return str(excinfo.value).splitlines()


def test_defaults_allow_no_late_extension_and_pause_nothing() -> None:
    wf = yq.load_policy({"name": "p", "title": "t"}).spec.workflow
    assert (wf.late_extension, wf.pausable) == (False, ())
    # No preset mentions pausing or late extension, so none sets either key.
    for name in yq.presets.names():
        preset = yq.presets.load(name).spec.workflow
        assert (name, preset.late_extension, preset.pausable) == (name, False, ())


def test_keys_are_read_from_a_file(tmp_policy: Any) -> None:
    path = tmp_policy(
        "board.toml",
        'name = "board"\ntitle = "留言"\n[workflow]\nmax_extension = "5d"\n'
        'late_extension = true\npausable = ["reply", "handling_report"]\n',
    )
    wf = yq.load_policy(path).spec.workflow
    assert (wf.late_extension, wf.pausable) == (True, ("reply", "handling_report"))


@pytest.mark.parametrize(
    ("workflow", "problem"),
    [
        ({"pausable": ["reply", "reply"]}, "workflow.pausable: names reply more than once"),
        (
            {"pausable": ["answer"]},
            "workflow.pausable[0]: Input should be 'report', 'forward', 'initial_response', "
            "'reply', 'handling_report', 'feedback', 'special_report', 'follow_up', 'summary' "
            "or 'notify'",
        ),
        ({"pausable": "reply"}, "workflow.pausable: Input should be a valid tuple"),
        (
            {"late_extension": "sometimes"},
            "workflow.late_extension: Input should be a valid boolean",
        ),
    ],
)
def test_bad_values_name_the_key_path(workflow: dict[str, Any], problem: str) -> None:
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy({"name": "p", "title": "t", "workflow": workflow})
    # One problem, with its key path (how the value is quoted after it is not the point here).
    [only] = _problems(e)
    assert only.startswith(problem)
