"""``yuqing db migrate --url URL``: bring a PostgreSQL database to these tables (数据库迁移).

Migrations are applied explicitly, never by a store on its own: each shipped migration the
database lacks, in order, in one transaction (:mod:`yuqing_core.store.postgres.migrate`). It
prints one line per migration applied, or that the database is current. Needs the extra
``postgres`` (psycopg).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..errors import StoreError
from ._options import COMMANDS

__all__ = ["register", "run"]

URL_ENV = "YUQING_DATABASE_URL"


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("db", help=COMMANDS["db"])
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    m: argparse.ArgumentParser = actions.add_parser(
        "migrate",
        help="apply the migrations the database lacks",
        description="Apply the yuqing_core migrations the PostgreSQL database lacks, in order, "
        "in one transaction; print each one applied.",
    )
    m.add_argument(
        "--url",
        default=os.environ.get(URL_ENV),
        help=f"libpq connection string or postgresql:// URL (default: ${URL_ENV})",
    )
    m.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.url:
        raise StoreError(f"db migrate needs --url (or ${URL_ENV})")
    try:
        # Lazy: psycopg comes with the optional extra `postgres`; other commands never need it.
        from ..store.postgres import LATEST, migrate
    except ImportError:
        raise StoreError("db migrate needs psycopg: pip install 'yuqing-core[postgres]'") from None
    applied = migrate(args.url)
    for m in applied:
        print(f"applied migration {m.version:04d} {m.name}")
    if not applied:
        print(f"the database is current (schema {LATEST})")
    return 0
