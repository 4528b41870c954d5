"""The store's cases as a Django model (案件模型): ``StoredCase``, for the admin and queries.

Unmanaged (``managed = False``): the table ``yq_cases`` is the store's, made by the app's
migrations from the store's own DDL (:mod:`~yuqing_core.contrib.django.tables`), and written
only by a store's ``save``. One row per case: its policy, version, state, severity and unit,
never personal data. A case itself is read with :meth:`DjangoStore.load
<yuqing_core.contrib.django.store.DjangoStore.load>`. Only the ``view`` permission exists,
and the model writes nothing: ``save``, ``delete`` and the queryset's writes raise.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from ...errors import StoreError

__all__ = ["ReadOnlyQuerySet", "StoredCase"]


def _refuse(what: str) -> StoreError:
    return StoreError(
        f"yq_cases is read only through Django ({what} refused): a case changes only by the "
        "events a store saves"
    )


class ReadOnlyQuerySet(models.QuerySet["StoredCase"]):
    """Reads only: ``update``, ``delete`` and the bulk writes raise
    :class:`~yuqing_core.StoreError`."""

    def update(self, **kwargs: Any) -> int:
        raise _refuse("update")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse("delete")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[StoredCase]:
        raise _refuse("bulk_create")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise _refuse("bulk_update")


class StoredCase(models.Model):
    """One row of ``yq_cases``; ``save`` and ``delete`` raise :class:`~yuqing_core.StoreError`."""

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

    objects = ReadOnlyQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "yq_cases"
        ordering = ("case_id",)
        default_permissions = ("view",)
        verbose_name = "舆情案件 case"
        verbose_name_plural = "舆情案件 cases"

    def __str__(self) -> str:
        return self.case_id

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise _refuse("save")

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse("delete")
