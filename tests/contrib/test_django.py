"""The Django app on SQLite (pytest-django's test database, made by the app's migrations).

Cases live in the host's database and transactions: a save inside a host's ``atomic`` block
commits or rolls back with the host's rows. school-tiered, found Monday 3 Nov 2025 09:00: the
report to the business supervisor is owed within 1 working day, by the end of Tuesday 4 Nov
(2025-11-05T00:00+08:00).
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client

import yuqing_core as yq
from tests.contrib.conftest import CST, FOUND, NOW
from yuqing_core.contrib.django import DjangoStore, allowed_triggers, fire, roles_of
from yuqing_core.contrib.django.models import StoredCase
from yuqing_core.render.timeline import render
from yuqing_core.store import Position
from yuqing_core.store.schema import SCHEMA_VERSION

pytestmark = pytest.mark.django_db

REPORT_DUE = datetime(2025, 11, 5, 0, 0, tzinfo=CST)
ACTOR = "monitor-zhang"
"""Who recorded the events: personal data, which the admin shows only when asked to."""


def _open(policy: yq.Policy, case_id: str = "YQ-7") -> yq.Case:
    incident = yq.Incident(id=case_id, title="食堂投诉", discovered_at=FOUND)
    return policy.open_case(incident, at=FOUND, actor=ACTOR)


@pytest.fixture
def store() -> DjangoStore:
    return DjangoStore()


def test_the_migrations_make_the_store_tables_and_match_the_models() -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT value FROM yq_meta WHERE key = 'schema_version'")
        assert cur.fetchone() == (str(SCHEMA_VERSION),)
    out = StringIO()
    call_command("makemigrations", "yuqing_core", "--check", "--dry-run", stdout=out)
    assert out.getvalue() == "No changes detected in app 'yuqing_core'\n"


def test_a_case_saved_through_django_is_loaded_indexed_and_listed(
    store: DjangoStore, tiered: yq.Policy
) -> None:
    case = _open(tiered)
    assert store.save(case) == 1
    assert store.load(tiered, "YQ-7") == case
    due = store.due_before(FOUND + timedelta(days=2))
    assert [(d.case_id, d.obligation_id, d.role, d.due_at) for d in due] == [
        ("YQ-7", "general-report", "business_supervisor", REPORT_DUE)
    ]
    row = StoredCase.objects.get(case_id="YQ-7")
    assert (row.policy, row.version, row.state, row.severity) == (
        "school-tiered",
        1,
        "registered",
        "general",
    )
    assert repr(store) == "<DjangoStore 'default'>"


def test_the_model_writes_nothing(store: DjangoStore, tiered: yq.Policy) -> None:
    store.save(_open(tiered))
    row = StoredCase.objects.get(case_id="YQ-7")
    row.state = "archived"
    with pytest.raises(yq.StoreError, match=r"yq_cases is read only through Django \(save "):
        row.save()
    with pytest.raises(yq.StoreError, match=r"\(delete refused\)"):
        row.delete()
    with pytest.raises(yq.StoreError, match=r"\(update refused\)"):
        StoredCase.objects.filter(case_id="YQ-7").update(state="archived")
    with pytest.raises(yq.StoreError, match=r"\(delete refused\)"):
        StoredCase.objects.all().delete()
    with pytest.raises(yq.StoreError, match=r"\(bulk_create refused\)"):
        StoredCase.objects.bulk_create([row])
    assert store.load(tiered, "YQ-7").state == "registered"


def test_a_save_in_a_host_transaction_that_rolls_back_stores_nothing(
    store: DjangoStore, tiered: yq.Policy
) -> None:
    case = _open(tiered)

    def host_work() -> None:
        with transaction.atomic():
            User.objects.create(username="host-row")
            store.save(case)
            assert "YQ-7" in store  # visible inside the transaction
            raise RuntimeError("the host changed its mind")

    with pytest.raises(RuntimeError, match="the host changed its mind"):
        host_work()
    assert "YQ-7" not in store
    assert list(StoredCase.objects.all()) == []
    assert not User.objects.filter(username="host-row").exists()
    # The store remembers the version it saved: the same object is refused, nothing written.
    with pytest.raises(yq.ConflictError, match=r"holds version 0, but this case was loaded at"):
        store.save(case)
    assert len(store) == 0
    assert store.save(_open(tiered)) == 1


def test_a_save_in_a_host_transaction_commits_with_the_host_rows(
    store: DjangoStore, tiered: yq.Policy
) -> None:
    with transaction.atomic():
        User.objects.create(username="host-row")
        store.save(_open(tiered))
    assert store.version("YQ-7") == 1
    assert User.objects.filter(username="host-row").exists()


def test_a_conflict_writes_nothing_and_leaves_the_host_transaction_usable(
    store: DjangoStore, tiered: yq.Policy
) -> None:
    store.save(_open(tiered))
    first, second = store.load(tiered, "YQ-7"), store.load(tiered, "YQ-7")
    first.fire("report", at=FOUND + timedelta(hours=1), actor=ACTOR)
    second.fire("report", at=FOUND + timedelta(hours=2), actor=ACTOR)
    with transaction.atomic():
        assert store.save(first) == 1
        with pytest.raises(yq.ConflictError, match=r"'YQ-7': the store holds version 2"):
            store.save(second)
        User.objects.create(username="after-the-conflict")
    assert store.version("YQ-7") == 2
    assert store.load(tiered, "YQ-7") == first
    assert User.objects.filter(username="after-the-conflict").exists()
    with pytest.raises(yq.DuplicateCaseError, match="'YQ-7' is already in the store"):
        store.save(_open(tiered))


def test_the_global_order_is_sqlite_s(store: DjangoStore, tiered: yq.Policy) -> None:
    case = _open(tiered)
    case.fire("report", at=FOUND + timedelta(hours=1), actor=ACTOR, role="business_supervisor")
    store.save(case)
    assert [(e.position, e.seq, e.event.trigger) for e in store.events_after()] == [
        (Position(0, 1), 1, "open"),
        (Position(0, 2), 2, "report"),
    ]
    with pytest.raises(yq.StoreError, match=r"Django database 'default': .* is not a position of"):
        store.events_after(Position(7, 1))


def test_tables_of_another_schema_are_refused_saying_what_to_do(tiered: yq.Policy) -> None:
    with connection.cursor() as cur:
        cur.execute("UPDATE yq_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(yq.StoreError, match=r"newer yuqing_core \(schema 99; this version"):
        DjangoStore().save(_open(tiered))
    with connection.cursor() as cur:
        cur.execute("UPDATE yq_meta SET value = '3' WHERE key = 'schema_version'")
    with pytest.raises(
        yq.StoreError, match=rf"schema 3, this yuqing_core needs {SCHEMA_VERSION}; run"
    ):
        DjangoStore().case_ids()


def test_an_unknown_alias_is_a_store_error() -> None:
    with pytest.raises(yq.StoreError, match="Django has no database 'elsewhere' in DATABASES"):
        DjangoStore("elsewhere")


# -- the admin -------------------------------------------------------------------------------


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_admin_lists_cases_and_shows_the_timeline_and_accountability(
    admin_client: Client, store: DjangoStore, tiered: yq.Policy, host_clock: datetime
) -> None:
    store.save(_open(tiered))
    listing = _page(admin_client, "/admin/yuqing_core/storedcase/")
    assert "YQ-7" in listing
    assert "school-tiered" in listing
    page = _page(admin_client, "/admin/yuqing_core/storedcase/YQ-7/change/")
    case = store.load(tiered, "YQ-7")
    assert html.escape(render(case, NOW), quote=True) in page
    # Nothing is late or missed at 4 Nov 10:00: the report is due at the end of the day.
    assert "（无逾期或未办）" in page
    assert ACTOR not in page  # personal data only when asked for


def test_the_admin_charges_a_missed_report(
    admin_client: Client, store: DjangoStore, tiered: yq.Policy, settings: Any
) -> None:
    store.save(_open(tiered))
    settings.YUQING_CLOCK = lambda: REPORT_DUE + timedelta(hours=1)
    page = _page(admin_client, "/admin/yuqing_core/storedcase/YQ-7/change/")
    assert "YQ-7 general-report（" in page
    assert "时限 2025-11-05 00:00，未办" in page


def test_the_admin_shows_who_recorded_events_only_when_asked(
    admin_client: Client, store: DjangoStore, tiered: yq.Policy, settings: Any, host_clock: Any
) -> None:
    store.save(_open(tiered))
    settings.YUQING_ADMIN_PERSONAL = True
    page = _page(admin_client, "/admin/yuqing_core/storedcase/YQ-7/change/")
    assert f"  1  2025-11-03 09:00  open             {ACTOR}" in page


def test_the_admin_is_read_only(
    admin_client: Client, store: DjangoStore, tiered: yq.Policy, host_clock: datetime
) -> None:
    store.save(_open(tiered))
    base = "/admin/yuqing_core/storedcase/"
    assert admin_client.post(f"{base}YQ-7/change/", {"state": "closed"}).status_code == 403
    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.post(f"{base}YQ-7/delete/", {"post": "yes"}).status_code == 403
    assert store.load(tiered, "YQ-7").state == "registered"
    assert store.version("YQ-7") == 1


def test_a_staff_user_needs_the_view_permission(
    client: Client, store: DjangoStore, tiered: yq.Policy, host_clock: datetime
) -> None:
    store.save(_open(tiered))
    user = User.objects.create_user("reader", password="pw", is_staff=True)
    client.force_login(user)
    url = "/admin/yuqing_core/storedcase/YQ-7/change/"
    assert client.get(url).status_code == 403
    assert sorted(Permission.objects.filter(content_type__app_label="yuqing_core").values_list(
        "codename", flat=True
    )) == ["view_storedcase"]  # fmt: skip
    user.user_permissions.add(Permission.objects.get(codename="view_storedcase"))
    client.force_login(User.objects.get(pk=user.pk))
    assert client.get(url).status_code == 200


# -- the management command ------------------------------------------------------------------


def test_yuqing_run_once_hands_what_is_due_to_the_host(
    store: DjangoStore, tiered: yq.Policy, settings: Any
) -> None:
    store.save(_open(tiered))
    handled: list[tuple[str, str, datetime, datetime]] = []
    settings.YUQING_ON_DUE = lambda item, now: handled.append(
        (item.case_id, item.obligation_id, item.due_at, now)
    )
    at = REPORT_DUE.isoformat()
    out = StringIO()
    call_command("yuqing_run", "--once", "--at", at, stdout=out)
    assert handled == [("YQ-7", "general-report", REPORT_DUE, REPORT_DUE)]
    assert out.getvalue() == "due 1 done, 0 failed; notices 0 sent, 0 failed\n"
    out = StringIO()
    call_command("yuqing_run", "--once", "--at", at, stdout=out)  # acked: not again
    assert out.getvalue() == "due 0 done, 0 failed; notices 0 sent, 0 failed\n"


def test_yuqing_run_once_sends_the_notices_and_records_them(
    store: DjangoStore, tiered: yq.Policy, settings: Any, host_clock: datetime
) -> None:
    store.save(_open(tiered))
    settings.YUQING_ON_NOTICE = "tests.contrib.handlers.send"
    out = StringIO()
    call_command("yuqing_run", "--once", stdout=out)  # at the host's clock: 4 Nov 10:00
    sent = [(e.obligation_id, e.stage, e.sent_to) for e in store.outbox("YQ-7") if e.sent_at]
    # Both clocks started at the opening (3 Nov 09:00): their start notices are sendable; the
    # report's due-soon notice (4 Nov 14:15) is not yet, nor anything due.
    assert sent == [
        ("general-report", "start", "office@example.org"),
        ("general-response", "start", "office@example.org"),
    ]
    assert out.getvalue() == "due 0 done, 0 failed; notices 2 sent, 0 failed\n"


def test_yuqing_run_refuses_what_it_cannot_do(settings: Any) -> None:
    with pytest.raises(CommandError, match="set YUQING_ON_DUE or YUQING_ON_NOTICE"):
        call_command("yuqing_run", "--once")
    settings.YUQING_ON_DUE = lambda item, now: None
    with pytest.raises(CommandError, match="--at is the instant of one drain: give --once"):
        call_command("yuqing_run", "--at", "2025-11-05T00:00+08:00")
    with pytest.raises(CommandError, match="now: 2025-11-05T00:00:00 has no time zone"):
        call_command("yuqing_run", "--once", "--at", "2025-11-05T00:00")
    with pytest.raises(CommandError, match="Django has no database 'nowhere'"):
        call_command("yuqing_run", "--once", "--database", "nowhere")


# -- the permission hook ---------------------------------------------------------------------

PERMITTED = """
name = "permitted"
extends = "school-tiered"

