"""The fixed vocabulary of policies: canonical states, triggers, roles and obligation kinds.

Each is a :class:`~enum.StrEnum` whose members carry their Chinese ``label``, the way
:class:`~yuqing_core.Severity` does. Members compare equal to their string values, so
``State.REPORTED == "reported"`` and policy files, events and JSON keep plain strings.

>>> State.REPORTED.label, Trigger.FOLLOW_UP.label, Role.OFFICE.label
('上报', '续报', '领导小组办公室')
>>> ObligationKind("initial_response").label
'初步处置并回应'

An obligation's clock starts at a moment of the incident or when an anchor trigger first fires:

>>> INCIDENT_MOMENTS
('discovered', 'posted', 'opened')
>>> set(ANCHOR_TRIGGERS) <= set(TRIGGERS)
True
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal, get_args

__all__ = [
    "ACTION_TRIGGERS",
    "ADOPT_POLICY",
    "ANCHOR_TRIGGERS",
    "DEFAULT_MET_BY",
    "FINAL_STATES",
    "INCIDENT_MOMENTS",
    "OBLIGATION_ANCHORS",
    "STAGE_TRIGGERS",
    "SYSTEM_EVENTS",
    "TRIGGERS",
    "AnchorTrigger",
    "IncidentMoment",
    "ObligationAnchor",
    "ObligationKind",
    "Role",
    "State",
    "Trigger",
    "label_of",
]


class _Labelled(enum.StrEnum):
    """A string vocabulary whose members carry a Chinese label."""

    label: str

    def __new__(cls, value: str, label: str = "") -> _Labelled:
        # ``label`` has a default only so that type checkers accept ``State("reported")``,
        # the lookup by value, which does not call ``__new__``.
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    def __repr__(self) -> str:
        # Messages quote states and triggers as a policy file spells them: 'start', not
        # <Trigger.START: 'start'>.
        return repr(self.value)


class State(_Labelled):
    """The canonical stages of a case, in their order (a policy may skip some)."""

    REGISTERED = "registered", "登记受理"
    ASSESSED = "assessed", "研判"
    REPORTED = "reported", "上报"
    ASSIGNED = "assigned", "交办/批办"
    HANDLING = "handling", "办理处置"
    REPLY_DRAFTED = "reply_drafted", "拟定答复"
    REPLY_APPROVED = "reply_approved", "审定"
    RESPONDED = "responded", "回应/发布"
    TRACKING = "tracking", "动态跟踪"
    STABILIZED = "stabilized", "平息"
    REVIEWED = "reviewed", "总结评估"
    ARCHIVED = "archived", "归档"
    DISMISSED = "dismissed", "不予处理"


class Trigger(_Labelled):
    """Every command a case accepts: ``open``, the stage triggers, then the actions."""

    OPEN = "open", "登记"
    ASSESS = "assess", "研判"
    REPORT = "report", "上报"
    ASSIGN = "assign", "交办/批办"
    START = "start", "办理处置"
    DRAFT_REPLY = "draft_reply", "拟定答复"
    APPROVE_REPLY = "approve_reply", "审定"
    RESPOND = "respond", "回应/发布"
    TRACK = "track", "动态跟踪"
    STABILIZE = "stabilize", "平息"
    REVIEW = "review", "总结评估"
    ARCHIVE = "archive", "归档"
    DISMISS = "dismiss", "不予处理"
    ESCALATE = "escalate", "升级"
    DOWNGRADE = "downgrade", "降级"
    UPDATE_METRICS = "update_metrics", "更新数据"
    EXTEND = "extend", "延期"
    SUPERVISE = "supervise", "督办"
    FOLLOW_UP = "follow_up", "续报"
    REFER = "refer", "移交执法部门"
    REOPEN = "reopen", "重新办理"
    ACKNOWLEDGE = "acknowledge", "确认收到"
    PAUSE = "pause", "暂停计时"
    RESUME = "resume", "恢复计时"
    CONCLUDE = "conclude", "办结"
    WAIVE = "waive", "免除义务"


class Role(_Labelled):
    """The canonical roles. Policies may add their own (with their own labels)."""

    MONITOR = "monitor", "监测员"
    BUSINESS_SUPERVISOR = "business_supervisor", "业务主管部门"
    PRINCIPAL_LEADER = "principal_leader", "主要领导"
    LEADER_IN_CHARGE = "leader_in_charge", "分管领导"
    OFFICE = "office", "领导小组办公室"
    LEADING_GROUP = "leading_group", "领导小组"
    SPOKESPERSON = "spokesperson", "新闻发言人"
    HANDLING_UNIT = "handling_unit", "责任单位"
    PUBLICITY_DEPT = "publicity_dept", "宣传部门"
    PARTY_BRANCH = "party_branch", "党支部"
    SUPERIOR = "superior", "上级部门"
    LAW_ENFORCEMENT = "law_enforcement", "执法部门"


class ObligationKind(_Labelled):
    """What an obligation owes. ``initial_response`` is the public response (回应);
    ``reply`` the answer carrying the handling result (答复)."""

    REPORT = "report", "报告"
    FORWARD = "forward", "转办"
    INITIAL_RESPONSE = "initial_response", "初步处置并回应"
    REPLY = "reply", "答复"
    HANDLING_REPORT = "handling_report", "办理情况报告"
    FEEDBACK = "feedback", "反馈"
    SPECIAL_REPORT = "special_report", "专报"
    FOLLOW_UP = "follow_up", "续报"
    SUMMARY = "summary", "总结报告"
    NOTIFY = "notify", "通知"


# The tables below hold plain strings, the form states and triggers take in events, JSON
# and the ``transitions`` machine (which would name Enum states by their member names).

FINAL_STATES: Final[frozenset[str]] = frozenset({State.ARCHIVED.value, State.DISMISSED.value})

STAGE_TRIGGERS: Final[Mapping[str, str]] = MappingProxyType(
    {
        trigger.value: state.value
        for trigger, state in (
            (Trigger.ASSESS, State.ASSESSED),
            (Trigger.REPORT, State.REPORTED),
            (Trigger.ASSIGN, State.ASSIGNED),
            (Trigger.START, State.HANDLING),
            (Trigger.DRAFT_REPLY, State.REPLY_DRAFTED),
            (Trigger.APPROVE_REPLY, State.REPLY_APPROVED),
            (Trigger.RESPOND, State.RESPONDED),
            (Trigger.TRACK, State.TRACKING),
            (Trigger.STABILIZE, State.STABILIZED),
            (Trigger.REVIEW, State.REVIEWED),
            (Trigger.ARCHIVE, State.ARCHIVED),
            (Trigger.DISMISS, State.DISMISSED),
        )
    }
)
"""Triggers that move a case to a stage, and the stage they move it to."""

ACTION_TRIGGERS: Final[tuple[str, ...]] = tuple(
    t.value for t in Trigger if t is not Trigger.OPEN and t.value not in STAGE_TRIGGERS
)
"""Triggers that act on a case without a forward stage change (``reopen`` loops back)."""

TRIGGERS: Final[tuple[str, ...]] = (*STAGE_TRIGGERS, *ACTION_TRIGGERS)
"""Every trigger :meth:`Case.fire` accepts (``open`` is :meth:`Policy.open_case`)."""

ADOPT_POLICY: Final = "adopt_policy"
"""The event a case records when it adopts another version of its policy: not a trigger
:meth:`Case.fire` takes, but :meth:`Case.adopt` (and ``store.reindex``). Its data are the
fingerprints ``from`` and ``to``."""

SYSTEM_EVENTS: Final[Mapping[str, str]] = MappingProxyType({ADOPT_POLICY: "采用新版制度"})
"""Events the library records that are not commands, with their Chinese labels."""

DEFAULT_MET_BY: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        kind.value: (trigger.value,)
        for kind, trigger in (
            (ObligationKind.REPORT, Trigger.REPORT),
            (ObligationKind.FORWARD, Trigger.ASSIGN),
            (ObligationKind.INITIAL_RESPONSE, Trigger.RESPOND),
            (ObligationKind.REPLY, Trigger.RESPOND),
            (ObligationKind.HANDLING_REPORT, Trigger.REPORT),
            (ObligationKind.FEEDBACK, Trigger.REPORT),
            (ObligationKind.SPECIAL_REPORT, Trigger.REPORT),
            (ObligationKind.FOLLOW_UP, Trigger.FOLLOW_UP),
            (ObligationKind.SUMMARY, Trigger.REVIEW),
            (ObligationKind.NOTIFY, Trigger.ACKNOWLEDGE),
        )
    }
)
"""Which trigger meets an obligation of each kind, unless the policy says otherwise."""


def label_of(vocabulary: type[_Labelled], value: str) -> str:
    """The Chinese label of ``value`` in ``vocabulary``, or ``""`` when it is not a member.

    >>> label_of(State, "archived"), label_of(Role, "dean")
    ('归档', '')
    """
    try:
        return vocabulary(value).label
    except ValueError:
        return ""


# Anchors: when a deadline's clock starts. They are Literal types rather than enums so that a
# policy's ``anchor`` stays a plain string in the schema, its messages and its JSON schema.

IncidentMoment = Literal["discovered", "posted", "opened"]
"""A moment of the incident a clock may start from: its discovery, its posting (the discovery
when the posting time is unknown), or the opening of the case."""

AnchorTrigger = Literal[
    "assess",
    "report",
    "assign",
    "start",
    "draft_reply",
    "approve_reply",
    "respond",
    "track",
    "stabilize",
    "review",
    "escalate",
    "refer",
    "reopen",
    "conclude",
]
"""A trigger whose first (or, with ``anchor_firing = "latest"``, latest) firing on a case may
start an obligation's clock."""

ObligationAnchor = Literal[IncidentMoment, AnchorTrigger]
"""What an obligation's ``anchor`` may be: an incident moment or an anchor trigger."""

INCIDENT_MOMENTS: Final[tuple[str, ...]] = get_args(IncidentMoment)
"""The values of :data:`IncidentMoment` (also what a ladder's ``anchor`` may be)."""

ANCHOR_TRIGGERS: Final[tuple[str, ...]] = get_args(AnchorTrigger)
"""The values of :data:`AnchorTrigger`, each one of :data:`TRIGGERS`."""

OBLIGATION_ANCHORS: Final[tuple[str, ...]] = (*INCIDENT_MOMENTS, *ANCHOR_TRIGGERS)
"""The values of :data:`ObligationAnchor`, incident moments first."""
