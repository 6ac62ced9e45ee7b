"""Pages: the records of a disclosure office — the 主动公开 register with its review chain, 行政复议/行政诉讼 cases
(table 四) and the table 二 registers. They are the HTML twins of the JSON API's proactive, appeals and registers
routers and call the same ledger functions.

Staff of the agency act; the oversight office reads (no forms are shown to it); anyone else is told the agency
does not exist. Each step of the review chain is signed by its own role — 承办人拟稿 by the clerk, 保密审查 by the
reviewer, 领导签发 by the head — and the signer recorded is the signed-in user (先审查、后公开，谁审查、谁负责).

Forms are validated with the API's input schemas (bounded to what the database holds); a form with errors, or
one the ledger refuses, is shown again with status 422, nothing of it written, and the messages beside the
fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from gongkai.accounts.roles import Role, User
from gongkai.api.deps import CalendarDep, RowId, SessionDep, SettingsDep, now_in_china, today_in_china
from gongkai.api.schemas import (
    AppealCreate,
    AppealDecision,
    ProactiveItemCreate,
    PublicationCreate,
    RegisterDocumentCreate,
    Repeal,
    ReviewStepCreate,
    TallyCreate,
)
from gongkai.desk.calendar import WorkCalendar
from gongkai.errors import GongkaiError
from gongkai.ledger import (
    add_document,
    add_review_step,
    create_item,
    decide_appeal,
    import_registers_csv,
    list_appeals,
    list_documents,
    publish_item,
    record_appeal,
    repeal_document,
    set_tally,
    tallies,
)
from gongkai.ledger.domain import Agency
from gongkai.ledger.messages import field_label, problem
from gongkai.ledger.record_views import (
    ChainStage,
    Timeliness,
    chain_state,
    document_counts,
    find_application_by_number,
    get_item,
    list_register,
    register_line,
    register_years,
)
from gongkai.ledger.schemas import (
    AppealIn,
    ProactiveItemIn,
    PublicationIn,
    RegisterDocumentIn,
    ReviewStepIn,
    TallyIn,
)
from gongkai.store.errors import ConflictError, NotFound
from gongkai.store.vocab import (
    ARTICLE_20_ITEMS,
    REVIEW_CHAIN,
    AppealKind,
    AppealOutcome,
    PublicationChannel,
    RegisterDocumentKind,
    ReviewDecision,
    ReviewStepKind,
    TallyItem,
    article_20_label,
)
from gongkai.web.security import CurrentUser, ReadableAgency, StaffAgency, flash, verify_csrf
from gongkai.web.templating import date_cn, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])

# Who signs which step of the chain: 谁审查、谁负责.
STEP_ROLES: dict[ReviewStepKind, Role] = {
    ReviewStepKind.DRAFTER: Role.CLERK,
    ReviewStepKind.CONFIDENTIALITY: Role.REVIEWER,
    ReviewStepKind.LEADER: Role.HEAD,
}
# The drafter proposes publication or proposes not to publish; sending back is for the later steps.
STEP_DECISIONS: dict[ReviewStepKind, tuple[ReviewDecision, ...]] = {
    ReviewStepKind.DRAFTER: (ReviewDecision.APPROVED, ReviewDecision.REFUSED),
    ReviewStepKind.CONFIDENTIALITY: tuple(ReviewDecision),
    ReviewStepKind.LEADER: tuple(ReviewDecision),
}

Today = Annotated[date, Depends(today_in_china)]
Now = Annotated[datetime, Depends(now_in_china)]
FormText = Annotated[str, Form()]
Errors = dict[str, str]
InT = TypeVar("InT", bound=BaseModel)


# ---------------------------------------------------------------- helpers


def _cleaned(values: Mapping[str, str | None]) -> dict[str, str]:
    """The form's values, trimmed, with empty fields left out (an optional field not filled is absent)."""
    return {k: v.strip() for k, v in values.items() if v is not None and v.strip()}


def _validate(model: type[InT], values: Mapping[str, Any], prefix: str = "") -> tuple[InT | None, Errors]:
    """``model`` from the form values, or the Chinese messages per field (keyed ``prefix + field``)."""
    try:
        return model.model_validate(values), {}
    except ValidationError as exc:
        errors: Errors = {}
        for err in exc.errors():
            loc = err.get("loc", ())
            name = str(loc[0]) if loc else "form"
            # a form always sends every field: "missing" means the field was left empty
            what = "不能为空" if err.get("type") == "missing" else problem(err)
            errors.setdefault(prefix + name, f"「{field_label(loc) if loc else '输入'}」{what}")
        return None, errors


