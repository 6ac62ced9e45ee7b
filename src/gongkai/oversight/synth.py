"""Synthetic annual reports for benchmarks and tests of the import: real reports (seeds, corpus) with other
agencies, years and numbers, written by :mod:`gongkai.render` in several layouts.

Each synthetic report keeps the narrative, the templates and the blank or "/" cells of the real report it is made
from, and gets fresh numbers in which every identity of statute.md §4 holds (table 三 column by column, table 四
row by row), except for one report in twenty, which gets one wrong number in table 三 — so the import has
findings to store, as real reports do. Everything follows from ``seed`` and the report's index: the same call
writes the same bytes.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from gongkai.errors import GongkaiError
from gongkai.model.report import Cell, Number, Report, Table, ValueKind
from gongkai.model.templates import APPEAL_COLUMNS, APPLICANT_COLUMNS, T4, TableKind, t2_template, t3_template
from gongkai.readers import read
from gongkai.render import render

# (format, file extension, weight): the layouts met in the wild, DOCX rarer because it is the slowest to read.
LAYOUTS = (("md", ".md", 25), ("tsv", ".txt", 25), ("wordlines", ".txt", 20), ("html", ".html", 25),
           ("docx", ".docx", 5))
YEARS = (2020, 2021, 2022, 2023, 2024)
PROVINCE = "江南省"
CITIES = ("临川市", "云州市", "安平市", "东阳市")
COUNTIES = (
    "青溪县", "白石县", "清河县", "云山县", "南平县", "长宁县", "永和县", "安远县", "丰乐县", "桃江县",
    "临泉县", "石门县", "新田县", "宁川县", "平江县", "凤台县", "龙门县", "定远县", "泰和县", "宜章县",
)
TOWN_SYLLABLES = "金银铜铁石竹松柏梅兰菊桃李杏柳杨枫桐槐桑东西南北中上下前后新老大小高长宁安平和丰乐"
TOWN_SUFFIXES = ("镇人民政府", "乡人民政府")
COUNTY_DEPARTMENTS = ("自然资源局", "市场监督管理局", "教育局", "财政局", "卫生健康委员会", "交通运输局")
ERROR_SHARE = 20  # one report in this many gets a wrong number


def agency_for(index: int) -> tuple[str, str, str, str | None]:
    """The (agency, city, county, township or None) of the ``index``-th synthetic agency, all distinct."""
    county_no, rest = divmod(index, len(TOWN_SYLLABLES) ** 2 + len(COUNTY_DEPARTMENTS))
    county = COUNTIES[county_no % len(COUNTIES)]
    if county_no >= len(COUNTIES):
        county = f"{county[:-1]}{county_no // len(COUNTIES) + 1}县"  # beyond the list: 青溪2县 …
    city = CITIES[county_no % len(CITIES)]
    if rest < len(COUNTY_DEPARTMENTS):
        return f"{county}{COUNTY_DEPARTMENTS[rest]}", city, county, None
    rest -= len(COUNTY_DEPARTMENTS)
    first, second = divmod(rest, len(TOWN_SYLLABLES))
    town = TOWN_SYLLABLES[first] + TOWN_SYLLABLES[second]
    suffix = TOWN_SUFFIXES[rest % len(TOWN_SUFFIXES)]
    return f"{county}{town}{suffix}", city, county, town + suffix[0]


def base_reports(paths: Iterable[Path]) -> list[Report]:
    """The real reports to vary: those of ``paths`` that read with all three tables (PDFs are slow: leave them)."""
    out: list[Report] = []
    for path in paths:
        try:
            report = read(path)
        except GongkaiError:
            continue
        if len(report.tables) == 3:
            out.append(report)
    if not out:
        raise ValueError("没有可用作样本的报告（需要含三张统计表的报告）")
    return out


def synthesize(bases: Sequence[Report], index: int, seed: int = 0) -> tuple[Report, str, str]:
    """The ``index``-th synthetic report, its render format and file extension."""
    rng = random.Random(seed * 1_000_003 + index)
    base = bases[rng.randrange(len(bases))]
    agency, _city, _county, _town = agency_for(index // len(YEARS))
    year = YEARS[index % len(YEARS)]
    tables = []
    for table in base.tables:
        fresh = {TableKind.T2: _t2, TableKind.T3: _t3, TableKind.T4: _t4}[table.kind](table, rng)
        # What the real report left blank or printed as "/" stays so: that is what real reports look like.
        tables.append(replace(table, cells={cid: fresh[cid] if cell.is_number and cid in fresh else cell
                                            for cid, cell in table.cells.items()}))
    if index % ERROR_SHARE == ERROR_SHARE - 1:
        t3 = next(i for i, t in enumerate(tables) if t.kind is TableKind.T3)
        numbers = [c for c in tables[t3].cells.values() if c.is_number]
        if numbers:
            wrong = rng.choice(numbers)
            assert isinstance(wrong.value, int)
            cells = dict(tables[t3].cells)
            cells[wrong.id] = _number(wrong.id, wrong.value + rng.randint(1, 9))
            tables[t3] = replace(tables[t3], cells=cells)
    meta = replace(base.meta, agency=agency, year=year, title=None, published=None)
    report = Report(meta, base.sections, tuple(tables), source="", reader="")
    weights = [w for _, _, w in LAYOUTS]
    fmt, ext, _ = rng.choices(LAYOUTS, weights)[0]
    return report, fmt, ext


def write_reports(out: Path, count: int, bases: Sequence[Report], seed: int = 0, start: int = 0) -> list[Path]:
    """Write ``count`` synthetic report files under ``out`` (a folder per thousand) and return their paths."""
    paths: list[Path] = []
    for index in range(start, start + count):
        report, fmt, ext = synthesize(bases, index, seed)
        folder = out / f"{index // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{index:06d}_{report.meta.year}{ext}"
        path.write_bytes(render(report, fmt))
        paths.append(path)
    return paths


def write_regions_csv(path: Path, count: int) -> None:
    """The regions CSV (see :mod:`gongkai.oversight.register`) of the agencies of the first ``count`` reports."""
    agencies = (count + len(YEARS) - 1) // len(YEARS)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["机关", "省", "市", "县", "乡镇", "部门"])
        for i in range(agencies):
            agency, city, county, town = agency_for(i)
            department = "" if town else agency.removeprefix(county)
            writer.writerow([agency, PROVINCE, city, county, town or "", department])


def _number(cell_id: str, value: Number) -> Cell:
    raw = format(value, "f") if isinstance(value, Decimal) else str(value)
    return Cell(cell_id, ValueKind.NUMBER, value, raw=raw)


def _count(rng: random.Random, high: int) -> int:
    roll = rng.random()
    return 0 if roll < 0.4 else rng.randint(1, 9) if roll < 0.75 else rng.randint(10, high)


def _t2(table: Table, rng: random.Random) -> dict[str, Cell]:
    cells: dict[str, Cell] = {}
    for spec in t2_template(table.template).cells:
        if spec.money:
            value: Number = Decimal(rng.randint(0, 10**7)).scaleb(-rng.randint(0, 4))
        elif spec.signed:
            value = rng.randint(-20, 20)
        else:
            value = _count(rng, 500)
        cells[spec.id] = _number(spec.id, value)
    return cells


def _t3(table: Table, rng: random.Random) -> dict[str, Cell]:
    template = t3_template(table.template)
    fixed = ("new", "carried_over", "total", "carried_forward")
    results = [row.key for row in template.rows if row.key not in fixed]
    applicants = [col.key for col in APPLICANT_COLUMNS if col.key != "total"]
    values: dict[str, dict[str, int]] = {key: {} for key in (*results, *fixed)}
    for col in applicants:
        busy = rng.random() < 0.5
        for key in results:
            values[key][col] = _count(rng, 200) if busy else 0
        total = sum(values[key][col] for key in results)
        forward = _count(rng, 30) if busy else 0
        over = rng.randint(0, total + forward) if busy else 0
        values["total"][col] = total
        values["carried_forward"][col] = forward
        values["carried_over"][col] = over
        values["new"][col] = total + forward - over
    cells: dict[str, Cell] = {}
    for row in template.rows:
        row_values = values[row.key]
        row_values["total"] = sum(row_values[col] for col in applicants)
        for column in APPLICANT_COLUMNS:
            cell_id = template.cell_id(row, column)
            cells[cell_id] = _number(cell_id, row_values[column.key])
    return cells


def _t4(table: Table, rng: random.Random) -> dict[str, Cell]:
    cells: dict[str, Cell] = {}
    for row in T4.rows:
        parts = [_count(rng, 20) for _ in APPEAL_COLUMNS[:-1]]
        for column, value in zip(APPEAL_COLUMNS, [*parts, sum(parts)], strict=True):
            cell_id = T4.cell_id(row, column)
            cells[cell_id] = _number(cell_id, value)
    return cells


__all__ = ["LAYOUTS", "agency_for", "base_reports", "synthesize", "write_regions_csv", "write_reports"]
