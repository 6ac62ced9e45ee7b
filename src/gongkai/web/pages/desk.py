"""The staff workbench: the queue of applications, registering one, and the application page with its timeline,
its explained deadline and one form per event the ledger accepts now; extension requests decided by the head
(第三十三条第二款); notices issued and downloaded. The HTML twin of ``/api/agencies/{id}/applications``.

Who may do what: the agency's clerks, reviewers and heads act (forms); only a head decides an extension; the
oversight office and the system administrator read (no forms). An outsider is told the agency does not exist.
Every write is one domain function; a form with errors is shown again (422) with the messages beside the fields
and nothing saved; a stale version (409) says someone else changed the application meanwhile.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from gongkai.accounts.roles import Role, User
from gongkai.api.deps import ApplicationId, CalendarDep, RowId, SessionDep, SettingsDep, today_in_china
from gongkai.api.responses import DOCX, file_response
from gongkai.api.schemas import ApplicationCreate, EventCreate
from gongkai.desk.calendar import WorkCalendar
from gongkai.desk.explain import explain_lines
from gongkai.desk.fees import FeeMethod
from gongkai.desk.model import Channel, EmailRule
from gongkai.errors import GongkaiError
from gongkai.ledger import add_event, close_application, create_application, get_application, reply_deadline
from gongkai.ledger.domain import Agency, Application
from gongkai.ledger.extensions import (
    decide_extension,
    extension_requests,
    get_extension_request,
    pending_extensions,
    request_extension,
)
from gongkai.ledger.messages import problem
from gongkai.ledger.schemas import ApplicationIn, EventIn
from gongkai.ledger.workbench import QueueFilter, application_queue, application_years, urgency_of
from gongkai.model.templates import T3_2021
from gongkai.notices import PLACEHOLDERS, NoticeKind, issue_notice, list_notices, notice_document, spec_for
from gongkai.store.errors import ConflictError, NotFound
from gongkai.store.vocab import (
    FEE_UNPAID,
    NO_CORRECTION,
    OUTCOME_KEYS,
    OUTCOME_LABELS,
    ApplicantType,
    Delivery,
    EventKind,
    FormWanted,
    IdDocumentType,
)
from gongkai.web.security import CurrentUser, ReadableAgency, StaffAgency, flash, require_roles, verify_csrf
from gongkai.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])

ACTING = (Role.CLERK, Role.REVIEWER, Role.HEAD)
Today = Annotated[date, Depends(today_in_china)]  # tests override today_in_china to fix the day
Errors = dict[str, str]
Values = dict[str, str]


async def form_values(request: Request) -> Values:
    """The posted form's text fields (read once; the route itself stays synchronous for the database)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormDep = Annotated[Values, Depends(form_values)]


def acting_agency(agency: StaffAgency, user: CurrentUser) -> Agency:
    """The agency of the path, for a member of its staff who handles applications (clerk, reviewer, head)."""
    if not user.has(*ACTING):
        raise HTTPException(403, "只有本机关的承办人、审核人和负责人可以办理申请")
    return agency


def head_of_agency(agency: StaffAgency, _head: Annotated[User, Depends(require_roles(Role.HEAD))]) -> Agency:
    """第三十三条第二款: an extension needs the consent of the office's head — no other role decides it. The
    agency is checked first, so an outsider learns nothing (404) before a colleague is refused (403)."""
    return agency


ActingAgency = Annotated[Agency, Depends(acting_agency)]
HeadAgency = Annotated[Agency, Depends(head_of_agency)]


def may_act(user: User, agency_id: int) -> bool:
    return user.works_for(agency_id) and user.has(*ACTING)


def _page_url(agency_id: int, application_id: int | None = None, anchor: str = "") -> str:
    base = f"/desk/{agency_id}/"
    if application_id is not None:
        base += f"applications/{application_id}"
    return base + (f"#{anchor}" if anchor else "")


def _clean(values: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str | None]:
    """Blank fields are absent: the schemas decide what is required."""
    out: dict[str, str | None] = {}
    for name in names:
        text = values.get(name, "").strip()
        out[name] = text or None
    return out


