"""``yuqing check``: ``--strict`` runs the soundness checks, and every finding names the file
that wrote the value and the key path in that file, not in the merged policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from yuqing_core.cli import main
from yuqing_core.testing import assert_policy_sound

LOOSE_CRITICAL_REPORT = """\
extends = "school-tiered"
name = "ours"
title = "我校"

[[obligations]]
id = "critical-report"
within = "5d"
"""

OVERLAP = """\
[[assessment.rules]]
id = "{a}"
rule = "R8.2"
level = "major"
any_metrics = [{{ metric = "outlets", min = 1, max = 5 }}]

[[assessment.rules]]
id = "{b}"
rule = "R8.3"
level = "critical"
any_metrics = [{{ metric = "outlets", min = 5 }}]
"""

WARNING = (
    "warning: outlets >= 5 ({b}, critical) overlaps 1 <= outlets <= 5 ({a}, major) at "
    "outlets = 5; critical wins (P2)"
)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_strict_fails_a_file_that_check_passes_and_assert_policy_sound_rejects(
    tmp_policy: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    ours = tmp_policy("ours.toml", LOOSE_CRITICAL_REPORT)
    assert _run(capsys, "check", str(ours)) == (
        0,
        [f"{ours}: ok (ours: 我校, extends school-tiered)"],
        "",
    )
    with pytest.raises(AssertionError, match="critical-report"):
        assert_policy_sound(str(ours))
    code, out, err = _run(capsys, "check", "--strict", str(ours))
    assert code == 1
    # critical-report is the 5th obligation of the merged policy, the 1st of the file.
    assert out == [
        f"{ours}: obligations[0].within: error: critical-report (critical, 5d) falls due "
        "2025-10-10 00:00 but major-report (major, 24h) falls due 2025-09-29 10:00 when both "
        "start 2025-09-28 10:00: a higher level must never have a looser report deadline to "
        "principal_leader (主要领导) than a lower one",
        f"{ours}: obligations[0].within: error: critical-report (critical, 5d) falls due "
        "2025-10-10 00:00, after critical-response (initial_response, 24h) due 2025-09-29 "
        "10:00, when both start 2025-09-28 10:00: a report must not fall due after the "
        "response it precedes; if that is meant, say so in the reading of critical-report or "
        "in a note naming it (“晚于回应” / “after the response”)",
    ]
    assert err == "yuqing: check: 1 of 1 file failed\n"


def test_strict_passes_a_sound_file(capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "our_school.toml"
    code, out, err = _run(capsys, "check", "--strict", str(example))
    assert (code, err) == (0, "")
    assert out == [
        f"{example}: ok (our-school: 某某中学网络舆情管理制度, extends school-tiered, sound)"
    ]


def test_a_finding_in_the_users_file_counts_the_items_of_that_file(
    tmp_policy: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    tmp_policy(
        "parent.toml",
        'name = "parent"\ntitle = "上级"\n'
        + OVERLAP.format(a="p-major", b="p-critical").replace("min = 5 }", "min = 6 }"),
    )
    child = tmp_policy(
        "child.toml",
        'extends = "parent.toml"\nname = "child"\ntitle = "本校"\n'
        "[[assessment.rules]]\n"
        'id = "c-critical"\nrule = "R8.3"\nlevel = "critical"\n'
        'any_metrics = [{ metric = "outlets", min = 5 }]\n',
    )
    code, out, _ = _run(capsys, "check", str(child))
    assert code == 0
    # The merged policy holds the parent's two rules first: the child's rule is the merged
    # policy's rules[2], and the file's rules[0].
    assert out == [
        f"{child}: assessment.rules[0].any_metrics[0]: "
        + WARNING.format(a="p-major", b="c-critical"),
        f"{child}: ok (child: 本校, extends parent.toml)",
    ]


def test_a_finding_in_the_extended_file_names_that_file(
    tmp_policy: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    parent = tmp_policy(
        "parent.toml", 'name = "parent"\ntitle = "上级"\n' + OVERLAP.format(a="p-a", b="p-b")
    )
    child = tmp_policy("child.toml", 'extends = "parent.toml"\nname = "child"\ntitle = "本校"\n')
    code, out, _ = _run(capsys, "check", "--strict", str(child))
    assert code == 0
    assert out == [
        f"{parent}: assessment.rules[1].any_metrics[0]: " + WARNING.format(a="p-a", b="p-b"),
        f"{child}: ok (child: 本校, extends parent.toml, sound)",
    ]
