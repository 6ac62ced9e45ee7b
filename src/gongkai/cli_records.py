"""``gongkai appeal | proactive``: the desk's other records from the command line — 行政复议 and 行政诉讼 cases
(table 四) and 主动公开 items with their review chain. Typer sub-apps, mounted by ``gongkai.cli`` with::

    from gongkai.cli_records import appeal_app, proactive_app
    app.add_typer(appeal_app, name="appeal")
    app.add_typer(proactive_app, name="proactive")

The plumbing (agency, dates, errors as ``错误：…`` with exit code 2) is :mod:`gongkai.cli_apps`'s.
"""

from __future__ import annotations

from typing import Annotated

import typer

from gongkai.cli_apps import (
    ActorOption,
    AgencyOption,
    DateOption,
    actor_name,
    choose_enum,
    guard,
    ledger_session,
    make_typer,
    out,
    parse_date,
    parse_datetime,
    resolve_agency,
    resolve_application,
)
from gongkai.cli_store import DbOption, HolidaysOption

appeal_app = make_typer("复议诉讼：登记行政复议、行政诉讼案件并记录结果（年度报告表四）。")
proactive_app = make_typer("主动公开：登记事项、逐级审查（承办人 → 保密审查 → 领导签发）、记录公开。")


# ---------------------------------------------------------------- appeals


@appeal_app.callback()
def _appeal_group() -> None:
    """复议诉讼：登记行政复议、行政诉讼案件并记录结果（年度报告表四）。"""


@appeal_app.command("add")
def appeal_add(
    kind: Annotated[str, typer.Argument(help="行政复议、直接起诉（行政诉讼未经复议）、复议后起诉")],
    filed: Annotated[str, typer.Option("--filed", help="提起日期 YYYY-MM-DD")],
    application: Annotated[str | None, typer.Option("--app", help="所涉申请（编号）")] = None,
    case_number: Annotated[str | None, typer.Option("--case", help="案号")] = None,
    body: Annotated[str | None, typer.Option("--body", help="复议机关或者法院")] = None,
    note: Annotated[str | None, typer.Option("--note", help="备注")] = None,
    agency: AgencyOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """登记一件行政复议或行政诉讼案件（尚未审结）。示例：

        gongkai appeal add 行政复议 --filed 2025-12-01 --app 2025-0003 --body 青溪县人民政府
    """
    from gongkai.ledger import record_appeal
    from gongkai.ledger.schemas import AppealIn
    from gongkai.store.vocab import AppealKind

    aliases = {"直接起诉": AppealKind.LITIGATION_DIRECT.value, "复议后起诉": AppealKind.LITIGATION_AFTER_RECONSIDERATION.value}
    appeal_kind = AppealKind(aliases.get(kind.strip()) or choose_enum(kind, AppealKind, "案件类别").value)
    with guard(), ledger_session(db) as session:
        agency_id = resolve_agency(session, agency)
        app_id = resolve_application(session, agency_id, application) if application else None
        found = record_appeal(session=session, agency_id=agency_id, data=AppealIn(
            kind=appeal_kind, filed_on=parse_date(filed, "提起日期"), application_id=app_id, case_number=case_number,
            body=body, note=note, actor=actor_name(actor)))
    out(f"已登记案件 {found.id}：{found.kind.label}，{found.filed_on} 提起{('，所涉申请 ' + found.application_code) if found.application_code else ''}")


@appeal_app.command("decide")
def appeal_decide(
    appeal_id: Annotated[int, typer.Argument(help="案件编号")],
    outcome: Annotated[str, typer.Argument(help="结果：维持、纠正、其他")],
    when: DateOption = None,
    agency: AgencyOption = None,
    db: DbOption = None,
) -> None:
    """记录案件的审结结果。示例：

        gongkai appeal decide 4 维持 --date 2026-02-10
    """
    from gongkai.ledger import decide_appeal
    from gongkai.store.vocab import AppealOutcome

    result = choose_enum(outcome, AppealOutcome, "案件结果")
    with guard(), ledger_session(db) as session:
        agency_id = resolve_agency(session, agency)
        found = decide_appeal(session=session, agency_id=agency_id, appeal_id=appeal_id, outcome=result,
                              decided_on=parse_date(when, "审结日期"))
    out(f"案件 {found.id}：{found.outcome.label}（{found.decided_on} 审结）")


@appeal_app.command("list")
def appeal_list(
    year: Annotated[int | None, typer.Option("--year", help="只列该年度表四所计的案件")] = None,
    agency: AgencyOption = None,
    db: DbOption = None,
) -> None:
    """列出复议诉讼案件。示例：

        gongkai appeal list --year 2025
    """
    from gongkai.ledger import list_appeals

    with guard(), ledger_session(db) as session:
        found = list_appeals(session=session, agency_id=resolve_agency(session, agency), year=year)
    for a in found:
        out(f"{a.id}　{a.kind.label}　{a.filed_on} 提起　{a.outcome.label}{('　' + str(a.decided_on)) if a.decided_on else ''}"
             f"{('　申请 ' + a.application_code) if a.application_code else ''}")
    out(f"共 {len(found)} 件")


# ---------------------------------------------------------------- proactive disclosure


@proactive_app.callback()
def _proactive_group() -> None:
    """主动公开：登记事项、逐级审查（承办人 → 保密审查 → 领导签发）、记录公开。"""


@proactive_app.command("add")
def proactive_add(
    title: Annotated[str, typer.Argument(help="标题")],
    category: Annotated[int, typer.Option("--category", help="条例第二十条第几项（1—15）")],
    formed: Annotated[str, typer.Option("--formed", help="信息形成（或变更）之日 YYYY-MM-DD")],
    number: Annotated[str | None, typer.Option("--number", help="文号")] = None,
    local: Annotated[str | None, typer.Option("--local", help="第二十一条的地方类别")] = None,
    agency: AgencyOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
    holidays: HolidaysOption = None,
) -> None:
    """登记一条主动公开事项；应在形成之日起20个工作日内公开（第二十六条）。示例：

        gongkai proactive add "吴村镇2025年部门预算" --category 7 --formed 2025-03-03
    """
    from gongkai.desk.calendar import WorkCalendar
    from gongkai.ledger import create_item
    from gongkai.ledger.schemas import ProactiveItemIn

    with guard():
        calendar = WorkCalendar.load(holidays)
        with ledger_session(db) as session:
            item = create_item(session=session, agency_id=resolve_agency(session, agency), calendar=calendar,
                               data=ProactiveItemIn(title=title, category=category, local_category=local,
                                                    document_number=number, formed_on=parse_date(formed, "形成之日"),
                                                    actor=actor_name(actor)))
    out(f"已登记事项 {item.id}：{item.title}；应于 {item.publish_due or '（日历未知）'} 前公开")


@proactive_app.command("review")
def proactive_review(
    item_id: Annotated[int, typer.Argument(help="事项编号")],
    step: Annotated[str, typer.Argument(help="审查环节：承办人拟稿、保密审查、领导签发")],
    decision: Annotated[str, typer.Argument(help="意见：同意公开、退回修改、不予公开")],
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="审查人（默认为经办人）")] = None,
    at: Annotated[str | None, typer.Option("--at", help="审查时间 YYYY-MM-DDTHH:MM（默认现在）")] = None,
    comment: Annotated[str | None, typer.Option("--comment", help="意见说明")] = None,
    agency: AgencyOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
    holidays: HolidaysOption = None,
) -> None:
    """按顺序记录一步审查（先审查、后公开，一事一审）。示例：

        gongkai proactive review 12 保密审查 同意公开 --reviewer 陈晓东 --at 2025-03-05T10:00
    """
    from gongkai.desk.calendar import WorkCalendar
    from gongkai.ledger import add_review_step
    from gongkai.ledger.schemas import ReviewStepIn
    from gongkai.store.vocab import ReviewDecision, ReviewStepKind

    kind, verdict = choose_enum(step, ReviewStepKind, "审查环节"), choose_enum(decision, ReviewDecision, "审查意见")
    when = parse_datetime(at, "审查时间")
    with guard():
        calendar = WorkCalendar.load(holidays)
        with ledger_session(db) as session:
            item = add_review_step(
                session=session, agency_id=resolve_agency(session, agency), item_id=item_id, calendar=calendar,
                data=ReviewStepIn(step=kind, reviewer=reviewer or actor_name(actor), decided_at=when, decision=verdict,
                                  comment=comment),
            )
    out(f"事项 {item.id}：{kind.label} {verdict.label}（{when:%Y-%m-%d %H:%M}）")


