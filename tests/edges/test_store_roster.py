"""The duty roster kept in the store, once per store (SQLite and PostgreSQL, a real server).

A weekly report due Monday 10:00 that moves off rest days to the next working day, and a
daily log at 16:00 on working days, across National Day 2026 (worked out by hand on the
official calendar: 25-27 Sep off for 中秋节; 1-7 Oct off; Sun 20 Sep and Sat 10 Oct are
make-up working days). The Mondays are 21 Sep, 28 Sep, 5 Oct (a holiday: the report moves to
Thu 8 Oct 10:00, the first working day after) and 12 Oct.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.edges.test_store import open_a
from tests.helpers import cst
from yuqing_core.cli import main
from yuqing_core.rules.roster import DutyFulfilment, fulfil
from yuqing_core.rules.roster import due_before as engine_due_before
from yuqing_core.store import EventStore, SQLiteStore
from yuqing_core.store.due import DueItem, time_key

STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.requires("postgresql"))]
DUTIES: list[dict[str, Any]] = [
    {
        "id": "weekly-report",
        "rule": "本校第9条",
        "kind": "report",
        "role": "office",
        "recipient": "principal_leader",
        "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0",
        "on_rest_day": "next_working_day",
    },
    {
        "id": "daily-log",
        "rule": "R4.2",
        "kind": "daily_log",
        "rrule": "FREQ=DAILY;BYHOUR=16;BYMINUTE=0",
        "working_days_only": True,
    },
]
POLICY = yq.load_policy({"name": "roster", "title": "某校舆情值班", "monitoring": DUTIES})
WEEKLY = yq.load_policy({"name": "roster", "title": "某校舆情值班", "monitoring": DUTIES[:1]})
START = cst(2026, 9, 21)
SECRET = "张三 13800138000"


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> EventStore:
    found: EventStore = request.getfixturevalue(f"yuqing_{request.param}_store")
    return found


def due(store: EventStore, at: datetime) -> list[tuple[str, str, str, str]]:
    return [
        (i.case_id, i.obligation_id, i.role, i.due_at.strftime("%m-%d %H:%M %a"))
        for i in store.due_before(at, limit=1000)
    ]


# -- exact instants -----------------------------------------------------------------------


def test_weekly_report_moves_off_national_day_2026_and_leaves_the_due_list_when_met(
    store: EventStore,
) -> None:
    assert store.due_before(cst(2026, 10, 31)) == []  # not started: no duty is owed
    assert store.start_roster(WEEKLY, at=START) == START
    assert store.roster_start(WEEKLY) == START
    assert due(store, cst(2026, 10, 12, 12)) == [
        ("", "weekly-report", "office", "09-21 10:00 Mon"),
        ("", "weekly-report", "office", "09-28 10:00 Mon"),
        ("", "weekly-report", "office", "10-08 10:00 Thu"),  # Mon 5 Oct is a holiday
        ("", "weekly-report", "office", "10-12 10:00 Mon"),
    ]
    store.fulfil_duty(WEEKLY, "weekly-report", at=cst(2026, 9, 21, 9, 30), actor=SECRET)
    # Filed on the holiday Monday: the nearest due instant is the moved one (Thu 10:00).
    store.fulfil_duty(WEEKLY, "weekly-report", at=cst(2026, 10, 5, 9), actor=SECRET)
    store.fulfil_duty(
        WEEKLY,
        "weekly-report",
        at=cst(2026, 10, 13, 9),
        actor=SECRET,
        report="周报第41期",
        due_at=cst(2026, 10, 12, 10),
    )
    assert due(store, cst(2026, 10, 12, 12)) == [
        ("", "weekly-report", "office", "09-28 10:00 Mon"),
    ]
    item = store.due_before(cst(2026, 10, 12, 12))[0]
    assert item == DueItem(
        case_id="",
        obligation_id="weekly-report",
        kind="report",
        role="office",
        due_at=cst(2026, 9, 28, 10),
        rule="本校第9条",
        policy="roster",
    )
    assert item.warn_at == ()
    assert store.due_soon_before(cst(2026, 10, 31)) == []


def test_roster_items_merge_with_case_obligations_earliest_first(
    store: EventStore, tiered: yq.Policy
) -> None:
    case = open_a(tiered)  # school-tiered: report due 2025-11-05 00:00, response 11-07 00:00
    store.save(case)
    policy = yq.load_policy({"name": "roster", "title": "值班", "monitoring": DUTIES[1:]})
    store.start_roster(policy, at=cst(2025, 11, 4, 12))
    assert due(store, cst(2025, 11, 7)) == [
        ("", "daily-log", "monitor", "11-04 16:00 Tue"),
        ("YQ-A", "general-report", "business_supervisor", "11-05 00:00 Wed"),
        ("", "daily-log", "monitor", "11-05 16:00 Wed"),
        ("", "daily-log", "monitor", "11-06 16:00 Thu"),
        ("YQ-A", "general-response", "handling_unit", "11-07 00:00 Fri"),
    ]
    assert [i.case_id for i in store.due_before(cst(2025, 11, 7))] == ["", "YQ-A", "", "", "YQ-A"]
    assert len(store.due_before(cst(2025, 11, 7), limit=2)) == 2


def test_duty_accountability_reads_the_stored_fulfilments(store: EventStore) -> None:
    store.start_roster(POLICY, at=START)
    store.fulfil_duty(POLICY, "weekly-report", at=cst(2026, 9, 21, 11), actor=SECRET)
    store.fulfil_duty(POLICY, "daily-log", at=cst(2026, 9, 21, 15), actor=SECRET)
    rows = store.duty_accountability(POLICY, START, cst(2026, 9, 23), now=cst(2026, 9, 23))
    assert [(r.role, r.label, r.late, r.missed) for r in rows] == [
        ("monitor", "监测员", 0, 1),
        ("office", "领导小组办公室", 1, 0),
    ]
    assert [(i.obligation_id, i.due_at, i.met_at, i.outcome) for r in rows for i in r.items] == [
        ("daily-log", cst(2026, 9, 22, 16), None, "missed"),
        ("weekly-report", cst(2026, 9, 21, 10), cst(2026, 9, 21, 11), "late"),
    ]
    # Before the roster's start nothing is owed: the period is cut at the start.
    assert store.duty_accountability(POLICY, cst(2026, 9, 1), START, now=START) == []
    earlier = store.duty_accountability(
        POLICY, cst(2026, 9, 1), cst(2026, 9, 23), now=cst(2026, 9, 23)
    )
    assert earlier == rows
    assert SECRET not in repr(rows)


def test_the_watermark_moves_with_each_poll(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with SQLiteStore(path) as store:
        store.start_roster(WEEKLY, at=START)
        store.due_before(cst(2026, 10, 1))
        store.due_before(cst(2026, 9, 25))  # behind the watermark: nothing to list
        store.fulfil_duty(WEEKLY, "weekly-report", at=cst(2026, 10, 12, 9), actor=SECRET)
    with sqlite3.connect(path) as db:
        listed = db.execute("SELECT listed_key, start_key FROM yq_rosters").fetchall()
        rows = db.execute("SELECT due_at FROM yq_roster_due ORDER BY due_key").fetchall()
        served = db.execute("SELECT served_key FROM yq_duty_fulfilments").fetchall()
    assert listed == [(time_key(cst(2026, 10, 1)) + 1, time_key(START))]
    assert rows == [("2026-09-21T10:00:00+08:00",), ("2026-09-28T10:00:00+08:00",)]
    # Met before it was listed: the next poll does not list it.
    assert served == [(time_key(cst(2026, 10, 12, 10)),)]
    with SQLiteStore(path) as store:
        assert due(store, cst(2026, 10, 20)) == [
            ("", "weekly-report", "office", "09-21 10:00 Mon"),
            ("", "weekly-report", "office", "09-28 10:00 Mon"),
            ("", "weekly-report", "office", "10-08 10:00 Thu"),
            ("", "weekly-report", "office", "10-19 10:00 Mon"),
        ]


def test_start_roster_again_keeps_the_start_and_another_version_follows_from_then(
    store: EventStore,
) -> None:
    assert store.start_roster(WEEKLY, at=START) == START
    assert store.start_roster(WEEKLY, at=cst(2026, 10, 1)) == START
    assert store.start_roster(POLICY, at=cst(2026, 9, 29)) == START
    assert due(store, cst(2026, 9, 30, 17)) == [
        ("", "weekly-report", "office", "09-21 10:00 Mon"),
        ("", "weekly-report", "office", "09-28 10:00 Mon"),
        ("", "daily-log", "monitor", "09-29 16:00 Tue"),
        ("", "daily-log", "monitor", "09-30 16:00 Wed"),
    ]
    with pytest.raises(yq.StoreError, match=r"follows version .*move it with store\.start_roster"):
        store.fulfil_duty(WEEKLY, "weekly-report", at=cst(2026, 10, 8, 9), actor=SECRET)


# -- refusals -----------------------------------------------------------------------------


def _refusals() -> list[tuple[dict[str, Any], type[Exception], str]]:
    at = cst(2026, 9, 28, 9)
    return [
        (dict(duty_id="patrol", at=at), yq.YuqingError, "'patrol' is not a monitoring duty"),
        (dict(at=datetime(2026, 9, 28, 9)), yq.YuqingError, "at: .* has no time zone"),
        (dict(at="2026-09-28"), yq.YuqingError, "at: expected a datetime, got str"),
        (dict(at=at, actor=" "), yq.YuqingError, "needs an actor"),
        (dict(at=at, report=5), yq.YuqingError, "report: expected a text or None, got int"),
        (
            dict(at=at, due_at=cst(2026, 9, 28, 11)),
            yq.YuqingError,
            "names due instant 2026-09-28T11:00:00\\+08:00, at which the duty does not fall due",
        ),
        (
            dict(at=cst(2026, 9, 20, 9)),
            yq.StoreError,
            "at 2026-09-20T09:00:00\\+08:00 is before the roster of policy 'roster' starts",
        ),
    ]


@pytest.mark.parametrize(("given", "error", "message"), _refusals())
def test_bad_fulfilments_are_refused_named_and_change_nothing(
    store: EventStore, given: dict[str, Any], error: type[Exception], message: str
) -> None:
    store.start_roster(WEEKLY, at=START)
    before = store.due_before(cst(2026, 10, 31), limit=1000)
    args: dict[str, Any] = {"duty_id": "weekly-report", "actor": SECRET, **given}
    duty = args.pop("duty_id")
    with pytest.raises(error, match=message) as found:
        store.fulfil_duty(WEEKLY, duty, **args)
    assert SECRET not in str(found.value)
    assert store.due_before(cst(2026, 10, 31), limit=1000) == before
    assert (
        store.duty_accountability(WEEKLY, START, cst(2026, 10, 31), now=cst(2026, 10, 31))[0].missed
        == len(before)
        == 6
    )


def test_a_roster_not_started_is_named(store: EventStore) -> None:
    with pytest.raises(yq.StoreError, match="roster of policy 'roster' is not started"):
        store.fulfil_duty(WEEKLY, "weekly-report", at=START, actor=SECRET)
    with pytest.raises(yq.StoreError, match=r"not started; start it with store\.start_roster"):
        store.duty_accountability(WEEKLY, START, cst(2026, 10, 1), now=cst(2026, 10, 1))
    with pytest.raises(yq.YuqingError, match="start_roster needs a Policy, got str"):
        store.start_roster("roster", at=START)  # type: ignore[arg-type]
    assert store.roster_start("roster") is None


# -- the store against the engine -----------------------------------------------------------

OFFSETS = st.integers(0, 28 * 24 * 60)  # minutes after START: four weeks


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    marks=st.lists(
        st.tuples(st.sampled_from(["weekly-report", "daily-log"]), OFFSETS, st.booleans()),
        max_size=12,
    ),
    polls=st.lists(OFFSETS, min_size=1, max_size=4),
)
def test_due_before_equals_the_engine_for_any_fulfilments(
    tmp_path_factory: pytest.TempPathFactory,
    marks: list[tuple[str, int, bool]],
    polls: list[int],
) -> None:
    """Fulfilments recorded in time order between polls; each poll lists what the engine's
    ``rules.roster.due_before`` lists for the fulfilments recorded so far."""
    path = tmp_path_factory.mktemp("roster") / "p.db"
    events = sorted(
        [(m, "fulfil", d, named) for d, m, named in marks] + [(p, "poll", "", False) for p in polls]
    )
    done: list[DutyFulfilment] = []
    with SQLiteStore(path) as store:
        store.start_roster(POLICY, at=START)
        for minutes, what, duty, named in events:
            at = START + timedelta(minutes=minutes)
            if what == "poll":
                want = engine_due_before(POLICY, at, done, since=START)
                got = store.due_before(at, limit=10_000)
                assert [(i.obligation_id, i.due_at) for i in got] == [
                    (i.duty_id, i.due_at) for i in want
                ]
                continue
            target = None
            if named:
                listed = engine_due_before(POLICY, at + timedelta(days=7), done, since=START)
                target = next((i.due_at for i in listed if i.duty_id == duty), None)
            done.append(store.fulfil_duty(POLICY, duty, at=at, actor="a", due_at=target))
            assert done[-1] == fulfil(POLICY, duty, at=at, actor="a", due_at=target)


# -- schema 5 on an existing file ---------------------------------------------------------


def keeps_cases_and_roster(store: Any, tiered: yq.Policy) -> None:
    """An upgraded store saves and loads a case and lists its started roster: the weekly
    report's last due instant by 22 Sep 2026 is Mon 21 Sep 10:00."""
    case = open_a(tiered)
    store.save(case)
    store.start_roster(WEEKLY, at=START)
    assert due(store, cst(2026, 9, 22))[-1] == ("", "weekly-report", "office", "09-21 10:00 Mon")
    assert store.load(tiered, "YQ-A") == case


