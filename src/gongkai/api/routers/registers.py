"""``/api/agencies/{agency_id}/registers``: the registers behind table 二 — documents (规章, 行政规范性文件) and
the yearly figures — entered one by one or imported from CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, UploadFile, status

from gongkai.api.deps import AGENCY, AgencyId, SessionDep, SettingsDep
from gongkai.api.errors import ERROR_RESPONSES
from gongkai.api.schemas import RegisterDocumentCreate, Repeal, TallyCreate
from gongkai.api.views import ErrorOut, ImportResultOut, RegisterDocumentOut, TallyOut
from gongkai.ledger import (
    add_document,
    import_registers_csv,
    list_documents,
    repeal_document,
    set_tally,
    tallies,
)
from gongkai.ledger.schemas import RegisterDocumentIn, TallyIn
from gongkai.store.vocab import RegisterDocumentKind

router = APIRouter(
    prefix="/api/agencies/{agency_id}/registers", tags=["登记"], responses=ERROR_RESPONSES, dependencies=AGENCY
)
DocumentId = Annotated[int, Path(ge=1, le=2**31 - 1, description="文件编号")]


@router.get("/documents", summary="文件登记", response_model=list[RegisterDocumentOut])
def list_register_documents(
    agency_id: AgencyId, session: SessionDep, kind: Annotated[RegisterDocumentKind | None, Query()] = None
) -> list[RegisterDocumentOut]:
    """本机关的规章和行政规范性文件（表二第（一）项），按制发日期排列。"""
    return [RegisterDocumentOut.of(d) for d in list_documents(session=session, agency_id=agency_id, kind=kind)]


@router.post("/documents", summary="登记文件", response_model=RegisterDocumentOut, status_code=status.HTTP_201_CREATED)
def add_register_document(agency_id: AgencyId, body: RegisterDocumentCreate, session: SessionDep) -> RegisterDocumentOut:
    """登记一件规章或行政规范性文件。"""
    data = RegisterDocumentIn.model_validate(body.model_dump())
    return RegisterDocumentOut.of(add_document(session=session, agency_id=agency_id, data=data))


@router.post("/documents/{document_id}/repeal", summary="登记废止", response_model=RegisterDocumentOut)
def repeal_register_document(
    agency_id: AgencyId, document_id: DocumentId, body: Repeal, session: SessionDep
) -> RegisterDocumentOut:
    """记录文件的废止日期。"""
    found = repeal_document(session=session, agency_id=agency_id, document_id=document_id, repealed_on=body.repealed_on)
    return RegisterDocumentOut.of(found)


@router.get("/tallies/{year}", summary="年度数据", response_model=list[TallyOut])
def list_register_tallies(
    agency_id: AgencyId, session: SessionDep, year: Annotated[int, Path(ge=2000, le=2200)]
) -> list[TallyOut]:
    """该年度已录入的行政许可、行政处罚、行政强制决定数量和行政事业性收费金额；未录入的不列出（空白不等于 0）。"""
    return [TallyOut.of(t) for t in tallies(session=session, agency_id=agency_id, year=year).values()]


@router.put("/tallies", summary="录入年度数据", response_model=TallyOut)
def put_register_tally(agency_id: AgencyId, body: TallyCreate, session: SessionDep) -> TallyOut:
    """录入（或替换）一项年度数据：行政事业性收费填金额（万元），其他填数量。"""
    data = TallyIn.model_validate(body.model_dump())
    return TallyOut.of(set_tally(session=session, agency_id=agency_id, data=data))


@router.post(
    "/import", summary="导入 CSV", response_model=ImportResultOut,
    responses={413: {"model": ErrorOut, "description": "文件超过上限"}},
)
def import_register_csv(agency_id: AgencyId, file: UploadFile, session: SessionDep, settings: SettingsDep) -> ImportResultOut:
    """导入一个 CSV 文件（文件登记或年度数据，按表头识别）。有一行错误则整个文件不导入，并指出行号和列名。"""
    data = file.file.read(settings.api_max_upload + 1)
    if len(data) > settings.api_max_upload:
        raise HTTPException(status_code=413, detail=f"文件超过 {settings.api_max_upload // 1024} KiB 的上限")
    name = (file.filename or "CSV")[:200]
    result = import_registers_csv(session=session, agency_id=agency_id, name=name, data=data)
    return ImportResultOut.of(result)