@proactive_app.command("publish")
def proactive_publish(
    item_id: Annotated[int, typer.Argument(help="事项编号")],
    channel: Annotated[list[str], typer.Option("--channel", help="公开渠道，可重复：门户网站、政府公报、微信公众号、公开栏…")],
    when: DateOption = None,
    url: Annotated[str | None, typer.Option("--url", help="网址")] = None,
    agency: AgencyOption = None,
    db: DbOption = None,
    holidays: HolidaysOption = None,
) -> None:
    """记录公开（须已完成全部审查）。示例：

        gongkai proactive publish 12 --channel 门户网站 --channel 公开栏 --date 2025-03-10
    """
    from gongkai.desk.calendar import WorkCalendar
    from gongkai.ledger import publish_item
    from gongkai.ledger.schemas import PublicationIn
    from gongkai.store.vocab import PublicationChannel

    channels = tuple(choose_enum(c, PublicationChannel, "公开渠道") for c in channel)
    with guard():
        calendar = WorkCalendar.load(holidays)
        with ledger_session(db) as session:
            item = publish_item(session=session, agency_id=resolve_agency(session, agency), item_id=item_id,
                                calendar=calendar, data=PublicationIn(published_on=parse_date(when, "公开日期"),
                                                                      channels=channels, url=url))
    late = "（超过第二十六条规定的20个工作日）" if item.published_late else ""
    out(f"事项 {item.id} 已于 {item.published_on} 公开：{'、'.join(c.label for c in channels)}{late}")


@proactive_app.command("list")
def proactive_list(
    year: Annotated[int | None, typer.Option("--year", help="只列该年度公开的事项")] = None,
    agency: AgencyOption = None,
    db: DbOption = None,
    holidays: HolidaysOption = None,
) -> None:
    """列出主动公开事项及审查、公开情况。示例：

        gongkai proactive list --year 2025
    """
    from gongkai.desk.calendar import WorkCalendar
    from gongkai.ledger import list_items

    with guard():
        calendar = WorkCalendar.load(holidays)
        with ledger_session(db) as session:
            items = list_items(session=session, agency_id=resolve_agency(session, agency), year=year, calendar=calendar)
    for i in items:
        steps = " → ".join(f"{s.step.label}{s.decision.label}" for s in i.review) or "未审查"
        state = f"{i.published_on} 公开" if i.published_on else f"应于 {i.publish_due or '—'} 前公开"
        out(f"{i.id}　{i.title}　{state}{'（逾期）' if i.published_late else ''}　{steps}")
    out(f"共 {len(items)} 条")


__all__ = ["appeal_app", "proactive_app"]