[workflow.permissions]
dismiss = ["principal_leader"]
"""


@pytest.fixture
def permitted(tmp_policy: Any) -> yq.Policy:
    return yq.load_policy(tmp_policy("permitted.toml", PERMITTED))


def _member(name: str, *groups: str) -> User:
    user = User.objects.create_user(name)
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def test_a_user_fires_what_their_groups_allow(permitted: yq.Policy) -> None:
    clerk, principal = _member("clerk", "handling_unit"), _member("head", "principal_leader")
    case = _open(permitted)
    with pytest.raises(yq.NotPermittedError) as refused:
        fire(case, "dismiss", user=clerk, at=FOUND + timedelta(hours=1), reason="不属实")
    assert str(refused.value).startswith(
        "dismiss may be fired only by principal_leader (the caller's roles: handling_unit)"
    )
    assert (case.version, case.state) == (1, "registered")
    assert "dismiss" not in allowed_triggers(case, user=clerk)
    assert "dismiss" in allowed_triggers(case, user=principal)
    event = fire(case, "dismiss", user=principal, at=FOUND + timedelta(hours=2), reason="不属实")
    assert (event.trigger, event.actor, case.state) == ("dismiss", "head", "dismissed")


def test_a_trigger_no_permission_names_is_anyone_s(permitted: yq.Policy) -> None:
    case = _open(permitted)
    fire(case, "report", user=_member("nobody"), at=FOUND, actor="监测员", role="office")
    assert (case.events[-1].actor, case.state) == ("监测员", "reported")


def test_yuqing_roles_names_the_host_s_own_rule(permitted: yq.Policy, settings: Any) -> None:
    settings.YUQING_ROLES = "tests.contrib.handlers.staff_roles"
    staff = User.objects.create_user("staff", is_staff=True)
    assert roles_of(staff) == frozenset({"principal_leader"})
    assert roles_of(_member("clerk", "principal_leader")) == frozenset()  # groups not asked
    settings.YUQING_ROLES = lambda user: "principal_leader"
    with pytest.raises(ImproperlyConfigured, match="YUQING_ROLES returned one text"):
        roles_of(staff)
    settings.YUQING_ROLES = "tests.contrib.handlers.nowhere"
    with pytest.raises(ImproperlyConfigured, match="YUQING_ROLES: cannot import"):
        roles_of(staff)


def test_a_group_holds_no_role_for_an_inactive_user() -> None:
    user = _member("clerk", "handling_unit")
    assert roles_of(user) == frozenset({"handling_unit"})
    user.is_active = False
    assert roles_of(user) == frozenset()


# -- the duty roster lives in the host's database too (app migration 0002) --------------------

WEEKLY = yq.load_policy(
    {
        "name": "roster",
        "title": "某校舆情值班",
        "monitoring": [
            {
                "id": "weekly-report",
                "rule": "本校第9条",
                "kind": "report",
                "role": "office",
                "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0",
                "on_rest_day": "next_working_day",
            }
        ],
    }
)


def test_the_duty_roster_is_kept_in_the_host_database(store: DjangoStore) -> None:
    # Started Mon 21 Sep 2026: Mon 28 Sep 10:00 is owed, Mon 5 Oct is in the National Day rest
    # (1-7 Oct 2026), so that week's report moves to the next working day, Thu 8 Oct 10:00.
    start = datetime(2026, 9, 21, 0, 0, tzinfo=CST)
    assert store.start_roster(WEEKLY, at=start) == start
    store.fulfil_duty(WEEKLY, "weekly-report", at=start + timedelta(hours=9), actor=ACTOR)
    due = store.due_before(datetime(2026, 10, 9, 0, 0, tzinfo=CST))
    assert [(d.case_id, d.obligation_id, d.due_at) for d in due] == [
        ("", "weekly-report", datetime(2026, 9, 28, 10, 0, tzinfo=CST)),
        ("", "weekly-report", datetime(2026, 10, 8, 10, 0, tzinfo=CST)),
    ]
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM yq_rosters")
        assert cur.fetchone() == (1,)
