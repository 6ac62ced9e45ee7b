"""``gongkai stats`` and ``gongkai export``: the analytics of imported reports from the command line. Mounted by
``gongkai.cli`` with::

    from gongkai.cli_analytics import export_command, stats_command
    app.command("stats")(stats_command)
    app.command("export")(export_command)

The database is ``--db URL``, else ``GONGKAI_DATABASE_URL``, else the SQLite file in the data directory.
Errors print ``错误：…`` on one line and exit with code 2.
"""

from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from gongkai.cli_store import DbOption, _factory, _fail
from gongkai.errors import GongkaiError

out = Console(highlight=False, soft_wrap=True, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


class ByOption(StrEnum):
    YEAR = "year"
    REGION = "region"
    AGENCY = "agency"
    TOTAL = "total"


class ExportTo(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"
    JSONL = "jsonl"


def stats_command(
    db: DbOption = None,
    year: Annotated[int | None, typer.Option("--year", help="只统计该年度")] = None,
    region: Annotated[str | None, typer.Option("--region", help="只统计该地区（完整路径或唯一的地名）")] = None,
    metric: Annotated[list[str] | None, typer.Option("--metric", help="指标编号，可重复；默认全部")] = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help="按 --metric 排名，列出前 N 名和后 N 名（并列全列）")]
    = None,
    by: Annotated[ByOption, typer.Option("--by", help="分组：year 年度、region 地区、agency 机关、total 合计")]
    = ByOption.YEAR,
    level: Annotated[str, typer.Option("--level", help="按地区分组时的层级：省、市、县、乡镇")] = "县",
    output: Annotated[OutputFormat, typer.Option("--format", help="输出格式：table、json、csv")] = OutputFormat.TABLE,
    chart: Annotated[Path | None, typer.Option("--chart", help="同时把排名（条形图）或按年度走势（折线图）写成 SVG")]
    = None,
    dictionary: Annotated[bool, typer.Option("--dictionary", help="只输出指标字典（Markdown）")] = False,
) -> None:
    """统计已导入报告的指标（只计各机关各年度报告的现行版本）。比率由相加后的分子、分母重新计算；所需单元格为
    空白或“/”的报告不计入，并列出排除的份数。示例：

        gongkai stats --year 2023 --by region --level 市
        gongkai stats --year 2023 --metric disclosure_rate --top 10 --chart 排名.svg
    """
    from gongkai.oversight import analytics, charts
    from gongkai.oversight.metrics import describe

    if dictionary:
        sys.stdout.write(describe())
        return
    try:
        factory = _factory(db)
        with factory() as session:
            if top is not None:
                if not metric or len(metric) != 1:
                    raise _fail("排名需要且只能指定一个 --metric")
                ranking = analytics.rank(session=session, metric=metric[0], n=top, year=year, region=region)
                records = _ranking_records(ranking)
                if chart is not None:
                    chart.write_text(charts.ranking_chart(ranking), encoding="utf-8")
                note = f"参与排名 {ranking.ranked} 份，无法计算而未排名 {ranking.excluded} 份"
            else:
                groups = analytics.aggregate(session=session, by=analytics.Grouping(by.value), level=level,
                                             metrics=metric, year=year, region=region)
                records = _group_records(groups, by)
                if chart is not None:
                    if by is not ByOption.YEAR or not metric or len(metric) != 1:
                        raise _fail("--chart 需要排名（--top），或按年度（--by year）且只有一个 --metric")
                    chart.write_text(charts.trend_chart(metric[0], [(region or "全部", groups)]), encoding="utf-8")
                note = "比率由各报告相加后的分子、分母计算；“排除”为所需单元格不全的报告数"
    except (GongkaiError, KeyError) as exc:
        raise _fail(str(exc).strip("'\"")) from exc
    _print(records, output, note)


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.quantize(Decimal("0.01")) if value != value.to_integral_value() else value.normalize(), "f")


def _ranking_records(ranking: Any) -> list[dict[str, Any]]:
    from gongkai.oversight.metrics import METRICS

    m = METRICS[ranking.metric]
    records = []
    for side, figures in (("前", ranking.top), ("后", ranking.bottom)):
        for f in figures:
            records.append({
                "排名": f"{side}{f.rank}", "机关": f.report.agency, "地区": f.report.region or "",
                "年度": f.report.year, "指标": m.name, "值": f.value.display(), "分子": _number(f.value.numerator),
                "分母": _number(f.value.denominator), "报告版本编号": f.report.report_id,
                "版本": f.report.version, "单元格": " ".join(m.cells),
            })
    return records


def _group_records(groups: Any, by: ByOption) -> list[dict[str, Any]]:
    from gongkai.oversight.metrics import METRICS

    heading = {"year": "年度", "region": "地区", "agency": "机关", "total": "范围"}[by.value]
    records = []
    for group in groups:
        for metric_id, figure in group.values.items():
            m = METRICS[metric_id]
            records.append({
                heading: group.label, "指标": m.name, "值": figure.value.display(),
                "分子": _number(figure.value.numerator), "分母": _number(figure.value.denominator),
                "报告数": figure.reports, "排除": figure.excluded,
                "说明": figure.value.reason or figure.note,
            })
    return records


def _print(records: list[dict[str, Any]], output: OutputFormat, note: str) -> None:
    if output is OutputFormat.JSON:
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
        return
    if output is OutputFormat.CSV:
        writer = csv.writer(sys.stdout)
        if records:
            writer.writerow(records[0])
        for record in records:
            writer.writerow(record.values())
        return
    if not records:
        out.print("没有符合条件的报告。")
        return
    table = Table(caption=note)
    for key in records[0]:
        table.add_column(key, justify="right" if key in ("值", "分子", "分母", "报告数", "排除") else "left")
    for record in records:
        table.add_row(*(str(v) for v in record.values()))
    out.print(table)


def export_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="输出文件")],
    to: Annotated[ExportTo, typer.Option("--to", help="格式：csv、xlsx、parquet、jsonl")],
    db: DbOption = None,
    wide: Annotated[bool, typer.Option("--wide", help="宽表：每个机关每年度一行")] = False,
    metrics: Annotated[bool, typer.Option("--metrics", help="导出指标而不是单元格")] = False,
    year: Annotated[int | None, typer.Option("--year", help="只导出该年度")] = None,
    region: Annotated[str | None, typer.Option("--region", help="只导出该地区")] = None,
) -> None:
    """导出已导入报告的单元格或指标（只含现行版本）。CSV 为带 BOM 的 UTF-8，可直接用 Excel 打开。示例：

        gongkai export --to csv -o 单元格.csv --year 2023
        gongkai export --to xlsx --metrics --wide -o 指标.xlsx
    """
    from gongkai.oversight.export import Dataset, ExportFormat, export

    try:
        factory = _factory(db)
        with factory() as session:
            summary = export(session=session, to=ExportFormat(to.value), path=output,
                             dataset=Dataset.METRICS if metrics else Dataset.CELLS, wide=wide, year=year,
                             region=region)
    except GongkaiError as exc:
        raise _fail(str(exc)) from exc
    err.print(f"已导出 {summary.rows} 行、{summary.columns} 列：{summary.path}")


__all__ = ["export_command", "stats_command"]
