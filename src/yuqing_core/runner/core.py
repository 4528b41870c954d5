"""The runner's work (运行器): claim what is due and what is sendable, call the host's handlers.

A :class:`Runner` holds a store and the handlers a host registers: ``on_due(item, now)`` for a
due item (remind, escalate, open a ticket) and ``on_notice(entry, now)`` for a notice of the
outbox, which sends it and returns to whom. :meth:`Runner.drain` claims in batches until
nothing is left at ``now``: a handler that returns normally acks its item (or marks the notice
sent, at ``now``, to the recipient it returned); one that raises releases it, so the next run
tries again, and the run goes on with the others (the failure is logged with the error's type
and the ids, never the error's message, which is the host's). A runner killed mid-way loses
nothing: its leases run out and another worker takes the items.

The runner reads no clock: ``now`` is given, by the scheduler that started the run
(:mod:`yuqing_core.runner.tasks` passes procrastinate's scheduled instant) or by the host.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .._dt import ensure_aware
from .._log import LOGGER
from ..store import DueItem, EventStore, OutboxEntry

__all__ = ["DueHandler", "NoticeHandler", "RunReport", "Runner"]

DueHandler = Callable[[DueItem, datetime], None]
NoticeHandler = Callable[[OutboxEntry, datetime], str]


@dataclass(frozen=True, slots=True)
class RunReport:
    """What one :meth:`Runner.drain` did: items handled and failed, notices sent and failed."""

    due_done: int = 0
    due_failed: int = 0
    sent: int = 0
    send_failed: int = 0

    def __add__(self, other: RunReport) -> RunReport:
        return RunReport(
            self.due_done + other.due_done,
            self.due_failed + other.due_failed,
            self.sent + other.sent,
            self.send_failed + other.send_failed,
        )


class Runner:
    """Claims due items and outbox entries from ``store`` and calls the handlers.

    ``lease``: how long a claim holds (longer than a handler takes); ``batch``: how many items
    one claim takes.
    """

    def __init__(
        self, store: EventStore, *, lease: timedelta = timedelta(minutes=5), batch: int = 100
    ) -> None:
        self.store = store
        self.lease = lease
        self.batch = batch
        self._on_due: DueHandler | None = None
        self._on_notice: NoticeHandler | None = None

    def on_due(self, handler: DueHandler) -> DueHandler:
        """Register the handler of due items (usable as a decorator)."""
        self._on_due = handler
        return handler

    def on_notice(self, handler: NoticeHandler) -> NoticeHandler:
        """Register the handler that sends a notice and returns its recipient (decorator)."""
        self._on_notice = handler
        return handler

    def drain(self, now: datetime, *, max_batches: int = 1000) -> RunReport:
        """Handle everything due and sendable at ``now``, batch by batch (at most
        ``max_batches`` of each, so one run ends)."""
        now = ensure_aware(now, "now")
        report = RunReport()
        for _ in range(max_batches):
            step = self._due_batch(now) + self._notice_batch(now)
            report += step
            if step == RunReport():
                break
        return report

    def serve(
        self, clock: Callable[[], datetime], stop: threading.Event, *, idle: float = 60.0
    ) -> RunReport:
        """Drain at ``clock()`` again and again until ``stop`` is set; between runs, sleep
        until the next due instant (:meth:`~yuqing_core.store.work.WorkQueue.next_due`), at
        most ``idle`` seconds. On PostgreSQL the sleep is a wait for ``NOTIFY``: a save that
        makes something due sooner wakes the runner at once. ``clock`` is the host's (the
        library reads none); a host with a scheduler uses :meth:`drain` from it instead."""
        total = RunReport()
        wait_for_due = getattr(self.store, "wait_for_due", None)
        while not stop.is_set():
            now = clock()
            total += self.drain(now)
            following = self.store.next_due(now)
            pause = idle if following is None else (following - now).total_seconds()
            pause = min(idle, max(pause, 0.0))
            if wait_for_due is not None:
                wait_for_due(pause)
            else:
                stop.wait(pause)
        return total

    def _due_batch(self, now: datetime) -> RunReport:
        if self._on_due is None:
            return RunReport()
        claims = self.store.claim_due(now, self.batch, self.lease)
        done, failed = [], []
        for claim in claims:
            try:
                self._on_due(claim.item, now)
            except Exception as e:
                # The error's type only: its message is the host's and may name people.
                item = claim.item
                LOGGER.warning(
                    "due handler failed (%s): case %s %s",
                    type(e).__name__,
                    item.case_id,
                    item.obligation_id,
                    extra={"case_id": item.case_id, "obligation_id": item.obligation_id},
                )
                failed.append(claim)
            else:
                done.append(claim)
        self.store.ack(done)
        self.store.release(failed)
        return RunReport(due_done=len(done), due_failed=len(failed))

    def _notice_batch(self, now: datetime) -> RunReport:
        if self._on_notice is None:
            return RunReport()
        sent = failed = 0
        for entry in self.store.claim_outbox(now, self.batch, self.lease):
            try:
                to = self._on_notice(entry, now)
            except Exception as e:
                LOGGER.warning(
                    "notice handler failed (%s): case %s %s (%s)",
                    type(e).__name__,
                    entry.case_id,
                    entry.obligation_id,
                    entry.stage,
                    extra={"case_id": entry.case_id, "obligation_id": entry.obligation_id},
                )
                self.store.release_outbox(entry)
                failed += 1
            else:
                sent += int(self.store.mark_sent(entry, at=now, to=to))
        return RunReport(sent=sent, send_failed=failed)
