"""``yuqing serve``'s routes for workers, on a real server process: claim due items and ack or
release them, claim outbox notices and record them sent or release them.

School-tiered, a general case found Tue 30 Sep 2025 17:00 (National Day 2025: 1-8 October off,
Saturday 11 October a make-up working day). The report is owed within one working day, so by
2025-10-10T00:00+08:00; the first response within three (9, 10 and 11 October), so by
2025-10-12T00:00+08:00. Each obligation's clock starts at discovery, so its ``start`` notice is
sendable at 17:00 on 30 September; the report's ``due_soon`` notice at 75% of its working
span: 7 hours of 30 September and 24 of 9 October make 31, 75% is 23 h 15 min, so 16:15 on
9 October.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from tests.serving import Served, problem_of, served
from yuqing_core.wire import schema

CASES = "/v1/policies/school-tiered/cases"
FOUND = "2025-09-30T17:00:00+08:00"
ADDRESS = "zhang.san@example.edu.cn"


def valid(name: str, doc: Any) -> None:
    checker = jsonschema.Draft202012Validator(
        schema(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert [e.message for e in checker.iter_errors(doc)] == []


def _with_a_case(db: Path) -> Iterator[Served]:
    with served(db) as s:
        incident = {"id": "YQ-W", "title": "食堂投诉", "discovered_at": FOUND}
        body = {"incident": incident, "at": FOUND, "actor": "monitor-1"}
        assert s.client.post(CASES, json=body).status_code == 201
        yield s


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Served]:
    """A server of its own: claims change what the next claim gets."""
    yield from _with_a_case(tmp_path / "cases.db")


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the requests refused before they reach the store."""
    yield from _with_a_case(tmp_path_factory.mktemp("work") / "cases.db")


def claim(client: httpx.Client, kind: str, now: str, **extra: Any) -> list[dict[str, Any]]:
    response = client.post(f"/v1/{kind}/claims", json={"now": now, **extra})
    assert response.status_code == 200, response.text
    key = "claims" if kind == "due" else "entries"
    assert response.json()["now"] == now
    found: list[dict[str, Any]] = response.json()[key]
    return found


def test_due_items_are_claimed_released_and_acked(server: Served) -> None:
    c = server.client
    now = "2025-10-10T09:00:00+08:00"
    first = claim(c, "due", now, lease_seconds=600)
    assert [(x["item"]["obligation_id"], x["item"]["due_at"]) for x in first] == [
        ("general-report", "2025-10-10T00:00:00+08:00")
    ]
    assert first[0]["lease_until"] == "2025-10-10T09:10:00+08:00"
    valid("claimed_due", first[0])
    assert claim(c, "due", now) == []  # held by the first claim
    released = c.post("/v1/due/claims/release", json={"claims": first})
    assert released.json() == {"released": 1}
    again = claim(c, "due", now)
    assert [x["item"]["obligation_id"] for x in again] == ["general-report"]
    assert again[0]["token"] != first[0]["token"]
    assert c.post("/v1/due/claims/ack", json={"claims": first}).json() == {"acked": 0}
    assert c.post("/v1/due/claims/ack", json={"claims": again}).json() == {"acked": 1}
    assert claim(c, "due", now) == []  # done for that due instant
    later = claim(c, "due", "2025-10-12T01:00:00+08:00", limit=5)
    assert [(x["item"]["obligation_id"], x["item"]["due_at"]) for x in later] == [
        ("general-response", "2025-10-12T00:00:00+08:00")
    ]
    assert c.post("/v1/due/claims/release", json={"claims": later}).json() == {"released": 1}


def test_outbox_notices_are_claimed_sent_and_released(server: Served) -> None:
    c = server.client
    entries = claim(c, "outbox", "2025-09-30T17:30:00+08:00", limit=10, lease_seconds=60)
    assert [(e["obligation_id"], e["stage"], e["sendable_at"], e["role"]) for e in entries] == [
        ("general-report", "start", "2025-09-30T17:00:00+08:00", "business_supervisor"),
        ("general-response", "start", "2025-09-30T17:00:00+08:00", "handling_unit"),
    ]
    for entry in entries:
        valid("outbox_entries", entry)
    report, response = entries
    sent = {"entry": report, "at": "2025-09-30T17:40:00+08:00", "to": ADDRESS}
    answer = c.post("/v1/outbox/claims/ack", json=sent)
    assert answer.json() == {"sent": True}
    assert ADDRESS not in answer.text
    assert c.post("/v1/outbox/claims/ack", json=sent).json() == {"sent": False}
    released = c.post("/v1/outbox/claims/release", json={"entries": [response]})
    assert released.json() == {"released": 1}
    again = claim(c, "outbox", "2025-09-30T17:30:00+08:00")
    assert [(e["obligation_id"], e["stage"]) for e in again] == [("general-response", "start")]
    # The claim of 17:30 was never acked: its lease (300 s) ran out at 17:35, so the notice
    # is claimable again beside the report's due-soon notice; the sent one is not.
    soon = claim(c, "outbox", "2025-10-09T16:15:00+08:00")
    assert [(e["obligation_id"], e["stage"], e["sendable_at"]) for e in soon] == [
        ("general-response", "start", "2025-09-30T17:00:00+08:00"),
        ("general-report", "due_soon", "2025-10-09T16:15:00+08:00"),
    ]
    assert c.post("/v1/outbox/claims/release", json={"entries": soon}).json() == {"released": 2}


