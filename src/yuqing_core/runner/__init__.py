"""The runner (运行器): claims due work and outbox entries and calls the host's handlers.

- :mod:`~yuqing_core.runner.core`: :class:`Runner`, :class:`RunReport`;
- :mod:`~yuqing_core.runner.tasks`: ``make_app``, the runner as a procrastinate periodic task
  (optional extra ``runner``; imported only when named).

The library builds no scheduler of its own: procrastinate (or the host's own, e.g. Celery
beat) decides when a run happens; :meth:`Runner.drain` does one run at the instant given.
"""

from typing import Any

from .core import DueHandler, NoticeHandler, Runner, RunReport

__all__ = ["DueHandler", "NoticeHandler", "RunReport", "Runner", "make_app"]


def __getattr__(name: str) -> Any:
    if name == "make_app":
        # Lazy: procrastinate comes with the optional extra `runner`.
        from .tasks import make_app

        return make_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
