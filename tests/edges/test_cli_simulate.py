"""``yuqing simulate`` reports each bad line with its number and goes on, then counts them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yuqing_core.cli import main

OPEN_2031 = {
    "type": "incident",
    "id": "A",
    "title": "t",
    "discovered_at": "2031-03-03T09:00:00+08:00",
}


def _event(trigger: str, at: str, **data: object) -> str:
    line = {"type": "event", "case": "A", "trigger": trigger, "at": at}
    return json.dumps(line | ({"data": data} if data else {}))


def test_every_bad_line_is_named_and_the_run_goes_on_to_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "in.jsonl"
    lines = [
        json.dumps(OPEN_2031),  # 2031: past the official years, counted provisionally
        _event("fly", "2031-03-03T10:00:00+08:00"),
        _event("report", "2031-03-03T10:00:00+08:00", role=12),
        "not json",
        '{"type": "incident", "id": "B", "title": "t"',
        "# a comment, and a blank line after it",
        "",
        _event("escalate", "2031-03-03T11:00:00+08:00", severity="huge"),
        _event("report", "2031-03-04T09:00:00+08:00", role="business_supervisor"),
    ]
    f.write_text("\n".join(lines), encoding="utf-8")
    assert main(["simulate", "--policy", "school-tiered", str(f)]) == 1
    captured = capsys.readouterr()
    allowed = (
        "assess, report, assign, start, draft_reply, respond, track, stabilize, review, "
        "dismiss, escalate, downgrade, update_metrics, extend, supervise, follow_up, "
        "refer, acknowledge, pause, conclude, waive"
    )
    assert captured.err.splitlines() == [
        # The trigger itself could not fire: what could is listed.
        f"yuqing: {f}:2: unknown trigger 'fly' (allowed now: {allowed})",
        # A data error gives its reason alone.
        f"yuqing: {f}:3: data.role: Input should be a valid string (got 12)",
        f"yuqing: {f}:4: not valid JSON (at column 1)",
        f"yuqing: {f}:5: not valid JSON (at column 45)",
        f"yuqing: {f}:8: data.severity: 'huge' is not a severity (one of low, general, "
        "significant, major, critical)",
        f"yuqing: {f}: 5 of 7 lines failed and were skipped",
    ]
    out = captured.out.splitlines()
    # The lines after the bad ones ran: the report of line 9 met the general report, due on
    # Wed 5 Mar 2031 00:00 (1 working day from Mon 3 Mar), provisional past the known years.
    assert out[0] == "A t — school-tiered: reported (上报), general (一般)"
    assert out[3] == (
        "  2031-03-05 00:00 Wed  ◆ general-report   报告 → 业务主管部门（03-04 09:00 履行 met） "
        "[R3.1] ✓ 暂定 provisional"
    )
    assert out[-1] == "1 cases, 0 breached obligations"


def test_a_clean_run_says_nothing_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps(OPEN_2031) + "\n", encoding="utf-8")
    assert main(["simulate", "--policy", "school-tiered", str(f)]) == 0
    assert capsys.readouterr().err == ""


def test_input_that_opens_no_case_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text('{"type": "now", "at": "2025-11-03T09:00:00+08:00"}\n', encoding="utf-8")
    assert main(["simulate", "--policy", "school-tiered", str(f)]) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"yuqing: {f}: no case was opened\n")


def test_a_line_that_fails_is_counted_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps(OPEN_2031) + "\n[1]\n", encoding="utf-8")
    assert main(["simulate", "--policy", "school-tiered", str(f)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"yuqing: {f}:2: a line must be a JSON object",
        f"yuqing: {f}: 1 of 2 lines failed and was skipped",
    ]
