"""``gongkai agency | app | notice | notice-templates``: the disclosure desk from the command line. Typer
sub-apps, mounted by ``gongkai.cli`` with::

    from gongkai.cli_apps import agency_app, app_app, notice_command, notice_templates_command
    app.add_typer(agency_app, name="agency")
    app.add_typer(app_app, name="app")
    app.command("notice")(notice_command)
    app.command("notice-templates")(notice_templates_command)

(``gongkai appeal`` and ``gongkai proactive`` are in :mod:`gongkai.cli_records`; ``gongkai deadline show`` lives
with ``deadline calc`` in :mod:`gongkai.cli_desk`.)

Every command parses its arguments, calls one library function and prints the result; an error prints one line
``错误：…`` on stderr and exits with code 2 — never a traceback. The agency is ``--agency`` (name or number), else
``GONGKAI_AGENCY``, else the only agency of the database. An application (APP) is its number (``2025-0012`` or
``吴村〔2025〕依申请第12号``) or its internal id. The clerk recorded is ``--actor``, else ``GONGKAI_ACTOR``, else 命令行.
Personal data is printed masked; only a notice written to a file holds the applicant's real data.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar
from zoneinfo import ZoneInfo

import typer
from sqlalchemy.orm import Session

from gongkai.cli_store import DbOption, HolidaysOption
from gongkai.errors import GongkaiError

EXIT_ERROR = 2
CHINA = ZoneInfo("Asia/Shanghai")
E = TypeVar("E", bound=StrEnum)

AgencyOption = Annotated[
    str | None,
    typer.Option("--agency", "-a", envvar="GONGKAI_AGENCY", help="机关名称或编号（默认取 GONGKAI_AGENCY；库中只有一个机关时可省略）"),
]
ActorOption = Annotated[str | None, typer.Option("--actor", envvar="GONGKAI_ACTOR", help="经办人（默认取 GONGKAI_ACTOR，否则为“命令行”）")]
DateOption = Annotated[str | None, typer.Option("--date", "-d", help="日期 YYYY-MM-DD（默认北京时间今日）")]
AppArg = Annotated[str, typer.Argument(help="申请：编号（2025-0012 或 吴村〔2025〕依申请第12号）或内部编号")]


def make_typer(help_text: str) -> typer.Typer:
    return typer.Typer(help=help_text, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


agency_app = make_typer("机关：登记和列出本台账中的机关。")
app_app = make_typer("依申请公开：登记申请、记录事件、办结、查看和列出申请。")


# ---------------------------------------------------------------- plumbing


def fail(message: str) -> typer.Exit:
    sys.stderr.write(f"错误：{message}\n")
    return typer.Exit(EXIT_ERROR)


@contextmanager
def guard() -> Iterator[None]:
    """Library errors (and anything unforeseen) become one line ``错误：…`` and exit code 2."""
    from pydantic import ValidationError

    from gongkai.ledger.messages import messages

    try:
        yield
    except typer.Exit:
        raise
    except GongkaiError as exc:
        raise fail(str(exc)) from exc
    except ValidationError as exc:
        raise fail("；".join(messages(exc.errors()))) from exc
    except OSError as exc:
        raise fail(f"{exc.filename or ''}：{exc.strerror or exc}") from exc
    except Exception as exc:  # never a traceback: name the failure, not the data it held
        raise fail(f"内部错误（{type(exc).__name__}），请报告此问题") from exc


@contextmanager
def ledger_session(db: str | None) -> Iterator[Session]:
    """A unit of work on ``--db`` (else ``GONGKAI_DATABASE_URL``), migrated to the newest schema first."""
    from gongkai.store import make_engine, session_factory, session_scope, upgrade
    from gongkai.store.audit import cli_actor

    engine = make_engine(db)
    upgrade(engine)
    try:
        with session_scope(session_factory(engine, actor=cli_actor())) as session:
            yield session
    finally:
        engine.dispose()


def parse_datetime(text: str | None, what: str) -> datetime:
    if text is None:
        return datetime.now(CHINA).replace(tzinfo=None, microsecond=0)
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise fail(f"{what}“{text}”不是有效时间（格式 YYYY-MM-DDTHH:MM）") from None


def today() -> date:
    return datetime.now(CHINA).date()


def parse_date(text: str | None, what: str) -> date:
    if text is None:
        return today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise fail(f"{what}“{text}”不是有效日期（格式 YYYY-MM-DD）") from None


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s()（）]", "", folded).lower()


def choose(text: str, options: Mapping[str, str], what: str) -> str:
    """The key of ``options`` (key → Chinese label) meant by ``text``: the key itself, the label, or a part of
    the label that only one option has (“国家秘密” → ``withheld.state_secret``)."""
    if text in options:
        return text
    wanted = _fold(text)
    exact = [k for k, label in options.items() if _fold(label) == wanted or _fold(k) == wanted]
    if len(exact) == 1:
        return exact[0]
    partial = [k for k, label in options.items() if wanted and wanted in _fold(label)]
    if len(partial) == 1:
        return partial[0]
    shown = partial if len(partial) > 1 else list(options)
    listing = "、".join(f"{options[k]}（{k}）" for k in shown)
    problem = "不唯一" if len(partial) > 1 else "不是可用的取值"
    raise fail(f"{what}“{text}”{problem}，可用：{listing}")


def choose_enum(text: str, enum: type[E], what: str) -> E:
    return enum(choose(text, {m.value: getattr(m, "label", m.value) for m in enum}, what))


def resolve_agency(session: Session, agency: str | None) -> int:
    from gongkai.ledger import find_agency, get_agency, list_agencies

    if agency is None:
        found = list_agencies(session=session)
        if len(found) == 1:
            return found[0].id
        if not found:
            raise fail("台账中还没有机关：请先用 gongkai agency add 登记")
        raise fail("台账中有多个机关：请用 --agency 指定（名称或编号），或设置 GONGKAI_AGENCY")
    if agency.strip().isdigit():
        return get_agency(session=session, agency_id=int(agency)).id
    named = find_agency(session=session, name=agency)
    if named is None:
        raise fail(f"没有名为“{agency}”的机关")
    return named.id


_CODE = re.compile(r"^\s*(\d{4})-(\d{1,6})\s*$")
_NUMBER = re.compile(r"〔(\d{4})〕.*?第(\d+)号")


def resolve_application(session: Session, agency_id: int, text: str) -> int:
    from gongkai.ledger import find_application

    m = _CODE.match(text) or _NUMBER.search(text)
    if m is not None:
        return find_application(session=session, agency_id=agency_id, year=int(m.group(1)), seq=int(m.group(2))).id
    if text.strip().isdigit():
        return int(text)
    raise fail(f"“{text}”不是申请编号（如 2025-0012 或 吴村〔2025〕依申请第12号）")


def actor_name(actor: str | None) -> str:
    return (actor or "命令行").strip() or "命令行"


def out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _due(app: object) -> str:
    from gongkai.desk.explain import cn_date

    deadline = app.deadline  # type: ignore[attr-defined]
    if deadline.due_on is not None:
        return cn_date(deadline.due_on)
    return str(deadline.state.label)


# ---------------------------------------------------------------- agencies


@agency_app.callback()
def _agency_group() -> None:
    """机关：登记和列出本台账中的机关。"""


@agency_app.command("add")
def agency_add(
    name: Annotated[str, typer.Argument(help="机关全称")],
    kind: Annotated[str, typer.Option("--kind", help="类别：乡镇、县级部门、县级政府、市级部门、市级政府、其他")],
    abbreviation: Annotated[str | None, typer.Option("--abbr", help="编号用的简称，如 吴村（吴村〔2025〕依申请第1号）")] = None,
    region: Annotated[str | None, typer.Option("--region", help="行政区划")] = None,
    email_confirmed: Annotated[bool, typer.Option("--email-confirmed", help="电子邮件申请以双方确认之日为收到之日（默认以系统收到之日）")] = False,
    exclude_fee_wait: Annotated[bool, typer.Option("--exclude-fee-wait", help="等待缴费期间不计入答复期限（本机关配置）")] = False,
    db: DbOption = None,
) -> None:
    """登记一个机关。示例：

        gongkai agency add 青溪县吴村镇人民政府 --kind 乡镇 --abbr 吴村
    """
    from gongkai.desk.model import EmailRule
    from gongkai.ledger import create_agency
    from gongkai.ledger.schemas import AgencyIn
    from gongkai.store.vocab import AgencyKind

    with guard(), ledger_session(db) as session:
        data = AgencyIn(
            name=name, kind=choose_enum(kind, AgencyKind, "机关类别"), abbreviation=abbreviation, region=region,
            email_rule=EmailRule.BOTH_CONFIRMED if email_confirmed else EmailRule.SYSTEM_RECEIVED,
            exclude_fee_wait=exclude_fee_wait,
        )
        agency = create_agency(session=session, data=data)
    out(f"已登记机关 {agency.id}：{agency.name}（{agency.kind.label}，简称 {agency.abbreviation or '无'}）")


@agency_app.command("list")
def agency_list(db: DbOption = None) -> None:
    """列出台账中的机关。示例：

        gongkai agency list
    """
    from gongkai.ledger import list_agencies

    with guard(), ledger_session(db) as session:
        found = list_agencies(session=session)
    for a in found:
        out(f"{a.id}\t{a.name}\t{a.kind.label}\t{a.abbreviation or ''}")


# ---------------------------------------------------------------- applications


@app_app.callback()
def _app_group() -> None:
    """依申请公开：登记申请、记录事件、办结、查看和列出申请。"""


@app_app.command("register")
def app_register(
    name: Annotated[str, typer.Option("--name", help="申请人姓名或者名称（第二十九条第二款第（一）项）")],
    information: Annotated[str, typer.Option("--information", "-i", help="所需政府信息的名称、文号或者其他特征性描述（第（二）项）")],
    applicant_type: Annotated[str, typer.Option("--type", help="申请人类型：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他")] = "自然人",
    id_type: Annotated[str | None, typer.Option("--id-type", help="身份证明类型：身份证、护照、统一社会信用代码…")] = None,
    id_number: Annotated[str | None, typer.Option("--id-number", help="身份证明号码")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="联系电话")] = None,
    email: Annotated[str | None, typer.Option("--email", help="电子邮箱")] = None,
    address: Annotated[str | None, typer.Option("--address", help="通讯地址")] = None,
    form: Annotated[str | None, typer.Option("--form", help="提供形式（第（三）项）：纸质、电子数据、其他")] = None,
    delivery: Annotated[str | None, typer.Option("--delivery", help="获取方式：邮寄、电子邮件、当面领取、网上获取、传真")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="提交方式：当面、邮寄、平信、网络、传真、电子邮件")] = None,
    received: DateOption = None,
    arrived: Annotated[str | None, typer.Option("--arrived", help="平信：信件到达之日（--date 为与申请人确认之日）")] = None,
    note: Annotated[str | None, typer.Option("--note", help="备注")] = None,
    agency: AgencyOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
    holidays: HolidaysOption = None,
) -> None:
    """登记一件申请；--date 是按提交方式确定收到之日的那一天（当面：提交之日；邮寄：签收之日；平信、网络、传真：
    确认之日；电子邮件：系统收到之日或确认之日，按机关配置）。示例：

        gongkai app register --name 张晓明 --id-type 身份证 --id-number 110101199001011234 --phone 13812345678 \\
            -i "东山村2025年土地征收补偿安置方案" --channel 当面 --date 2025-09-22 --form 纸质 --delivery 邮寄
    """
    from gongkai.desk.calendar import WorkCalendar
    from gongkai.desk.model import Receipt, parse_channel
    from gongkai.ledger import create_application, get_agency
    from gongkai.ledger.schemas import ApplicantIn, ApplicationIn
    from gongkai.store.vocab import ApplicantType, Delivery, FormWanted, IdDocumentType

    day = parse_date(received, "收到之日")
    with guard():
        calendar = WorkCalendar.load(holidays)
        ch = parse_channel(channel) if channel else None
        with ledger_session(db) as session:
            agency_id = resolve_agency(session, agency)
            receipt = Receipt.of(ch, day, get_agency(session=session, agency_id=agency_id).deadline_rules)
            data = ApplicationIn(
                applicant=ApplicantIn(
                    type=choose_enum(applicant_type, ApplicantType, "申请人类型"), name=name,
                    id_document_type=choose_enum(id_type, IdDocumentType, "身份证明类型") if id_type else None,
                    id_document=id_number, phone=phone, email=email, address=address,
                ),
                channel=ch, handed_in=receipt.handed_in, signed_for=receipt.signed_for,
                arrived=parse_date(arrived, "信件到达之日") if arrived else None, confirmed=receipt.confirmed,
                system_received=receipt.system_received, received=receipt.on, information=information,
                form_wanted=choose_enum(form, FormWanted, "提供形式") if form else None,
                delivery=choose_enum(delivery, Delivery, "获取方式") if delivery else None,
                note=note, actor=actor_name(actor),
            )
            app = create_application(session=session, agency_id=agency_id, data=data, calendar=calendar)
    out(f"已登记 {app.number}（{app.code}，内部编号 {app.id}）：收到之日 {app.received_on}，答复期限 {_due(app)}")


@app_app.command("event")
def app_event(
    application: AppArg,
    kind: Annotated[str, typer.Argument(help="事件：补正告知、补正到达、征求第三方意见开始/结束、征求其他机关意见开始/结束、延期、收费通知、缴费、答复")],
    when: DateOption = None,
    approver: Annotated[str | None, typer.Option("--approver", help="延期：批准的政府信息公开工作机构负责人")] = None,
    days: Annotated[int | None, typer.Option("--days", help="延期：延长的工作日数（最多20，默认20）")] = None,
    fee_method: Annotated[str | None, typer.Option("--fee-method", help="收费通知：按件或者按量")] = None,
    pages: Annotated[int | None, typer.Option("--pages", help="收费通知（按量）：页数")] = None,
    prior: Annotated[int | None, typer.Option("--prior", help="收费通知（按件）：本月此前已申请件数（默认由台账统计）")] = None,
    units: Annotated[int | None, typer.Option("--units", help="收费通知（按件）：本次件数")] = None,
    applicant_received: Annotated[str | None, typer.Option("--applicant-received", help="收费通知：申请人收到通知之日")] = None,
    amount: Annotated[str | None, typer.Option("--amount", help="缴费：缴纳金额（元，默认为通知金额）")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="答复：办理结果（如 予以公开、国家秘密、重复申请）")] = None,
    note: Annotated[str | None, typer.Option("--note", help="备注（补正告知：需要补正的事项；延期：理由）")] = None,
    version: Annotated[int | None, typer.Option("--version", help="读取时的版本号：申请已被他人修改则不保存")] = None,
    agency: AgencyOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
    holidays: HolidaysOption = None,
) -> None:
    """记录申请的一个事件，并重新计算答复期限。示例：

        gongkai app event 2025-0003 补正告知 --date 2025-09-24 --note "请写明所需文件的名称或文号"
        gongkai app event 2025-0003 延期 --date 2025-10-20 --approver 李主任 --note 需要调取档案
    """
    from decimal import Decimal, InvalidOperation

    from gongkai.desk.calendar import WorkCalendar
    from gongkai.desk.fees import FeeMethod
    from gongkai.ledger import add_event
    from gongkai.ledger.schemas import EventIn
    from gongkai.store.vocab import OUTCOME_LABELS, EventKind

    event_kind = choose_enum(kind, EventKind, "事件")
    try:
        paid = Decimal(amount) if amount is not None else None
    except InvalidOperation:
        raise fail(f"金额“{amount}”不是数字") from None
    with guard():
        calendar = WorkCalendar.load(holidays)
        data = EventIn(
            kind=event_kind, occurred_on=parse_date(when, "日期"), actor=actor_name(actor), approver=approver, days=days,
            fee_method=choose_enum(fee_method, FeeMethod, "计收方式") if fee_method else None, pages=pages,
            prior_this_month=prior, units=units,
            applicant_received_on=parse_date(applicant_received, "申请人收到之日") if applicant_received else None,
            amount=paid, outcome=choose(outcome, OUTCOME_LABELS, "办理结果") if outcome else None, note=note,
        )
        with ledger_session(db) as session:
            agency_id = resolve_agency(session, agency)
            app_id = resolve_application(session, agency_id, application)
            app = add_event(session=session, agency_id=agency_id, application_id=app_id, data=data, calendar=calendar,
                            expected_version=version)
    out(f"{app.number}：已记录{event_kind.label}（{data.occurred_on}）；答复期限 {_due(app)}")


@app_app.command("close")
def app_close(
    application: AppArg,
    outcome: Annotated[str, typer.Argument(help="办理结果：表三的一行，如 予以公开、部分公开、国家秘密、不掌握、重复申请、逾期不补正")],
    when: DateOption = None,
    note: Annotated[str | None, typer.Option("--note", help="备注")] = None,
    version: Annotated[int | None, typer.Option("--version", help="读取时的版本号：申请已被他人修改则不保存")] = None,
    agency: AgencyOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
    holidays: HolidaysOption = None,
) -> None:
    """以表三的一个办理结果办结申请（记录答复事件）。示例：

        gongkai app close 2025-0003 部分公开 --date 2025-11-05
    """
    from gongkai.desk.calendar import WorkCalendar
    from gongkai.ledger import close_application, replied_late
    from gongkai.store.vocab import OUTCOME_LABELS

    key = choose(outcome, OUTCOME_LABELS, "办理结果")
    with guard():
        calendar = WorkCalendar.load(holidays)
        with ledger_session(db) as session:
            agency_id = resolve_agency(session, agency)
            app_id = resolve_application(session, agency_id, application)
            app = close_application(session=session, agency_id=agency_id, application_id=app_id, outcome=key,
                                    closed_on=parse_date(when, "办结日期"), actor=actor_name(actor), note=note,
                                    calendar=calendar, expected_version=version)
    late = "（超过答复期限）" if replied_late(app) else ""
    out(f"{app.number}：已于 {app.closed_on} 办结，办理结果 {app.outcome_label}{late}")


@app_app.command("show")
def app_show(application: AppArg, agency: AgencyOption = None, db: DbOption = None) -> None:
    """查看一件申请和它的事件（个人信息已遮蔽）。示例：

        gongkai app show 2025-0003
    """
    from gongkai.ledger import application_view, get_application

    with guard(), ledger_session(db) as session:
        agency_id = resolve_agency(session, agency)
        app_id = resolve_application(session, agency_id, application)
        view = application_view(get_application(session=session, agency_id=agency_id, application_id=app_id))
    who = view.applicant
    contact = "，".join(x for x in (who.id_document, who.phone, who.email, who.address) if x)
    out(f"{view.number}（{view.code}，内部编号 {view.id}，版本 {view.version}）")
    out(f"申请人：{who.name}（{who.type_label}）{('　' + contact) if contact else ''}")
    out(f"收到之日：{view.received_on}（{view.channel or '未注明方式'}）　所需信息：{view.information}")
    out(f"答复期限：{view.due_on or '—'}（{view.deadline_label}）" + (f"　办理结果：{view.outcome_label}" if view.outcome_label else ""))
    for e in view.events:
        out(f"　{e.occurred_on}　{e.label}　{e.actor}{('　' + e.details) if e.details else ''}")


class ListFormat(StrEnum):
    text = "text"
    json = "json"


@app_app.command("list")
def app_list(
    overdue: Annotated[bool, typer.Option("--overdue", help="只列已超过答复期限的未办结申请")] = False,
    due_within: Annotated[int | None, typer.Option("--due-within", help="只列今日起 N 个工作日内到期的未办结申请")] = None,
    year: Annotated[int | None, typer.Option("--year", help="收到申请的年度")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="只列未办结的申请")] = False,
    on: Annotated[str | None, typer.Option("--today", help="以哪一天为今日（默认北京时间今日）")] = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="输出格式")] = ListFormat.text,
    agency: AgencyOption = None,
    db: DbOption = None,
    holidays: HolidaysOption = None,
) -> None:
    """列出申请（申请人姓名已遮蔽）。示例：

        gongkai app list --overdue
        gongkai app list --due-within 5
        gongkai app list --year 2025 --format json
    """
    from gongkai.desk.calendar import WorkCalendar
    from gongkai.ledger import list_applications, list_due_within, list_overdue
    from gongkai.ledger.masking import mask_name

    if overdue and due_within is not None:
        raise fail("--overdue 与 --due-within 只能选一个")
    day = parse_date(on, "今日")
    rows: list[dict[str, object]] = []
    with guard():
        calendar = WorkCalendar.load(holidays)
        with ledger_session(db) as session:
            agency_id = resolve_agency(session, agency)
            if overdue or due_within is not None:
                found = (
                    list_overdue(session=session, agency_id=agency_id, today=day) if overdue
                    else list_due_within(session=session, agency_id=agency_id, today=day, working_days=due_within or 0,
                                         calendar=calendar)
                )
                rows = [{"code": s.code, "number": s.number, "applicant": s.masked_name, "received_on": str(s.received_on),
                         "due_on": str(s.due_on or ""), "state": s.state.label,
                         "working_days_left": s.working_days_left} for s in found]
            else:
                apps = list_applications(session=session, agency_id=agency_id, year=year, open_only=open_only)
                rows = [{"code": a.code, "number": a.number, "applicant": mask_name(a.applicant.name, a.applicant.type),
                         "received_on": str(a.received_on), "due_on": str(a.deadline.due_on or ""),
                         "state": a.deadline.state.label, "outcome": a.outcome_label or ""} for a in apps]
    if format is ListFormat.json:
        for row in rows:
            out(json.dumps(row, ensure_ascii=False))
        return
    for row in rows:
        left = f"　尚余 {row['working_days_left']} 个工作日" if row.get("working_days_left") is not None else ""
        out(f"{row['code']}　{row['applicant']}　收到 {row['received_on']}　期限 {row['due_on'] or '—'}（{row['state']}）"
             f"{left}{('　' + str(row['outcome'])) if row.get('outcome') else ''}")
    out(f"共 {len(rows)} 件")


# ---------------------------------------------------------------- notices


def _fields(pairs: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise fail(f"文书字段“{pair}”应写作 名称=内容（如 补正事项=请写明文件名称）")
        out[key.strip()] = value.replace("\\n", "\n")
    return out


TemplatesOption = Annotated[
    Path | None,
    typer.Option("--templates", envvar="GONGKAI_NOTICE_TEMPLATES", help="文书模板目录（默认取 GONGKAI_NOTICE_TEMPLATES）"),
]


def notice_command(
    application: AppArg,
    kind: Annotated[str, typer.Argument(help="文书：受理回执、补正告知书、延期答复告知书、第三方意见征询函、收费通知书、答复书")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出的 DOCX 文件")],
    outcome: Annotated[str | None, typer.Option("--outcome", help="答复书的办理结果（默认为申请办结时的结果）")] = None,
    field: Annotated[list[str] | None, typer.Option("--field", help="只有经办人知道的内容 名称=内容，可重复，如 第三方=某公司")] = None,
    when: DateOption = None,
    templates: TemplatesOption = None,
    agency: AgencyOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
    holidays: HolidaysOption = None,
) -> None:
    """按本机关的模板出具文书（DOCX），编号并记录。文书含申请人的真实信息，只用于送达。示例：

        gongkai notice 2025-0003 补正告知书 -o 补正告知书.docx
        gongkai notice 2025-0003 第三方意见征询函 --field 第三方=青溪县某食品有限公司 -o 征询函.docx
        gongkai notice 2025-0003 答复书 --outcome 部分公开 --field 不予公开理由=涉及个人隐私 -o 答复书.docx
    """
    from gongkai.desk.calendar import WorkCalendar
    from gongkai.notices import NOTICE_KIND_LABELS, NoticeKind, issue_notice
    from gongkai.store.vocab import OUTCOME_LABELS

    notice_kind = NoticeKind(choose(kind, {k.value: v for k, v in NOTICE_KIND_LABELS.items()}, "文书"))
    answer = choose(outcome, OUTCOME_LABELS, "办理结果") if outcome else None
    values = _fields(field)
    with guard():
        calendar = WorkCalendar.load(holidays)
        with ledger_session(db) as session:
            agency_id = resolve_agency(session, agency)
            app_id = resolve_application(session, agency_id, application)
            issued = issue_notice(
                session=session, agency_id=agency_id, application_id=app_id, kind=notice_kind,
                issued_on=parse_date(when, "文书日期"), actor=actor_name(actor), outcome=answer, fields=values,
                templates_root=templates, calendar=calendar,
            )
        output.write_bytes(issued.document)
    n = issued.notice
    where = "随软件发布的模板" if n.template_source == "shipped" else n.template_source
    out(f"已出具 {n.number} {n.title}：{output}（模板：{where}）")


def notice_templates_command(
    export: Annotated[Path | None, typer.Option("--export", help="把随软件发布的模板和 notices.toml 复制到此目录，以便修改")] = None,
    templates: TemplatesOption = None,
    agency: AgencyOption = None,
    db: DbOption = None,
) -> None:
    """列出本机关每种文书使用的模板（本机关目录中的文件替换随软件发布的模板）；或导出模板以便修改。示例：

        gongkai notice-templates --export 文书模板/
        GONGKAI_NOTICE_TEMPLATES=文书模板 gongkai notice-templates --agency 吴村
    """
    from gongkai.ledger import get_agency
    from gongkai.notices import TemplateLibrary
    from gongkai.notices.templates import export_shipped

    with guard():
        if export is not None:
            written = export_shipped(export)
            out(f"已复制 {len(written)} 个文件到 {export}（已有的文件未覆盖）。修改后放入 <模板目录>/<机关编号或名称>/ 即可替换")
            return
        with ledger_session(db) as session:
            agency_id = resolve_agency(session, agency)
            found = get_agency(session=session, agency_id=agency_id)
        library = TemplateLibrary(templates, found.id, found.name)
        listing = library.listing()
        settings = library.settings()
    for t in listing:
        out(f"{t.spec.key}\t{t.spec.title}\t{'随软件发布' if not t.overridden else t.source}")
    out(f"文书设置：{'、'.join('随软件发布' if s == 'shipped' else s for s in settings.sources)}")
