"""WorkCalendar: the shipped, sourced arrangements (exactly statute.md §5), the administrator override, the
chinesecalendar layer for earlier years, explicit 'calendar unknown', coverage and fingerprint."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from tests.conftest import shared_path

from gongkai.desk.calendar import (
    HOLIDAYS_ENV,
    CalendarFileError,
    CalendarUnknown,
    DayKind,
    Origin,
    WorkCalendar,
    load_shipped,
)

NEXT_YEAR_2027 = """
schema = 1
[[years]]
year = 2027
source = "国务院办公厅关于2027年部分节假日安排的通知（测试用）"
holidays = [{ name = "元旦", from = 2027-01-01, to = 2027-01-03 }]
workdays = []
"""


def calendar(admin: Path | None = None) -> WorkCalendar:
    return WorkCalendar.load(admin, env={})


def _dates(year: int, text: str) -> set[date]:
    """'1/1; 2/10–2/17' or '2/4, 2/18' of statute.md §5 as a set of dates."""
    out: set[date] = set()
    for part in re.split(r"[;,]", text):
        part = part.strip()
        if not part:
            continue
        first, _, last = part.partition("–")
        m1, d1 = map(int, first.split("/"))
        start = end = date(year, m1, d1)
        if last:
            m2, d2 = map(int, last.split("/"))
            end = date(year, m2, d2)
        while start <= end:
            out.add(start)
            start += timedelta(1)
    return out


def statute_table() -> dict[int, tuple[set[date], set[date]]]:
    text = shared_path("spec", "statute.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (20\d\d) \| ([^|]+) \| ([^|]+) \|$", text, re.M)
    assert rows, "statute.md §5 table not found"
    return {int(y): (_dates(int(y), off), _dates(int(y), work)) for y, off, work in rows}


def test_shipped_file_is_exactly_the_statute_table() -> None:
    table = statute_table()
    shipped = {a.year: a for a in load_shipped()}
    assert sorted(shipped) == sorted(table) == [2024, 2025, 2026]
    for year, (off, work) in table.items():
        arr = shipped[year]
        assert {d for d, (k, _) in arr.designations.items() if k is DayKind.HOLIDAY} == off, year
        assert set(arr.workdays) == work, year
        assert arr.source.startswith(f"国务院办公厅关于{year}年部分节假日安排的通知"), year
        assert arr.origin is Origin.SHIPPED


def test_shipped_years_agree_with_chinesecalendar_1_11_0() -> None:
    # The comparison reported to the lead: for every day of 2024–2026 the shipped file and chinesecalendar agree.
    assert chinese_calendar.__version__ == "1.11.0"
    cal = calendar()
    day = date(2024, 1, 1)
    while day <= date(2026, 12, 31):
        assert cal.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(1)


def test_days_around_national_day_2025() -> None:
    cal = calendar()
    # 2025-09-28 is a Sunday and a 调休上班 day (2025 notice: 9/28 上班).
    assert cal.status(date(2025, 9, 28)).kind is DayKind.MAKEUP and cal.is_working_day(date(2025, 9, 28))
    # 10-01 … 10-08 放假 (国庆节、中秋节): 10-08 is a Wednesday and still off.
    assert all(not cal.is_working_day(date(2025, 10, d)) for d in range(1, 9))
    assert cal.status(date(2025, 10, 8)).name == "国庆节、中秋节"
    # 10-11 is a Saturday and a 调休上班 day; 10-12 a plain Sunday.
    assert cal.is_working_day(date(2025, 10, 11))
    assert cal.status(date(2025, 10, 12)).kind is DayKind.WEEKEND
    assert cal.status(date(2025, 10, 9)).kind is DayKind.WORKDAY
    assert "国办发明电〔2024〕12号" in cal.status(date(2025, 10, 9)).year_source


def test_counting_helpers_start_the_day_after() -> None:
    cal = calendar()
    # After Friday 2025-09-26: Sat 27 off, Sun 28 调休上班 → the 1st working day after is 2025-09-28.
    assert cal.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)
    # (2025-09-30, 2025-10-10]: 10-01..10-08 off, 10-09 Thu, 10-10 Fri → 2 working days.
    assert cal.working_days_between(date(2025, 9, 30), date(2025, 10, 10)) == 2
    assert cal.working_days_between(date(2025, 10, 10), date(2025, 10, 10)) == 0


def test_earlier_years_come_from_chinesecalendar() -> None:
    cal = calendar()
    assert cal.covered_years()[0] == 2004
    assert cal.arrangement(2023) is not None and cal.arrangement(2023).origin is Origin.LIBRARY  # type: ignore[union-attr]
    assert cal.arrangement(2024).origin is Origin.SHIPPED  # type: ignore[union-attr]
    # 2023: 9/29–10/6 放假 (中秋节、国庆节), 10/7 (Sat) and 10/8 (Sun) 上班.
    assert not cal.is_working_day(date(2023, 9, 29))
    assert cal.is_working_day(date(2023, 10, 7)) and cal.is_working_day(date(2023, 10, 8))


def test_a_year_nobody_covers_is_unknown_not_a_plain_weekday() -> None:
    cal = calendar()
    assert cal.covered_years()[-1] == 2026 and not cal.is_covered(2027)
    with pytest.raises(CalendarUnknown) as info:
        cal.is_working_day(date(2027, 3, 3))  # a Wednesday: still unknown
    assert info.value.year == 2027
    assert "2027年工作日历未知" in str(info.value)
    with pytest.raises(CalendarUnknown):
        cal.is_working_day(date(2003, 6, 2))
    with pytest.raises(CalendarUnknown):
        cal.add_working_days(date(2026, 12, 30), 5)


def test_administrator_file_adds_next_year_and_changes_the_fingerprint(tmp_path: Path) -> None:
    base = calendar()
    admin = tmp_path / "holidays.toml"
    admin.write_text(NEXT_YEAR_2027, encoding="utf-8")
    extended = calendar(admin)
    assert extended.is_covered(2027) and extended.covered_years()[-1] == 2027
    assert not extended.is_working_day(date(2027, 1, 1))  # Friday, 元旦
    assert extended.is_working_day(date(2027, 1, 4))  # Monday
    assert extended.arrangement(2027).origin is Origin.ADMIN  # type: ignore[union-attr]
    assert extended.fingerprint() != base.fingerprint()
    # Same data, same fingerprint: it depends on the facts, not on where they were read.
    assert calendar(admin).fingerprint() == extended.fingerprint()
    assert calendar().fingerprint() == base.fingerprint()


def test_administrator_file_replaces_a_shipped_year_as_a_whole(tmp_path: Path) -> None:
    # A hypothetical correction of 2025 that drops the 9/28 调休上班 day.
    admin = tmp_path / "fix.toml"
    admin.write_text(
        """
