"""``yuqing serve`` as a real server process on 127.0.0.1, over HTTP: the token, the limits,
problem documents, and a case's whole life with exact due instants on the official calendar.

School-tiered, a general case found at 17:00 on 30 September 2025, across National Day 2025
(1-8 October rest, Saturday 11 October a make-up working day): the report is owed within one
working day, 9 October, so by 2025-10-10T00:00+08:00; the first response within three, 9, 10
and 11 October (the make-up day), so by 2025-10-12T00:00+08:00 (without the make-up day it
would be 14 October).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

import yuqing_core as yq
from tests.helpers import REPO
from tests.serving import TOKEN, Served, problem_of, serve_command, served
from yuqing_core.wire import schema

POLICY = "/v1/policies/school-tiered"
FOUND = "2025-09-30T17:00:00+08:00"


def incident(case_id: str, **extra: Any) -> dict[str, Any]:
    return {"id": case_id, "title": "食堂投诉", "discovered_at": FOUND, **extra}


def opened(server: Served, case_id: str, **extra: Any) -> httpx.Response:
    body = {"incident": incident(case_id, **extra), "at": FOUND, "actor": "monitor-1"}
    return server.client.post(f"{POLICY}/cases", json=body)


def fire(server: Served, case_id: str, trigger: str, at: str, **data: Any) -> httpx.Response:
    body = {"trigger": trigger, "at": at, "actor": "office-1", "data": data}
    return server.client.post(f"{POLICY}/cases/{case_id}/commands", json=body)


def valid(name: str, doc: Any) -> None:
    checker = jsonschema.Draft202012Validator(
        schema(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert [e.message for e in checker.iter_errors(doc)] == []


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("serve") / "cases.db", "--max-body", "4096") as s:
        yield s


def run_serve(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "YUQING_TOKEN"}
    return subprocess.run(
        serve_command("--db", str(tmp_path / "x.db"), "--port", "1"),
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_serve_refuses_to_start_without_a_token(tmp_path: Path) -> None:
    done = run_serve(tmp_path, {})
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "yuqing: YUQING_TOKEN is not set: the service needs a bearer token every request "
        "carries (export YUQING_TOKEN=<a long random text>)\n"
    )
    short = run_serve(tmp_path, {"YUQING_TOKEN": "short"})
    assert (short.returncode, short.stderr) == (
        1,
        "yuqing: YUQING_TOKEN must be at least 16 printable characters, without spaces around it\n",
    )
    assert not (tmp_path / "x.db").exists()


def test_the_package_and_its_command_line_never_load_the_web_framework() -> None:
    code = (
        "import sys, yuqing_core, yuqing_core.cli, yuqing_core.service.settings\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('fastapi', 'starlette', 'uvicorn')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_a_request_without_the_token_is_refused(server: Served) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer wrong-token-0123456789"},
        {"Authorization": TOKEN},
    ):
        response = httpx.get(f"{server.url}/v1/policies", headers=headers)
        assert problem_of(response, 401) == {
            "type": "about:blank",
            "title": "Unauthorized",
            "status": 401,
            "detail": "a bearer token is required (Authorization: Bearer <YUQING_TOKEN>)",
        }
        assert response.headers["www-authenticate"] == "Bearer"
    assert httpx.get(f"{server.url}/openapi.json").status_code == 401


def test_a_body_over_the_limit_is_refused(server: Served) -> None:
    big = {"incident": incident("BIG", summary="x" * 5000), "at": FOUND, "actor": "m"}
    expected = {
        "type": "about:blank",
        "title": "Request Entity Too Large",
        "status": 413,
        "detail": "the request body is larger than 4096 bytes",
    }
    assert problem_of(server.client.post(f"{POLICY}/cases", json=big), 413) == expected

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"incident": '
        for _ in range(10):
            yield b" " * 1000
        yield b"}"

    response = server.client.post(f"{POLICY}/cases", content=chunks())
    assert problem_of(response, 413) == expected
    assert server.client.get(f"{POLICY}/cases/BIG").status_code == 404


def test_a_client_over_the_rate_is_refused(tmp_path: Path) -> None:
    with served(tmp_path / "rate.db", "--rate", "1", "--burst", "3") as s:
        assert [s.client.get("/v1/policies").status_code for _ in range(3)] == [200] * 3
        refused = s.client.get("/v1/policies")
        assert problem_of(refused, 429)["detail"] == (
            "too many requests from this client; try again later"
        )
        assert refused.headers["retry-after"] == "60"
        # Checked before the token: a client guessing tokens is slowed too.
        assert httpx.get(f"{s.url}/v1/policies").status_code == 429


def test_errors_are_problem_documents_with_the_library_s_message(server: Served) -> None:
    assert opened(server, "ERR-1").status_code == 201
    assert problem_of(server.client.get("/v1/policies/nope"), 404) == {
        "type": "urn:yuqing-core:error:NotFoundError",
        "title": "NotFoundError",
        "status": 404,
        "detail": "no policy 'nope' (GET /v1/policies lists them)",
    }
    assert problem_of(server.client.get(f"{POLICY}/cases/NOPE"), 404)["detail"] == (
        "no case 'NOPE'"
    )
    refused = problem_of(fire(server, "ERR-1", "dismiss", "2025-10-09T09:00:00+08:00"), 422)
    assert (refused["type"], refused["trigger"]) == (
        "urn:yuqing-core:error:TransitionError",
        "dismiss",
    )
    assert refused["detail"].startswith("dismiss needs 'reason'")
    assert "report" in refused["allowed"]
    naive = problem_of(fire(server, "ERR-1", "report", "2025-10-09T09:00:00"), 422)
    assert naive["detail"].startswith(
        "at: 2025-10-09T09:00:00 has no time zone; give an aware datetime such as "
        "2025-10-09T09:00:00+08:00"
    )
    duplicate = problem_of(opened(server, "ERR-1"), 409)
    assert duplicate["type"] == "urn:yuqing-core:error:DuplicateCaseError"
    assert duplicate["detail"].startswith("case 'ERR-1' is already in the store")
    assert problem_of(server.client.get("/v1/nothing"), 404)["type"] == "about:blank"
    assert problem_of(server.client.delete("/v1/policies"), 405)["title"] == "Method Not Allowed"
    bad_json = server.client.post(f"{POLICY}/cases", content=b"{not json")
    assert problem_of(bad_json, 422)["type"] == "about:blank"
    unknown = problem_of(fire(server, "ERR-1", "teleport", "2025-10-09T09:00:00+08:00"), 422)
    assert unknown["detail"].startswith("unknown trigger 'teleport' (allowed now: assess, report")
    no_actor = {"trigger": "report", "at": "2025-10-09T09:00:00+08:00"}
    missing = server.client.post(f"{POLICY}/cases/ERR-1/commands", json=no_actor)
    assert problem_of(missing, 422)["detail"] == "body.actor: Field required"


def test_no_error_and_no_read_shows_personal_data(server: Served) -> None:
    phone = "13800138000"
    reporter = {"name": "张三", "phone": phone, "unit": "后勤处"}
    assert opened(server, "PD-1", reporter=reporter).status_code == 201
    texts = [
        opened(server, "PD-1", reporter=reporter).text,  # duplicate
        opened(server, "PD-2", reporter={"phone": int(phone)}).text,  # wrong type
        server.client.post(
            f"{POLICY}/cases",
            json={"incident": incident("PD-3"), "at": FOUND, "actor": "m", "severity": phone},
        ).text,
        server.client.get(f"{POLICY}/cases/PD-1").text,
        fire(server, "PD-1", "assess", "2025-10-09T09:00:00+08:00", severity=phone).text,
    ]
    for text in texts:
        assert phone not in text
        assert "张三" not in text
    assessed = problem_of(
        fire(server, "PD-1", "assess", "2025-10-09T09:00:00+08:00", severity=phone), 422
    )
    assert assessed["detail"].startswith(
        "data.severity: <value> is not a severity (one of low, general, significant, major, "
        "critical)"
    )
    case = server.client.get(f"{POLICY}/cases/PD-1").json()
    assert case["events"][0]["data"]["incident"]["reporter"] == {"unit": "后勤处"}


def test_a_case_id_may_hold_a_slash_and_a_policy_file_is_served(tmp_path: Path) -> None:
    policy_file = REPO / "examples" / "our_school.toml"
    with served(tmp_path / "files.db", "--policy", str(policy_file)) as s:
        listed = s.client.get("/v1/policies").json()
        mine = [p for p in listed["policies"] if not p["preset"]]
        expected = yq.load_policy(policy_file)
        assert mine == [
            {"name": expected.name, "fingerprint": expected.fingerprint, "preset": False}
        ]
        assert len(listed["policies"]) == len(yq.presets.names()) + 1
        got = s.client.get(f"/v1/policies/{expected.name}").json()
        assert yq.load_policy(got).fingerprint == expected.fingerprint
        assert opened(s, "YQ/2025/1").status_code == 201
        case = s.client.get(f"{POLICY}/cases/YQ/2025/1")
        assert (case.status_code, case.json()["id"]) == (200, "YQ/2025/1")
        owed = obligations(s, "YQ/2025/1", "2025-10-01T09:00:00+08:00")
        assert [o[:2] for o in owed] == [
            ("general-report", "2025-10-10T00:00:00+08:00"),
            ("general-response", "2025-10-12T00:00:00+08:00"),
        ]


def obligations(server: Served, case_id: str, at: str) -> list[tuple[Any, ...]]:
    response = server.client.get(f"{POLICY}/cases/{case_id}/obligations", params={"at": at})
    assert response.status_code == 200, response.text
    body = response.json()
    for ob in body["obligations"]:
        valid("obligations", ob)
    return [(o["id"], o["due_at"], o["met_at"], o["status"]) for o in body["obligations"]]


def due(server: Served, before: str) -> list[tuple[str, str, str]]:
    response = server.client.get("/v1/due", params={"before": before})
    assert response.status_code == 200, response.text
    for item in response.json()["items"]:
        valid("due_items", item)
    return [(i["case_id"], i["obligation_id"], i["due_at"]) for i in response.json()["items"]]


def test_a_case_s_whole_life_over_http(tmp_path: Path) -> None:
    with served(tmp_path / "life.db") as s:
        created = opened(s, "YQ-HTTP-1")
        assert created.status_code == 201
        assert (created.json()["state"], created.json()["version"]) == ("registered", 1)
        assert obligations(s, "YQ-HTTP-1", "2025-10-01T09:00:00+08:00") == [
            ("general-report", "2025-10-10T00:00:00+08:00", None, "pending"),
            ("general-response", "2025-10-12T00:00:00+08:00", None, "pending"),
        ]
        assert due(s, "2025-10-10T00:00:00+08:00") == [
            ("YQ-HTTP-1", "general-report", "2025-10-10T00:00:00+08:00")
        ]
        steps = [
            ("report", "2025-10-09T09:00:00+08:00", "reported"),
            ("assign", "2025-10-09T10:00:00+08:00", "assigned"),
            ("start", "2025-10-09T11:00:00+08:00", "handling"),
            ("respond", "2025-10-11T10:00:00+08:00", "responded"),  # the make-up Saturday
            ("track", "2025-10-11T11:00:00+08:00", "tracking"),
            ("stabilize", "2025-10-13T09:00:00+08:00", "stabilized"),
            ("review", "2025-10-14T09:00:00+08:00", "reviewed"),
            ("archive", "2025-10-15T09:00:00+08:00", "archived"),
        ]
        for n, (trigger, at, state) in enumerate(steps, 2):
            response = fire(s, "YQ-HTTP-1", trigger, at)
            assert response.status_code == 200, response.text
            body = response.json()
            assert [e["trigger"] for e in body["recorded"]] == [trigger]
            assert (body["case"]["state"], body["case"]["version"]) == (state, n)
            for event in body["recorded"]:
                valid("events", event)
            if trigger == "report":
                assert due(s, "2025-10-31T00:00:00+08:00") == [
                    ("YQ-HTTP-1", "general-response", "2025-10-12T00:00:00+08:00")
                ]
        assert obligations(s, "YQ-HTTP-1", "2025-10-31T00:00:00+08:00") == [
            ("general-report", "2025-10-10T00:00:00+08:00", "2025-10-09T09:00:00+08:00", "met"),
            ("general-response", "2025-10-12T00:00:00+08:00", "2025-10-11T10:00:00+08:00", "met"),
        ]
        case = s.client.get(f"{POLICY}/cases/YQ-HTTP-1").json()
        assert (case["closed"], case["allowed_triggers"], len(case["events"])) == (True, [], 9)
        valid(
            "case",
            {
                "format": "yuqing_core.case/1",
                "policy": "school-tiered",
                "id": "YQ-HTTP-1",
                "events": case["events"],
            },
        )
        assert due(s, "2099-12-31T00:00:00+08:00") == []

        assert opened(s, "YQ-HTTP-2").status_code == 201
        assert fire(s, "YQ-HTTP-2", "report", "2025-10-10T09:00:00+08:00").status_code == 200
        notes = s.client.get(
            f"{POLICY}/cases/YQ-HTTP-2/notifications", params={"at": "2025-10-11T09:00:00+08:00"}
        ).json()["notifications"]
        for note in notes:
            valid("notifications", note)
        assert [(n["obligation_id"], n["status"], n["message"]) for n in notes] == [
            (
                "general-response",
                "due_soon",
                "【初步处置并回应】食堂投诉：责任单位，时限 2025-10-12 00:00（R3.1）",
            )
        ]
        period = {
            "start": "2025-10-01T00:00:00+08:00",
            "end": "2025-11-01T00:00:00+08:00",
            "now": "2025-10-31T00:00:00+08:00",
        }
        rows = s.client.get(f"{POLICY}/accountability", params=period).json()["rows"]
        for row in rows:
            valid("accountability_rows", row)
        assert [(r["role"], r["late"], r["missed"]) for r in rows] == [
            ("handling_unit", 0, 1),
            ("business_supervisor", 1, 0),
        ]
        assert [i["obligation_id"] for r in rows for i in r["items"]] == [
            "general-response",
            "general-report",
        ]
