"""Pages: the annual report of an agency (``/desk/{agency_id}/reports/…``).

The three statistical tables are built live from the ledger and printed in the template's layout (the renderers'
:mod:`gongkai.render.layout`, so every label is the statutory one); each cell links to the records behind it and
carries the findings of the rules that name it. Beside them, the editor of the six sections, the preview (the
HTML renderer's page), the exports, and publication: only the head (负责人) signs the report off; a published
version is locked and a correction (更正) publishes the next version, the earlier ones staying viewable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from gongkai.accounts.roles import Role, User
from gongkai.api.deps import CHINA, CalendarDep, SessionDep, today_in_china
from gongkai.api.responses import file_response
from gongkai.ledger.domain import Agency
from gongkai.ledger.publication import (
    MAX_REASON_LENGTH,
    MAX_SECTION_LENGTH,
    ReportDraft,
    correct_report,
    draft_findings,
    draft_report,
    load_draft,
    publications,
    publish_report,
    published_findings,
    published_report,
    report_years,
    save_draft,
    traced_applications,
)
from gongkai.model.report import SECTION_HEADINGS, Report, SectionKey
from gongkai.model.templates import T3_2021, cell_spec
from gongkai.render import renderer
from gongkai.render.html import render_html
from gongkai.render.layout import TABLE_NUMBERS, LayoutCell, TableLayout, cell_text, table_layout
from gongkai.rules import Finding, Severity
from gongkai.store.audit import record
from gongkai.store.errors import ConflictError, InvalidRecord, NotFound
from gongkai.store.orm_audit import AuditAction
from gongkai.store.orm_reports import PublishedReportLocked
from gongkai.web.security import StaffAgency, flash, require_roles, verify_csrf
from gongkai.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])

ReportYear = Annotated[int, Path(ge=2000, le=2200)]
VersionQuery = Annotated[int | None, Query(ge=1, le=10000)]
EXPORT_FORMATS = ("docx", "html", "pdf")
EXPORT_LABELS = {"docx": "Word（DOCX）", "html": "网页（HTML）", "pdf": "PDF"}
SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
SEVERITY_BADGES = {Severity.ERROR: "overdue", Severity.WARNING: "soon", Severity.INFO: "info"}
PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
T3_CELLS = frozenset(T3_2021.cell_id(row, col) for row in T3_2021.rows for col in row.columns)


# ---------------------------------------------------------------- what the templates print


@dataclass(frozen=True)
class ShownFinding:
    """A finding numbered on the page (anchor ``f{n}``), with the labels of the cells it names."""

    n: int
    finding: Finding
    cell_labels: tuple[str, ...]

    @property
    def severity(self) -> str:
        return SEVERITY_LABELS[self.finding.severity]

    @property
    def badge(self) -> str:
        return SEVERITY_BADGES[self.finding.severity]


@dataclass(frozen=True)
class ShownCell:
    """A printed cell of a statutory table: its layout, what to print, the findings that name it."""

    layout: LayoutCell
    text: str
    findings: tuple[ShownFinding, ...]

    @property
    def tag(self) -> str:
        return "td" if self.layout.role.value in ("value", "note") else "th"

    @property
    def scope(self) -> str:
        role = self.layout.role.value
        return {"item": "rowgroup", "colgroup": "colgroup", "col": "col", "rowgroup": "rowgroup", "row": "row"}.get(
            role, ""
        )

    @property
    def severity(self) -> str:
        """The worst finding on the cell ("error", "warning", "info"), or ""."""
        for level in (Severity.ERROR, Severity.WARNING, Severity.INFO):
            if any(f.finding.severity is level for f in self.findings):
                return level.value
        return ""

    @property
    def label(self) -> str:
        return cell_spec(self.layout.cell_id).label if self.layout.cell_id else ""

    @property
    def described_by(self) -> str:
        return " ".join(f"f{f.n}" for f in self.findings)


@dataclass(frozen=True)
class ShownTable:
    layout: TableLayout
    header: tuple[tuple[ShownCell, ...], ...]
    body: tuple[tuple[ShownCell, ...], ...]
    findings: tuple[ShownFinding, ...]  # naming a cell of this table

    @property
    def title(self) -> str:
        return f"{TABLE_NUMBERS[self.layout.kind]}　{self.layout.caption}"


@dataclass(frozen=True)
class ReportView:
    report: Report
    tables: tuple[ShownTable, ...]
    findings: tuple[ShownFinding, ...]  # all, numbered
    general: tuple[ShownFinding, ...]  # naming no cell of a table shown

    def count(self, severity: str) -> int:
        return sum(f.finding.severity.value == severity for f in self.findings)


def report_view(report: Report, findings: Sequence[Finding]) -> ReportView:
    """The report's tables as printed, each cell with the findings naming it, and the findings numbered."""
    shown = tuple(
        ShownFinding(n, f, tuple(cell_label(c) for c in f.cells)) for n, f in enumerate(findings, start=1)
    )
    by_cell: dict[str, list[ShownFinding]] = {}
    for item in shown:
        for cell_id in item.finding.cells:
            by_cell.setdefault(cell_id, []).append(item)
    tables: list[ShownTable] = []
    placed: set[int] = set()
    for table in report.tables:
        layout = table_layout(table)
        rows = tuple(
            tuple(
                ShownCell(c, cell_text(c.cell) if c.cell_id else c.text, tuple(by_cell.get(c.cell_id, ())))
                for c in row
            )
            for row in layout.rows()
        )
        ids = {c.cell_id for c in layout.cells if c.cell_id}
        # A finding is listed once, under the first table it names a cell of; markers elsewhere link there.
        own = tuple(f for f in shown if f.n not in placed and ids.intersection(f.finding.cells))
        placed.update(f.n for f in own)
        tables.append(ShownTable(layout, rows[: layout.header_rows], rows[layout.header_rows :], own))
    general = tuple(f for f in shown if f.n not in placed)
    return ReportView(report, tuple(tables), shown, general)


