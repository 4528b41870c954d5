"""The store's tables in a Django database (数据表迁移): :class:`ApplyStoreSchema`.

One home for the schema: the operation applies the store's own DDL, never a copy. On SQLite it
runs :func:`yuqing_core.store.schema.install` (the tables of ``SCHEMA``, and the upgrades of an
older file, recorded in ``yq_meta``); on PostgreSQL it applies the SQL migrations the database
lacks (:func:`yuqing_core.store.postgres.migrate.apply_migrations`, recorded in
``yq_migrations``), exactly as ``yuqing db migrate`` does. Both bring the tables to this
yuqing_core's schema and are no-ops when they are there already, so a database first made by
:class:`~yuqing_core.SQLiteStore` or ``yuqing db migrate`` is taken over as it is.

A later schema of the store (new tables, new columns) needs one more app migration holding
``ApplyStoreSchema()`` again (and the unmanaged models of any new table): the store's own
upgrade steps do the work. The operation cannot be reversed: the tables hold the
accountability record, and a migration never drops it.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations import RunPython

from ...errors import StoreError
from ...store.schema import install

__all__ = ["ApplyStoreSchema", "apply_store_schema"]


def apply_store_schema(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Bring the store's tables on ``schema_editor``'s database to this yuqing_core's schema."""
    conn = schema_editor.connection
    where = f"Django database {conn.alias!r}"
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        install(conn.connection, where)
    elif conn.vendor == "postgresql":
        # Lazy: psycopg (extra `postgres`) only where the database is PostgreSQL.
        from ...store.postgres.migrate import apply_migrations

        with conn.cursor() as cur:
            apply_migrations(cur)
    else:
        raise StoreError(
            f"{where} is {conn.vendor}: yuqing_core keeps its tables on SQLite and PostgreSQL only"
        )


class ApplyStoreSchema(RunPython):
    """``RunPython`` of :func:`apply_store_schema`; irreversible, never elided."""

    def __init__(self) -> None:
        super().__init__(apply_store_schema, reverse_code=None, elidable=False)

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (f"{__name__}.ApplyStoreSchema", [], {})

    def describe(self) -> str:
        return "Bring the yuqing_core store's tables to this version's schema"
