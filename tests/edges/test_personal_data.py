"""No personal data in any error message, repr or default output.

Personal data is what a ``Reporter`` or a ``Source`` author field holds, and any free text a
person writes (a reason, a note, a reply, a report). A recognisable phone number and name are
fed through every path that could echo them: constructing the models, ``yuqing simulate``
(its standard output and error, in every format), timelines, refused commands, default
exports, and a store row that cannot be read. None of them may show either.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.cli import main
from yuqing_core.render import timeline
from yuqing_core.render.simulation import render_simulation, simulation_data
from yuqing_core.simulate import simulate

PHONE = "13912345678"
NAME = "欧阳娜娜"
HANDLE = "@ouyang_nana"
SECRETS = (PHONE, NAME, HANDLE)
FREE_TEXT = f"{NAME}（电话 {PHONE}）说食堂涨价"
FOUND = cst(2025, 11, 3, 9)


def _clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, text


def _incident(**extra: Any) -> yq.Incident:
    return yq.Incident(
        id="YQ-1",
        title="食堂价格",
        discovered_at=FOUND,
        source=yq.Source(platform="微博", author_handle=HANDLE),
        reporter=yq.Reporter(name=NAME, phone=PHONE, account=HANDLE, unit="学工部"),
        **extra,
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda: yq.Reporter(phone=int(PHONE)),
        lambda: yq.Reporter(name=[NAME], phone=PHONE, account={"id": HANDLE}),
        lambda: yq.Reporter(name=NAME, phone=PHONE, unit=[PHONE]),
        lambda: yq.Source(author_handle=[HANDLE], platform=int(PHONE)),
        lambda: yq.Incident.model_validate(
            {
                "id": "a",
                "title": [FREE_TEXT],
                "summary": {"text": FREE_TEXT},
                "discovered_at": "2025-11-03T09:00:00+08:00",
                "reporter": {"name": NAME, "phone": int(PHONE), "extra": PHONE},
            }
        ),
        lambda: yq.Incident.model_validate_json(
            json.dumps({"id": PHONE, "title": NAME, "discovered_at": PHONE, "reporter": PHONE})
        ),
    ],
)
def test_model_errors_never_quote_personal_data(build: Any) -> None:
    with pytest.raises(yq.InvalidDataError) as e:
        build()
    _clean(str(e.value))
    _clean(repr(e.value))
    _clean(repr(e.value.problems))


def _case() -> yq.Case:
    policy = yq.presets.load("school-tiered")
    case = policy.open_case(_incident(summary=FREE_TEXT), at=FOUND, actor="m1")
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="m1", note=FREE_TEXT)
    case.fire("escalate", at=cst(2025, 11, 3, 11), actor="m1", severity="major", reason=FREE_TEXT)
    case.fire(
        "downgrade", at=cst(2025, 11, 3, 12), actor="m1", severity="general", reason=FREE_TEXT
    )
    return case


def test_timelines_say_a_reason_was_given_but_never_show_it() -> None:
    case = _case()
    now = cst(2025, 11, 4)
    for fmt in ("table", "markdown", "json"):
        _clean(timeline.render(case, now, fmt))
    _clean(timeline.gantt(case, now))
    _clean(json.dumps(timeline.to_data(case, now), ensure_ascii=False))
    details = [r.detail for r in timeline.rows(case, now) if r.what == "event"]
    assert details[2:] == [
        "升级 severity=major (附理由 reason given)",
        "降级 severity=general (附理由 reason given)",
    ]
    assert details[1] == "研判"


def test_an_automatic_escalation_still_shows_the_rules_that_fired() -> None:
    policy = yq.presets.load("school-thresholds")
    inc = yq.Incident(id="YQ-2", title="t", discovered_at=FOUND, category="inquiry")
    case = policy.open_case(inc, at=FOUND, actor="m1")
    metrics = yq.Metrics(observed_at=cst(2025, 11, 3, 10), views=1500)
    case.fire("update_metrics", at=cst(2025, 11, 3, 10), actor="m1", metrics=metrics)
    auto = [r.detail for r in timeline.rows(case, cst(2025, 11, 4)) if r.label == "escalate"]
    assert auto == [
        "升级 severity=major reason=R8.1 s8-general-classes: category inquiry -> general; "
        "R8.2 s8-major: views 1500 in 1000..2999 -> major (自动 automatic)"
    ]


def test_repr_and_default_exports_hold_no_personal_data() -> None:
    case = _case()
    shown = [
        repr(case),
        repr(case.incident),
        str(case.incident),
        repr(case.incident.reporter),
        repr(case.incident.source),
        *(repr(e) for e in case.events),
    ]
    # The incident's summary is the case's content and is exported; its reporter and author
    # are not.
    shown.append(json.dumps(_incident().export(), ensure_ascii=False))
    for text in shown:
        for secret in (PHONE, NAME, HANDLE):
            assert secret not in text, text


@pytest.mark.parametrize(
    "data",
    [
        {"note": int(PHONE)},
        {"note": [FREE_TEXT]},
        {"severity": "general", "reason": {"why": FREE_TEXT}},
        {"severity": "general", "reason": FREE_TEXT * 200},
    ],
)
def test_refused_commands_never_quote_free_text(data: dict[str, Any]) -> None:
    policy = yq.presets.load("school-tiered")
    case = policy.open_case(_incident(), at=FOUND, actor="m1")
    with pytest.raises(yq.TransitionError) as e:
        case.fire("assess", at=cst(2025, 11, 3, 10), actor="m1", **data)
    _clean(str(e.value))


def test_a_refused_command_still_quotes_what_is_not_free_text() -> None:
    policy = yq.presets.load("school-tiered")
    case = policy.open_case(_incident(), at=FOUND, actor="m1")
    with pytest.raises(yq.TransitionError) as e:
        case.fire("refer", at=cst(2025, 11, 3, 10), actor="m1", to="Police Dept")
    assert str(e.value).startswith(
        "data.to: String should match pattern '^[a-z][a-z0-9_]*$' (got 'Police Dept')"
    )
    with pytest.raises(yq.TransitionError) as e:
        case.fire("assess", at=cst(2025, 11, 3, 10), actor="m1", note=5)
    assert str(e.value).startswith("data.note: Input should be a valid string (got int)")


LINES = [
    {
        "type": "incident",
        "id": "A",
        "title": "t",
        "discovered_at": "2025-11-03T09:00:00+08:00",
        "reporter": {"name": NAME, "phone": int(PHONE)},
    },
    {
        "type": "incident",
        "id": "B",
        "title": "t",
        "discovered_at": "2025-11-03T09:00:00+08:00",
        "reporter": f"{NAME} {PHONE}",
        "source": {"author_handle": HANDLE},
    },
    {
        "type": "incident",
        "id": "C",
        "title": "食堂价格",
        "summary": FREE_TEXT,
        "discovered_at": "2025-11-03T09:00:00+08:00",
        "reporter": {"name": NAME, "phone": PHONE},
        "source": {"author_handle": HANDLE},
    },
    {
        "type": "event",
        "case": "C",
        "trigger": "assess",
        "at": "2025-11-03T10:00:00+08:00",
        "data": {"note": int(PHONE)},
    },
    {
        "type": "event",
        "case": "C",
        "trigger": "escalate",
        "at": "2025-11-03T11:00:00+08:00",
        "data": {"severity": "major", "reason": FREE_TEXT},
    },
    {
        "type": "event",
        "case": "C",
        "trigger": "downgrade",
        "at": "2025-11-03T12:00:00+08:00",
        "data": {"severity": "general", "reason": [FREE_TEXT]},
    },
    {
        "type": "event",
        "case": "C",
        "trigger": "respond",
        "at": "2025-11-03T13:00:00+08:00",
        "data": {"text": FREE_TEXT},
    },
]


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_simulate_never_echoes_personal_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in LINES), "utf-8")
    assert main(["simulate", "--policy", "school-tiered", "--format", fmt, str(f)]) == 1
    out, err = capsys.readouterr()
    _clean(out)
    _clean(err)
    # A data error gives its reason alone: the triggers allowed then are not listed.
    assert err.splitlines() == [
        f"yuqing: {f}:1: reporter.phone: Input should be a valid string (got int)",
        f"yuqing: {f}:2: reporter: Input should be a valid dictionary or instance of Reporter "
        "(got str)",
        f"yuqing: {f}:4: data.note: Input should be a valid string (got int)",
        f"yuqing: {f}:6: data.reason: Input should be a valid string (got list)",
        f"yuqing: {f}: 4 of 7 lines failed and were skipped",
    ]
    if fmt == "json":
        data = json.loads(out)
        assert [c["case"] for c in data["cases"]] == ["C"]


def test_the_simulation_outcome_holds_no_personal_data() -> None:
    sim = simulate(
        yq.presets.load("school-tiered"),
        [json.dumps(line, ensure_ascii=False) for line in LINES],
    )
    for fmt in ("table", "markdown", "json"):
        _clean(render_simulation(sim, fmt))
    _clean(json.dumps(simulation_data(sim), ensure_ascii=False))
    _clean(repr(sim.errors))


def test_an_unreadable_store_row_is_reported_without_its_personal_data(tmp_path: Path) -> None:
    policy = yq.presets.load("school-tiered")
    store = yq.SQLiteStore(tmp_path / "yq.db")
    store.save(policy.open_case(_incident(), at=FOUND, actor="m1"))
    store.close()
    with sqlite3.connect(tmp_path / "yq.db") as db:
        (raw,) = db.execute("SELECT data FROM yq_events WHERE seq = 1").fetchone()
        data = json.loads(raw)
        data["incident"]["reporter"]["phone"] = int(PHONE)
        data["incident"]["title"] = [FREE_TEXT]
        db.execute("UPDATE yq_events SET data = ? WHERE seq = 1", (json.dumps(data),))
    store = yq.SQLiteStore(tmp_path / "yq.db")
    with pytest.raises(yq.YuqingError) as e:
        store.load(policy, "YQ-1")
    store.close()
    _clean(str(e.value))
    _clean(repr(e.value))
