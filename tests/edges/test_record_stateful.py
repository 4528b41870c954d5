"""The record under a hostile session (hypothesis stateful testing, every preset).

One case of a preset drawn per run, driven through random legal commands
(``yuqing_core.testing.commands``; some hours apart, or days so that deadlines pass), saves,
reloads, rows tampered with plain ``sqlite3`` (then put back), and policy edits (a deadline a
unit longer or shorter, another due-soon share) reindexed at the current instant. Invariants:

- a tampered row is never read as a different case: loading raises ``CorruptCaseError``
  naming the case and the seq of the row;
- no breach disappears: once an obligation shows ``breached_at``, every later view (after
  commands, saves, reloads, edits and reindexes) shows the same ``breached_at``;
- ``version == len(events)``;
- the live case equals its replay, and the stored case when everything is saved;
- a reindex reports exactly the obligations whose due instant or status changed, and never
  one that was settled (met, or breached) before it.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.store import SQLiteStore
from yuqing_core.testing import commands
from yuqing_core.workflow import Case, workflow_for

NAMES = yq.presets.names()
PRESETS = {name: yq.presets.load(name) for name in NAMES}
START = cst(2025, 9, 26, 9)
ID = "YQ-R"

Row = tuple[str, str, str, str]
"""The trigger, at, actor and data columns of one event row."""

TAMPERS: dict[str, Callable[[Row], Row | None]] = {
    "data not JSON": lambda r: (r[0], r[1], r[2], "{not json"),
    "unknown trigger": lambda r: ("teleport", r[1], r[2], r[3]),
    "no actor": lambda r: (r[0], r[1], "", r[3]),
    "unknown key": lambda r: (r[0], r[1], r[2], json.dumps({**json.loads(r[3]), "zz": 1})),
    "no time": lambda r: (r[0], "yesterday", r[2], r[3]),
    "row deleted": lambda r: None,
}
"""Ways to tamper with one stored row that no event the library records survives."""


def edited(policy: yq.Policy, n: int) -> yq.Policy:
    """A small semantic edit of ``policy``: one deadline a unit longer or shorter, or (where
    no deadline counts units, or the policy's checks refuse the new one) another due-soon
    share."""
    data = policy.to_dict()
    timed = [o for o in data["obligations"] if any(c.isdigit() for c in o["within"] or "")]
    if timed and n % 3:
        ob = timed[n % len(timed)]
        digits = "".join(c for c in ob["within"] if c.isdigit())
        amount = int(digits) + 1 if n % 2 or int(digits) == 1 else int(digits) - 1
        ob["within"] = ob["within"].replace(digits, str(amount), 1)
        try:
            return yq.load_policy(data)
        except yq.PolicyError:
            data = policy.to_dict()
    share = data["timing"]["due_soon_share"]
    data["timing"]["due_soon_share"] = 0.5 if share != 0.5 else 0.6
    return yq.load_policy(data)


class RecordMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp())
        self.store = SQLiteStore(self.dir / "s.db")
        self.breaches: dict[str, datetime] = {}

    @property
    def follows(self) -> yq.Policy:
        """The policy version the live case follows."""
        policy = self.case.policy
        assert isinstance(policy, yq.Policy)
        return policy

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @initialize(name=st.sampled_from(NAMES))
    def open(self, name: str) -> None:
        policy = PRESETS[name]
        inc = yq.Incident(
            id=ID,
            title="记录",
            discovered_at=START - timedelta(minutes=30),
            posted_at=START - timedelta(hours=2),
        )
        self.case = policy.open_case(inc, at=START, actor="monitor")
        self.save()

    # -- rules ----------------------------------------------------------------------------

    @rule(data=st.data(), count=st.integers(1, 4))
    def fire(self, data: st.DataObject, count: int) -> None:
        """Up to ``count`` commands the workflow has from the case's stage (some refused),
        each up to 30 hours after the last event."""
        self._fire(data, count, "30h")

    @rule(data=st.data())
    def fire_late(self, data: st.DataObject) -> None:
        """One command up to four days after the last event: deadlines pass unmet."""
        self._fire(data, 1, "96h")

    def _fire(self, data: st.DataObject, count: int, gap: str) -> None:
        for _ in range(count):
            policy = self.follows
            if not workflow_for(policy).triggers_from(self.case.state):
                return
            command = data.draw(commands(policy, state=self.case.state, max_gap=gap))
            at = self.case.events[-1].at + timedelta(minutes=command.minutes)
            with contextlib.suppress(yq.TransitionError):
                self.case.fire(command.trigger, at=at, actor="officer", **command.data_at(at))

    @rule()
    def save(self) -> None:
        self.store.save(self.case)
        self.stored = self.case.version

    @rule()
    def reload(self) -> None:
        loaded = self.store.load(self.follows, ID)
        assert loaded.events == self.case.events[: self.stored]
        if loaded.version == self.case.version:
            assert loaded == self.case
            assert loaded.obligations == self.case.obligations
            self.case = loaded  # go on with the case read back

    @rule(n=st.integers(0, 10**6), how=st.sampled_from(sorted(TAMPERS)))
    def tamper(self, n: int, how: str) -> None:
        seq = 1 + n % self.stored
        db = sqlite3.connect(self.dir / "s.db")
        try:
            key = (ID, seq)
            row = db.execute(
                "SELECT trigger, at, actor, data, at_key FROM yq_events "
                "WHERE case_id = ? AND seq = ?",
                key,
            ).fetchone()
            forged = TAMPERS[how](row[:4])
            with db:
                if forged is None:
                    db.execute("DELETE FROM yq_events WHERE case_id = ? AND seq = ?", key)
                else:
                    db.execute(
                        "UPDATE yq_events SET trigger = ?, at = ?, actor = ?, data = ? "
                        "WHERE case_id = ? AND seq = ?",
                        (*forged, *key),
                    )
            with pytest.raises(yq.CorruptCaseError) as e:
                self.store.load(self.follows, ID)
            assert (e.value.case_id, e.value.seq) == (ID, seq), (how, str(e.value))
        finally:
            with db:
                db.execute(
                    "INSERT OR REPLACE INTO yq_events "
                    "(case_id, seq, trigger, at, actor, data, at_key) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (*key, *row),
                )
            db.close()
        assert self.store.load(self.follows, ID).events == self.case.events[: self.stored]

    @rule(n=st.integers(0, 10**6), minutes=st.integers(0, 48 * 60))
    def edit_policy(self, n: int, minutes: int) -> None:
        self.save()
        at = self.case.events[-1].at + timedelta(minutes=minutes)
        old, policy = self.case, self.follows
        new = edited(policy, n)
        changes = self.store.reindex(new, at=at)
        case = self.store.load(new, ID, as_recorded=True)
        if old.is_closed:
            assert (case.policy, case.events, changes) == (policy, old.events, [])
        else:
            assert case.policy == new
            assert case.events[:-1] == old.events
            assert dict(case.events[-1].data) == {"from": policy.fingerprint, "to": new.fingerprint}
            assert case.events[-1].at == at
            self._check_report(old, case, changes, at)
        self.case = case
        self.stored = case.version

    def _check_report(
        self, old: Case, new: Case, changes: list[yq.ReindexChange], at: datetime
    ) -> None:
        before = {o.id: o for o in old.obligations}
        after = {o.id: o for o in new.obligations}
        for ident, ob in before.items():
            if ob.met_at is not None or ob.status(at) in ("breached", "late"):
                kept = after[ident]  # settled: kept exactly
                assert (kept.due_at, kept.met_at, kept.status(at)) == (
                    ob.due_at,
                    ob.met_at,
                    ob.status(at),
                )
        expected = [
            (
                i,
                _due(before.get(i)),
                _due(after.get(i)),
                _st(before.get(i), at),
                _st(after.get(i), at),
                _prov(before.get(i)),
                _prov(after.get(i)),
            )
            for i in [*after, *(i for i in before if i not in after)]
        ]
        assert [
            (
                c.obligation_id,
                c.old_due_at,
                c.new_due_at,
                c.old_status,
                c.new_status,
                c.old_provisional,
                c.new_provisional,
            )
            for c in changes
        ] == [e for e in expected if (e[1], e[3], e[5]) != (e[2], e[4], e[6])]
        assert {c.case_id for c in changes} <= {ID}

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def version_is_the_number_of_events(self) -> None:
        assert self.case.version == len(self.case.events)

    @invariant()
    def the_live_case_is_its_replay(self) -> None:
        case = self.case
        versions = [term.policy for term in case.policy_history]
        again = Case.replay(case.policy, case.events, versions=versions)
        assert again == case
        assert again.obligations == case.obligations
        assert Case.from_json(case.policy, case.to_json(), versions=versions) == case

    @invariant()
    def no_breach_disappears(self) -> None:
        now = {o.id: o.breached_at for o in self.case.obligations}
        for ident, seen in self.breaches.items():
            assert now.get(ident) == seen, (ident, seen, now.get(ident))
        for ident, breached_at in now.items():
            if breached_at is not None:
                self.breaches.setdefault(ident, breached_at)


def _due(ob: Any) -> datetime | None:
    return None if ob is None else ob.due_at


def _st(ob: Any, at: datetime) -> str | None:
    return None if ob is None else ob.status(at)


def test_the_record_holds_under_commands_saves_reloads_tampering_and_edits() -> None:
    run_state_machine_as_test(
        RecordMachine,
        settings=settings(
            max_examples=100,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def _prov(ob: Any) -> bool | None:
    return None if ob is None else ob.provisional
