"""The event store on PostgreSQL (optional extra ``postgres``: psycopg 3 and psycopg_pool).

- :mod:`~yuqing_core.store.postgres.store`: :class:`PostgresStore`;
- :mod:`~yuqing_core.store.postgres.sql`: the statements only PostgreSQL says;
- :mod:`~yuqing_core.store.postgres.migrate`: the versioned migrations, applied explicitly;
- :mod:`~yuqing_core.store.postgres.listen`: :class:`DueListener`, the wake-ups.

Importing this package imports psycopg; ``import yuqing_core`` does not (``yq.PostgresStore``
is looked up on first use).
"""

from .listen import DueListener
from .migrate import LATEST, check_schema, migrate, schema_version
from .store import PostgresStore

__all__ = ["LATEST", "DueListener", "PostgresStore", "check_schema", "migrate", "schema_version"]