[[years]]
year = 2025
source = "测试：更正后的2025年安排"
holidays = [{ name = "国庆节、中秋节", from = 2025-10-01, to = 2025-10-08 }]
workdays = [2025-10-11]
""",
        encoding="utf-8",
    )
    fixed = calendar(admin)
    assert not fixed.is_working_day(date(2025, 9, 28))
    # The whole year is replaced: the 春节 range of the shipped file is no longer there.
    assert fixed.is_working_day(date(2025, 1, 28))
    assert fixed.fingerprint() != calendar().fingerprint()


def test_administrator_file_from_the_environment(tmp_path: Path) -> None:
    admin = tmp_path / "next.json"
    admin.write_text(
        '{"schema": 1, "years": [{"year": 2027, "source": "测试", '
        '"holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-01"}], "workdays": []}]}',
        encoding="utf-8",
    )
    cal = WorkCalendar.load(env={HOLIDAYS_ENV: str(admin)})
    assert cal.is_covered(2027)
    with pytest.raises(CalendarFileError, match="无法读取"):
        WorkCalendar.load(env={HOLIDAYS_ENV: str(tmp_path / "missing.toml")})


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('[[years]]\nyear = 2027\nholidays = []\nworkdays = []\n', "缺少 source"),
        ('[[years]]\nyear = 2027\nsource = "x"\nworkdays = [2027-01-04]\n', "不是星期六或星期日"),
        ('[[years]]\nyear = 2027\nsource = "x"\nholidays = [{name = "a", from = 2027-02-03, to = 2027-02-01}]\n', "早于开始日"),
        ('[[years]]\nyear = 2027\nsource = "x"\nworkdays = [2028-01-01]\n', "不在2027年"),
        ('[[years]]\nyear = 2027\nsource = "x"\n[[years]]\nyear = 2027\nsource = "y"\n', "年度重复"),
        ("schema = 2\nyears = []\n", "schema"),
        ("years = [", "无法解析"),
    ],
)
def test_malformed_administrator_files_are_refused(tmp_path: Path, body: str, problem: str) -> None:
    admin = tmp_path / "bad.toml"
    admin.write_text(body, encoding="utf-8")
    with pytest.raises(CalendarFileError, match=problem):
        calendar(admin)


def test_next_years_notice_may_designate_late_december(tmp_path: Path) -> None:
    # As the 2019 notice did (2018-12-29 上班, 2018-12-31 放假): a 2027 arrangement touching 2026-12.
    admin = tmp_path / "y.toml"
    admin.write_text(
        """
[[years]]
year = 2027
source = "测试"
holidays = [{ name = "元旦", from = 2026-12-31, to = 2027-01-01 }]
workdays = [2026-12-26]
""",
        encoding="utf-8",
    )
    cal = calendar(admin)
    assert not cal.is_working_day(date(2026, 12, 31))  # Thursday, now off
    assert cal.is_working_day(date(2026, 12, 26))  # Saturday, now 上班
    assert calendar().year_end_unsettled(date(2026, 12, 28))
    assert not cal.year_end_unsettled(date(2026, 12, 28))
