"""The policy's own terms in cases: matching (no_flags, categories, levels mapped to the
nearest at or above), labels in every output, working-hours deadlines and warning points on
the obligation's own clock.

Instants are worked out by hand on the official calendar: National Day 2025 is 1-8 Oct off
with Sun 28 Sep and Sat 11 Oct worked. Working hours are 08:30-12:00 and 14:00-17:30 (7 hours a
working day).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

import yuqing_core as yq
from tests.helpers import cst
from yuqing_core.accountability import accountability
from yuqing_core.render.accountability import render_accountability_markdown
from yuqing_core.render.presetpage import preset_markdown
from yuqing_core.render.timeline import render
from yuqing_core.workflow import Case

FOUND = cst(2025, 9, 30, 17, 0)  # the eve of National Day 2025, a Tuesday


def school(**changes: Any) -> dict[str, Any]:
    """A school's policy in its own words (a dict, as a host would load it)."""
    data: dict[str, Any] = {
        "name": "school-terms",
        "title": "某中学网络舆情处置办法",
        "calendar": {"working_hours": ["08:30-12:00", "14:00-17:30"]},
        "levels": [{"severity": "general"}, {"severity": "significant"}, {"severity": "major"}],
        "role_labels": {"office": "学校办公室", "principal_leader": "校长"},
        "assessment": {
            "rules": [
                {
                    "id": "significant-views",
                    "rule": "R1",
                    "level": "significant",
                    "any_metrics": [{"metric": "views", "min": 5000}],
                    "no_flags": ["rumour_refuted"],
                }
            ]
        },
        "obligations": [
            {"id": "office-report", "rule": "R1", "kind": "report", "role": "office",
             "within": "30min"},
            {"id": "principal-special", "rule": "R2", "kind": "special_report",
             "role": "principal_leader", "levels": ["major"], "within": "1h", "label": "特报"},
            {"id": "reply", "rule": "R3", "kind": "reply", "role": "handling_unit",
             "levels": ["general"], "within": "3wd", "warnings": ["50%", "80%"],
             "no_flags": ["mass_incident"]},
            {"id": "first-response", "rule": "R4", "kind": "initial_response",
             "role": "handling_unit", "levels": ["significant"], "within": "4wh",
             "warnings": ["2wh"]},
        ],
    }  # fmt: skip
    data.update(changes)
    return data


def incident(views: int | None = None, flags: tuple[str, ...] = ()) -> yq.Incident:
    metrics = [] if views is None else [yq.Metrics(observed_at=FOUND, views=views)]
    return yq.Incident(
        id="YQ-T1", title="食堂投诉", discovered_at=FOUND, metrics=metrics, flags=frozenset(flags)
    )


def opened(policy: yq.Policy, inc: yq.Incident, **kw: Any) -> Case:
    return policy.open_case(inc, at=cst(2025, 9, 30, 17, 5), actor="monitor-1", **kw)


def by_id(case: Case) -> dict[str, yq.Obligation]:
    return {o.id: o for o in case.obligations}


# -- matching -------------------------------------------------------------------------------


def test_an_obligation_is_not_owed_while_an_excluded_flag_is_present() -> None:
    policy = yq.load_policy(school())
    assert sorted(by_id(opened(policy, incident()))) == ["office-report", "reply"]
    flagged = opened(policy, incident(flags=("mass_incident",)))
    assert sorted(by_id(flagged)) == ["office-report"]


def test_an_assessment_rule_does_not_fire_while_an_excluded_flag_is_present() -> None:
    policy = yq.load_policy(school())
    assert policy.assess(incident(views=6000)).severity is yq.Severity.SIGNIFICANT
    refuted = policy.assess(incident(views=6000, flags=("rumour_refuted",)))
    assert (refuted.severity, refuted.reasons) == (None, [])


