"""The app's configuration (应用配置): label ``yuqing_core``."""

from __future__ import annotations

from django.apps import AppConfig

__all__ = ["YuqingConfig"]


class YuqingConfig(AppConfig):
    """``yuqing_core.contrib.django``; its tables keep the store's names (``yq_*``)."""

    name = "yuqing_core.contrib.django"
    label = "yuqing_core"
    verbose_name = "网络舆情 yuqing_core"
    default_auto_field = "django.db.models.BigAutoField"
