"""The store contract, once per store: SQLite and PostgreSQL keep the same promises.

Round trips, append-only saves, conflicts, duplicates, the due index, reindex, policy
versions, the redacted export, claimable due work, the notification outbox and the global
event position. The PostgreSQL runs use a real server (a throwaway cluster, a fresh migrated
database per test: the ``yuqing_postgres_url`` fixture of the testing kit).

Due instants are worked out by hand on the school-tiered preset (S3) in November 2025, which
has no holiday (see tests/edges/test_store.py): case A (general, found Mon 3 Nov 09:00) owes a
report by 5 Nov 00:00 (1wd) and a response by 7 Nov 00:00 (3wd); B (critical, Tue 4 Nov 10:00)
a report by 13:00 (3h) and a response by 5 Nov 10:00 (24h); C (major, Mon 3 Nov 20:00) a
report by 4 Nov 20:00 (24h) and a response by 6 Nov 00:00 (2wd). A notice turns ``due_soon``
once 3/4 of the span has passed (the default share): A's report (39 h from 3 Nov 09:00) at
4 Nov 14:15, A's response (87 h) at 6 Nov 02:15.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import yuqing_core as yq
from tests.edges.test_store import (
    A_REPORT,
    A_RESPONSE,
    B_REPORT,
    B_RESPONSE,
    C_REPORT,
    C_RESPONSE,
    incident,
    open_a,
    open_b,
    open_c,
)
from tests.helpers import cst
from yuqing_core.store import START, EventStore, Position
from yuqing_core.workflow import Case

STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.requires("postgresql"))]
HOUR = timedelta(hours=1)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> EventStore:
    """Each test once on a fresh SQLite file and once on a fresh PostgreSQL database."""
    found: EventStore = request.getfixturevalue(f"yuqing_{request.param}_store")
    return found


@pytest.fixture
def three(store: EventStore, tiered: yq.Policy) -> dict[str, Case]:
    cases = {c.id: c for c in (open_a(tiered), open_b(tiered), open_c(tiered))}
    for c in cases.values():
        store.save(c)
    return cases


def snapshot(store: EventStore, policy: yq.Policy) -> list[Any]:
    """What a reader sees: every case's events, the due index and the outbox."""
    cases = [(c.id, c.version, c.to_json()) for c in store.load_all(policy)]
    due = store.due_before(cst(2030, 1, 1), limit=1000)
    outbox = [store.outbox(i) for i in store.case_ids()]
    return [cases, due, outbox]


# -- round trip, append-only, conflicts -------------------------------------------------------


def test_round_trip_and_append_only(store: EventStore, tiered: yq.Policy) -> None:
    case = open_a(tiered)
    case.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    assert store.save(case) == 2
    assert store.save(case) == 0
    case.fire("report", at=cst(2025, 11, 3, 12), actor="office")
    assert store.save(case) == 1
    back = store.load(tiered, "YQ-A")
    assert back == case
    reporter = back.incident.reporter
    assert reporter is not None
    assert reporter.phone is not None
    assert reporter.phone.get_secret_value() == "13800000000"
    assert store.version("YQ-A") == 3
    assert store.version("YQ-Z") == 0
    assert "YQ-A" in store
    assert "YQ-Z" not in store
    assert 3 not in store
    assert len(store) == 1
    assert list(store) == ["YQ-A"]
    exported = json.loads(store.export_case("YQ-A"))
    assert "13800000000" not in store.export_case("YQ-A")
    assert [e["trigger"] for e in exported["events"]] == ["open", "assess", "report"]
    assert "13800000000" in store.export_case("YQ-A", include_personal=True)


def test_two_copies_first_save_wins_second_conflicts_and_changes_nothing(
    store: EventStore, tiered: yq.Policy
) -> None:
    store.save(open_a(tiered))
    one, two = store.load(tiered, "YQ-A"), store.load(tiered, "YQ-A")
    one.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    two.fire("report", at=cst(2025, 11, 3, 10), actor="office")
    assert store.save(one) == 1
    before = snapshot(store, tiered)
    with pytest.raises(
        yq.ConflictError, match="holds version 2, but this case was loaded at version 1"
    ):
        store.save(two)
    assert snapshot(store, tiered) == before


def test_a_duplicate_id_and_a_policy_mismatch_are_refused(
    store: EventStore, tiered: yq.Policy
) -> None:
    store.save(open_a(tiered))
    before = snapshot(store, tiered)
    with pytest.raises(yq.DuplicateCaseError) as e:
        store.save(open_a(tiered))
    assert str(e.value) == (
        "case 'YQ-A' is already in the store: a new case cannot be saved under an id the "
        "store holds; load the stored case to add events to it"
    )
    other = yq.load_policy({"name": "other", "title": "另一制度"})
    with pytest.raises(yq.StoreError, match="opened under policy 'school-tiered'"):
        store.load(other, "YQ-A")
    with pytest.raises(yq.StoreError, match="'YQ-Z' is not in the store"):
        store.load(tiered, "YQ-Z")
    assert snapshot(store, tiered) == before
    assert store.case_ids(other) == []
    assert store.case_ids(tiered) == ["YQ-A"]


def test_case_ids_sort_as_code_points(store: EventStore, tiered: yq.Policy) -> None:
    # PostgreSQL compares these columns as bytes (COLLATE "C"), as SQLite does.
    for ident in ["b", "B", "a", "舆情-1", "Z-9", "_x"]:
        found = cst(2025, 11, 3, 9)
        store.save(tiered.open_case(yq.Incident(id=ident, title="t", discovered_at=found),
                                    at=found, actor="m"))  # fmt: skip
    assert store.case_ids() == ["B", "Z-9", "_x", "a", "b", "舆情-1"]


# -- the due index ----------------------------------------------------------------------------


def test_due_before_is_inclusive_earliest_first_and_limited(
    store: EventStore, three: dict[str, Case]
) -> None:
    assert store.due_before(cst(2025, 11, 5)) == [B_REPORT, C_REPORT, A_REPORT]
    assert store.due_before(cst(2025, 11, 5), limit=2) == [B_REPORT, C_REPORT]
    assert store.due_before(cst(2025, 11, 8)) == [
        B_REPORT, C_REPORT, A_REPORT, B_RESPONSE, C_RESPONSE, A_RESPONSE,
    ]  # fmt: skip
    assert store.due_before(datetime(2025, 11, 4, 12, tzinfo=UTC)) == [B_REPORT, C_REPORT]
    three["YQ-B"].fire("report", at=cst(2025, 11, 4, 11), actor="office")
    store.save(three["YQ-B"])
    assert store.due_before(cst(2025, 11, 5)) == [C_REPORT, A_REPORT]


def test_reindex_and_policy_versions(store: EventStore, tiered: yq.Policy) -> None:
    store.save(open_a(tiered))
    assert store.reindex(tiered, at=cst(2025, 11, 3, 10)) == []
    assert [(v.fingerprint, v.first_seen_at) for v in store.policy_versions(tiered)] == [
        (tiered.fingerprint, cst(2025, 11, 3, 9))
    ]
    looser = yq.load_policy({**json.loads(tiered.spec_json), "title": "宽松版"})
    changes = store.reindex(looser, at=cst(2025, 11, 3, 10))
    assert changes == []  # the same deadlines: nothing moved
    assert [v.fingerprint for v in store.policy_versions("school-tiered")] == [
        tiered.fingerprint,
        looser.fingerprint,
    ]
    back = store.load(looser, "YQ-A")
    assert [e.trigger for e in back.events] == ["open", "adopt_policy"]


# -- claimable due work -----------------------------------------------------------------------


