"""The app's migrations (应用迁移): each applies the store's own DDL
(:class:`~yuqing_core.contrib.django.tables.ApplyStoreSchema`) and records the unmanaged
models."""
