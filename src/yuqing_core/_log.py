"""The library's logger (日志): ``logging.getLogger("yuqing_core")``, with a ``NullHandler``.

The library never configures logging; a host that wants the records attaches its own handler.
Each record carries structured fields as attributes (``case_id``, ``trigger``, ``version``,
``obligation_id``, ``rule``), set through ``extra``, and a message made of the same ids: never
personal data (names, phones, account ids) and never free text a user typed.

>>> LOGGER.name, any(isinstance(h, logging.NullHandler) for h in LOGGER.handlers)
('yuqing_core', True)
"""

from __future__ import annotations

import logging

__all__ = ["LOGGER"]

LOGGER = logging.getLogger("yuqing_core")
LOGGER.addHandler(logging.NullHandler())
