"""The Django app on PostgreSQL: a blank database of the throwaway cluster, migrated by the
app's migration, used through Django's connection with real commits.

school-tiered, found Monday 3 Nov 2025 09:00: the report is due at the end of Tuesday 4 Nov
(2025-11-05T00:00+08:00).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections, transaction

import yuqing_core as yq
from tests.contrib.conftest import CST, FOUND
from yuqing_core.contrib.django import DjangoStore

pytestmark = pytest.mark.requires("postgresql")

REPORT_DUE = datetime(2025, 11, 5, 0, 0, tzinfo=CST)


def _open(policy: yq.Policy, case_id: str = "YQ-7") -> yq.Case:
    incident = yq.Incident(id=case_id, title="食堂投诉", discovered_at=FOUND)
    return policy.open_case(incident, at=FOUND, actor="monitor-zhang")


def _migrate(alias: str) -> None:
    call_command("migrate", "yuqing_core", database=alias, verbosity=0)


def _host_rows(alias: str) -> Callable[[], list[str]]:
    """A host table beside the store's, in the same database."""
    with connections[alias].cursor() as cur:
        cur.execute("CREATE TABLE host_notes (note text NOT NULL)")

    def rows() -> list[str]:
        with connections[alias].cursor() as cur:
            cur.execute("SELECT note FROM host_notes ORDER BY note")
            return [r[0] for r in cur.fetchall()]

    return rows


def test_a_blank_database_is_refused_until_migrated(postgres_alias: str) -> None:
    store = DjangoStore(postgres_alias)
    with pytest.raises(yq.StoreError, match=r"has no yuqing_core tables; run `manage\.py migrate"):
        store.case_ids()
    _migrate(postgres_alias)
    from yuqing_core.store.postgres import LATEST

    with connections[postgres_alias].cursor() as cur:
        cur.execute("SELECT max(version) FROM yq_migrations")
        assert cur.fetchone() == (LATEST,)
    assert store.case_ids() == []


def test_open_fire_save_in_host_transactions(postgres_alias: str, tiered: yq.Policy) -> None:
    _migrate(postgres_alias)
    notes = _host_rows(postgres_alias)
    store = DjangoStore(postgres_alias)
    case = _open(tiered)

    def rolled_back() -> None:
        with transaction.atomic(using=postgres_alias):
            with connections[postgres_alias].cursor() as cur:
                cur.execute("INSERT INTO host_notes VALUES ('rolled back')")
            store.save(case)
            raise RuntimeError("the host changed its mind")

    with pytest.raises(RuntimeError, match="changed its mind"):
        rolled_back()
    assert (store.case_ids(), notes()) == ([], [])
    fresh = _open(tiered)
    with transaction.atomic(using=postgres_alias):
        with connections[postgres_alias].cursor() as cur:
            cur.execute("INSERT INTO host_notes VALUES ('committed')")
        assert store.save(fresh) == 1
    assert (store.case_ids(), notes()) == (["YQ-7"], ["committed"])
    due = store.due_before(FOUND + timedelta(days=2))
    assert [(d.case_id, d.obligation_id, d.due_at) for d in due] == [
        ("YQ-7", "general-report", REPORT_DUE)
    ]
    assert store.load(tiered, "YQ-7") == fresh


def test_a_conflict_on_postgres_writes_nothing(postgres_alias: str, tiered: yq.Policy) -> None:
    _migrate(postgres_alias)
    notes = _host_rows(postgres_alias)
    store = DjangoStore(postgres_alias)
    store.save(_open(tiered))
    first, second = store.load(tiered, "YQ-7"), store.load(tiered, "YQ-7")
    first.fire("report", at=FOUND + timedelta(hours=1), actor="office")
    second.fire("report", at=FOUND + timedelta(hours=2), actor="office")
    with transaction.atomic(using=postgres_alias):
        store.save(first)
        with pytest.raises(yq.ConflictError, match=r"'YQ-7': the store holds version 2"):
            store.save(second)
        with connections[postgres_alias].cursor() as cur:  # the host's transaction goes on
            cur.execute("INSERT INTO host_notes VALUES ('after the conflict')")
    assert store.version("YQ-7") == 2
    assert notes() == ["after the conflict"]
    assert store.load(tiered, "YQ-7") == first


def test_the_postgres_store_reads_what_django_saved(postgres_alias: str, tiered: yq.Policy) -> None:
    """One schema: the tables the app's migration made are PostgresStore's."""
    from yuqing_core.store.postgres import PostgresStore

    _migrate(postgres_alias)
    case = _open(tiered)
    DjangoStore(postgres_alias).save(case)
    conninfo: Any = DjangoStore(postgres_alias)._conninfo  # type: ignore[attr-defined]
    with PostgresStore(conninfo) as other:
        assert other.load(tiered, "YQ-7") == case
        assert [e.position for e in other.events_after()] == [
            e.position for e in DjangoStore(postgres_alias).events_after()
        ]


def test_a_database_migrated_by_yuqing_db_migrate_is_taken_over(
    yuqing_postgres_url: str, postgres_alias: str, tiered: yq.Policy
) -> None:
    from yuqing_core.store.postgres import PostgresStore

    with PostgresStore(yuqing_postgres_url) as native:
        native.save(_open(tiered))
    from psycopg.conninfo import conninfo_to_dict

    connections[postgres_alias].settings_dict["NAME"] = conninfo_to_dict(yuqing_postgres_url)[
        "dbname"
    ]
    _migrate(postgres_alias)  # the store's migrations are there: nothing to apply
    assert DjangoStore(postgres_alias).load(tiered, "YQ-7").version == 1


def test_yuqing_run_once_on_postgres(postgres_alias: str, tiered: yq.Policy, settings: Any) -> None:
    _migrate(postgres_alias)
    DjangoStore(postgres_alias).save(_open(tiered))
    handled: list[tuple[str, str]] = []
    settings.YUQING_ON_DUE = lambda item, now: handled.append((item.case_id, item.obligation_id))
    out = StringIO()
    at = REPORT_DUE.isoformat()
    call_command("yuqing_run", "--once", "--at", at, "--database", postgres_alias, stdout=out)
    assert handled == [("YQ-7", "general-report")]
    assert out.getvalue() == "due 1 done, 0 failed; notices 0 sent, 0 failed\n"
