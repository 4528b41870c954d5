"""Official notices as data: the file format, its validation (file and key in every error),
and a calendar that counts a year's notice before ``holidays`` ships it.

Every 2027 arrangement here is made up for the tests (``TEST_NOTICE_2027`` says so in its
file); the 2026 one copies the State Council's 2026 notice, which ``holidays`` 0.109 carries.
"""

from __future__ import annotations

import contextlib
import io
import re
from datetime import date
from importlib.metadata import version
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import yuqing_core as yq
from tests.helpers import (
    REPO,
    STATUTORY_2027,
    STATUTORY_2028,
    TEST_NOTICE_2027,
    cst,
    notice_toml,
)
from yuqing_core.time.notices import notice_problems

HOLIDAYS = version("holidays")

# The State Council's notice for 2026 (the data holidays 0.109 carries), day by day:
# 1-3 Jan off, Sun 4 Jan worked; 15-23 Feb off, Sat 14 and Sat 28 Feb worked; 4-6 Apr off;
# 1-5 May off, Sat 9 May worked; 19-21 Jun off; 25-27 Sep off; 1-7 Oct off, Sun 20 Sep and
# Sat 10 Oct worked. Only the weekdays that rest and the weekend days that work are listed.
OFFICIAL_2026_REST = [
    date(2026, 1, 1),
    date(2026, 1, 2),
    *(date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)),
    date(2026, 4, 6),
    date(2026, 5, 1),
    date(2026, 5, 4),
    date(2026, 5, 5),
    date(2026, 6, 19),
    date(2026, 9, 25),
    *(date(2026, 10, d) for d in (1, 2, 5, 6, 7)),
]
OFFICIAL_2026_WORK = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]


@pytest.fixture
def notice_2027(tmp_path: Path) -> Path:
    path = tmp_path / "cn-2027.toml"
    path.write_text(TEST_NOTICE_2027, encoding="utf-8")
    return path