def test_each_due_item_is_claimed_once_until_acked_released_or_expired(
    store: EventStore, three: dict[str, Case]
) -> None:
    now, lease = cst(2025, 11, 5), timedelta(minutes=5)
    first = store.claim_due(now, 2, lease)
    assert [c.item for c in first] == [B_REPORT, C_REPORT]
    assert {c.lease_until for c in first} == {now + lease}
    second = store.claim_due(now, 10, lease)
    assert [c.item for c in second] == [A_REPORT]
    assert store.claim_due(now, 10, lease) == []
    assert first[0].token != second[0].token
    assert first[0].token not in repr(first[0])
    # Claiming changes nothing a reader sees.
    assert store.due_before(now) == [B_REPORT, C_REPORT, A_REPORT]
    assert store.ack(first[0]) == 1
    assert store.ack(first[0]) == 0  # acked once
    assert store.release([first[1]]) == 1
    assert [c.item for c in store.claim_due(now, 10, lease)] == [C_REPORT]
    # A's claim runs out: the next worker gets it, and the first can no longer ack it.
    later = now + lease
    again = store.claim_due(later, 10, lease)
    assert [c.item for c in again] == [C_REPORT, A_REPORT]
    assert store.ack(second) == 0
    assert store.ack(again) == 2
    assert store.claim_due(later + lease, 10, lease) == []


def test_a_due_instant_that_moves_is_a_new_item(store: EventStore) -> None:
    # school-tiered with the general response extendable (as in test_accountability.py).
    policy = yq.load_policy(
        {
            "extends": "school-tiered",
            "workflow": {"max_extension": "5wd"},
            "obligations": [{"id": "general-response", "extendable": True}],
        }
    )
    case = open_a(policy)
    store.save(case)
    claims = store.claim_due(cst(2025, 11, 7), 10, HOUR)
    assert [(c.item.obligation_id, c.item.due_at) for c in claims] == [
        ("general-report", cst(2025, 11, 5)),
        ("general-response", cst(2025, 11, 7)),
    ]
    assert store.ack(claims) == 2
    assert store.claim_due(cst(2025, 11, 7), 10, HOUR) == []
    # Extended on Thu 6 Nov by 2 working days from 24:00 on 6 Nov: Fri 7, Mon 10 -> 11 Nov.
    case.fire("extend", at=cst(2025, 11, 6, 9), actor="o", by="2wd", obligation="general-response")
    store.save(case)
    assert store.claim_due(cst(2025, 11, 10, 23), 10, HOUR) == []
    [again] = store.claim_due(cst(2025, 11, 11), 10, HOUR)
    assert (again.item.obligation_id, again.item.due_at) == ("general-response", cst(2025, 11, 11))
    # The outbox plans the new instant's notices; the old instant's unsent ones are withdrawn.
    notices = {(e.stage, e.due_at): e.withdrawn for e in store.outbox("YQ-A")
               if e.obligation_id == "general-response"}  # fmt: skip
    assert notices == {
        ("start", cst(2025, 11, 7)): True,
        ("due_soon", cst(2025, 11, 7)): True,
        ("breached", cst(2025, 11, 7)): True,
        ("start", cst(2025, 11, 11)): False,
        ("due_soon", cst(2025, 11, 11)): False,
        ("breached", cst(2025, 11, 11)): False,
    }


def test_claim_arguments_are_checked(store: EventStore) -> None:
    with pytest.raises(yq.NaiveDatetimeError):
        store.claim_due(datetime(2025, 11, 5), 1, HOUR)
    with pytest.raises(yq.StoreError, match="limit must be a positive integer, got 0"):
        store.claim_due(cst(2025, 11, 5), 0, HOUR)
    with pytest.raises(yq.StoreError, match="lease must be a positive timedelta"):
        store.claim_due(cst(2025, 11, 5), 1, timedelta(0))
    with pytest.raises(yq.StoreError, match="expected ClaimedDue objects, got str"):
        store.ack(["x"])  # type: ignore[list-item]


# -- the outbox -------------------------------------------------------------------------------


