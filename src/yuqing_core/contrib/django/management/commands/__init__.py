"""``manage.py yuqing_run`` (:mod:`~yuqing_core.contrib.django.management.commands.yuqing_run`)."""
