"""Helpers shared by the test modules: plain functions and constants, never fixtures (those
live in ``conftest.py``). Test modules import from here and never from one another.

- Time and place: ``CST``, ``cst``, ``fmt`` and ``REPO`` (the repository root, for tests that
  read ``docs/``, ``examples/`` or the README).
- Policies written out in the tests: ``band``, ``S4`` and ``S8`` (the assessment rules of
  RULES S4 and S8 as plain data), ``S8_FLAGS``.
- Looking into a preset: ``D``, ``ob``, ``rule``, ``keys``, ``bands``; what it makes of some
  counts: ``assessed_grade`` (of a post made at ``POSTED``) and ``assessed_severity``.
- Official notices written out in the tests (never shipped, never real): ``TEST_NOTICE_2027``
  and ``notice_toml``; the weekdays ``holidays`` makes statutory holidays in 2027 and 2028
  (``STATUTORY_2027``, ``STATUTORY_2028``), which a notice for the year must rest on.
- Worked scenarios: each preset test module runs its preset over its bundled scenario
  (``data/presets/scenarios/<name>.jsonl``, the same file its documentation page's worked timeline
  is computed from) and compares what the library derives with values worked out by hand from
  RULES.md and the official calendar: ``run``, ``rows``, ``state_path``, ``as_of``.
- The same record under another policy: ``recorded_under`` (a case is pinned to the policy
  version it was opened under, so it is opened and fired again rather than replayed).
- Policy versions on park-message-board (RULES R5.1/R5.2): ``park_letter`` (the message
  board's letter), ``edited`` (the preset with other deadlines), ``table`` (every obligation
  with its due, met and breach instants) and ``SETTLED`` (the letter's settled obligations).
- Guarding against hangs: ``time_limit`` (raises ``TookTooLong``).
- Two writers at once: ``race`` (two processes save together; what each was told).
"""

from __future__ import annotations

import json
import multiprocessing
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yuqing_core as yq
from yuqing_core.simulate import run_scenario as run  # raises on any line it rejects

__all__ = [
    "CST",
    "POSTED",
    "REPO",
    "S4",
    "S8",
    "S8_FLAGS",
    "SETTLED",
    "STATUTORY_2027",
    "STATUTORY_2028",
    "TEST_NOTICE_2027",
    "D",
    "TookTooLong",
    "as_of",
    "assessed_grade",
    "assessed_severity",
    "band",
    "bands",
    "cst",
    "edited",
    "fmt",
    "keys",
    "notice_toml",
    "ob",
    "park_letter",
    "recorded_under",
    "rows",
    "rule",
    "run",
    "state_path",
    "table",
    "time_limit",
]

REPO = Path(__file__).resolve().parent.parent
"""The repository root (this file is ``tests/helpers.py``)."""

# -- time ---------------------------------------------------------------------------------

CST = ZoneInfo("Asia/Shanghai")


