"""Obligations that hold only in a period (``during`` on ``[[obligations]]``): owed when the
clock starts on a day of one of the named periods, not otherwise.

By hand on the official calendar: 高考 2026 is given as 7-10 June; National Day 2026 is 1-7
October off, with Sunday 20 September and Saturday 10 October as make-up working days, so the
official holiday block is 1-7 October and 10-11 October are not in it (a make-up working day,
then an ordinary Sunday).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

import yuqing_core as yq
from tests.helpers import cst

HEAD = {"name": "p", "title": "某校"}
PERIODS = [
    {"id": "holidays", "label": "节假日", "rule": "official_holidays"},
    {
        "id": "gaokao",
        "label": "高考",
        "ranges": [{"start": date(2026, 6, 7), "end": date(2026, 6, 10)}],
    },
]


def obligation(**keys: Any) -> dict[str, Any]:
    return {"id": "x", "rule": "本校第8条", "kind": "report", "role": "office", **keys}


POLICY = yq.load_policy(
    {
        **HEAD,
        "periods": PERIODS,
        "obligations": [
            obligation(id="always", within="2h"),
            obligation(id="exam-report", within="1h", during=["gaokao"]),
            obligation(id="holiday-report", within="30min", during=["holidays", "gaokao"]),
        ],
    }
)


def owed(found: datetime) -> dict[str, datetime]:
    incident = yq.Incident(id="YQ-P", title="t", discovered_at=found)
    case = POLICY.open_case(incident, at=found, actor="monitor")
    return {o.id: o.due_at for o in case.obligations}


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        # In the 高考 range: both period-bound reports, from the same moment.
        (
            cst(2026, 6, 8, 10),
            {
                "always": cst(2026, 6, 8, 12),
                "exam-report": cst(2026, 6, 8, 11),
                "holiday-report": cst(2026, 6, 8, 10, 30),
            },
        ),
        # The day after the range: neither.
        (cst(2026, 6, 11, 10), {"always": cst(2026, 6, 11, 12)}),
        # National Day 2026: the holiday report only.
        (
            cst(2026, 10, 3, 23, 50),
            {"always": cst(2026, 10, 4, 1, 50), "holiday-report": cst(2026, 10, 4, 0, 20)},
        ),
        # Saturday 10 October is a make-up working day, Sunday 11 October an ordinary weekend.
        (cst(2026, 10, 10, 9), {"always": cst(2026, 10, 10, 11)}),
        (cst(2026, 10, 11, 9), {"always": cst(2026, 10, 11, 11)}),
    ],
)
def test_an_obligation_holds_only_when_its_clock_starts_in_its_periods(
    found: datetime, expected: dict[str, datetime]
) -> None:
    assert owed(found) == expected


def test_a_period_the_policy_does_not_have_is_named_with_its_key_path() -> None:
    with pytest.raises(yq.PolicyError) as e:
        yq.load_policy(
            {
                **HEAD,
                "periods": PERIODS,
                "obligations": [obligation(within="1h", during=["lianghui"])],
            }
        )
    assert str(e.value).splitlines() == [
        "obligations[0].during[0]: 'lianghui' is not a period of this policy ([[periods]])"
    ]


def test_a_file_without_periods_means_what_it_meant() -> None:
    plain = yq.load_policy({**HEAD, "obligations": [obligation(within="1h")]})
    assert "during" not in plain.spec.model_dump(exclude_defaults=True)["obligations"][0]