def cell_label(cell_id: str) -> str:
    try:
        return cell_spec(cell_id).label
    except KeyError:
        return cell_id


def section_fields(texts: Mapping[SectionKey, str]) -> list[dict[str, str]]:
    """The editor's six fields: form name, statutory heading, text."""
    return [{"name": f"section_{key.value}", "key": key.value, "heading": SECTION_HEADINGS[key],
             "text": texts.get(key, "")} for key in SectionKey]


def _texts_of(draft: ReportDraft | Report) -> dict[SectionKey, str]:
    if isinstance(draft, ReportDraft):
        return {key: draft.text(key) for key in SectionKey}
    return {key: (s.text if (s := draft.section(key)) is not None else "") for key in SectionKey}


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _submitted_texts(form: Mapping[str, str]) -> tuple[dict[SectionKey, str], dict[str, str]]:
    texts = {key: form.get(f"section_{key.value}", "") for key in SectionKey}
    errors = {
        f"section_{key.value}": f"「{SECTION_HEADINGS[key]}」不能超过 {MAX_SECTION_LENGTH} 字（现有 {len(text)} 字）"
        for key, text in texts.items()
        if len(text) > MAX_SECTION_LENGTH
    }
    return texts, errors


def _version_field(form: Mapping[str, str], name: str) -> int:
    try:
        return int(form.get(name, ""))
    except ValueError as exc:
        raise InvalidRecord("表单缺少版本号，请刷新页面后重试") from exc


def _base(agency_id: int, year: int | None = None) -> str:
    return f"/desk/{agency_id}/reports/" + (f"{year}" if year is not None else "")


def china_time(moment: datetime | None) -> datetime | None:
    """A stored UTC timestamp as Beijing time, for display."""
    return None if moment is None else moment.replace(tzinfo=UTC).astimezone(CHINA).replace(tzinfo=None)


