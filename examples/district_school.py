"""A whole rule set in one policy file (整套制度全部编码).

``district_school.toml`` encodes every clause of a district school's rules: three levels from
views, comments and outlets; the monitor's report to the school office; a dual report to the
principal and the district bureau; answer, response and release deadlines in working days and
hours; daily follow-ups until the case is stabilized; a 24-hour watch on official holidays;
and a weekly report on Mondays at 10:00 that moves to the first working day after a holiday.

This script opens the case the rules were written for, found on the eve of National Day 2026
(30 September, 17:00) with 25,000 views, prints what it owes, meets the dual report with one
command, releases the authoritative information, and prints the duty roster across the
holiday.

Run: ``python examples/district_school.py``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yuqing_core as yq

CST = ZoneInfo("Asia/Shanghai")
POLICY_FILE = Path(__file__).with_name("district_school.toml")
FOUND = datetime(2026, 9, 30, 17, 0, tzinfo=CST)


def obligations(case: yq.Case, now: datetime) -> None:
    roles = case.policy.roles
    for ob in case.obligations:
        to = "、".join(roles.get(r, r) for r in ob.recipients)
        print(f"  {ob.id:<20} {ob.label} → {to}  due {ob.due_at:%m-%d %H:%M}  {ob.status(now)}")


def roster(policy: yq.Policy) -> None:
    start, end = datetime(2026, 9, 28, tzinfo=CST), datetime(2026, 10, 13, tzinfo=CST)
    for d in policy.monitoring_duties(start, end):
        moved = f" (moved from {d.scheduled_at:%m-%d})" if d.scheduled_at else ""
        print(f"  {d.due_at:%m-%d %a %H:%M} {d.duty_id}{moved}")


def main() -> None:
    policy = yq.load_policy(POLICY_FILE)
    incident = yq.Incident(
        id="YQ-2026-0930-01",
        title="校门口交通事故视频",
        discovered_at=FOUND,
        metrics=(yq.Metrics(observed_at=FOUND, views=25_000, comments=180),),
    )
    case = policy.open_case(incident, at=FOUND, actor="monitor-1")
    print(f"{case.id}: {case.severity.key} ({policy.level_label(case.severity)})")
    print("owed when found:")
    obligations(case, FOUND)

    # One report naming both recipients meets the dual report (报告校长并同时报告区教育局).
    case.fire(
        "report", at=datetime(2026, 9, 30, 17, 20, tzinfo=CST), actor="monitor-1", role="office"
    )
    case.fire(
        "report",
        at=datetime(2026, 9, 30, 17, 50, tzinfo=CST),
        actor="office-1",
        roles=["principal_leader", "district_bureau"],
    )
    case.fire("respond", at=datetime(2026, 10, 1, 15, 0, tzinfo=CST), actor="office-1")
    print("after the reports and the release (1 Oct 15:00):")
    obligations(case, datetime(2026, 10, 1, 15, 0, tzinfo=CST))

    # 8,000 views: significant (较大). Three working days after the eve of the holiday are
    # 8 Oct, 9 Oct and Saturday 10 Oct (a make-up working day).
    other = yq.Incident(
        id="YQ-2026-0930-02",
        title="食堂投诉帖",
        discovered_at=FOUND,
        metrics=(yq.Metrics(observed_at=FOUND, views=8_000),),
    )
    second = policy.open_case(other, at=FOUND, actor="monitor-1")
    print(f"{second.id}: {second.severity.key} ({policy.level_label(second.severity)})")
    obligations(second, FOUND)

    print("duty roster, 28 Sep - 12 Oct 2026:")
    roster(policy)


if __name__ == "__main__":
    main()