def _write(tmp_path: Path, text: str, name: str = "notice.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path, text: str) -> list[tuple[str | None, str, str]]:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(yq.PolicyError) as e:
        yq.load_notice(path)
    return list(e.value.problems)


# -- the file format ---------------------------------------------------------------------------


def test_a_notice_file_loads_into_an_immutable_notice(notice_2027: Path) -> None:
    n = yq.load_notice(notice_2027)
    assert isinstance(n, yq.OfficialNotice)
    assert (n.year, n.source) == (
        2027,
        "测试用安排，并非国务院通知 / test-only arrangement, not a State Council notice",
    )
    assert [h.name for h in n.holidays] == [
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
    ]
    # Only what changes reaches the calendar: weekdays that rest, weekend days that work.
    # 31 Dec 2026 is the day before the notice's year, as the 2008 notice moved 31 Dec 2007.
    assert sorted(n.days_off) == [
        date(2026, 12, 31),
        date(2027, 1, 1),
        *(date(2027, 2, d) for d in (5, 8, 9, 10, 11, 12)),
        date(2027, 4, 5),
        *(date(2027, 5, d) for d in (3, 4, 5)),
        date(2027, 6, 9),
        date(2027, 9, 15),
        *(date(2027, 10, d) for d in (1, 4, 5, 6, 7)),
    ]
    assert sorted(n.days_on) == [
        date(2027, 1, 3),
        date(2027, 1, 31),
        date(2027, 2, 20),
        date(2027, 5, 8),
        date(2027, 9, 26),
        date(2027, 10, 9),
    ]
    # The weekend days inside a listed span are accepted and keep their name.
    assert n.names[date(2027, 1, 2)] == "元旦"
    assert date(2027, 1, 2) not in n.days_off
    with pytest.raises(Exception, match="frozen"):
        n.year = 2028  # type: ignore[misc]
    assert hash(n) == hash(yq.load_notice(notice_2027))


def test_dates_may_be_written_as_strings_and_a_byte_order_mark_is_accepted(
    tmp_path: Path,
) -> None:
    text = notice_toml(2027, "test only", STATUTORY_2027, [date(2026, 12, 27)])
    text = text.replace("2027-01-01", '"2027-01-01"')
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    n = yq.load_notice(path)
    # A make-up Sunday in December of the year before is in range (the 2002 notice's 29 and
    # 30 Dec 2001).
    assert n.days_on == frozenset({date(2026, 12, 27)})
    assert date(2027, 1, 1) in n.days_off


def _ok(rest: list[date] | None = None, work: list[date] | None = None) -> str:
    return notice_toml(2027, "test only", [*STATUTORY_2027, *(rest or [])], work or [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            _ok(work=[date(2027, 1, 4)]),
            [
                (
                    "work_days[0]",
                    "2027-01-04 is a Monday: a make-up working day is a Saturday or a Sunday",
                )
            ],
        ),
        (
            _ok(rest=[date(2027, 1, 9)]),
            [
                (
                    "rest_days[7]",
                    "2027-01-09 is a Saturday, a rest day anyway: list a weekend day only inside "
                    "a span of rest days that holds a weekday",
                )
            ],
        ),
        (
            _ok(rest=[date(2028, 1, 3), date(2026, 11, 30)]),
            [
                (
                    "rest_days[7]",
                    "2028-01-03 is outside the notice's year: a notice for 2027 lists days of "
                    "2027 and of December 2026",
                ),
                (
                    "rest_days[8]",
                    "2026-11-30 is outside the notice's year: a notice for 2027 lists days of "
                    "2027 and of December 2026",
                ),
            ],
        ),
        (
            _ok(rest=[date(2027, 1, 1)]),
            [("rest_days[7]", "2027-01-01 is listed twice (also at rest_days[0])")],
        ),
        (
            _ok(work=[date(2027, 1, 9), date(2027, 1, 9)]),
            [("work_days[1]", "2027-01-09 is listed twice (also at work_days[0])")],
        ),
        (
            notice_toml(2027, "test only", STATUTORY_2027[1:], []),
            [
                (
                    "rest_days",
                    "the statutory holidays 2027-01-01 (Friday) are not listed as rest days; "
                    "the law fixes them, a notice only moves weekends around them",
                )
            ],
        ),
        ('year = 2027\nsource = "x"\ncolour = "red"\n', [("colour", "unknown key")]),
        ('source = "x"\n', [("year", "required key is missing")]),
        ('year = "2027"\nsource = "x"\n', [("year", "Input should be a valid integer")]),
        ('year = true\nsource = "x"\n', [("year", "Input should be a valid integer")]),
        (
            'year = 1900\nsource = "x"\n',
            [("year", "Input should be greater than or equal to 1950")],
        ),
        ('year = 2027\nsource = "  "\n', [("source", "String should have at least 1 character")]),
        (
            'year = 2027\nsource = "x"\nrest_days = [2027-01-01T00:00:00]\n',
            [
                (
                    "rest_days[0]",
                    "datetime.datetime(2027, 1, 1, 0, 0) has a time of day; write a date such as "
                    "2027-01-01",
                )
            ],
        ),
        (
            'year = 2027\nsource = "x"\nwork_days = ["soon", 3]\n',
            [
                ("work_days[0]", "'soon' is not a date (write 2027-01-01)"),
                ("work_days[1]", "3 is not a date (write 2027-01-01)"),
            ],
        ),
        (
            'year = 2027\nsource = "x"\n[[holidays]]\nname = ""\n',
            [("holidays[0].name", "String should have at least 1 character")],
        ),
    ],
)
def test_every_problem_names_the_file_and_the_key(
    tmp_path: Path, text: str, expected: list[tuple[str, str]]
) -> None:
    path = tmp_path / "cn-2027.toml"
    assert _problems(path, text) == [(str(path), key, msg) for key, msg in expected]


