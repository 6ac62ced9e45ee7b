"""``/api/agencies/{agency_id}/reports``: the annual report built from the ledger — its cells and draft text, the
findings of every rule, the file in any renderer's format, and the applications behind a table-三 cell."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response, status

from gongkai.api.deps import AGENCY, AgencyId, CalendarDep, CurrentActor, SessionDep
from gongkai.api.errors import ERROR_RESPONSES
from gongkai.api.responses import file_response
from gongkai.api.views import ErrorOut, FindingOut, ReportOut, StoredReportOut, TraceOut
from gongkai.ledger import (
    build_report,
    check_built_report,
    report_versions,
    store_report,
    trace_cell,
)
from gongkai.model.templates import T3_2021
from gongkai.render import RENDERERS, renderer
from gongkai.store.errors import NotFound
from gongkai.store.vocab import ReportOrigin

router = APIRouter(
    prefix="/api/agencies/{agency_id}/reports", tags=["年度报告"], responses=ERROR_RESPONSES, dependencies=AGENCY
)
ReportYear = Annotated[int, Path(ge=2000, le=2200, description="报告年度")]
ExportFormat = Literal["docx", "html", "md", "xlsx", "pdf", "tsv", "wordlines", "json"]
T3_CELLS = frozenset(T3_2021.cell_id(row, col) for row in T3_2021.rows for col in row.columns)


@router.get("/versions", summary="已保存的报告版本", response_model=list[StoredReportOut])
def list_report_versions(
    agency_id: AgencyId, session: SessionDep, year: Annotated[int | None, Query(ge=2000, le=2200)] = None
) -> list[StoredReportOut]:
    """本机关保存的年度报告版本（由台账生成或导入）。"""
    return [StoredReportOut.of(v) for v in report_versions(session=session, agency_id=agency_id, year=year)]


@router.get("/{year}", summary="由台账生成年度报告", response_model=ReportOut)
def build_agency_report(agency_id: AgencyId, year: ReportYear, session: SessionDep, calendar: CalendarDep) -> ReportOut:
    """按 2021 年格式由台账生成年度报告：每个单元格的数值及其来源、正文初稿，以及全部规则的检查结果（含与上年报告的衔接）。"""
    report = build_report(session=session, agency_id=agency_id, year=year, calendar=calendar)
    findings = check_built_report(session=session, agency_id=agency_id, report=report)
    return ReportOut.of(report, findings)


@router.get("/{year}/findings", summary="检查年度报告", response_model=list[FindingOut])
def check_agency_report(
    agency_id: AgencyId, year: ReportYear, session: SessionDep, calendar: CalendarDep
) -> list[FindingOut]:
    """由台账生成的年度报告的检查结果：勾稽关系、空白、模板、结构、跨年衔接、正文与表格是否一致。"""
    report = build_report(session=session, agency_id=agency_id, year=year, calendar=calendar)
    return [FindingOut.of(f) for f in check_built_report(session=session, agency_id=agency_id, report=report)]


@router.get(
    "/{year}/export", summary="导出年度报告", response_class=Response,
    responses={
        200: {
            "description": "报告文件",
            "content": {r.media_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}} for r in RENDERERS.values()},
        },
        503: {"model": ErrorOut, "description": "服务器未安装该格式所需的软件（PDF 需要 LibreOffice）"},
    },
)
def export_agency_report(
    agency_id: AgencyId, year: ReportYear, session: SessionDep, calendar: CalendarDep,
    format: Annotated[ExportFormat, Query(description="docx、html、md、xlsx、pdf、tsv、wordlines、json")] = "docx",
) -> Response:
    """按法定格式生成报告文件，以相应的媒体类型返回（如 Word 文档、Excel 工作簿）。"""
    report = build_report(session=session, agency_id=agency_id, year=year, calendar=calendar)
    chosen = renderer(format)
    name = f"{report.meta.title or year}{chosen.extension}"
    return file_response(chosen(report), chosen.media_type, name)


@router.get("/{year}/cells/{cell_id}/trace", summary="追溯单元格", response_model=TraceOut)
def trace_report_cell(
    agency_id: AgencyId, year: ReportYear, session: SessionDep,
    cell_id: Annotated[str, Path(max_length=80, description="表三单元格编号，如 t3.granted.natural_person")],
) -> TraceOut:
    """表三某个单元格计入的全部申请的编号。"""
    if cell_id not in T3_CELLS:
        raise NotFound("表三单元格", cell_id)
    codes = trace_cell(session=session, agency_id=agency_id, year=year, cell_id=cell_id)
    return TraceOut(year=year, cell_id=cell_id, applications=codes)


@router.post("/{year}/versions", summary="保存报告版本", response_model=StoredReportOut, status_code=status.HTTP_201_CREATED)
def store_report_version(
    agency_id: AgencyId, year: ReportYear, session: SessionDep, calendar: CalendarDep, actor: CurrentActor
) -> StoredReportOut:
    """由台账生成该年度报告并保存为一个版本（下一年度检查跨年衔接时使用）。"""
    report = build_report(session=session, agency_id=agency_id, year=year, calendar=calendar)
    stored = store_report(session=session, agency_id=agency_id, report=report, origin=ReportOrigin.GENERATED,
                          created_by=actor.name)
    return StoredReportOut.of(stored)
