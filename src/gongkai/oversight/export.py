"""Exports of the imported reports for research: CSV (UTF-8 with BOM, so Excel opens it right), XLSX (a 说明 sheet
and a 数据 sheet), Parquet (needs pyarrow) and JSON Lines.

What can be exported (current versions only, optionally one year and one region):

* cells, **long** — one row per cell: agency, region path, year, version, report id, cell id, kind, value, raw;
* cells, **wide** — one row per agency-year, one column per cell id (the value when it is a number, else empty);
* metrics, **long** — one row per agency-year and metric, with its parts, unit and the reason when it cannot be
  computed; metrics, **wide** — one row per agency-year, a value and a reason column per metric.

A blank cell stays empty (kind ``blank``), never 0. Rows are streamed from the database; the file is written under
a temporary name and renamed when complete, so a failed export leaves no half file.
"""

from __future__ import annotations

import csv
import importlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongkai.errors import GongkaiError
from gongkai.oversight.analytics import CELL_IDS, find_region, report_metrics
from gongkai.oversight.metrics import DICTIONARY, METRICS
from gongkai.store.orm_oversight import ImportedCellRow, ImportedReportRow, RegionRow, SupervisedAgencyRow

XLSX_MAX_ROWS = 1_048_576 - 1  # Excel's sheet limit, less the header row
BATCH = 5000
SIX_PLACES = Decimal("0.000001")


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"
    JSONL = "jsonl"


class Dataset(StrEnum):
    CELLS = "cells"
    METRICS = "metrics"


