"""The gate in front of the service (限额与鉴权): per-client rate, the bearer token, and the
size of a request body, each refused with a problem document before the application runs.

The order is rate, token, size: a client guessing tokens is slowed like any other, and no
body is read for a request without the token. The rate is a token bucket per client address
(``burst`` requests at once, refilled at ``rate`` a minute). The body is read here, up to
``max_body`` bytes, and handed on whole; a ``Content-Length`` over the limit is refused
without reading any.

The clock is a monotonic one, for pacing only: no case instant ever comes from it.
"""

from __future__ import annotations

import hmac
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import MEDIA_TYPE, problem, problem_body
from .settings import Limits

__all__ = ["Gate", "RateBuckets"]

_log = logging.getLogger("yuqing_core.service")


@dataclass
class RateBuckets:
    """One token bucket per client: :meth:`take` spends a token or says how long to wait."""

    limits: Limits
    clock: Callable[[], float] = time.monotonic
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Per client: the tokens left and when they were counted."""

    _KEEP = 10_000
    """Past this many clients, the buckets that have refilled are forgotten."""

    def take(self, client: str) -> float | None:
        """Spend one request of ``client``: ``None``, or the seconds until one is allowed."""
        now = self.clock()
        per_second = self.limits.rate / 60.0
        tokens, then = self.buckets.get(client, (float(self.limits.burst), now))
        tokens = min(float(self.limits.burst), tokens + (now - then) * per_second)
        if tokens < 1.0:
            self.buckets[client] = (tokens, now)
            return (1.0 - tokens) / per_second if per_second > 0 else math.inf
        self.buckets[client] = (tokens - 1.0, now)
        if len(self.buckets) > self._KEEP:
            self._forget(now, per_second)
        return None

    def _forget(self, now: float, per_second: float) -> None:
        full = float(self.limits.burst)
        for client, (tokens, then) in list(self.buckets.items()):
            if tokens + (now - then) * per_second >= full:
                del self.buckets[client]


class _TooLarge(Exception):
    pass


class Gate:
    """ASGI middleware: the rate, the bearer token and the body size, in that order."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str,
        limits: Limits,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()
        self.limits = limits
        self.buckets = RateBuckets(limits, clock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.buckets.take(client[0] if client else "")
        if wait is not None:
            seconds = "86400" if math.isinf(wait) else str(max(1, math.ceil(wait)))
            detail = "too many requests from this client; try again later"
            await _refuse(send, problem(429, detail), [(b"retry-after", seconds.encode())])
            return
        if not hmac.compare_digest(_header(scope, b"authorization"), self._expected):
            detail = "a bearer token is required (Authorization: Bearer <YUQING_TOKEN>)"
            await _refuse(send, problem(401, detail), [(b"www-authenticate", b"Bearer")])
            return
        try:
            body = await self._body(scope, receive)
        except _TooLarge:
            detail = f"the request body is larger than {self.limits.max_body} bytes"
            await _refuse(send, problem(413, detail), [(b"connection", b"close")])
            return
        await self._run(scope, _replay(body, receive), send)

    async def _run(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The application; an error that escapes it (a defect: the routes answer every
        library error themselves) is logged and answered 500, if nothing was sent yet, and
        kept from the server so that the connection stays usable."""
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            _log.exception("the service failed on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                detail = "the service failed; its log has the details"
                await _refuse(send, problem(500, detail), [])

    async def _body(self, scope: Scope, receive: Receive) -> bytes:
        limit = self.limits.max_body
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > limit:
            raise _TooLarge
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return b""


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # the disconnect, when the client goes

    return replayed


async def _refuse(send: Send, doc: dict[str, Any], headers: Iterable[tuple[bytes, bytes]]) -> None:
    body = problem_body(doc)
    await send(
        {
            "type": "http.response.start",
            "status": doc["status"],
            "headers": [
                (b"content-type", MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
