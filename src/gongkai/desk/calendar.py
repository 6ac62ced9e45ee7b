"""Working days (工作日) under the State Council's public-holiday arrangements (statute.md §5).

A working day is Monday–Friday outside the 放假 ranges, plus the 调休上班 days. Sources, by precedence:

1. a local administrator file (``GONGKAI_HOLIDAYS_FILE`` or a path passed explicitly), for next year's
   arrangement or a correction; it replaces a year of the shipped file *as a whole*;
2. the sourced file shipped in the package, ``gongkai/data/holidays.toml`` (each year names its notice);
3. the ``chinesecalendar`` library, only for years *before* the first year of the shipped file.

A date in a year that no source covers raises :class:`CalendarUnknown` — it is never treated as a plain weekday.

An arrangement of year Y may designate days in the December of Y−1 (a New Year holiday can start there). For a day
in year Y the arrangement of Y+1 is asked first (the later notice wins), then that of Y, then the weekday rule.
Until the Y+1 arrangement is known, the last days of December of Y may still change: see
:meth:`WorkCalendar.year_end_unsettled`.

Both file formats share one schema (TOML, or JSON with ISO date strings)::

    schema = 1
    [[years]]
    year = 2027
    source = "国务院办公厅关于2027年部分节假日安排的通知"
    holidays = [{ name = "元旦", from = 2027-01-01, to = 2027-01-01 }]   # both ends inclusive
    workdays = [2027-02-06]                                            # 调休上班, a Saturday or Sunday
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from gongkai.errors import GongkaiError

HOLIDAYS_ENV = "GONGKAI_HOLIDAYS_FILE"
SHIPPED_RESOURCE = "data/holidays.toml"
SCHEMA = 1
# Days at the end of December that a later year's notice has been known to designate (e.g. 2018-12-29 上班,
# 2018-12-31 放假 under the 2019 arrangement). Used only for a caution, never to change a computation.
YEAR_END_WINDOW = 7


class CalendarUnknown(GongkaiError):
    """No source covers the year of a date: the calendar is unknown for that year."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年工作日历未知：尚未载入国务院{year}年节假日安排，"
            f"请由管理员在节假日文件（环境变量 {HOLIDAYS_ENV}）中补充"
        )


class CalendarFileError(GongkaiError):
    """A holidays file that cannot be read or breaks the schema."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"节假日文件 {where}：{problem}")


class Origin(StrEnum):
    SHIPPED = "随软件发布"
    ADMIN = "管理员文件"
    LIBRARY = "chinesecalendar"


class DayKind(StrEnum):
    WORKDAY = "工作日"
    WEEKEND = "休息日"
    HOLIDAY = "放假"
    MAKEUP = "调休上班"


@dataclass(frozen=True)
class HolidayRange:
    name: str
    start: date  # inclusive
    end: date  # inclusive

    def days(self) -> list[date]:
        return [self.start + timedelta(n) for n in range((self.end - self.start).days + 1)]


@dataclass(frozen=True)
class YearArrangement:
    """One year's arrangement as one notice set it."""

    year: int
    source: str
    origin: Origin
    location: str
    holidays: tuple[HolidayRange, ...]
    workdays: tuple[date, ...]

    @cached_property
    def designations(self) -> Mapping[date, tuple[DayKind, str]]:
        out: dict[date, tuple[DayKind, str]] = {}
        for rng in self.holidays:
            for day in rng.days():
                out[day] = (DayKind.HOLIDAY, rng.name)
        for day in self.workdays:
            out[day] = (DayKind.MAKEUP, "")
        return out


@dataclass(frozen=True)
class DayStatus:
    day: date
    kind: DayKind
    name: str  # the holiday's name, if any
    year_source: str  # the notice (or library) that decided it

    @property
    def working(self) -> bool:
        return self.kind in (DayKind.WORKDAY, DayKind.MAKEUP)


# ---------------------------------------------------------------- reading files