def _errors_of(exc: ValidationError, rename: Mapping[tuple[str, ...], str] | None = None) -> Errors:
    """One message per form field (the first), from pydantic's errors, in Chinese."""
    errors: Errors = {}
    for error in exc.errors():
        loc = tuple(str(p) for p in error.get("loc", ()) if not isinstance(p, int))
        name = (rename or {}).get(loc, loc[-1] if loc else "_form")
        # A blank field reaches the schema as None: for a required one say so, not "应为文字".
        blank = error.get("input") is None and error.get("type") != "missing"
        errors.setdefault(name, "不能为空" if blank else problem(error))
    return errors


# ---------------------------------------------------------------- queue


@router.get("/desk/{agency_id}/")
def queue_page(
    request: Request,
    agency: ReadableAgency,
    user: CurrentUser,
    session: SessionDep,
    calendar: CalendarDep,
    settings: SettingsDep,
    today: Today,
    status: str = "open",
    year: str = "",
    q: str = "",
    page: str = "1",
) -> Response:
    """申请办理队列：按答复期限排列，已逾期、即将到期的标出。"""
    chosen = QueueFilter(status) if status in QueueFilter._value2member_map_ else QueueFilter.OPEN
    year_n = int(year) if year.isdigit() and 2000 <= int(year) <= 2200 else None
    page_n = int(page) if page.isdigit() and 0 < int(page) < 1_000_000 else 1
    search = q.strip()[:60]
    queue = application_queue(
        session=session, agency_id=agency.id, today=today, due_soon_days=settings.due_soon_days, status=chosen,
        year=year_n, search=search or None, page=page_n, calendar=calendar,
    )
    pending = pending_extensions(session=session, agency_id=agency.id) if user.works_for(agency.id) and user.has(
        Role.HEAD
    ) else []
    return render(request, "desk/queue.html", {
        "agency": agency, "queue": queue, "filters": list(QueueFilter), "status": chosen, "year": year_n,
        "q": search, "years": application_years(session=session, agency_id=agency.id), "pending": pending,
        "may_act": may_act(user, agency.id), "due_soon_days": settings.due_soon_days,
    })


# ---------------------------------------------------------------- registering


APPLICATION_FIELDS = (
    "applicant_type", "applicant_name", "id_document_type", "id_document", "phone", "email", "address", "channel",
    "handed_in", "signed_for", "arrived", "confirmed", "system_received", "received", "information", "form_wanted",
    "delivery", "note",
)
_APPLICANT = {"applicant_type": "type", "applicant_name": "name", "id_document_type": "id_document_type",
              "id_document": "id_document", "phone": "phone", "email": "email", "address": "address"}
_RENAME: dict[tuple[str, ...], str] = {("applicant", inner): outer for outer, inner in _APPLICANT.items()}
NO_CHANNEL = "unspecified"


def channel_date_field(channel: Channel | None, email_rule: EmailRule) -> str:
    """The date 第三十一条 reads for the channel: the field the form requires."""
    if channel is None:
        return "received"
    if channel is Channel.IN_PERSON:
        return "handed_in"
    if channel is Channel.POST:
        return "signed_for"
    if channel is Channel.EMAIL and email_rule is EmailRule.SYSTEM_RECEIVED:
        return "system_received"
    return "confirmed"


def _application_form(request: Request, agency: Agency, values: Values, errors: Errors, status: int) -> Response:
    return render(request, "desk/new.html", {
        "agency": agency, "values": values, "errors": errors,
        "applicant_types": [(t.value, t.label) for t in ApplicantType],
        "id_types": [(t.value, t.label) for t in IdDocumentType],
        "channels": [(c.name, c.value) for c in Channel] + [(NO_CHANNEL, "未注明（直接填写收到之日）")],
        "forms_wanted": [(f.value, f.label) for f in FormWanted],
        "deliveries": [(d.value, d.label) for d in Delivery],
        "email_rule": agency.deadline_rules.email_rule.value,
    }, status_code=status)