def user_of(request: Request) -> User:
    user: User = request.state.user
    return user


# ---------------------------------------------------------------- pages


@router.get("/desk/{agency_id}/reports/")
def report_index(
    request: Request, agency: StaffAgency, session: SessionDep, year: Annotated[int | None, Query(ge=2000, le=2200)] = None
) -> Response:
    if year is not None:  # the "open another year" form
        return RedirectResponse(_base(agency.id, year), status_code=303)
    today = today_in_china()
    years = report_years(session=session, agency_id=agency.id, today=today)
    return render(request, "reports/index.html", {"agency": agency, "years": years, "this_year": today.year})


def _year_page(
    request: Request,
    session: SessionDep,
    calendar: CalendarDep,
    agency: Agency,
    year: int,
    *,
    texts: Mapping[SectionKey, str] | None = None,
    errors: Mapping[str, str] | None = None,
    conflict: str = "",
    draft_version: int | None = None,
    publish_error: str = "",
    status_code: int = 200,
) -> Response:
    versions = publications(session=session, agency_id=agency.id, year=year)
    context: dict[str, Any] = {
        "agency": agency, "year": year, "versions": versions, "formats": EXPORT_FORMATS,
        "format_labels": EXPORT_LABELS, "base": _base(agency.id, year), "max_section": MAX_SECTION_LENGTH,
        "errors": dict(errors or {}), "conflict": conflict, "publish_error": publish_error,
        "may_publish": user_of(request).has(Role.HEAD),
    }
    if versions:
        shown = published_report(session=session, agency_id=agency.id, year=year)
        findings = published_findings(session=session, agency_id=agency.id, report=shown.report)
        live = draft_report(session=session, agency_id=agency.id, year=year, calendar=calendar)
        published_numbers, live_numbers = shown.report.numbers(), live.numbers()
        changed = [
            cell_label(cid) for cid in live_numbers if published_numbers.get(cid) != live_numbers[cid]
        ]
        context.update(view=report_view(shown.report, findings), publication=shown.publication, changed=changed,
                       links=False)
        return render(request, "reports/published.html", context, status_code=status_code)
    report = draft_report(session=session, agency_id=agency.id, year=year, calendar=calendar)
    findings = draft_findings(session=session, agency_id=agency.id, report=report)
    draft = load_draft(session=session, agency_id=agency.id, year=year, generated=report)
    saved = _texts_of(draft)
    shown_texts = dict(texts) if texts is not None else saved
    context.update(
        view=report_view(report, findings), draft=draft, links=True,
        fields=section_fields(shown_texts), saved_texts={k.value: v for k, v in saved.items()},
        draft_version=draft.version if draft_version is None else draft_version,
        draft_saved_at=china_time(draft.updated_at),
    )
    return render(request, "reports/year.html", context, status_code=status_code)


@router.get("/desk/{agency_id}/reports/{year}")
def report_year(
    request: Request, agency: StaffAgency, year: ReportYear, session: SessionDep, calendar: CalendarDep
) -> Response:
    return _year_page(request, session, calendar, agency, year)


@router.post("/desk/{agency_id}/reports/{year}/narrative")
async def save_narrative(
    request: Request, agency: StaffAgency, year: ReportYear, session: SessionDep, calendar: CalendarDep
) -> Response:
    form = await _form(request)
    texts, errors = _submitted_texts(form)
    expected = _version_field(form, "version")
    if errors:
        return _year_page(request, session, calendar, agency, year, texts=texts, errors=errors,
                          draft_version=expected, status_code=422)
    try:
        saved = save_draft(session=session, agency_id=agency.id, year=year, texts=texts, expected_version=expected,
                           updated_by=user_of(request).actor)
    except PublishedReportLocked:
        raise  # published meanwhile: a 409 page saying the year is locked
    except ConflictError as exc:
        # Someone saved since this editor was opened: keep what was typed, show what is saved now, save nothing.
        return _year_page(request, session, calendar, agency, year, texts=texts, conflict=str(exc),
                          draft_version=expected, status_code=409)
    flash(request, f"年度报告正文已保存（第{saved.version}次保存）")
    return RedirectResponse(f"{_base(agency.id, year)}#narrative", status_code=303)