def _as_date(value: object, where: str, what: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarFileError(where, f"{what} 不是日期（应为 YYYY-MM-DD）：{value!r}")


def _arrangement(entry: object, origin: Origin, where: str) -> YearArrangement:
    if not isinstance(entry, dict):
        raise CalendarFileError(where, "每个 [[years]] 条目必须是表")
    year = entry.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 < year < 2200:
        raise CalendarFileError(where, f"year 无效：{year!r}")
    here = f"{where} {year}年"
    source = entry.get("source")
    if not isinstance(source, str) or not source.strip():
        raise CalendarFileError(here, "缺少 source（设定该年度安排的通知名称）")
    ranges: list[HolidayRange] = []
    raw_holidays = entry.get("holidays", [])
    if not isinstance(raw_holidays, list):
        raise CalendarFileError(here, "holidays 必须是列表")
    for raw in raw_holidays:
        if not isinstance(raw, dict):
            raise CalendarFileError(here, "holidays 的每一项必须形如 { name, from, to }")
        name = raw.get("name", "")
        start = _as_date(raw.get("from"), here, "from")
        end = _as_date(raw.get("to", raw.get("from")), here, "to")
        if not isinstance(name, str):
            raise CalendarFileError(here, f"name 必须是文字：{name!r}")
        if end < start:
            raise CalendarFileError(here, f"放假区间 {start} 至 {end} 的结束日早于开始日")
        ranges.append(HolidayRange(name.strip(), start, end))
    raw_workdays = entry.get("workdays", [])
    if not isinstance(raw_workdays, list):
        raise CalendarFileError(here, "workdays 必须是日期列表")
    workdays = tuple(sorted(_as_date(x, here, "workdays") for x in raw_workdays))
    arrangement = YearArrangement(int(year), source.strip(), origin, where, tuple(ranges), workdays)
    _validate(arrangement, here)
    return arrangement


def _validate(arr: YearArrangement, here: str) -> None:
    def in_scope(day: date) -> bool:
        return day.year == arr.year or (day.year == arr.year - 1 and day.month == 12)

    off: set[date] = set()
    for rng in arr.holidays:
        for day in rng.days():
            if not in_scope(day):
                raise CalendarFileError(here, f"放假日 {day} 不在{arr.year}年（或上一年12月）内")
            off.add(day)
    for day in arr.workdays:
        if not in_scope(day):
            raise CalendarFileError(here, f"调休上班日 {day} 不在{arr.year}年（或上一年12月）内")
        if day.weekday() < 5:
            raise CalendarFileError(here, f"调休上班日 {day} 不是星期六或星期日")
        if day in off:
            raise CalendarFileError(here, f"{day} 同时列为放假日和调休上班日")
    if len(set(arr.workdays)) != len(arr.workdays):
        raise CalendarFileError(here, "workdays 有重复日期")


def parse_arrangements(data: Mapping[str, Any], origin: Origin, where: str) -> tuple[YearArrangement, ...]:
    """Validate one file's content (already decoded from TOML or JSON)."""
    schema = data.get("schema", SCHEMA)
    if schema != SCHEMA:
        raise CalendarFileError(where, f"不支持的 schema {schema!r}（应为 {SCHEMA}）")
    entries = data.get("years")
    if not isinstance(entries, list):
        raise CalendarFileError(where, "缺少 [[years]] 条目")
    out = [_arrangement(entry, origin, where) for entry in entries]
    years = [a.year for a in out]
    dupes = sorted({y for y in years if years.count(y) > 1})
    if dupes:
        raise CalendarFileError(where, f"年度重复：{', '.join(map(str, dupes))}")
    return tuple(sorted(out, key=lambda a: a.year))


def _decode(text: str, suffix: str, where: str) -> Mapping[str, Any]:
    try:
        data = json.loads(text) if suffix == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise CalendarFileError(where, f"无法解析：{exc}") from exc
    if not isinstance(data, dict):
        raise CalendarFileError(where, "顶层必须是表（对象）")
    return data


def load_file(path: str | Path, origin: Origin = Origin.ADMIN) -> tuple[YearArrangement, ...]:
    """Read a holidays file (TOML, or JSON when the name ends in ``.json``)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise CalendarFileError(str(file), f"无法读取（{exc.strerror or exc}）") from exc
    except UnicodeDecodeError as exc:
        raise CalendarFileError(str(file), "不是 UTF-8 文本") from exc
    return parse_arrangements(_decode(text, file.suffix.lower(), str(file)), origin, str(file))


def load_shipped() -> tuple[YearArrangement, ...]:
    """The arrangements shipped in the package (``gongkai/data/holidays.toml``)."""
    text = resources.files("gongkai").joinpath(SHIPPED_RESOURCE).read_text(encoding="utf-8")
    where = f"gongkai/{SHIPPED_RESOURCE}"
    return parse_arrangements(_decode(text, ".toml", where), Origin.SHIPPED, where)


def _library_arrangements(before: int | None) -> tuple[str, tuple[YearArrangement, ...]]:
    """chinesecalendar's data, one arrangement per calendar year, for the years before ``before``."""
    try:
        lib = importlib.import_module("chinese_calendar")
    except ImportError:
        return "", ()
    version = str(getattr(lib, "__version__", "?"))
    names = {member.value: member.chinese for member in lib.Holiday}
    by_year: dict[int, tuple[list[tuple[date, str]], list[date]]] = {}
    for day, value in lib.holidays.items():
        by_year.setdefault(day.year, ([], []))[0].append((day, str(names.get(value, value))))
    for day in lib.workdays:
        by_year.setdefault(day.year, ([], []))[1].append(day)
    out: list[YearArrangement] = []
    for year in sorted(by_year):
        if before is not None and year >= before:
            continue
        off, work = by_year[year]
        ranges: list[HolidayRange] = []
        for day, name in sorted(off):
            last = ranges[-1] if ranges else None
            if last is not None and last.name == name and last.end + timedelta(1) == day:
                ranges[-1] = HolidayRange(name, last.start, day)
            else:
                ranges.append(HolidayRange(name, day, day))
        source = f"chinesecalendar {version}（{year}年国务院节假日安排）"
        out.append(YearArrangement(year, source, Origin.LIBRARY, "chinese_calendar", tuple(ranges), tuple(sorted(work))))
    return version, tuple(out)


# ---------------------------------------------------------------- the calendar


class WorkCalendar:
    """Which days are working days, from layered, sourced arrangements."""

    def __init__(
        self,
        shipped: Sequence[YearArrangement] = (),
        admin: Sequence[YearArrangement] = (),
        *,
        library: bool = False,
    ) -> None:
        effective: dict[int, YearArrangement] = {}
        self.library_version = ""
        if library:
            first = min((a.year for a in shipped), default=None)
            self.library_version, lib = _library_arrangements(first)
            effective.update((a.year, a) for a in lib)
        effective.update((a.year, a) for a in shipped)
        effective.update((a.year, a) for a in admin)
        self._years: dict[int, YearArrangement] = dict(sorted(effective.items()))

    @classmethod
    def load(
        cls,
        admin_file: str | Path | None = None,
        *,
        env: Mapping[str, str] | None = None,
        library: bool = True,
    ) -> WorkCalendar:
        """Shipped data + the administrator file (``admin_file``, else ``$GONGKAI_HOLIDAYS_FILE``) + chinesecalendar.

        A named administrator file that is missing or malformed raises :class:`CalendarFileError`: it is never
        skipped silently.
        """
        environ = os.environ if env is None else env
        path: str | Path | None = admin_file
        if path is None:
            path = environ.get(HOLIDAYS_ENV, "").strip() or None
        admin = load_file(path) if path is not None else ()
        return cls(load_shipped(), admin, library=library)

    # -- coverage

    def covered_years(self) -> tuple[int, ...]:
        return tuple(self._years)

    def is_covered(self, year: int) -> bool:
        return year in self._years

    def arrangement(self, year: int) -> YearArrangement | None:
        return self._years.get(year)

    def year_end_unsettled(self, day: date) -> bool:
        """True for the last days of December of a year whose next year's arrangement is not known yet."""
        return day.month == 12 and day.day > 31 - YEAR_END_WINDOW and not self.is_covered(day.year + 1)

    @cached_property
    def _fingerprint(self) -> str:
        payload = [
            [
                year,
                sorted(d.isoformat() for d, (kind, _) in arr.designations.items() if kind is DayKind.HOLIDAY),
                sorted(d.isoformat() for d in arr.workdays),
            ]
            for year, arr in self._years.items()
        ]
        blob = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    def fingerprint(self) -> str:
        """A digest of the calendar facts (years covered, 放假 days, 调休上班 days) — not of where they came from.

        It changes whenever a working day changes, so deadlines stored with it can be recomputed."""
        return self._fingerprint

    # -- days

    def status(self, day: date) -> DayStatus:
        own = self._years.get(day.year)
        if own is None:
            raise CalendarUnknown(day.year)
        for arr in (self._years.get(day.year + 1), own):
            if arr is not None and day in arr.designations:
                kind, name = arr.designations[day]
                return DayStatus(day, kind, name, arr.source)
        kind = DayKind.WORKDAY if day.weekday() < 5 else DayKind.WEEKEND
        return DayStatus(day, kind, "", own.source)

    def is_working_day(self, day: date) -> bool:
        return self.status(day).working

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (the start day itself is not counted: 开始的当日不计入)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        day, seen = start, 0
        while seen < count:
            day += timedelta(1)
            if self.is_working_day(day):
                seen += 1
        return day

    def working_days_between(self, after: date, through: date) -> int:
        """Working days in ``(after, through]``; 0 when ``through <= after``."""
        total, day = 0, after
        while day < through:
            day += timedelta(1)
            total += self.is_working_day(day)
        return total

    def working_days_in(self, days: Iterable[date]) -> int:
        return sum(self.is_working_day(d) for d in days)
