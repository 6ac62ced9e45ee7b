"""Pages: research over the imported reports (``/research/…``) — the store of reports brought in by ``gongkai import``
(:mod:`gongkai.oversight`), not the reports the desk's agencies publish (those are ``/oversight/…``).

* ``/research/`` — the store at a glance: reports per year, agencies, findings by severity, who of the register
  has no current report for a year.
* ``/research/reports`` and ``/research/reports/{id}`` — imported report versions; one version's three tables in
  the template's layout, each cell with where it was read (file, line, grid row and column, page), the findings on
  their cells and the other versions of the agency and year.
* ``/research/findings`` and ``/research/findings/{fingerprint}`` — findings by agency, rule and severity, each
  with its review (确认 or 驳回 with a comment), kept under the finding's fingerprint across re-imports; copied-text
  findings show the shared passages side by side.
* ``/research/metrics`` — the metric dictionary, aggregates by region level, rankings, SVG bar and line charts;
  every figure links to the reports and cells behind it, a figure that cannot be computed says why.
* ``/research/export`` — CSV, XLSX, JSON Lines or Parquet of cells or metrics, long or wide, as a download.

Open to the 监督 role and the system administrator (403 for everyone else). Read-only except the reviews: the
imported store is the oversight office's research material as a whole, not any one agency's records.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, RedirectResponse
from starlette.background import BackgroundTask
from starlette.responses import Response

from gongkai.accounts.roles import Role
from gongkai.api.deps import SessionDep
from gongkai.model.templates import cell_spec
from gongkai.oversight.analytics import (
    LEVEL_NAMES,
    AnalyticsError,
    Grouping,
    aggregate,
    find_region,
    rank,
    report_metrics,
)
from gongkai.oversight.charts import Bar, Series, bar_chart, line_chart, ranking_chart, trend_chart
from gongkai.oversight.export import Dataset, ExportError, ExportFormat, export
from gongkai.oversight.metrics import DICTIONARY, METRICS, Unit
from gongkai.oversight.reviews import ReviewDecision, review_finding
from gongkai.oversight.views import (
    COPIED_RULES,
    FindingEntry,
    find_agencies,
    finding_rules,
    findings,
    findings_of,
    imported_report,
    imported_reports,
    other_report,
    regions,
    registered_agency,
    report_years,
    shared_passages,
    store_overview,
)
from gongkai.store.orm_oversight import REGION_LEVELS
from gongkai.web.pages.reports import cell_label, report_view, user_of
from gongkai.web.security import flash, require_roles, verify_csrf
from gongkai.web.templating import render

router = APIRouter(
    include_in_schema=False,
    dependencies=[Depends(verify_csrf), Depends(require_roles(Role.OVERSIGHT, Role.SYSTEM_ADMIN))],
)

YearQuery = Annotated[int | None, Query(ge=1990, le=2200)]
PageQuery = Annotated[int, Query(ge=1, le=100_000)]
TextQuery = Annotated[str, Query(max_length=200)]
Fingerprint = Annotated[str, Path(min_length=64, max_length=64, pattern="^[0-9a-f]{64}$")]
REPORTS_PER_PAGE = 50
FINDINGS_PER_PAGE = 30
UNCOMPUTABLE_SHOWN = 50
MAX_COMMENT = 2000
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
DECISION_CHOICES = (("confirmed", "确认（问题属实）"), ("dismissed", "驳回（问题不成立）"))
REVIEW_FILTERS = (("none", "未审核"), ("confirmed", "已确认"), ("dismissed", "已驳回"))
EXPORT_MEDIA = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.JSONL: "application/x-ndjson",
    ExportFormat.PARQUET: "application/vnd.apache.parquet",
}
EXPORT_FORMAT_LABELS = {ExportFormat.CSV: "CSV（UTF-8，Excel 可直接打开）", ExportFormat.XLSX: "Excel（XLSX）",
                        ExportFormat.JSONL: "JSON Lines", ExportFormat.PARQUET: "Parquet"}
DATASET_LABELS = {Dataset.CELLS: "统计表单元格", Dataset.METRICS: "指标"}
SHAPE_LABELS = {"long": "长表（每行一个单元格或指标）", "wide": "宽表（每行一个机关一个年度）"}


def _qs(**params: Any) -> str:
    """A query string of the non-empty parameters."""
    kept = {k: v for k, v in params.items() if v not in (None, "", False)}
    return ("?" + urlencode(kept)) if kept else ""


def _common(here: str) -> dict[str, Any]:
    return {"here": here, "severity_names": SEVERITY_NAMES, "cell_label": cell_label}


# ---------------------------------------------------------------- overview


@router.get("/research/")
def overview(request: Request, session: SessionDep) -> Response:
    return render(request, "research/index.html", {**_common("overview"), "store": store_overview(session=session)})


# ---------------------------------------------------------------- reports


@router.get("/research/reports")
def report_list(
    request: Request, session: SessionDep, year: YearQuery = None, region: TextQuery = "", agency: TextQuery = "",
    errors: Annotated[str, Query(max_length=3)] = "", page: PageQuery = 1,
) -> Response:
    problems: dict[str, str] = {}
    listing = None
    try:
        listing = imported_reports(session=session, year=year, region=region.strip() or None, agency=agency,
                                   with_errors=errors == "1", page=page, per_page=REPORTS_PER_PAGE)
    except AnalyticsError as exc:
        problems["region"] = str(exc)
    filters = {"year": year, "region": region.strip(), "agency": agency.strip(), "errors": errors == "1"}
    return render(request, "research/reports.html", {
        **_common("reports"), "listing": listing, "filters": filters, "errors": problems,
        "years": report_years(session=session), "regions": regions(session=session),
        "page_link": lambda p: "/research/reports" + _qs(**{**filters, "errors": "1" if filters["errors"] else ""},
                                                          page=p),
    }, status_code=422 if problems else 200)


@router.get("/research/reports/{report_id}")
def report_page(request: Request, session: SessionDep, report_id: Annotated[int, Path(ge=1)]) -> Response:
    detail = imported_report(session=session, report_id=report_id)
    view = report_view(detail.report, detail.rule_findings())
    copied = [(f.report_id, other) for f in detail.findings if (other := other_report(f)) is not None]
    return render(request, "research/report.html", {
        **_common("reports"), "detail": detail, "s": detail.summary, "view": view,
        "imported": {n: f for n, f in enumerate(detail.findings, start=1)},
        "passages": shared_passages(session=session, pairs=copied), "copied_rules": COPIED_RULES,
        "decisions": DECISION_CHOICES, "back": f"/research/reports/{report_id}",
        "cells": sorted((c for t in detail.report.tables for c in t.cells.values()), key=lambda c: c.id),
    })


# ---------------------------------------------------------------- findings and reviews


@router.get("/research/findings")
def finding_list(
    request: Request, session: SessionDep, year: YearQuery = None, agency: TextQuery = "",
    rule: Annotated[str, Query(max_length=10)] = "", severity: Annotated[str, Query(max_length=10)] = "",
    review: Annotated[str, Query(max_length=10)] = "", page: PageQuery = 1,
) -> Response:
    listing = findings(session=session, year=year, agency=agency, rule=rule or None,
                       severity=severity if severity in SEVERITY_NAMES else None,
                       review=review if review in dict(REVIEW_FILTERS) else None, page=page,
                       per_page=FINDINGS_PER_PAGE)
    filters = {"year": year, "agency": agency.strip(), "rule": rule, "severity": severity, "review": review}
    here = "/research/findings" + _qs(**filters, page=page)
    return render(request, "research/findings.html", {
        **_common("findings"), "listing": listing, "filters": filters, "years": report_years(session=session),
        "rules": finding_rules(session=session), "review_filters": REVIEW_FILTERS, "decisions": DECISION_CHOICES,
        "passages": _passages(session, listing.items), "back": here,
        "page_link": lambda p: "/research/findings" + _qs(**filters, page=p),
    })


def _passages(session: SessionDep, entries: tuple[FindingEntry, ...]) -> Mapping[tuple[int, int], Any]:
    pairs = [(e.finding.report_id, e.other_report_id) for e in entries if e.other_report_id is not None]
    return shared_passages(session=session, pairs=pairs)


def _finding_page(
    request: Request, session: SessionDep, fingerprint: str, *, values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None, back: str = "",
) -> Response:
    entries = findings_of(session=session, fingerprint=fingerprint)
    return render(request, "research/finding.html", {
        **_common("findings"), "entries": entries, "entry": entries[0], "decisions": DECISION_CHOICES,
        "passages": _passages(session, tuple(entries[:1])), "values": values or {}, "errors": errors or {},
        "back": back or f"/research/findings/{fingerprint}", "max_comment": MAX_COMMENT,
    }, status_code=422 if errors else 200)


def _safe_back(url: str, fallback: str) -> str:
    # Only back to a research page of this site: never an open redirect.
    return url if url.startswith("/research/") and not url.startswith("//") and "\\" not in url else fallback


@router.get("/research/findings/{fingerprint}")
def finding_page(request: Request, session: SessionDep, fingerprint: Fingerprint) -> Response:
    return _finding_page(request, session, fingerprint)


@router.post("/research/findings/{fingerprint}")
async def review(request: Request, session: SessionDep, fingerprint: Fingerprint) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    back = _safe_back(form.get("next", ""), f"/research/findings/{fingerprint}")
    comment = form.get("comment", "").strip()
    errors: dict[str, str] = {}
    if form.get("decision") not in {value for value, _ in DECISION_CHOICES}:
        errors["decision"] = "请选择“确认”或“驳回”"
    if len(comment) > MAX_COMMENT:
        errors["comment"] = f"审核意见不能超过 {MAX_COMMENT} 字（现有 {len(comment)} 字）"
    if form.get("decision") == "dismissed" and not comment:
        errors["comment"] = "驳回时请写明理由"
    if errors:
        return _finding_page(request, session, fingerprint, values=form, errors=errors, back=back)
    done = review_finding(session=session, fingerprint=fingerprint, decision=ReviewDecision(form["decision"]),
                          comment=comment, reviewer=user_of(request).actor)
    flash(request, f"已记录审核意见：{done.decision.label}")
    return RedirectResponse(back, status_code=303)


# ---------------------------------------------------------------- metrics


def _value_places(unit: Unit) -> int:
    return 0 if unit is Unit.PIECES else 2


@router.get("/research/metrics")
def metrics_page(
    request: Request, session: SessionDep, metric: Annotated[str, Query(max_length=60)] = "disclosure_rate",
    year: YearQuery = None, level: Annotated[str, Query(max_length=10)] = "county", region: TextQuery = "",
    agency: TextQuery = "", agency_id: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    problems: dict[str, str] = {}
    if metric not in METRICS:
        problems["metric"] = f"没有指标“{metric}”"
        metric = DICTIONARY[0].id
    if level not in REGION_LEVELS:
        problems["level"] = "请选择省、市、县或乡镇"
        level = "county"
    m = METRICS[metric]
    places = _value_places(m.unit)
    years = report_years(session=session)
    chosen_year = year if year is not None else (years[0] if years else None)
    scope: str | None = None
    if region.strip():
        try:
            scope = find_region(session=session, region=region.strip()).path
        except AnalyticsError as exc:
            problems["region"] = str(exc)
    chosen_agency = None
    candidates = []
    if agency_id is not None:
        chosen_agency = registered_agency(session=session, agency_id=agency_id)
    elif agency.strip():
        candidates = find_agencies(session=session, name=agency)
        if len(candidates) == 1:
            chosen_agency = candidates[0]
        elif not candidates:
            problems["agency"] = f"没有名称包含“{agency.strip()}”的机关"
    groups = aggregate(session=session, by=Grouping.REGION, level=level, metrics=[metric], year=chosen_year,
                       region=scope)
    total = aggregate(session=session, by=Grouping.TOTAL, metrics=[metric], year=chosen_year, region=scope)
    ranking = rank(session=session, metric=metric, n=10, year=chosen_year, region=scope)
    uncomputable: list[Any] = []
    uncomputable_count = 0
    for item in report_metrics(session=session, metrics=[metric], year=chosen_year, region=scope):
        if item.values[metric].value is None:
            uncomputable_count += 1
            if len(uncomputable) < UNCOMPUTABLE_SHOWN:
                uncomputable.append(item)
    where = f"{chosen_year}年度" if chosen_year is not None else "全部年度"
    region_chart = bar_chart(
        f"{m.name}（{where}，按{LEVEL_NAMES[level]}）", [Bar(g.label, g.values[metric].value.value) for g in groups],
        unit=m.unit.value, places=places, ident="regions",
    )
    trend_rows: list[Any] = []
    if chosen_agency is not None:
        trend_rows = list(report_metrics(session=session, metrics=[metric], agency_id=chosen_agency.id))
        trend_svg = line_chart(
            f"{m.name}（按年度）",
            [Series(chosen_agency.name, tuple((r.report.year, r.values[metric].value) for r in trend_rows))],
            unit=m.unit.value, places=places, ident="trend",
        )
        trend_name = chosen_agency.name
    else:
        trend_name = scope or "全部机关"
        trend_groups = aggregate(session=session, by=Grouping.YEAR, metrics=[metric], region=scope)
        trend_svg = trend_chart(metric, [(trend_name, trend_groups)], ident="trend")
        trend_rows = trend_groups
    filters = {"metric": metric, "year": chosen_year, "level": level, "region": scope or region.strip(),
               "agency": chosen_agency.name if chosen_agency else agency.strip()}
    return render(request, "research/metrics.html", {
        **_common("metrics"), "m": m, "dictionary": DICTIONARY, "filters": filters, "errors": problems,
        "years": years, "levels": [(k, v) for k, v in LEVEL_NAMES.items()], "regions": regions(session=session),
        "groups": groups, "total": total[0] if total else None, "ranking": ranking,
        "ranking_svg": ranking_chart(ranking, ident="ranking") if ranking.top else "",
        "region_svg": region_chart if groups else "", "trend_svg": trend_svg, "trend_rows": trend_rows,
        "trend_name": trend_name, "agency": chosen_agency, "candidates": candidates,
        "uncomputable": uncomputable, "uncomputable_count": uncomputable_count,
        "shown": lambda v: _shown(v, m.unit, places), "places": places,
        "report_link": lambda report_id: f"/research/reports/{report_id}",
        "list_link": lambda **p: "/research/reports" + _qs(**p),
        "cell_label": _label, "num": _num,
    }, status_code=422 if problems else 200)


def _shown(value: Decimal | None, unit: Unit, places: int) -> str:
    if value is None:
        return "无法计算"
    if unit is Unit.PERCENT:
        return f"{value:.{places}f}%"
    return f"{value:.{places}f}"


def _num(value: Decimal | None) -> str:
    """A summed part as printed: 90, 12.5 — never a trailing “.000000”; "—" when there is none."""
    if value is None:
        return "—"
    normal = value.normalize()
    return format(normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal, "f")


def _label(cell_id: str) -> str:
    try:
        return cell_spec(cell_id).label
    except KeyError:
        return cell_id


# ---------------------------------------------------------------- export


def _export_form(request: Request, session: SessionDep, values: Mapping[str, Any], errors: Mapping[str, str]) -> Response:
    return render(request, "research/export.html", {
        **_common("export"), "values": values, "errors": errors, "years": report_years(session=session),
        "regions": regions(session=session), "formats": EXPORT_FORMAT_LABELS, "datasets": DATASET_LABELS,
        "shapes": SHAPE_LABELS,
    }, status_code=422 if errors else 200)


@router.get("/research/export")
def export_form(request: Request, session: SessionDep) -> Response:
    return _export_form(request, session, {"format": "csv", "dataset": "metrics", "shape": "long"}, {})


@router.get("/research/export/file")
def export_file(
    request: Request, session: SessionDep, format: Annotated[str, Query(max_length=10)] = "csv",
    dataset: Annotated[str, Query(max_length=10)] = "metrics", shape: Annotated[str, Query(max_length=10)] = "long",
    year: YearQuery = None, region: TextQuery = "",
) -> Response:
    values = {"format": format, "dataset": dataset, "shape": shape, "year": year, "region": region.strip()}
    errors: dict[str, str] = {}
    if format not in {f.value for f in ExportFormat}:
        errors["format"] = "请选择文件格式"
    if dataset not in {d.value for d in Dataset}:
        errors["dataset"] = "请选择导出内容"
    if shape not in SHAPE_LABELS:
        errors["shape"] = "请选择长表或宽表"
    if errors:
        return _export_form(request, session, values, errors)
    to, chosen = ExportFormat(format), Dataset(dataset)
    folder = FilePath(tempfile.mkdtemp(prefix="gongkai-export-"))
    name = f"gongkai-{chosen.value}-{shape}-{year if year is not None else 'all'}.{to.value}"
    try:
        export(session=session, to=to, path=folder / name, dataset=chosen, wide=shape == "wide", year=year,
               region=region.strip() or None)
    except (AnalyticsError, ExportError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        errors["region" if isinstance(exc, AnalyticsError) else "format"] = str(exc)
        return _export_form(request, session, values, errors)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(folder / name, media_type=EXPORT_MEDIA[to], filename=name,
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))


__all__ = ["router"]