def cst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A datetime in China Standard Time."""
    return datetime(year, month, day, hour, minute, tzinfo=CST)


def fmt(at: datetime | None) -> str | None:
    """``YYYY-MM-DD HH:MM`` in China Standard Time (the form the expected values are written in)."""
    if at is None:
        return None
    return at.astimezone(CST).strftime("%Y-%m-%d %H:%M")


# -- policies written out in the tests: RULES S4 and S8 -----------------------------------


def band(metric: str, lo: int | None = None, hi: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"metric": metric}
    if lo is not None:
        out["min"] = lo
    if hi is not None:
        out["max"] = hi
    return out


S8_FLAGS = [
    "emergency",
    "public_safety",
    "food_safety",
    "public_health",
    "natural_disaster",
    "production_quality",
    "security_secrecy",
]

S8: dict[str, Any] = {
    "name": "s8",
    "title": "金盆山学校网络舆情处置办法",
    "assessment": {
        "rules": [
            {
                "id": "s8-general",
                "rule": "R8.1",
                "level": "general",
                "any_categories": ["suggestion", "inquiry"],
            },
            {
                "id": "s8-major-views",
                "rule": "R8.2",
                "level": "major",
                "any_metrics": [band("views", 1000, 2999)],
            },
            {
                "id": "s8-major-comments",
                "rule": "R8.2",
                "level": "major",
                "any_metrics": [band("comments", 100, 499)],
            },
            {
                "id": "s8-major-outlets",
                "rule": "R8.2",
                "level": "major",
                "any_metrics": [band("outlets", 1, 5)],
            },
            {
                "id": "s8-critical-views",
                "rule": "R8.3",
                "level": "critical",
                "any_metrics": [band("views", 3000)],
            },
            {
                "id": "s8-critical-comments",
                "rule": "R8.3",
                "level": "critical",
                "any_metrics": [band("comments", 500)],
            },
            {
                "id": "s8-critical-outlets",
                "rule": "R8.3",
                "level": "critical",
                "any_metrics": [band("outlets", 5)],
            },
            {"id": "s8-critical-flags", "rule": "R8.3", "level": "critical", "any_flags": S8_FLAGS},
        ]
    },
}

S4: dict[str, Any] = {
    "name": "s4",
    "title": "xx职业技术学校网络舆情监评制度",
    "assessment": {
        "grading": {"order": ["a", "b", "c"], "window": "3h"},
        "grades": [
            {
                "id": "s4-a",
                "rule": "R4.1",
                "grade": "a",
                "window": "3h",
                "any_metrics": [band("comments", None, 10)],
            },
            {
                "id": "s4-b",
                "rule": "R4.1",
                "grade": "b",
                "window": "3h",
                "any_metrics": [band("comments", 11, 49)],
            },
            {
                "id": "s4-c",
                "rule": "R4.1",
                "grade": "c",
                "window": "3h",
                "any_flags": ["high_attention"],
                "any_metrics": [band("comments", 50)],
            },
        ],
    },
}

# -- official notices written out in the tests ------------------------------------------

TEST_NOTICE_2027 = """\
# TEST ONLY. A plausible arrangement for 2027 made up for the tests, NOT the State Council's
# notice (which is not published as these tests are written). Its New Year follows the shape
# of the real 2026 notice: a weekday next to the holiday is swapped with the far weekend day.
year = 2027
source = "测试用安排，并非国务院通知 / test-only arrangement, not a State Council notice"

[[holidays]]
name = "元旦"
rest_days = [2026-12-31, 2027-01-01, 2027-01-02]
work_days = [2027-01-03]

[[holidays]]
name = "春节"
rest_days = [
  2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08, 2027-02-09,
  2027-02-10, 2027-02-11, 2027-02-12, 2027-02-13,
]
work_days = [2027-01-31, 2027-02-20]

[[holidays]]
name = "清明节"
rest_days = [2027-04-03, 2027-04-04, 2027-04-05]

[[holidays]]
name = "劳动节"
rest_days = [2027-05-01, 2027-05-02, 2027-05-03, 2027-05-04, 2027-05-05]
work_days = [2027-05-08]

[[holidays]]
name = "端午节"
rest_days = [2027-06-09]

[[holidays]]
name = "中秋节"
rest_days = [2027-09-15]

[[holidays]]
name = "国庆节"
rest_days = [
  2027-10-01, 2027-10-02, 2027-10-03, 2027-10-04, 2027-10-05, 2027-10-06, 2027-10-07,
]
work_days = [2027-09-26, 2027-10-09]
"""
"""A test-only notice for 2027: 31 Dec 2026 to 2 Jan 2027 off, Sun 3 Jan 2027 worked, and the
other holidays of the year with make-up days. Made up; never the State Council's."""


def notice_toml(year: int, source: str, rest: list[date], work: list[date]) -> str:
    """A notice file's text with top-level ``rest_days`` and ``work_days``."""

    def days(ds: list[date]) -> str:
        return "[" + ", ".join(d.isoformat() for d in ds) + "]"

    quoted = json.dumps(source, ensure_ascii=False)  # a JSON string is a TOML basic string
    return f"year = {year}\nsource = {quoted}\nrest_days = {days(rest)}\nwork_days = {days(work)}\n"


