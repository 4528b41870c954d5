"""The fixed vocabulary of policies: canonical states, triggers, roles and obligation kinds."""

from __future__ import annotations

from typing import Final, Literal

__all__ = [
    "ACTION_TRIGGERS",
    "CANONICAL_ROLES",
    "CANONICAL_STATES",
    "FINAL_STATES",
    "OBLIGATION_KINDS",
    "STAGE_TRIGGERS",
    "TRIGGERS",
    "ObligationKind",
    "StateName",
    "TriggerName",
]

StateName = Literal[
    "registered",
    "assessed",
    "reported",
    "assigned",
    "handling",
    "reply_drafted",
    "reply_approved",
    "responded",
    "tracking",
    "stabilized",
    "reviewed",
    "archived",
    "dismissed",
]

CANONICAL_STATES: Final[dict[str, str]] = {
    "registered": "登记受理",
    "assessed": "研判",
    "reported": "上报",
    "assigned": "交办/批办",
    "handling": "办理处置",
    "reply_drafted": "拟定答复",
    "reply_approved": "审定",
    "responded": "回应/发布",
    "tracking": "动态跟踪",
    "stabilized": "平息",
    "reviewed": "总结评估",
    "archived": "归档",
    "dismissed": "不予处理",
}
"""The canonical stages in their order, with Chinese names."""

FINAL_STATES: Final = frozenset({"archived", "dismissed"})

STAGE_TRIGGERS: Final[dict[str, str]] = {
    "assess": "assessed",
    "report": "reported",
    "assign": "assigned",
    "start": "handling",
    "draft_reply": "reply_drafted",
    "approve_reply": "reply_approved",
    "respond": "responded",
    "track": "tracking",
    "stabilize": "stabilized",
    "review": "reviewed",
    "archive": "archived",
    "dismiss": "dismissed",
}
"""Triggers that move a case to a stage, and the stage they move it to."""

ACTION_TRIGGERS: Final[dict[str, str]] = {
    "escalate": "升级",
    "downgrade": "降级",
    "update_metrics": "更新数据",
    "extend": "延期",
    "supervise": "督办",
    "follow_up": "续报",
    "refer": "移交执法部门",
    "reopen": "重新办理",
    "acknowledge": "确认收到",
    "pause": "暂停计时",
    "resume": "恢复计时",
}
"""Triggers that act on a case without a forward stage change (``reopen`` loops back)."""

TriggerName = Literal[
    "open",
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
    "archive",
    "dismiss",
    "escalate",
    "downgrade",
    "update_metrics",
    "extend",
    "supervise",
    "follow_up",
    "refer",
    "reopen",
    "acknowledge",
    "pause",
    "resume",
]

TRIGGERS: Final = (*STAGE_TRIGGERS, *ACTION_TRIGGERS)

CANONICAL_ROLES: Final[dict[str, str]] = {
    "monitor": "监测员",
    "business_supervisor": "业务主管部门",
    "principal_leader": "主要领导",
    "leader_in_charge": "分管领导",
    "office": "领导小组办公室",
    "leading_group": "领导小组",
    "spokesperson": "新闻发言人",
    "handling_unit": "责任单位",
    "publicity_dept": "宣传部门",
    "party_branch": "党支部",
    "superior": "上级部门",
    "law_enforcement": "执法部门",
}

ObligationKind = Literal[
    "report",
    "forward",
    "initial_response",
    "reply",
    "handling_report",
    "feedback",
    "special_report",
    "follow_up",
    "summary",
    "notify",
]

OBLIGATION_KINDS: Final[dict[str, str]] = {
    "report": "报告",
    "forward": "转办",
    "initial_response": "初步处置并回应",
    "reply": "答复",
    "handling_report": "办理情况报告",
    "feedback": "反馈",
    "special_report": "专报",
    "follow_up": "续报",
    "summary": "总结报告",
    "notify": "通知",
}

DEFAULT_MET_BY: Final[dict[str, tuple[str, ...]]] = {
    "report": ("report",),
    "forward": ("assign",),
    "initial_response": ("respond",),
    "reply": ("respond",),
    "handling_report": ("report",),
    "feedback": ("report",),
    "special_report": ("report",),
    "follow_up": ("follow_up",),
    "summary": ("review",),
    "notify": ("acknowledge",),
}
"""Which trigger meets an obligation of each kind, unless the policy says otherwise."""
