"""The park-message-board preset (RULES S5): the key values it encodes, and its worked scenario. The
scenario: a citizen's message posted on the eve of National Day 2025 is answered within an extension
inside the 5-day cap (R5.2), and a message posted before Spring Festival 2026 is reported on late
and left unanswered."""

from __future__ import annotations

import pytest

import yuqing_core as yq
from tests.helpers import D, cst, ob, rows, run, state_path

NOISE = "LY-2025-0929-01"
WAGES = "LY-2026-0211-02"


# -- what it encodes: the key values of its source, by hand from RULES.md and the seeds ------


def test_park_message_board_s5() -> None:
    p = yq.presets.load("park-message-board")
    wf = p.spec.workflow
    assert wf.max_extension == D("5d")
    assert wf.reply_approval_required
    assert wf.stages == (
        "registered",
        "reported",
        "assigned",
        "handling",
        "reply_drafted",
        "reply_approved",
        "responded",
        "archived",
    )
    reply, written = ob(p, "reply"), ob(p, "handling-report")
    assert (reply.kind, reply.anchor, reply.within, reply.extendable) == (
        "reply",
        "posted",
        D("3d"),
        True,
    )
    assert (written.kind, written.role, written.anchor, written.within, written.extendable) == (
        "handling_report",
        "office",
        "assign",
        D("3d"),
        True,
    )
    assert [str(s) for s in p.severities] == ["general"]
    assert p.spec.timing.immediate_grace == D("2h")


# -- its worked scenario ------------------------------------------------------------------


def test_noise_message_across_national_day_extended_and_answered_whole_life() -> None:
    sim = run("park-message-board")
    assert sim.now is not None
    case = sim.cases[NOISE]
    assert state_path(case) == [
        ("open", "registered"),
        ("report", "reported"),
        ("assign", "assigned"),
        ("start", "handling"),
        ("extend", "handling"),
        ("report", "handling"),
        ("draft_reply", "reply_drafted"),
        ("approve_reply", "reply_approved"),
        ("respond", "responded"),
        ("archive", "archived"),
    ]
    assert case.is_closed
    assert case.unit == "园区生态环境分局"
    # R5.1 accept-submit, "第一时间" = now with the preset's 2-hour grace (P5), from discovery
    # Mon 29 Sep 2025 08:50 -> 10:50; reported to the leader in charge at 09:30.
    # R5.2 reply, anchor posted Sun 28 Sep 21:40, "3日" a day period (P3): 29 Sep (1), 30 Sep
    # (2), Wed 1 Oct (3) is a rest day, so the last day becomes the day after the rest period
    # 1-8 Oct: Thu 9 Oct, ending 24:00 -> 10 Oct 00:00.
    # R5.1 handling-report, anchor assign Mon 29 Sep 15:00, "3日": 30 Sep (1), 1 Oct (2), 2 Oct
    # (3) is a rest day -> Thu 9 Oct -> 10 Oct 00:00.
    # Extended on Thu 9 Oct by "2d" (R5.2, both open extendable duties): counted like a period
    # from 24:00 on 9 Oct: Fri 10 Oct (1), Sat 11 Oct (2) -- the 调休 make-up working day, so
    # it stays the last day -> Sun 12 Oct 00:00. Without the make-up Saturday the last day
    # would move to Mon 13 Oct (-> 14 Oct 00:00).
    assert rows(case, sim.now) == [
        ("accept-submit", "2025-09-29 10:50", "2025-09-29 09:30", "met"),
        ("reply", "2025-10-12 00:00", "2025-10-11 16:30", "met"),
        ("handling-report", "2025-10-12 00:00", "2025-10-11 10:30", "met"),
    ]
    assert [(o.id, o.extensions) for o in case.obligations] == [
        ("accept-submit", ()),
        ("reply", ("2d",)),
        ("handling-report", ("2d",)),
    ]


def test_noise_message_without_the_extension_would_have_been_breached() -> None:
    sim = run("park-message-board")
    case = sim.cases[NOISE]
    # The case as it stood before the extension (open, report, assign, start).
    before = yq.Case.replay(case.policy, case.events[:4])
    reply = next(o for o in before.obligations if o.id == "reply")
    # Unextended due 10 Oct 00:00 (see above). Span 28 Sep 21:40 -> 10 Oct 00:00 is 266 h 20 min;
    # 75% (199 h 45 min) has passed at Tue 7 Oct 05:25.
    assert reply.status(cst(2025, 10, 7, 5, 24)) == "pending"
    assert reply.status(cst(2025, 10, 7, 5, 25)) == "due_soon"
    assert reply.status(cst(2025, 10, 10, 0, 0)) == "due_soon"
    assert reply.status(cst(2025, 10, 10, 0, 1)) == "breached"
    # With the extension, 10 Oct noon is still inside the period, and the reply is met from
    # 11 Oct 16:30.
    extended = next(o for o in case.obligations if o.id == "reply")
    assert extended.status(cst(2025, 10, 10, 12, 0)) == "due_soon"
    assert extended.status(cst(2025, 10, 11, 16, 30)) == "met"


