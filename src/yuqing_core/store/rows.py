"""The rows a case becomes in the store's tables (表行), as :meth:`SQLiteStore.save` writes them.

Each row is a named tuple whose fields are its table's columns in order
(:mod:`yuqing_core.store.schema`). :class:`CaseRows` holds all the rows of one case: what
:meth:`SQLiteStore.import_rows` writes, many cases in one transaction, for a host that loads
a large store in bulk (a migration, a benchmark) rather than saving case by case. Reading
event rows back, every row is checked (:func:`events_from_rows`).

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> import yuqing_core as yq
>>> found = datetime(2025, 11, 3, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
>>> case = yq.presets.load("school-tiered").open_case(
...     yq.Incident(id="YQ-7", title="食堂投诉", discovered_at=found), at=found, actor="monitor")
>>> rows = CaseRows.of(case)
>>> rows.case.case_id, rows.case.version, [e.trigger for e in rows.events]
('YQ-7', 1, ['open'])
>>> [p.name for p in rows.policies] == ["school-tiered"]
True
>>> [(o.kind, o.due_at) for o in rows.open_obligations]
[('report', '2025-11-05T00:00:00+08:00'), ('initial_response', '2025-11-07T00:00:00+08:00')]
>>> store = yq.SQLiteStore(":memory:")
>>> store.import_rows([rows])
1
>>> store.load(case.policy, "YQ-7") == case
True
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import Json, TypeAdapter, ValidationError

from ..errors import CorruptCaseError, StoreError
from ..model.event import Event
from ..workflow.document import UnreadableEvent, event_from_parts, read_models
from .due import running, time_key, warn_text
from .outbox import OutboxRow, outbox_rows

if TYPE_CHECKING:
    from ..rules.obligations import Obligation
    from ..workflow.case import Case

__all__ = [
    "CaseRow",
    "CaseRows",
    "EventRow",
    "OpenObligationRow",
    "PolicyRow",
    "case_row",
    "event_from_row",
    "event_row",
    "event_rows",
    "events_from_rows",
    "obligation_row",
    "open_obligation_rows",
    "policy_rows",
]


class EventRow(NamedTuple):
    """One row of ``yq_events``: one event of a case, appended and never changed."""

    case_id: str
    seq: int
    trigger: str
    at: str
    at_key: int
    actor: str
    data: str
    """The event's data as compact JSON with sorted keys, personal data included."""


class CaseRow(NamedTuple):
    """One row of ``yq_cases``: what a case is now, for listing and polling."""

    case_id: str
    policy: str
    version: int
    state: str
    severity: str
    unit: str | None
    updated_at: str
    fingerprint: str | None = None
    """The fingerprint of the policy version the case follows (``None``: not recorded yet)."""


class OpenObligationRow(NamedTuple):
    """One row of ``yq_open_obligations``: an open obligation whose clock runs."""

    case_id: str
    obligation_id: str
    policy: str
    kind: str
    role: str
    rule: str
    due_key: int
    due_at: str
    provisional: int
    """1 when the due instant rests on days the official calendar does not settle yet."""
    warn_key: int | None
    """The first warning instant as a time key (``None``: it has none), for the warning index."""
    warn_at: str
    """Its warning instants (:func:`~yuqing_core.store.due.warn_text`)."""


class PolicyRow(NamedTuple):
    """One row of ``yq_policies``: a policy version a case followed."""

    fingerprint: str
    name: str
    spec: str
    """The canonical JSON of the policy (:attr:`PolicyData.spec_json
    <yuqing_core.policy.PolicyData.spec_json>`), which hashes to ``fingerprint``."""
    first_seen_at: str
    """The instant the case that brought it followed it from (its opening or adoption)."""


