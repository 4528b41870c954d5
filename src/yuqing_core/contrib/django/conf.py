"""The app's settings (应用设置), read from Django's ``settings`` when used.

- ``YUQING_DATABASE``: the alias of ``DATABASES`` that holds the store's tables (default
  ``"default"``);
- ``YUQING_ROLES``: ``(user) -> Iterable[str]``, the roles of a Django user (default: the
  names of the user's groups, :func:`group_names`);
- ``YUQING_CLOCK``: ``() -> datetime`` (aware), the host's clock, for the admin and
  ``yuqing_run`` (the library reads none; default ``django.utils.timezone.now``);
- ``YUQING_ON_DUE``: the runner's handler of due items, ``(item, now) -> None``;
- ``YUQING_ON_NOTICE``: the runner's handler of notices, ``(entry, now) -> str`` (the
  recipient);
- ``YUQING_ADMIN_PERSONAL``: the admin shows who recorded each event, which is personal data
  (default ``False``).

A callable setting is the callable or its dotted path (``"host.roles.of_user"``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from ..._dt import ensure_aware

__all__ = ["clock", "database", "group_names", "handler", "now", "personal", "roles_function"]


def database() -> str:
    """``YUQING_DATABASE``."""
    return str(getattr(settings, "YUQING_DATABASE", "default"))


def personal() -> bool:
    """``YUQING_ADMIN_PERSONAL``."""
    return bool(getattr(settings, "YUQING_ADMIN_PERSONAL", False))


def _callable(name: str, default: Callable[..., Any] | None) -> Callable[..., Any] | None:
    value = getattr(settings, name, None)
    if value is None:
        return default
    if isinstance(value, str):
        try:
            value = import_string(value)
        except ImportError as e:
            raise ImproperlyConfigured(f"{name}: cannot import {value!r} ({e})") from None
    if not callable(value):
        raise ImproperlyConfigured(f"{name} must be a callable or its dotted path")
    found: Callable[..., Any] = value
    return found


def group_names(user: Any) -> list[str]:
    """The default of ``YUQING_ROLES``: the names of the user's groups (none for an anonymous
    or inactive user)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    return sorted(user.groups.values_list("name", flat=True))


def roles_function() -> Callable[[Any], Iterable[str]]:
    """``YUQING_ROLES``."""
    found = _callable("YUQING_ROLES", group_names)
    assert found is not None
    return found


def clock() -> Callable[[], datetime]:
    """``YUQING_CLOCK``."""
    found = _callable("YUQING_CLOCK", timezone.now)
    assert found is not None
    return found


def now() -> datetime:
    """The host's clock read once (aware, else an error that says so)."""
    return ensure_aware(clock()(), "YUQING_CLOCK's instant")


def handler(name: str) -> Callable[..., Any] | None:
    """``YUQING_ON_DUE`` or ``YUQING_ON_NOTICE`` (``None`` when not set)."""
    return _callable(name, None)