def test_the_outbox_plans_every_notice_with_its_case(store: EventStore, tiered: yq.Policy) -> None:
    store.save(open_a(tiered))
    planned = [(e.obligation_id, e.stage, e.sendable_at) for e in store.outbox("YQ-A")]
    assert planned == [
        ("general-report", "start", cst(2025, 11, 3, 9)),
        ("general-response", "start", cst(2025, 11, 3, 9)),
        ("general-report", "due_soon", cst(2025, 11, 4, 14, 15)),
        ("general-report", "breached", cst(2025, 11, 5)),
        ("general-response", "due_soon", cst(2025, 11, 6, 2, 15)),
        ("general-response", "breached", cst(2025, 11, 7)),
    ]
    [report] = [o for o in open_a(tiered).obligations if o.id == "general-report"]
    assert report.status(cst(2025, 11, 4, 14, 15)) == "due_soon"
    assert report.status(cst(2025, 11, 4, 14, 15) - timedelta(seconds=1)) == "pending"
    first = store.outbox("YQ-A")[0]
    assert first.message == "【报告】食堂投诉：业务主管部门，时限 2025-11-05 00:00（R3.1）"
    assert (first.role, first.role_label, first.rule) == (
        "business_supervisor",
        "业务主管部门",
        "R3.1",
    )


def test_outbox_entries_are_claimed_sent_and_withdrawn(
    store: EventStore, tiered: yq.Policy
) -> None:
    case = open_a(tiered)
    store.save(case)
    lease = timedelta(minutes=10)
    claimed = store.claim_outbox(cst(2025, 11, 3, 9), 10, lease)
    assert [(e.obligation_id, e.stage) for e in claimed] == [
        ("general-report", "start"),
        ("general-response", "start"),
    ]
    assert store.claim_outbox(cst(2025, 11, 3, 9), 10, lease) == []
    sent_at = cst(2025, 11, 3, 9, 1)
    assert store.mark_sent(claimed[0], at=sent_at, to="supervisor@example.edu.cn") is True
    assert store.mark_sent(claimed[0], at=sent_at, to="supervisor@example.edu.cn") is False
    assert store.release_outbox(claimed[1]) == 1
    assert "example.edu.cn" not in repr(store.outbox("YQ-A"))
    assert "食堂" not in repr(claimed)
    # The report is made: its unsent notices are withdrawn, the sent one stays as evidence.
    case.fire("report", at=cst(2025, 11, 3, 12), actor="office")
    store.save(case)
    rows = {(e.obligation_id, e.stage): e for e in store.outbox("YQ-A")}
    assert rows["general-report", "start"].sent_at == sent_at
    assert rows["general-report", "start"].sent_to == "supervisor@example.edu.cn"
    assert rows["general-report", "due_soon"].withdrawn
    assert rows["general-report", "breached"].withdrawn
    assert not rows["general-response", "start"].withdrawn
    sendable = store.claim_outbox(cst(2025, 11, 7), 10, lease)
    assert [(e.obligation_id, e.stage) for e in sendable] == [
        ("general-response", "start"),
        ("general-response", "due_soon"),
        ("general-response", "breached"),
    ]
    with pytest.raises(yq.StoreError, match="needs the recipient"):
        store.mark_sent(sendable[0], at=sent_at, to=" ")


# -- the global position ----------------------------------------------------------------------


def test_events_after_follows_every_event_in_order_and_resumes(
    store: EventStore, tiered: yq.Policy, three: dict[str, Case]
) -> None:
    a = three["YQ-A"]
    a.fire("assess", at=cst(2025, 11, 3, 10), actor="office")
    store.save(a)
    seen = store.events_after(START, limit=3)
    assert [(p.case_id, p.seq) for p in seen] == [("YQ-A", 1), ("YQ-B", 1), ("YQ-C", 1)]
    rest = store.events_after(seen[-1].position)
    assert [(p.case_id, p.seq, p.event.trigger) for p in rest] == [("YQ-A", 2, "assess")]
    positions = [p.position for p in seen + rest]
    assert positions == sorted(positions)
    assert len(set(positions)) == 4
    assert store.events_after(rest[-1].position) == []
    assert Position.parse(str(positions[-1])) == positions[-1]
    assert rest[0].event == a.events[1]


