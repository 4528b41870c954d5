"""A real ``yuqing serve`` process on 127.0.0.1 for the service tests (and nothing else): a
helper module beside ``tests/helpers.py``, never a test module.

``served(tmp_path, *options)`` starts the command line's own ``serve`` in a subprocess on a
free port, waits until it answers, yields a :class:`Served` (its base URL and an
authorized ``httpx`` client) and stops it, whatever happened.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

    def output(self) -> str:
        """What the server printed (once it has stopped)."""
        out, _ = self.process.communicate(timeout=30)
        return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve_command(*options: str) -> list[str]:
    return [sys.executable, "-m", "yuqing_core.cli", "serve", *options]


@contextmanager
def served(db: Path, *options: str, token: str = TOKEN) -> Iterator[Served]:
    port = free_port()
    env = {**os.environ, "YUQING_TOKEN": token}
    command = serve_command("--db", str(db), "--port", str(port), *options)
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    try:
        _wait(process, url)
        yield Served(url, client, process)
    finally:
        client.close()
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
                process.kill()
                process.wait()


def _wait(process: subprocess.Popen[str], url: str) -> None:
    """Until the server accepts a connection; fail at once if it exits."""
    deadline = time.monotonic() + _START
    host, port = url.removeprefix("http://").split(":")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read() if process.stdout else ""
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
