"""The store's cases as a Django model (案件模型): ``StoredCase``, for the admin and queries.

Unmanaged (``managed = False``): the table ``yq_cases`` is the store's, made by the app's
migrations from the store's own DDL (:mod:`~yuqing_core.contrib.django.tables`), and written
only by a store's ``save``. One row per case: its policy, version, state, severity and unit,
never personal data. A case itself is read with :meth:`DjangoStore.load
<yuqing_core.contrib.django.store.DjangoStore.load>`. Only the ``view`` permission exists.
"""

from __future__ import annotations

from django.db import models

__all__ = ["StoredCase"]


class StoredCase(models.Model):
    """One row of ``yq_cases``."""

    case_id: models.TextField[str, str] = models.TextField("案件编号 case id", primary_key=True)
    policy: models.TextField[str, str] = models.TextField("制度 policy")
    version: models.IntegerField[int, int] = models.IntegerField("版本 version")
    state: models.TextField[str, str] = models.TextField("阶段 state")
    severity: models.TextField[str, str] = models.TextField("级别 severity")
    unit: models.TextField[str | None, str | None] = models.TextField("承办单位 unit", null=True)
    updated_at: models.TextField[str, str] = models.TextField("最近事件 updated at")
    fingerprint: models.TextField[str | None, str | None] = models.TextField(
        "制度版本 policy version", null=True
    )

    class Meta:
        managed = False
        db_table = "yq_cases"
        ordering = ("case_id",)
        default_permissions = ("view",)
        verbose_name = "舆情案件 case"
        verbose_name_plural = "舆情案件 cases"

    def __str__(self) -> str:
        return self.case_id
