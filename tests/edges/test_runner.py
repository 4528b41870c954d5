"""The runner: handlers called for due items and notices, acks and releases; and procrastinate
workers against the real PostgreSQL draining both end to end (no mocks).

Instants on the school-tiered preset as in tests/edges/test_store_contract.py: at 5 Nov 00:00,
B's report (due 4 Nov 13:00) and A's report (due 5 Nov 00:00) are due; sendable are A's two
start notices (3 Nov 09:00), A's report due_soon (4 Nov 14:15) and breached (5 Nov 00:00), and
B's (found 4 Nov 10:00) report start (10:00), due_soon (12:15) and breached (13:00) and
response start (10:00); B's response due_soon comes at 5 Nov 04:00 (18 h of 24).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import datetime, timedelta

import pytest

import yuqing_core as yq
from tests.edges.test_store import open_a, open_b
from tests.helpers import cst
from yuqing_core.runner import Runner, RunReport
from yuqing_core.store import DueItem, EventStore, OutboxEntry

STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.requires("postgresql"))]
AT = cst(2025, 11, 5)
DUE_AT = [("YQ-B", "critical-report"), ("YQ-A", "general-report")]
SENDABLE_AT = [
    ("YQ-A", "general-report", "start"),
    ("YQ-A", "general-response", "start"),
    ("YQ-B", "critical-report", "start"),
    ("YQ-B", "critical-response", "start"),
    ("YQ-B", "critical-report", "due_soon"),
    ("YQ-B", "critical-report", "breached"),
    ("YQ-A", "general-report", "due_soon"),
    ("YQ-A", "general-report", "breached"),
]


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tiered: yq.Policy) -> EventStore:
    found: EventStore = request.getfixturevalue(f"yuqing_{request.param}_store")
    found.save(open_a(tiered))
    found.save(open_b(tiered))
    return found


class Recorder:
    """Handlers that record what they were given; ``fail`` names cases whose handling fails."""

    def __init__(self, fail: frozenset[str] = frozenset()) -> None:
        self.due: list[tuple[str, str, datetime]] = []
        self.sent: list[tuple[str, str, str, datetime]] = []
        self.fail = fail

    def on_due(self, item: DueItem, now: datetime) -> None:
        if item.case_id in self.fail:
            raise RuntimeError("the host's reminder service is down")
        self.due.append((item.case_id, item.obligation_id, now))

    def on_notice(self, entry: OutboxEntry, now: datetime) -> str:
        if entry.case_id in self.fail:
            raise RuntimeError("the SMS gateway is down")
        self.sent.append((entry.case_id, entry.obligation_id, entry.stage, now))
        return f"{entry.role}@example.edu.cn"


def runner_for(store: EventStore, recorder: Recorder) -> Runner:
    runner = Runner(store, lease=timedelta(minutes=5), batch=3)
    runner.on_due(recorder.on_due)
    runner.on_notice(recorder.on_notice)
    return runner


def test_drain_handles_everything_due_once_and_records_the_sending(store: EventStore) -> None:
    recorder = Recorder()
    runner = runner_for(store, recorder)
    assert runner.drain(AT) == RunReport(due_done=2, sent=8)
    assert [(c, o) for c, o, _ in recorder.due] == DUE_AT
    assert [(c, o, s) for c, o, s, _ in recorder.sent] == SENDABLE_AT
    assert {now for *_, now in recorder.due + recorder.sent} == {AT}
    assert runner.drain(AT) == RunReport()  # nothing twice
    sent = [e for e in store.outbox("YQ-B") if e.sent_at is not None]
    assert {(e.sent_at, e.sent_to) for e in sent} == {
        (AT, "principal_leader@example.edu.cn"),
        (AT, "handling_unit@example.edu.cn"),
    }


def test_a_failing_handler_releases_its_items_for_the_next_run(
    store: EventStore, caplog: pytest.LogCaptureFixture
) -> None:
    failing = Recorder(fail=frozenset({"YQ-B"}))
    # One batch of 3: B's and A's reports due; A's two start notices and B's report start.
    assert runner_for(store, failing).drain(AT, max_batches=1) == RunReport(
        due_done=1, due_failed=1, sent=2, send_failed=1
    )
    assert [r.getMessage() for r in caplog.records] == [
        "due handler failed (RuntimeError): case YQ-B critical-report",
        "notice handler failed (RuntimeError): case YQ-B critical-report (start)",
    ]
    assert "down" not in caplog.text
    assert "example.edu.cn" not in caplog.text
    # The next run (the service is back) gets B's items at once: they were released.
    recorder = Recorder()
    report = runner_for(store, recorder).drain(AT)
    assert [(c, o) for c, o, _ in recorder.due] == [("YQ-B", "critical-report")]
    assert report.due_done == 1
    assert report.sent == 6


# -- procrastinate, end to end ----------------------------------------------------------------


@pytest.mark.requires("postgresql")
def test_a_procrastinate_worker_drains_due_items_and_the_outbox(
    yuqing_postgres_url: str, tiered: yq.Policy
) -> None:
    from yuqing_core.runner.tasks import TASK_NAME, make_app
    from yuqing_core.store.postgres import PostgresStore

    store = PostgresStore(yuqing_postgres_url)
    store.save(open_a(tiered))
    store.save(open_b(tiered))
    recorder = Recorder()
    # Scheduled once a year (1 Jan 00:00), so that only the run deferred here happens.
    app = make_app(runner_for(store, recorder), yuqing_postgres_url, cron="0 0 1 1 *")
    assert [(t.task.name, t.cron) for t in app.periodic_registry.periodic_tasks.values()] == [
        (TASK_NAME, "0 0 1 1 *")
    ]
    with app.open():
        app.schema_manager.apply_schema()
        app.tasks[TASK_NAME].defer(timestamp=int(AT.timestamp()))
    app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
    assert [(c, o) for c, o, _ in recorder.due] == DUE_AT
    assert [(c, o, s) for c, o, s, _ in recorder.sent] == SENDABLE_AT
    assert {now for *_, now in recorder.due + recorder.sent} == {AT}
    assert store.claim_due(AT, 10, timedelta(minutes=1)) == []


@pytest.mark.requires("postgresql")
def test_the_periodic_task_runs_on_its_own_schedule(
    yuqing_postgres_url: str, tiered: yq.Policy
) -> None:
    from yuqing_core.runner.tasks import make_app
    from yuqing_core.store.postgres import PostgresStore

    store = PostgresStore(yuqing_postgres_url)
    store.save(open_a(tiered))
    recorder = Recorder()
    # Every second (a 6th cron field): procrastinate defers it, a worker runs it at the
    # scheduled instant, which is after every due instant of 2025.
    app = make_app(runner_for(store, recorder), yuqing_postgres_url, cron="* * * * * *")
    with app.open():
        app.schema_manager.apply_schema()

    async def run_until_drained() -> None:
        async with app.open_async():
            worker = asyncio.create_task(
                app.run_worker_async(
                    install_signal_handlers=False,
                    listen_notify=False,
                    fetch_job_polling_interval=0.1,
                )
            )
            deadline = time.monotonic() + 60
            while len(recorder.sent) < 6 and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    asyncio.run(run_until_drained())
    assert [(c, o) for c, o, _ in recorder.due] == [
        ("YQ-A", "general-report"),
        ("YQ-A", "general-response"),
    ]
    assert len(recorder.sent) == 6
    assert all(now.year >= 2026 for *_, now in recorder.due)


@pytest.mark.requires("postgresql")
def test_a_serving_runner_wakes_within_a_second_when_a_save_makes_work_due(
    yuqing_postgres_url: str, tiered: yq.Policy
) -> None:
    import threading

    from yuqing_core.store.postgres import PostgresStore
    from yuqing_core.testing import Clock

    store = PostgresStore(yuqing_postgres_url)
    clock = Clock(cst(2025, 11, 3, 9))
    told = threading.Event()
    runner = Runner(store)

    @runner.on_notice
    def send(entry: OutboxEntry, now: datetime) -> str:
        told.set()
        return "office@example.edu.cn"

    stop = threading.Event()
    # Nothing is stored: the runner sleeps its idle 30 s, listening.
    serving = threading.Thread(target=runner.serve, args=(clock, stop), kwargs={"idle": 30.0})
    serving.start()
    try:
        assert not told.wait(0.3)
        store.save(open_a(tiered))  # A's start notices are sendable at 09:00: now
        assert told.wait(1.0)
    finally:
        stop.set()
        store.save(open_b(tiered))  # (wakes the runner once more, to see the stop)
        serving.join(timeout=30)
    assert not serving.is_alive()
    assert [e.sent_to for e in store.outbox("YQ-A") if e.stage == "start"] == [
        "office@example.edu.cn",
        "office@example.edu.cn",
    ]


def test_a_serving_runner_on_sqlite_sleeps_until_the_next_due_instant(
    yuqing_sqlite_store: EventStore, tiered: yq.Policy
) -> None:
    import threading

    from yuqing_core.testing import Clock

    yuqing_sqlite_store.save(open_a(tiered))
    clock = Clock(cst(2025, 11, 4, 14))  # A's report turns due_soon at 14:15
    recorder = Recorder()
    runner = runner_for(yuqing_sqlite_store, recorder)
    stop = threading.Event()
    serving = threading.Thread(target=runner.serve, args=(clock, stop), kwargs={"idle": 0.05})
    serving.start()
    deadline = time.monotonic() + 30
    while len(recorder.sent) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    clock.set(cst(2025, 11, 4, 14, 15))
    while len(recorder.sent) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    serving.join(timeout=30)
    assert not serving.is_alive()
    assert [(s, now) for _, _, s, now in recorder.sent] == [
        ("start", cst(2025, 11, 4, 14)),
        ("start", cst(2025, 11, 4, 14)),
        ("due_soon", cst(2025, 11, 4, 14, 15)),
    ]