# The weekdays holidays' rules make statutory holidays in 2027: a notice must rest on them.
STATUTORY_2027 = [
    date(2027, 1, 1),
    date(2027, 2, 5),
    date(2027, 2, 8),
    date(2027, 4, 5),
    date(2027, 6, 9),
    date(2027, 9, 15),
    date(2027, 10, 1),
]

# The same for 2028 (Spring Festival's eve and first days, Qingming, Labour Day, National Day).
STATUTORY_2028 = [
    *(date(2028, 1, d) for d in (25, 26, 27, 28)),
    date(2028, 4, 4),
    date(2028, 5, 1),
    date(2028, 5, 2),
    date(2028, 10, 2),
    date(2028, 10, 3),
]

# -- looking into a preset ----------------------------------------------------------------


def D(text: str) -> yq.Duration:
    return yq.Duration.parse(text)


def ob(policy: yq.Policy, ident: str) -> Any:
    return policy.obligation_spec(ident)


def rule(policy: yq.Policy, ident: str) -> Any:
    return next(r for r in policy.spec.assessment.rules if r.id == ident)


def keys(levels: tuple[yq.Severity, ...]) -> tuple[str, ...]:
    return tuple(str(s) for s in levels)


def bands(item: Any) -> dict[str, tuple[int | None, int | None]]:
    return {b.metric: (b.min, b.max) for b in item.any_metrics}


POSTED = cst(2025, 10, 9, 9)
"""When the post ``assessed_grade`` grades was posted and found."""


def assessed_grade(policy: yq.Policy, at: datetime, **counts: int) -> str | None:
    """The grade ``policy`` gives at ``at`` to a post counted ``counts`` two hours in."""
    inc = yq.Incident(
        id="YQ-G",
        title="帖子",
        posted_at=POSTED,
        discovered_at=POSTED,
        metrics=[yq.Metrics(observed_at=POSTED + timedelta(hours=2), **counts)],
    )
    return policy.assess(inc, at=at).grade


def assessed_severity(policy: yq.Policy, **counts: int) -> yq.Severity | None:
    """The level ``policy`` gives to an incident counted ``counts`` when it is found."""
    t = cst(2025, 10, 9, 9)
    inc = yq.Incident(
        id="YQ-T", title="帖子", discovered_at=t, metrics=[yq.Metrics(observed_at=t, **counts)]
    )
    return policy.assess(inc).severity


# -- worked scenarios ---------------------------------------------------------------------

Row = tuple[str, str, str | None, str]


def rows(case: yq.Case, now: datetime) -> list[Row]:
    """Every obligation of ``case`` as ``(id, due, met, status at now)``, in derivation order."""
    return [(o.id, fmt(o.due_at) or "", fmt(o.met_at), o.status(now)) for o in case.obligations]


def state_path(case: yq.Case) -> list[tuple[str, str]]:
    """``(trigger, state after it)`` for every event of ``case``, by replaying its prefixes."""
    out = []
    for k in range(1, len(case.events) + 1):
        prefix = yq.Case.replay(case.policy, case.events[:k])
        out.append((case.events[k - 1].trigger, prefix.state))
    return out


def as_of(case: yq.Case, until: datetime) -> yq.Case:
    """The case as it stood at ``until`` (its events up to then, replayed)."""
    return yq.Case.replay(case.policy, [e for e in case.events if e.at <= until])


