"""``gongkai deadline calc | show``: the statutory clock from the command line — a what-if, or an application of
the ledger (mounted with
``app.add_typer(deadline_app, name="deadline")``). Errors print ``错误：…`` on one line and exit with code 2."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gongkai.errors import GongkaiError

EXIT_ERROR = 2

deadline_app = typer.Typer(
    help="答复期限：按政府信息公开条例第三十条至第三十四条计算依申请公开的答复期限。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def _fail(message: str) -> typer.Exit:
    sys.stderr.write(f"错误：{message}\n")
    return typer.Exit(EXIT_ERROR)


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _fail(f"{what}“{text}”不是有效日期（格式 YYYY-MM-DD）") from None


def _pause(text: str) -> tuple[date, date]:
    start, sep, end = text.partition(":")
    if not sep or not end.strip():
        raise _fail(f"征求意见期间“{text}”应写作 起始日:结束日（如 2025-10-09:2025-10-20）")
    a, b = _date(start, "征求意见起始日"), _date(end, "征求意见结束日")
    if b < a:
        raise _fail(f"征求意见期间“{text}”的结束日早于起始日")
    return a, b


@deadline_app.callback()
def _group() -> None:
    """答复期限：按政府信息公开条例第三十条至第三十四条计算依申请公开的答复期限。"""


@deadline_app.command("calc")
def calc(
    received: Annotated[str, typer.Option("--received", help="收到申请之日（按提交方式：提交、签收或确认之日），YYYY-MM-DD")],
    channel: Annotated[
        str | None, typer.Option("--channel", help="提交方式：当面、邮寄、平信、网络、传真、电子邮件")
    ] = None,
    corrected: Annotated[str | None, typer.Option("--corrected", help="收到补正的申请之日（第三十条，重新起算）")] = None,
    pause: Annotated[
        list[str] | None,
        typer.Option("--pause", help="征求第三方或其他机关意见的期间 起始日:结束日，可重复；不计入 (起始日, 结束日]"),
    ] = None,
    extend: Annotated[bool, typer.Option("--extend", help="经批准延长20个工作日（第三十三条第二款）")] = False,
    approver: Annotated[str | None, typer.Option("--approver", help="批准延长的政府信息公开工作机构负责人")] = None,
    holidays: Annotated[
        Path | None, typer.Option("--holidays", help="本地节假日文件（默认取环境变量 GONGKAI_HOLIDAYS_FILE）")
    ] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="输出格式")] = OutputFormat.text,
) -> None:
    """试算答复期限，逐段列出计算过程和法律依据。示例：

        gongkai deadline calc --received 2025-09-20
        gongkai deadline calc --received 2025-09-20 --channel 邮寄 --pause 2025-10-09:2025-10-20 --extend
        gongkai deadline calc --received 2025-09-20 --corrected 2025-09-30 --format json
    """
    from gongkai.desk.calendar import WorkCalendar
    from gongkai.desk.deadline import calc_deadline
    from gongkai.desk.explain import deadline_dict, explain_lines

    day = _date(received, "收到申请之日")
    fixed = _date(corrected, "收到补正申请之日") if corrected else None
    pauses = [_pause(p) for p in pause or []]
    try:
        calendar = WorkCalendar.load(holidays)
        result = calc_deadline(day, channel, fixed, pauses, extend, calendar, approver=approver)
    except GongkaiError as exc:
        raise _fail(str(exc)) from exc
    if format is OutputFormat.json:
        sys.stdout.write(json.dumps(deadline_dict(result), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("\n".join(explain_lines(result)) + "\n")


@deadline_app.command("show")
def show(
    application: Annotated[str, typer.Argument(help="申请：编号（2025-0012 或 吴村〔2025〕依申请第12号）或内部编号")],
    agency: Annotated[
        str | None,
        typer.Option("--agency", "-a", envvar="GONGKAI_AGENCY", help="机关名称或编号（默认取 GONGKAI_AGENCY；库中只有一个机关时可省略）"),
    ] = None,
    db: Annotated[str | None, typer.Option("--db", help="数据库 URL（默认取 GONGKAI_DATABASE_URL 或数据目录中的 SQLite 文件）")] = None,
    holidays: Annotated[
        Path | None, typer.Option("--holidays", help="本地节假日文件（默认取环境变量 GONGKAI_HOLIDAYS_FILE）")
    ] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="输出格式")] = OutputFormat.text,
) -> None:
    """台账中一件申请的答复期限，逐段列出：计算的工作日、不计算的期间、重新起算、延长，及各段的法律依据。示例：

        gongkai deadline show 2025-0003
        gongkai deadline show 2025-0003 --agency 吴村 --format json
    """
    from gongkai.cli_apps import guard, ledger_session, resolve_agency, resolve_application
    from gongkai.desk.calendar import WorkCalendar
    from gongkai.desk.explain import deadline_dict, explain_lines
    from gongkai.ledger import get_application, reply_deadline

    with guard():
        calendar = WorkCalendar.load(holidays)
        with ledger_session(db) as session:
            agency_id = resolve_agency(session, agency)
            app_id = resolve_application(session, agency_id, application)
            app = get_application(session=session, agency_id=agency_id, application_id=app_id)
            result = reply_deadline(session=session, agency_id=agency_id, application_id=app_id, calendar=calendar)
    if result is None:
        raise _fail(f"{app.number}：{app.received_on.year}年工作日历未知，无法计算答复期限（请载入该年度节假日安排）")
    if format is OutputFormat.json:
        sys.stdout.write(json.dumps({"application": app.code, "number": app.number, **deadline_dict(result)},
                                    ensure_ascii=False) + "\n")
        return
    head = f"{app.number}（{app.code}）" + (f"　已于 {app.closed_on} 办结：{app.outcome_label}" if app.closed_on else "")
    sys.stdout.write("\n".join([head, *explain_lines(result)]) + "\n")
