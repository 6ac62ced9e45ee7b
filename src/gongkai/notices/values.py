"""The values of a notice's placeholders, from the application's record, its deadline and the office's settings.

What the ledger knows is filled in (names, dates, deadlines, fees, the remedies sentence for the outcome); what
only the clerk knows (补正事项, 延期理由, 第三方 …) comes from the event's note or from fields the clerk gives.
A value the clerk gives replaces the computed one, except the numbers, which are the ledger's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from gongkai.desk.fees import FeeMethod, assess_fee
from gongkai.desk.model import ReplyDeadline
from gongkai.ledger.domain import Agency, Application, ApplicationEvent
from gongkai.notices.catalog import PLACEHOLDERS, NoticeKind, TemplateSpec
from gongkai.notices.docxfill import NoticeTemplateError
from gongkai.notices.templates import NoticeSettings
from gongkai.store.errors import InvalidRecord
from gongkai.store.vocab import DeadlineState, EventKind

FIXED = frozenset({"文书编号", "申请编号", "落款日期", "机关名称"})  # the ledger's, never typed over
_NESTED = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")


def cn_date(day: date) -> str:
    """2025年9月2日 — the form of dates in official documents (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _event(app: Application, kind: EventKind) -> ApplicationEvent | None:
    return next((e for e in reversed(app.events) if e.kind is kind), None)


def _due_text(app: Application, explained: ReplyDeadline | None) -> str:
    state = app.deadline.state
    if state is DeadlineState.AWAITING_CORRECTION:
        return "收到补正的申请之日起第20个工作日（等待补正）"
    if state is DeadlineState.SUSPENDED:
        return "征求意见结束后确定（征求意见所需时间不计算在期限内）"
    if app.deadline.due_on is not None:
        return cn_date(app.deadline.due_on)
    bound = app.deadline.due_not_before or (explained.earliest_possible_due if explained else None)
    hint = f"，不早于{cn_date(bound)}" if bound else ""
    return f"暂无法确定（所涉年度的工作日历尚未公布{hint}）"


def _form(app: Application) -> str:
    parts = [x.label for x in (app.form_wanted, app.delivery) if x is not None]
    return "，".join(parts) if parts else "按您申请的形式"


def _remedies(spec: TemplateSpec, settings: NoticeSettings, body: str) -> str:
    if not spec.remedies or spec.outcome is None:
        return ""
    first = settings.needs_reconsideration_first(spec.outcome)
    text = settings.text_reconsideration_first if first else settings.text_either
    if not body.strip():
        text = re.sub(r"向\s*(?:\{\{|｛｛)\s*复议机关\s*(?:\}\}|｝｝)", "", text)
    return text


def _extension(app: Application, explained: ReplyDeadline | None) -> dict[str, str]:
    event = _event(app, EventKind.EXTENSION)
    if event is None:
        raise InvalidRecord("尚未记录“延期”事件（须有政府信息公开工作机构负责人批准），不能出具延期答复告知书")
    out = {"延长天数": str(event.days or 20), "延期理由": event.note or ""}
    if explained is not None and explained.base_due is not None:
        out["原答复期限"] = cn_date(explained.base_due)
    if explained is not None and explained.due is not None:
        out["延期后答复期限"] = cn_date(explained.due)
    elif explained is not None:
        out["延期后答复期限"] = _due_text(app, explained)
    return out


def _fee(app: Application) -> dict[str, str]:
    event = _event(app, EventKind.FEE_NOTICE)
    if event is None or event.fee_method is None:
        raise InvalidRecord("尚未记录“收费通知”事件（计收方式和页数或件数），不能出具收费通知书")
    if event.fee_method is FeeMethod.PER_VOLUME:
        assessment = assess_fee(FeeMethod.PER_VOLUME, pages=event.pages or 0)
    else:
        assessment = assess_fee(FeeMethod.PER_APPLICATION, prior_this_month=event.prior_this_month or 0,
                                count=event.units or 1)
    lines = [f"{b.label}：{b.count}{b.unit} × {b.rate}元 = {b.amount}元" for b in assessment.bands]
    return {
        "计收方式": event.fee_method.value,
        "计费明细": "\n".join(lines),
        "收费金额": str(event.amount if event.amount is not None else assessment.amount),
        "收费通知日期": cn_date(event.occurred_on),
    }


def notice_values(
    *,
    spec: TemplateSpec,
    agency: Agency,
    app: Application,
    explained: ReplyDeadline | None,
    number: str,
    issued_on: date,
    settings: NoticeSettings,
    fields: Mapping[str, str],
) -> dict[str, str]:
    """Every placeholder's value for this notice (empty when unknown: the filler says which one is missing)."""
    unknown = [k for k in fields if k not in PLACEHOLDERS]
    if unknown:
        raise NoticeTemplateError(f"未知的文书字段「{'、'.join(unknown)}」（可用：{'、'.join(PLACEHOLDERS)}）")
    fixed = [k for k in fields if k in FIXED]
    if fixed:
        raise NoticeTemplateError(f"「{'、'.join(fixed)}」由台账生成，不能指定")
    values = {key: "" for key in PLACEHOLDERS}
    values.update(spec.defaults)
    # The office's settings fill what they give (an empty setting leaves the template's own default).
    values.update({k: v for k, v in settings.placeholders.items() if k in PLACEHOLDERS and v.strip()})
    values.update(
        {
            "机关名称": agency.name,
            "文书编号": number,
            "落款日期": cn_date(issued_on),
            "申请人": app.applicant.name,
            "申请编号": app.number,
            "收到日期": cn_date(app.received_on),
            "提交方式": app.channel.value if app.channel is not None else "书面",
            "所需信息": app.information,
            "获取形式": _form(app),
            "答复期限": _due_text(app, explained),
        }
    )
    requested = _event(app, EventKind.CORRECTION_REQUESTED)
    if requested is not None:
        values["补正告知日期"] = cn_date(requested.occurred_on)
        if spec.kind is NoticeKind.CORRECTION and requested.note:
            values["补正事项"] = requested.note
    received = _event(app, EventKind.CORRECTION_RECEIVED)
    if received is not None:
        values["补正到达日期"] = cn_date(received.occurred_on)
    notice = _event(app, EventKind.FEE_NOTICE)
    if notice is not None:
        values["收费通知日期"] = cn_date(notice.occurred_on)
    if spec.kind is NoticeKind.EXTENSION:
        values.update({k: v for k, v in _extension(app, explained).items() if v or not values.get(k)})
    if spec.kind is NoticeKind.FEE:
        values.update(_fee(app))
    values.update({k: v.strip() for k, v in fields.items()})
    if "救济途径" not in fields:
        values["救济途径"] = _remedies(spec, settings, values.get("复议机关", ""))
    # Defaults and settings may themselves name placeholders (“随本答复书一并提供（{{获取形式}}）”): one level.
    for key, value in values.items():
        values[key] = _NESTED.sub(lambda m: values.get(m.group(1), m.group(0)), value)
    return values


__all__ = ["cn_date", "notice_values"]