@router.get("/desk/{agency_id}/applications/new")
def new_application_page(request: Request, agency: ActingAgency, today: Today) -> Response:
    return _application_form(request, agency, {"channel": Channel.POST.name, "signed_for": today.isoformat()}, {}, 200)


@router.post("/desk/{agency_id}/applications/new")
def register_application(
    request: Request, agency: ActingAgency, user: CurrentUser, session: SessionDep, calendar: CalendarDep,
    today: Today, form: FormDep,
) -> Response:
    """登记一件以信函、当面、传真、电子邮件等方式收到的申请：收到申请之日按提交方式确定（第三十一条）。"""
    values = {k: form.get(k, "") for k in APPLICATION_FIELDS}
    raw = _clean(values, APPLICATION_FIELDS)
    errors: Errors = {}
    channel: Channel | None = None
    if raw["channel"] not in (None, NO_CHANNEL):
        if raw["channel"] in Channel.__members__:
            channel = Channel[str(raw["channel"])]
        else:
            errors["channel"] = "请选择提交方式"
    elif raw["channel"] is None:
        errors["channel"] = "请选择提交方式"
    needed = channel_date_field(channel, agency.deadline_rules.email_rule)
    if "channel" not in errors and raw[needed] is None:
        errors[needed] = "按所选提交方式，须填写此日期（第三十一条）"
    body: dict[str, Any] = {k: v for k, v in raw.items() if k not in _APPLICANT and k != "channel"}
    body["applicant"] = {inner: raw[outer] for outer, inner in _APPLICANT.items()}
    body["channel"] = channel.value if channel else None
    # Only the channel's own dates are kept: a date typed for another channel would change nothing but confuse.
    for name in ("handed_in", "signed_for", "arrived", "confirmed", "system_received", "received"):
        if name != needed and not (name == "arrived" and channel is Channel.ORDINARY_LETTER):
            body[name] = None
    data: ApplicationCreate | None = None
    try:
        data = ApplicationCreate.model_validate(body)
    except ValidationError as exc:
        errors.update({k: v for k, v in _errors_of(exc, _RENAME).items() if k not in errors})
    if data is not None and not errors:
        day: date | None = getattr(data, needed)
        if day is not None and day > today:
            errors[needed] = f"不能晚于今天（{today.isoformat()}）"
    if errors or data is None:
        return _application_form(request, agency, values, errors, 422)
    try:
        app = create_application(
            session=session, agency_id=agency.id, calendar=calendar,
            data=ApplicationIn.model_validate({**data.model_dump(), "actor": user.actor}),
        )
    except (NotFound, ConflictError):
        raise
    except GongkaiError as exc:
        session.rollback()
        return _application_form(request, agency, values, {"_form": str(exc)}, 422)
    flash(request, f"已登记申请 {app.number}（{app.code}），答复期限已计算")
    return RedirectResponse(_page_url(agency.id, app.id), status_code=303)


# ---------------------------------------------------------------- the application page


@dataclass(frozen=True)
class EventForm:
    key: str
    title: str
    kind: EventKind
    date_label: str
    fields: tuple[str, ...] = ()
    hint: str = ""


