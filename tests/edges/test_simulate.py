from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

import yuqing_core as yq
from tests.helpers import REPO, cst
from yuqing_core.cli import main
from yuqing_core.render import timeline
from yuqing_core.render.diagram import mermaid
from yuqing_core.simulate import simulate

SAMPLE = Path(str(resources.files("yuqing_core") / "data" / "sample_simulation.jsonl"))


def test_sample_simulation_marks_the_breach(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--policy", "school-tiered", str(SAMPLE)]) == 0
    out = capsys.readouterr().out.splitlines()
    # Found Fri 13 Feb 2026 10:00, major: 2 working days are Sat 14 Feb (调休) and Tue 24 Feb.
    assert (
        "  2026-02-25 00:00 Wed  ◆ major-response   初步处置并回应 → 责任单位 [R3.2] "
        "✗ 超时 BREACHED"
    ) in out
    assert (
        "  2025-10-12 00:00 Sun  ◆ general-response 初步处置并回应 → 责任单位"
        "（10-11 16:00 履行 met） [R3.1] ✓"
    ) in out
    assert out[-1] == "2 cases, 1 breached obligations"


def test_simulate_json_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--policy", "school-tiered", "--format", "json", str(SAMPLE)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["now"] == "2026-02-27T12:00:00+08:00"
    assert doc["breaches"] == [{"case": "YQ-2026-0213-02", "obligation": "major-response"}]
    assert [c["state"] for c in doc["cases"]] == ["responded", "reported"]
    assert main(["simulate", "--policy", "school-tiered", "--format", "markdown", str(SAMPLE)]) == 0
    md = capsys.readouterr().out
    assert "| 2026-02-25 00:00 | 时限 | `major-response` | 初步处置并回应 → 责任单位 | R3.2 |" in md


def test_bad_lines_are_reported_with_numbers_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(
        "\n".join(
            [
                '{"type": "incident", "id": "A", "title": "t", '
                '"discovered_at": "2025-11-03T09:00:00+08:00"}',
                '{"type": "event", "case": "A", "trigger": "fly", '
                '"at": "2025-11-03T10:00:00+08:00"}',
                '{"type": "event", "case": "B", "trigger": "report", '
                '"at": "2025-11-03T10:00:00+08:00"}',
                '{"type": "incident", "id": "C", "title": "t", '
                '"discovered_at": "2025-11-03T09:00"}',
                "not json",
            ]
        ),
        encoding="utf-8",
    )
    assert main(["simulate", "--policy", "school-tiered", str(f)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"yuqing: {f}:2: unknown trigger 'fly'")
    assert err[1] == f"yuqing: {f}:3: no open case 'B'"
    assert err[2].startswith(f"yuqing: {f}:4: discovered_at: 2025-11-03T09:00:00 has no time zone")
    assert err[3] == f"yuqing: {f}:5: not valid JSON (at column 1)"
    assert err[4] == f"yuqing: {f}: 4 of 5 lines failed and were skipped"


def test_simulate_reports_progress_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--policy", "school-tiered", "--progress", str(SAMPLE)]) == 0
    assert capsys.readouterr().err.strip().endswith("9/9 lines")  # a comment line and 8 records


def test_schema_is_json_schema_with_descriptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    ob = schema["$defs"]["ObligationSpec"]
    assert ob["additionalProperties"] is False
    assert "逐级" in ob["properties"]["after"]["description"]
    assert schema["properties"]["schema_version"]["const"] == 1


def test_diagram_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram", "--policy", "school-tiered"]) == 0
    out = capsys.readouterr().out
    assert "  reviewed --> archived: archive" in out
    assert "  registered --> archived: archive" not in out
    assert main(["diagram", "--policy", "school-tiered", "--full"]) == 0
    assert "  registered --> archived: archive" in capsys.readouterr().out


def test_mermaid_diagram(tiered: yq.Policy) -> None:
    text = mermaid(tiered.workflow)
    assert text.startswith("---")
    assert "stateDiagram-v2" in text
    assert "registered --> assessed: assess" in text
    assert "stabilized --> reviewed: review" in text


def test_gantt_marks_met_and_breached() -> None:
    sim = simulate(yq.presets.load("school-tiered"), SAMPLE.read_text("utf-8").splitlines())
    case = sim.cases["YQ-2026-0213-02"]
    chart = timeline.gantt(case, cst(2026, 2, 27, 12))
    assert chart.splitlines()[:3] == [
        "gantt",
        "    title YQ-2026-0213-02 寒假返校安排被误读",
        "    dateFormat YYYY-MM-DD HH:mm",
    ]
    assert (
        "    报告 principal_leader (R3.2) :done, o_major_report, 2026-02-13 10:00, 2026-02-14 10:00"
        in chart
    )
    assert (
        "    初步处置并回应 handling_unit (R3.2) :crit, o_major_response, 2026-02-13 10:00, "
        "2026-02-25 00:00" in chart
    )


def test_policy_file_reference_page_is_generated_from_the_schema() -> None:
    from yuqing_core.render.reference import markdown_reference

    page = REPO / "docs" / "reference" / "policy-file.md"
    assert page.read_text(encoding="utf-8") == markdown_reference(), (
        "docs/reference/policy-file.md is stale: run "
        "`yuqing schema --markdown > docs/reference/policy-file.md`"
    )
