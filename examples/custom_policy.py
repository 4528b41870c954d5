"""A school's own policy on top of a preset (本校制度 = 预设 + 本校调整).

``our_school.toml`` extends the ``school-tiered`` preset: business close at 17:30, a campus
closure day, and a general report due the same day instead of within one working day. This
script loads it, checks it, prints the merged obligations, computes one timeline beside the
preset's, and shows how a mistake in the file is reported.

Run: ``python examples/custom_policy.py``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yuqing_core as yq
from yuqing_core.testing import assert_policy_sound

OUR_FILE = Path(__file__).with_name("our_school.toml")
FOUND = datetime(2025, 11, 13, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Thursday


def describe(policy: yq.Policy) -> None:
    cal = policy.spec.calendar
    closures = ", ".join(d.isoformat() for d in cal.extra_rest_days) or "none"
    print(f"{policy.name}: {policy.title}")
    print(f"  business close {cal.business_close}; extra rest days {closures}")
    base = {o.id: o for o in yq.presets.load("school-tiered").spec.obligations}
    print("  obligations (merged):")
    for ob in policy.spec.obligations:
        levels = ",".join(s.key for s in ob.levels) or "all"
        changed = "  * changed" if base.get(ob.id) != ob else ""
        within = str(ob.within)
        row = f"{ob.id:<18} {levels:<8} {ob.kind:<16} {ob.role:<19} {within:<8} {ob.rule}"
        print(f"    {row}{changed}")


def timeline(policy: yq.Policy) -> dict[str, datetime]:
    incident = yq.Incident(id="YQ-2025-1113-01", title="食堂价格调整被质疑", discovered_at=FOUND)
    case = policy.open_case(incident, at=FOUND, actor="监测员")
    return {ob.id: ob.due_at for ob in case.obligations}


def main() -> None:
    ours = yq.load_policy(OUR_FILE)
    describe(ours)
    assert_policy_sound(ours)
    print("  assert_policy_sound: ok")

    print(f"general incident found {FOUND:%Y-%m-%d %H:%M} (Thursday):")
    preset = timeline(yq.presets.load("school-tiered"))
    for ob_id, due in timeline(ours).items():
        print(
            f"  {ob_id}: school-tiered {preset[ob_id]:%Y-%m-%d %H:%M} -> ours {due:%Y-%m-%d %H:%M}"
        )

    # Two slips: the loader names the key path of each, and nothing loads.
    mistaken = {
        "extends": str(OUR_FILE),
        "name": "our-school",
        "title": "某某中学网络舆情管理制度",
        "obligations": [
            {"id": "general-report", "within": "半天"},
            {"id": "major-report", "levels": ["紧急"]},
        ],
    }
    try:
        yq.load_policy(mistaken)
    except yq.PolicyError as e:
        print("a mistaken edit is refused:")
        for line in str(e).splitlines():
            print(f"  {line}")


if __name__ == "__main__":
    main()