def test_a_ladder_matches_on_category_and_excluded_flags() -> None:
    ladder = {
        "id": "ack",
        "rule": "R5",
        "steps": [{"role": "office", "timeout": "30min"}, {"role": "principal_leader",
                                                           "timeout": "30min"}],
        "any_categories": ["inquiry"],
        "no_flags": ["rumour_refuted"],
        "label": "逐级通知",
    }  # fmt: skip
    policy = yq.load_policy(school(ladders=[ladder]))
    complaint = incident().model_copy(update={"category": yq.Category.INQUIRY})
    owed = by_id(opened(policy, complaint))
    assert owed["ack#1"].due_at == cst(2025, 9, 30, 17, 30)
    assert (owed["ack#1"].label, owed["ack#2"].label) == ("逐级通知", "逐级通知")
    assert "ack#1" not in by_id(opened(policy, incident()))
    refuted = complaint.model_copy(update={"flags": frozenset({"rumour_refuted"})})
    assert "ack#1" not in by_id(opened(policy, refuted))


def test_a_chosen_level_the_policy_lacks_maps_to_the_nearest_at_or_above() -> None:
    policy = yq.load_policy(school())
    # critical: above the top level (major), so the top level.
    case = opened(policy, incident(), severity="critical")
    assert (case.severity, case.events[0].data["severity"]) == (yq.Severity.MAJOR, "major")
    assert by_id(case)["principal-special"].due_at == cst(2025, 9, 30, 18, 0)
    # low: below every level, so the lowest at or above it (general).
    assert opened(policy, incident(), severity="low").severity is yq.Severity.GENERAL


def test_an_escalation_to_a_level_the_policy_lacks_maps_the_same_way() -> None:
    policy = yq.load_policy(school())
    case = opened(policy, incident())
    case.fire("escalate", at=cst(2025, 10, 9, 9, 0), actor="office", severity="critical")
    assert case.severity is yq.Severity.MAJOR
    # The major duty counts from the escalation; the stored event keeps the word chosen.
    assert by_id(case)["principal-special"].due_at == cst(2025, 10, 9, 10, 0)
    assert case.events[-1].data["severity"] == "critical"
    assert "升级 severity=critical→major" in render(case, cst(2025, 10, 9, 9, 30))
    assert Case.from_json(policy, case.to_json()) == case
    again = Case.replay(policy, case.events)
    assert again == case
    assert again.severity is yq.Severity.MAJOR
    with pytest.raises(yq.TransitionError, match="escalate needs a level above major"):
        case.fire("escalate", at=cst(2025, 10, 9, 9, 5), actor="office", severity="critical")


# -- working hours and warning points ---------------------------------------------------------


def test_a_working_hours_deadline_and_its_warning_before_due() -> None:
    # 4wh from 30 Sep 17:00: 0.5 h that day, 3.5 h on 9 Oct to 12:00. 2wh before it: 10:00.
    case = opened(yq.load_policy(school()), incident(views=6000))
    ob = by_id(case)["first-response"]
    assert (ob.due_at, ob.warn_at) == (cst(2025, 10, 9, 12, 0), (cst(2025, 10, 9, 10, 0),))
    assert ob.status(cst(2025, 10, 9, 9, 59)) == "pending"
    assert ob.status(cst(2025, 10, 9, 10, 0)) == "due_soon"


def test_shares_of_a_working_day_period_count_working_time() -> None:
    # 3wd from 30 Sep 17:00 ends at 24:00 on Sat 11 Oct (调休). Working time in between:
    # 0.5 h + 7 h on each of 9, 10 and 11 Oct = 21.5 h. 50% = 10.75 h: 0.5 + 7 (9 Oct), then
    # 3.25 h from 08:30 on 10 Oct: 11:45. 80% = 17.2 h: 0.5 + 7 + 7, then 2.7 h (2 h 42 min)
    # from 08:30 on 11 Oct: 11:12.
    case = opened(yq.load_policy(school()), incident())
    ob = by_id(case)["reply"]
    assert ob.due_at == cst(2025, 10, 12, 0, 0)
    assert ob.warn_at == (cst(2025, 10, 10, 11, 45), cst(2025, 10, 11, 11, 12))
    # Never due soon during the holiday.
    assert ob.status(cst(2025, 10, 8, 23, 59)) == "pending"
    assert ob.status(cst(2025, 10, 10, 11, 44)) == "pending"
    assert ob.status(cst(2025, 10, 10, 11, 45)) == "due_soon"
    assert ob.warnings_passed(cst(2025, 10, 10, 12)) == 1
    assert ob.warnings_passed(cst(2025, 10, 11, 12)) == 2