def _refused(session: Session, exc: GongkaiError) -> str:
    """The ledger refused the form: undo what this request wrote (a refusal may come after part of the
    change was staged) and return its message for the page."""
    session.rollback()
    return str(exc)


def _year_param(text: str | None, today: date) -> int | None:
    """A year filter from the query: a year, ``all`` (None), or this year when not given."""
    if text is None or not text.strip():
        return today.year
    if text == "all":
        return None
    if not text.isdigit() or not 2000 <= int(text) <= 2200:
        raise HTTPException(status_code=422, detail=f"年度“{text}”无效")
    return int(text)


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def category_label(category: int, local_category: str | None) -> str:
    """``第二十条第（七）项`` (or the 第二十一条 local category beside it)."""
    short = article_20_label(category).split(" ", 1)[0]
    return f"{short}；第二十一条：{local_category}" if local_category else short


def wan(amount: Decimal | None) -> str:
    """An amount in 万元 as a person writes it: 1.5, not 1.5000 (the column keeps 4 decimals)."""
    return "" if amount is None else f"{amount.normalize():f}"


def _can_sign(user: User, agency: Agency, step: ReviewStepKind | None) -> bool:
    return step is not None and user.works_for(agency.id) and user.has(STEP_ROLES[step])


VOCAB: dict[str, Any] = {
    "article_20": [(n, article_20_label(n)) for n in ARTICLE_20_ITEMS],
    "stages": [(s.value, s.label) for s in ChainStage],
    "channels": [(c.value, c.label) for c in PublicationChannel],
    "appeal_kinds": [(k.value, k.label) for k in AppealKind],
    "appeal_outcomes": [(o.value, o.label) for o in AppealOutcome],
    "decided_outcomes": [(o.value, o.label) for o in AppealOutcome if o is not AppealOutcome.PENDING],
    "document_kinds": [(k.value, k.label) for k in RegisterDocumentKind],
    "tally_items": list(TallyItem),
    "review_chain": [(k.value, k.label, STEP_ROLES[k].label) for k in REVIEW_CHAIN],
    "category_label": category_label,
    "wan": wan,
    # ui.badge kinds per state, so the register and the item page colour them alike
    "stage_badges": {s.value: "ok" if s is ChainStage.PUBLISHED else "closed" if s is ChainStage.REFUSED else "info"
                     for s in ChainStage},
    "time_badges": {
        Timeliness.ON_TIME: "ok", Timeliness.LATE: "overdue", Timeliness.OVERDUE: "overdue",
        Timeliness.DUE_SOON: "soon", Timeliness.PENDING: "info", Timeliness.UNKNOWN: "info",
        Timeliness.NOT_APPLICABLE: "closed",
    },
}


# ---------------------------------------------------------------- 主动公开 register


def _proactive_page(
    request: Request, session: Session, calendar: WorkCalendar, agency: Agency, user: User, today: date,
    soon_days: int, *, year: int | None, stage: ChainStage | None, late_only: bool,
    errors: Errors | None = None, form: Mapping[str, str] | None = None,
) -> Response:
    lines = list_register(session=session, agency_id=agency.id, today=today, year=year, stage=stage,
                          late_only=late_only, soon_days=soon_days, calendar=calendar)
    return render(request, "records/proactive.html", {
        **VOCAB,
        "agency": agency,
        "can_act": user.works_for(agency.id),
        "lines": lines,
        "years": register_years(session=session, agency_id=agency.id, today=today),
        "year": year,
        "stage": stage,
        "late_only": late_only,
        "today": today,
        "errors": errors or {},
        "form": form or {"formed_on": today.isoformat()},
    }, status_code=422 if errors else 200)


