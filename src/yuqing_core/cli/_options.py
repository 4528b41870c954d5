"""What several commands share: the parser every command uses, the ``--policy`` and
``--allow-projection`` options, and how a time or a duration on the command line is read.

One rule for times on the command line: a time with an offset (``2025-09-30T10:00+08:00``,
``...Z``) is that instant; a time without one (``2025-09-30T10:00``) is read in the zone of
the policy's calendar (``Asia/Shanghai`` unless the policy sets ``[calendar] timezone``), and
the command says so. Times inside input files (``yuqing simulate``) must carry their offset.
"""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, NoReturn

from ..errors import CalendarCoverageError, PolicyError

if TYPE_CHECKING:
    from ..api import Policy
    from ..time import WorkCalendar
    from ..time.duration import Duration

__all__ = [
    "COMMANDS",
    "NAIVE_RULE",
    "Parser",
    "UsageError",
    "add_policy_option",
    "add_projection_option",
    "calendar_of",
    "day_or_instant",
    "duration",
    "in_zone",
    "instant",
    "usage",
    "with_flag_hint",
]

COMMANDS: Final[dict[str, str]] = {
    "demo": "run bundled presets on their sample incidents and print the timelines",
    "check": "validate policy files; exit 1 on any error",
    "diagram": "print a policy's workflow as a Mermaid state diagram",
    "simulate": "run a policy over incidents and events given as JSON Lines",
    "schema": "print the JSON Schema of policy files (for editors), or a reference page",
    "due": "the due instant of a duration from a start (期限计算)",
    "calendar": "a month of the working calendar, with deadlines from today (工作日历)",
    "presets": "list the shipped presets, or show one preset's rules",
    "conformance": "write the conformance vectors (the preset scenarios as JSON, for an "
    "implementation in another language), or check the library against them",
    "db": "manage the PostgreSQL database of the event store (migrate)",
    "serve": "serve policies, cases and deadlines over HTTP/JSON (needs YUQING_TOKEN set and "
    "the 'serve' extra)",
}
"""Each command and its line in ``yuqing --help``, in the order it lists them: the parser of
a command is built only when that command runs (its module imports what it needs)."""

NAIVE_RULE = (
    "a time without an offset (2025-09-30T10:00) is read in the zone of the policy's calendar "
    "(Asia/Shanghai unless the policy sets [calendar] timezone)"
)
"""The rule for times on the command line, as ``--help`` states it."""

_EXAMPLE = "write 2025-09-30T10:00+08:00, or 2025-09-30T10:00 in the calendar's zone"


class UsageError(Exception):
    """The command line itself is wrong (exit 2): an unknown option, a missing argument, a
    value that is not of the form its argument takes."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``main`` prints them) and which reads
    ``-3h`` as a value, not as an option: no option of ``yuqing`` starts with a digit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # argparse takes an argument for a value, not an option, when this matches it and
        # no option looks like a negative number. Its own pattern matches only numbers.
        self._negative_number_matcher = re.compile(r"^-\d")

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("yuqing").strip()
        where = f"{command}: " if command else ""
        raise UsageError(f"{where}{message}; see {self.prog} --help")


def add_policy_option(
    parser: argparse.ArgumentParser, *, required: bool = False, default: str = ""
) -> None:
    parser.add_argument(
        "--policy",
        metavar="NAME_OR_FILE",
        required=required,
        help="a preset name or a .toml/.json policy file" + (f" ({default})" if default else ""),
    )


def add_projection_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-projection",
        action="store_true",
        help="count years past the official schedule by rule (statutory holidays, no 调休 "
        "swaps), marked 推定 projected, instead of refusing them",
    )


def calendar_of(
    policy_ref: str | None, *, allow_projection: bool = False
) -> tuple[WorkCalendar, Policy | None]:
    """The calendar of the policy named (the official calendar when none is), projecting past
    the known years when asked."""
    # Lazy: start-up time; `yuqing --help` loads no policy, calendar or pydantic model.
    from ..presets import resolve as resolve_policy

    # Lazy: start-up time, as above.
    from ..time import WorkCalendar

    policy = None if policy_ref is None else resolve_policy(policy_ref)
    cal = WorkCalendar.china() if policy is None else policy.calendar
    return (cal.with_projection() if allow_projection else cal), policy


def with_flag_hint(e: CalendarCoverageError) -> CalendarCoverageError:
    """``e`` with the hint the command line can act on: the library's message suggests
    ``allow_projection=True``; here that is ``--allow-projection``."""
    head, sep, hint = str(e).rpartition("; ")
    if not sep or "allow_projection" not in hint:
        return e
    return CalendarCoverageError(
        f"{head}; upgrade holidays, add the year's notice file ([calendar] notices), or pass "
        "--allow-projection to count it by rule",
        year=e.year,
        last_covered_year=e.last_covered_year,
    )


# -- values ------------------------------------------------------------------------------


def instant(text: str) -> datetime:
    """An ISO date and time, with or without an offset (see :func:`in_zone`)."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO datetime ({_EXAMPLE})") from None


def day_or_instant(text: str) -> date | datetime:
    """An ISO date (``2025-09-30``), or a date and time as :func:`instant` reads it."""
    if "T" not in text and " " not in text:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not an ISO date or datetime (write 2025-09-30, or "
                "2025-09-30T10:00 to count from that time)"
            ) from None
    return instant(text)


def in_zone(at: datetime, cal: WorkCalendar) -> tuple[datetime, bool]:
    """``at``, read in ``cal``'s zone when it has no offset; and whether it had none."""
    if at.tzinfo is None or at.utcoffset() is None:
        return at.replace(tzinfo=cal.zone), True
    return at, False


def duration(text: str) -> Duration:
    """A duration as a policy writes it; a negative one is refused by name."""
    if text.startswith("-"):
        raise argparse.ArgumentTypeError(
            f"{text!r} is negative: a time limit counts forward from its start (write {text[1:]})"
        )
    # Lazy: start-up time; `yuqing --help` loads no pydantic model.
    from ..time.duration import Duration

    try:
        return Duration.parse(text)
    except PolicyError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def usage(message: str) -> NoReturn:
    """Stop with a usage error found after the arguments were parsed."""
    raise UsageError(message)
