"""What a policy says: a validated :class:`PolicySpec` with its calendar and lookups.

:class:`PolicyData` is what the engine (rules, workflow) works from. The user-facing
:class:`yuqing_core.Policy` builds on it, the way :class:`pathlib.Path` builds on
:class:`pathlib.PurePath`, adding the operations that call down into the engine.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any

from ..model import Severity
from ..model.vocab import Role
from ..time.calendar import WorkCalendar
from .check import role_ids
from .schema import LevelSpec, ObligationSpec, PolicySpec, nearest_level

__all__ = ["FINGERPRINT", "PolicyData", "canonical_json", "short_fingerprint"]

FINGERPRINT = re.compile(r"sha256:[0-9a-f]{64}")
"""What a policy fingerprint looks like: ``sha256:`` and 64 lower-case hex digits."""


def canonical_json(data: Any) -> str:
    """``data`` as canonical JSON: keys sorted, no spaces, UTF-8 text kept as written.

    Two values that are equal as JSON give the same text, whatever the order their keys were
    written in.
    """
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def short_fingerprint(fingerprint: str) -> str:
    """A fingerprint cut to 12 hex digits, for messages (``sha256:1a2b3c4d5e6f``)."""
    return fingerprint[: len("sha256:") + 12]


class PolicyData:
    """An institution's policy (舆情管理制度) as data: its spec, calendar and lookups.

    Immutable and shared by all of its cases. Hosts use :class:`yuqing_core.Policy`, which
    adds grading, opening cases and the workflow on top.
    """

    def __init__(self, spec: PolicySpec, *, source_file: str | None = None) -> None:
        self.spec = spec
        self.source_file = source_file

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def title(self) -> str:
        return self.spec.title

    def __repr__(self) -> str:
        return f"<Policy {self.name!r} {self.title}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PolicyData):
            return NotImplemented
        return self.spec == other.spec

    def __hash__(self) -> int:
        return self._hash

    @functools.cached_property
    def _hash(self) -> int:
        # Engine caches key on the policy; hashing a whole spec on every lookup would cost.
        return hash(self.spec)

    @functools.cached_property
    def calendar(self) -> WorkCalendar:
        """The working calendar deadlines are counted on."""
        c = self.spec.calendar
        return WorkCalendar.china(
            tz=c.timezone,
            business_close=c.business_close,
            extra_rest_days=c.extra_rest_days,
            extra_work_days=c.extra_work_days,
            immediate_grace=self.spec.timing.immediate_grace,
            allow_projection=c.allow_projection,
            notices=c.notices,
            working_hours=c.hours,
        )

    @property
    def severities(self) -> tuple[Severity, ...]:
        """The levels this policy uses, lowest first."""
        return self.spec.severities

    @property
    def lowest(self) -> Severity:
        return self.spec.severities[0]

    def level(self, severity: Severity) -> LevelSpec | None:
        for lv in self.spec.levels:
            if lv.severity == severity:
                return lv
        return None

    def level_label(self, severity: Severity) -> str:
        """The policy's own name for a level, or the canonical Chinese label."""
        lv = self.level(severity)
        return lv.label if lv is not None and lv.label else severity.label

    def normalize_severity(self, severity: Severity) -> Severity:
        """The lowest policy level at or above ``severity`` (or the highest level): what an
        automatic result and a person's choice of a level the policy does not have map to
        (:func:`~yuqing_core.policy.matching.nearest_level`)."""
        return nearest_level(self.spec.severities, severity)

    @functools.cached_property
    def roles(self) -> dict[str, str]:
        """Role id -> Chinese label, canonical roles first: the institution's own label where
        ``role_labels`` gives one."""
        out = {r.value: r.label for r in Role}
        out.update(dict(self.spec.role_labels))
        out.update({r.id: r.label for r in self.spec.roles})
        return out

    def has_role(self, role: str) -> bool:
        return role in role_ids(self.spec)

    def may_fire(self, trigger: str, roles: Iterable[str] | None) -> bool:
        """Whether a caller holding ``roles`` may fire ``trigger`` under
        ``[workflow.permissions]``: always for a trigger the table leaves out; otherwise only
        when ``roles`` shares one with the roles it lists (``None``, roles not said, shares
        none). A host asks this without a case, e.g. to show or hide a button."""
        return self.spec.workflow.may_fire(trigger, roles)

    def obligation_spec(self, ident: str) -> ObligationSpec:
        for ob in self.spec.obligations:
            if ob.id == ident:
                return ob
        raise KeyError(ident)

    @functools.cached_property
    def spec_json(self) -> str:
        """The canonical JSON of what the policy says: the validated spec (``extends``
        resolved and left out) without the values that equal the schema's defaults, keys
        sorted, no spaces. :func:`yuqing_core.load_policy` reads it back to an equal policy.
        """
        return canonical_json(self.spec.model_dump(mode="json", exclude_defaults=True))

    @functools.cached_property
    def fingerprint(self) -> str:
        """The content hash of what the policy says: ``sha256:`` and the hex SHA-256 of
        :attr:`spec_json` (UTF-8).

        The same policy gives the same fingerprint whether it was read from TOML, JSON or a
        dict, whatever its key order, formatting, comments or ``extends`` chain, and whether
        a default value is written out or left out (so a later release that adds a key with
        a default leaves existing fingerprints as they are); a change to any value (a
        deadline, a threshold, a stage, a title, the order of a list) gives another. A case
        records the fingerprint of the version it follows.
        """
        return "sha256:" + hashlib.sha256(self.spec_json.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """The policy as plain data (the merged result of any ``extends``)."""
        return self.spec.model_dump(mode="json", exclude_defaults=False)
