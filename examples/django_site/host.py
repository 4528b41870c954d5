"""The example site's own code (宿主代码): cases kept in the site's database and transactions.

``register`` and ``report`` are what a view does: each runs in one transaction with the
site's own rows (here an audit entry), so a case is stored exactly when the site's rows are.
``send_notice`` is the runner's notice handler (``YUQING_ON_NOTICE``). ``demo`` runs a short
story: ``python manage.py shell -c "import host; host.demo()"``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, User
from django.db import transaction

import yuqing_core as yq
from yuqing_core.contrib.django import DjangoStore, fire
from yuqing_core.store import OutboxEntry

CST = ZoneInfo("Asia/Shanghai")
POLICY = yq.load_policy(Path(__file__).with_name("policy.toml"))  # only a principal may dismiss
STORE = DjangoStore()  # the "default" database; it queries nothing until used


def register(case_id: str, title: str, found: datetime, user: User) -> yq.Case:
    """Register an incident and note it in the site's audit log, in one transaction."""
    incident = yq.Incident(id=case_id, title=title, discovered_at=found)
    case = POLICY.open_case(incident, at=found, actor=user.get_username())
    with transaction.atomic():
        STORE.save(case)
        LogEntry.objects.create(user=user, object_repr=case_id, action_flag=ADDITION)
    return case


def report(case_id: str, user: User, at: datetime) -> yq.Case:
    """``user`` reports the case to the business supervisor, if their roles (their groups)
    may."""
    with transaction.atomic():
        case = STORE.load(POLICY, case_id)
        fire(case, "report", user=user, at=at, role="business_supervisor")
        STORE.save(case)
    return case


def dismiss(case_id: str, user: User, at: datetime, reason: str) -> yq.Case:
    """``user`` dismisses the case (不予处理), if their roles may."""
    with transaction.atomic():
        case = STORE.load(POLICY, case_id)
        fire(case, "dismiss", user=user, at=at, reason=reason)
        STORE.save(case)
    return case


def send_notice(entry: OutboxEntry, now: datetime) -> str:
    """The runner's notice handler: send, and say to whom (here: print)."""
    print(f"notice: {entry.case_id} {entry.obligation_id} {entry.stage}")
    return "office@example.edu.cn"


def demo() -> None:
    clerk = User.objects.create_user("clerk")
    clerk.groups.add(Group.objects.create(name="handling_unit"))
    found = datetime(2025, 11, 3, 9, tzinfo=CST)
    register("YQ-7", "食堂投诉", found, clerk)
    try:
        with transaction.atomic():  # the site fails after the save: nothing is kept
            register("YQ-8", "宿舍投诉", found, clerk)
            raise RuntimeError("the site's own step failed")
    except RuntimeError:
        pass
    print("stored:", STORE.case_ids(), "audit:", LogEntry.objects.count())
    for item in STORE.due_before(datetime(2025, 11, 5, tzinfo=CST)):
        print("due:", item.case_id, item.obligation_id, item.due_at.isoformat())
    try:
        dismiss("YQ-7", clerk, datetime(2025, 11, 3, 14, tzinfo=CST), reason="不属实")
    except yq.NotPermittedError as e:
        print("refused:", e.trigger, "may be fired only by", ", ".join(e.roles))
    case = report("YQ-7", clerk, datetime(2025, 11, 3, 15, tzinfo=CST))
    print("YQ-7:", case.state, "version", STORE.version("YQ-7"))
