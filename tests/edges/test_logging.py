"""The ``yuqing_core`` logger: one record per accepted or refused command, save, refused save
and provisional deadline, with ids as structured fields and never personal data."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.workflow import Case

PHONE = "13800000000"


def _opened(policy: yq.Policy, found_year: int = 2025) -> Case:
    found = cst(found_year, 11 if found_year == 2025 else 12, 3 if found_year == 2025 else 30, 9)
    incident = yq.Incident(
        id="YQ-L",
        title="食堂投诉",
        discovered_at=found,
        reporter=yq.Reporter(name="张三", phone=PHONE, unit="后勤处"),
    )
    return policy.open_case(incident, at=found, actor="monitor")


def _fields(record: logging.LogRecord) -> dict[str, object]:
    keys = ("case_id", "trigger", "version", "obligation_id", "rule")
    return {k: getattr(record, k) for k in keys if hasattr(record, k)}


def _no_personal_data(records: list[logging.LogRecord]) -> None:
    for r in records:
        text = r.getMessage() + repr(vars(r))
        assert PHONE not in text
        assert "张三" not in text


def test_the_logger_has_a_null_handler_and_no_other() -> None:
    logger = logging.getLogger("yuqing_core")
    assert [type(h) for h in logger.handlers] == [logging.NullHandler]


def test_each_accepted_or_refused_command_is_one_record(
    tiered: yq.Policy, caplog: pytest.LogCaptureFixture
) -> None:
    case = _opened(tiered)
    with caplog.at_level(logging.INFO, logger="yuqing_core"):
        case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
        with pytest.raises(yq.TransitionError):  # general is not above general
            case.fire("escalate", at=cst(2025, 11, 3, 11), actor="office", severity="general")
        with pytest.raises(yq.TransitionError):
            case.fire("no such trigger " + PHONE, at=cst(2025, 11, 3, 11), actor="office")
    assert [(r.levelname, r.getMessage(), _fields(r)) for r in caplog.records] == [
        (
            "INFO",
            "command accepted: case YQ-L assess (version 2)",
            {"case_id": "YQ-L", "trigger": "assess", "version": 2},
        ),
        (
            "INFO",
            "command refused: case YQ-L escalate (version 2)",
            {"case_id": "YQ-L", "trigger": "escalate", "version": 2},
        ),
        (
            "INFO",
            "command refused: case YQ-L <unknown> (version 2)",
            {"case_id": "YQ-L", "trigger": "<unknown>", "version": 2},
        ),
    ]
    _no_personal_data(caplog.records)


def test_saves_conflicts_and_duplicates_are_records(
    tiered: yq.Policy, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = yq.SQLiteStore(tmp_path / "s.db")
    case = _opened(tiered)
    with caplog.at_level(logging.INFO, logger="yuqing_core"):
        store.save(case)
        with pytest.raises(yq.DuplicateCaseError):
            store.save(_opened(tiered))  # a new case under the stored id
    messages = [(r.levelname, r.getMessage(), _fields(r)) for r in caplog.records]
    assert messages[0] == (
        "INFO",
        "saved case YQ-L: 1 events, version 1",
        {"case_id": "YQ-L", "version": 1},
    )
    assert messages[-1] == (
        "WARNING",
        "save refused (duplicate id): case YQ-L",
        {"case_id": "YQ-L"},
    )
    _no_personal_data(caplog.records)


def test_a_stale_save_is_a_conflict_record(
    tiered: yq.Policy, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = yq.SQLiteStore(tmp_path / "s.db")
    store.save(_opened(tiered))
    first, second = store.load(tiered, "YQ-L"), store.load(tiered, "YQ-L")
    first.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    second.fire("report", at=cst(2025, 11, 3, 10), actor="office")
    store.save(first)
    with caplog.at_level(logging.INFO, logger="yuqing_core"), pytest.raises(yq.ConflictError):
        store.save(second)
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", "save refused (conflict): case YQ-L")
    ]


def test_each_provisional_deadline_a_save_indexes_is_a_record(
    tiered: yq.Policy, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Registered Wed 30 Dec 2026 09:00: its working-day deadlines rest on unsettled days.
    # 1wd: Thu 31 Dec -> 24:00 on 31 Dec; 3wd on the projection (1 Jan a statutory holiday,
    # 2-3 Jan a weekend): 31 Dec, 4 Jan, 5 Jan -> 24:00 on 5 Jan.
    case = _opened(tiered, 2026)
    with caplog.at_level(logging.INFO, logger="yuqing_core"):
        yq.SQLiteStore(tmp_path / "s.db").save(case)
    provisional = [
        (r.getMessage(), _fields(r))
        for r in caplog.records
        if r.getMessage().startswith("provisional")
    ]
    assert provisional == [
        (
            "provisional deadline: case YQ-L general-report (R3.1) due 2027-01-01T00:00:00+08:00",
            {"case_id": "YQ-L", "version": 1, "obligation_id": "general-report", "rule": "R3.1"},
        ),
        (
            "provisional deadline: case YQ-L general-response (R3.1) due 2027-01-06T00:00:00+08:00",
            {"case_id": "YQ-L", "version": 1, "obligation_id": "general-response", "rule": "R3.1"},
        ),
    ]
