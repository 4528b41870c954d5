"""The rule catalogue (``docs/rules.md``): every rule id the code and docs cite is defined there,
every entry says how it is encoded (a preset key that exists in the loaded preset and cites that
rule, or library code) or why it is not, and which tests prove it; every rule a preset encodes is
listed; and nothing in the repository points readers to files they do not have.

Also the proofs the catalogue cites that no preset module makes: the daily monitoring duties of
four presets fall on the days their sources say, on the official calendar.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import yuqing_core as yq
from tests.helpers import REPO, cst

CATALOGUE = REPO / "docs" / "rules.md"
SCANNED = [REPO / "src", REPO / "docs", REPO / "examples", REPO / "README.md"]
TEXT_SUFFIXES = {".py", ".toml", ".jsonl", ".json", ".md", ".txt", ".yml", ".yaml"}

ID = r"(?:P\d+|S\d+|R\d+(?:\.\d+)+|X\d+)"
"""A rule id: a principle P3, a source system S3, a rule R3.1 of S3, a cross-cutting rule X2."""
CITED = re.compile(rf"(?<![A-Za-z0-9_.]){ID}(?![A-Za-z0-9_])")
RANGE = re.compile(r"(?<![A-Za-z0-9_])([PSX])(\d+)\s*(?:-|–|—|…|\.\.)\s*\1(\d+)(?![A-Za-z0-9_])")
FORBIDDEN = re.compile(r"RULES\.md|\bRULES\b|seeds/|shared/")

HEADING = re.compile(rf"^(#{{3,4}}) ({ID}) (.+)$")
FIELD = re.compile(r"^- \*\*(.+?)\*\*：(.*)$")
SPAN = re.compile(r"`([^`]+)`")
KEY = r"[a-z_]+(?:\[[^\]]+\])?"
"""One step of a key path: ``workflow``, ``obligations[general-report]``."""
PRESET_REF = re.compile(rf"^([a-z][a-z0-9-]*): ({KEY}(?:\.{KEY})*)$")
LIBRARY_REF = re.compile(r"^yuqing_core(?:\.\w+)+$")
TEST_REF = re.compile(r"^(tests/[\w/]+\.py)::(test_\w+)$")

SAYS, ENCODED, NOT_ENCODABLE, TESTS = (
    "内容",
    "编码 Encoded",
    "不可编码 Not encodable",
    "测试 Tests",
)
STATUSES = (ENCODED, NOT_ENCODABLE)
"""Every rule is encoded, or marked not encodable with the reason: none is left "not yet"."""
RULE_BEARING = ("assessment.rules", "assessment.grades", "obligations", "ladders", "monitoring")


@dataclass
class Entry:
    """One entry of the catalogue's Chinese part: a heading ``### S3 …`` or ``#### R3.1 …``."""

    rule: str
    title: str
    fields: dict[str, str] = field(default_factory=dict)


def _chinese() -> str:
    text = CATALOGUE.read_text("utf-8")
    assert text.index("## 中文") < text.index("## English")
    return text.split("\n## English\n", 1)[0]


def _english() -> str:
    return CATALOGUE.read_text("utf-8").split("\n## English\n", 1)[1]


@cache
def entries() -> dict[str, Entry]:
    """The entries of the catalogue by rule id, each with its labelled fields."""
    out: dict[str, Entry] = {}
    current: Entry | None = None
    label: str | None = None
    for line in _chinese().splitlines():
        if line.startswith("#"):
            m = HEADING.match(line)
            current, label = (Entry(m.group(2), m.group(3)), None) if m else (None, None)
            if current is not None:
                assert current.rule not in out, f"{current.rule} is defined twice"
                out[current.rule] = current
        elif current is not None and (f := FIELD.match(line)):
            label = f.group(1)
            assert label not in current.fields, f"{current.rule}: {label} given twice"
            current.fields[label] = f.group(2)
        elif current is not None and label is not None and line.startswith("  "):
            current.fields[label] += line.strip()
    return out


def _spans(text: str) -> list[str]:
    return SPAN.findall(text)


