"""schemathesis against the OpenAPI description that ``yuqing serve`` serves, on a real server
process: every operation, with a bounded number of generated requests, answers as described
(no server error, the status codes, content types and bodies of the description).

The operations are drawn with schemathesis's strategies under hypothesis directly: its pytest
loader (``schemathesis.pytest.from_fixture``) reads a pytest attribute that pytest 9.2 no
longer has.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode

from tests.serving import TOKEN, Served, served

AUTH = {"Authorization": f"Bearer {TOKEN}"}
STATEFUL = [schemathesis.checks.positive_data_acceptance]
"""Left out: "every request the schema allows is accepted". Whether a command applies
depends on the case's stage and the policy (a refusal is a 422 with the library's message),
and instants are refused outside 1950-2099; no JSON Schema says either. Every other check
runs, schema-invalid requests refused among them."""
EXAMPLES = 4
"""Requests generated per operation and mode (valid, invalid): 15 operations, 120 requests."""


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    db = tmp_path_factory.mktemp("openapi") / "cases.db"
    with served(db, "--rate", "1000000", "--burst", "1000000") as s:
        yield s


def test_the_service_answers_as_its_openapi_says(api: Served) -> None:
    response = api.client.get("/openapi.json")
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(response.json())
    results = list(schema.get_all_operations())
    assert [r for r in results if not isinstance(r, Ok)] == []  # every operation loads
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) == 15
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    for operation, mode in itertools.product(operations, modes):

        @given(case=operation.as_strategy(generation_mode=mode))
        # Derandomized: the same examples on every run, so a finding is reproducible rather
        # than a flake. The service judges a request in one documented order (token, then
        # unknown or bad parameters, then the library: service/app.py), so no check and no
        # operation is left out for it.
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate(base_url=api.url, headers=AUTH, excluded_checks=STATEFUL)

        check()