def test_next_due_is_the_first_instant_after_that_needs_a_worker(
    store: EventStore, three: dict[str, Case]
) -> None:
    # C's start notice is at 20:00 itself (not after); B's start notices come at its finding.
    assert store.next_due(cst(2025, 11, 3, 20)) == cst(2025, 11, 4, 10)
    # After B's report is due (13:00): C's report turns due_soon at 14:00 (18 h of 24).
    assert store.next_due(cst(2025, 11, 4, 13)) == cst(2025, 11, 4, 14)
    # A's response (due 7 Nov 00:00) is the last instant of all.
    assert store.next_due(cst(2025, 11, 6, 23)) == cst(2025, 11, 7)
    assert store.next_due(cst(2025, 11, 7)) is None


# -- the warning index (预警) ------------------------------------------------------------------


def test_due_soon_before_lists_first_warnings_on_the_deadlines_own_clock(
    store: EventStore, tiered: yq.Policy
) -> None:
    # General case found Tue 30 Sep 2025 17:00, the eve of National Day (1-8 Oct off; Sat 11
    # Oct a make-up working day). The report (1wd) is due at the end of Thu 9 Oct; its
    # working time is 7 h on 30 Sep and 24 h on 9 Oct, 31 h in all, and 3/4 of it (23 h 15 min)
    # has passed at 9 Oct 16:15, not at 3/4 of the elapsed 9 days and 7 hours. The response
    # (3wd: 9, 10, 11 Oct) has 7 + 72 = 79 h; 3/4 (59 h 15 min) is 11 Oct 04:15.
    found = cst(2025, 9, 30, 17)
    case = tiered.open_case(incident("YQ-N", found), at=found, actor="m")
    store.save(case)
    report = (cst(2025, 10, 9, 16, 15), cst(2025, 10, 10))
    response = (cst(2025, 10, 11, 4, 15), cst(2025, 10, 12))
    assert store.due_soon_before(cst(2025, 10, 9, 16, 14)) == []
    soon = store.due_soon_before(cst(2025, 10, 9, 16, 15))
    assert [(d.obligation_id, d.warn_at, d.due_at) for d in soon] == [
        ("general-report", report[:1], report[1])
    ]
    assert store.due_before(cst(2025, 10, 9, 16, 15)) == []  # warned, not due
    soon = store.due_soon_before(cst(2025, 10, 11, 4, 15))
    assert [(d.obligation_id, d.warn_at[0], d.due_at) for d in soon] == [
        ("general-report", *report),
        ("general-response", *response),
    ]
    # The same instants in the due index, warnings included; the limit and naive instants.
    assert [d.warn_at for d in store.due_before(cst(2025, 10, 12))] == [
        report[:1], response[:1]
    ]  # fmt: skip
    assert [d.obligation_id for d in store.due_soon_before(cst(2026, 1, 1), limit=1)] == [
        "general-report"
    ]
    with pytest.raises(yq.YuqingError, match="at: 2025-10-09T16:15:00 has no time zone"):
        store.due_soon_before(datetime(2025, 10, 9, 16, 15))
    with pytest.raises(yq.StoreError, match="limit must be a positive integer, got 0"):
        store.due_soon_before(cst(2025, 10, 9), limit=0)
    # Met, it leaves the warning index with the due index.
    case.fire("report", at=cst(2025, 10, 9, 17), actor="office")
    store.save(case)
    assert [d.obligation_id for d in store.due_soon_before(cst(2026, 1, 1))] == ["general-response"]


def test_a_claimed_due_item_carries_its_warnings(store: EventStore, tiered: yq.Policy) -> None:
    found = cst(2025, 9, 30, 17)
    store.save(tiered.open_case(incident("YQ-N", found), at=found, actor="m"))
    [claimed] = store.claim_due(cst(2025, 10, 10), limit=10, lease=HOUR)
    assert claimed.item.obligation_id == "general-report"
    assert claimed.item.warn_at == (cst(2025, 10, 9, 16, 15),)