def _number(rule: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", rule))


def _scanned_files() -> list[Path]:
    files: list[Path] = []
    for root in SCANNED:
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        files += [
            p
            for p in paths
            if p.is_file()
            and p.suffix in TEXT_SUFFIXES
            and not any(part.endswith(".egg-info") or part == "__pycache__" for part in p.parts)
        ]
    return files


def _cited() -> dict[str, set[str]]:
    """Every rule id cited in the scanned files, with the files citing it."""
    out: dict[str, set[str]] = {}
    for path in _scanned_files():
        if path == CATALOGUE:
            continue
        text = path.read_text("utf-8")
        where = str(path.relative_to(REPO))
        ids = set(CITED.findall(text))
        for letter, lo, hi in RANGE.findall(text):
            ids |= {f"{letter}{n}" for n in range(int(lo), int(hi) + 1)}
        for rule in ids:
            out.setdefault(rule, set()).add(where)
    return out


# -- the catalogue defines every id the project cites ---------------------------------------


def test_the_id_pattern_finds_ids_where_the_project_writes_them_and_nothing_else() -> None:
    text = (
        "(RULES P3-P5) R5.2. R3.2/R3.3；S1–S11 P4 s3-critical R4 X2,X4 UTF-8 AP1 P1a "
        "yq.S3 docs/rules.md#s3"
    )
    found = ["P3", "P5", "R5.2", "R3.2", "R3.3", "S1", "S11", "P4", "X2", "X4"]
    assert CITED.findall(text) == found
    assert RANGE.findall(text) == [("P", "3", "5"), ("S", "1", "11")]
    assert FORBIDDEN.search("RULES S3")
    assert FORBIDDEN.search("see shared/seeds/001_x.txt")
    assert not FORBIDDEN.search("docs/rules.md#s3 规则目录")


def test_every_rule_id_cited_in_the_code_and_docs_is_in_the_catalogue() -> None:
    cited = _cited()
    assert {"P3", "S3", "R5.2", "X2"} <= set(cited)  # the scan reaches code, data and docs
    missing = {rule: sorted(where) for rule, where in cited.items() if rule not in entries()}
    assert missing == {}


def test_the_catalogue_numbers_every_kind_of_rule_without_gaps() -> None:
    ids = list(entries())
    by_kind = {k: [r for r in ids if r.startswith(k)] for k in "PSRX"}
    for kind in "PSX":
        numbers = [_number(r)[0] for r in by_kind[kind]]
        assert numbers == list(range(1, len(numbers) + 1)), f"{kind} ids out of order or with gaps"
    assert len(by_kind["S"]) == len(yq.presets.names())
    for s in range(1, len(by_kind["S"]) + 1):
        numbers = [_number(r)[1] for r in by_kind["R"] if _number(r)[0] == s]
        assert numbers == list(range(1, len(numbers) + 1)), f"S{s} rules out of order or with gaps"
        assert numbers, f"S{s} has no rules"
    assert all(_number(r)[0] <= len(by_kind["S"]) and len(_number(r)) == 2 for r in by_kind["R"])
    assert sum(len(v) for v in by_kind.values()) == len(ids)


def test_every_entry_has_an_anchor_the_english_part_links_to() -> None:
    english = _english()
    for rule, entry in entries().items():
        # A title with no ASCII letters or digits gives the heading the anchor #r52 for R5.2.
        assert not re.search(r"[A-Za-z0-9]", entry.title), f"{rule}: {entry.title}"
        assert f"[**{rule}**](#{rule.lower().replace('.', '')})" in english, rule


# -- every entry is marked, with encodings and tests that exist ------------------------------


def test_every_entry_says_what_the_rule_says_and_how_it_is_encoded_or_why_not() -> None:
    for rule, entry in entries().items():
        assert set(entry.fields) <= {SAYS, TESTS, *STATUSES}, f"{rule}: {set(entry.fields)}"
        assert len(entry.fields.get(SAYS, "")) >= 10, f"{rule} does not say what it says"
        assert set(entry.fields) & set(STATUSES), f"{rule} is not marked"
        if NOT_ENCODABLE in entry.fields:
            reason = entry.fields[NOT_ENCODABLE]
            assert reason.startswith("因为"), f"{rule}: {reason}"
            assert len(reason) >= 10, f"{rule}: {reason}"
        if ENCODED in entry.fields:
            assert _references(entry), f"{rule} is encoded by nothing"
            assert TESTS in entry.fields, f"{rule} is encoded but proved by no test"


def test_no_rule_is_left_for_later() -> None:
    # Every rule of every source is encoded or says why not (issue 14): the label for a rule
    # the policy language could not say yet is gone, and so is any entry carrying it.
    text = CATALOGUE.read_text("utf-8")
    assert "尚未编码" not in text
    assert "not yet encoded" not in text.lower()


def _references(entry: Entry) -> list[str]:
    return [
        s
        for s in _spans(entry.fields.get(ENCODED, ""))
        if PRESET_REF.match(s) or LIBRARY_REF.match(s)
    ]


def _resolve(data: Any, path: str) -> Any:
    """The value at ``path`` (``workflow.max_extension``, ``obligations[general-report]``)."""
    for name, key in re.findall(r"([a-z_]+)(?:\[([^\]]+)\])?", path):
        assert isinstance(data, dict), f"{name} is not in a table"
        assert name in data, f"no {name}"
        data = data[name]
        if key:
            found = [i for i in data if key in (i.get("id"), i.get("severity"))]
            assert len(found) == 1, f"no single item {key} in {name}"
            data = found[0]
    assert data not in (None, [], {}), f"{path} is empty"
    return data


@cache
def _written(name: str) -> dict[str, Any]:
    """What the preset file itself says (keys left to their defaults are not encodings)."""
    spec = yq.presets.load(name).spec
    return spec.model_dump(mode="json", exclude_unset=True)


def _library(dotted: str) -> object:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise AssertionError(f"no module in {dotted}")


@pytest.mark.parametrize("rule", list(entries()))
def test_every_encoding_exists_and_cites_its_rule(rule: str) -> None:
    spans = _spans(entries()[rule].fields.get(ENCODED, ""))
    for span in spans:
        if m := PRESET_REF.match(span):
            name, path = m.groups()
            assert name in yq.presets.names(), f"{rule}: {span}: no such preset"
            value = _resolve(_written(name), path)
            if isinstance(value, dict) and "rule" in value and rule.startswith("R"):
                assert value["rule"] == rule, f"{rule}: {span} cites {value['rule']}"
            if path == "source":
                assert rule.startswith("S")
                assert value.startswith(f"{rule} ("), f"{rule}: {span} is {value!r}"
        elif LIBRARY_REF.match(span):
            assert _library(span) is not None


@pytest.mark.parametrize("rule", list(entries()))
def test_every_test_the_catalogue_cites_exists(rule: str) -> None:
    for span in _spans(entries()[rule].fields.get(TESTS, "")):
        m = TEST_REF.match(span)
        assert m, f"{rule}: {span} is not tests/<module>.py::<function>"
        module = REPO / m.group(1)
        assert module.is_file(), f"{rule}: {span}: no such module"
        assert re.search(rf"^def {m.group(2)}\(", module.read_text("utf-8"), re.M), (
            f"{rule}: {span}: no such test"
        )


def test_each_source_system_names_the_one_preset_that_encodes_it() -> None:
    systems = {r: e for r, e in entries().items() if r.startswith("S")}
    named = {
        m.group(1): rule
        for rule, entry in systems.items()
        for s in _spans(entry.fields.get(ENCODED, ""))
        if (m := PRESET_REF.match(s)) and m.group(2) == "source"
    }
    assert sorted(named) == sorted(yq.presets.names())
    assert sorted(named.values(), key=_number) == list(systems)


@pytest.mark.parametrize("name", yq.presets.names())
def test_every_rule_a_preset_encodes_is_listed_under_that_rule(name: str) -> None:
    written = _written(name)
    for kind in RULE_BEARING:
        for item in _items(written, kind):
            ref = f"{name}: {kind}[{item['id']}]"
            entry = entries().get(item["rule"])
            assert entry is not None, f"{ref} cites {item['rule']}, not in the catalogue"
            assert ref in _spans(entry.fields.get(ENCODED, "")), f"{ref} not under {entry.rule}"


def _items(data: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """The items of the array at ``path`` (``assessment.rules``), none when it is not written."""
    value: Any = data
    for name in path.split("."):
        value = value.get(name, {})
    return list(value or [])


# -- nothing points to files a reader does not have ------------------------------------------


def test_nothing_points_to_files_outside_the_repository() -> None:
    hits = [
        f"{path.relative_to(REPO)}:{n}: {line.strip()[:80]}"
        for path in _scanned_files()
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert hits == []


def test_the_catalogue_is_in_the_site_and_linked_from_the_home_and_preset_pages() -> None:
    assert "rules.md" in (REPO / "mkdocs.yml").read_text("utf-8")
    assert "](rules.md)" in (REPO / "docs" / "index.md").read_text("utf-8")
    assert "](../rules.md)" in (REPO / "docs" / "presets" / "index.md").read_text("utf-8")


# -- proofs the catalogue cites: daily duties on the official calendar ------------------------

# National Day 2025: 1-8 October are rest days, Sun 28 Sep and Sat 11 Oct are make-up working
# days. The window runs from Sun 28 Sep 00:00 to Mon 13 Oct 00:00 (end excluded): 15 days.
WINDOW = (cst(2025, 9, 28), cst(2025, 10, 13))
EVERY_DAY = [(9, d) for d in (28, 29, 30)] + [(10, d) for d in range(1, 13)]
WORKING_DAYS = [(9, 28), (9, 29), (9, 30), (10, 9), (10, 10), (10, 11)]


def _at(days: list[tuple[int, int]], hour: int, minute: int) -> list[datetime]:
    return [cst(2025, month, day, hour, minute) for month, day in days]


@pytest.mark.parametrize(
    ("name", "duty", "expected"),
    [
        # R1.2 "全天候" monitoring: every day, rest days included, recorded by the end of the day.
        ("gov-response", "all-day-watch", _at(EVERY_DAY, 23, 59)),
        # R4.2 the daily log "下午4:00前", every day as written (每日).
        ("vocational-grades", "daily-log", _at(EVERY_DAY, 16, 0)),
        # R5.1 "每天上网浏览" the message board, every day.
        ("park-message-board", "daily-browse", _at(EVERY_DAY, 23, 59)),
        # R7.1 "7*24小时" monitoring by the township's monitoring agency, every day.
        ("township", "round-the-clock-watch", _at(EVERY_DAY, 23, 59)),
        # R10.3 the informant's daily patrol, on working days: the make-up Sunday 28 Sep and
        # Saturday 11 Oct count, the eight days of National Day do not.
        ("university-informants", "daily-patrol", _at(WORKING_DAYS, 23, 59)),
    ],
)
def test_daily_duties_fall_on_the_days_their_sources_say(
    name: str, duty: str, expected: list[datetime]
) -> None:
    items = yq.presets.load(name).monitoring_duties(*WINDOW)
    assert [i.due_at for i in items if i.duty_id == duty] == expected