@router.post("/desk/{agency_id}/reports/{year}/publish", dependencies=[Depends(require_roles(Role.HEAD))])
async def publish(
    request: Request, agency: StaffAgency, year: ReportYear, session: SessionDep, calendar: CalendarDep
) -> Response:
    form = await _form(request)
    expected = _version_field(form, "draft_version")
    if form.get("confirm") != "yes":
        return _year_page(request, session, calendar, agency, year, status_code=422,
                          publish_error="请勾选“已核对报告内容，同意发布”后再发布")
    published = publish_report(session=session, agency_id=agency.id, year=year, published_by=user_of(request).actor,
                               on=today_in_china(), calendar=calendar, expected_draft_version=expected)
    flash(request, f"{year}年度报告已发布（第{published.version}版），已锁定，不能再修改")
    return RedirectResponse(_base(agency.id, year), status_code=303)


def _correction_page(
    request: Request, agency: Agency, year: int, session: SessionDep, *, texts: Mapping[SectionKey, str] | None = None,
    reason: str = "", errors: Mapping[str, str] | None = None, expected: int | None = None, status_code: int = 200,
) -> Response:
    latest = published_report(session=session, agency_id=agency.id, year=year)
    return render(
        request,
        "reports/correct.html",
        {
            "agency": agency, "year": year, "publication": latest.publication, "base": _base(agency.id, year),
            "fields": section_fields(texts if texts is not None else _texts_of(latest.report)),
            "reason": reason, "errors": dict(errors or {}), "max_reason": MAX_REASON_LENGTH,
            "expected": latest.publication.version if expected is None else expected,
        },
        status_code=status_code,
    )


@router.get("/desk/{agency_id}/reports/{year}/correct", dependencies=[Depends(require_roles(Role.HEAD))])
def correction_form(request: Request, agency: StaffAgency, year: ReportYear, session: SessionDep) -> Response:
    return _correction_page(request, agency, year, session)


@router.post("/desk/{agency_id}/reports/{year}/correct", dependencies=[Depends(require_roles(Role.HEAD))])
async def correct(
    request: Request, agency: StaffAgency, year: ReportYear, session: SessionDep, calendar: CalendarDep
) -> Response:
    form = await _form(request)
    texts, errors = _submitted_texts(form)
    reason = form.get("reason", "").strip()
    expected = _version_field(form, "expected_version")
    if not reason:
        errors["reason"] = "请写明更正原因（将随更正版本一并公布）"
    elif len(reason) > MAX_REASON_LENGTH:
        errors["reason"] = f"更正原因不能超过 {MAX_REASON_LENGTH} 字"
    if errors:
        return _correction_page(request, agency, year, session, texts=texts, reason=reason, errors=errors,
                                expected=expected, status_code=422)
    published = correct_report(session=session, agency_id=agency.id, year=year, reason=reason, texts=texts,
                               expected_version=expected, published_by=user_of(request).actor, on=today_in_china(),
                               calendar=calendar)
    flash(request, f"{year}年度报告更正已发布（第{published.version}版）；此前各版本仍可查看")
    return RedirectResponse(_base(agency.id, year), status_code=303)


