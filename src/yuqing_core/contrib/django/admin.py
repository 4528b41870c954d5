"""The read-only admin of cases (案件管理页，只读): ``StoredCaseAdmin``.

The list shows the rows of ``yq_cases`` (policy, state, severity, unit, version); a case's page
shows its timeline (:func:`yuqing_core.render.timeline.render`) and its accountability
(:func:`yuqing_core.accountability.accountability`, rendered by
:func:`~yuqing_core.render.accountability.render_accountability_markdown`) as of the host's
clock (``YUQING_CLOCK``), loaded under the policy version the case follows, which the store
keeps. Nothing can be added, changed or deleted: the record is the events, written only by a
store's ``save`` (a POST is refused, 403). Who recorded each event (personal data) is shown
only with ``YUQING_ADMIN_PERSONAL = True``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from ...accountability import accountability
from ...errors import YuqingError
from ...render.accountability import render_accountability_markdown
from ...render.timeline import render
from ...workflow.case import Case
from . import conf
from .models import StoredCase
from .store import DjangoStore

__all__ = ["StoredCaseAdmin", "load_stored"]


def load_stored(row: StoredCase) -> Case:
    """The case of ``row``, under the policy version it follows (kept by the store); loaded
    once per row object."""
    loaded = row.__dict__.get("_yuqing_case")
    if isinstance(loaded, Case):
        return loaded
    store = DjangoStore(row._state.db or conf.database())
    versions = store.policy_versions(row.policy)
    chosen = next((v for v in versions if v.fingerprint == row.fingerprint), None)
    if chosen is None and versions:
        chosen = versions[-1]  # a case saved before versions were recorded
    if chosen is None:
        raise YuqingError(f"case {row.case_id!r}: the store keeps no version of {row.policy!r}")
    case = row.__dict__["_yuqing_case"] = store.load(chosen.policy, row.case_id, as_recorded=True)
    return case


if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[StoredCase]
else:  # ModelAdmin is generic for the type checker only (django-stubs)
    _ModelAdmin = admin.ModelAdmin


def _pre(text: str) -> str:
    return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


@admin.register(StoredCase)
class StoredCaseAdmin(_ModelAdmin):
    """Cases, read only: the list, and each case's timeline and accountability."""

    list_display = ("case_id", "policy", "state", "severity", "unit", "version", "updated_at")
    list_filter = ("policy", "state", "severity")
    search_fields = ("case_id",)
    actions = None
    readonly_fields = ("timeline", "accountability", "events")
    fields = (
        ("case_id", "policy", "version"),
        ("state", "severity", "unit"),
        "updated_at",
        "timeline",
        "accountability",
    )

    def get_fields(self, request: HttpRequest, obj: StoredCase | None = None) -> Any:
        return [*self.fields, "events"] if conf.personal() else list(self.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StoredCase | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: StoredCase | None = None) -> bool:
        return False

    @admin.display(description="时间线 timeline")
    def timeline(self, row: StoredCase) -> str:
        try:
            case = load_stored(row)
        except YuqingError as e:
            return _pre(f"无法载入 cannot load: {e}")
        return _pre(render(case, conf.now()))

    @admin.display(description="追责 accountability")
    def accountability(self, row: StoredCase) -> str:
        try:
            case = load_stored(row)
        except YuqingError as e:
            return _pre(f"无法载入 cannot load: {e}")
        now = conf.now()
        start = case.events[0].at
        # Everything due from the opening on; nothing due after now can be late or missed.
        rows = accountability([case], start, max(now, start) + timedelta(seconds=1), now=now)
        return _pre(render_accountability_markdown(rows))

    @admin.display(description="事件与记录人 events and who recorded them")
    def events(self, row: StoredCase) -> str:
        case = load_stored(row)
        cal = case.policy.calendar
        lines = [f"{n:>3}  {cal.local(e.at):%Y-%m-%d %H:%M}  {e.trigger:<16} {e.actor}"
                 for n, e in enumerate(case.events, 1)]  # fmt: skip
        return _pre("\n".join(lines))
