"""Obligations (时限义务): which deadlines a case owes, derived from its policy and events.

Nothing here is stored. :func:`derive` folds the events of a case in order and returns every
obligation with its anchor, due instant, the rule it comes from and the event that met it, so
a case rebuilt from the same events owes exactly the same things (compute-on-read).

The fold applies P3-P7 of docs/rules.md: periods on the policy calendar; escalation anchors the new
level's obligations at the escalation and a running obligation of the same kind and role keeps
the earlier due instant (P7); a downgrade waives what the lower level does not owe; level-by-
level reports start when the previous report is met; recurring follow-ups (续报) run until the
case reaches their ``until`` stage; pauses stop the clock of the kinds the policy names;
extensions count from the due instant within the policy's cap on their total; and neither
erases a breach: a duty past its due instant is never paused, and is extended only when the
policy allows late extension, keeping ``breached_at`` (:mod:`.clocks`).

The parts: :mod:`.obligation` (the value type), :mod:`.duty` (the fold's record of one
obligation), :mod:`.state` (the fold state), :mod:`.handlers` (what each trigger does, applied
once per event), :mod:`.lifecycle` (when duties start and stop), :mod:`.meeting` (which
duties an event meets), :mod:`.clocks` (which duties an extension or a pause applies to, and
why one is refused), :mod:`.ladders` (escalation ladders), :mod:`.fold` (the fold,
:func:`derive` and :func:`refusal`) and :mod:`.versions` (a case that adopted another policy
version: settled outcomes keep the version they were settled under, :func:`derive_pinned`).
"""

from .clocks import extension_applies
from .fold import ObligationFold, derive, refusal
from .obligation import NO_DUE, Obligation, Status
from .versions import InForce, PinnedFold, derive_pinned, settled_before

__all__ = [
    "NO_DUE",
    "InForce",
    "Obligation",
    "ObligationFold",
    "PinnedFold",
    "Status",
    "derive",
    "derive_pinned",
    "extension_applies",
    "refusal",
    "settled_before",
]
