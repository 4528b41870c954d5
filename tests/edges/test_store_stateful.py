"""Both stores driven by the same commands answer alike (a hypothesis state machine).

Each run opens a fresh SQLite file and a fresh PostgreSQL database (a real server) and applies
the same random sequence to both: open cases, fire commands, save (twice, and a duplicate id),
move the clock, claim due items and outbox entries, ack, release, mark sent. After every step
the two must agree on every answer: the saves' counts and errors, the claims handed out, the
due index, the outbox (sent, withdrawn, leased) and the global order of the events.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.store import START, ClaimedDue, EventStore, OutboxEntry, SQLiteStore
from yuqing_core.store.postgres import PostgresStore
from yuqing_core.testing.stores import PostgresServer
from yuqing_core.workflow import Case

pytestmark = pytest.mark.requires("postgresql")

POLICY = yq.presets.load("school-tiered")
TRIGGERS = ["assess", "report", "assign", "start", "respond", "dismiss", "escalate", "acknowledge"]
IDS = ["YQ-1", "YQ-2", "YQ-3"]


def outcome(store: EventStore, call: str, *args: Any, **kw: Any) -> Any:
    """What a call answers, or the kind of error it raises."""
    try:
        return getattr(store, call)(*args, **kw)
    except yq.YuqingError as e:
        return type(e).__name__


def outbox_view(entries: list[OutboxEntry]) -> list[tuple[Any, ...]]:
    return [
        (e.case_id, e.obligation_id, e.stage, e.sendable_at, e.due_at, e.message, e.lease_until,
         e.sent_at, e.sent_to, e.withdrawn)
        for e in entries
    ]  # fmt: skip


class TwoStores(RuleBasedStateMachine):
    server: PostgresServer
    folder: Path
    runs = 0
    seen: ClassVar[dict[str, int]] = {}  # how often a step did something, over every run

    def __init__(self) -> None:
        super().__init__()
        TwoStores.runs += 1
        self.stores: list[EventStore] = [
            SQLiteStore(self.folder / f"run-{TwoStores.runs}.db"),
            PostgresStore(self.server.fresh()),
        ]
        self.now = cst(2025, 11, 3, 9)
        self.cases: dict[str, Case] = {}
        self.claims: list[list[list[ClaimedDue]]] = []
        self.entries: list[list[OutboxEntry]] = []

    def count(self, what: str) -> None:
        self.seen[what] = self.seen.get(what, 0) + 1

    def both(self, call: str, *args: Any, **kw: Any) -> list[Any]:
        answers = [outcome(s, call, *args, **kw) for s in self.stores]
        return answers

    def agree(self, call: str, *args: Any, **kw: Any) -> Any:
        first, second = self.both(call, *args, **kw)
        assert first == second, (call, first, second)
        return first

    @rule(ident=st.sampled_from(IDS), severity=st.sampled_from(["general", "major", "critical"]))
    def open_case(self, ident: str, severity: str) -> None:
        incident = yq.Incident(id=ident, title="食堂投诉", discovered_at=self.now)
        case = POLICY.open_case(incident, at=self.now, actor="monitor", severity=severity)
        if ident in self.cases:
            assert self.agree("save", case) == "DuplicateCaseError"
            return
        self.cases[ident] = case
        assert self.agree("save", case) == 1

    @rule(data=st.data(), trigger=st.sampled_from(TRIGGERS))
    def fire(self, data: st.DataObject, trigger: str) -> None:
        if not self.cases:
            return
        case = self.cases[data.draw(st.sampled_from(sorted(self.cases)))]
        extra: dict[str, Any] = {}
        if trigger == "dismiss":
            extra["reason"] = "重复登记"
        if trigger == "assign":
            extra["unit"] = "后勤处"
        if trigger == "acknowledge":
            extra["role"] = "principal_leader"
        try:
            case.fire(trigger, at=self.now, actor="office", **extra)
        except yq.YuqingError:
            return
        if self.agree("save", case) == 1:
            self.count("fired")

    @rule(hours=st.integers(1, 72))
    def advance(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule(limit=st.integers(1, 4), lease=st.integers(1, 3))
    def claim_due(self, limit: int, lease: int) -> None:
        got = self.both("claim_due", self.now, limit, timedelta(hours=lease))
        assert [[c.item for c in g] for g in got] == [[c.item for c in got[0]]] * 2
        assert {c.lease_until for g in got for c in g} <= {self.now + timedelta(hours=lease)}
        if got[0]:
            self.claims.append(got)
            self.count("claimed")

    @rule(data=st.data(), done=st.booleans())
    def end_claim(self, data: st.DataObject, done: bool) -> None:
        if not self.claims:
            return
        batch = self.claims[data.draw(st.integers(0, len(self.claims) - 1))]
        call = "ack" if done else "release"
        answers = [outcome(s, call, claims) for s, claims in zip(self.stores, batch, strict=True)]
        assert answers[0] == answers[1]
        if answers[0]:
            self.count("acked" if done else "released")

    @rule(limit=st.integers(1, 4), send=st.booleans())
    def claim_outbox(self, limit: int, send: bool) -> None:
        got = self.both("claim_outbox", self.now, limit, timedelta(hours=1))
        assert outbox_view(got[0]) == outbox_view(got[1])
        if send and got[0]:
            sent = [outcome(s, "mark_sent", g[0], at=self.now, to="office@example.edu.cn")
                    for s, g in zip(self.stores, got, strict=True)]  # fmt: skip
            assert sent[0] == sent[1] is True
            self.count("sent")

    @invariant()
    def they_agree(self) -> None:
        self.agree("due_before", self.now + timedelta(days=10), limit=50)
        self.agree("case_ids")
        for ident in self.cases:
            first, second = (outbox_view(s.outbox(ident)) for s in self.stores)
            assert first == second
        events = [
            [(p.case_id, p.seq, p.event) for p in s.events_after(START, 10_000)]
            for s in self.stores
        ]
        assert events[0] == events[1]

    def teardown(self) -> None:
        for store in self.stores:
            close = store.close
            close()


def test_both_stores_answer_every_command_alike(
    yuqing_postgres_server: PostgresServer, tmp_path: Path
) -> None:
    TwoStores.server = yuqing_postgres_server
    TwoStores.folder = tmp_path
    TwoStores.seen = {}
    run_state_machine_as_test(
        TwoStores,
        settings=settings(
            max_examples=20,
            # The same runs every time, so that the check below that they reached every kind
            # of step cannot flake.
            derandomize=True,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    # The runs did reach every kind of step (else the comparison proved little).
    assert sorted(TwoStores.seen) == ["acked", "claimed", "fired", "released", "sent"]
