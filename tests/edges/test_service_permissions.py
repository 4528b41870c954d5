"""``yuqing serve`` and ``[workflow.permissions]``: the command body carries the caller's
``actor_roles`` (set by the host's gateway, which the service trusts), and a command the roles
may not fire is a 403 problem document naming the trigger and the roles that may, never the
actor. A real server process on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.serving import PROBLEM, problem_of, served

PERMITTED = """\
name = "permitted"
title = "权限"
extends = "school-tiered"

[workflow.permissions]
report = ["office"]
"""

CASES = "/v1/policies/permitted/cases"
FOUND = "2025-09-30T17:00:00+08:00"


def _fire(client: httpx.Client, roles: Any, at: str) -> httpx.Response:
    body: dict[str, Any] = {"trigger": "report", "at": at, "actor": "张三", "data": {}}
    if roles is not None:
        body["actor_roles"] = roles
    return client.post(f"{CASES}/YQ-1/commands", json=body)


def test_a_command_the_roles_may_not_fire_is_a_403_problem(tmp_path: Path) -> None:
    policy = tmp_path / "permitted.toml"
    policy.write_text(PERMITTED, encoding="utf-8")
    with served(tmp_path / "p.db", "--policy", str(policy)) as s:
        incident = {"id": "YQ-1", "title": "食堂投诉", "discovered_at": FOUND}
        body = {"incident": incident, "at": FOUND, "actor": "monitor-1"}
        assert s.client.post(CASES, json=body).status_code == 201
        refused = problem_of(_fire(s.client, ["monitor"], "2025-09-30T18:00:00+08:00"), 403)
        assert refused["type"] == "urn:yuqing-core:error:NotPermittedError"
        assert refused["trigger"] == "report"
        assert refused["roles"] == ["office"]
        assert "report" not in refused["allowed"]
        assert refused["detail"].startswith(
            "report may be fired only by office (the caller's roles: monitor) (allowed now: "
        )
        assert "张三" not in str(refused)
        unsaid = problem_of(_fire(s.client, None, "2025-09-30T18:00:00+08:00"), 403)
        assert "(the caller's roles: none given)" in unsaid["detail"]
        wrong = _fire(s.client, "office", "2025-09-30T18:00:00+08:00")
        assert problem_of(wrong, 422)["type"] == "about:blank"
        assert wrong.headers["content-type"] == PROBLEM
        case = s.client.get(f"{CASES}/YQ-1").json()
        assert [e["trigger"] for e in case["events"]] == ["open"]
        fired = _fire(s.client, ["office", "monitor"], "2025-09-30T18:05:00+08:00")
        assert fired.status_code == 200, fired.text
        assert fired.json()["case"]["state"] == "reported"
        assert [e["data"] for e in fired.json()["recorded"]] == [{}]
