"""``yuqing serve`` on a PostgreSQL store (``--url DSN`` or ``$YUQING_DATABASE_URL``), a real
server process on a throwaway cluster's fresh, migrated database: a case's life, claims and the
outbox as on SQLite, and several requests at once (the store's pool, no service lock).

School-tiered, a general case found Tue 30 Sep 2025 17:00, across National Day 2025 (1-8
October off, Saturday 11 October a make-up working day): the report is owed by
2025-10-10T00:00+08:00 (one working day, 9 October), the first response by
2025-10-12T00:00+08:00 (9, 10 and 11 October).
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

import yuqing_core as yq
from tests.serving import Served, serve_command, served

POSTGRESQL = pytest.mark.requires("postgresql")

CASES = "/v1/policies/school-tiered/cases"
FOUND = "2025-09-30T17:00:00+08:00"


def _open(s: Served, case_id: str) -> httpx.Response:
    incident = {"id": case_id, "title": "食堂投诉", "discovered_at": FOUND}
    return s.client.post(CASES, json={"incident": incident, "at": FOUND, "actor": "monitor-1"})


@POSTGRESQL
def test_a_case_s_life_claims_and_the_outbox_on_postgresql(yuqing_postgres_url: str) -> None:
    with served(None, "--url", yuqing_postgres_url) as s:
        assert _open(s, "YQ-PG").status_code == 201
        assert _open(s, "YQ-PG").status_code == 409
        command = {"trigger": "report", "at": "2025-10-09T09:00:00+08:00", "actor": "office"}
        fired = s.client.post(f"{CASES}/YQ-PG/commands", json=command)
        assert fired.status_code == 200, fired.text
        assert fired.json()["case"]["state"] == "reported"
        claims = s.client.post("/v1/due/claims", json={"now": "2025-10-12T01:00:00+08:00"})
        assert [
            (c["item"]["obligation_id"], c["item"]["due_at"]) for c in claims.json()["claims"]
        ] == [("general-response", "2025-10-12T00:00:00+08:00")]
        acked = s.client.post("/v1/due/claims/ack", json={"claims": claims.json()["claims"]})
        assert acked.json() == {"acked": 1}
        entries = s.client.post("/v1/outbox/claims", json={"now": "2025-09-30T17:30:00+08:00"})
        assert [(e["obligation_id"], e["stage"]) for e in entries.json()["entries"]] == [
            ("general-response", "start")
        ]
    with yq.PostgresStore(yuqing_postgres_url) as store:
        case = store.load(yq.presets.load("school-tiered"), "YQ-PG")
        assert [e.trigger for e in case.events] == ["open", "report"]


@POSTGRESQL
def test_requests_at_once_each_land_once(yuqing_postgres_url: str) -> None:
    with served(None, "--url", yuqing_postgres_url) as s, ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda n: _open(s, f"YQ-{n % 4}").status_code, range(12)))
        assert sorted(statuses) == [201] * 4 + [409] * 8
        claims = list(
            pool.map(
                lambda _: s.client.post(
                    "/v1/due/claims", json={"now": "2025-10-10T09:00:00+08:00", "limit": 1}
                ).json()["claims"],
                range(6),
            )
        )
        held = sorted(c[0]["item"]["case_id"] for c in claims if c)
        assert held == ["YQ-0", "YQ-1", "YQ-2", "YQ-3"]  # each report claimed by one worker


@POSTGRESQL
def test_the_connection_string_may_come_from_the_environment(
    yuqing_postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YUQING_DATABASE_URL", yuqing_postgres_url)
    with served(None) as s:
        assert _open(s, "YQ-ENV").status_code == 201
        assert yuqing_postgres_url not in s.output()


def test_serve_needs_one_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YUQING_DATABASE_URL", raising=False)
    monkeypatch.setenv("YUQING_TOKEN", "test-token-0123456789abcdef")
    neither = subprocess.run(
        serve_command("--port", "1"), capture_output=True, text=True, timeout=120
    )
    assert (neither.returncode, neither.stderr) == (
        2,
        "yuqing: serve needs --db FILE (SQLite) or --url DSN (PostgreSQL; or "
        "$YUQING_DATABASE_URL)\n",
    )
    both = subprocess.run(
        serve_command("--db", str(tmp_path / "x.db"), "--url", "dbname=x", "--port", "1"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert both.returncode == 2
    assert "argument --url: not allowed with argument --db" in both.stderr
