"""Official notices as data: a year's rest days and 调休 make-up working days, added before
the ``holidays`` package ships them (国务院办公厅关于某年部分节假日安排的通知).

A notice file is TOML (the start of the State Council's notice for 2026)::

    year = 2026
    source = "国务院办公厅关于2026年部分节假日安排的通知"

    [[holidays]]
    name = "元旦"
    rest_days = [2026-01-01, 2026-01-02, 2026-01-03]
    work_days = [2026-01-04]

    [[holidays]]
    name = "春节"
    rest_days = [2026-02-15, 2026-02-16, ..., 2026-02-23]
    work_days = [2026-02-14, 2026-02-28]

``rest_days`` and ``work_days`` may also stand at the top level for days that belong to no
named holiday. The rules, each broken one a :class:`~yuqing_core.PolicyError` naming the file
and the key (``holidays[1].work_days[0]``):

- ``year`` is a whole number from 1950 to 2099 and ``source`` says where the arrangement is
  published; no other keys;
- every day lies in ``year`` or in the December before it (the 2008 notice moved
  Sat 29 Dec and Mon 31 Dec 2007; ``holidays`` lists such a day with the year it serves);
- a make-up working day is a Saturday or a Sunday;
- a rest day is a weekday, except that a Saturday or Sunday inside a listed span of rest
  days that holds a weekday is accepted (the notices list whole holidays, "2月15日至23日放假");
  such a day is a rest day anyway, so only :attr:`OfficialNotice.days_off` and
  :attr:`OfficialNotice.days_on` change the calendar;
- no day is listed twice;
- every statutory holiday of ``year`` (by ``holidays``' rules) that falls on a weekday is a
  rest day: the law fixes those, a notice only moves weekends around them.

A notice for year N settles year N and, with it, the December of N-1. Against the installed
data (:func:`notice_problems`): a notice for a year ``holidays`` covers must agree with it (it
is accepted, and changes nothing); a notice for a later year must follow the official data
or another notice year by year; two notices for one year must be the same.

>>> n = OfficialNotice.from_data({"year": 2027, "source": "an example, not a real notice",
...     "rest_days": ["2027-01-01", "2027-02-05", "2027-02-08", "2027-04-05", "2027-06-09",
...                   "2027-09-15", "2027-10-01"]})
>>> sorted(n.days_off)[:2], n.days_on
([datetime.date(2027, 1, 1), datetime.date(2027, 2, 5)], frozenset())
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any, Final

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from ..errors import PolicyError, error_message, format_loc
from .official import (
    MAX_YEAR,
    MIN_YEAR,
    official_first_year,
    official_flags,
    official_last_year,
    statutory_days,
)

__all__ = [
    "NoticeHoliday",
    "Notices",
    "OfficialNotice",
    "apply_notices",
    "load_notice",
    "notice_problems",
    "resolve_notices",
]

_WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LAST_ORDINAL: Final = date.max.toordinal()
_MAX_SHOWN: Final = 5
"""How many days that disagree with the official data an error lists."""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _a_day(value: Any) -> date:
    """A date as a notice writes it: a TOML date or ``"2027-01-01"``; nothing with a time."""
    if isinstance(value, datetime):
        raise ValueError(f"{_short(value)} has a time of day; write a date such as 2027-01-01")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{_short(value)} is not a date (write 2027-01-01)")


Day = Annotated[date, BeforeValidator(_a_day)]
Days = tuple[Day, ...]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class NoticeHoliday(_Model):
    """One holiday of a notice (``[[holidays]]``): its name, rest days and make-up days."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    """The holiday's name as the notice gives it (``"春节"``)."""
    rest_days: Days = ()
    """Its rest days: the whole span, weekend days included."""
    work_days: Days = ()
    """Its make-up working days (调休上班), each a Saturday or a Sunday."""