class ExportError(GongkaiError):
    """An export that cannot be written; the message says why and what to do."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, int, decimal
    description: str


@dataclass(frozen=True)
class ExportTable:
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Iterable[tuple[Any, ...]]


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    rows: int
    columns: int


_IDENTITY = (
    Column("agency", "text", "机关名称（首次出现时的写法）"),
    Column("region", "text", "地区路径（省/市/县/乡镇），未载入区划的机关为空"),
    Column("year", "int", "报告年度"),
    Column("version", "int", "该机关该年度报告的版本号（只导出现行版本）"),
    Column("report_id", "int", "报告版本编号（oversight_reports.id），可追溯到来源文件"),
)


def export(
    *,
    session: Session,
    to: ExportFormat,
    path: Path,
    dataset: Dataset = Dataset.CELLS,
    wide: bool = False,
    year: int | None = None,
    region: str | None = None,
) -> ExportSummary:
    """Write one dataset to ``path`` in the format ``to``."""
    writer = _WRITERS[to]
    if to is ExportFormat.PARQUET:
        _pyarrow()  # fail before any query or file
    if region is not None:
        find_region(session=session, region=region)
    table = _table(session, dataset, wide, year, region)
    temporary = path.with_name(f".{path.name}.part")
    try:
        rows = writer(table, temporary, _filter_text(year, region))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return ExportSummary(path, rows, len(table.columns))


def _filter_text(year: int | None, region: str | None) -> str:
    parts = [f"{year}年度" if year is not None else "全部年度", f"地区：{region}" if region else "全部地区"]
    return "，".join(parts)


def _table(session: Session, dataset: Dataset, wide: bool, year: int | None, region: str | None) -> ExportTable:
    if dataset is Dataset.CELLS and not wide:
        return ExportTable(
            "统计表单元格（长表）",
            "每行一个单元格。kind：number 数字、blank 空白、na 填“/”等不适用符号、text 文字、missing 缺失；"
            "只有 number 才有 value，空白不是 0。",
            (*_IDENTITY,
             Column("cell_id", "text", "单元格编号（spec/cells.json）"),
             Column("kind", "text", "取值类型"),
             Column("value", "decimal", "数值（件或万元）"),
             Column("raw", "text", "报告中印刷的原文")),
            _long_cells(session, year, region),
        )
    if dataset is Dataset.CELLS:
        return ExportTable(
            "统计表单元格（宽表）",
            "每行一个机关一个年度，每列一个单元格编号；单元格不是数字（空白、“/”、文字、缺失）时为空。",
            (*_IDENTITY, *(Column(cell_id, "decimal", "单元格数值") for cell_id in CELL_IDS)),
            _wide_cells(session, year, region),
        )
    if not wide:
        return ExportTable(
            "指标（长表）",
            "每行一个机关一个年度的一个指标；无法计算时 value 为空并在 reason 中说明原因。比率单位为 %。",
            (*_IDENTITY,
             Column("metric", "text", "指标编号"),
             Column("name", "text", "指标名称"),
             Column("value", "decimal", "指标值"),
             Column("unit", "text", "单位"),
             Column("numerator", "decimal", "分子（或求和值）"),
             Column("denominator", "decimal", "分母（求和指标为空）"),
             Column("reason", "text", "无法计算的原因"),
             Column("cells", "text", "所用单元格编号")),
            _long_metrics(session, year, region),
        )
    columns = [*_IDENTITY]
    for m in DICTIONARY:
        columns += [Column(m.id, "decimal", f"{m.name}（{m.unit.value}）"),
                    Column(f"{m.id}_reason", "text", f"{m.name}无法计算的原因")]
    return ExportTable(
        "指标（宽表）",
        "每行一个机关一个年度；每个指标一列数值、一列无法计算的原因。",
        tuple(columns),
        _wide_metrics(session, year, region),
    )


def _long_cells(session: Session, year: int | None, region: str | None) -> Iterator[tuple[Any, ...]]:
    r, c, a, g = ImportedReportRow, ImportedCellRow, SupervisedAgencyRow, RegionRow
    statement = (
        select(a.name, g.path, r.year, r.version, r.id, c.cell_id, c.kind, c.value, c.raw)
        .select_from(r)
        .join(a, a.id == r.agency_id)
        .outerjoin(g, g.id == a.region_id)
        .join(c, c.report_id == r.id)
        .where(r.current.is_(True))
        .order_by(r.id, c.cell_id)  # the primary key's order: no sort of millions of rows
    )
    if year is not None:
        statement = statement.where(r.year == year)
    if region is not None:
        path = find_region(session=session, region=region).path
        statement = statement.where((g.path == path) | g.path.startswith(path + "/", autoescape=True))
    for row in session.execute(statement, execution_options={"yield_per": BATCH}):
        yield (*row[:7], row[7] if row[6] == "number" else None, row[8])


def _wide_cells(session: Session, year: int | None, region: str | None) -> Iterator[tuple[Any, ...]]:
    # The long stream, in report order, folded into one row per report: 2.8 s → 1.8 s for 1,000 reports against the
    # 226-column pivot of report_cells_wide on SQLite (bench/analytics_bench.py), and no less exact.
    position = {cell_id: i for i, cell_id in enumerate(CELL_IDS)}
    current: tuple[Any, ...] | None = None
    values: list[Any] = []
    for row in _long_cells(session, year, region):
        if current is None or row[4] != current[4]:
            if current is not None:
                yield (*current, *values)
            current, values = row[:5], [None] * len(CELL_IDS)
        if row[5] in position:
            values[position[row[5]]] = row[7]
    if current is not None:
        yield (*current, *values)


def _long_metrics(session: Session, year: int | None, region: str | None) -> Iterator[tuple[Any, ...]]:
    for item in report_metrics(session=session, year=year, region=region):
        ref = item.report
        for metric_id, value in item.values.items():
            m = METRICS[metric_id]
            yield (ref.agency, ref.region, ref.year, ref.version, ref.report_id, m.id, m.name, value.value,
                   m.unit.value, value.numerator, value.denominator, value.reason, " ".join(m.cells))


def _wide_metrics(session: Session, year: int | None, region: str | None) -> Iterator[tuple[Any, ...]]:
    for item in report_metrics(session=session, year=year, region=region):
        ref = item.report
        values: list[Any] = []
        for m in DICTIONARY:
            values += [item.values[m.id].value, item.values[m.id].reason]
        yield (ref.agency, ref.region, ref.year, ref.version, ref.report_id, *values)


# ---------------------------------------------------------------------------------------------------------------
# Writers: each returns the number of data rows written
# ---------------------------------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:  # a recomputed rate: six places are plenty
        number = number.quantize(SIX_PLACES)
    normal = number.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def _plain(value: Any, kind: str) -> Any:
    """The value as text-free Python: Decimal for decimals (exact), int, str, or None."""
    if value is None:
        return None
    if kind == "decimal":
        return _decimal(value)
    if kind == "int":
        return int(value)
    return str(value)


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _write_csv(table: ExportTable, path: Path, _filter: str) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.name for c in table.columns])
        for row in table.rows:
            writer.writerow([_csv_text(_plain(v, c.kind)) for v, c in zip(row, table.columns, strict=True)])
            count += 1
    return count


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _write_jsonl(table: ExportTable, path: Path, _filter: str) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in table.rows:
            record = {c.name: _json_value(_plain(v, c.kind)) for v, c in zip(row, table.columns, strict=True)}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def _write_xlsx(table: ExportTable, path: Path, filter_text: str) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    readme = book.create_sheet("说明")
    readme.append([table.title])
    readme.append([table.description])
    readme.append([f"范围：{filter_text}；只含各机关各年度报告的现行版本。"])
    readme.append([f"导出时间：{datetime.now().strftime('%Y-%m-%d %H:%M')}；由 gongkai export 生成。"])
    readme.append([])
    readme.append(["列名", "类型", "说明"])
    for column in table.columns:
        readme.append([column.name, {"text": "文本", "int": "整数", "decimal": "数值"}[column.kind],
                       column.description])
    data = book.create_sheet("数据")
    data.append([c.name for c in table.columns])
    count = 0
    for row in table.rows:
        if count == XLSX_MAX_ROWS:
            raise ExportError(f"数据超过 Excel 单个工作表的 {XLSX_MAX_ROWS} 行上限（请加 --year 或 --region 缩小范围，"
                              "或改用 --to csv / parquet / jsonl）")
        data.append([_json_value(_plain(v, c.kind)) for v, c in zip(row, table.columns, strict=True)])
        count += 1
    book.save(path)
    return count


def _pyarrow() -> Any:
    try:
        return importlib.import_module("pyarrow")
    except ImportError as exc:
        raise ExportError("导出 Parquet 需要 pyarrow 库，当前环境未安装（请安装 pyarrow，或改用 --to csv、xlsx 或 jsonl）"
                          ) from exc


def _write_parquet(table: ExportTable, path: Path, filter_text: str) -> int:
    pa = _pyarrow()
    parquet = importlib.import_module("pyarrow.parquet")
    types = {"text": pa.string(), "int": pa.int64(), "decimal": pa.decimal128(24, 6)}
    schema = pa.schema(
        [pa.field(c.name, types[c.kind], metadata={"description": c.description}) for c in table.columns],
        metadata={"title": table.title, "description": table.description, "filter": filter_text},
    )
    count = 0
    with parquet.ParquetWriter(str(path), schema) as writer:
        for batch in _batches(table.rows, BATCH):
            columns = [
                [(_plain(v, c.kind).quantize(SIX_PLACES) if c.kind == "decimal" and v is not None
                  else _plain(v, c.kind)) for v in values]
                for values, c in zip(zip(*batch, strict=True), table.columns, strict=True)
            ]
            writer.write_batch(pa.record_batch(columns, schema=schema))
            count += len(batch)
    return count


def _batches(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[Sequence[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


_WRITERS: dict[ExportFormat, Callable[[ExportTable, Path, str], int]] = {
    ExportFormat.CSV: _write_csv,
    ExportFormat.XLSX: _write_xlsx,
    ExportFormat.PARQUET: _write_parquet,
    ExportFormat.JSONL: _write_jsonl,
}


__all__ = ["Column", "Dataset", "ExportError", "ExportFormat", "ExportSummary", "ExportTable", "export"]
