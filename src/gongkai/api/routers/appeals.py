"""``/api/agencies/{agency_id}/appeals``: 行政复议 and 行政诉讼 about disclosure decisions (table 四)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from gongkai.api.deps import AGENCY, AgencyId, CurrentActor, RowId, SessionDep
from gongkai.api.errors import ERROR_RESPONSES
from gongkai.api.schemas import AppealCreate, AppealDecision
from gongkai.api.views import AppealOut
from gongkai.ledger import decide_appeal, list_appeals, record_appeal
from gongkai.ledger.schemas import AppealIn

router = APIRouter(
    prefix="/api/agencies/{agency_id}/appeals", tags=["复议诉讼"], responses=ERROR_RESPONSES, dependencies=AGENCY
)


@router.get("", summary="复议诉讼案件", response_model=list[AppealOut])
def list_agency_appeals(
    agency_id: AgencyId, session: SessionDep,
    year: Annotated[int | None, Query(ge=2000, le=2200, description="只列该年度表四所计的案件")] = None,
) -> list[AppealOut]:
    """本机关的案件；给出年度时，为该年度表四所计的案件（年末前提起、年内审结或尚未审结）。"""
    return [AppealOut.of(a) for a in list_appeals(session=session, agency_id=agency_id, year=year)]


@router.post("", summary="登记复议诉讼案件", response_model=AppealOut, status_code=status.HTTP_201_CREATED)
def record_agency_appeal(agency_id: AgencyId, body: AppealCreate, session: SessionDep, actor: CurrentActor) -> AppealOut:
    """登记一件行政复议或行政诉讼案件，可关联所涉申请。"""
    data = AppealIn.model_validate({**body.model_dump(), "actor": actor.name})
    return AppealOut.of(record_appeal(session=session, agency_id=agency_id, data=data))


@router.post("/{appeal_id}/decision", summary="记录审结结果", response_model=AppealOut)
def decide_agency_appeal(agency_id: AgencyId, appeal_id: RowId, body: AppealDecision, session: SessionDep) -> AppealOut:
    """记录案件的结果（维持、纠正、其他）和审结日期。"""
    found = decide_appeal(session=session, agency_id=agency_id, appeal_id=appeal_id, outcome=body.outcome,
                          decided_on=body.decided_on)
    return AppealOut.of(found)