def test_problems_inside_a_named_holiday_name_its_key(tmp_path: Path) -> None:
    text = (
        _ok()
        + '[[holidays]]\nname = "春节"\nrest_days = [2027-02-06, 2027-02-07]\n'
        + "work_days = [2027-02-09]\n"
    )
    path = tmp_path / "n.toml"
    assert _problems(path, text) == [
        (
            str(path),
            "holidays[0].rest_days[0]",
            "2027-02-06 is a Saturday, a rest day anyway: list a weekend day only inside a span "
            "of rest days that holds a weekday",
        ),
        (
            str(path),
            "holidays[0].rest_days[1]",
            "2027-02-07 is a Sunday, a rest day anyway: list a weekend day only inside a span of "
            "rest days that holds a weekday",
        ),
        (
            str(path),
            "holidays[0].work_days[0]",
            "2027-02-09 is a Tuesday: a make-up working day is a Saturday or a Sunday",
        ),
    ]


def test_a_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(yq.PolicyError) as e:
        yq.load_notice(missing)
    assert e.value.problems == ((str(missing), "", "no such notice file"),)
    assert str(e.value) == f"{missing}: no such notice file"
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(yq.PolicyError, match="is not UTF-8 text"):
        yq.load_notice(bad)
    bad.write_text("year = = 2027", encoding="utf-8")
    with pytest.raises(yq.PolicyError, match=r"bad.toml: is not valid TOML: "):
        yq.load_notice(bad)
    with pytest.raises(yq.PolicyError, match="cannot be read"):
        yq.load_notice(tmp_path)  # a directory


# -- fuzz: only PolicyError, always with the file --------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.dates(min_value=date(1, 1, 1)),
    st.dates(min_value=date(2026, 11, 20), max_value=date(2028, 1, 10)),
    st.datetimes(),
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_keys = st.sampled_from(["year", "source", "rest_days", "work_days", "holidays", "name", "x"])
_notice_data = st.dictionaries(_keys, _values, max_size=6) | st.builds(
    lambda rest, work, year: {"year": year, "source": "fuzz", "rest_days": rest, "work_days": work},
    st.lists(st.dates(min_value=date(2026, 11, 25), max_value=date(2028, 1, 5)), max_size=12),
    st.lists(st.dates(min_value=date(2026, 11, 25), max_value=date(2028, 1, 5)), max_size=6),
    st.sampled_from([2027, 2026, 1949, 2100]),
)


@settings(max_examples=300, deadline=None)
@given(_notice_data)
def test_fuzz_notice_data_gives_a_notice_or_a_policy_error_naming_file_and_key(
    data: dict[str, object],
) -> None:
    problems: tuple[tuple[str | None, str, str], ...] = ()
    try:
        notice = yq.OfficialNotice.from_data(data, file="fuzz.toml")
    except yq.PolicyError as e:
        problems = e.problems
    else:
        assert isinstance(notice, yq.OfficialNotice)
        return
    assert problems
    for file, key, msg in problems:
        assert (file, bool(key), bool(msg)) == ("fuzz.toml", True, True)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_fuzz_mutated_notice_files_give_a_notice_or_a_policy_error(
    tmp_path: Path, data: st.DataObject
) -> None:
    text = TEST_NOTICE_2027
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 6))
        text = text[:i] + data.draw(st.text(max_size=4)) + text[i + cut :]
    path = tmp_path / "mutated.toml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    problems: tuple[tuple[str | None, str, str], ...] = ((str(path), "", "loaded"),)
    try:
        yq.load_notice(path)
    except yq.PolicyError as e:
        problems = e.problems
    assert problems
    assert all(file == str(path) for file, _, _ in problems)


# -- a calendar with a notice ----------------------------------------------------------------