class CaseRows(NamedTuple):
    """All the rows of one case: its ``yq_cases`` row, its events, its open obligations, the
    policy versions it followed and the notices of its outbox
    (:mod:`~yuqing_core.store.outbox`)."""

    case: CaseRow
    events: Sequence[EventRow]
    open_obligations: Sequence[OpenObligationRow]
    policies: Sequence[PolicyRow] = ()
    outbox: Sequence[OutboxRow] = ()

    @classmethod
    def of(cls, case: Case) -> CaseRows:
        """The rows of ``case`` as it is now (every event from seq 1)."""
        return cls(
            case_row(case),
            event_rows(case),
            open_obligation_rows(case),
            policy_rows(case),
            outbox_rows(case),
        )

    def check_whole(self) -> None:
        """Raise :class:`~yuqing_core.StoreError` unless these rows are one whole case.

        Every row must carry the case's id, the events must be seq 1 to the case row's
        version, and the policy version the case follows must be among its policy rows, so
        that the stored case loads.
        """
        case_id, version = self.case.case_id, self.case.version
        ids = [r.case_id for r in self.events] + [r.case_id for r in self.open_obligations]
        ids += [r.case_id for r in self.outbox]
        stray = next((i for i in ids if i != case_id), None)
        if stray is not None:
            raise StoreError(f"case {case_id!r}: a row of case {stray!r} is among its rows")
        if [e.seq for e in self.events] != list(range(1, version + 1)):
            raise StoreError(
                f"case {case_id!r}: the case row says version {version} but the event rows "
                f"are not seq 1 to {version}"
            )
        held = {p.fingerprint for p in self.policies}
        if self.case.fingerprint is None or self.case.fingerprint not in held:
            raise StoreError(
                f"case {case_id!r}: the policy version it follows is not among its policy rows "
                "(make the rows with CaseRows.of(case))"
            )


def case_row(case: Case, last: EventRow | None = None) -> CaseRow:
    """The ``yq_cases`` row of ``case`` as it is now (``last``: the row of its last event,
    if made already: its instant is the row's ``updated_at``)."""
    return CaseRow(
        case.id,
        case.policy.name,
        case.version,
        case.state,
        case.severity.key,
        case.unit,
        case.events[-1].at.isoformat() if last is None else last.at,
        case.policy.fingerprint,
    )


def policy_rows(case: Case) -> list[PolicyRow]:
    """The ``yq_policies`` rows of the policy versions ``case`` followed, oldest first."""
    opened = case.events[0].at
    return [
        PolicyRow(
            term.policy.fingerprint,
            term.policy.name,
            term.policy.spec_json,
            (term.since or opened).isoformat(),
        )
        for term in case.policy_history
    ]


def event_row(case_id: str, seq: int, event: Event) -> EventRow:
    """The ``yq_events`` row of ``event``, the ``seq``-th event of case ``case_id``."""
    at = event.at
    return EventRow(
        case_id,
        seq,
        event.trigger,
        at.isoformat(),
        time_key(at),
        event.actor,
        # Most events carry no data: "{}" is what the encoder writes for it.
        _ENCODE(event.to_dict(include_personal=True)["data"]) if event.data else "{}",
    )


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
"""The data column's JSON: compact, keys sorted, text as it is (what ``json.dumps`` with
these arguments writes, without making an encoder per call)."""


def event_rows(case: Case, since: int = 0) -> list[EventRow]:
    """The ``yq_events`` rows of the events of ``case`` after the first ``since``."""
    return [event_row(case.id, seq, ev) for seq, ev in enumerate(case.events[since:], since + 1)]


def open_obligation_rows(case: Case) -> list[OpenObligationRow]:
    """The ``yq_open_obligations`` rows of ``case``: its open obligations whose clock runs."""
    return [obligation_row(case, ob) for ob in running(case)]


def obligation_row(case: Case, ob: Obligation) -> OpenObligationRow:
    """The ``yq_open_obligations`` row of ``ob``, a running obligation of ``case``."""
    return OpenObligationRow(
        case.id,
        ob.id,
        case.policy.name,
        ob.kind,
        ob.role,
        ob.rule,
        time_key(ob.due_at),
        ob.due_at.isoformat(),
        int(ob.provisional),
        *_warning(ob),
    )


def _warning(ob: Obligation) -> tuple[int | None, str]:
    first = ob.first_warning
    return (None if first is None else time_key(first)), warn_text(ob)


# -- reading event rows back -----------------------------------------------------------------


