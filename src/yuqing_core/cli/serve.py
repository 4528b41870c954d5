"""``yuqing serve``: the HTTP/JSON service (:mod:`yuqing_core.service`, the extra ``serve``).

The service is imported only when this command runs: the rest of the command line, and
``import yuqing_core``, never load FastAPI or uvicorn.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ..errors import YuqingError
from ._options import COMMANDS, UsageError
from .db import URL_ENV

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help=COMMANDS["serve"],
    )
    store = p.add_mutually_exclusive_group()
    store.add_argument("--db", type=Path, metavar="FILE", help="the SQLite store file")
    store.add_argument(
        "--url",
        metavar="DSN",
        help=f"a PostgreSQL store (migrated with yuqing db migrate); default: ${URL_ENV}",
    )
    p.add_argument("--host", default="127.0.0.1", help="the address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="the port to listen on (8000)")
    p.add_argument(
        "--policy",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="a policy file to serve beside the presets (repeatable)",
    )
    p.add_argument(
        "--max-body", type=int, default=1_048_576, metavar="BYTES", help="largest request body"
    )
    p.add_argument("--rate", type=float, default=600.0, help="requests a minute per client (600)")
    p.add_argument("--burst", type=int, default=60, help="requests per client at once (60)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Lazy: the service is an optional extra; its settings need nothing beyond the library,
    # so a missing token is reported even where FastAPI is not installed.
    from ..service.settings import Limits, Settings

    url = args.url or (None if args.db else os.environ.get(URL_ENV) or None)
    if args.db is None and url is None:
        raise UsageError(f"serve needs --db FILE (SQLite) or --url DSN (PostgreSQL; or ${URL_ENV})")
    if args.max_body < 0 or args.rate <= 0 or args.burst < 1 or not 0 < args.port < 65536:
        raise UsageError(
            "serve: --max-body must be 0 or more, --rate above 0, --burst 1 or more, "
            "--port from 1 to 65535"
        )
    settings = Settings.from_environment(
        args.db,
        url=url,
        host=args.host,
        port=args.port,
        policy_files=tuple(args.policy),
        limits=Limits(max_body=args.max_body, rate=args.rate, burst=args.burst),
    )
    try:
        # Lazy: FastAPI and uvicorn load only when the service runs (the extra 'serve').
        from ..service.run import serve
    except ModuleNotFoundError as e:
        raise YuqingError(
            f"yuqing serve needs the 'serve' extra ({e.name} is not installed): "
            "pip install 'yuqing-core[serve]'"
        ) from None
    serve(settings)
    return 0
