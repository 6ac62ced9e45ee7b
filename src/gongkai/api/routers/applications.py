"""``/api/agencies/{agency_id}/applications``: 依申请公开 applications, their events, closing and the reply
deadline explained segment by segment."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from gongkai.api.deps import (
    AGENCY,
    AgencyId,
    ApplicationId,
    CalendarDep,
    CurrentActor,
    SessionDep,
    today_in_china,
)
from gongkai.api.errors import CONFLICT_RESPONSE, ERROR_RESPONSES
from gongkai.api.schemas import ApplicationCreate, CloseCreate, EventCreate
from gongkai.api.views import ApplicationDeadlineOut, ApplicationLine, DeadlineOut
from gongkai.ledger import (
    add_event,
    application_view,
    close_application,
    create_application,
    find_application,
    get_application,
    list_applications,
    list_due_within,
    list_overdue,
    reply_deadline,
)
from gongkai.ledger.schemas import ApplicationIn, ApplicationView, EventIn
from gongkai.store.errors import NotFound

router = APIRouter(
    prefix="/api/agencies/{agency_id}/applications", tags=["依申请公开"], responses=ERROR_RESPONSES, dependencies=AGENCY
)
Today = Annotated[date | None, Query(description="以哪一天为“今日”（默认北京时间今日）")]
CODE = re.compile(r"^(\d{4})-(\d{1,6})$")


@router.get("", summary="申请列表", response_model=list[ApplicationLine])
def list_agency_applications(
    agency_id: AgencyId,
    session: SessionDep,
    year: Annotated[int | None, Query(ge=2000, le=2200, description="收到申请的年度")] = None,
    open_only: Annotated[bool, Query(description="只列未办结的申请")] = False,
) -> list[ApplicationLine]:
    """本机关的申请，按编号排列。申请人姓名已遮蔽。"""
    apps = list_applications(session=session, agency_id=agency_id, year=year, open_only=open_only)
    return [ApplicationLine.of_application(a) for a in apps]


@router.get("/overdue", summary="已超过答复期限的申请", response_model=list[ApplicationLine])
def list_overdue_applications(agency_id: AgencyId, session: SessionDep, today: Today = None) -> list[ApplicationLine]:
    """未办结、答复期限届满日已过的申请，最早到期的在前。"""
    found = list_overdue(session=session, agency_id=agency_id, today=today or today_in_china())
    return [ApplicationLine.of_summary(s) for s in found]


@router.get("/due-soon", summary="即将到期的申请", response_model=list[ApplicationLine])
def list_due_soon_applications(
    agency_id: AgencyId,
    session: SessionDep,
    calendar: CalendarDep,
    working_days: Annotated[int, Query(ge=0, le=60, description="今日之后多少个工作日内到期")] = 5,
    today: Today = None,
) -> list[ApplicationLine]:
    """今日起若干个工作日内到期的未办结申请；答复期限暂定（日历未知）而可能在此期间到期的也列出。"""
    found = list_due_within(
        session=session, agency_id=agency_id, today=today or today_in_china(), working_days=working_days,
        calendar=calendar,
    )
    return [ApplicationLine.of_summary(s) for s in found]


@router.get("/by-code/{code}", summary="按申请编号查找", response_model=ApplicationView)
def get_application_by_code(
    agency_id: AgencyId, session: SessionDep, code: Annotated[str, Path(max_length=20, description="如 2025-0012")]
) -> ApplicationView:
    """按“年度-序号”编号（如 2025-0012）查找本机关的申请。"""
    m = CODE.match(code)
    if m is None:
        raise NotFound("申请", code)
    app = find_application(session=session, agency_id=agency_id, year=int(m.group(1)), seq=int(m.group(2)))
    return application_view(app)


@router.post("", summary="登记申请", response_model=ApplicationView, status_code=status.HTTP_201_CREATED)
def register_application(
    agency_id: AgencyId, body: ApplicationCreate, session: SessionDep, calendar: CalendarDep, actor: CurrentActor
) -> ApplicationView:
    """登记一件申请（条例第二十九条）。收到申请之日按提交方式确定（第三十一条），并计算答复期限。
    申请人的个人信息加密保存，返回时已遮蔽。"""
    data = ApplicationIn.model_validate({**body.model_dump(), "actor": actor.name})
    app = create_application(session=session, agency_id=agency_id, data=data, calendar=calendar)
    return application_view(app)


@router.get("/{application_id}", summary="申请详情", response_model=ApplicationView)
def get_application_detail(agency_id: AgencyId, application_id: ApplicationId, session: SessionDep) -> ApplicationView:
    """申请及其全部事件。个人信息只以遮蔽形式返回。"""
    return application_view(get_application(session=session, agency_id=agency_id, application_id=application_id))


@router.post(
    "/{application_id}/events", summary="记录事件", response_model=ApplicationView,
    status_code=status.HTTP_201_CREATED, responses=CONFLICT_RESPONSE,
)
def record_event(
    agency_id: AgencyId, application_id: ApplicationId, body: EventCreate, session: SessionDep,
    calendar: CalendarDep, actor: CurrentActor,
) -> ApplicationView:
    """记录补正告知、补正到达、征求意见、延期、收费通知、缴费或答复；答复期限随之重新计算。
    给出 expected_version 时，若申请已被他人修改则返回 409，什么也不保存。"""
    data = EventIn.model_validate({**body.model_dump(exclude={"expected_version"}), "actor": actor.name})
    app = add_event(
        session=session, agency_id=agency_id, application_id=application_id, data=data, calendar=calendar,
        expected_version=body.expected_version,
    )
    return application_view(app)


@router.post(
    "/{application_id}/close", summary="办结申请", response_model=ApplicationView, responses=CONFLICT_RESPONSE,
)
def close_agency_application(
    agency_id: AgencyId, application_id: ApplicationId, body: CloseCreate, session: SessionDep,
    calendar: CalendarDep, actor: CurrentActor,
) -> ApplicationView:
    """以表三的一个办理结果办结（记录答复事件）。"""
    app = close_application(
        session=session, agency_id=agency_id, application_id=application_id, outcome=body.outcome,
        closed_on=body.closed_on, actor=actor.name, note=body.note, calendar=calendar,
        expected_version=body.expected_version,
    )
    return application_view(app)


@router.get("/{application_id}/deadline", summary="答复期限说明", response_model=ApplicationDeadlineOut)
def explain_application_deadline(
    agency_id: AgencyId, application_id: ApplicationId, session: SessionDep, calendar: CalendarDep
) -> ApplicationDeadlineOut:
    """逐段列出答复期限的计算：计算的工作日、不计算的期间、重新起算、延长，以及各段的法律依据（条例第三十条至第三十四条）。"""
    app = get_application(session=session, agency_id=agency_id, application_id=application_id)
    explained = reply_deadline(session=session, agency_id=agency_id, application_id=application_id, calendar=calendar)
    message = None if explained is not None else f"{app.received_on.year}年工作日历未知：无法计算答复期限，请管理员载入该年度节假日安排"
    return ApplicationDeadlineOut(
        application_id=app.id, number=app.number, code=app.code, state=app.deadline.state,
        state_label=app.deadline.state.label, due_on=app.deadline.due_on,
        explanation=None if explained is None else DeadlineOut.of(explained), message=message,
    )
