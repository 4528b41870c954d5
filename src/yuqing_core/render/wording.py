"""Wording the renderers share: deadline statuses, weekdays, and Markdown cells and tables.

Wording a lower layer needs too lives with its concept: a duration's Chinese is
:meth:`~yuqing_core.Duration.zh`, a band's :meth:`~yuqing_core.policy.schema.Band.describe_zh`,
the metrics' names :data:`~yuqing_core.model.incident.METRIC_LABELS`, and a level's the policy's
``level_label``.

>>> status_mark("met"), status_mark("late")
('✓', '⚠ 逾期 late')
>>> md_cell("后勤|保卫")
'后勤\\\\|保卫'
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

__all__ = [
    "PROVISIONAL",
    "STATUS_ORDER",
    "WEEKDAYS_ZH",
    "md_cell",
    "md_table",
    "md_text",
    "naive_note",
    "one_line",
    "status_legend",
    "status_mark",
    "status_name",
    "weekday_zh",
]


# -- deadline statuses -----------------------------------------------------------------------

STATUS_ORDER: Final = ("met", "late", "breached", "due_soon", "pending")
"""The statuses of a deadline, in the order legends and tallies list them."""


@dataclass(frozen=True, slots=True)
class _StatusWords:
    symbol: str
    short: str
    """What a legend says, and a timeline after the symbol when ``loud``."""
    long: str
    """What a tally says."""
    loud: bool
    """A timeline spells the status out, not just its symbol: it calls for an answer."""


_STATUS_WORDS: Final = {
    "met": _StatusWords("✓", "按时 met", "按时 met", loud=False),
    "late": _StatusWords("⚠", "逾期 late", "逾期履行 late", loud=True),
    "breached": _StatusWords("✗", "超时 BREACHED", "超时未履行 breached", loud=True),
    "due_soon": _StatusWords("!", "临近 due soon", "临近 due soon", loud=False),
    "pending": _StatusWords("…", "未到期 pending", "未到期 pending", loud=False),
    "waived": _StatusWords("○", "免除 waived", "已免除 waived", loud=True),
}


def status_mark(status: str) -> str:
    """The mark a timeline shows for a status; anything else (an event's ``""``) as is."""
    words = _STATUS_WORDS.get(status)
    if words is None:
        return status
    return f"{words.symbol} {words.short}" if words.loud else words.symbol


def status_legend() -> str:
    """One line explaining every status mark.

    >>> status_legend()
    '✓ 按时 met  ⚠ 逾期 late  ✗ 超时 BREACHED  ! 临近 due soon  … 未到期 pending'
    """
    return "  ".join(f"{w.symbol} {w.short}" for w in map(_STATUS_WORDS.get, STATUS_ORDER) if w)


def status_name(status: str) -> str:
    """A status as a tally names it: ``逾期履行 late``."""
    return _STATUS_WORDS[status].long


UNTIMED: Final = "无时限 no deadline"
"""What a timeline says of an obligation without ``within``: ordered, not timed."""

PROVISIONAL: Final = "暂定 provisional"
"""The mark after a due instant that rests on days the official calendar does not settle yet
(a later year, or the December of the last known year): it may move once the notice is known.
Nothing is marked where nothing is provisional."""


# -- dates -----------------------------------------------------------------------------------

_WEEKDAY_NUMERALS: Final = "一二三四五六日"
WEEKDAYS_ZH: Final = tuple(f"周{n}" for n in _WEEKDAY_NUMERALS)
"""Monday to Sunday as a calendar heads them: ``周一`` to ``周日``."""


def weekday_zh(day: date, *, long: bool = False) -> str:
    """The weekday of ``day``: ``周二``, or ``星期二`` when ``long``."""
    numeral = _WEEKDAY_NUMERALS[day.weekday()]
    return f"星期{numeral}" if long else f"周{numeral}"


def naive_note(name: str, zone: str) -> str:
    """What a command says when a time it was given (``name``: ``START``, ``--now``) had no
    offset and was read in the calendar's ``zone``.

    >>> naive_note("START", "Asia/Shanghai")
    '注意 note: START 未带时区，按 Asia/Shanghai 理解 / START has no offset; read in Asia/Shanghai'
    """
    return f"注意 note: {name} 未带时区，按 {zone} 理解 / {name} has no offset; read in {zone}"


# -- Markdown --------------------------------------------------------------------------------


def one_line(text: str) -> str:
    """``text`` with every run of white space, line breaks included, as one space."""
    return " ".join(text.split())


def md_cell(text: str) -> str:
    """``text`` made safe for one Markdown table cell: a pipe or a line break would end it."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


_MD_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>|])")


def md_text(text: str) -> str:
    """``text`` on one line with what would change the Markdown's structure (or inject HTML)
    escaped: for free text such as titles, anywhere in a document."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))


def md_table(
    head: Sequence[str], rows: Iterable[Sequence[str]], *, numeric: Collection[int] = ()
) -> list[str]:
    """The lines of a Markdown table of cells already made safe; ``numeric`` columns (by
    index) are aligned right."""
    rule = " | ".join("---:" if i in numeric else "---" for i in range(len(head)))
    lines = ["| " + " | ".join(head) + " |", f"| {rule} |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines
