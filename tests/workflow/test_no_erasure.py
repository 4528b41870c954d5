"""No erasure (RULES R5.2, X2): no command sequence turns a missed deadline back into one that
was never missed, and the cap on extensions applies to their total.

Properties over random command sequences on the park-message-board preset as shipped (no late
extension, no pausing), on the same rules with late extension and pausing allowed, and on a
policy with an escalation ladder, levels, recurring follow-ups, an extendable reply and
pausable responses:

- once an obligation is ``breached`` at an instant T (as seen at T, with the events up to T),
  the first event recorded at or after T gives it ``breached_at`` (no later than T), which is
  never ``None`` again and never moves; and every later status is ``breached`` or ``late``,
  or -- only where the policy allows late extension -- ``pending``/``due_soon`` with
  ``breached_at`` set;
- accountability lists every obligation with ``breached_at`` before ``now``;
- extensions one after another end exactly where their total given at once ends.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.accountability import accountability
from yuqing_core.workflow import Case

PARK = yq.presets.load("park-message-board")
PARK_LATE = yq.load_policy(
    {
        "extends": "park-message-board",
        "name": "park-late",
        "workflow": {"late_extension": True, "pausable": ["reply", "handling_report"]},
    }
)
LADDER = yq.load_policy(
    {
        "name": "ladder",
        "title": "升级链、续报、延期与暂停",
        "timing": {"immediate_grace": "30min"},
        "levels": [{"severity": "general"}, {"severity": "major"}],
        "workflow": {"max_extension": "3wd", "late_extension": True, "pausable": ["reply"]},
        "obligations": [
            {"id": "report", "rule": "R1", "kind": "report", "role": "office", "within": "2h"},
            {
                "id": "major-report",
                "rule": "R1",
                "kind": "report",
                "role": "principal_leader",
                "within": "1h",
                "levels": ["major"],
            },
            {
                "id": "reply",
                "rule": "R2",
                "kind": "reply",
                "role": "handling_unit",
                "within": "2wd",
                "extendable": True,
            },
            {
                "id": "follow",
                "rule": "R3",
                "kind": "follow_up",
                "role": "office",
                "within": "24h",
                "every": "24h",
                "anchor": "start",
            },
        ],
        "ladders": [
            {
                "id": "ladder",
                "rule": "R4",
                "levels": ["major"],
                "steps": [
                    {"role": "spokesperson", "timeout": "30min"},
                    {"role": "principal_leader", "timeout": "1h"},
                ],
            }
        ],
    }
)
POLICIES = {"park": PARK, "park-late": PARK_LATE, "ladder": LADDER}

COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("extend", {"by": "1d"}),
    ("extend", {"by": "2d", "obligation": "reply"}),
    ("extend", {"by": "3d", "obligation": "handling-report"}),
    ("extend", {"by": "1wd", "obligation": "reply"}),
    ("extend", {"by": "2wd"}),
    ("pause", {}),
    ("pause", {"obligations": ["reply"]}),
    ("resume", {}),
    ("report", {}),
    ("report", {"role": "office", "kind": "handling_report"}),
    ("assign", {"unit": "城管局"}),
    ("start", {}),
    ("draft_reply", {"text": "拟答复"}),
    ("approve_reply", {}),
    ("respond", {}),
    ("follow_up", {"text": "续报"}),
    ("acknowledge", {"role": "principal_leader"}),
    ("escalate", {"severity": "major", "reason": "扩散"}),
    ("downgrade", {"severity": "general", "reason": "核实"}),
    ("supervise", {}),
    ("archive", {}),
]

WEIGHTED = [i for i, (t, _) in enumerate(COMMANDS) if t != "archive" for _ in range(4)] + [
    i for i, (t, _) in enumerate(COMMANDS) if t == "archive"
]
"""Closing is drawn rarely, so that runs go on past missed deadlines."""

FOUND = cst(2025, 9, 26, 9)
"""Fri 26 Sep 2025, before the National Day rest (1-8 Oct) and its make-up days."""

Seen = dict[str, datetime]


def _open(policy: yq.Policy) -> Case:
    inc = yq.Incident(
        id="YQ-E", title="留言", discovered_at=FOUND, posted_at=FOUND - timedelta(hours=3)
    )
    return policy.open_case(inc, at=FOUND, actor="m")


def _check(case: Case, now: datetime, seen: Seen, kept: Seen) -> None:
    """The breaches seen so far are all still on record at ``now``."""
    late_allowed = case.policy.spec.workflow.late_extension
    obs = {o.id: o for o in case.obligations}
    last = case.events[-1].at
    for ident, first in seen.items():
        ob = obs.get(ident)
        assert ob is not None, (ident, "breached, then gone")
        status = ob.status(now)
        if last < first:
            # No event since: the record is as it was at T, and the breach plain to see.
            assert status == "breached", (ident, ob)
            assert ob.breached_at is None or ob.breached_at <= first, (ident, ob)
            continue
        assert ob.breached_at is not None, (ident, ob)
        assert ob.breached_at <= first, (ident, ob)
        if status not in ("breached", "late"):
            assert late_allowed, (ident, status, ob)
            assert status in ("pending", "due_soon"), (ident, status, ob)
            assert ob.extensions, (ident, ob)
    for ident, at in kept.items():
        assert obs[ident].breached_at == at, (ident, "breached_at moved", obs[ident])
    for ob in case.obligations:
        if ob.breached_at is not None:
            kept.setdefault(ob.id, ob.breached_at)
    listed = {
        i.obligation_id
        for r in accountability([case], FOUND - timedelta(days=30), cst(2030, 1, 1), now=now)
        for i in r.items
    }
    due = {o.id for o in case.obligations if o.breached_at is not None and o.breached_at < now}
    assert due <= listed, due - listed


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(POLICIES)),
    plan=st.lists(
        st.tuples(st.sampled_from(WEIGHTED), st.integers(0, 60 * 60)),
        min_size=1,
        max_size=18,
    ),
)
def test_no_command_sequence_erases_a_breach(name: str, plan: list[tuple[int, int]]) -> None:
    case = _open(POLICIES[name])
    now = FOUND
    seen: Seen = {}
    kept: Seen = {}
    for index, minutes in plan:
        at = now + timedelta(minutes=minutes)
        trigger, data = COMMANDS[index]
        # What an officer sees at ``at``, before the command.
        for ob in case.obligations:
            if ob.status(at) == "breached":
                seen.setdefault(ob.id, at)
        with contextlib.suppress(yq.TransitionError):
            case.fire(trigger, at=at, actor="officer", **data)
        now = at
        _check(case, now, seen, kept)
    later = now + timedelta(days=40)
    _check(case, later, seen, kept)
    # A rebuilt case keeps the same record.
    assert Case.replay(case.policy, case.events).obligations == case.obligations


# -- the total of the extensions ---------------------------------------------------------------


def _board(kind: str) -> yq.Policy:
    return yq.load_policy(
        {
            "name": f"board-{kind}",
            "title": "留言办理",
            "levels": [{"severity": "general"}],
            "workflow": {"max_extension": f"8{kind}"},
            "obligations": [
                {
                    "id": "reply",
                    "rule": "R5.2",
                    "kind": "reply",
                    "role": "handling_unit",
                    "within": f"3{kind}",
                    "extendable": True,
                }
            ],
        }
    )


BOARDS = {kind: _board(kind) for kind in ("d", "wd")}


@settings(max_examples=80, deadline=None)
@given(
    kind=st.sampled_from(["d", "wd"]),
    day=st.integers(0, 364),
    parts=st.lists(st.integers(1, 4), min_size=1, max_size=4).filter(lambda p: sum(p) <= 8),
)
def test_extensions_one_by_one_end_where_their_total_at_once_ends(
    kind: str, day: int, parts: list[int]
) -> None:
    policy = BOARDS[kind]
    found = cst(2025, 1, 1, 10) + timedelta(days=day)
    inc = yq.Incident(id="YQ-X", title="留言", discovered_at=found)
    steps = policy.open_case(inc, at=found, actor="m")
    once = policy.open_case(inc, at=found, actor="m")
    original = steps.obligations[0].due_at
    for n, part in enumerate(parts):
        steps.fire("extend", at=found + timedelta(minutes=n), actor="u", by=f"{part}{kind}")
    once.fire("extend", at=found, actor="u", by=f"{sum(parts)}{kind}")
    expected = policy.calendar.extend(original, f"{sum(parts)}{kind}")
    assert steps.obligations[0].due_at == once.obligations[0].due_at == expected
    left = 8 - sum(parts)
    with pytest.raises(yq.TransitionError, match=rf"passes the cap of 8{kind} in all"):
        steps.fire("extend", at=found + timedelta(hours=1), actor="u", by=f"{left + 1}{kind}")


# -- pauses and extensions, one rule at a time ---------------------------------------------------


def _board_case(workflow: dict[str, Any], within: str = "3d") -> Case:
    policy = yq.load_policy(
        {
            "name": "board",
            "title": "留言办理",
            "levels": [{"severity": "general"}],
            "workflow": workflow,
            "obligations": [
                {
                    "id": "to-office",
                    "rule": "R1",
                    "kind": "report",
                    "role": "office",
                    "within": "2h",
                },
                {
                    "id": "reply",
                    "rule": "R5.2",
                    "kind": "reply",
                    "role": "handling_unit",
                    "within": within,
                    "extendable": True,
                },
            ],
        }
    )
    # Mon 3 Nov 2025 10:00: report due 12:00; reply "3d" 4, 5, Thu 6 Nov -> 7 Nov 00:00.
    inc = yq.Incident(id="YQ-B", title="留言", discovered_at=cst(2025, 11, 3, 10))
    return policy.open_case(inc, at=cst(2025, 11, 3, 10), actor="clerk")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            {"obligations": ["to-office"]},
            "to-office is a report obligation; the policy pauses only reply (workflow.pausable)",
        ),
        ({"obligations": ["nope"]}, "there is no open obligation 'nope' to pause"),
    ],
)
def test_a_pause_names_only_running_obligations_of_a_pausable_kind(
    data: dict[str, Any], problem: str
) -> None:
    case = _board_case({"max_extension": "5d", "pausable": ["reply"]})
    before = (case.events, case.obligations)
    with pytest.raises(yq.TransitionError) as e:
        case.fire("pause", at=cst(2025, 11, 3, 11), actor="unit", **data)
    assert str(e.value).startswith(problem)
    assert (case.events, case.obligations) == before


def test_an_unnamed_pause_stops_only_the_pausable_kinds() -> None:
    case = _board_case({"max_extension": "5d", "pausable": ["reply"]})
    case.fire("pause", at=cst(2025, 11, 3, 11), actor="unit")
    assert [(o.id, o.paused) for o in case.obligations] == [("to-office", False), ("reply", True)]
    # The report upward was never stopped: breached at 12:00 as if there were no pause.
    assert case.obligations[0].status(cst(2025, 11, 3, 12, 1)) == "breached"


def test_an_elapsed_cap_adds_up_minutes() -> None:
    case = _board_case({"max_extension": "48h"}, within="24h")
    # Reply 24 h from Mon 3 Nov 10:00 -> Tue 4 Nov 10:00.
    case.fire("extend", at=cst(2025, 11, 3, 11), actor="unit", by="12h")
    case.fire("extend", at=cst(2025, 11, 3, 12), actor="unit", by="35h30min")
    assert case.obligations[1].due_at == cst(2025, 11, 6, 9, 30)
    with pytest.raises(yq.TransitionError) as e:
        case.fire("extend", at=cst(2025, 11, 3, 13), actor="unit", by="1h")
    assert str(e.value).startswith(
        "reply: extending by 1h passes the cap of 48h in all (47h30min used, 30min left)"
    )
    with pytest.raises(yq.TransitionError, match="give it in hours and minutes"):
        case.fire("extend", at=cst(2025, 11, 3, 13), actor="unit", by="1d")


def test_extending_the_report_upward_is_refused_as_it_is_not_extendable() -> None:
    case = _board_case({"max_extension": "5d"})
    with pytest.raises(yq.TransitionError, match="there is no obligation 'to-office' to extend"):
        case.fire("extend", at=cst(2025, 11, 3, 11), actor="unit", by="1d", obligation="to-office")