@pytest.mark.parametrize(
    ("path", "body", "detail"),
    [
        ("/v1/due/claims", {"now": FOUND, "limit": 0}, "body.limit: "),
        ("/v1/due/claims", {"now": FOUND, "lease_seconds": 86401}, "body.lease_seconds: "),
        ("/v1/outbox/claims", {"now": FOUND, "worker": "w1"}, "body.worker: "),
        ("/v1/due/claims/ack", {"claims": []}, "body.claims: "),
        ("/v1/due/claims/release", {"claims": [{"token": "t"}]}, "body.claims[0].item: "),
        ("/v1/outbox/claims/release", {}, "body.entries: "),
    ],
)
def test_a_request_the_routes_cannot_read_is_a_422_naming_where(
    shared: Served, path: str, body: dict[str, Any], detail: str
) -> None:
    doc = problem_of(shared.client.post(path, json=body), 422)
    assert doc["detail"].startswith(detail)


def test_a_naive_instant_is_the_library_s_error(shared: Served) -> None:
    doc = problem_of(shared.client.post("/v1/due/claims", json={"now": "2025-10-10T09:00"}), 422)
    assert doc["type"] == "urn:yuqing-core:error:NaiveDatetimeError"
    assert doc["detail"] == (
        "now: 2025-10-10T09:00:00 has no time zone; give an aware datetime such as "
        "2025-10-10T09:00:00+08:00"
    )


def test_a_recipient_refused_is_never_shown_back(server: Served) -> None:
    entries = claim(server.client, "outbox", "2025-10-12T00:00:00+08:00", limit=1)
    body = {"entry": entries[0], "at": "2025-10-12T00:05:00+08:00", "to": "   "}
    response = server.client.post("/v1/outbox/claims/ack", json=body)
    doc = problem_of(response, 422)
    assert doc["detail"].startswith("body.to: ")
    unsent = {"entry": {**entries[0], "token": None}, "at": "2025-10-12T00:05:00+08:00"}
    doc = problem_of(
        server.client.post("/v1/outbox/claims/ack", json={**unsent, "to": ADDRESS}), 422
    )
    assert doc["detail"] == (
        "body.entry: not a claimed entry (no token): claim it first (POST /v1/outbox/claims)"
    )
    assert ADDRESS not in str(doc)


def test_the_routes_need_the_token(shared: Served) -> None:
    refused = httpx.post(f"{shared.url}/v1/due/claims", json={"now": FOUND})
    assert problem_of(refused, 401)["type"] == "about:blank"


def test_the_token_comes_first_then_the_parameters_then_the_library(shared: Served) -> None:
    """One order on every route: 401 without the token whatever else is wrong, then 422 for
    an unknown, missing or malformed parameter, then the library's own answer."""
    odd = {"befor": "2025-10-10T09:00:00+08:00", "limit": "0", "电话": "13800000000"}
    assert problem_of(httpx.get(f"{shared.url}/v1/due", params=odd), 401)["status"] == 401
    doc = problem_of(shared.client.get("/v1/due", params=odd), 422)
    assert doc["errors"] == [
        "query.befor: not a parameter of this route",
        "query.<not a name>: not a parameter of this route",
    ]
    assert "13800000000" not in str(doc)
    known = {"before": "2025-10-10T09:00:00+08:00", "limit": "0"}
    assert problem_of(shared.client.get("/v1/due", params=known), 422)["errors"] == [
        "query.limit: Input should be greater than or equal to 1"
    ]
    naive = {"before": "2025-10-10T09:00:00"}
    doc = problem_of(shared.client.get("/v1/due", params=naive), 422)
    assert doc["type"] == "urn:yuqing-core:error:NaiveDatetimeError"
    fine = shared.client.get("/v1/due", params={"before": "2025-10-10T09:00:00+08:00"})
    assert fine.status_code == 200
    assert [i["obligation_id"] for i in fine.json()["items"]] == ["general-report"]


def test_a_claim_no_store_could_hold_is_refused_not_a_server_error(server: Served) -> None:
    """Found by schemathesis: an entry with an id past 64 bits, or text with a lone surrogate
    (valid JSON, not UTF-8), was a 500; it is a 422 naming where."""
    entry = claim(server.client, "outbox", "2025-09-30T17:30:00+08:00", limit=1)[0]
    huge = {"entry": {**entry, "id": -(2**101)}, "at": FOUND, "to": "office"}
    doc = problem_of(server.client.post("/v1/outbox/claims/ack", json=huge), 422)
    assert doc["errors"] == [f"body.entry: id must be from 1 to {2**63 - 1}"]
    lone = json.dumps({"entries": [entry]}).replace('"YQ-W"', '"\\udac0"')
    response = server.client.post(
        "/v1/outbox/claims/release", content=lone, headers={"content-type": "application/json"}
    )
    assert problem_of(response, 422)["errors"] == [
        "body.entries[0]: case_id is not text a store holds (UTF-8)"
    ]
    to = json.dumps({"entry": entry, "at": FOUND, "to": "x"}).replace('"x"', '"\\ud800"')
    response = server.client.post(
        "/v1/outbox/claims/ack", content=to, headers={"content-type": "application/json"}
    )
    assert problem_of(response, 422)["errors"] == [
        "body.to: Input should be a valid string, unable to parse raw data as a unicode string"
    ]
    assert server.client.post("/v1/outbox/claims/release", json={"entries": [entry]}).json() == {
        "released": 1
    }