EVENT_FORMS: dict[str, EventForm] = {f.key: f for f in (
    EventForm("correction_requested", "补正告知", EventKind.CORRECTION_REQUESTED, "补正告知发出之日", ("note",),
              "第三十条：自收到申请之日起7个工作日内一次性告知；答复期限自收到补正的申请之日起重新计算。备注填写需要补正的事项。"),
    EventForm("correction_received", "补正到达", EventKind.CORRECTION_RECEIVED, "收到补正申请之日", ("note",),
              "答复期限自该日的次日起重新计算20个工作日。"),
    EventForm("third_party_started", "征求第三方意见（开始）", EventKind.THIRD_PARTY_STARTED, "发出征求意见书之日",
              ("note",), "第三十二条、第三十三条第三款：征求第三方意见所需时间不计算在答复期限内。"),
    EventForm("third_party_ended", "征求第三方意见（结束）", EventKind.THIRD_PARTY_ENDED, "收到意见或者征询期满之日",
              ("note",), "次日起继续计算答复期限。"),
    EventForm("other_agency_started", "征求其他机关意见（开始）", EventKind.OTHER_AGENCY_STARTED, "发出征求意见之日",
              ("note",), "第三十四条、第三十三条第三款：征求其他机关意见所需时间不计算在答复期限内。"),
    EventForm("other_agency_ended", "征求其他机关意见（结束）", EventKind.OTHER_AGENCY_ENDED, "收到意见或者期满之日",
              ("note",), "次日起继续计算答复期限。"),
    EventForm("fee_notice", "收费通知", EventKind.FEE_NOTICE, "收费通知发出之日",
              ("fee_method", "pages", "prior_this_month", "units", "applicant_received_on", "note"),
              "国办函〔2020〕109号：按件或者按量计收，二者选一；申请人自收到通知次日起20个工作日内缴纳。"),
    EventForm("fee_paid", "缴费", EventKind.FEE_PAID, "缴费之日", ("amount", "note"), "金额不填时按收费通知的应缴金额记录。"),
    EventForm("reply", "答复", EventKind.REPLY, "答复之日", ("outcome", "note"),
              "选择表三的一个办理结果；答复后申请即办结。"),
    EventForm("close", "办结（视为放弃申请，不再处理）", EventKind.REPLY, "办结之日", ("outcome", "note"),
              "第三十条：逾期不补正的；109号：逾期未缴纳信息处理费的。"),
)}
EVENT_FIELDS = ("occurred_on", "note", "fee_method", "pages", "prior_this_month", "units", "applicant_received_on",
                "amount", "outcome", "expected_version")
CLOSE_OUTCOMES = (NO_CORRECTION, FEE_UNPAID)


def outcome_groups(allowed: set[str]) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """Table 三's result rows grouped as the template prints them: （一）（二） alone, （三）…（六） with their items."""
    groups: list[tuple[str | None, list[tuple[str, str]]]] = []
    for row in T3_2021.rows:
        if row.key not in OUTCOME_KEYS or row.key not in allowed:
            continue
        if row.group.startswith("（"):
            if not groups or groups[-1][0] != row.group:
                groups.append((row.group, []))
            groups[-1][1].append((row.key, f"{row.number}{row.label}"))
        else:
            groups.append((None, [(row.key, OUTCOME_LABELS[row.key])]))
    return groups


def allowed_outcomes(app: Application) -> set[str]:
    """The outcomes the ledger accepts for this application now (it checks them again)."""
    kinds = [e.kind for e in app.events]
    allowed = set(OUTCOME_KEYS)
    asked, corrected = EventKind.CORRECTION_REQUESTED in kinds, EventKind.CORRECTION_RECEIVED in kinds
    if not asked or corrected:
        allowed.discard(NO_CORRECTION)
    if not corrected:
        allowed.discard("unavailable.unclear")
    if EventKind.FEE_NOTICE not in kinds or EventKind.FEE_PAID in kinds:
        allowed.discard(FEE_UNPAID)
    return allowed


def available_forms(app: Application) -> list[EventForm]:
    """One form per event the ledger accepts in the application's present state."""
    if not app.is_open:
        return []
    kinds = [e.kind for e in app.events]
    keys: list[str] = []
    if EventKind.CORRECTION_REQUESTED not in kinds:
        keys.append("correction_requested")
    elif EventKind.CORRECTION_RECEIVED not in kinds:
        keys.append("correction_received")
    keys.append("third_party_started")
    if kinds.count(EventKind.THIRD_PARTY_STARTED) > kinds.count(EventKind.THIRD_PARTY_ENDED):
        keys.append("third_party_ended")
    keys.append("other_agency_started")
    if kinds.count(EventKind.OTHER_AGENCY_STARTED) > kinds.count(EventKind.OTHER_AGENCY_ENDED):
        keys.append("other_agency_ended")
    if EventKind.FEE_NOTICE not in kinds:
        keys.append("fee_notice")
    elif EventKind.FEE_PAID not in kinds:
        keys.append("fee_paid")
    keys.append("reply")
    if allowed_outcomes(app) & set(CLOSE_OUTCOMES):
        keys.append("close")
    return [EVENT_FORMS[k] for k in keys]


