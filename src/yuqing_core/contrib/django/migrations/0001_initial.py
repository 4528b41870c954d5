"""The store's tables (SQLite schema 4, PostgreSQL migration 2, or later) and ``StoredCase``."""

from django.db import migrations, models

from ..tables import ApplyStoreSchema


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        ApplyStoreSchema(),
        migrations.CreateModel(
            name="StoredCase",
            fields=[
                (
                    "case_id",
                    models.TextField(
                        primary_key=True, serialize=False, verbose_name="案件编号 case id"
                    ),
                ),
                ("policy", models.TextField(verbose_name="制度 policy")),
                ("version", models.IntegerField(verbose_name="版本 version")),
                ("state", models.TextField(verbose_name="阶段 state")),
                ("severity", models.TextField(verbose_name="级别 severity")),
                ("unit", models.TextField(null=True, verbose_name="承办单位 unit")),
                ("updated_at", models.TextField(verbose_name="最近事件 updated at")),
                (
                    "fingerprint",
                    models.TextField(null=True, verbose_name="制度版本 policy version"),
                ),
            ],
            options={
                "verbose_name": "舆情案件 case",
                "verbose_name_plural": "舆情案件 cases",
                "db_table": "yq_cases",
                "ordering": ("case_id",),
                "managed": False,
                "default_permissions": ("view",),
            },
        ),
    ]
