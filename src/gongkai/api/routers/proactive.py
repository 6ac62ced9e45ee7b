"""``/api/agencies/{agency_id}/proactive``: 主动公开 items, their review chain (承办人 → 保密审查 → 领导签发) and
publication."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from gongkai.api.deps import AGENCY, AgencyId, CalendarDep, CurrentActor, RowId, SessionDep
from gongkai.api.errors import CONFLICT_RESPONSE, ERROR_RESPONSES
from gongkai.api.schemas import ProactiveItemCreate, PublicationCreate, ReviewStepCreate
from gongkai.api.views import ProactiveItemOut
from gongkai.ledger import add_review_step, create_item, list_items, publish_item
from gongkai.ledger.schemas import ProactiveItemIn, PublicationIn, ReviewStepIn

router = APIRouter(
    prefix="/api/agencies/{agency_id}/proactive", tags=["主动公开"], responses=ERROR_RESPONSES, dependencies=AGENCY
)


@router.get("", summary="主动公开事项", response_model=list[ProactiveItemOut])
def list_proactive_items(
    agency_id: AgencyId, session: SessionDep, calendar: CalendarDep,
    year: Annotated[int | None, Query(ge=2000, le=2200, description="只列该年度公开的事项")] = None,
) -> list[ProactiveItemOut]:
    """事项及其审查记录、公开渠道，以及是否在形成之日起20个工作日内公开（第二十六条）。"""
    items = list_items(session=session, agency_id=agency_id, year=year, calendar=calendar)
    return [ProactiveItemOut.of(i) for i in items]


@router.post("", summary="登记主动公开事项", response_model=ProactiveItemOut, status_code=status.HTTP_201_CREATED)
def create_proactive_item(
    agency_id: AgencyId, body: ProactiveItemCreate, session: SessionDep, calendar: CalendarDep, actor: CurrentActor
) -> ProactiveItemOut:
    """登记一条待公开的信息（第二十条的类别、形成之日）。"""
    data = ProactiveItemIn.model_validate({**body.model_dump(), "actor": actor.name})
    return ProactiveItemOut.of(create_item(session=session, agency_id=agency_id, data=data, calendar=calendar))


@router.post("/{item_id}/review", summary="记录审查意见", response_model=ProactiveItemOut, responses=CONFLICT_RESPONSE)
def review_proactive_item(
    agency_id: AgencyId, item_id: RowId, body: ReviewStepCreate, session: SessionDep, calendar: CalendarDep,
    actor: CurrentActor,
) -> ProactiveItemOut:
    """按 承办人拟稿 → 保密审查 → 领导签发 的顺序记录一步审查（先审查、后公开，一事一审）。审查人默认为当前用户。"""
    data = ReviewStepIn(
        step=body.step, reviewer=body.reviewer or actor.name, decided_at=body.decided_at, decision=body.decision,
        comment=body.comment,
    )
    item = add_review_step(session=session, agency_id=agency_id, item_id=item_id, data=data, calendar=calendar,
                           expected_version=body.expected_version)
    return ProactiveItemOut.of(item)


@router.post("/{item_id}/publication", summary="记录公开", response_model=ProactiveItemOut, responses=CONFLICT_RESPONSE)
def publish_proactive_item(
    agency_id: AgencyId, item_id: RowId, body: PublicationCreate, session: SessionDep, calendar: CalendarDep
) -> ProactiveItemOut:
    """记录在一个或多个渠道公开；须已完成全部审查，且公开日期不早于领导签发。"""
    data = PublicationIn(published_on=body.published_on, channels=body.channels, url=body.url)
    item = publish_item(session=session, agency_id=agency_id, item_id=item_id, data=data, calendar=calendar,
                        expected_version=body.expected_version)
    return ProactiveItemOut.of(item)