def test_a_schema_4_file_gains_the_roster_tables_when_opened(
    tmp_path: Path, tiered: yq.Policy
) -> None:
    path = tmp_path / "old.db"
    ddl = (Path(__file__).parent / "store_schema4.sql").read_text(encoding="utf-8")
    with sqlite3.connect(path) as db:
        db.executescript(ddl)
        db.execute("INSERT INTO yq_meta VALUES ('schema_version', '4')")
    with SQLiteStore(path) as store:
        keeps_cases_and_roster(store, tiered)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM yq_meta").fetchall() == [("5",)]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"yq_rosters", "yq_duty_fulfilments", "yq_roster_due"} <= tables


@pytest.mark.requires("postgresql")
def test_yuqing_db_migrate_applies_0003_to_a_database_at_migration_2(
    yuqing_postgres_server: Any, tiered: yq.Policy, capsys: pytest.CaptureFixture[str]
) -> None:
    # Lazy: psycopg is the optional extra `postgres`; the SQLite tests above run without it.
    import psycopg

    from yuqing_core.store.postgres import PostgresStore
    from yuqing_core.store.postgres.migrate import migrations

    url = yuqing_postgres_server.make_url("yq_at_2")
    yuqing_postgres_server._admin('CREATE DATABASE "yq_at_2"')
    with psycopg.connect(url) as conn, conn.transaction():
        conn.execute("CREATE TABLE yq_migrations (version integer PRIMARY KEY, name text NOT NULL)")
        for m in migrations()[:2]:
            conn.execute(m.sql.encode("utf-8"))
            conn.execute("INSERT INTO yq_migrations VALUES (%s, %s)", (m.version, m.name))
    with pytest.raises(yq.StoreError, match="at schema 2, this yuqing_core needs 3"):
        PostgresStore(url)
    assert main(["db", "migrate", "--url", url]) == 0
    assert capsys.readouterr().out == "applied migration 0003 roster\n"
    with PostgresStore(url) as store:
        keeps_cases_and_roster(store, tiered)