def test_a_notice_extends_the_calendar_and_settles_its_year(notice_2027: Path) -> None:
    cal = yq.WorkCalendar.china(notices=[notice_2027])
    assert cal.last_covered_year == 2027
    assert cal.last_settled_day == date(2027, 11, 30)
    assert repr(cal) == (
        "WorkCalendar.china(tz='Asia/Shanghai', business_close=None, official_until=2027, "
        "allow_projection=False, notices=(2027,))"
    )
    # A notice for 2027 settles 2027 (but its December) and, with it, December 2026.
    assert cal.is_settled(date(2026, 12, 31)) is True
    assert cal.is_settled(date(2027, 11, 30)) is True
    assert cal.is_settled(date(2027, 12, 1)) is False
    # Thu 31 Dec 2026 rests (the notice moves it), Sun 3 Jan 2027 works.
    assert cal.is_working_day(date(2026, 12, 31)) is False
    assert cal.is_makeup_working_day(date(2027, 1, 3)) is True
    # Statutory holidays the projection would rest on a weekday stay working when the notice
    # says so: Tue 9 Feb 2027 rests here, and so does Thu 11 Feb (the notice's span).
    assert cal.is_working_day(date(2027, 2, 11)) is False
    assert cal.holiday_name(date(2027, 2, 6)) == "春节"
    assert cal.holiday_name(date(2027, 2, 14)) is None
    # Wed 30 Dec 2026 + 2wd: (31 Dec, 1-2 Jan rest) Sun 3 Jan, Mon 4 Jan.
    d = cal.deadline(cst(2026, 12, 30, 10), "2wd")
    assert (d.at, d.last_day, d.projected, d.provisional) == (
        cst(2027, 1, 5),
        date(2027, 1, 4),
        False,
        False,
    )
    # Past the notice, a calendar without projection still refuses.
    with pytest.raises(yq.CalendarCoverageError) as e:
        cal.due(cst(2027, 12, 30, 10), "2wd")
    assert str(e.value) == (
        f"2028 is past the official holiday schedule this calendar knows (2001-2027, from "
        f"holidays {HOLIDAYS} and the notices for 2027); upgrade holidays or build the calendar "
        "with allow_projection=True"
    )
    assert (e.value.year, e.value.last_covered_year) == (2028, 2027)


def test_notices_are_taken_as_paths_notices_or_one_of_either(notice_2027: Path) -> None:
    n = yq.load_notice(notice_2027)
    for given_ in (notice_2027, str(notice_2027), n, [n], [n, n], (notice_2027, n)):
        cal = yq.WorkCalendar.china(notices=given_)
        assert cal.notices == (n,)
        assert cal.is_working_day(date(2027, 1, 3)) is True
    with pytest.raises(
        yq.PolicyError, match=r"^notices\[0\]: expected an OfficialNotice or the path"
    ):
        yq.WorkCalendar.china(notices=[2027])  # type: ignore[list-item]


def test_consecutive_notices_extend_the_horizon_several_years(tmp_path: Path) -> None:
    n27 = _write(tmp_path, TEST_NOTICE_2027, "cn-2027.toml")
    n28 = _write(tmp_path, notice_toml(2028, "test only", STATUTORY_2028, []), "cn-2028.toml")
    cal = yq.WorkCalendar.china(notices=[n28, n27])
    assert [n.year for n in cal.notices] == [2027, 2028]
    assert cal.last_covered_year == 2028
    assert cal.last_settled_day == date(2028, 11, 30)
    assert cal.is_settled(date(2027, 12, 31)) is True
    # Mon 24 Jan 2028 + 1wd: 25-28 Jan rest (Spring Festival), the weekend, Mon 31 Jan.
    assert cal.due(cst(2028, 1, 24, 10), "1wd") == cst(2028, 2, 1)


def test_a_gap_between_the_official_data_and_a_notice_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, notice_toml(2028, "test only", STATUTORY_2028, []))
    with pytest.raises(yq.PolicyError) as e:
        yq.WorkCalendar.china(notices=[path])
    assert e.value.problems == (
        (
            str(path),
            "year",
            "there is no notice for 2027: notices must follow the official data (2001-2026) "
            "year by year",
        ),
    )