# Placeholders the ledger fills itself; the clerk is asked only for the others of the notice's template.
AUTO_PLACEHOLDERS = frozenset({
    "机关名称", "文书编号", "落款日期", "申请人", "申请编号", "收到日期", "提交方式", "所需信息", "获取形式", "答复期限",
    "原答复期限", "延长天数", "延期后答复期限", "补正告知日期", "补正到达日期", "计收方式", "计费明细", "收费金额",
    "收费通知日期", "答复类别", "救济途径",
})
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")


@dataclass(frozen=True)
class NoticeForm:
    kind: NoticeKind
    title: str
    outcome: str | None
    fields: tuple[str, ...]  # placeholder names the clerk may fill
    prefill: dict[str, str]


def notice_forms(app: Application) -> list[NoticeForm]:
    """The notices the application's state supports: the receipt always; a 补正告知书 once the 补正 is
    recorded; a 延期答复告知书 once approved; a 征询函 once a third party is consulted; a 收费通知书 once the fee
    notice is recorded; the 答复书 of its outcome once closed."""
    kinds = {e.kind for e in app.events}
    wanted: list[tuple[NoticeKind, str | None]] = [(NoticeKind.RECEIPT, None)]
    if EventKind.CORRECTION_REQUESTED in kinds:
        wanted.append((NoticeKind.CORRECTION, None))
    if EventKind.EXTENSION in kinds:
        wanted.append((NoticeKind.EXTENSION, None))
    if EventKind.THIRD_PARTY_STARTED in kinds:
        wanted.append((NoticeKind.THIRD_PARTY, None))
    if EventKind.FEE_NOTICE in kinds:
        wanted.append((NoticeKind.FEE, None))
    if app.outcome is not None:
        wanted.append((NoticeKind.REPLY, app.outcome))
    forms: list[NoticeForm] = []
    for kind, outcome in wanted:
        spec = spec_for(kind, outcome)
        text = "\n".join((*spec.paragraphs, *spec.defaults.values()))
        names = [n for n in dict.fromkeys(_PLACEHOLDER.findall(text)) if n not in AUTO_PLACEHOLDERS]
        if kind is NoticeKind.REPLY:
            names += [n for n in ("复议机关", "联系方式") if n not in names]
        names = [n for n in names if n != "补充说明"] + ["补充说明"]
        prefill: dict[str, str] = {}
        for event in app.events:
            if kind is NoticeKind.CORRECTION and event.kind is EventKind.CORRECTION_REQUESTED and event.note:
                prefill["补正事项"] = event.note
            if kind is NoticeKind.EXTENSION and event.kind is EventKind.EXTENSION and event.note:
                prefill["延期理由"] = event.note
        title = kind.label if outcome is None else f"{kind.label}（{OUTCOME_LABELS[outcome]}）"
        forms.append(NoticeForm(kind, title, outcome, tuple(names), prefill))
    return forms


def _application_page(
    request: Request,
    *,
    agency: Agency,
    user: User,
    session: Session,
    calendar: WorkCalendar,
    due_soon_days: int,
    today: date,
    application_id: int,
    open_form: str | None = None,
    values: Values | None = None,
    errors: Errors | None = None,
    status: int = 200,
) -> Response:
    app = get_application(session=session, agency_id=agency.id, application_id=application_id)
    explained = reply_deadline(session=session, agency_id=agency.id, application_id=app.id, calendar=calendar)
    acting = may_act(user, agency.id)
    requests = extension_requests(session=session, agency_id=agency.id, application_id=app.id)
    extended = any(e.kind is EventKind.EXTENSION for e in app.events)
    pending = any(r.is_pending for r in requests)
    urgency = urgency_of(
        state=app.deadline.state, due_on=app.deadline.due_on, due_not_before=app.deadline.due_not_before,
        closed_on=app.closed_on, today=today, due_soon_days=due_soon_days, calendar=calendar,
    )
    allowed = allowed_outcomes(app)
    return render(request, "desk/application.html", {
        "agency": agency,
        "app": app,
        "applicant": app.applicant.masked(),
        "urgency": urgency,
        "explained": explained,
        "explain_lines": explain_lines(explained) if explained is not None else [],
        "notices": list_notices(session=session, agency_id=agency.id, application_id=app.id),
        "requests": requests,
        "may_act": acting,
        "is_head": acting and user.has(Role.HEAD),
        "forms": available_forms(app) if acting else [],
        "notice_forms": notice_forms(app) if acting else [],
        "may_request_extension": acting and app.is_open and not extended and not pending,
        "reply_groups": outcome_groups(allowed),
        "close_groups": outcome_groups(allowed & set(CLOSE_OUTCOMES)),
        "fee_methods": [(m.value, m.value) for m in FeeMethod],
        "placeholder_hints": PLACEHOLDERS,
        "open_form": open_form,
        "values": values or {},
        "errors": errors or {},
        "today": today,
    }, status_code=status)


