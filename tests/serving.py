"""A real ``yuqing serve`` process on 127.0.0.1 for the service tests (and nothing else): a
helper module beside ``tests/helpers.py``, never a test module.

``served(db, *options)`` starts the command line's own ``serve`` in a subprocess on a free
port (on the SQLite file ``db``, or with ``db`` None on the store the options name:
``"--url", dsn``), waits until it answers, yields a :class:`Served` (its base URL, an
authorized ``httpx`` client and what it printed) and stops it, whatever happened.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx

__all__ = ["PROBLEM", "TOKEN", "Served", "free_port", "problem_of", "served"]

PROBLEM = "application/problem+json"

TOKEN = "test-token-0123456789abcdef"
"""The bearer token of the test servers (never a real one)."""

_START = 60.0
"""Seconds a server may take to answer for the first time (a loaded machine is slow)."""


@dataclass
class Served:
    url: str
    client: httpx.Client
    process: subprocess.Popen[str]
    log: IO[str]
    """What the server prints goes to this file, never to a pipe: a pipe nobody reads fills
    up after 64 KiB of access lines and stops the server mid-run."""

    def output(self) -> str:
        """What the server printed so far."""
        self.log.flush()
        self.log.seek(0)
        return self.log.read()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve_command(*options: str) -> list[str]:
    return [sys.executable, "-m", "yuqing_core.cli", "serve", *options]


@contextmanager
def served(db: Path | None, *options: str, token: str = TOKEN) -> Iterator[Served]:
    """A server on the SQLite file ``db``, or (``db`` None) on the store ``options`` name
    (``--url DSN``)."""
    port = free_port()
    env = {**os.environ, "YUQING_TOKEN": token}
    store = () if db is None else ("--db", str(db))
    command = serve_command(*store, "--port", str(port), *options)
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        auth = {"Authorization": f"Bearer {token}"}
        server = Served(url, httpx.Client(base_url=url, headers=auth, timeout=30), process, log)
        try:
            _wait(server)
            yield server
        finally:
            server.client.close()
            _stop(process)


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
            process.kill()
            process.wait()


def _wait(server: Served) -> None:
    """Until the server accepts a connection; fail at once if it exits."""
    deadline = time.monotonic() + _START
    host, port = server.url.removeprefix("http://").split(":")
    process = server.process
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = server.output()
            raise AssertionError(f"yuqing serve exited with {process.returncode}:\n{out}")
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"yuqing serve did not answer within {_START} s")


def problem_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The problem document of ``response``, checked to be one with ``status``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    doc: dict[str, Any] = response.json()
    assert doc["status"] == status
    assert "Traceback" not in response.text
    return doc
