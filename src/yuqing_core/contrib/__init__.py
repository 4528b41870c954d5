"""Integrations with host frameworks (宿主框架集成), each an optional extra.

- :mod:`~yuqing_core.contrib.django`: a reusable Django app (extra ``django``): cases in the
  host's database and transactions, a read-only admin, the runner as a management command, and
  a permission hook.

Nothing below this package imports it; importing it imports no framework.
"""
