"""The Django app (Django 应用): ``yuqing_core.contrib.django`` in ``INSTALLED_APPS``.

- :mod:`~yuqing_core.contrib.django.store`: :class:`DjangoStore`, the event store on a Django
  database connection, inside ``transaction.atomic()`` (a host's transaction includes a save);
- :mod:`~yuqing_core.contrib.django.tables`: the migration operation that brings the store's
  tables to this yuqing_core's schema (the store's own DDL, one home);
- :mod:`~yuqing_core.contrib.django.models`: ``StoredCase``, an unmanaged model of ``yq_cases``;
- :mod:`~yuqing_core.contrib.django.admin`: the read-only admin of cases (timeline,
  accountability);
- :mod:`~yuqing_core.contrib.django.permissions`: which users may fire which triggers
  (``YUQING_ROLES``), :func:`fire` and :func:`allowed_triggers`;
- :mod:`~yuqing_core.contrib.django.conf`: the app's settings (``YUQING_*``);
- ``manage.py yuqing_run``: the runner on a :class:`DjangoStore`
  (:mod:`~yuqing_core.contrib.django.management.commands.yuqing_run`).

Needs the extra ``django`` (and ``postgres`` on PostgreSQL). This module imports nothing from
Django: :class:`DjangoStore` and :func:`fire` are imported when first named, so that Django can
import the app before its settings are read.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .permissions import allowed_triggers, fire, roles_of
    from .store import DjangoStore

__all__ = ["DjangoStore", "allowed_triggers", "fire", "roles_of"]


def __getattr__(name: str) -> Any:
    if name == "DjangoStore":
        # Lazy: Django reads this package before its settings and apps are ready.
        from .store import DjangoStore

        return DjangoStore
    if name in ("allowed_triggers", "fire", "roles_of"):
        # Lazy: as above.
        from . import permissions

        return getattr(permissions, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