@router.get("/desk/{agency_id}/reports/{year}/cells/{cell_id}")
def cell_trace(
    request: Request, agency: StaffAgency, year: ReportYear, session: SessionDep, calendar: CalendarDep,
    cell_id: Annotated[str, Path(max_length=80)],
) -> Response:
    report = draft_report(session=session, agency_id=agency.id, year=year, calendar=calendar)
    cell = report.cell(cell_id)
    if cell is None:
        raise NotFound("报表单元格", cell_id)
    findings = [f for f in draft_findings(session=session, agency_id=agency.id, report=report) if cell_id in f.cells]
    traced = (
        traced_applications(session=session, agency_id=agency.id, year=year, cell_id=cell_id)
        if cell_id in T3_CELLS else None
    )
    return render(request, "reports/trace.html", {
        "agency": agency, "year": year, "cell": cell, "label": cell_label(cell_id), "text": cell_text(cell),
        "traced": traced, "findings": report_view(report, findings).findings, "base": _base(agency.id, year),
    })


@router.get("/desk/{agency_id}/reports/{year}/versions/{version}")
def report_version(
    request: Request, agency: StaffAgency, year: ReportYear, version: Annotated[int, Path(ge=1, le=10000)],
    session: SessionDep,
) -> Response:
    shown = published_report(session=session, agency_id=agency.id, year=year, version=version)
    findings = published_findings(session=session, agency_id=agency.id, report=shown.report)
    return render(request, "reports/version.html", {
        "agency": agency, "year": year, "publication": shown.publication, "view": report_view(shown.report, findings),
        "versions": publications(session=session, agency_id=agency.id, year=year), "base": _base(agency.id, year),
        "formats": EXPORT_FORMATS, "format_labels": EXPORT_LABELS, "links": False, "back": _base(agency.id, year),
        "version_base": f"{_base(agency.id, year)}/versions",
    })


def chosen_report(
    session: SessionDep, calendar: CalendarDep, agency_id: int, year: int, version: int | None, *, drafts: bool
) -> Report:
    """A published version (``version``; None: the latest); for staff (``drafts``) a year not yet published
    gives the draft as it stands."""
    if version is None and drafts and not publications(session=session, agency_id=agency_id, year=year):
        return draft_report(session=session, agency_id=agency_id, year=year, calendar=calendar)
    return published_report(session=session, agency_id=agency_id, year=year, version=version).report


def preview_response(report: Report) -> Response:
    """The whole report as the HTML renderer prints it (a standalone page with its own print stylesheet).

    The renderer's page carries its stylesheet inline (it is a file meant to stand alone), which the site's
    policy forbids; this answer gets its own policy: inline style, nothing else — it has no script at all."""
    return HTMLResponse(render_html(report).decode("utf-8"), headers={"Content-Security-Policy": PREVIEW_POLICY})


def export_response(report: Report, fmt: str, year: int) -> Response:
    if fmt not in EXPORT_FORMATS:
        raise NotFound("导出格式", fmt)
    chosen = renderer(fmt)
    data = chosen(report)  # PDF without LibreOffice: LibreOfficeMissing, a 503 page saying what to install
    return file_response(data, chosen.media_type, f"{report.meta.title or year}{chosen.extension}")


@router.get("/desk/{agency_id}/reports/{year}/preview")
def preview(
    agency: StaffAgency, year: ReportYear, session: SessionDep, calendar: CalendarDep, version: VersionQuery = None
) -> Response:
    return preview_response(chosen_report(session, calendar, agency.id, year, version, drafts=True))


@router.get("/desk/{agency_id}/reports/{year}/export/{fmt}")
def export(
    request: Request, agency: StaffAgency, year: ReportYear, fmt: Annotated[str, Path(max_length=10)],
    session: SessionDep, calendar: CalendarDep, version: VersionQuery = None,
) -> Response:
    response = export_response(chosen_report(session, calendar, agency.id, year, version, drafts=True), fmt, year)
    which = f"第{version}版" if version is not None else "最新"
    record(session, actor=user_of(request).actor, action=AuditAction.EXPORT, entity="stored_reports",
           agency_id=agency.id, note=f"导出{year}年度报告（{which}，{fmt}）")
    return response


__all__ = ["cell_label", "chosen_report", "export_response", "preview_response", "report_view", "router"]
