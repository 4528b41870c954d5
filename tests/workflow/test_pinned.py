"""A case is pinned to the policy version it was opened under (制度版本).

The ``open`` event records the policy's fingerprint; moving to another version is an
``adopt_policy`` event (:meth:`Case.adopt`). Across a change at T, obligations settled by T
(met, waived, breached) keep the old version's outcome; open ones follow the new version,
and none falls due before T. Replaying checks each event under the version in force when it
was recorded, and a replay with another version says so unless the host opts in.

The scenario (park-message-board, RULES R5.1/R5.2): a message posted Mon 2 Dec 2024 08:00,
registered 09:00. accept-submit ("立即", 2 h grace) -> 11:00, met by the report at 09:30.
reply "3日" from the posting: 3, 4, 5 Dec -> Fri 6 Dec 00:00, met late by the response at
6 Dec 15:00. Assigned Thu 5 Dec 10:00: handling-report "3日": 6, Sat 7, Sun 8 Dec, the last
day a rest day so moved to Mon 9 Dec -> 10 Dec 00:00, still open on 6 Dec 16:00.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

import yuqing_core as yq
from tests.helpers import SETTLED, cst, edited, fmt, park_letter, table
from yuqing_core.rules.obligations import InForce, derive
from yuqing_core.workflow import Case, Event

PARK = yq.presets.load("park-message-board")
AT = cst(2024, 12, 6, 16)
"""When the edited policy is adopted."""


# Tighter everywhere: "立即" within 20 minutes, reply 2 days, handling report 1 day.
TIGHTER = edited(PARK, "20min", reply="2d", handling_report="1d")


BEFORE = [
    *SETTLED,
    ("handling-report", "2024-12-10 00:00", None, None, "pending"),
]


def test_open_records_the_fingerprint_of_the_policy() -> None:
    case = park_letter(PARK)
    assert case.events[0].data["fingerprint"] == PARK.fingerprint
    assert case.policy_history == (InForce(PARK),)
    assert case.policy_since is None
    assert table(case, AT) == BEFORE


def test_adopting_keeps_what_was_settled_and_moves_only_what_is_open() -> None:
    case = park_letter(PARK)
    # What recomputing under the new rules would do (the bug): the report at 09:30 would be
    # late (due 09:20), the reply due 5 Dec.
    assert [(o.id, fmt(o.due_at), o.status(AT)) for o in derive(TIGHTER, case.events)] == [
        ("accept-submit", "2024-12-02 09:20", "late"),
        ("reply", "2024-12-05 00:00", "late"),
        ("handling-report", "2024-12-07 00:00", "due_soon"),
    ]
    event = case.adopt(TIGHTER, at=AT, actor="office")
    assert (event.trigger, event.at, event.actor, dict(event.data)) == (
        "adopt_policy",
        AT,
        "office",
        {"from": PARK.fingerprint, "to": TIGHTER.fingerprint},
    )
    assert case.events[-1] is event
    assert case.version == 7 == len(case.events)
    assert case.policy is TIGHTER
    assert case.policy_since == AT
    assert case.policy_history == (InForce(PARK), InForce(TIGHTER, AT, 7))
    # Only the open handling report follows the new rule: "1日", 6 Dec -> 7 Dec 00:00.
    # Span 5 Dec 10:00 -> 7 Dec 00:00 is 38 h; 30 h (79%) have passed at 16:00: due soon.
    assert table(case, AT) == [
        *BEFORE[:2],
        ("handling-report", "2024-12-07 00:00", None, None, "due_soon"),
    ]


def test_a_deadline_the_new_rules_put_before_the_change_falls_due_at_it() -> None:
    case = park_letter(PARK)
    at = cst(2024, 12, 7, 9)  # Sat: "1日" from the assignment ended 7 Dec 00:00, before it
    case.adopt(edited(PARK, handling_report="1d"), at=at)
    report = case.obligations[2]
    assert (fmt(report.due_at), report.breached_at, report.status(at)) == (
        "2024-12-07 09:00",
        None,
        "due_soon",
    )
    # Nobody was late before the rule was adopted; from then on the breach is recorded.
    case.fire("supervise", at=cst(2024, 12, 7, 10), actor="office", role="handling_unit")
    report = case.obligations[2]
    assert (fmt(report.due_at), fmt(report.breached_at)) == ("2024-12-07 09:00", "2024-12-07 09:00")


def test_a_breach_settled_before_the_change_stays_and_is_met_late_after_it() -> None:
    case = park_letter(PARK, respond=False)  # the reply is breached since 6 Dec 00:00
    case.adopt(edited(PARK, reply="5d"), at=AT)  # under "5日" it would be due 8 Dec 00:00
    case.fire("draft_reply", at=cst(2024, 12, 7, 10), actor="unit")
    case.fire("approve_reply", at=cst(2024, 12, 7, 11), actor="leader")
    case.fire("respond", at=cst(2024, 12, 7, 12), actor="admin")
    assert table(case, cst(2024, 12, 7, 12))[1] == (
        "reply",
        "2024-12-06 00:00",
        "2024-12-07 12:00",
        "2024-12-06 00:00",
        "late",
    )


def test_an_obligation_settled_before_the_change_cannot_be_extended_after_it() -> None:
    case = park_letter(PARK, respond=False)
    lenient = yq.load_policy(
        {"extends": "park-message-board", "workflow": {"late_extension": True}}
    )
    case.adopt(lenient, at=AT)
    before = (case.events, table(case, AT))
    with pytest.raises(yq.TransitionError) as e:
        case.fire("extend", at=AT, actor="leader", by="2d", obligation="reply")
    assert str(e.value).startswith(
        f"reply was settled (met, waived or breached) under policy version "
        f"{PARK.fingerprint[:19]}, before the case adopted the one it follows now; it keeps "
        "that version's outcome and cannot be extended"
    )
    assert (case.events, table(case, AT)) == before
    # The open handling report follows the new version and can be extended.
    case.fire("extend", at=AT, actor="leader", by="2d", obligation="handling-report")
    assert fmt(case.obligations[2].due_at) == "2024-12-12 00:00"


def test_each_change_pins_what_it_settled() -> None:
    one_day, five_days = edited(PARK, handling_report="1d"), edited(PARK, handling_report="5d")
    case = park_letter(PARK, respond=False)
    case.adopt(one_day, at=AT)
    # The handling report is met under the one-day rule (due 7 Dec 00:00) ...
    case.fire("report", at=cst(2024, 12, 6, 20), actor="unit", role="office")
    case.adopt(five_days, at=cst(2024, 12, 9, 9))
    # ... and keeps it after the five-day rule is adopted; the reply keeps the preset's.
    assert table(case, cst(2024, 12, 9, 9)) == [
        BEFORE[0],
        ("reply", "2024-12-06 00:00", None, "2024-12-06 00:00", "breached"),
        ("handling-report", "2024-12-07 00:00", "2024-12-06 20:00", None, "met"),
    ]
    again = Case.replay(five_days, case.events, versions=[PARK, one_day])
    assert again == case
    assert again.obligations == case.obligations
    assert again.policy_history == case.policy_history


# -- replaying --------------------------------------------------------------------------------


def test_a_replay_with_another_version_says_so() -> None:
    case = park_letter(PARK)
    with pytest.raises(yq.PolicyVersionError) as e:
        Case.replay(TIGHTER, case.events)
    assert str(e.value) == (
        f"case 'LY-1' seq 1: recorded under version {PARK.fingerprint[:19]} of policy "
        "'park-message-board', which was not given: pass it in versions= (store.load "
        "supplies every version the store holds)"
    )
    with pytest.raises(yq.PolicyVersionError) as e:
        Case.replay(TIGHTER, case.events, versions=[PARK])
    assert str(e.value) == (
        f"case 'LY-1' follows version {PARK.fingerprint[:19]} of policy 'park-message-board', "
        f"not the version given ({TIGHTER.fingerprint[:19]}); to move it to the version "
        "given, opt in with adopt_at=<instant> (an adopt_policy event: outcomes settled by "
        "then stay as they were, open obligations follow the new version), or load it with "
        "the version it follows (store.load(..., as_recorded=True), "
        "store.policy_versions('park-message-board'))"
    )
    assert (e.value.case_id, e.value.recorded, e.value.given) == (
        "LY-1",
        PARK.fingerprint,
        TIGHTER.fingerprint,
    )
    assert isinstance(e.value, yq.YuqingError)
    with pytest.raises(yq.PolicyVersionError):
        Case.from_json(TIGHTER, case.to_json())


def test_opting_in_adopts_at_the_instant_given() -> None:
    live = park_letter(PARK)
    live.adopt(TIGHTER, at=AT)
    stored = park_letter(PARK).events
    again = Case.replay(TIGHTER, stored, versions=[PARK], adopt_at=AT)
    assert again == live
    assert again.version == len(stored) + 1
    assert again.obligations == live.obligations
    assert (
        Case.from_json(TIGHTER, park_letter(PARK).to_json(), versions=[PARK], adopt_at=AT) == live
    )
    # The adopted case replays under both versions, and from its JSON.
    assert Case.replay(TIGHTER, live.events, versions=[PARK]) == live
    assert Case.from_json(TIGHTER, live.to_json(), versions=[PARK]) == live
    # The same version needs no opting in, and adopt_at is then ignored.
    assert Case.replay(PARK, stored, adopt_at=AT) == park_letter(PARK)


def test_opting_in_before_the_last_event_is_refused() -> None:
    with pytest.raises(yq.TransitionError, match=r"^adopt at 2024-12-06T14:00:00\+08:00 is before"):
        Case.replay(
            TIGHTER, park_letter(PARK).events, versions=[PARK], adopt_at=cst(2024, 12, 6, 14)
        )


def test_a_case_recorded_before_fingerprints_follows_the_policy_it_is_replayed_with() -> None:
    events = list(park_letter(PARK).events)
    data = {k: v for k, v in events[0].data.items() if k != "fingerprint"}
    events[0] = Event("open", events[0].at, events[0].actor, data)
    assert Case.replay(TIGHTER, events).policy is TIGHTER
    # Once it adopted a version, the adoption names the one it followed before.
    adopted = Case.replay(PARK, events)
    adopted.adopt(TIGHTER, at=AT)
    assert dict(adopted.events[-1].data) == {"from": PARK.fingerprint, "to": TIGHTER.fingerprint}
    with pytest.raises(yq.PolicyVersionError, match="'LY-1' seq 7: recorded under version"):
        Case.replay(TIGHTER, adopted.events)
    assert Case.replay(TIGHTER, adopted.events, versions=[PARK]) == adopted


def _adopted() -> list[Event]:
    case = park_letter(PARK)
    case.adopt(TIGHTER, at=AT)
    return list(case.events)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            {"from": "sha256:" + "0" * 64, "to": None},
            "data.to: not a policy fingerprint (sha256: and 64 hex digits)",
        ),
        (
            {"from": "sha256:" + "0" * 64, "to": TIGHTER.fingerprint},
            f"data.from: the case follows version {PARK.fingerprint[:19]} at this point, "
            "not sha256:000000000000",
        ),
        (
            {"from": PARK.fingerprint, "to": PARK.fingerprint},
            "data.to: the same version as data.from",
        ),
        (
            {"from": PARK.fingerprint, "to": TIGHTER.fingerprint, "by": "admin"},
            "adopt_policy takes no 'by'",
        ),
    ],
)
def test_a_forged_adoption_is_named_by_case_and_seq(data: dict[str, Any], problem: str) -> None:
    events = _adopted()
    events[6] = Event("adopt_policy", AT, "yuqing_core", data)
    with pytest.raises(yq.CorruptCaseError) as e:
        Case.replay(TIGHTER, events, versions=[PARK])
    assert (e.value.case_id, e.value.seq) == ("LY-1", 7)
    assert str(e.value) == (
        f"case 'LY-1' seq 7: the event does not replay under policy 'park-message-board': {problem}"
    )


def test_an_adoption_out_of_order_or_to_an_unknown_version_is_refused() -> None:
    events = _adopted()
    events[6] = Event("adopt_policy", cst(2024, 12, 6, 14), "yuqing_core", events[6].data)
    with pytest.raises(yq.CorruptCaseError, match=r"seq 7: .*is before the last event"):
        Case.replay(TIGHTER, events, versions=[PARK])
    other = edited(PARK, reply="4d")
    events = _adopted()
    events[6] = Event(
        "adopt_policy", AT, "yuqing_core", {**events[6].data, "to": other.fingerprint}
    )
    with pytest.raises(yq.PolicyVersionError, match="'LY-1' seq 7: recorded under version"):
        Case.replay(TIGHTER, events, versions=[PARK])


def test_an_adoption_cannot_come_between_metrics_and_their_escalation() -> None:
    school = yq.presets.load("school-tiered")
    looser = yq.load_policy({"extends": "school-tiered", "title": "某校（修订）"})
    found = cst(2025, 11, 3, 9)
    case = school.open_case(
        yq.Incident(id="YQ-M", title="t", discovered_at=found), at=found, actor="m"
    )
    at = cst(2025, 11, 3, 10)
    case.fire("update_metrics", at=at, actor="m", flags=["superior_instruction"])
    assert case.events[-1].data.get("auto") is True  # the library escalated on its own
    events = list(case.events)
    events.insert(
        2,
        Event(
            "adopt_policy",
            at,
            "yuqing_core",
            {"from": school.fingerprint, "to": looser.fingerprint},
        ),
    )
    with pytest.raises(yq.CorruptCaseError, match=r"^case 'YQ-M' seq 3: .*must be that automatic"):
        Case.replay(looser, events, versions=[school])


# -- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "at", "actor", "message"),
    [
        (PARK, AT, "office", f"the case already follows version {PARK.fingerprint[:19]}"),
        (
            yq.presets.load("school-tiered"),
            AT,
            "office",
            "the case follows policy 'park-message-board'; it cannot adopt policy "
            "'school-tiered' (only another version of its own)",
        ),
        (
            TIGHTER,
            cst(2024, 12, 6, 14),
            "office",
            "adopt at 2024-12-06T14:00:00+08:00 is before the last event "
            "(2024-12-06T15:00:00+08:00); events are recorded in time order",
        ),
        (
            yq.load_policy({**PARK.to_dict(), "levels": [{"severity": "major"}]}),
            AT,
            "office",
            "the case is at level general, which version",
        ),
        ("park-message-board", AT, "office", "adopt needs a Policy, not a str"),
        (TIGHTER, datetime(2024, 12, 6, 16), "office", "at: 2024-12-06T16:00:00 has no time zone"),
        (TIGHTER, AT, " ", "actor must be a non-empty string naming who acted"),
    ],
)
def test_a_refused_adoption_changes_nothing(
    policy: Any, at: datetime, actor: str, message: str
) -> None:
    case = park_letter(PARK)
    before = (case.events, case.policy, case.policy_history, case.obligations)
    with pytest.raises(yq.TransitionError) as e:
        case.adopt(policy, at=at, actor=actor)
    assert str(e.value).startswith(message)
    assert e.value.trigger == "adopt_policy"
    assert (case.events, case.policy, case.policy_history, case.obligations) == before


def test_versions_must_be_policies() -> None:
    with pytest.raises(yq.PolicyVersionError, match=r"^versions holds a str, not a Policy$"):
        Case.replay(PARK, park_letter(PARK).events, versions=["park-message-board"])  # type: ignore[list-item]