@router.get("/desk/{agency_id}/applications/{application_id}")
def application_page(
    request: Request, agency: ReadableAgency, user: CurrentUser, application_id: ApplicationId, session: SessionDep,
    calendar: CalendarDep, settings: SettingsDep, today: Today,
) -> Response:
    """申请的页面：基本情况、办理过程、答复期限的逐段说明、可记录的事件、文书。"""
    return _application_page(
        request, agency=agency, user=user, session=session, calendar=calendar, due_soon_days=settings.due_soon_days,
        today=today, application_id=application_id,
    )


@dataclass(frozen=True)
class PageContext:
    """What showing the application page again needs, gathered by a POST route."""

    agency: Agency
    user: User
    session: Session
    calendar: WorkCalendar
    due_soon_days: int
    today: date
    application_id: int


def _failed(request: Request, exc: GongkaiError | Errors, ctx: PageContext, form_key: str, values: Values) -> Response:
    """Show the page again with the form's messages; nothing of the failed attempt is kept."""
    ctx.session.rollback()
    if isinstance(exc, ConflictError):
        errors = {"_form": f"此申请已被他人修改（{exc}）：以下为最新情况，请核对后重新提交。"}
        status = 409
    elif isinstance(exc, GongkaiError):
        errors, status = {"_form": str(exc)}, 422
    else:
        errors, status = exc, 422
    return _application_page(
        request, agency=ctx.agency, user=ctx.user, session=ctx.session, calendar=ctx.calendar,
        due_soon_days=ctx.due_soon_days, today=ctx.today, application_id=ctx.application_id, open_form=form_key,
        values=values, errors=errors, status=status,
    )


@router.post("/desk/{agency_id}/applications/{application_id}/events/{form_key}")
def record_event(
    request: Request, agency: ActingAgency, user: CurrentUser, application_id: ApplicationId, form_key: str,
    session: SessionDep, calendar: CalendarDep, settings: SettingsDep, today: Today, form: FormDep,
) -> Response:
    """记录一个事件（补正、征求意见、收费、缴费、答复、办结）；答复期限随之重新计算。"""
    spec = EVENT_FORMS.get(form_key)
    if spec is None:
        raise NotFound("表单", form_key)
    values = {k: form.get(k, "") for k in EVENT_FIELDS}
    ctx = PageContext(agency, user, session, calendar, settings.due_soon_days, today, application_id)
    raw = _clean(values, ("occurred_on", "expected_version", *spec.fields))
    body: dict[str, Any] = {"kind": spec.kind.value, **raw}
    errors: Errors = {}
    if spec.key in ("reply", "close") and not raw.get("outcome"):
        errors["outcome"] = "请选择办理结果"
    if spec.key == "close" and raw.get("outcome") and raw["outcome"] not in CLOSE_OUTCOMES:
        errors["outcome"] = "此处只能选择“逾期不补正”或“逾期未缴费”；其他结果请用“答复”"
    if spec.key == "fee_notice" and raw.get("fee_method") == FeeMethod.PER_VOLUME.value and raw.get("pages") is None:
        errors["pages"] = "按量计收须填写页数"
    try:
        data = EventCreate.model_validate(body)
    except ValidationError as exc:
        errors = {**_errors_of(exc), **errors}
        return _failed(request, errors, ctx, form_key, values)
    if data.occurred_on > today:
        errors.setdefault("occurred_on", f"不能晚于今天（{today.isoformat()}）")
    if errors:
        return _failed(request, errors, ctx, form_key, values)
    try:
        if spec.key == "close":
            assert data.outcome is not None
            app = close_application(
                session=session, agency_id=agency.id, application_id=application_id, outcome=data.outcome,
                closed_on=data.occurred_on, actor=user.actor, note=data.note, calendar=calendar,
                expected_version=data.expected_version,
            )
        else:
            event = EventIn.model_validate({**data.model_dump(exclude={"expected_version"}), "actor": user.actor})
            app = add_event(
                session=session, agency_id=agency.id, application_id=application_id, data=event, calendar=calendar,
                expected_version=data.expected_version,
            )
    except NotFound:
        raise
    except GongkaiError as exc:
        return _failed(request, exc, ctx, form_key, values)
    done = f"已记录“{spec.title}”"
    if app.closed_on is not None:
        done += f"，申请已办结：{app.outcome_label}"
    elif app.deadline.due_on is not None:
        done += f"，答复期限：{app.deadline.due_on.isoformat()}"
    else:
        done += f"，答复期限：{app.deadline.state.label}"
    flash(request, done)
    return RedirectResponse(_page_url(agency.id, application_id), status_code=303)


