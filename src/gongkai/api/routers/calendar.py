"""``/api/agencies/{agency_id}/calendar``: the what-if deadline calculator for clerks and the public — the same
parameters as ``gongkai deadline calc``, counted under the agency's own rules."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from gongkai.api.deps import AGENCY, AgencyDep, CalendarDep
from gongkai.api.errors import ERROR_RESPONSES
from gongkai.api.views import DeadlineOut
from gongkai.desk.deadline import calc_deadline
from gongkai.desk.model import DeadlineInputError

router = APIRouter(
    prefix="/api/agencies/{agency_id}/calendar", tags=["答复期限试算"], responses=ERROR_RESPONSES, dependencies=AGENCY
)


def parse_pause(text: str) -> tuple[date, date]:
    """``2025-10-09:2025-10-20`` → the two dates (the end not before the start)."""
    start, sep, end = text.partition(":")
    try:
        a, b = date.fromisoformat(start.strip()), date.fromisoformat(end.strip())
    except ValueError:
        a = b = None  # type: ignore[assignment]
    if not sep or a is None or b is None:
        raise DeadlineInputError(f"征求意见期间“{text}”应写作 起始日:结束日（如 2025-10-09:2025-10-20）")
    if b < a:
        raise DeadlineInputError(f"征求意见期间“{text}”的结束日早于起始日")
    return a, b


@router.get("/deadline-calc", summary="答复期限试算", response_model=DeadlineOut)
def calculate_deadline(
    agency: AgencyDep,
    calendar: CalendarDep,
    received: Annotated[date, Query(description="收到申请之日（按提交方式：提交、签收或确认之日）")],
    channel: Annotated[str | None, Query(max_length=20, description="提交方式：当面、邮寄、平信、网络、传真、电子邮件")] = None,
    corrected: Annotated[date | None, Query(description="收到补正的申请之日（第三十条，重新起算）")] = None,
    pause: Annotated[
        list[str] | None, Query(max_length=20, description="征求第三方或其他机关意见的期间 起始日:结束日，可重复")
    ] = None,
    extend: Annotated[bool, Query(description="经批准延长20个工作日（第三十三条第二款）")] = False,
    approver: Annotated[str | None, Query(max_length=100, description="批准延长的政府信息公开工作机构负责人")] = None,
) -> DeadlineOut:
    """不登记申请，试算答复期限，逐段列出计算过程和法律依据；按本机关的配置（电子邮件申请的收到之日等）计算。"""
    pauses = [parse_pause(p) for p in pause or []]
    result = calc_deadline(received, channel, corrected, pauses, extend, calendar, approver=approver,
                           rules=agency.deadline_rules)
    return DeadlineOut.of(result)