def test_a_policy_without_working_hours_counts_whole_working_days() -> None:
    # The example: a 3-working-day reply found on the eve of the National Day week.
    # Working time: 7 h of 30 Sep, then 9, 10 and 11 Oct whole (72 h) = 79 h. 75% = 59.25 h:
    # 7 h + 48 h (9, 10 Oct) + 4.25 h into 11 Oct: 04:15, two days after the holiday.
    data = school(timing={"warnings": ["75%"]}, calendar={})
    data["obligations"] = [{**data["obligations"][2], "warnings": []}]
    ob = by_id(opened(yq.load_policy(data), incident()))["reply"]
    assert ob.warn_at == (cst(2025, 10, 11, 4, 15),)


def test_without_warning_points_due_soon_is_the_share_on_the_deadlines_own_clock() -> None:
    # No warning points: one at timing.due_soon_share (75%), on the deadline's own clock. A
    # working-day deadline under working hours 08:30-12:00, 14:00-17:30 counts working time:
    # 30 Sep 17:00-17:30, 9 Oct, 10 Oct and Sat 11 Oct (make-up) are 0.5 + 7 + 7 + 7 = 21.5 h;
    # 75% is 16.125 h: 14.5 h by 10 Oct, then 1 h 37 min 30 s from 08:30 on 11 Oct. Elapsed
    # time would have said 9 Oct 04:15 (75% of 271 h), during the night after the holiday.
    data = school()
    data["obligations"] = [{**data["obligations"][2], "warnings": []}]
    ob = by_id(opened(yq.load_policy(data), incident()))["reply"]
    assert ob.warn_at == (datetime(2025, 10, 11, 10, 7, 30, tzinfo=FOUND.tzinfo),)
    assert ob.status(cst(2025, 10, 9, 4, 15)) == "pending"
    assert ob.status(datetime(2025, 10, 11, 10, 7, 29, tzinfo=FOUND.tzinfo)) == "pending"
    assert ob.status(datetime(2025, 10, 11, 10, 7, 30, tzinfo=FOUND.tzinfo)) == "due_soon"


def test_policy_wide_warnings_apply_where_an_obligation_states_none() -> None:
    # timing.warnings ["75%"] on the working-hours clock: 0.75 x 21.5 h = 16.125 h: 0.5 + 7
    # + 7, then 1.625 h (1 h 37 min 30 s) from 08:30 on 11 Oct: 10:07:30.
    data = school(timing={"warnings": ["75%"]})
    data["obligations"] = [{**data["obligations"][2], "warnings": []}, data["obligations"][0]]
    owed = by_id(opened(yq.load_policy(data), incident()))
    assert owed["reply"].warn_at == (datetime(2025, 10, 11, 10, 7, 30, tzinfo=FOUND.tzinfo),)
    # 30min of elapsed time from 17:00: 75% at 17:22:30.
    assert owed["office-report"].warn_at == (
        datetime(2025, 9, 30, 17, 22, 30, tzinfo=FOUND.tzinfo),
    )