# ---------------------------------------------------------------- extension (第三十三条第二款)


@router.post("/desk/{agency_id}/applications/{application_id}/extension-requests")
def file_extension_request(
    request: Request, agency: ActingAgency, user: CurrentUser, application_id: ApplicationId, session: SessionDep,
    calendar: CalendarDep, settings: SettingsDep, today: Today, form: FormDep,
) -> Response:
    """承办人提出延期申请，待负责人审批。"""
    values = {k: form.get(k, "") for k in ("days", "reason", "requested_on")}
    ctx = PageContext(agency, user, session, calendar, settings.due_soon_days, today, application_id)
    key = "extension_request"
    errors: Errors = {}
    days_text = values["days"].strip()
    days = int(days_text) if days_text.isdigit() and len(days_text) < 4 else None
    if days is None:
        errors["days"] = "应为1至20之间的整数"
    elif not 1 <= days <= 20:
        errors["days"] = "第三十三条第二款：延长的期限最长不得超过20个工作日"
    reason = values["reason"].strip()
    if not reason:
        errors["reason"] = "请说明需要延长答复期限的理由"
    elif len(reason) > 2000:
        errors["reason"] = "不能超过 2000 个字"
    requested_on = _date(values["requested_on"], today, errors, "requested_on")
    if errors or days is None or requested_on is None:
        return _failed(request, errors, ctx, key, values)
    try:
        request_extension(session=session, agency_id=agency.id, application_id=application_id, days=days,
                          reason=reason, requested_on=requested_on, actor=user.actor)
    except NotFound:
        raise
    except GongkaiError as exc:
        return _failed(request, exc, ctx, key, values)
    flash(request, f"已提出延期申请（{days} 个工作日），待负责人审批")
    return RedirectResponse(_page_url(agency.id, application_id), status_code=303)


def _date(text: str, today: date, errors: Errors, name: str) -> date | None:
    text = text.strip()
    if not text:
        errors[name] = "请填写日期"
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors[name] = "应为日期（YYYY-MM-DD）"
        return None
    if day > today:
        errors[name] = f"不能晚于今天（{today.isoformat()}）"
        return None
    return day


