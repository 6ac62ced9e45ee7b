"""``gongkai import`` and ``gongkai regions``: reports in bulk for oversight and research. Mounted by ``gongkai.cli``
with::

    from gongkai.cli_oversight import import_command, regions_app
    app.command("import")(import_command)
    app.add_typer(regions_app, name="regions")

The database is ``--db URL``, else ``GONGKAI_DATABASE_URL``, else the SQLite file in the data directory.
Errors print ``错误：…`` on one line and exit with code 2; an import in which some files could not be read
exits with 2 too (after importing all the others), an interrupted one with 130.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from gongkai.cli_store import EXIT_ERROR, DbOption, _factory, _fail
from gongkai.errors import GongkaiError

EXIT_INTERRUPTED = 130

regions_app = typer.Typer(help="被监督机关的行政区划（省/市/县/乡镇/部门）。", no_args_is_help=True,
                          add_completion=False, pretty_exceptions_enable=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def import_command(
    paths: Annotated[list[Path], typer.Argument(help="报告文件、目录（含子目录）或 ZIP 压缩包")],
    db: DbOption = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="并行解析的进程数（默认取 CPU 核数）", min=1)]
    = None,
    regions: Annotated[Path | None, typer.Option("--regions", help="先载入行政区划 CSV（列见 gongkai regions load）")]
    = None,
    aggregations: Annotated[
        Path | None, typer.Option("--aggregations", help="汇总关系 CSV（列：汇总机关,组成机关），用于核对汇总报告")
    ] = None,
) -> None:
    """批量导入年度报告：读取、校验并存入数据库。同一文件重复导入不会重复保存；同一机关同一年度的新文件
    保存为新版本；中断后再次运行同一命令即可继续。示例：

        gongkai import 报告/ 2024年报告.zip --db sqlite:///监督.db --regions 区划.csv
    """
    from gongkai.oversight import import_reports, load_regions_csv
    from gongkai.oversight.crossrules import load_aggregations_csv, run_cross_report_rules
    from gongkai.oversight.importer import default_jobs
    from gongkai.store import session_scope

    try:
        factory = _factory(db)
        if regions is not None:
            with session_scope(factory) as session:
                loaded = load_regions_csv(session=session, path=regions)
            err.print(f"已载入行政区划：{loaded.rows} 行，新增地区 {loaded.regions_created} 个，"
                      f"新增机关 {loaded.agencies_created} 个")
        engine = factory.kw["bind"]
        with Progress(
            TextColumn("导入"), BarColumn(), MofNCompleteColumn(), TextColumn("用时"), TimeElapsedColumn(),
            TextColumn("剩余"), TimeRemainingColumn(), console=err, transient=False,
        ) as bar:
            task = bar.add_task("导入", total=None)

            def advance(done: int, total: int, _name: str) -> None:
                bar.update(task, completed=done, total=total)

            summary = import_reports(paths, engine=engine, jobs=jobs or default_jobs(), progress=advance)
        if not summary.interrupted:
            # Rules across reports (carry-over, aggregates, copied text) see every stored report, old and new.
            declared = load_aggregations_csv(aggregations) if aggregations is not None else []
            with session_scope(factory) as session:
                cross = run_cross_report_rules(session=session, aggregations=declared)
            err.print(f"跨报告检查：发现问题 {cross.findings} 条")
    except GongkaiError as exc:
        raise _fail(str(exc)) from exc
    for failure in summary.failures:
        err.print(f"无法导入：{failure.error}")
    err.print(
        f"共 {summary.total} 个文件：新导入 {summary.imported} 份，新版本 {summary.new_versions} 份，"
        f"未变 {summary.unchanged} 个，失败 {summary.failed} 个；发现问题 {summary.findings} 条"
    )
    if summary.interrupted:
        err.print("导入已中断：已保存的报告不会丢失，再次运行同一命令即可继续。")
        raise typer.Exit(EXIT_INTERRUPTED)
    if summary.failed:
        raise typer.Exit(EXIT_ERROR)


@regions_app.callback()
def _regions() -> None:
    """被监督机关的行政区划（省/市/县/乡镇/部门）。"""


@regions_app.command("load")
def regions_load(
    file: Annotated[Path, typer.Argument(help="UTF-8 CSV，表头：机关,省,市,县,乡镇,部门")],
    db: DbOption = None,
) -> None:
    """载入行政区划：每行一个机关（名称同报告标题中的机关名称），归入其最下一级地区；“部门”可选。
    重复载入同一文件不产生变化。示例：

        gongkai regions load 区划.csv

    CSV 示例：

        机关,省,市,县,乡镇,部门
        青溪县吴村镇人民政府,江南省,临川市,青溪县,吴村镇,
        青溪县市场监督管理局,江南省,临川市,青溪县,,市场监管
    """
    from gongkai.oversight import load_regions_csv
    from gongkai.store import session_scope

    try:
        with session_scope(_factory(db)) as session:
            loaded = load_regions_csv(session=session, path=file)
    except GongkaiError as exc:
        raise _fail(str(exc)) from exc
    sys.stdout.write(
        f"{loaded.file}：{loaded.rows} 行，新增地区 {loaded.regions_created} 个，新增机关 {loaded.agencies_created} 个，"
        f"归属有变化的机关 {loaded.agencies_placed} 个\n"
    )


__all__ = ["import_command", "regions_app"]
