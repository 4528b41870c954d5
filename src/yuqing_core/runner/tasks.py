"""The runner as a procrastinate app (定时任务): a periodic task that drains a :class:`Runner`.

``make_app(runner, conninfo)`` builds a :class:`procrastinate.App` on the same PostgreSQL
database with one task, ``yuqing_core.drain``, deferred by procrastinate every minute (the
``cron`` given). procrastinate defers each scheduled instant once across every worker and
machine, and hands the job to one worker; the task drains the runner at the scheduled instant
(procrastinate's ``timestamp``), so the library still reads no clock. The runner's claims make
two runs at once safe as well.

Run a worker with ``app.run_worker()`` (or ``procrastinate --app=host.module.app worker``).
procrastinate keeps tables of its own: apply its schema once
(``procrastinate --app=... schema --apply``, or ``app.schema_manager.apply_schema()``).
Needs the extra ``runner``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import procrastinate

from .core import Runner

__all__ = ["TASK_NAME", "make_app"]

TASK_NAME = "yuqing_core.drain"


def make_app(
    runner: Runner,
    conninfo: str,
    *,
    cron: str = "* * * * *",
    queue: str = "yuqing",
) -> procrastinate.App:
    """A procrastinate app whose periodic task drains ``runner`` (``cron``: 5 fields, or 6
    with seconds first)."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo))

    @app.periodic(cron=cron, periodic_id="yuqing_core")
    @app.task(name=TASK_NAME, queue=queue, pass_context=False)
    def drain(timestamp: int) -> dict[str, int]:
        report = runner.drain(datetime.fromtimestamp(timestamp, UTC))
        return {
            "due_done": report.due_done,
            "due_failed": report.due_failed,
            "sent": report.sent,
            "send_failed": report.send_failed,
        }

    return app