def test_a_notice_for_a_covered_year_must_agree_with_holidays(tmp_path: Path) -> None:
    source = "国务院办公厅关于2026年部分节假日安排的通知"
    same = _write(
        tmp_path, notice_toml(2026, source, OFFICIAL_2026_REST, OFFICIAL_2026_WORK), "same.toml"
    )
    cal = yq.WorkCalendar.china(notices=[same])
    assert cal.last_covered_year == 2026  # accepted, and it changes nothing
    assert cal.last_settled_day == date(2026, 11, 30)
    assert [cal.is_working_day(d) for d in (date(2026, 2, 28), date(2026, 3, 1))] == [True, False]
    # A typo: the make-up Saturday 28 Feb written as Sunday 1 Mar.
    work = [d if d != date(2026, 2, 28) else date(2026, 3, 1) for d in OFFICIAL_2026_WORK]
    wrong = _write(tmp_path, notice_toml(2026, source, OFFICIAL_2026_REST, work), "wrong.toml")
    with pytest.raises(yq.PolicyError) as e:
        yq.WorkCalendar.china(notices=[wrong])
    assert e.value.problems == (
        (
            str(wrong),
            "work_days",
            f"the notice for 2026 disagrees with holidays {HOLIDAYS}, which covers 2026: "
            "2026-02-28 is a working day in the official data; 2026-03-01 is a rest day in the "
            "official data; a notice for a covered year must agree with it",
        ),
    )


def _notice(year: int, rest: list[str], work: tuple[str, ...] = ()) -> yq.OfficialNotice:
    return yq.OfficialNotice.from_data(
        {"year": year, "source": "test only", "rest_days": rest, "work_days": list(work)}
    )


def test_two_different_notices_for_one_year_and_years_before_the_data_are_refused(
    notice_2027: Path,
) -> None:
    n = yq.load_notice(notice_2027)
    other = _notice(2027, [d.isoformat() for d in STATUTORY_2027])
    assert notice_problems([n, n]) == []
    assert notice_problems([n, other]) == [
        (1, "year", "a second notice for 2027 differs from the first")
    ]
    statutory_2000 = ["2000-02-07", "2000-05-01", "2000-05-02", "2000-05-03", "2000-10-02"]
    old = _notice(2000, [*statutory_2000, "2000-10-03"])
    assert notice_problems([old]) == [
        (0, "year", "2000 is before the official data (2001-2026); notices add the years after it")
    ]
    # Without a file, the message says which notice it is about.
    with pytest.raises(yq.PolicyError) as e:
        yq.WorkCalendar.china(notices=[old])
    assert str(e.value) == (
        "year: notice 2000: 2000 is before the official data (2001-2026); notices add the "
        "years after it"
    )


def test_a_december_day_two_notices_list_differently_is_refused() -> None:
    statutory_2027 = [d.isoformat() for d in STATUTORY_2027]
    statutory_2028 = [d.isoformat() for d in STATUTORY_2028]
    n27 = _notice(2027, statutory_2027, ("2027-12-25",))  # a make-up Saturday
    # The 2028 notice rests on Fri 24 and Sat 25 Dec 2027 (a span with a weekday).
    n28 = _notice(2028, [*statutory_2028, "2027-12-24", "2027-12-25"])
    assert notice_problems([n27, n28]) == [
        (1, "rest_days[10]", "2027-12-25 is a working day in the notice for 2027")
    ]
    agreeing = _notice(2028, [*statutory_2028, "2027-12-24"])
    assert notice_problems([n27, agreeing]) == []
    cal = yq.WorkCalendar.china(notices=[n27, agreeing])
    assert [cal.is_working_day(date(2027, 12, d)) for d in (24, 25)] == [False, True]


# -- the documentation's example ----------------------------------------------------------------


def test_the_deadlines_page_notice_example_is_the_official_2026_arrangement(
    tmp_path: Path,
) -> None:
    page = (REPO / "docs" / "deadlines.md").read_text(encoding="utf-8")
    section = page[page.index("### 年度放假通知文件") :]
    toml_block = re.search(r"```toml\n(.*?)```", section, re.S)
    assert toml_block is not None
    notice = yq.load_notice(_write(tmp_path, toml_block.group(1), "cn-2026.toml"))
    assert sorted(notice.days_off) == OFFICIAL_2026_REST
    assert sorted(notice.days_on) == OFFICIAL_2026_WORK
    assert yq.WorkCalendar.china(notices=[notice]).last_covered_year == 2026  # it agrees
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.group(1), "deadlines.md", "exec"), {})
    assert out.getvalue().splitlines() == [
        "[datetime.date(2026, 1, 4), datetime.date(2026, 2, 14)]",
        "2026-11-30",
        "2027-01-01 00:00:00+08:00 True",
        "False",
    ]
