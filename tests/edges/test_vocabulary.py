"""``docs/reference/vocabulary.md`` is generated from the code, complete, and kept in step."""

from __future__ import annotations

import json

import pytest

import yuqing_core as yq
from tests.helpers import REPO
from yuqing_core.cli import main
from yuqing_core.model import Category, Metrics, Severity
from yuqing_core.model.incident import KNOWN_FLAGS, METRIC_LABELS
from yuqing_core.model.vocab import ObligationKind, Role, State, Trigger
from yuqing_core.render import vocabulary as v
from yuqing_core.simulate import LINE_FIELDS, simulate
from yuqing_core.workflow.commands import COMMAND_MODELS

PAGE = REPO / "docs" / "reference" / "vocabulary.md"


def test_the_page_is_what_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--vocabulary"]) == 0
    printed = capsys.readouterr().out
    assert printed == v.markdown_vocabulary()
    assert PAGE.read_text(encoding="utf-8") == printed, (
        "docs/reference/vocabulary.md is stale: run "
        "`yuqing schema --vocabulary > docs/reference/vocabulary.md`"
    )


def test_the_page_is_in_the_site_navigation() -> None:
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "      - 词汇表 Vocabulary: reference/vocabulary.md\n" in nav


@pytest.mark.parametrize(
    ("members", "english"),
    [
        pytest.param({s.value: s.label for s in State}, v.STATE_EN, id="states"),
        pytest.param({t.value: t.label for t in Trigger}, v.TRIGGER_EN, id="triggers"),
        pytest.param({r.value: r.label for r in Role}, v.ROLE_EN, id="roles"),
        pytest.param({k.value: k.label for k in ObligationKind}, v.KIND_EN, id="kinds"),
        pytest.param({s.key: s.label for s in Severity}, v.SEVERITY_EN, id="levels"),
        pytest.param({c.value: c.label for c in Category}, v.CATEGORY_EN, id="categories"),
        pytest.param(dict(KNOWN_FLAGS), v.FLAG_EN, id="flags"),
    ],
)
def test_every_word_has_its_chinese_label_and_english_on_the_page(
    members: dict[str, str], english: dict[str, str]
) -> None:
    assert set(english) == set(members)  # a new member needs its English here
    page = v.markdown_vocabulary()
    for key, label in members.items():
        row = f"| `{key}` | {label} | {english[key]} |"
        assert row in page or f"{row} " in page, row


def test_every_trigger_lists_the_data_its_command_takes() -> None:
    page = v.markdown_vocabulary()
    for trigger, model in COMMAND_MODELS.items():
        row = next(line for line in page.splitlines() if line.startswith(f"| `{trigger}` |"))
        for name, field in model.model_fields.items():
            if name == "auto":
                assert "`auto`" not in row  # written by the library, refused from a host
                continue
            shown = f"**`{name}`**" if field.is_required() else f"`{name}`"
            assert shown in row, (trigger, name)
            assert name in v.DATA_KEYS
    assert set(COMMAND_MODELS) == {t.value for t in Trigger} - {"open"}


def test_every_field_of_a_simulation_line_is_described() -> None:
    assert set(yq.Incident.model_fields) == set(v.INCIDENT_KEYS)
    assert set(Metrics.model_fields) == {"observed_at", *METRIC_LABELS}
    page = v.markdown_vocabulary()
    for fields in LINE_FIELDS.values():
        for f in fields:
            assert f"`{f.name}`" in page


def test_the_documented_keys_of_a_simulation_line_are_the_keys_it_reads() -> None:
    """Every key the page lists for each type of line is read: a line with all of them runs."""
    incident = {
        "type": "incident",
        "id": "A",
        "title": "t",
        "discovered_at": "2025-11-03T09:00:00+08:00",
        "posted_at": "2025-11-03T08:00:00+08:00",
        "category": "inquiry",
        "metrics": [{"observed_at": "2025-11-03T08:30:00+08:00", "views": 3}],
        "flags": ["emergency"],
        "source": {"platform": "微博"},
        "reporter": {"unit": "后勤处"},
        "unit": "后勤处",
        "summary": "…",
        "open_at": "2025-11-03T09:10:00+08:00",
        "actor": "monitor-1",
        "severity": "major",
        "reason": "上级关注",
    }
    event = {
        "type": "event",
        "case": "A",
        "trigger": "report",
        "at": "2025-11-03T09:20:00+08:00",
        "actor": "monitor-1",
        "actor_roles": ["monitor"],
        "data": {"role": "principal_leader"},
    }
    now = {"type": "now", "at": "2025-11-03T12:00:00+08:00"}
    documented = {k: {f.name for f in fields} for k, fields in LINE_FIELDS.items()}
    assert documented["incident"] | set(v.INCIDENT_KEYS) == set(incident) - {"type"}
    assert documented["event"] == set(event) - {"type"}
    assert documented["now"] == set(now) - {"type"}
    sim = simulate(
        yq.presets.load("school-tiered"), [json.dumps(x) for x in (incident, event, now)]
    )
    assert sim.errors == []
    assert sim.cases["A"].severity is Severity.MAJOR
