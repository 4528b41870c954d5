"""The store's records in the ``yuqing_core`` logger: saves, refused saves, provisional deadlines.

Ids only (case, obligation, rule), never event data: see :mod:`yuqing_core._log`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from .._log import LOGGER
from ..errors import DuplicateCaseError
from ..workflow.case import Case
from .rows import OpenObligationRow

__all__ = ["log_refused_save", "log_saved"]


def log_saved(case: Case, written: int, open_rows: Sequence[OpenObligationRow]) -> None:
    if not written or not LOGGER.isEnabledFor(logging.INFO):
        return
    fields = {"case_id": case.id, "version": case.version}
    LOGGER.info(
        "saved case %s: %d events, version %d", case.id, written, case.version, extra=fields
    )
    for row in open_rows:
        if row.provisional:
            LOGGER.info(
                "provisional deadline: case %s %s (%s) due %s",
                case.id,
                row.obligation_id,
                row.rule,
                row.due_at,
                extra={**fields, "obligation_id": row.obligation_id, "rule": row.rule},
            )


def log_refused_save(case: object, error: Exception) -> None:
    case_id = case.id if isinstance(case, Case) else None
    kind = "duplicate id" if isinstance(error, DuplicateCaseError) else "conflict"
    LOGGER.warning("save refused (%s): case %s", kind, case_id, extra={"case_id": case_id})
