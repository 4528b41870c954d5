"""``manage.py yuqing_run``: the runner on the Django database (运行器命令).

Claims what is due and what is sendable from a :class:`~yuqing_core.contrib.django.DjangoStore`
and calls the host's handlers (``YUQING_ON_DUE``, ``YUQING_ON_NOTICE``), through
:class:`~yuqing_core.runner.Runner`. ``--once`` drains once and ends (for cron, a scheduler,
or a test); otherwise it serves until interrupted, sleeping until the next due instant (on
PostgreSQL a save that makes something due sooner wakes it at once). The instant is the host's
clock (``YUQING_CLOCK``), or ``--at`` for one drain at a given instant.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from .....errors import YuqingError
from .....runner import Runner, RunReport
from ... import conf
from ...store import DjangoStore

__all__ = ["Command"]


def _instant(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--at: {text!r} is not an ISO instant (2025-11-03T09:00+08:00)"
        ) from None


class Command(BaseCommand):
    help = "Run the yuqing_core runner: claim due items and notices, call the host's handlers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="drain once and end")
        parser.add_argument("--at", type=_instant, help="the instant of that drain (ISO, aware)")
        parser.add_argument("--database", help="the alias of DATABASES (YUQING_DATABASE)")
        parser.add_argument("--lease", type=float, default=300.0, help="seconds a claim holds")
        parser.add_argument("--batch", type=int, default=100, help="items one claim takes")
        parser.add_argument("--idle", type=float, default=60.0, help="longest sleep, seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["at"] is not None and not options["once"]:
            raise CommandError("--at is the instant of one drain: give --once too")
        try:
            runner = self._runner(options)
            if options["once"]:
                report = runner.drain(options["at"] or conf.now())
            else:
                report = self._serve(runner, options["idle"])
        except YuqingError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"due {report.due_done} done, {report.due_failed} failed; "
            f"notices {report.sent} sent, {report.send_failed} failed"
        )

    def _runner(self, options: dict[str, Any]) -> Runner:
        store = DjangoStore(options["database"] or conf.database())
        runner = Runner(store, lease=timedelta(seconds=options["lease"]), batch=options["batch"])
        on_due, on_notice = conf.handler("YUQING_ON_DUE"), conf.handler("YUQING_ON_NOTICE")
        if on_due is None and on_notice is None:
            raise CommandError("set YUQING_ON_DUE or YUQING_ON_NOTICE: the runner has no handler")
        if on_due is not None:
            runner.on_due(on_due)
        if on_notice is not None:
            runner.on_notice(on_notice)
        return runner

    def _serve(self, runner: Runner, idle: float) -> RunReport:
        stop = threading.Event()
        try:
            return runner.serve(conf.now, stop, idle=idle)
        except KeyboardInterrupt:
            stop.set()
            return RunReport()
        finally:
            runner.store.close()