@router.get("/desk/{agency_id}/proactive")
def proactive_register(
    request: Request, agency: ReadableAgency, user: CurrentUser, session: SessionDep, calendar: CalendarDep,
    settings: SettingsDep, today: Today,
    year: Annotated[str | None, Query(max_length=10)] = None,
    stage: Annotated[str | None, Query(max_length=40)] = None,
    late: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    try:
        chosen = ChainStage(stage) if stage else None
    except ValueError:
        raise HTTPException(status_code=422, detail=f"状态“{stage}”无效") from None
    return _proactive_page(request, session, calendar, agency, user, today, settings.due_soon_days,
                           year=_year_param(year, today), stage=chosen, late_only=bool(late))


@router.post("/desk/{agency_id}/proactive")
def proactive_create(
    request: Request, agency: StaffAgency, user: CurrentUser, session: SessionDep, calendar: CalendarDep,
    settings: SettingsDep, today: Today,
    title: FormText = "", category: FormText = "", local_category: FormText = "", document_number: FormText = "",
    formed_on: FormText = "",
) -> Response:
    form = {"title": title, "category": category, "local_category": local_category,
            "document_number": document_number, "formed_on": formed_on}
    body, errors = _validate(ProactiveItemCreate, _cleaned(form))
    if body is not None and body.formed_on > today:
        errors = {"formed_on": f"「形成之日」{date_cn(body.formed_on)}晚于今日，不能登记尚未形成的信息"}
    if body is not None and not errors:
        data = ProactiveItemIn.model_validate({**body.model_dump(), "actor": user.actor})
        item = create_item(session=session, agency_id=agency.id, data=data, calendar=calendar)
        due = (f"，应于{date_cn(item.publish_due)}前公开（第二十六条）" if item.publish_due
               else "，日历未覆盖该年度，无法计算公开期限")
        flash(request, f"已登记主动公开事项“{item.title}”{due}")
        return _redirect(f"/desk/{agency.id}/proactive/{item.id}")
    return _proactive_page(request, session, calendar, agency, user, today, settings.due_soon_days,
                           year=today.year, stage=None, late_only=False, errors=errors, form=form)


def _item_page(
    request: Request, session: Session, calendar: WorkCalendar, agency: Agency, user: User, today: date,
    soon_days: int, item_id: int, *, errors: Errors | None = None, form: Mapping[str, Any] | None = None,
) -> Response:
    item = get_item(session=session, agency_id=agency.id, item_id=item_id, calendar=calendar)
    line = register_line(item, today=today, calendar=calendar, soon_days=soon_days)
    chain = line.chain
    can_act = user.works_for(agency.id)
    used = {p.channel for p in item.publications}
    return render(request, "records/proactive_item.html", {
        **VOCAB,
        "agency": agency,
        "item": item,
        "line": line,
        "chain": chain,
        "category_full": article_20_label(item.category),
        "can_act": can_act,
        "can_sign": _can_sign(user, agency, chain.next_step),
        "sign_role": STEP_ROLES[chain.next_step].label if chain.next_step else None,
        "step_decisions": [(d.value, d.label) for d in STEP_DECISIONS[chain.next_step]] if chain.next_step else [],
        "can_publish": can_act and chain.complete,
        "open_channels": [(c.value, c.label) for c in PublicationChannel if c not in used],
        "errors": errors or {},
        "form": form or {"published_on": today.isoformat(), "channels": []},
    }, status_code=422 if errors else 200)


@router.get("/desk/{agency_id}/proactive/{item_id}")
def proactive_item(
    request: Request, item_id: RowId, agency: ReadableAgency, user: CurrentUser, session: SessionDep,
    calendar: CalendarDep, settings: SettingsDep, today: Today,
) -> Response:
    return _item_page(request, session, calendar, agency, user, today, settings.due_soon_days, item_id)


@router.post("/desk/{agency_id}/proactive/{item_id}/review")
def proactive_review(
    request: Request, item_id: RowId, agency: StaffAgency, user: CurrentUser, session: SessionDep,
    calendar: CalendarDep, settings: SettingsDep, today: Today, now: Now,
    step: FormText = "", decision: FormText = "", comment: FormText = "", version: FormText = "",
) -> Response:
    try:
        kind = ReviewStepKind(step)
    except ValueError:
        raise HTTPException(status_code=422, detail=f"审查环节“{step}”无效") from None
    role = STEP_ROLES[kind]
    if not user.has(role):
        raise HTTPException(status_code=403, detail=f"“{kind.label}”须由{role.label}签署")
    form = {"step": step, "decision": decision, "comment": comment, "expected_version": version}
    body, errors = _validate(ReviewStepCreate, {**_cleaned(form), "decided_at": now})
    if body is not None and body.decision not in STEP_DECISIONS[kind]:
        errors = {"decision": f"「审查意见」{kind.label}不能选“{body.decision.label}”"}
    if body is not None and not errors:
        data = ReviewStepIn(step=body.step, reviewer=user.actor, decided_at=body.decided_at,
                            decision=body.decision, comment=body.comment)
        try:
            item = add_review_step(session=session, agency_id=agency.id, item_id=item_id, data=data,
                                   calendar=calendar, expected_version=body.expected_version)
        except GongkaiError as exc:
            if not _is_refusal(exc):
                raise
            errors = {"decision": _refused(session, exc)}
        else:
            after = chain_state(item)
            flash(request, f"已签署“{kind.label}”：{body.decision.label}；当前状态：{after.stage.label}")
            return _redirect(f"/desk/{agency.id}/proactive/{item.id}")
    return _item_page(request, session, calendar, agency, user, today, settings.due_soon_days, item_id,
                      errors=errors, form={"decision": decision, "comment": comment})


def _is_refusal(exc: GongkaiError) -> bool:
    """A refusal the clerk can act on (shown on the form); a missing record or a stale version is not — those
    become the 404 / 409 pages."""
    return not isinstance(exc, NotFound | ConflictError)


@router.post("/desk/{agency_id}/proactive/{item_id}/publication")
def proactive_publish(
    request: Request, item_id: RowId, agency: StaffAgency, user: CurrentUser, session: SessionDep,
    calendar: CalendarDep, settings: SettingsDep, today: Today,
    published_on: FormText = "", url: FormText = "", version: FormText = "",
    channels: Annotated[list[str] | None, Form()] = None,
) -> Response:
    picked = [c for c in (channels or []) if c.strip()]
    form = {"published_on": published_on, "url": url, "expected_version": version}
    body, errors = _validate(PublicationCreate, {**_cleaned(form), "channels": picked})
    if body is not None and body.published_on > today:
        errors = {"published_on": f"「公开日期」{date_cn(body.published_on)}晚于今日：公开后再登记"}
    if body is not None and not errors:
        data = PublicationIn(published_on=body.published_on, channels=body.channels, url=body.url)
        try:
            item = publish_item(session=session, agency_id=agency.id, item_id=item_id, data=data,
                                calendar=calendar, expected_version=body.expected_version)
        except GongkaiError as exc:
            if not _is_refusal(exc):
                raise
            errors = {"published_on": _refused(session, exc)}
        else:
            where = "、".join(c.label for c in body.channels)
            late = "；超过第二十六条规定的20个工作日" if item.published_late else ""
            flash(request, f"已登记于{date_cn(body.published_on)}在{where}公开{late}",
                  "warn" if item.published_late else "ok")
            return _redirect(f"/desk/{agency.id}/proactive/{item.id}")
    return _item_page(request, session, calendar, agency, user, today, settings.due_soon_days, item_id,
                      errors=errors, form={"published_on": published_on, "url": url, "channels": picked})


# ---------------------------------------------------------------- 行政复议、行政诉讼 (table 四)


def _appeals_page(
    request: Request, session: Session, agency: Agency, user: User, today: date, *, year: int | None,
    errors: Errors | None = None, form: Mapping[str, str] | None = None,
) -> Response:
    cases = list_appeals(session=session, agency_id=agency.id, year=year)
    return render(request, "records/appeals.html", {
        **VOCAB,
        "agency": agency,
        "can_act": user.works_for(agency.id),
        "cases": cases,
        "year": year,
        "years": list(range(today.year, today.year - 10, -1)),
        "errors": errors or {},
        "form": form or {"filed_on": today.isoformat(), "decided_on_default": today.isoformat()},
        "today": today,
    }, status_code=422 if errors else 200)


@router.get("/desk/{agency_id}/appeals")
def appeals(
    request: Request, agency: ReadableAgency, user: CurrentUser, session: SessionDep, today: Today,
    year: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    return _appeals_page(request, session, agency, user, today, year=_year_param(year, today))


@router.post("/desk/{agency_id}/appeals")
def appeal_record(
    request: Request, agency: StaffAgency, user: CurrentUser, session: SessionDep, today: Today,
    kind: FormText = "", filed_on: FormText = "", application: FormText = "", case_number: FormText = "", body: FormText = "",
    note: FormText = "", outcome: FormText = "", decided_on: FormText = "",
) -> Response:
    form = {"kind": kind, "filed_on": filed_on, "application": application, "case_number": case_number,
            "body": body, "note": note, "outcome": outcome, "decided_on": decided_on}
    values: dict[str, Any] = _cleaned({k: v for k, v in form.items() if k != "application"})
    errors: Errors = {}
    if application.strip():
        try:
            found = find_application_by_number(session=session, agency_id=agency.id, text=application[:100])
            values["application_id"] = found.id
        except NotFound as exc:
            errors["application"] = f"「所涉申请」{exc}"
    parsed, problems = _validate(AppealCreate, values)
    errors = {**problems, **errors}
    if parsed is not None and not errors:
        data = AppealIn.model_validate({**parsed.model_dump(), "actor": user.actor})
        try:
            case = record_appeal(session=session, agency_id=agency.id, data=data)
        except GongkaiError as exc:
            if not _is_refusal(exc):
                raise
            errors = {"filed_on": _refused(session, exc)}
        else:
            flash(request, f"已登记{case.kind.label}案件（{case.outcome.label}）")
            return _redirect(f"/desk/{agency.id}/appeals?year={case.filed_on.year}")
    return _appeals_page(request, session, agency, user, today, year=today.year, errors=errors, form=form)


@router.post("/desk/{agency_id}/appeals/{appeal_id}/decision")
def appeal_decide(
    request: Request, appeal_id: RowId, agency: StaffAgency, user: CurrentUser, session: SessionDep,
    today: Today, outcome: FormText = "", decided_on: FormText = "",
) -> Response:
    prefix = f"decision_{appeal_id}_"
    body, errors = _validate(AppealDecision, _cleaned({"outcome": outcome, "decided_on": decided_on}), prefix)
    if body is not None and body.outcome is AppealOutcome.PENDING:
        errors = {prefix + "outcome": "「办理结果」请选择维持、纠正或其他"}
    if body is not None and not errors:
        try:
            case = decide_appeal(session=session, agency_id=agency.id, appeal_id=appeal_id, outcome=body.outcome,
                                 decided_on=body.decided_on)
        except GongkaiError as exc:
            if not _is_refusal(exc):
                raise
            errors = {prefix + "decided_on": _refused(session, exc)}
        else:
            flash(request, f"已记录审结结果：{case.outcome.label}（{date_cn(case.decided_on)}）")
            return _redirect(f"/desk/{agency.id}/appeals?year={case.filed_on.year}")
    return _appeals_page(request, session, agency, user, today, year=None, errors=errors,
                         form={prefix + "outcome": outcome, prefix + "decided_on": decided_on})


# ---------------------------------------------------------------- table 二 registers


def _registers_page(
    request: Request, session: Session, agency: Agency, user: User, today: date, *, year: int,
    errors: Errors | None = None, form: Mapping[str, str] | None = None,
) -> Response:
    documents = list_documents(session=session, agency_id=agency.id)
    return render(request, "records/registers.html", {
        **VOCAB,
        "agency": agency,
        "can_act": user.works_for(agency.id),
        "documents": documents,
        "counts": document_counts(documents, year),
        "figures": tallies(session=session, agency_id=agency.id, year=year),
        "year": year,
        "years": list(range(today.year, today.year - 10, -1)),
        "year_end": date(year, 12, 31),
        "errors": errors or {},
        "form": form or {},
        "today": today,
    }, status_code=422 if errors else 200)


def _register_year(text: str | None, today: date) -> int:
    year = _year_param(text, today)
    return today.year if year is None else year


@router.get("/desk/{agency_id}/registers")
def registers(
    request: Request, agency: ReadableAgency, user: CurrentUser, session: SessionDep, today: Today,
    year: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    return _registers_page(request, session, agency, user, today, year=_register_year(year, today))


def _register_form(
    request: Request, session: Session, agency: Agency, user: User, today: date, year: int,
    form: Mapping[str, str], prefix: str, model: type[InT], write: Callable[[InT], str], refusal_field: str,
) -> Response:
    """One register form: validate, write through the ledger, flash and go back; or show it again, the
    ledger's refusal beside ``refusal_field``."""
    body, errors = _validate(model, _cleaned({k.removeprefix(prefix): v for k, v in form.items()}), prefix)
    if body is not None:
        try:
            message = write(body)
        except GongkaiError as exc:
            if not _is_refusal(exc):
                raise
            errors = {prefix + refusal_field: _refused(session, exc)}
        else:
            flash(request, message)
            return _redirect(f"/desk/{agency.id}/registers?year={year}")
    return _registers_page(request, session, agency, user, today, year=year, errors=errors, form=form)


@router.post("/desk/{agency_id}/registers/documents")
def register_document_add(
    request: Request, agency: StaffAgency, user: CurrentUser, session: SessionDep, today: Today,
    kind: FormText = "", title: FormText = "", document_number: FormText = "", issued_on: FormText = "", repealed_on: FormText = "",
    year: FormText = "",
) -> Response:
    def write(body: RegisterDocumentCreate) -> str:
        doc = add_document(session=session, agency_id=agency.id, data=RegisterDocumentIn.model_validate(body.model_dump()))
        return f"已登记{doc.kind.label}“{doc.title}”"

    form = {"kind": kind, "title": title, "document_number": document_number, "issued_on": issued_on,
            "repealed_on": repealed_on}
    return _register_form(request, session, agency, user, today, _register_year(year, today), form, "",
                          RegisterDocumentCreate, write, "issued_on")


@router.post("/desk/{agency_id}/registers/documents/{document_id}/repeal")
def register_document_repeal(
    request: Request, document_id: RowId, agency: StaffAgency, user: CurrentUser, session: SessionDep,
    today: Today, repealed_on: FormText = "", year: FormText = "",
) -> Response:
    def write(body: Repeal) -> str:
        doc = repeal_document(session=session, agency_id=agency.id, document_id=document_id,
                              repealed_on=body.repealed_on)
        return f"已登记“{doc.title}”于{date_cn(doc.repealed_on)}废止"

    prefix = f"repeal_{document_id}_"
    return _register_form(request, session, agency, user, today, _register_year(year, today),
                          {prefix + "repealed_on": repealed_on}, prefix, Repeal, write, "repealed_on")


@router.post("/desk/{agency_id}/registers/tallies")
def register_tally(
    request: Request, agency: StaffAgency, user: CurrentUser, session: SessionDep, today: Today,
    year: FormText = "", item: FormText = "", value: FormText = "",
) -> Response:
    try:
        what = TallyItem(item)
    except ValueError:
        raise HTTPException(status_code=422, detail=f"事项“{item}”无效") from None
    chosen = _register_year(year, today)
    prefix = f"tally_{what.value}_"
    field = "amount" if what is TallyItem.FEES else "decisions"

    def write(body: TallyCreate) -> str:
        figure = set_tally(session=session, agency_id=agency.id, data=TallyIn.model_validate(body.model_dump()))
        shown = f"{wan(figure.amount)} 万元" if figure.item is TallyItem.FEES else f"{figure.decisions} 件"
        return f"已录入 {figure.year} 年{figure.item.label}：{shown}"

    form = {prefix + "year": str(chosen), prefix + "item": what.value, prefix + field: value}
    return _register_form(request, session, agency, user, today, chosen, form, prefix, TallyCreate, write, field)


@router.post("/desk/{agency_id}/registers/import")
def register_import(
    request: Request, agency: StaffAgency, user: CurrentUser, session: SessionDep, settings: SettingsDep,
    today: Today, file: Annotated[UploadFile | None, File()] = None, year: FormText = "",
) -> Response:
    chosen = _register_year(year, today)
    if file is None or not file.filename:
        return _registers_page(request, session, agency, user, today, year=chosen,
                               errors={"file": "「CSV 文件」请选择要导入的文件"})
    data = file.file.read(settings.api_max_upload + 1)
    if len(data) > settings.api_max_upload:
        return _registers_page(request, session, agency, user, today, year=chosen, errors={
            "file": f"「CSV 文件」{file.filename} 超过 {settings.api_max_upload // 1024} KiB 的上限，未导入"})
    try:
        result = import_registers_csv(session=session, agency_id=agency.id, name=file.filename[:200], data=data)
    except GongkaiError as exc:
        if not _is_refusal(exc):
            raise
        return _registers_page(request, session, agency, user, today, year=chosen,
                               errors={"file": _refused(session, exc)})
    layout = "文件登记" if result.layout == "documents" else "年度数据"
    flash(request, f"已导入 {result.file}（{layout}）：新增 {result.created} 条，更新 {result.updated} 条")
    return _redirect(f"/desk/{agency.id}/registers?year={chosen}")


__all__ = ["STEP_DECISIONS", "STEP_ROLES", "category_label", "router"]
