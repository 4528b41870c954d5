"""The HTTP/JSON service (``yuqing serve``, the optional extra ``serve``): policies, cases,
commands, obligations, due items, claims, the outbox and accountability over HTTP, for hosts
that are not Python.

Modules: :mod:`.settings` (what it is started with; no FastAPI needed), :mod:`.problems`
(RFC 9457 problem documents), :mod:`.limits` (rate, token and size, before any route),
:mod:`.backend` (the operations, over any store with :class:`~.backend.CaseStore`'s
methods: SQLite or PostgreSQL), :mod:`.openapi` (the OpenAPI description), :mod:`.app` (the
FastAPI routes), :mod:`.work` (the routes for workers: claims and the outbox) and :mod:`.run`
(uvicorn). Importing this package imports none of them: ``import yuqing_core``
never loads FastAPI.
"""

from __future__ import annotations

__all__: list[str] = []
