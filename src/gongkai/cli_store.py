"""``gongkai db | demo | report | registers``: the ledger from the command line. Typer sub-apps, mounted by
``gongkai.cli`` with::

    from gongkai.cli_store import db_app, demo_command, registers_app, report_app
    app.add_typer(db_app, name="db")
    app.command("demo")(demo_command)
    app.add_typer(report_app, name="report")
    app.add_typer(registers_app, name="registers")

The database is ``--db URL``, else ``GONGKAI_DATABASE_URL``, else the SQLite file in the data directory.
Errors print ``错误：…`` on one line and exit with code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from gongkai.errors import GongkaiError

EXIT_ERROR = 2
DbOption = Annotated[str | None, typer.Option("--db", help="数据库 URL（默认取 GONGKAI_DATABASE_URL 或数据目录中的 SQLite 文件）")]
HolidaysOption = Annotated[Path | None, typer.Option("--holidays", help="本地节假日文件（默认取 GONGKAI_HOLIDAYS_FILE）")]

db_app = typer.Typer(help="台账数据库：建立、升级、重算答复期限。", no_args_is_help=True, add_completion=False,
                     pretty_exceptions_enable=False)
report_app = typer.Typer(help="由台账生成年度报告。", no_args_is_help=True, add_completion=False,
                         pretty_exceptions_enable=False)
registers_app = typer.Typer(help="表二登记：规章、行政规范性文件和年度数据。", no_args_is_help=True,
                            add_completion=False, pretty_exceptions_enable=False)


def _fail(message: str) -> typer.Exit:
    sys.stderr.write(f"错误：{message}\n")
    return typer.Exit(EXIT_ERROR)


def _factory(db: str | None, *, migrate: bool = True) -> sessionmaker[Session]:
    from gongkai.store import make_engine, session_factory, upgrade
    from gongkai.store.audit import cli_actor

    engine = make_engine(db)
    if migrate:
        upgrade(engine)
    return session_factory(engine, actor=cli_actor())


def _agency_id(session: Session, agency: str) -> int:
    from gongkai.ledger import find_agency, get_agency

    if agency.isdigit():
        return get_agency(session=session, agency_id=int(agency)).id
    found = find_agency(session=session, name=agency)
    if found is None:
        raise _fail(f"没有名为“{agency}”的机关")
    return found.id


@db_app.callback()
def _db() -> None:
    """台账数据库：建立、升级、重算答复期限。"""


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """把数据库升级到最新结构（空数据库即新建）。示例：

        gongkai db upgrade
        gongkai db upgrade --db postgresql+psycopg://gongkai:密码@127.0.0.1/gongkai
    """
    from gongkai.store import make_engine
    from gongkai.store.migrate import current_revision, upgrade

    try:
        engine = make_engine(db)
        upgrade(engine)
        sys.stdout.write(f"数据库已是最新结构（版本 {current_revision(engine)}）：{engine.url.render_as_string()}\n")
    except GongkaiError as exc:
        raise _fail(str(exc)) from exc


@db_app.command("recompute-deadlines")
def db_recompute(db: DbOption = None, holidays: HolidaysOption = None) -> None:
    """日历更新后，重算所有未办结申请的答复期限。示例：

        gongkai db recompute-deadlines --holidays 2027.toml
    """
    from gongkai.desk.calendar import WorkCalendar
    from gongkai.ledger import recompute_open_deadlines
    from gongkai.store import session_scope

    try:
        calendar = WorkCalendar.load(holidays)
        with session_scope(_factory(db)) as session:
            changes = recompute_open_deadlines(session=session, calendar=calendar)
    except GongkaiError as exc:
        raise _fail(str(exc)) from exc
    for c in changes:
        sys.stdout.write(f"{c.code}：{c.due_before or c.state_before.label} → {c.due_after or c.state_after.label}\n")
    sys.stdout.write(f"答复期限有变化的申请：{len(changes)} 件\n")


def demo_command(
    db: DbOption = None,
    seed: Annotated[int, typer.Option("--seed", help="随机种子（同一种子生成同样的数据）")] = 2025,
) -> None:
    """载入演示数据：两个虚构机关、2024 和 2025 两个年度的申请、复议诉讼、主动公开和登记。示例：

        gongkai demo --db sqlite:///demo.db
    """
    from gongkai.ledger.demo import load_demo
    from gongkai.store import session_scope

    try:
        with session_scope(_factory(db)) as session:
            summary = load_demo(session=session, seed=seed)
    except GongkaiError as exc:
        raise _fail(str(exc)) from exc
    sys.stdout.write(
        f"已载入演示数据：机关 {len(summary.agency_ids)} 个（编号 {'、'.join(map(str, summary.agency_ids))}），"
        f"申请 {summary.applications} 件，事件 {summary.events} 条，复议诉讼 {summary.appeals} 件，"
        f"主动公开 {summary.proactive_items} 条，文件登记 {summary.documents} 件\n"
    )


@report_app.callback()
def _report() -> None:
    """由台账生成年度报告。"""


@report_app.command("build")
def report_build(
    agency: Annotated[str, typer.Argument(help="机关名称或编号")],
    year: Annotated[int, typer.Argument(help="报告年度")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件")],
    to: Annotated[str, typer.Option("--to", help="格式：docx、html、md、xlsx、json …")] = "docx",
    store: Annotated[bool, typer.Option("--store", help="同时保存为该年度报告的一个版本")] = False,
    db: DbOption = None,
    holidays: HolidaysOption = None,
) -> None:
    """由台账生成年度报告（2021 年格式，含正文初稿），并按全部规则检查（含与上年报告的衔接）。示例：

        gongkai report build 青溪县吴村镇人民政府 2025 -o 2025.docx --store
    """
    from gongkai.desk.calendar import WorkCalendar
    from gongkai.ledger import build_report, check_built_report, store_report
    from gongkai.render import render
    from gongkai.store import session_scope
    from gongkai.store.vocab import ReportOrigin

    try:
        calendar = WorkCalendar.load(holidays)
        with session_scope(_factory(db)) as session:
            agency_id = _agency_id(session, agency)
            report = build_report(session=session, agency_id=agency_id, year=year, calendar=calendar)
            findings = check_built_report(session=session, agency_id=agency_id, report=report)
            if store:
                store_report(session=session, agency_id=agency_id, report=report, origin=ReportOrigin.GENERATED,
                             created_by="命令行")
        output.write_bytes(render(report, to))
    except GongkaiError as exc:
        raise _fail(str(exc)) from exc
    for f in findings:
        sys.stderr.write(f"{f.rule} {f.severity.value}：{f.message}\n")
    sys.stderr.write(f"已生成 {output}；检查发现 {len(findings)} 条\n")


@registers_app.callback()
def _registers() -> None:
    """表二登记：规章、行政规范性文件和年度数据。"""


@registers_app.command("import")
def registers_import(
    agency: Annotated[str, typer.Argument(help="机关名称或编号")],
    files: Annotated[list[Path], typer.Argument(help="CSV 文件（文件登记或年度数据）")],
    db: DbOption = None,
) -> None:
    """导入 CSV：有一行错误则整个文件不导入，并指出文件、行号和列名。示例：

        gongkai registers import 青溪县市场监督管理局 文件登记.csv 年度数据.csv
    """
    from gongkai.ledger import import_registers_csv
    from gongkai.store import session_scope

    try:
        with session_scope(_factory(db)) as session:
            agency_id = _agency_id(session, agency)
            results = [import_registers_csv(session=session, agency_id=agency_id, path=f) for f in files]
    except (GongkaiError, OSError) as exc:
        raise _fail(str(exc)) from exc
    for r in results:
        what = "文件登记" if r.layout == "documents" else "年度数据"
        sys.stdout.write(f"{r.file}：{what}，新增 {r.created} 条，更新 {r.updated} 条\n")


__all__ = ["db_app", "demo_command", "registers_app", "report_app"]
