"""Every script in examples/ runs and prints what its readers are told it prints.

Each script runs in a fresh interpreter (the venv's) from an empty temporary directory, as a
reader would run it. The expected lines are worked out by hand from the rules and the official
calendar (National Day 2025: 10-01..10-08 off, 09-28 and 10-11 worked; Spring Festival 2026:
02-15..02-23 off, 02-14 and 02-28 worked).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

EXAMPLES = REPO / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py") if not p.name.endswith("_test.py"))

EXPECTED: dict[str, list[str]] = {
    "district_school.py": [
        # 25,000 views: more than 20,000 is major (重大); 180 comments add nothing.
        "YQ-2026-0930-01: major (重大)",
        "owed when found:",
        # Found 30 Sep 2026 17:00: 30 minutes, 1 hour and 1 hour (the dual report), 24 hours.
        "  office-report        报告 → 学校办公室  due 09-30 17:30  pending",
        "  principal-report     报告 → 校长  due 09-30 18:00  pending",
        "  bureau-report        报告 → 区教育局  due 09-30 18:00  pending",
        "  major-release        发布权威信息 → 责任单位  due 10-01 17:00  pending",
        "after the reports and the release (1 Oct 15:00):",
        # One report naming the principal and the bureau (17:50) met both.
        "  principal-report     报告 → 校长  due 09-30 18:00  met",
        "  bureau-report        报告 → 区教育局  due 09-30 18:00  met",
        "  major-release        发布权威信息 → 责任单位  due 10-01 17:00  met",
        # Daily follow-ups run from the release: 24 hours after 1 Oct 15:00.
        "  major-follow-up      续报 → 学校办公室  due 10-02 15:00  pending",
        # 8,000 views: more than 5,000 is significant (较大): the leader in 2 hours, and an
        # initial response in 3 working days: 8, 9 and Saturday 10 Oct (make-up), so 11 Oct.
        "YQ-2026-0930-02: significant (较大)",
        "  leader-report        报告 → 分管校领导  due 09-30 19:00  pending",
        "  significant-response 初步处置并回应 → 责任单位  due 10-11 00:00  pending",
        # Holiday watch on the seven days of National Day 2026 only (1-7 Oct), not the weekend
        # of 10-11 Oct; Monday 5 Oct's weekly report moves to Thursday 8 Oct, 10:00.
        "  09-28 Mon 10:00 weekly-report",
        "  10-01 Thu 08:30 holiday-watch",
        "  10-07 Wed 08:30 holiday-watch",
        "  10-08 Thu 10:00 weekly-report (moved from 10-05)",
        "  10-12 Mon 10:00 weekly-report",
    ],
    "host_loop.py": [
        "2025-09-30 16:30 open YQ-2025-0930-01: general",
        # 1 working day from 09-30: 10-09 is the first after National Day; due at its end.
        "2025-10-09 09:00 poll: 0 overdue, 1 due within 24h",
        "  将到期 soon    YQ-2025-0930-01  report → business_supervisor（业务主管部门） "
        "due 2025-10-10 00:00 (R3.1)",
        "2026-02-13 10:05 open YQ-2026-0213-02: major",
        # 2 working days from Friday 02-13: Saturday 02-14 (worked) and 02-24.
        "2026-02-24 09:00 poll: 0 overdue, 1 due within 24h",
        "  将到期 soon    YQ-2026-0213-02  initial_response → handling_unit（责任单位） "
        "due 2026-02-25 00:00 (R3.2)",
        "2026-03-15 21:45 open YQ-2026-0315-03: critical",
        # 3 hours from 21:40 and 24 hours from 21:40 (R3.3, P4).
        "2026-03-16 01:00 poll: 2 overdue, 1 due within 24h",
        "  逾期 overdue   YQ-2026-0213-02  initial_response → handling_unit（责任单位） "
        "due 2026-02-25 00:00 (R3.2)",
        "  逾期 overdue   YQ-2026-0315-03  report → principal_leader（主要领导） "
        "due 2026-03-16 00:40 (R3.3)",
        "  将到期 soon    YQ-2026-0315-03  initial_response → handling_unit（责任单位） "
        "due 2026-03-16 21:40 (R3.3)",
        "2026-03-17 09:00 poll: 0 overdue, 0 due within 24h",
        "2026-03-17 09:10 conflict: a stale copy was refused; reloading",
        "2026-03-17 09:10 track and follow_up YQ-2026-0315-03: v5",
        "  YQ-2025-0930-01 responded v3: report met, initial_response met",
        "  YQ-2026-0213-02 responded v3: report met, initial_response late",
        "  YQ-2026-0315-03 tracking v5: report late, initial_response met",
    ],
    "custom_policy.py": [
        "our-school: 某某中学网络舆情管理制度",
        "  business close 17:30; extra rest days 2025-11-14",
        "    general-report     general  report           business_supervisor same_day R3.1"
        "  * changed",
        "    general-response   general  initial_response handling_unit       3wd      R3.1",
        "    critical-response  critical initial_response handling_unit       24h      R3.3",
        "  assert_policy_sound: ok",
        # Preset: 1 working day from Thursday 11-13 is Friday 11-14, due at its end; 3 are
        # 11-14, 11-17, 11-18. Ours: the same day's close; 11-14 is closed, so 11-17..11-19.
        "  general-report: school-tiered 2025-11-15 00:00 -> ours 2025-11-13 17:30",
        "  general-response: school-tiered 2025-11-19 00:00 -> ours 2025-11-19 17:30",
        "a mistaken edit is refused:",
        "  obligations[0].within: '半天' is not a duration "
        "(write 90min, 3h, 3d, 1wd, same_day or now)",
        "  obligations[1].levels[0]: '紧急' is not a severity "
        "(one of low, general, significant, major, critical)",
    ],
}


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_every_example_script_has_its_expected_output() -> None:
    assert sorted(EXPECTED) == SCRIPTS


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_runs_and_prints_the_expected_lines(name: str, tmp_path: Path) -> None:
    done = _run([str(EXAMPLES / name)], tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    missing = [line for line in EXPECTED[name] if line not in out]
    assert missing == [], done.stdout
    assert list(tmp_path.iterdir()) == []  # it leaves nothing behind


@pytest.mark.parametrize("name", [*SCRIPTS, "guard_our_policy_test.py"])
def test_example_has_a_main(name: str) -> None:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    if name.endswith("_test.py"):
        assert "def test_" in text
    else:
        assert "\ndef main() -> None:\n" in text
        assert text.endswith('\nif __name__ == "__main__":\n    main()\n')


def _institution_repo(tmp_path: Path) -> Path:
    """What an institution has after copying the guard test and writing its policy file."""
    shutil.copy(EXAMPLES / "guard_our_policy_test.py", tmp_path)
    shutil.copy(EXAMPLES / "our_school.toml", tmp_path)
    return tmp_path


def test_the_guard_passes_on_our_school(tmp_path: Path) -> None:
    repo = _institution_repo(tmp_path)
    args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "guard_our_policy_test.py"]
    done = _run([*args, "--yuqing-policy", "our_school.toml"], repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("3 passed")


def test_the_guard_fails_a_policy_edited_into_nonsense(tmp_path: Path) -> None:
    repo = _institution_repo(tmp_path)
    (repo / "broken.toml").write_text(
        'extends = "our_school.toml"\nname = "broken-school"\ntitle = "改坏了的制度"\n\n'
        '[[obligations]]\nid = "critical-report"\nwithin = "2wd"\n',
        encoding="utf-8",
    )
    args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "guard_our_policy_test.py"]
    done = _run([*args, "--yuqing-policy", "broken.toml"], repo)
    assert done.returncode == 1, done.stdout + done.stderr
    # From Sunday 2025-09-28 10:00 (worked): 2 working days are 09-29 and 09-30, ending at
    # business close 17:30; 24 hours end 09-29 10:00.
    expected = [
        "AssertionError: policy 'broken-school' is not sound: 2 problems",
        "obligations[4].within: critical-report (critical, 2wd) falls due 2025-09-30 17:30 but "
        "major-report (major, 24h) falls due 2025-09-29 10:00 when both start 2025-09-28 "
        "10:00: a higher level must never have a looser report deadline to principal_leader "
        "(主要领导) than a lower one",
        "obligations[4].within: critical-report (critical, 2wd) falls due 2025-09-30 17:30, "
        "after critical-response (initial_response, 24h) due 2025-09-29 10:00, when both "
        "start 2025-09-28 10:00: a report must not fall due after the response it precedes; "
        "if that is meant, say so in the reading of critical-report or in a note naming it "
        "(“晚于回应” / “after the response”)",
    ]
    shown = [line.removeprefix("E").strip() for line in done.stdout.splitlines()]
    assert [line for line in expected if line not in shown] == [], done.stdout
    assert "1 failed, 2 passed" in done.stdout.splitlines()[-1]


def test_the_district_school_watches_on_the_seven_holidays_only(tmp_path: Path) -> None:
    done = _run([str(EXAMPLES / "district_school.py")], tmp_path)
    watch = [line.split()[0] for line in done.stdout.splitlines() if "holiday-watch" in line]
    # National Day 2026: 1-7 October off; Saturday 10 Oct is a make-up working day and
    # Sunday 11 Oct an ordinary weekend day, so neither has a holiday watch.
    assert watch == [f"10-0{d}" for d in range(1, 8)]
