"""A save writes only what changed, and the tables hold what writing everything gives.

Beside its new events a save writes what the case's obligations derive (the due index, the
outbox, the policy versions). The store keeps what its last save of a case object derived
and writes a table only when its rows changed (``yuqing_core.store.derived``). Two things
are checked here:

- exactly which statements a save runs: a new case's first save only inserts; after
  ``assess`` (nothing owed changes) only the event, its position and the case row; after
  ``report`` (the report is met) the due index and the outbox rows of that obligation too,
  and no other;
- a hypothesis state machine drives two stores with the same commands: one keeps what it
  derived, the other writes everything at every save (as a store under a host's transaction
  does). Their tables must be identical after every step, whatever happened in between:
  claims, acks, notices sent, a case loaded again, a policy version adopted, a save that
  failed half way. And what a save derives, with or without what it kept, is always what
  the rows of the case as it stands are (``open_obligation_rows``, ``outbox_rows``,
  ``policy_rows``: what ``reindex`` and ``import_rows`` write).
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

import yuqing_core as yq
from tests.helpers import cst, edited
from yuqing_core.store import ClaimedDue, SQLiteStore
from yuqing_core.store.derived import derive
from yuqing_core.store.outbox import outbox_rows
from yuqing_core.store.rows import open_obligation_rows, policy_rows
from yuqing_core.workflow import Case

SCHOOL = yq.load_policy(  # school-tiered, with the initial response pausable
    {"extends": "school-tiered", "workflow": {"pausable": ["initial_response"]}}
)
PARK = yq.presets.load("park-message-board")  # extensions
POLICIES = {"YQ-1": SCHOOL, "LY-1": PARK}


def relabelled(policy: yq.Policy) -> yq.Policy:
    """``policy`` with other names for its canonical roles: the same deadlines, other
    notices (their role label and message)."""
    data = policy.to_dict()
    added = {r["id"] for r in data["roles"]}
    canonical = {r: label for r, label in policy.roles.items() if r not in added}
    data["role_labels"] = {r: f"{label}（新）" for r, label in canonical.items()}
    return yq.load_policy(data)


VERSIONS = [
    [SCHOOL, edited(SCHOOL, general_response="2wd"), relabelled(SCHOOL)],
    [PARK, edited(PARK, "20min", reply="2d", handling_report="1d"), relabelled(PARK)],
]
"""The versions of each policy a case may adopt (any but the one it follows)."""

DATA: dict[str, dict[str, Any]] = {
    "assess": {}, "report": {}, "assign": {"unit": "后勤处"}, "start": {}, "supervise": {},
    "follow_up": {"text": "续报"}, "draft_reply": {"text": "拟答复"}, "approve_reply": {},
    "respond": {"text": "答复"}, "track": {}, "stabilize": {}, "review": {"report": "总结"},
    "archive": {}, "dismiss": {"reason": "重复登记"}, "escalate": {"severity": "major"},
    "downgrade": {"severity": "general", "reason": "核实后降级"},
    "acknowledge": {"role": "principal_leader"}, "pause": {"reason": "等待补充材料"},
    "resume": {}, "extend": {"by": "2d"}, "update_metrics": {},
}  # fmt: skip
"""The commands the machine fires (any the case accepts then), with the data they take."""
# Every column of every table, but the claim tokens (random for each claim).
TABLES = {
    "yq_cases": "*",
    "yq_events": "*",
    "yq_positions": "*",
    "yq_policies": "*",
    "yq_open_obligations": "*",
    "yq_due_claims": "case_id, obligation_id, due_key, lease_key, acked",
    "yq_outbox": (
        "id, case_id, obligation_id, stage, due_key, sendable_key, sendable_at, policy, role, "
        "role_label, kind, rule, due_at, provisional, message, lease_key, lease_at, sent_key, "
        "sent_at, sent_to, withdrawn"
    ),
}


class WritesEverything(SQLiteStore):
    """A store that keeps nothing of what it derived and assumes nothing of what the tables
    hold, not even of a new case: every save writes every table."""

    _KEEPS_DERIVED = False

    def _held(self, case: Case, base: int) -> None:
        return None


def contents(store: SQLiteStore) -> dict[str, list[tuple[Any, ...]]]:
    db = store._db
    return {
        table: sorted(db.execute(f"SELECT {columns} FROM {table}").fetchall(), key=repr)
        for table, columns in TABLES.items()
    }


@contextmanager
def statements(store: SQLiteStore) -> Iterator[list[str]]:
    """The statements ``store`` runs inside the block, each by its first three words."""
    ran: list[str] = []
    store._db.set_trace_callback(lambda sql: ran.append(" ".join(sql.split()[:3])))
    try:
        yield ran
    finally:
        store._db.set_trace_callback(None)


EVENT_ONLY = [
    "BEGIN IMMEDIATE",
    "UPDATE yq_cases SET",  # the version check: only if still at the version loaded
    "INSERT INTO yq_events",
    "INSERT INTO yq_positions",
    "COMMIT",
]


def saved_case(store: SQLiteStore) -> Case:
    """YQ-1, opened Mon 3 Nov 2025 09:00 (general) and saved: general-report due Wed 5 Nov
    00:00, general-response Fri 7 Nov 00:00."""
    found = cst(2025, 11, 3, 9)
    case = SCHOOL.open_case(yq.Incident(id="YQ-1", title="食堂投诉", discovered_at=found),
                            at=found, actor="monitor")  # fmt: skip
    store.save(case)
    return case


def test_a_command_that_changes_no_obligation_writes_no_index_row() -> None:
    store = SQLiteStore(":memory:")
    case = saved_case(store)
    # ``assess`` changes neither obligation.
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    with statements(store) as ran:
        assert store.save(case) == 1
    assert ran == EVENT_ONLY
    # ``report`` meets general-report: its index row goes, its unsent notices are withdrawn.
    case.fire("report", at=cst(2025, 11, 3, 11), actor="office")
    with statements(store) as ran:
        assert store.save(case) == 1
    assert ran[:4] == EVENT_ONLY[:4]
    assert "DELETE FROM yq_open_obligations" in ran
    assert "UPDATE yq_outbox SET" in ran
    assert [(d.obligation_id, d.due_at) for d in store.due_before(cst(2025, 11, 30))] == [
        ("general-response", cst(2025, 11, 7))
    ]


def test_a_new_case_is_written_without_reading_or_deleting_its_index() -> None:
    # A new case has no row anywhere (its case row is written only if the id is free), so
    # its first save only inserts: the case row, the event, its position, the policy
    # version, general-report and general-response's index rows and their six notices
    # (start, due soon, breached each).
    store = SQLiteStore(":memory:")
    with statements(store) as ran:
        saved_case(store)
    assert ran == [
        "BEGIN IMMEDIATE",
        "INSERT INTO yq_cases",  # the version check: only if the id is free
        "INSERT INTO yq_events",
        "INSERT INTO yq_positions",
        "INSERT INTO yq_policies",
        *["INSERT INTO yq_open_obligations"] * 2,
        *["INSERT INTO yq_outbox"] * 6,
        "COMMIT",
    ]
    reference = WritesEverything(":memory:")
    saved_case(reference)
    assert contents(store) == contents(reference)


def test_a_met_obligation_takes_away_only_its_own_rows() -> None:
    store = SQLiteStore(":memory:")
    case = saved_case(store)
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    store.save(case)
    # ``report`` meets general-report: its index row goes, with any claim on it, and its
    # three unsent notices are withdrawn by their keys; general-response's rows stay as
    # they are, and nothing is read back.
    case.fire("report", at=cst(2025, 11, 3, 11), actor="office")
    with statements(store) as ran:
        store.save(case)
    assert ran == [
        *EVENT_ONLY[:4],
        "DELETE FROM yq_open_obligations",
        "DELETE FROM yq_due_claims",
        *["UPDATE yq_outbox SET"] * 3,
        "COMMIT",
    ]
    withdrawn = store._db.execute(
        "SELECT obligation_id, stage FROM yq_outbox WHERE withdrawn = 1 ORDER BY id"
    ).fetchall()
    assert withdrawn == [
        ("general-report", "start"),
        ("general-report", "due_soon"),
        ("general-report", "breached"),
    ]


def test_a_case_loaded_again_writes_everything_once_then_only_what_changed() -> None:
    store = SQLiteStore(":memory:")
    saved_case(store)
    case = store.load(SCHOOL, "YQ-1")
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    with statements(store) as ran:
        store.save(case)
    assert "DELETE FROM yq_open_obligations" in ran  # nothing kept from a load
    case.fire("assess", at=cst(2025, 11, 3, 11), actor="office")
    with statements(store) as ran:
        store.save(case)
    assert ran == EVENT_ONLY


def test_derive_takes_over_what_it_kept_only_when_counted_from_the_same_things() -> None:
    store = SQLiteStore(":memory:")
    case = saved_case(store)
    first = derive(case, None)
    # ``assess`` changes no running obligation: the rows kept are the rows, as they were.
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    assert derive(case, first) is first
    assert not first.index_differs(first)
    assert not first.policies_differ(first)
    # Kept under another policy version (or title), nothing is taken over: ``dismiss``
    # closes both obligations, so the due index and the outbox must end up empty.
    elsewhere = dataclasses.replace(first, context=(PARK, "食堂投诉"))
    case.fire("dismiss", at=cst(2025, 11, 3, 11), actor="office", reason="重复登记")
    now = derive(case, elsewhere)
    assert now is not elsewhere
    assert (now.open_rows, now.outbox) == ((), ())
    assert now.index_differs(elsewhere)
    assert now.terms is elsewhere.terms  # the same policy history: its rows are not counted again


class KeptAndWritten(RuleBasedStateMachine):
    """Two stores, the same commands: the tables must stay identical."""

    seen: ClassVar[dict[str, int]] = {}

    def __init__(self) -> None:
        super().__init__()
        self.stores: list[SQLiteStore] = [SQLiteStore(":memory:"), WritesEverything(":memory:")]
        self.now = cst(2025, 11, 3, 9)
        self.cases: dict[str, list[Case]] = {}  # one object per store
        self.claims: list[list[list[ClaimedDue]]] = []

    def count(self, what: str) -> None:
        self.seen[what] = self.seen.get(what, 0) + 1

    def save(self, ident: str) -> list[Any]:
        out: list[Any] = []
        for store, case in zip(self.stores, self.cases[ident], strict=True):
            try:
                out.append(store.save(case))
            except yq.YuqingError as e:
                out.append(type(e).__name__)
        assert out[0] == out[1], out
        return out

    @initialize()
    def open_cases(self) -> None:
        for ident in POLICIES:
            self.open_case(ident)

    def open_case(self, ident: str) -> None:
        incident = yq.Incident(id=ident, title="食堂投诉", discovered_at=self.now)
        self.cases[ident] = [
            POLICIES[ident].open_case(incident, at=self.now, actor="monitor") for _ in self.stores
        ]
        self.save(ident)

    @rule(data=st.data())
    def fire(self, data: st.DataObject) -> None:
        self.fire_one(data)

    @rule(data=st.data())
    def fire_again(self, data: st.DataObject) -> None:
        """Commands are most of what a host does: a second rule draws them twice as often."""
        self.fire_one(data)

    @rule(data=st.data())
    def move_a_clock(self, data: st.DataObject) -> None:
        """Pauses, resumes and extensions move a due instant without a new obligation."""
        self.fire_one(data, among={"pause", "resume", "extend"})

    def fire_one(self, data: st.DataObject, among: Iterable[str] = DATA) -> None:
        if not self.cases:
            return
        ident = data.draw(st.sampled_from(sorted(self.cases)))
        first = self.cases[ident][0]
        allowed = [t for t in first.allowed_triggers() if t in among]
        if not allowed:
            return
        trigger = data.draw(st.sampled_from(allowed))
        extra = dict(DATA[trigger])
        if trigger == "extend":
            if "reply" not in {ob.id for ob in first.open_obligations()}:
                return
            extra["obligation"] = "reply"  # park-message-board's, extendable by 5 days
        if trigger == "update_metrics":
            views = data.draw(st.sampled_from([100, 20_000, 200_000]))
            extra["metrics"] = yq.Metrics(observed_at=self.now, views=views)
        try:
            for case in self.cases[ident]:
                case.fire(trigger, at=self.now, actor="office", **extra)
        except yq.YuqingError:
            self.reload(ident)  # the first object may have taken it: both start again
            return
        if self.save(ident) == [1, 1]:
            self.count("fired")
            self.count(trigger)

    @rule(data=st.data())
    def adopt_another_version(self, data: st.DataObject) -> None:
        open_ids = [i for i, c in sorted(self.cases.items()) if not c[0].is_closed]
        if not open_ids or data.draw(st.integers(0, 3)):
            return  # a new version is rarer than a command
        ident = data.draw(st.sampled_from(open_ids))
        now = self.cases[ident][0].policy
        family = next(v for v in VERSIONS if now.name == v[0].name)
        other = data.draw(st.sampled_from([p for p in family if p.fingerprint != now.fingerprint]))
        try:
            for case in self.cases[ident]:
                case.adopt(other, at=self.now)
        except yq.YuqingError:
            self.reload(ident)
            return
        self.save(ident)
        self.count("adopted")

    @rule(data=st.data())
    def load_again(self, data: st.DataObject) -> None:
        if self.cases:
            self.reload(data.draw(st.sampled_from(sorted(self.cases))))
            self.count("loaded")

    def reload(self, ident: str) -> None:
        follows = self.cases[ident][0].policy.fingerprint
        policy = next(p for family in VERSIONS for p in family if p.fingerprint == follows)
        self.cases[ident] = [store.load(policy, ident) for store in self.stores]

    @rule(data=st.data())
    def save_fails_half_way(self, data: st.DataObject) -> None:
        """The events cannot be written (the case row is, just before): the save rolls
        back, the next one writes it all."""
        open_ids = [i for i, c in sorted(self.cases.items()) if not c[0].is_closed]
        if not open_ids:
            return
        ident = data.draw(st.sampled_from(open_ids))
        kept = self.stores[0]
        try:
            for case in self.cases[ident]:
                case.fire("assess", at=self.now, actor="office")
        except yq.YuqingError:
            self.reload(ident)
            return

        def broken(*args: Any) -> None:
            raise sqlite3.OperationalError("disk I/O error")

        kept._write_events = broken  # type: ignore[method-assign,assignment]
        try:
            with pytest.raises(sqlite3.OperationalError):
                kept.save(self.cases[ident][0])
        finally:
            del kept._write_events
        self.count("failed")

    @rule(hours=st.integers(1, 72))
    def advance(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule(limit=st.integers(1, 4))
    def claim_due(self, limit: int) -> None:
        got = [s.claim_due(self.now, limit, timedelta(hours=2)) for s in self.stores]
        assert [c.item for c in got[0]] == [c.item for c in got[1]]
        if got[0]:
            self.claims.append(got)
            self.count("claimed")

    @rule(data=st.data(), done=st.booleans())
    def end_claim(self, data: st.DataObject, done: bool) -> None:
        if not self.claims:
            return
        batch = self.claims.pop(data.draw(st.integers(0, len(self.claims) - 1)))
        answers = [
            (s.ack if done else s.release)(claims)
            for s, claims in zip(self.stores, batch, strict=True)
        ]
        assert answers[0] == answers[1]

    @rule(limit=st.integers(1, 4))
    def send_notices(self, limit: int) -> None:
        got = [s.claim_outbox(self.now, limit, timedelta(hours=1)) for s in self.stores]
        for store, entries in zip(self.stores, got, strict=True):
            for entry in entries:
                assert store.mark_sent(entry, at=self.now, to="office@example.edu.cn")
        if got[0]:
            self.count("sent")

    @invariant()
    def tables_agree(self) -> None:
        kept, written = (contents(s) for s in self.stores)
        for table in TABLES:
            assert kept[table] == written[table], table

    @invariant()
    def rows_are_the_rows_of_the_case(self) -> None:
        # What a save derives, with or without what the last save kept, is what the rows of
        # the case as it stands are (the functions reindex and import_rows write).
        for case in (c for pair in self.cases.values() for c in pair):
            prior = self.stores[0]._versions.derived(case, case.version)
            for derived in (derive(case, None), derive(case, prior)):
                assert derived.open_rows == tuple(open_obligation_rows(case))
                assert derived.outbox == tuple(outbox_rows(case))
                assert derived.policies == tuple(policy_rows(case))

    def teardown(self) -> None:
        for store in self.stores:
            store.close()


def test_what_a_save_keeps_never_makes_the_tables_differ() -> None:
    KeptAndWritten.seen = {}
    run_state_machine_as_test(
        KeptAndWritten,
        settings=settings(max_examples=60, stateful_step_count=50, derandomize=True),
    )
    # The runs reached every kind of step (else the comparison proved little).
    seen = KeptAndWritten.seen
    assert {"adopted", "claimed", "failed", "fired", "loaded", "sent"} <= set(seen), seen
    # Commands that move or stop a clock, and ones that meet or start an obligation.
    assert {"extend", "pause", "resume", "report", "update_metrics"} <= set(seen), seen
