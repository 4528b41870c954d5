"""What ``yuqing serve`` is started with, checked before anything is served: the bearer token
(from the environment, never the command line, where other users of the machine see it), the
address, the store (a SQLite file or a PostgreSQL connection string) and the limits. Importing
this needs nothing beyond the library."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .problems import ServiceError

__all__ = [
    "MIN_TOKEN_LENGTH",
    "TOKEN_VARIABLE",
    "Limits",
    "Settings",
    "token_from",
]

TOKEN_VARIABLE = "YUQING_TOKEN"
MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True, slots=True)
class Limits:
    """The service's limits: request body size in bytes, and requests per client."""

    max_body: int = 1_048_576
    """The largest request body accepted (bytes)."""
    rate: float = 600.0
    """Requests a minute each client may keep making."""
    burst: int = 60
    """Requests a client may make at once, before the rate applies."""


def token_from(environ: Mapping[str, str]) -> str:
    """The bearer token every request must carry, or :class:`ServiceError` saying why there is
    none (the service does not start without one)."""
    token = environ.get(TOKEN_VARIABLE, "")
    if not token.strip():
        raise ServiceError(
            f"{TOKEN_VARIABLE} is not set: the service needs a bearer token every request "
            f"carries (export {TOKEN_VARIABLE}=<a long random text>)"
        )
    if len(token) < MIN_TOKEN_LENGTH or token != token.strip() or not token.isprintable():
        raise ServiceError(
            f"{TOKEN_VARIABLE} must be at least {MIN_TOKEN_LENGTH} printable characters, "
            "without spaces around it"
        )
    return token


@dataclass(frozen=True)
class Settings:
    """How one service runs: on a SQLite file (``db``) or a PostgreSQL database (``url``)."""

    db: Path | None
    """The SQLite store file (created if missing); ``None`` with ``url``."""
    token: str = field(repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    policy_files: tuple[Path, ...] = ()
    """Policy files served beside the presets."""
    limits: Limits = field(default_factory=Limits)
    url: str | None = field(default=None, repr=False)
    """The PostgreSQL connection string (migrated with ``yuqing db migrate``); never shown,
    as it may hold a password."""

    def __post_init__(self) -> None:
        if (self.db is None) == (self.url is None):
            raise ServiceError(
                "the service needs one store: a SQLite file (--db) or a PostgreSQL "
                "connection string (--url), not both"
            )

    @classmethod
    def from_environment(
        cls, db: Path | None, *, url: str | None = None, **options: object
    ) -> Settings:
        """The settings, with the token read from the environment."""
        token = token_from(os.environ)
        return cls(db=db, url=url, token=token, **options)  # type: ignore[arg-type]