def test_extension_beyond_the_five_day_cap_is_refused_and_changes_nothing() -> None:
    sim = run("park-message-board")
    case = sim.cases[NOISE]
    # After the 2-day extension (first five events): both duties due 12 Oct 00:00.
    extended = yq.Case.replay(case.policy, case.events[:5])
    before = (extended.state, extended.events, extended.version, extended.obligations)
    # Cap (R5.2 "不得超过5日", P1 inclusive): original due 24:00 on 9 Oct + 5 days: 10, 11, 12,
    # 13, Tue 14 Oct -> 15 Oct 00:00. Another "4d" from 24:00 on 11 Oct: 12, 13, 14, 15 Oct ->
    # 16 Oct 00:00, past the cap.
    with pytest.raises(yq.TransitionError, match="cap"):
        extended.fire("extend", at=cst(2025, 10, 10, 9, 0), actor="园区分管领导", by="4d")
    assert (extended.state, extended.events, extended.version, extended.obligations) == before
    # A single "6d" extension is refused outright.
    fresh = yq.Case.replay(case.policy, case.events[:4])
    fresh_before = (fresh.state, fresh.events, fresh.version, fresh.obligations)
    with pytest.raises(yq.TransitionError, match="cap"):
        fresh.fire("extend", at=cst(2025, 10, 9, 10, 0), actor="园区分管领导", by="6d")
    assert (fresh.state, fresh.events, fresh.version, fresh.obligations) == fresh_before
    # Another "3d" reaches exactly the cap (5 days in all) and is allowed: 15 Oct 00:00.
    extended.fire("extend", at=cst(2025, 10, 10, 9, 0), actor="园区分管领导", by="3d")
    assert [(o.id, o.due_at) for o in extended.obligations if o.extensions] == [
        ("reply", cst(2025, 10, 15)),
        ("handling-report", cst(2025, 10, 15)),
    ]


def test_wage_message_before_spring_festival_reported_late_and_unanswered() -> None:
    sim = run("park-message-board")
    assert sim.now is not None
    case = sim.cases[WAGES]
    assert state_path(case) == [
        ("open", "registered"),
        ("report", "reported"),
        ("assign", "assigned"),
        ("start", "handling"),
        ("supervise", "handling"),
        ("report", "handling"),
    ]
    # R5.1 accept-submit: discovered Wed 11 Feb 2026 08:30 + 2 h grace -> 10:30; met 09:20.
    # R5.2 reply, anchor posted Tue 10 Feb 20:10, "3日": 11, 12, Fri 13 Feb (working day) ->
    # 14 Feb 00:00; never answered -> breached at now (Thu 26 Feb 12:00).
    # R5.1 handling-report, anchor assign Wed 11 Feb 11:00, "3日": 12 (1), 13 (2), Sat 14 Feb
    # (3) is the 调休 make-up working day, so it is the last day -> Sun 15 Feb 00:00. Without
    # the make-up day it would have moved past the 15-23 Feb rest to Tue 24 Feb (-> 25 Feb
    # 00:00) and the report of 24 Feb 16:00 would have been in time; it is late.
    assert rows(case, sim.now) == [
        ("accept-submit", "2026-02-11 10:30", "2026-02-11 09:20", "met"),
        ("reply", "2026-02-14 00:00", None, "breached"),
        ("handling-report", "2026-02-15 00:00", "2026-02-24 16:00", "late"),
    ]
    assert sim.breaches() == [(WAGES, "reply")]


def test_wage_handling_report_warns_then_breaches_before_it_is_met() -> None:
    sim = run("park-message-board")
    report = next(o for o in sim.cases[WAGES].obligations if o.id == "handling-report")
    # Span 11 Feb 11:00 -> 15 Feb 00:00 is 85 h; 75% (63 h 45 min) has passed at 14 Feb 02:45.
    assert report.status(cst(2026, 2, 14, 2, 44)) == "pending"
    assert report.status(cst(2026, 2, 14, 2, 45)) == "due_soon"
    assert report.status(cst(2026, 2, 15, 0, 0)) == "due_soon"
    assert report.status(cst(2026, 2, 15, 0, 1)) == "breached"
    assert report.status(cst(2026, 2, 24, 16, 0)) == "late"
