"""The duty roster's tables (SQLite schema 5, PostgreSQL migration 3): the store's own upgrade."""

from django.db import migrations

from ..tables import ApplyStoreSchema


class Migration(migrations.Migration):
    dependencies = [("yuqing_core", "0001_initial")]

    operations = [ApplyStoreSchema()]
