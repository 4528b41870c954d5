"""Provisional deadlines at the edges (issue 12): saved and loaded by the store, marked 暂定 in
timelines, accountability and the command line, and nowhere else.

The case: school-tiered, registered Wed 30 Dec 2026 17:00 and assessed major at 17:30. With
``holidays`` 0.109 the days from 1 Dec 2026 on are not settled, so its working-day deadlines
are provisional (worked out in tests/workflow/test_provisional.py): the report to the business
supervisor at 24:00 on 31 Dec 2026 and the response at 24:00 on 4 Jan 2027; the 24h report to
the principal leader (17:30 on 31 Dec) is elapsed time and settled. ``TEST_NOTICE_2027`` is a
made-up 2027 arrangement for the tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import yuqing_core as yq
from tests.helpers import TEST_NOTICE_2027, cst
from yuqing_core.cli import main
from yuqing_core.render import timeline
from yuqing_core.workflow import Case

NOW = cst(2027, 1, 2, 12)


@pytest.fixture
def case(tiered: yq.Policy) -> Case:
    found = cst(2026, 12, 30, 17)
    case = tiered.open_case(
        yq.Incident(id="YQ-2026-1230", title="跨年投诉", discovered_at=found),
        at=found,
        actor="monitor",
    )
    case.fire("assess", at=cst(2026, 12, 30, 17, 30), actor="office", severity="major")
    return case


def test_the_store_saves_and_loads_a_case_with_provisional_deadlines(
    case: Case, tiered: yq.Policy, tmp_path: Path
) -> None:
    store = yq.SQLiteStore(tmp_path / "s.db")
    store.save(case)
    loaded = store.load(tiered, case.id)
    assert loaded == case
    assert loaded.obligations == case.obligations
    items = store.due_before(cst(2027, 1, 31), limit=10)
    assert [(i.obligation_id, i.due_at) for i in items] == [
        ("major-report", cst(2026, 12, 31, 17, 30)),
        ("general-report", cst(2027, 1, 1)),
        ("general-response", cst(2027, 1, 5)),
    ]

    assert [i.provisional for i in items] == [False, True, True]


def test_a_notice_arriving_later_makes_stored_deadlines_official_and_says_what_changed(
    case: Case, tiered: yq.Policy, tmp_path: Path
) -> None:
    store = yq.SQLiteStore(tmp_path / "s.db")
    store.save(case)
    # The host adds the 2027 notice to its policy file (a new version of the policy) ...
    (tmp_path / "cn-2027.toml").write_text(TEST_NOTICE_2027, encoding="utf-8")
    policy_file = tmp_path / "school.toml"
    policy_file.write_text(
        'extends = "school-tiered"\n[calendar]\nnotices = ["cn-2027.toml"]\n', encoding="utf-8"
    )
    noticed = yq.load_policy(policy_file)
    assert noticed.fingerprint != tiered.fingerprint
    # ... and reindexes on 31 Dec 09:00. The report to the business supervisor moves to 24:00
    # on 3 Jan (Sun 3 Jan is a make-up working day, 31 Dec-2 Jan rest) and becomes official;
    # the response keeps 24:00 on 4 Jan, now official; the 24h report is unchanged.
    at = cst(2026, 12, 31, 9)
    assert store.reindex(noticed, at=at) == [
        yq.ReindexChange(
            case.id,
            "general-report",
            cst(2027, 1, 1),
            cst(2027, 1, 4),
            "pending",
            "pending",
            old_provisional=True,
            new_provisional=False,
        ),
        yq.ReindexChange(
            case.id,
            "general-response",
            cst(2027, 1, 5),
            cst(2027, 1, 5),
            "pending",
            "pending",
            old_provisional=True,
            new_provisional=False,
        ),
    ]
    items = store.due_before(cst(2027, 1, 31), limit=10)
    assert [(i.obligation_id, i.due_at, i.provisional) for i in items] == [
        ("major-report", cst(2026, 12, 31, 17, 30), False),
        ("general-report", cst(2027, 1, 4), False),
        ("general-response", cst(2027, 1, 5), False),
    ]
    loaded = store.load(noticed, case.id)
    assert [(o.id, o.due_at, o.provisional) for o in loaded.obligations] == [
        ("general-report", cst(2027, 1, 4), False),
        ("general-response", cst(2027, 1, 5), False),
        ("major-report", cst(2026, 12, 31, 17, 30), False),
    ]
    assert loaded.events[-1].trigger == "adopt_policy"


def test_a_timeline_marks_provisional_due_instants(case: Case) -> None:
    assert timeline.render(case, NOW).splitlines()[3:] == [
        "  2026-12-31 17:30 Thu  ◆ major-report     报告 → 主要领导 [R3.2] ✗ 超时 BREACHED",
        "  2027-01-01 00:00 Fri  ◆ general-report   报告 → 业务主管部门 [R3.1] ✗ 超时 BREACHED "
        "暂定 provisional",
        "  2027-01-05 00:00 Tue  ◆ general-response 初步处置并回应 → 责任单位 [R3.2] … "
        "暂定 provisional",
    ]
    assert timeline.render(case, NOW, "markdown").splitlines()[-3:] == [
        "| 2026-12-31 17:30 | 时限 | `major-report` | 报告 → 主要领导 | R3.2 | ✗ 超时 BREACHED |",
        "| 2027-01-01 00:00 | 时限 | `general-report` | 报告 → 业务主管部门 | R3.1 | "
        "✗ 超时 BREACHED 暂定 provisional |",
        "| 2027-01-05 00:00 | 时限 | `general-response` | 初步处置并回应 → 责任单位 | R3.2 | … "
        "暂定 provisional |",
    ]
    rows = json.loads(timeline.render(case, NOW, "json"))["rows"]
    # The key is there only where it is true: a settled timeline's data is unchanged.
    assert [r.get("provisional") for r in rows] == [None, None, None, True, True]
    assert [r.provisional for r in timeline.rows(case, NOW)] == [False, False, False, True, True]
    assert timeline.gantt(case, NOW).splitlines()[5:8] == [
        "    报告 business_supervisor (R3.1) 暂定 provisional :crit, o_general_report, "
        "2026-12-30 17:00, 2027-01-01 00:00",
        "    初步处置并回应 handling_unit (R3.2) 暂定 provisional :o_general_response, "
        "2026-12-30 17:00, 2027-01-05 00:00",
        "    报告 principal_leader (R3.2) :crit, o_major_report, 2026-12-30 17:30, "
        "2026-12-31 17:30",
    ]


def test_a_settled_timeline_has_no_mark(tiered: yq.Policy) -> None:
    found = cst(2025, 11, 3, 9)
    case = tiered.open_case(
        yq.Incident(id="YQ-S", title="t", discovered_at=found), at=found, actor="m"
    )
    text = timeline.render(case, cst(2025, 11, 10), "markdown") + timeline.gantt(
        case, cst(2025, 11, 10)
    )
    assert "暂定" not in text
    assert "provisional" not in timeline.render(case, cst(2025, 11, 10), "json")


def test_accountability_says_which_missed_deadlines_are_provisional(case: Case) -> None:
    rows = yq.accountability([case], cst(2026, 12, 1), cst(2027, 2, 1), now=cst(2027, 1, 10))
    assert [
        (i.obligation_id, i.due_at, i.outcome, i.provisional) for r in rows for i in r.items
    ] == [
        ("general-report", cst(2027, 1, 1), "missed", True),
        ("general-response", cst(2027, 1, 5), "missed", True),
        ("major-report", cst(2026, 12, 31, 17, 30), "missed", False),
    ]
    assert yq.render_accountability_markdown(rows).splitlines()[2:] == [
        "| 业务主管部门 | 0 | 1 | YQ-2026-1230 general-report（R3.1）时限 2027-01-01 00:00 "
        "暂定 provisional，未办 |",
        "| 责任单位 | 0 | 1 | YQ-2026-1230 general-response（R3.2）时限 2027-01-05 00:00 "
        "暂定 provisional，未办 |",
        "| 主要领导 | 0 | 1 | YQ-2026-1230 major-report（R3.2）时限 2026-12-31 17:30，未办 |",
    ]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(list(argv))
    return code, capsys.readouterr().out.splitlines()


def test_yuqing_due_says_when_the_answer_rests_on_an_unsettled_day(
    capsys: pytest.CaptureFixture[str], tmp_policy: Any
) -> None:
    code, out = _run(capsys, "due", "2026-12-30T17:00+08:00", "1wd")
    assert code == 0
    assert out[3:] == [
        "到期 due: 2027-01-01 00:00 +08:00 周五 Fri",
        "规则 rule: 末日 2026-12-31 周四 Thu 24:00 届满，记作次日 00:00 / ends at 24:00 on the "
        "last day, shown as 00:00 of the next day",
        "暂定 provisional: 是，放假调休安排确定至 2026-11-30，此后的日子可能随下一年的通知调整 / "
        "yes, the schedule is settled to 2026-11-30; later days may move with the next notice",
        "推定 projected: 否 / no",
    ]
    # With the 2027 notice in the policy, the same question has an official answer.
    tmp_policy("cn-2027.toml", TEST_NOTICE_2027)
    policy = tmp_policy(
        "p.toml", 'name = "p"\ntitle = "p"\n[calendar]\nnotices = ["cn-2027.toml"]\n'
    )
    code, out = _run(capsys, "due", "--policy", str(policy), "2026-12-30T17:00+08:00", "1wd")
    assert out[2:] == [
        "时限 duration: 1wd — 1 个工作日 / 1 working day",
        "到期 due: 2027-01-04 00:00 +08:00 周一 Mon",
        "规则 rule: 末日 2027-01-03 周日 Sun 24:00 届满，记作次日 00:00 / ends at 24:00 on the "
        "last day, shown as 00:00 of the next day",
        "推定 projected: 否 / no",
    ]


def test_yuqing_simulate_marks_provisional_deadlines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lines = [
        {
            "type": "incident",
            "id": "YQ-2026-1230",
            "title": "跨年投诉",
            "discovered_at": "2026-12-30T17:00:00+08:00",
            "actor": "monitor",
        },
        {
            "type": "event",
            "case": "YQ-2026-1230",
            "trigger": "assess",
            "at": "2026-12-30T17:30:00+08:00",
            "actor": "office",
            "data": {"severity": "major"},
        },
        {"type": "now", "at": "2027-01-04T09:00:00+08:00"},
    ]
    sim = tmp_path / "sim.jsonl"
    sim.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    code, out = _run(capsys, "simulate", "--policy", "school-tiered", str(sim))
    assert code == 0
    # The response's two working days (31 Dec, 4 Jan) count 7 + 24 + 24 = 55 h of working
    # time from 30 Dec 17:00; 75% is 41.25 h, reached at 10:15 on 4 Jan: at 09:00 it is still
    # pending, as the three rest days between do not count.
    assert out[3:] == [
        "  2026-12-31 17:30 Thu  ◆ major-report     报告 → 主要领导 [R3.2] ✗ 超时 BREACHED",
        "  2027-01-01 00:00 Fri  ◆ general-report   报告 → 业务主管部门 [R3.1] ✗ 超时 BREACHED "
        "暂定 provisional",
        "  2027-01-05 00:00 Tue  ◆ general-response 初步处置并回应 → 责任单位 [R3.2] … "
        "暂定 provisional",
        "",
        "1 cases, 2 breached obligations",
    ]


def test_yuqing_check_names_the_notice_file_and_key(
    capsys: pytest.CaptureFixture[str], tmp_policy: Any
) -> None:
    notice = tmp_policy(
        "cn-2027.toml",
        TEST_NOTICE_2027.replace("work_days = [2027-01-03]", "work_days = [2027-01-04]"),
    )
    policy = tmp_policy(
        "p.toml",
        'name = "p"\ntitle = "p"\n[calendar]\nnotices = ["cn-2027.toml", "cn-2028.toml"]\n',
    )
    code, out = _run(capsys, "check", str(policy))
    assert code == 1
    assert out == [
        f"{notice}: holidays[0].work_days[0]: 2027-01-04 is a Monday: a make-up working day is a "
        "Saturday or a Sunday",
        f"{policy}: calendar.notices[1]: {policy.parent / 'cn-2028.toml'}: no such notice file",
    ]
