"""The ``gongkai`` command: thin over the library — each command parses arguments, calls one library function,
and turns library errors into ``错误：…`` and an exit code."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from gongkai.errors import GongkaiError
from gongkai.export import cells_record

if TYPE_CHECKING:
    from gongkai.extract import Interpretation

app = typer.Typer(
    name="gongkai",
    help="政府信息公开工作年度报告：读取、校验、生成。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2


class ParseFormat(StrEnum):
    json = "json"
    cells = "cells"
    md = "md"
    debug = "debug"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


def _read_or_say(path: Path) -> Interpretation | None:
    """Read one input; on failure print one line naming it and return None, so the other files go on."""
    from gongkai.readers import read_interpretation

    try:
        return read_interpretation(str(path))
    except GongkaiError as exc:
        err.print(f"错误：{exc}")
    except Exception as exc:  # a reader bug must not stop the other files: say it in one line
        err.print(f"错误：{path}: 读取时发生内部错误（{type(exc).__name__}: {exc}），请报告此问题")
    return None


def _print_line(payload: object) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="报告文件（TXT/Markdown/HTML/DOCX/PDF，或报告模型 JSON）")],
    format: Annotated[ParseFormat, typer.Option("--format", "-f", help="输出格式")] = ParseFormat.json,
) -> None:
    """读取报告，输出报告模型。

    多个文件时每个文件输出一行 JSON（按输入顺序）。示例：

        gongkai parse ../shared/seeds/002_557b3571ae78e526.txt --format cells
    """
    status = 0
    for path in files:
        interp = _read_or_say(path)
        if interp is None:
            status = EXIT_UNREADABLE
            continue
        report = interp.report
        if format is ParseFormat.cells:
            _print_line(cells_record(report))
        elif format is ParseFormat.json:
            _print_line(report.to_dict())
        elif format is ParseFormat.debug:
            from gongkai.render.debug import render_debug

            sys.stdout.write(render_debug(interp))
        else:
            from gongkai.render import render

            sys.stdout.write(render(report, "md").decode("utf-8"))
    raise typer.Exit(status)


_SEVERITY_STYLE = {"error": ("错误", "bold red"), "warning": ("警告", "yellow"), "info": ("提示", "dim")}


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="要检查的报告文件")],
    previous: Annotated[
        Path | None, typer.Option("--previous", "-p", help="上一年度的报告，用于检查跨年衔接")
    ] = None,
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="输出格式")] = CheckFormat.text,
    select: Annotated[list[str] | None, typer.Option("--select", help="只运行这些规则（编号或前缀，如 GK1）")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="不运行这些规则（编号或前缀）")] = None,
    show_info: Annotated[bool, typer.Option("--info/--no-info", help="文本输出中是否显示“提示”级别")] = False,
) -> None:
    """检查报告：勾稽关系、空白、模板、结构、跨年衔接、正文与表格是否一致。

    有“错误”级别的问题时退出码为 1，有文件无法读取时为 2。示例：

        gongkai check ../shared/seeds/003_c9419c5d055fd0e3.txt
        gongkai check report2024.docx --previous report2023.docx --format json
    """
    from gongkai.readers import read
    from gongkai.rules import check as run_rules
    from gongkai.rules import has_errors, select_rules

    try:
        select_rules(select, ignore)
    except ValueError as exc:
        err.print(f"错误：{exc}")
        raise typer.Exit(EXIT_UNREADABLE) from exc
    last = None
    if previous is not None:
        try:
            last = read(str(previous))
        except GongkaiError as exc:
            err.print(f"错误：{exc}")
            raise typer.Exit(EXIT_UNREADABLE) from exc
    status = 0
    out = Console(highlight=False, soft_wrap=True)
    for path in files:
        interp = _read_or_say(path)
        if interp is None:
            status = EXIT_UNREADABLE
            continue
        report = interp.report
        findings = run_rules(report, last, select=select, ignore=ignore)
        if has_errors(findings) and status == 0:
            status = EXIT_FINDINGS
        if format is CheckFormat.json:
            _print_line(
                {
                    "source": report.source,
                    "meta": report.meta.to_dict(),
                    "findings": [f.to_dict() for f in findings],
                }
            )
            continue
        meta = report.meta
        head = f"{path}  {meta.agency or '（机关不明）'} {meta.year or '（年度不明）'}"
        out.print(f"[bold]{escape(head)}[/bold]")
        shown = [f for f in findings if show_info or f.severity != "info"]
        for f in shown:
            word, style = _SEVERITY_STYLE[f.severity.value]
            where = f"  〔{f.where}〕" if f.where else ""
            values = ""
            if f.computed is not None:
                values = f"  印为 {f.printed if f.printed is not None else '—'}，应为 {f.computed if f.computed is not None else '—'}"
            out.print(f"  [{style}]{word}[/{style}] {f.rule} {escape(f.message + where + values)}")
        hidden = len(findings) - len(shown)
        counts = {k: sum(1 for f in findings if f.severity == k) for k in ("error", "warning", "info")}
        summary = f"  共 {counts['error']} 个错误、{counts['warning']} 个警告、{counts['info']} 个提示"
        if hidden:
            summary += "（提示未显示，加 --info 查看）"
        out.print(escape(summary) if findings else "  未发现问题")
    raise typer.Exit(status)


@app.command()
def render(
    report: Annotated[Path, typer.Argument(help="报告模型 JSON（gongkai parse --format json 的输出）或任何可读取的报告文件")],
    to: Annotated[str, typer.Option("--to", "-t", help="输出格式：docx、html、md、xlsx、pdf（需安装 LibreOffice）、tsv、wordlines、json")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件")],
) -> None:
    """按法定格式生成报告文件。示例：

        gongkai parse ../shared/seeds/002_557b3571ae78e526.txt > 002.json
        gongkai render 002.json --to docx -o 002.docx
    """
    from gongkai.readers import read
    from gongkai.render import render as render_report

    try:
        model = read(str(report))
    except GongkaiError as exc:
        err.print(f"错误：{exc}")
        raise typer.Exit(EXIT_UNREADABLE) from exc
    try:
        data = render_report(model, to)
    except GongkaiError as exc:  # the input was fine; producing the output failed
        err.print(f"错误：{exc}")
        raise typer.Exit(EXIT_FINDINGS) from exc
    output.write_bytes(data)
    err.print(f"已生成 {output}（{len(data)} 字节）")


def _mount_subcommands() -> None:
    from gongkai.cli_desk import deadline_app
    from gongkai.cli_store import db_app, demo_command, registers_app, report_app

    app.add_typer(deadline_app, name="deadline")
    app.add_typer(db_app, name="db")
    app.command("demo")(demo_command)
    app.add_typer(report_app, name="report")
    app.add_typer(registers_app, name="registers")
    from gongkai.cli_apps import agency_app, app_app, notice_command, notice_templates_command
    from gongkai.cli_records import appeal_app, proactive_app

    app.add_typer(agency_app, name="agency")
    app.add_typer(app_app, name="app")
    app.command("notice")(notice_command)
    app.command("notice-templates")(notice_templates_command)
    app.add_typer(appeal_app, name="appeal")
    app.add_typer(proactive_app, name="proactive")
    from gongkai.cli_oversight import import_command, regions_app

    app.command("import")(import_command)
    app.add_typer(regions_app, name="regions")
    from gongkai.cli_analytics import export_command, stats_command

    app.command("stats")(stats_command)
    app.command("export")(export_command)
    from gongkai.cli_backup import backup_command, restore_command

    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
    from gongkai.cli_web import serve_command

    app.command("serve")(serve_command)
    from gongkai.cli_users import audit_app, user_app

    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")


_mount_subcommands()


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