class OfficialNotice(_Model):
    """One year's official arrangement (放假调休安排), validated and immutable.

    Build it with :func:`load_notice` (from a file) or ``OfficialNotice.model_validate``
    (from a dict). The calendar reads only :attr:`days_off` and :attr:`days_on`.
    """

    year: Annotated[int, Field(strict=True, ge=MIN_YEAR, le=MAX_YEAR)]
    """The year the notice arranges."""
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    """Where the arrangement is published (the notice's title, a document number)."""
    rest_days: Days = ()
    """Rest days that belong to no named holiday."""
    work_days: Days = ()
    """Make-up working days that belong to no named holiday."""
    holidays: tuple[NoticeHoliday, ...] = ()
    """The named holidays, each with its rest days and make-up working days."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, file: str | None = None) -> OfficialNotice:
        """``data`` (a notice file's table) validated; every problem is a
        :class:`~yuqing_core.PolicyError` naming ``file`` and the key."""
        try:
            return cls.model_validate(data)
        except ValidationError as e:
            raise PolicyError.from_problems(list(_problems(e, file))) from None

    @model_validator(mode="after")
    def _days_follow_the_rules(self) -> OfficialNotice:
        problems = list(_day_problems(self))
        if problems:
            raise PolicyError.from_problems([(None, key, msg) for key, msg in problems])
        return self

    def listed(self) -> Iterator[tuple[str, date, bool]]:
        """Every day listed, as ``(key path, day, is a rest day)``, in the file's order."""
        groups: list[tuple[str, Days, bool]] = [
            ("rest_days", self.rest_days, True),
            ("work_days", self.work_days, False),
        ]
        for i, h in enumerate(self.holidays):
            groups += [
                (f"holidays[{i}].rest_days", h.rest_days, True),
                (f"holidays[{i}].work_days", h.work_days, False),
            ]
        for prefix, days, rest in groups:
            for j, day in enumerate(days):
                yield f"{prefix}[{j}]", day, rest

    @property
    def days_off(self) -> frozenset[date]:
        """The weekdays the notice makes rest days: what it changes to rest."""
        return frozenset(d for _, d, rest in self.listed() if rest and d.weekday() < 5)

    @property
    def days_on(self) -> frozenset[date]:
        """The weekend days the notice makes working days (调休上班)."""
        return frozenset(d for _, d, rest in self.listed() if not rest)

    @property
    def names(self) -> dict[date, str]:
        """The rest days of the named holidays, weekend days of their spans included."""
        return {d: h.name for h in self.holidays for d in h.rest_days}


# -- the rules of one notice -------------------------------------------------------------------


def _day_problems(n: OfficialNotice) -> Iterator[tuple[str, str]]:
    seen: dict[date, str] = {}
    spans = {
        prefix: _spans(days)
        for prefix, days in [
            ("rest_days", n.rest_days),
            *((f"holidays[{i}].rest_days", h.rest_days) for i, h in enumerate(n.holidays)),
        ]
    }
    for key, day, rest in n.listed():
        if day in seen:
            yield key, f"{day} is listed twice (also at {seen[day]})"
            continue
        seen[day] = key
        if not (day.year == n.year or (day.year == n.year - 1 and day.month == 12)):
            yield (
                key,
                (
                    f"{day} is outside the notice's year: a notice for {n.year} lists days of "
                    f"{n.year} and of December {n.year - 1}"
                ),
            )
        elif not rest and day.weekday() < 5:
            yield (
                key,
                (
                    f"{day} is a {_WEEKDAYS[day.weekday()]}: a make-up working day is a Saturday "
                    "or a Sunday"
                ),
            )
        elif rest and day.weekday() >= 5 and day not in spans[key.rsplit("[", 1)[0]]:
            yield (
                key,
                (
                    f"{day} is a {_WEEKDAYS[day.weekday()]}, a rest day anyway: list a weekend "
                    "day only inside a span of rest days that holds a weekday"
                ),
            )
    listed_off = {d for _, d, rest in n.listed() if rest}
    missing = sorted(d for d in statutory_days(n.year) if d.weekday() < 5 and d not in listed_off)
    if missing:
        days = ", ".join(f"{d} ({_WEEKDAYS[d.weekday()]})" for d in missing)
        yield (
            "rest_days",
            (
                f"the statutory holidays {days} are not listed as rest days; the law fixes them, "
                "a notice only moves weekends around them"
            ),
        )


def _spans(days: Sequence[date]) -> frozenset[date]:
    """The weekend days of ``days`` that lie in a run of consecutive listed days holding a
    weekday."""
    listed = set(days)
    out: set[date] = set()
    for day in listed:
        if day.weekday() < 5 or day in out:
            continue
        run = _run_of(day, listed)
        if any(d.weekday() < 5 for d in run):
            out.update(run)
    return frozenset(out)


def _run_of(day: date, listed: set[date]) -> list[date]:
    lo = hi = day.toordinal()
    while lo > 1 and date.fromordinal(lo - 1) in listed:
        lo -= 1
    while hi < _LAST_ORDINAL and date.fromordinal(hi + 1) in listed:
        hi += 1
    return [date.fromordinal(o) for o in range(lo, hi + 1)]


# -- reading a file ----------------------------------------------------------------------------


def load_notice(path: str | os.PathLike[str]) -> OfficialNotice:
    """The notice in the TOML file ``path``, validated. Every problem is a
    :class:`~yuqing_core.PolicyError` whose ``problems`` name the file and the key."""
    shown = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise PolicyError.from_problems([(shown, "", "no such notice file")]) from None
    except OSError as e:
        raise PolicyError.from_problems([(shown, "", f"cannot be read ({e.strerror})")]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError:
        raise PolicyError.from_problems([(shown, "", "is not UTF-8 text")]) from None
    except tomllib.TOMLDecodeError as e:
        raise PolicyError.from_problems([(shown, "", f"is not valid TOML: {e}")]) from None
    return OfficialNotice.from_data(data, file=shown)


def _problems(e: ValidationError, file: str | None) -> Iterator[tuple[str | None, str, str]]:
    for err in e.errors():
        cause = (err.get("ctx") or {}).get("error")
        loc = format_loc(err["loc"])
        if isinstance(cause, PolicyError) and cause.problems:
            for _, key, msg in cause.problems:
                yield file, ".".join(p for p in (loc, key) if p), msg
        elif err.get("type") == "extra_forbidden":
            yield file, loc, "unknown key"
        elif err.get("type") == "missing":
            yield file, loc, "required key is missing"
        else:
            yield file, loc, error_message(err)


# -- notices against the installed data and each other -----------------------------------------


def notice_problems(notices: Sequence[OfficialNotice]) -> list[tuple[int, str, str]]:
    """What is wrong with using ``notices`` together on the installed ``holidays`` data, as
    ``(index into notices, key path, message)``: nothing for a usable set."""
    first, last = official_first_year(), official_last_year()
    problems: list[tuple[int, str, str]] = []
    by_year: dict[int, int] = {}
    for i, n in enumerate(notices):
        j = by_year.setdefault(n.year, i)
        if j != i and notices[j] != n:
            problems.append((i, "year", f"a second notice for {n.year} differs from the first"))
    years = set(by_year)
    for i, n in ((i, notices[i]) for i in by_year.values()):
        if n.year < first:
            problems.append(
                (
                    i,
                    "year",
                    f"{n.year} is before the official data ({first}-{last}); notices "
                    "add the years after it",
                )
            )
        elif n.year <= last:
            problems += [(i, key, msg) for key, msg in _disagreements(n)]
        elif n.year - 1 > last and n.year - 1 not in years:
            problems.append(
                (
                    i,
                    "year",
                    f"there is no notice for {n.year - 1}: notices must follow the "
                    f"official data ({first}-{last}) year by year",
                )
            )
        before = by_year.get(n.year - 1)
        if before is not None:
            problems += [(i, key, msg) for key, msg in _clashes(n, notices[before])]
    return problems


def _disagreements(n: OfficialNotice) -> list[tuple[str, str]]:
    """Where a notice for a year ``holidays`` covers differs from it. The December days the
    notice does not list are left out: the next year's notice may have moved them."""
    flags = official_flags(n.year - 1, n.year)
    base = date(n.year - 1, 1, 1).toordinal()
    keys = {day: key for key, day, _ in n.listed()}
    off, on = n.days_off, n.days_on
    wrong: list[tuple[str, str]] = []
    start, end = date(n.year - 1, 12, 1).toordinal(), date(n.year, 12, 31).toordinal()
    for o in range(start, end + 1):
        day = date.fromordinal(o)
        if day not in keys and (day.month == 12):
            continue
        mine = 0 if day in off else 1 if day in on else int(day.weekday() < 5)
        if mine != flags[o - base]:
            theirs = "a working day" if flags[o - base] else "a rest day"
            key = keys.get(day) or ("rest_days" if mine else "work_days")
            wrong.append((key, f"{day} is {theirs} in the official data"))
    if not wrong:
        return []
    shown = "; ".join(msg for _, msg in wrong[:_MAX_SHOWN])
    more = f" (and {len(wrong) - _MAX_SHOWN} more)" if len(wrong) > _MAX_SHOWN else ""
    return [
        (
            wrong[0][0],
            f"the notice for {n.year} disagrees with holidays {version('holidays')}, which "
            f"covers {n.year}: {shown}{more}; a notice for a covered year must agree with it",
        )
    ]


def _clashes(n: OfficialNotice, before: OfficialNotice) -> Iterator[tuple[str, str]]:
    """The December days both ``n`` and the notice for the year before list, differently."""
    theirs = {day: rest for _, day, rest in before.listed()}
    for key, day, rest in n.listed():
        if day.year < n.year and day in theirs and theirs[day] != rest:
            what = "a rest day" if theirs[day] else "a working day"
            yield key, f"{day} is {what} in the notice for {before.year}"


Notices = (
    Iterable[OfficialNotice | str | os.PathLike[str]] | OfficialNotice | str | os.PathLike[str]
)
"""Official notices, or paths of notice files: one, or several."""


def resolve_notices(
    notices: Notices,
) -> tuple[OfficialNotice, ...]:
    """``notices`` (notices, or paths of notice files) loaded, checked against the installed
    data and each other, and ordered by year (a repeated identical notice once)."""
    if isinstance(notices, OfficialNotice | str | os.PathLike):
        notices = (notices,)
    loaded: list[OfficialNotice] = []
    files: list[str | None] = []
    for i, item in enumerate(notices):
        if isinstance(item, OfficialNotice):
            loaded.append(item)
            files.append(None)
        elif isinstance(item, str | os.PathLike):
            loaded.append(load_notice(item))
            files.append(os.fspath(item))
        else:
            raise PolicyError(
                f"notices[{i}]: expected an OfficialNotice or the path of a notice file, "
                f"not {type(item).__name__}"
            )
    problems = notice_problems(loaded)
    if problems:
        raise PolicyError.from_problems(
            [(files[i], key, _named(loaded[i], files[i], msg)) for i, key, msg in problems]
        )
    return tuple(sorted({n.year: n for n in loaded}.values(), key=lambda n: n.year))


def _named(n: OfficialNotice, file: str | None, msg: str) -> str:
    """``msg``, saying which notice it is about when no file names it."""
    return msg if file is not None or msg.startswith("the notice") else f"notice {n.year}: {msg}"


# -- the calendar's days -----------------------------------------------------------------------


def apply_notices(flags: bytearray, base: int, notices: Sequence[OfficialNotice]) -> None:
    """Put ``notices`` (ordered by year) into ``flags`` (1 working, 0 rest, for the days from
    ordinal ``base`` on): a year past the official data is counted afresh, weekdays working
    and weekends resting, and then the notice's days; the December days it lists in the year
    before are set too. A notice for an official year agrees with it and changes nothing."""
    last = official_last_year()
    end = base + len(flags) - 1
    for n in notices:
        if n.year <= last:
            continue
        lo = max(date(n.year, 1, 1).toordinal(), base)
        hi = min(date(n.year, 12, 31).toordinal(), end)
        for o in range(lo, hi + 1):
            # date.fromordinal(1) is a Monday, so (ordinal - 1) % 7 is the weekday.
            flags[o - base] = 1 if (o - 1) % 7 < 5 else 0
        for day in n.days_off:
            if base <= day.toordinal() <= end:
                flags[day.toordinal() - base] = 0
        for day in n.days_on:
            if base <= day.toordinal() <= end:
                flags[day.toordinal() - base] = 1