@router.post("/desk/{agency_id}/applications/{application_id}/extension-requests/{request_id}")
def decide_extension_request(
    request: Request, agency: HeadAgency, user: CurrentUser, application_id: ApplicationId, request_id: RowId,
    session: SessionDep, calendar: CalendarDep, settings: SettingsDep, today: Today, form: FormDep,
) -> Response:
    """负责人同意或者不同意延长答复期限；同意的，记录延期事件（批准人为该负责人）。"""
    found = get_extension_request(session=session, agency_id=agency.id, request_id=request_id)
    if found.application_id != application_id:
        raise NotFound("延期申请", request_id)
    key = f"decide_{request_id}"
    values = {k: form.get(k, "") for k in ("decision", "decided_on", "note", "expected_version")}
    ctx = PageContext(agency, user, session, calendar, settings.due_soon_days, today, application_id)
    errors: Errors = {}
    decision = values["decision"]
    if decision not in ("approve", "refuse"):
        errors["decision"] = "请选择同意或者不同意"
    decided_on = _date(values["decided_on"], today, errors, "decided_on")
    note = values["note"].strip()
    if len(note) > 2000:
        errors["note"] = "不能超过 2000 个字"
    version_text = values["expected_version"].strip()
    version = int(version_text) if version_text.isdigit() and len(version_text) < 10 else None
    if errors or decided_on is None:
        return _failed(request, errors, ctx, key, values)
    try:
        done = decide_extension(
            session=session, agency_id=agency.id, request_id=request_id, approve=decision == "approve",
            decided_on=decided_on, approver=user.actor, note=note or None, calendar=calendar,
            expected_version=version,
        )
    except NotFound:
        raise
    except GongkaiError as exc:
        return _failed(request, exc, ctx, key, values)
    flash(request, f"延期申请：{done.status.label}")
    return RedirectResponse(_page_url(agency.id, application_id), status_code=303)


# ---------------------------------------------------------------- notices


@router.post("/desk/{agency_id}/applications/{application_id}/notices")
def issue_application_notice(
    request: Request, agency: ActingAgency, user: CurrentUser, application_id: ApplicationId, session: SessionDep,
    calendar: CalendarDep, settings: SettingsDep, today: Today, form: FormDep,
) -> Response:
    """按本机关的模板出具文书并编号。"""
    kind_text = form.get("kind", "")
    if kind_text not in NoticeKind._value2member_map_:
        raise NotFound("文书种类", kind_text[:40])
    kind = NoticeKind(kind_text)
    app = get_application(session=session, agency_id=agency.id, application_id=application_id)
    offered = {f.kind: f for f in notice_forms(app)}
    if kind not in offered:
        raise HTTPException(400, f"此申请目前不能出具{kind.label}")
    notice_form = offered[kind]
    key = f"notice_{kind.value}"
    values = {"issued_on": form.get("issued_on", "")}
    fields: dict[str, str] = {}
    for n, name in enumerate(notice_form.fields):
        text = form.get(f"ph{n}", "")
        values[f"ph{n}"] = text
        if text.strip():
            fields[name] = text.strip()[:5000]
    ctx = PageContext(agency, user, session, calendar, settings.due_soon_days, today, application_id)
    errors: Errors = {}
    issued_on = _date(values["issued_on"], today, errors, "issued_on")
    if errors or issued_on is None:
        return _failed(request, errors, ctx, key, values)
    try:
        issued = issue_notice(
            session=session, agency_id=agency.id, application_id=application_id, kind=kind, issued_on=issued_on,
            actor=user.actor, outcome=notice_form.outcome, fields=fields, templates_root=settings.notice_templates,
            calendar=calendar,
        )
    except NotFound:
        raise
    except GongkaiError as exc:
        return _failed(request, exc, ctx, key, values)
    flash(request, f"已出具{issued.notice.title}（{issued.notice.number}），可在“文书”中下载")
    return RedirectResponse(_page_url(agency.id, application_id, "notices"), status_code=303)


@router.get("/desk/{agency_id}/applications/{application_id}/notices/{notice_id}")
def download_notice(agency: StaffAgency, application_id: ApplicationId, notice_id: RowId, session: SessionDep) -> Response:
    """The notice as issued. It names the applicant in full (it is sent to them), so only the agency's own staff
    download it; the oversight office sees the list of notices, not their personal data."""
    issued = notice_document(session=session, agency_id=agency.id, application_id=application_id, notice_id=notice_id)
    return file_response(issued.document, DOCX, issued.notice.filename)


__all__ = ["router"]
