"""Event stores: where a host keeps its cases' events, and the indexes derived from them."""

from .sqlite import SCHEMA_VERSION, DueItem, SQLiteStore, time_key

__all__ = ["SCHEMA_VERSION", "DueItem", "SQLiteStore", "time_key"]
