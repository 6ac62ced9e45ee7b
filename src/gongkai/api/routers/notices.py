"""Statutory notices of an application (受理回执, 补正告知书 … 答复书) and the templates the agency uses.

A notice names the applicant: it is the one answer of the API that holds decrypted personal data, because it is
the document sent to the applicant. Its record (number, template, date, who) holds none.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from gongkai.api.deps import (
    AGENCY,
    AgencyDep,
    AgencyId,
    ApplicationId,
    CalendarDep,
    CurrentActor,
    RowId,
    SessionDep,
    SettingsDep,
    today_in_china,
)
from gongkai.api.errors import ERROR_RESPONSES
from gongkai.api.responses import DOCX, binary, file_response
from gongkai.api.schemas import NoticeCreate
from gongkai.api.views import NoticeOut, NoticeTemplateOut
from gongkai.notices import SPECS, TemplateLibrary, issue_notice, list_notices, notice_document
from gongkai.store.errors import NotFound

router = APIRouter(
    prefix="/api/agencies/{agency_id}", tags=["文书"], responses=ERROR_RESPONSES, dependencies=AGENCY
)


@router.get("/notice-templates", summary="本机关使用的文书模板", response_model=list[NoticeTemplateOut])
def list_notice_templates(agency: AgencyDep, settings: SettingsDep) -> list[NoticeTemplateOut]:
    """每种文书使用的模板：本机关目录中的文件（替换随软件发布的模板），或随软件发布的模板。"""
    library = TemplateLibrary(settings.notice_templates, agency.id, agency.name)
    return [NoticeTemplateOut.of(t) for t in library.listing()]


@router.get(
    "/notice-templates/{key}", summary="下载文书模板", response_class=Response,
    responses=binary(DOCX, "模板（DOCX），可修改后放入本机关的模板目录"),
)
def download_notice_template(
    agency: AgencyDep, settings: SettingsDep, key: Annotated[str, Path(max_length=60, description="模板编号，如 correction")]
) -> Response:
    """下载本机关当前使用的模板，修改后放回本机关的模板目录即可替换。"""
    spec = SPECS.get(key)
    if spec is None:
        raise NotFound("文书模板", key)
    template = TemplateLibrary(settings.notice_templates, agency.id, agency.name).template(spec)
    return file_response(template.data, DOCX, spec.filename)


@router.post(
    "/applications/{application_id}/notices", summary="出具文书", response_model=NoticeOut,
    status_code=status.HTTP_201_CREATED,
)
def issue_application_notice(
    agency_id: AgencyId, application_id: ApplicationId, body: NoticeCreate, session: SessionDep,
    settings: SettingsDep, calendar: CalendarDep, actor: CurrentActor,
) -> NoticeOut:
    """按本机关的模板生成文书并编号（如 吴村〔2025〕补正第3号），记录出具人和日期。文件用“下载文书”取得。"""
    issued = issue_notice(
        session=session, agency_id=agency_id, application_id=application_id, kind=body.kind,
        issued_on=body.issued_on or today_in_china(), actor=actor.name, outcome=body.outcome, fields=body.fields,
        templates_root=settings.notice_templates, calendar=calendar,
    )
    return NoticeOut.of(issued.notice)


@router.get("/applications/{application_id}/notices", summary="申请的文书", response_model=list[NoticeOut])
def list_application_notices(agency_id: AgencyId, application_id: ApplicationId, session: SessionDep) -> list[NoticeOut]:
    """已为该申请出具的文书，按出具先后排列。"""
    return [NoticeOut.of(n) for n in list_notices(session=session, agency_id=agency_id, application_id=application_id)]


@router.get(
    "/applications/{application_id}/notices/{notice_id}/document", summary="下载文书", response_class=Response,
    responses=binary(DOCX, "出具时的文书（DOCX），含申请人的真实信息"),
)
def download_notice(agency_id: AgencyId, application_id: ApplicationId, notice_id: RowId, session: SessionDep) -> Response:
    """出具时的文书原件（送达申请人的文书，含申请人的真实姓名）。"""
    issued = notice_document(session=session, agency_id=agency_id, application_id=application_id, notice_id=notice_id)
    return file_response(issued.document, DOCX, issued.notice.filename)
