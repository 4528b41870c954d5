"""The store and policy versions (制度版本): a policy edit never rewrites history.

The store keeps every policy version a saved case followed (``yq_policies``); loading a case
with another version raises :class:`yq.PolicyVersionError` unless the host opts in; and
``reindex`` moves the open cases to a new version, reporting exactly what changed, while
outcomes settled before the change stay as they were.

The issue's failure, on park-message-board (RULES R5.1/R5.2): a message posted Mon 2 Dec
2024 08:00, registered 09:00. accept-submit ("立即", 2 h grace) -> 11:00, met in time by the
report at 09:30. reply "3日" from the posting: 3, 4, 5 Dec -> 6 Dec 00:00, met late at 6 Dec
15:00. Assigned Thu 5 Dec 10:00: handling-report "3日": 6, Sat 7, Sun 8 Dec, moved to Mon 9
Dec -> 10 Dec 00:00, open. The edit tightens all three: "立即" 20 min, reply "2日",
handling-report "1日" (6 Dec -> 7 Dec 00:00).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import yuqing_core as yq
from tests.helpers import SETTLED, cst, edited, park_letter, table
from yuqing_core.render import timeline
from yuqing_core.store import SCHEMA_VERSION, SQLiteStore
from yuqing_core.store.rows import CaseRows
from yuqing_core.workflow import Case, Event

PARK = yq.presets.load("park-message-board")
AT = cst(2024, 12, 6, 16)


TIGHTER = edited(PARK, "20min", reply="2d", handling_report="1d")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "s.db"
    SQLiteStore(path).save(park_letter(PARK))
    return path


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_reindex_keeps_settled_outcomes_and_reports_the_one_change(path: Path) -> None:
    store = SQLiteStore(path)
    changes = store.reindex(TIGHTER, at=AT)
    # Span 5 Dec 10:00 -> 10 Dec 00:00 (110 h), 30 h passed: pending; under "1日" the span
    # ends 7 Dec 00:00 (38 h), 79% passed: due soon.
    assert changes == [
        yq.ReindexChange(
            "LY-1",
            "handling-report",
            cst(2024, 12, 10),
            cst(2024, 12, 7),
            "pending",
            "due_soon",
            old_provisional=False,
            new_provisional=False,
        )
    ]
    case = store.load(TIGHTER, "LY-1")
    assert table(case, AT) == [
        *SETTLED,
        ("handling-report", "2024-12-07 00:00", None, None, "due_soon"),
    ]
    adoption = case.events[-1]
    assert (adoption.trigger, adoption.at, adoption.actor, dict(adoption.data)) == (
        "adopt_policy",
        AT,
        "yuqing_core",
        {"from": PARK.fingerprint, "to": TIGHTER.fingerprint},
    )
    assert case.version == store.version("LY-1") == 7
    assert store.due_before(cst(2024, 12, 31)) == [
        yq.DueItem(
            "LY-1",
            "handling-report",
            "handling_report",
            "office",
            cst(2024, 12, 7),
            "R5.1",
            "park-message-board",
        )
    ]
    # Run again, nothing changes: the case follows the version already.
    assert store.reindex(TIGHTER, at=cst(2024, 12, 6, 17)) == []
    assert store.version("LY-1") == 7


def test_the_store_keeps_both_versions(path: Path) -> None:
    store = SQLiteStore(path)
    store.reindex(TIGHTER, at=AT)
    versions = store.policy_versions("park-message-board")
    assert [(v.fingerprint, v.name, v.first_seen_at) for v in versions] == [
        (PARK.fingerprint, "park-message-board", cst(2024, 12, 2, 9)),
        (TIGHTER.fingerprint, "park-message-board", AT),
    ]
    assert [v.policy for v in versions] == [PARK, TIGHTER]
    assert store.policy_versions(TIGHTER) == versions
    assert store.policy_versions("school-tiered") == []
    assert rows(path, "SELECT fingerprint, spec FROM yq_policies ORDER BY rowid") == [
        (PARK.fingerprint, PARK.spec_json),
        (TIGHTER.fingerprint, TIGHTER.spec_json),
    ]


def test_loading_with_another_version_says_so_unless_the_host_opts_in(path: Path) -> None:
    store = SQLiteStore(path)
    with pytest.raises(yq.PolicyVersionError) as e:
        store.load(TIGHTER, "LY-1")
    assert str(e.value).startswith(
        f"case 'LY-1' follows version {PARK.fingerprint[:19]} of policy 'park-message-board', "
        f"not the version given ({TIGHTER.fingerprint[:19]}); to move it to the version "
        "given, opt in with adopt_at=<instant>"
    )
    assert (e.value.case_id, e.value.recorded, e.value.given) == (
        "LY-1",
        PARK.fingerprint,
        TIGHTER.fingerprint,
    )
    case = store.load(TIGHTER, "LY-1", adopt_at=AT)
    assert (case.version, store.version("LY-1")) == (7, 6)  # the adoption is not stored yet
    assert table(case, AT)[:2] == SETTLED
    assert store.save(case) == 1
    assert rows(path, "SELECT seq, trigger, at, actor FROM yq_events WHERE seq = 7") == [
        (7, "adopt_policy", "2024-12-06T16:00:00+08:00", "yuqing_core")
    ]
    assert rows(path, "SELECT fingerprint FROM yq_cases") == [(TIGHTER.fingerprint,)]
    again = SQLiteStore(path).load(TIGHTER, "LY-1")
    assert again == case
    assert again.obligations == case.obligations
    # Read as recorded: the version it follows now, whatever version is given.
    assert SQLiteStore(path).load(PARK, "LY-1", as_recorded=True) == case
    with pytest.raises(yq.StoreError, match="load takes adopt_at or as_recorded, not both"):
        store.load(PARK, "LY-1", adopt_at=AT, as_recorded=True)


def test_reindex_leaves_closed_cases_on_their_version(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    closed = park_letter(PARK, "LY-2")
    # Archiving waits for the handling report (no silent archive): the unit reports first,
    # so the closed case has one event more than before archiving was checked.
    closed.fire("report", at=cst(2024, 12, 6, 15, 20), actor="unit", role="office")
    closed.fire("archive", at=cst(2024, 12, 6, 15, 30), actor="office")
    store.save(closed)
    store.save(park_letter(PARK))
    changes = store.reindex(TIGHTER, at=AT)
    assert [(c.case_id, c.obligation_id) for c in changes] == [("LY-1", "handling-report")]
    assert store.version("LY-2") == 8  # no adoption recorded
    with pytest.raises(yq.PolicyVersionError):
        store.load(TIGHTER, "LY-2")
    assert store.load(PARK, "LY-2") == closed
    assert [c.id for c in store.load_all(TIGHTER, as_recorded=True)] == ["LY-1", "LY-2"]
    assert [c.policy for c in store.load_all(TIGHTER, as_recorded=True)] == [TIGHTER, PARK]


def test_reindex_before_a_case_s_last_event_writes_nothing(path: Path) -> None:
    store = SQLiteStore(path)
    before = rows(path, "SELECT * FROM yq_events ORDER BY seq")
    with pytest.raises(yq.StoreError) as e:
        store.reindex(TIGHTER, at=cst(2024, 12, 6, 14))
    assert str(e.value) == (
        "reindex: case 'LY-1': adopt at 2024-12-06T14:00:00+08:00 is before the last event "
        "(2024-12-06T15:00:00+08:00); events are recorded in time order (allowed now: none); "
        "nothing was written"
    )
    assert rows(path, "SELECT * FROM yq_events ORDER BY seq") == before
    assert rows(path, "SELECT fingerprint FROM yq_policies") == [(PARK.fingerprint,)]
    with pytest.raises(yq.NaiveDatetimeError):
        store.reindex(TIGHTER, at=datetime(2024, 12, 6, 16))


def test_reindex_under_the_same_version_reports_a_stale_index(path: Path) -> None:
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE yq_open_obligations SET due_at = '2024-12-11T00:00:00+08:00'")
    db.close()
    store = SQLiteStore(path)
    assert store.reindex(PARK, at=AT) == [
        yq.ReindexChange(
            "LY-1",
            "handling-report",
            cst(2024, 12, 11),
            cst(2024, 12, 10),
            None,
            "pending",
            old_provisional=False,
            new_provisional=False,
        )
    ]
    assert rows(path, "SELECT due_at FROM yq_open_obligations") == [("2024-12-10T00:00:00+08:00",)]
    assert store.version("LY-1") == 6


def test_a_case_loaded_before_a_reindex_cannot_be_saved_over_it(path: Path) -> None:
    store = SQLiteStore(path)
    case = store.load(PARK, "LY-1")
    store.reindex(TIGHTER, at=AT)
    case.fire("supervise", at=cst(2024, 12, 6, 17), actor="office", role="office")
    with pytest.raises(yq.ConflictError, match="the store holds version 7"):
        store.save(case)


def test_a_changed_policy_row_is_refused(path: Path) -> None:
    store = SQLiteStore(path)
    store.reindex(TIGHTER, at=AT)
    db = sqlite3.connect(path)
    with db:
        db.execute(
            "UPDATE yq_policies SET spec = replace(spec, '\"2h\"', '\"9h\"') WHERE fingerprint = ?",
            (PARK.fingerprint,),
        )
    db.close()
    with pytest.raises(yq.StoreError) as e:
        SQLiteStore(path).load(TIGHTER, "LY-1")
    assert str(e.value) == (
        f"{path}: the policy table's row {PARK.fingerprint[:19]} does not hold the version "
        "its fingerprint names (the row was changed)"
    )


def test_a_case_whose_version_the_store_lost_says_so(path: Path) -> None:
    store = SQLiteStore(path)
    store.reindex(TIGHTER, at=AT)
    db = sqlite3.connect(path)
    with db:
        db.execute("DELETE FROM yq_policies WHERE fingerprint = ?", (PARK.fingerprint,))
    db.close()
    with pytest.raises(yq.PolicyVersionError, match="'LY-1' seq 1: recorded under version"):
        SQLiteStore(path).load(TIGHTER, "LY-1")


def test_import_rows_carries_the_policy_versions(tmp_path: Path) -> None:
    rows_ = CaseRows.of(park_letter(PARK))
    assert [p.fingerprint for p in rows_.policies] == [PARK.fingerprint]
    store = SQLiteStore(tmp_path / "s.db")
    with pytest.raises(yq.StoreError, match="the policy version it follows is not among"):
        store.import_rows([rows_._replace(policies=())])
    assert store.import_rows([rows_]) == 1
    assert [v.fingerprint for v in store.policy_versions("park-message-board")] == [
        PARK.fingerprint
    ]


# -- a file of schema 1 --------------------------------------------------------------------------

SCHEMA_1 = """
CREATE TABLE yq_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE yq_cases (
    case_id TEXT PRIMARY KEY, policy TEXT NOT NULL, version INTEGER NOT NULL,
    state TEXT NOT NULL, severity TEXT NOT NULL, unit TEXT, updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE yq_events (
    case_id TEXT NOT NULL, seq INTEGER NOT NULL, trigger TEXT NOT NULL, at TEXT NOT NULL,
    at_key INTEGER NOT NULL, actor TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
CREATE TABLE yq_open_obligations (
    case_id TEXT NOT NULL, obligation_id TEXT NOT NULL, policy TEXT NOT NULL,
    kind TEXT NOT NULL, role TEXT NOT NULL, rule TEXT NOT NULL, due_key INTEGER NOT NULL,
    due_at TEXT NOT NULL, PRIMARY KEY (case_id, obligation_id)
) WITHOUT ROWID;
INSERT INTO yq_meta VALUES ('schema_version', '1');
"""


def schema_1_file(path: Path) -> None:
    """A store as schema 1 wrote it: the case's events, the open event without fingerprint."""
    case = park_letter(PARK)
    db = sqlite3.connect(path)
    with db:
        db.executescript(SCHEMA_1)
        for seq, event in enumerate(case.events, 1):
            d = event.to_dict(include_personal=True)
            d["data"].pop("fingerprint", None)
            db.execute(
                "INSERT INTO yq_events VALUES (?, ?, ?, ?, ?, ?, ?)",
                ("LY-1", seq, d["trigger"], d["at"], 0, d["actor"], json.dumps(d["data"])),
            )
        db.execute(
            "INSERT INTO yq_cases VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                "LY-1",
                PARK.name,
                6,
                case.state,
                "general",
                "园区城管局",
                "2024-12-06T15:00:00+08:00",
            ),
        )
    db.close()


def test_a_schema_1_file_is_migrated_and_its_cases_pinned_on_their_next_save(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    schema_1_file(path)
    store = SQLiteStore(path)
    assert rows(path, "SELECT value FROM yq_meta") == [(str(SCHEMA_VERSION),)] == [("5",)]
    assert rows(path, "SELECT case_id, fingerprint FROM yq_cases") == [("LY-1", None)]
    # Recorded before fingerprints: it follows the policy it is loaded with ...
    case = store.load(PARK, "LY-1")
    assert "fingerprint" not in case.events[0].data
    case.fire("supervise", at=cst(2024, 12, 6, 15, 30), actor="office", role="office")
    store.save(case)
    # ... and its next save records that version, so another version now says so.
    assert rows(path, "SELECT fingerprint FROM yq_cases") == [(PARK.fingerprint,)]
    assert [v.fingerprint for v in store.policy_versions(PARK)] == [PARK.fingerprint]
    with pytest.raises(yq.PolicyVersionError, match="'LY-1' follows version"):
        SQLiteStore(path).load(TIGHTER, "LY-1")
    adopted = SQLiteStore(path).load(TIGHTER, "LY-1", adopt_at=AT)
    assert dict(adopted.events[-1].data) == {"from": PARK.fingerprint, "to": TIGHTER.fingerprint}
    assert table(adopted, AT)[:2] == SETTLED


def test_reindex_pins_a_schema_1_case_to_the_version_given(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    schema_1_file(path)
    store = SQLiteStore(path)
    # Pinned to the version given, nothing adopted; the index schema 1 left empty is filled.
    assert store.reindex(PARK, at=AT) == [
        yq.ReindexChange(
            "LY-1",
            "handling-report",
            None,
            cst(2024, 12, 10),
            None,
            "pending",
            new_provisional=False,
        )
    ]
    assert rows(path, "SELECT fingerprint FROM yq_cases") == [(PARK.fingerprint,)]
    assert store.version("LY-1") == 6
    assert store.reindex(TIGHTER, at=AT)[0].obligation_id == "handling-report"
    assert [e.trigger for e in store.load(TIGHTER, "LY-1").events][-1] == "adopt_policy"


def test_each_event_is_checked_under_the_version_it_was_recorded_under(tmp_path: Path) -> None:
    # school-thresholds grades 1000-2999 views major (R8.2). The edit raises that band to
    # 2000: the open event records "assessed: major", which the edited rules would not give.
    thresholds = yq.presets.load("school-thresholds")
    data = thresholds.to_dict()
    band = data["assessment"]["rules"][1]["any_metrics"][0]
    assert (band["metric"], band["min"]) == ("views", 1000)
    band["min"] = 2000
    raised = yq.load_policy(data)
    found = cst(2025, 11, 3, 9)
    inc = yq.Incident(
        id="YQ-T",
        title="t",
        discovered_at=found,
        metrics=(yq.Metrics(observed_at=found, views=1500),),
    )
    case = thresholds.open_case(inc, at=found, actor="m")
    assert (case.events[0].data["assessed"], case.severity) == ("major", yq.Severity.MAJOR)
    case.adopt(raised, at=cst(2025, 11, 3, 10))
    store = SQLiteStore(tmp_path / "s.db")
    store.save(case)
    assert SQLiteStore(tmp_path / "s.db").load(raised, "YQ-T") == case
    # Checked under the edited rules alone, the open event would be refused.
    with pytest.raises(yq.CorruptCaseError, match=r"seq 1: data\.assessed: assessing"):
        Case.replay(
            raised,
            [Event("open", found, "m", {**case.events[0].data, "fingerprint": raised.fingerprint})],
        )


def test_reindex_needs_a_policy(path: Path) -> None:
    with pytest.raises(yq.StoreError, match=r"^reindex needs a Policy, got str$"):
        SQLiteStore(path).reindex("park-message-board", at=AT)  # type: ignore[arg-type]


def test_a_timeline_names_the_adoption_with_both_versions_shortened() -> None:
    found = cst(2025, 11, 3, 9)
    tiered = yq.presets.load("school-tiered")
    case = tiered.open_case(
        yq.Incident(id="YQ-V", title="食堂投诉", discovered_at=found), at=found, actor="m"
    )
    edited = yq.load_policy({"extends": "school-tiered", "title": "修订"})
    case.adopt(edited, at=cst(2025, 11, 3, 10))
    line = timeline.render(case, cst(2025, 11, 3, 11)).splitlines()[2]
    old, new = tiered.fingerprint[:19], edited.fingerprint[:19]  # "sha256:" + 12 hex digits
    assert line == f"  2025-11-03 10:00 Mon  ● adopt_policy     采用新版制度 {old} → {new}"


def test_a_schema_3_file_gains_the_warning_index(tmp_path: Path) -> None:
    # A schema 3 file: the layout before the warning columns, with one open obligation. The
    # general report of school-tiered for a case found Mon 3 Nov 2025 09:00 (no holiday) is due
    # 5 Nov 00:00; its first warning at 3/4 of its 39 h working time, 4 Nov 14:15.
    tiered = yq.presets.load("school-tiered")
    path = tmp_path / "three.db"
    found = cst(2025, 11, 3, 9)
    case = tiered.open_case(
        yq.Incident(id="YQ-3", title="t", discovered_at=found), at=found, actor="m"
    )
    SQLiteStore(path).save(case)
    db = sqlite3.connect(path)
    with db:
        db.execute("DROP INDEX yq_open_obligations_due")
        db.execute("DROP INDEX yq_open_obligations_warn")
        db.execute("ALTER TABLE yq_open_obligations DROP COLUMN warn_at")
        db.execute("ALTER TABLE yq_open_obligations DROP COLUMN warn_key")
        db.execute("UPDATE yq_meta SET value = '3'")
    db.close()
    store = SQLiteStore(path)
    assert rows(path, "SELECT value FROM yq_meta") == [("5",)]
    names = "SELECT name FROM sqlite_master WHERE name LIKE 'yq_open_obligations_%' ORDER BY 1"
    assert rows(path, names) == [("yq_open_obligations_due",), ("yq_open_obligations_warn",)]
    # Rows written before keep their due instants, without warnings until reindexed.
    assert [(d.obligation_id, d.due_at, d.warn_at) for d in store.due_before(cst(2025, 11, 5))] == [
        ("general-report", cst(2025, 11, 5), ())
    ]
    assert store.due_soon_before(cst(2030, 1, 1)) == []
    store.reindex(tiered, at=cst(2025, 11, 3, 10))
    soon = store.due_soon_before(cst(2025, 11, 4, 14, 15))
    assert [(d.obligation_id, d.warn_at) for d in soon] == [
        ("general-report", (cst(2025, 11, 4, 14, 15),))
    ]
