"""The policy versions a case follows (制度版本): pinned at opening, changed only on request.

:meth:`Case.open <yuqing_core.Case.open>` records the fingerprint of the policy
(:attr:`PolicyData.fingerprint <yuqing_core.policy.PolicyData.fingerprint>`) in the ``open``
event; :meth:`Case.adopt <yuqing_core.Case.adopt>` records an ``adopt_policy`` event with the
fingerprints ``from`` and ``to``. The record itself so says which version each event was
recorded under, and a replay checks each event under that version. Here: the checks of an
adoption, the event it records, the versions a replay is given (:class:`VersionBook`), and
the errors of a version that differs or is missing (:class:`~yuqing_core.PolicyVersionError`).

A case recorded before fingerprints were recorded (an ``open`` event without one) follows
the version named by its first adoption, if any, or else the policy it is replayed with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TypeGuard

from ..errors import PolicyVersionError
from ..model import CaseState, Event
from ..model.vocab import ADOPT_POLICY
from ..policy.data import FINGERPRINT, short_fingerprint
from ..policy.data import PolicyData as Policy
from .machine import workflow_for
from .replay import shown

__all__ = [
    "ADOPT_KEYS",
    "VersionBook",
    "adopt_data_problem",
    "adopt_event",
    "adoption_problem",
    "followed",
    "is_fingerprint",
    "recorded_fingerprints",
    "version_error",
]

ADOPT_KEYS = ("from", "to")
"""The data of an ``adopt_policy`` event: the fingerprints of the old and the new version."""


def is_fingerprint(value: object) -> TypeGuard[str]:
    """Whether ``value`` is a policy fingerprint (``sha256:`` and 64 hex digits)."""
    return isinstance(value, str) and FINGERPRINT.fullmatch(value) is not None


def version_error(case_id: str | None, follows: Policy, given: Policy) -> PolicyVersionError:
    """The error for case ``case_id``, which follows ``follows``, loaded with ``given``."""
    name = "case (id unknown)" if case_id is None else f"case {case_id!r}"
    return PolicyVersionError(
        f"{name} follows version {short_fingerprint(follows.fingerprint)} of policy "
        f"{follows.name!r}, not the version given ({short_fingerprint(given.fingerprint)}); "
        "to move it to the version given, opt in with adopt_at=<instant> (an adopt_policy "
        "event: outcomes settled by then stay as they were, open obligations follow the new "
        "version), or load it with the version it follows (store.load(..., as_recorded=True), "
        f"store.policy_versions({follows.name!r}))",
        case_id=case_id,
        recorded=follows.fingerprint,
        given=given.fingerprint,
    )


def adoption_problem(current: Policy, state: CaseState, policy: object, at: datetime) -> str | None:
    """Why a case that follows ``current`` and stands at ``state`` cannot adopt ``policy`` at
    ``at``: not a policy, another policy's name, the version it follows already, a level or
    stage of the case that version does not have, or an instant before the last event."""
    if not isinstance(policy, Policy):
        return f"adopt needs a Policy, not a {type(policy).__name__}"
    if policy.name != current.name:
        return (
            f"the case follows policy {current.name!r}; it cannot adopt policy "
            f"{policy.name!r} (only another version of its own)"
        )
    if policy.fingerprint == current.fingerprint:
        return f"the case already follows version {short_fingerprint(policy.fingerprint)}"
    if state.severity not in policy.severities:
        return (
            f"the case is at level {state.severity.key}, which version "
            f"{short_fingerprint(policy.fingerprint)} does not have"
        )
    if state.state not in workflow_for(policy).states:
        return (
            f"the case is at stage {state.state!r}, which version "
            f"{short_fingerprint(policy.fingerprint)} does not have"
        )
    if at < state.last_at:
        return (
            f"adopt at {at.isoformat()} is before the last event ({state.last_at.isoformat()}); "
            "events are recorded in time order"
        )
    return None


def adopt_event(current: Policy, policy: Policy, at: datetime, actor: str) -> Event:
    """The ``adopt_policy`` event of a case moving from ``current`` to ``policy`` at ``at``."""
    return Event(ADOPT_POLICY, at, actor, {"from": current.fingerprint, "to": policy.fingerprint})


def adopt_data_problem(event: Event, current: Policy) -> str | None:
    """Why ``event`` is not the ``adopt_policy`` event :meth:`Case.adopt` records for a case
    that follows ``current`` (its actor, its keys, the fingerprints it names)."""
    actor = event.actor
    if not isinstance(actor, str) or not actor.strip():
        return "the actor must be a non-empty string naming who acted"
    data = event.data
    unknown = sorted((k for k in data if k not in ADOPT_KEYS), key=str)
    if unknown:
        return f"{ADOPT_POLICY} takes no {shown(unknown[0])}"
    for key in ADOPT_KEYS:
        if not is_fingerprint(data.get(key)):
            return f"data.{key}: not a policy fingerprint (sha256: and 64 hex digits)"
    if data["from"] != current.fingerprint:
        return (
            f"data.from: the case follows version {short_fingerprint(current.fingerprint)} "
            f"at this point, not {short_fingerprint(data['from'])}"
        )
    if data["to"] == data["from"]:
        return "data.to: the same version as data.from"
    return None


_NAMING = frozenset({"open", ADOPT_POLICY})
"""The triggers whose events name a policy version."""


def recorded_fingerprints(events: Iterable[object]) -> set[str]:
    """Every fingerprint the events name (the ``open`` event's, each adoption's ``from`` and
    ``to``): the versions a replay of them may need."""
    out: set[str] = set()
    for event in events:
        if not isinstance(event, Event):
            continue
        trigger = event.trigger
        if trigger not in _NAMING:
            continue  # most events: one set lookup
        keys: Sequence[str] = ("fingerprint",) if trigger == "open" else ADOPT_KEYS
        if not isinstance(event.data, Mapping):
            continue
        out.update(v for v in (event.data.get(k) for k in keys) if is_fingerprint(v))
    return out


def followed(events: Sequence[object]) -> str | None:
    """The fingerprint of the version the events say the case follows after the last of them:
    the last adoption's ``to``, else the ``open`` event's; ``None`` if they name none (a case
    recorded before fingerprints, or a fingerprint that is malformed)."""
    for event in reversed(events):
        if not isinstance(event, Event) or event.trigger not in _NAMING:
            continue
        if not isinstance(event.data, Mapping):
            continue
        if event.trigger == ADOPT_POLICY:
            value = event.data.get("to")
        else:
            value = event.data.get("fingerprint")
        return value if is_fingerprint(value) else None
    return None


class VersionBook:
    """The policy versions a replay may use, by fingerprint: the policy it is replayed with
    and the ``versions`` given beside it."""

    def __init__(self, policy: Policy, versions: Iterable[Policy], case_id: str | None) -> None:
        self.policy = policy
        self.case_id = case_id
        self._by: dict[str, Policy] = {}
        for version in (*versions, policy):
            if not isinstance(version, Policy):
                raise PolicyVersionError(
                    f"versions holds a {type(version).__name__}, not a Policy",
                    case_id=case_id,
                )
            self._by[version.fingerprint] = version

    def first(self, events: Sequence[object]) -> Policy:
        """The version the ``open`` event was recorded under: the fingerprint it records; for
        a case recorded before fingerprints, the first adoption's ``from``, or the policy
        replayed with. (A malformed fingerprint is left to the check of the event.)"""
        head = events[0]
        data = head.data if isinstance(head, Event) else None
        if isinstance(data, Mapping) and "fingerprint" in data:
            found = data["fingerprint"]
            return self.get(found, 1) if is_fingerprint(found) else self.policy
        for seq, event in enumerate(events[1:], 2):
            if isinstance(event, Event) and event.trigger == ADOPT_POLICY:
                found = event.data.get("from") if isinstance(event.data, Mapping) else None
                return self.get(found, seq) if is_fingerprint(found) else self.policy
        return self.policy

    def get(self, fingerprint: str, seq: int) -> Policy:
        """The version ``fingerprint`` names at event ``seq``, or
        :class:`~yuqing_core.PolicyVersionError` if it was not given."""
        found = self._by.get(fingerprint)
        if found is not None:
            return found
        name = "case (id unknown)" if self.case_id is None else f"case {self.case_id!r}"
        raise PolicyVersionError(
            f"{name} seq {seq}: recorded under version {short_fingerprint(fingerprint)} of "
            f"policy {self.policy.name!r}, which was not given: pass it in versions= "
            "(store.load supplies every version the store holds)",
            case_id=self.case_id,
            recorded=fingerprint,
        )