def events_from_rows(case_id: str, rows: Sequence[Sequence[Any]], version: int) -> list[Event]:
    """The events of case ``case_id`` from its ``yq_events`` rows (``seq, trigger, at, actor,
    data``, by seq), which must be seq 1 to ``version``; a row that cannot be read raises
    :class:`~yuqing_core.CorruptCaseError` naming the case and the seq.

    The data columns are read all at once (:func:`_read_whole`); if any row does not read
    that way, they are read again row by row, which finds the first row at fault and says
    what is wrong with it.
    """
    events = _read_whole(rows)
    if events is None:
        events = _read_each(case_id, rows)
    if len(events) != version:
        raise CorruptCaseError(
            f"the case row says version {version} but {len(events)} events are stored",
            case_id=case_id,
            seq=len(events) + 1,
        )
    return events


def _read_each(case_id: str, rows: Sequence[Sequence[Any]]) -> list[Event]:
    events: list[Event] = []
    for expected, row in enumerate(rows, 1):
        seq = row[0]
        if type(seq) is not int or seq != expected:
            raise CorruptCaseError(
                f"event missing from the store (found seq {seq!r} instead)",
                case_id=case_id,
                seq=expected,
            )
        events.append(event_from_row(case_id, row))
    return events


_DATA_COLUMNS: TypeAdapter[list[Any]] = TypeAdapter(list[Json[Any]])
"""Every data column of a case, each read as one JSON value, in one call (a value that is
not an object is refused by :func:`~yuqing_core.workflow.document.event_from_parts`)."""


def _read_whole(rows: Sequence[Sequence[Any]]) -> list[Event] | None:
    """The events of ``rows`` read with their data columns all at once, or ``None`` if any
    row does not read that way (:func:`_read_each` then says which and why).

    What it gives is what reading each row gives: the same JSON objects (read by
    pydantic's reader, which refuses whatever it would read otherwise than :mod:`json`:
    then each row is read again), each made an event by the same
    :func:`~yuqing_core.workflow.document.event_from_parts`.
    """
    try:
        datas = _DATA_COLUMNS.validate_python([row[4] for row in rows])
    except (ValidationError, TypeError, IndexError):
        return None
    if not read_models(zip((row[1] for row in rows), datas, strict=False)):
        return None
    events: list[Event] = []
    try:
        for seq, (at_seq, trigger, at, actor, text), data in zip(
            itertools.count(1), rows, datas, strict=False
        ):
            # The seq in its place, the text columns text (what _check_columns says of them).
            if not (
                type(at_seq) is int
                and at_seq == seq
                and type(trigger) is str
                and type(at) is str
                and type(actor) is str
                and type(text) is str
            ):
                return None
            events.append(event_from_parts(trigger, at, actor, data, own=True))
    except (UnreadableEvent, ValueError):  # (ValueError: a row of other than five columns)
        return None
    return events


def event_from_row(case_id: str, row: Sequence[Any]) -> Event:
    """The event of one ``yq_events`` row (``seq, trigger, at, actor, data``) of case
    ``case_id``; a row that cannot be read raises :class:`~yuqing_core.CorruptCaseError`
    naming the case and the seq."""
    try:
        _check_columns(row)
        return event_from_parts(row[1], row[2], row[3], _data(row[4]))
    except UnreadableEvent as e:
        raise CorruptCaseError(
            f"cannot read the event row: {e}", case_id=case_id, seq=row[0]
        ) from None


_SQL_TYPES = {int: "an integer", float: "a real", bytes: "a blob", type(None): "NULL"}


def _check_columns(row: Sequence[Any]) -> None:
    """The text columns of an event row hold text."""
    if type(row[1]) is str and type(row[2]) is str and type(row[3]) is str and type(row[4]) is str:
        return
    for name, value in zip(("trigger", "at", "actor", "data"), row[1:], strict=True):
        if not isinstance(value, str):
            held = _SQL_TYPES.get(type(value), type(value).__name__)
            raise UnreadableEvent(f"the {name} column holds {held}, not text")


_DECODER = json.JSONDecoder()


def _data(text: str) -> object:
    """The data column, read as JSON."""
    try:
        # The compact JSON the store writes, read without json.loads' per-call wrapper;
        # anything else (surrounding blanks, errors) takes json.loads' own path.
        value, end = _DECODER.raw_decode(text)
        if end == len(text):
            return value
    except (ValueError, RecursionError):
        pass
    try:
        return json.loads(text)
    except RecursionError:
        raise UnreadableEvent("data is nested too deeply") from None
    except ValueError:  # JSONDecodeError, or an integer too long to read
        raise UnreadableEvent("data is not JSON") from None