def test_notifications_carry_every_warning_point_and_name_the_latest_passed() -> None:
    case = opened(yq.load_policy(school()), incident())
    (note,) = [
        n for n in case.notifications(cst(2025, 10, 11, 12, 0)) if n.obligation_id == "reply"
    ]
    assert note.warn_at == (cst(2025, 10, 10, 11, 45), cst(2025, 10, 11, 11, 12))
    assert (note.warnings_passed, note.status, note.label) == (2, "due_soon", "答复")
    assert note.message == ("【答复】食堂投诉：责任单位，时限 2025-10-12 00:00（R3），第2次预警")


# -- labels in every output -------------------------------------------------------------------


def test_labels_reach_notifications_timeline_and_accountability() -> None:
    policy = yq.load_policy(school())
    case = opened(policy, incident(), severity="major")
    now = cst(2025, 9, 30, 19, 0)
    notes = {n.obligation_id: n for n in case.notifications(now)}
    assert notes["principal-special"].message == (
        "【特报】食堂投诉：校长，时限 2025-09-30 18:00（R2）"
    )
    assert notes["office-report"].role_label == "学校办公室"
    table = render(case, now)
    assert "特报 → 校长" in table
    assert "报告 → 学校办公室" in table
    rows = accountability([case], cst(2025, 9, 30), cst(2025, 10, 1), now=now)
    assert [r.label for r in rows] == ["学校办公室", "校长"]
    text = render_accountability_markdown(rows)
    assert "YQ-T1 principal-special「特报」（R2）时限 2025-09-30 18:00，未办" in text


def test_the_policy_page_shows_labels_working_hours_and_warnings() -> None:
    page = preset_markdown(yq.load_policy(school()))
    assert "| `office` | 学校办公室 | 领导小组办公室 |" in page
    assert "| `principal_leader` | 校长 | 主要领导 |" in page
    assert "08:30–12:00、14:00–17:30（工作日，含调休上班日）" in page
    assert "`principal-special`：`special_report` 特报 → `principal_leader`（校长）" in page
    assert "预警：已用时 50%、已用时 80%" in page
    assert "带以下标记时不适用：`mass_incident`" in page


# -- extensions and pauses in working hours ---------------------------------------------------


def _extendable() -> yq.Policy:
    data = school(workflow={"max_extension": "4wh", "pausable": ["initial_response"]})
    data["obligations"][3] = {**data["obligations"][3], "extendable": True}
    return yq.load_policy(data)


def test_an_extension_in_working_hours_counts_from_the_due_instant() -> None:
    # Due 9 Oct 12:00; 2wh more: the lunch break does not count, so 16:00.
    case = opened(_extendable(), incident(views=6000))
    case.fire(
        "extend", at=cst(2025, 10, 9, 9), actor="office", by="2wh", obligation="first-response"
    )
    assert by_id(case)["first-response"].due_at == cst(2025, 10, 9, 16, 0)
    with pytest.raises(yq.TransitionError, match=r"give it in working hours \(wh\)"):
        case.fire(
            "extend", at=cst(2025, 10, 9, 9), actor="office", by="1d", obligation="first-response"
        )
    with pytest.raises(
        yq.TransitionError,
        match=r"extending by 3wh passes the cap of 4wh in all \(2wh used, 2wh left\)",
    ):
        case.fire(
            "extend", at=cst(2025, 10, 9, 9), actor="office", by="3wh", obligation="first-response"
        )


def test_a_pause_moves_a_working_hours_deadline_by_the_working_time_it_took() -> None:
    # Due 9 Oct 12:00. Paused 09:00-15:00: 3 h of the morning and 1 h of the afternoon are
    # working time, so it is due 4 working hours after 12:00: 3.5 h to 17:30, then 09:00 on
    # Friday 10 Oct.
    case = opened(_extendable(), incident(views=6000))
    case.fire("pause", at=cst(2025, 10, 9, 9), actor="unit", reason="等待补充材料")
    case.fire("resume", at=cst(2025, 10, 9, 15), actor="unit")
    assert by_id(case)["first-response"].due_at == cst(2025, 10, 10, 9, 0)