def recorded_under(policy: yq.Policy, events: Sequence[yq.Event]) -> yq.Case:
    """The case ``events`` record, as it would stand had it been recorded under ``policy``:
    opened and every command fired again under it, at the same instants, by the same actors,
    with the same data (automatic escalations are the library's own, so left to it).

    A case is pinned to the policy version it was opened under: replaying its events under
    another version raises :class:`~yuqing_core.PolicyVersionError`. This is how a test asks
    "the same case, under these rules".
    """
    first, *rest = events
    data = first.data
    case = policy.open_case(
        data["incident"],
        at=first.at,
        actor=first.actor,
        severity=data["severity"] if data.get("judged") else None,
        reason=data.get("reason"),
    )
    for event in rest:
        if event.trigger == "escalate" and event.data.get("auto"):
            continue
        case.fire(event.trigger, at=event.at, actor=event.actor, **dict(event.data))
    return case


# -- policy versions on park-message-board (RULES R5.1/R5.2) ------------------------------


def edited(policy: yq.Policy, grace: str | None = None, **within: str) -> yq.Policy:
    """``policy`` with other deadlines (``handling_report="1d"`` for the entry
    ``handling-report``) and, given ``grace``, another immediate grace."""
    data = policy.to_dict()
    if grace is not None:
        data["timing"]["immediate_grace"] = grace
    for entry in data["obligations"]:
        key = entry["id"].replace("-", "_")
        if key in within:
            entry["within"] = within[key]
    return yq.load_policy(data)


def park_letter(policy: yq.Policy, case_id: str = "LY-1", *, respond: bool = True) -> yq.Case:
    """The letter on park-message-board's board: posted Mon 2 Dec 2024 08:00, registered 09:00,
    reported 09:30, assigned Thu 5 Dec 10:00 and, with ``respond``, answered 6 Dec 15:00."""
    inc = yq.Incident(
        id=case_id, title="留言", discovered_at=cst(2024, 12, 2, 9), posted_at=cst(2024, 12, 2, 8)
    )
    case = policy.open_case(inc, at=cst(2024, 12, 2, 9), actor="admin")
    case.fire("report", at=cst(2024, 12, 2, 9, 30), actor="admin", role="leader_in_charge")
    case.fire("assign", at=cst(2024, 12, 5, 10), actor="leader", unit="园区城管局")
    if respond:
        case.fire("draft_reply", at=cst(2024, 12, 6, 10), actor="unit")
        case.fire("approve_reply", at=cst(2024, 12, 6, 11), actor="leader")
        case.fire("respond", at=cst(2024, 12, 6, 15), actor="admin")
    return case


def table(case: yq.Case, now: datetime) -> list[tuple[Any, ...]]:
    """Every obligation of ``case`` as ``(id, due, met, breached, status at now)``."""
    return [
        (o.id, fmt(o.due_at), fmt(o.met_at), fmt(o.breached_at), o.status(now))
        for o in case.obligations
    ]


SETTLED = [
    ("accept-submit", "2024-12-02 11:00", "2024-12-02 09:30", None, "met"),
    ("reply", "2024-12-06 00:00", "2024-12-06 15:00", "2024-12-06 00:00", "late"),
]
"""The settled obligations of ``park_letter(PARK)``: accept-submit ("立即", 2 h grace) due
11:00, met by the report at 09:30; reply "3日" from the posting due 6 Dec 00:00, met late."""

# -- guarding against hangs ---------------------------------------------------------------


class TookTooLong(AssertionError):
    """What ``time_limit`` raises when what it times runs past the limit."""


@contextmanager
def time_limit(seconds: int, what: str) -> Iterator[None]:
    """Raise :class:`TookTooLong` naming ``what`` if the block runs longer than ``seconds``."""

    def stop(signum: int, frame: object) -> None:
        raise TookTooLong(f"{what} ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def race(saver: Callable[..., None], *args: object) -> dict[str, str]:
    """Run ``saver(*args, which, barrier, results)`` in two processes at once, ``which`` being
    ``"left"`` and ``"right"``; each waits at ``barrier`` before it saves and puts ``(which,
    what it was told)`` on ``results``. Both must exit cleanly; what each was told, by name."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(target=saver, args=(*args, which, barrier, results))
        for which in ("left", "right")
    ]
    for p in procs:
        p.start()
    outcome = dict(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    return outcome
