"""``/api/agencies/{agency_id}``: the agency itself (its numbering abbreviation and deadline rules)."""

from __future__ import annotations

from fastapi import APIRouter

from gongkai.api.deps import AGENCY, AgencyDep
from gongkai.api.errors import ERROR_RESPONSES
from gongkai.api.views import AgencyOut

router = APIRouter(
    prefix="/api/agencies/{agency_id}", tags=["机关"], responses=ERROR_RESPONSES, dependencies=AGENCY
)


@router.get("", summary="机关信息", response_model=AgencyOut)
def get_agency_info(agency: AgencyDep) -> AgencyOut:
    """机关名称、类别、编号用的简称，以及本机关对法规未明确事项的配置（电子邮件申请的收到之日、等待缴费期间是否计入答复期限）。"""
    return AgencyOut.of(agency)
