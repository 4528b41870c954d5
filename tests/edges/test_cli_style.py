"""One style for every command: errors on stderr, one line each, ``yuqing:`` first, no
traceback; exit 2 for a wrong command line, 1 for findings, failed lines or bad data;
``--version``; negative durations read as values; ``--allow-projection``; one rule for times
without an offset."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, tzinfo
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import yuqing_core
from yuqing_core.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- usage errors: exit 2, one line naming the command and its --help ------------------------

USAGE_ERRORS = [
    pytest.param((), "", "the following arguments are required: COMMAND", id="no-command"),
    pytest.param(("fly",), "", "argument COMMAND: invalid choice: 'fly'", id="unknown-command"),
    pytest.param(("demo", "--fast"), "demo", "unrecognized arguments: --fast", id="demo-option"),
    pytest.param(
        ("demo", "--policy", "nope"), "demo", "argument --policy: invalid choice: 'nope'", id="demo"
    ),
    pytest.param(
        ("check",), "check", "the following arguments are required: FILE", id="check-no-file"
    ),
    pytest.param(
        ("diagram",), "diagram", "the following arguments are required: --policy", id="diagram"
    ),
    pytest.param(
        ("simulate", "--policy", "school-tiered"),
        "simulate",
        "the following arguments are required: FILE.jsonl",
        id="simulate-no-file",
    ),
    pytest.param(
        ("simulate", "--policy", "school-tiered", "--format", "pdf", "x.jsonl"),
        "simulate",
        "argument --format: invalid choice: 'pdf'",
        id="simulate-format",
    ),
    pytest.param(
        ("schema", "--markdown", "--vocabulary"),
        "schema",
        "argument --vocabulary: not allowed with argument --markdown",
        id="schema-both-pages",
    ),
    pytest.param(
        ("due", "2025-09-30T10:00+08:00"),
        "due",
        "the following arguments are required: DURATION",
        id="due-no-duration",
    ),
    pytest.param(
        ("due", "2025-09-30T10:00+08:00", "3x"),
        "due",
        "argument DURATION: '3x' is not a duration (write 90min, 3h, 3d, 1wd, same_day or now)",
        id="due-bad-duration",
    ),
    pytest.param(
        ("calendar", "2025-13"),
        "calendar",
        "argument YYYY-MM: '2025-13' is not a month (write 2025-10)",
        id="calendar-month",
    ),
    pytest.param(
        ("calendar", "2025-10", "--today", "30/9"),
        "calendar",
        "argument --today: '30/9' is not an ISO date or datetime (write 2025-09-30, or "
        "2025-09-30T10:00 to count from that time)",
        id="calendar-today",
    ),
    pytest.param(("presets", "a", "b"), "presets", "unrecognized arguments: b", id="presets-extra"),
]


@pytest.mark.parametrize(("argv", "command", "message"), USAGE_ERRORS)
def test_a_wrong_command_line_is_one_line_on_stderr_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], command: str, message: str
) -> None:
    code, out, err = _run(capsys, *argv)
    assert (code, out) == (2, "")
    where = f"{command}: " if command else ""
    see = f"yuqing {command} --help" if command else "yuqing --help"
    assert err.startswith(f"yuqing: {where}{message}")
    assert err.endswith(f"; see {see}\n")
    assert err.count("\n") == 1


# -- errors of data and policies: exit 1, each line yuqing: ---------------------------------

DATA_ERRORS = [
    pytest.param(
        ("due", "--policy", "nope", "2025-09-30T10:00+08:00", "1wd"),
        "yuqing: 'nope' is not a preset (presets: ",
        id="due-unknown-policy",
    ),
    pytest.param(
        ("diagram", "--policy", "missing.toml"),
        "yuqing: missing.toml: no such file",
        id="diagram-missing-file",
    ),
    pytest.param(
        ("presets", "nope"), "yuqing: 'nope' is not a preset (presets: ", id="presets-unknown"
    ),
    pytest.param(
        ("simulate", "--policy", "school-tiered", "missing.jsonl"),
        "yuqing: missing.jsonl: cannot be read (No such file or directory)",
        id="simulate-missing-file",
    ),
    pytest.param(
        ("due", "2025-09-30T10:00+08:00", "now"),
        "yuqing: 'now' needs an explicit immediate grace",
        id="due-now-without-grace",
    ),
]


@pytest.mark.parametrize(("argv", "start"), DATA_ERRORS)
def test_an_error_in_the_data_is_on_stderr_and_exit_1(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    argv: tuple[str, ...],
    start: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, *argv)
    assert (code, out) == (1, "")
    assert err.startswith(start), err
    assert all(line.startswith("yuqing: ") for line in err.splitlines())


def test_a_policy_file_with_several_problems_gives_a_line_each(
    capsys: pytest.CaptureFixture[str], tmp_policy: Any
) -> None:
    bad = tmp_policy("bad.toml", 'name = "b"\ntitle = "b"\ncolour = 1\n[timing]\nfoo = 2\n')
    code, out, err = _run(capsys, "diagram", "--policy", str(bad))
    assert (code, out) == (1, "")
    assert sorted(err.splitlines()) == [
        f"yuqing: {bad}: colour: unknown key",
        f"yuqing: {bad}: timing.foo: unknown key",
    ]


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "--version") == (0, f"yuqing {yuqing_core.__version__}\n", "")
    code, out, err = _run(capsys, "--help")
    assert (code, err) == (0, "")
    text = " ".join(out.split())
    assert (
        "a time without an offset (2025-09-30T10:00) is read in the zone of the policy's "
        "calendar (Asia/Shanghai unless the policy sets [calendar] timezone)"
    ) in text
    assert "Exit codes: 0 ok; 1 findings (check), failed lines (simulate)" in text
    for command in ("due", "simulate", "calendar"):
        code, out, _ = _run(capsys, command, "--help")
        assert code == 0
        assert "without an offset" in " ".join(out.split()), command


def test_the_installed_command_prints_one_line_and_no_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "yuqing_core.cli", "due", "2025-09-30T10:00", "-3h"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "yuqing: due: argument DURATION: '-3h' is negative: a time limit counts forward from "
        "its start (write 3h); see yuqing due --help\n"
    )


# -- negative durations are values ----------------------------------------------------------


def test_a_negative_duration_is_read_as_a_value_and_refused_by_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for argv in (
        ("due", "2025-09-30T10:00+08:00", "-3h"),
        ("due", "--policy", "school-tiered", "2025-09-30T10:00+08:00", "-1wd"),
    ):
        code, out, err = _run(capsys, *argv)
        assert (code, out) == (2, "")
        assert "unrecognized arguments" not in err
        assert "argument DURATION: '-" in err
        assert "is negative: a time limit counts forward from its start (write " in err
    code, _, err = _run(capsys, "calendar", "2025-10", "--within", "-1wd")
    assert code == 2
    assert err == (
        "yuqing: calendar: argument --within: '-1wd' is negative: a time limit counts forward "
        "from its start (write 1wd); see yuqing calendar --help\n"
    )


# -- --allow-projection where coverage matters ----------------------------------------------

HINT = (
    "; upgrade holidays, add the year's notice file ([calendar] notices), or pass "
    "--allow-projection to count it by rule\n"
)


def test_due_past_the_official_years_names_the_flag_and_the_flag_projects(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run(capsys, "due", "2031-03-03T10:00+08:00", "1wd")
    assert (code, out) == (1, "")
    assert err.startswith("yuqing: 2031 is past the official holiday schedule this calendar knows")
    assert err.endswith(HINT)
    assert "allow_projection=True" not in err
    code, out, err = _run(capsys, "due", "--allow-projection", "2031-03-03T10:00+08:00", "1wd")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    # Mon 3 Mar 2031: one working day is Tue 4 Mar, due at 24:00 that day.
    assert lines[3] == "到期 due: 2031-03-05 00:00 +08:00 周三 Wed"
    assert lines[-1] == (
        "推定 projected: 是，官方调休安排仅至 2026 年 / yes, the official schedule ends with 2026"
    )


def test_calendar_past_the_official_years_names_the_flag_and_the_flag_projects(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run(capsys, "calendar", "2027-05", "--today", "2027-04-30")
    assert (code, out) == (1, "")
    assert err.startswith("yuqing: 2027 is past the official holiday schedule")
    assert err.endswith(HINT)
    code, out, err = _run(
        capsys, "calendar", "2027-05", "--allow-projection", "--today", "2027-04-30"
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert (
        lines[0]
        == "2027年5月 May 2027 · 官方日历 official calendar (Asia/Shanghai) · 推定 projected"
    )
    # Labour Day 2027 falls on Sat 1 and Sun 2 May: the days off move to Mon 3 and Tue 4.
    assert lines[-2] == (
        "  3wd      → 2027-05-08 00:00 +08:00 周六 Sat（末日 last day 05-07） 推定 projected"
    )


# -- one rule for times without an offset ---------------------------------------------------

OPEN = '{"type": "incident", "id": "A", "title": "t", "discovered_at": "2025-11-03T09:00:00+08:00"}'


def test_a_time_without_offset_is_read_in_the_calendar_zone_by_every_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    note = "注意 note: {} 未带时区，按 Asia/Shanghai 理解 / {} has no offset; read in Asia/Shanghai"
    code, out, _ = _run(capsys, "due", "2025-09-30T10:00", "1wd")
    assert code == 0
    assert out.splitlines()[2] == note.format("START", "START")
    f = tmp_path / "in.jsonl"
    f.write_text(OPEN + "\n", encoding="utf-8")
    code, out, err = _run(
        capsys, "simulate", "--policy", "school-tiered", "--format", "json", "--now",
        "2025-11-04T09:00", str(f),
    )  # fmt: skip
    assert code == 0
    assert err == "yuqing: " + note.format("--now", "--now") + "\n"
    assert '"now": "2025-11-04T09:00:00+08:00"' in out
    code, out, err = _run(capsys, "calendar", "2025-10", "--today", "2025-09-30T22:30")
    assert (code, err) == (0, "")
    assert out.splitlines()[1] == note.format("--today", "--today")


def test_a_bad_time_is_refused_in_one_wording_by_every_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(OPEN, encoding="utf-8")
    _, _, due_err = _run(capsys, "due", "soon", "1wd")
    _, _, sim_err = _run(capsys, "simulate", "--policy", "school-tiered", "--now", "soon", str(f))
    reason = (
        "'soon' is not an ISO datetime (write 2025-09-30T10:00+08:00, or 2025-09-30T10:00 in "
        "the calendar's zone)"
    )
    assert due_err == f"yuqing: due: argument START: {reason}; see yuqing due --help\n"
    assert sim_err == (f"yuqing: simulate: argument --now: {reason}; see yuqing simulate --help\n")


# -- calendar: where deadlines start --------------------------------------------------------


def test_calendar_counts_from_the_time_given_or_refuses_elapsed_time_from_a_day(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run(capsys, "calendar", "2025-10", "--today", "2025-09-30", "--within", "2h")
    assert (code, out) == (2, "")
    assert err == (
        "yuqing: calendar: --within 2h counts from a time of day, and --today 2025-09-30 is a "
        "day: give a time (--today 2025-09-30T09:00) or leave --today out to count from now\n"
    )
    code, out, err = _run(
        capsys, "calendar", "2025-10", "--today", "2025-09-30T22:30+08:00",
        "--within", "2h", "--within", "1wd",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.splitlines()[-3:] == [
        "今日 today 2025-09-30 周二 Tue，自 22:30 起算 / counted from 22:30:",
        "  2h       → 2025-10-01 00:30 +08:00 周三 Wed",
        "  1wd      → 2025-10-10 00:00 +08:00 周五 Fri（末日 last day 10-09）",
    ]


def test_calendar_without_today_counts_from_now(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Clock(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Clock:
            return cls(2025, 9, 30, 22, 30, tzinfo=tz)

    monkeypatch.setattr("yuqing_core.cli.calendar.datetime", Clock)
    code, out, err = _run(capsys, "calendar", "2025-10", "--within", "2h")
    assert (code, err) == (0, "")
    assert out.splitlines()[-2:] == [
        "今日 today 2025-09-30 周二 Tue，自 22:30 起算 / counted from 22:30:",
        "  2h       → 2025-10-01 00:30 +08:00 周三 Wed",
    ]


# -- no traceback, whatever the command line ------------------------------------------------

_TOKENS = st.sampled_from(
    [
        "due", "calendar", "check", "diagram", "schema", "presets", "simulate", "--policy",
        "school-tiered", "nope", "x.toml", "--today", "--within", "--now", "--allow-projection",
        "2025-09-30T10:00", "2025-10", "2031-01", "1wd", "-3h", "3x", "same_day", "now",
        "--strict", "--merged", "--full", "--format", "json", "", "-", "--", "=",
    ]
)  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(argv=st.lists(st.one_of(_TOKENS, st.text(max_size=12)), max_size=6))
def test_any_command_line_ends_in_an_exit_code_and_one_line_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if "-" in argv or "demo" in argv:
        return  # standard input is not there under pytest; the demo has its own tests
    monkeypatch.setattr("sys.stdin", None)
    code = main(argv)
    captured = capsys.readouterr()
    assert code in (0, 1, 2)
    if code:
        assert captured.err
        assert all(line.startswith("yuqing: ") for line in captured.err.splitlines())
