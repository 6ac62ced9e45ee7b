"""The ``gongkai`` command: thin over the library — each command parses arguments, calls one library function,
and turns library errors into ``错误：…`` and an exit code."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from gongkai.errors import GongkaiError
from gongkai.export import cells_record

app = typer.Typer(
    name="gongkai",
    help="政府信息公开工作年度报告：读取、校验、生成。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)

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
    from gongkai.readers import read_interpretation

    status = 0
    for path in files:
        try:
            interp = read_interpretation(str(path))
        except GongkaiError as exc:
            err.print(f"错误：{exc}")
            status = EXIT_UNREADABLE
            continue
        except Exception as exc:  # a reader bug must not stop the other files: report it, one line
            err.print(f"错误：{path}: 读取时发生内部错误（{type(exc).__name__}: {exc}），请报告此问题")
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


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
