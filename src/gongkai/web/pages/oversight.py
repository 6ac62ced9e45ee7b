"""Pages: the oversight office (``/oversight/…``) — the supervised agencies' published annual reports, who has not
published a year's report (or published it after the date of 第四十九条), the findings by agency, and every
published version of an agency's report, read-only.

Open to the 监督 role for the agencies it supervises (``user.supervised``) and to the system administrator for
all; an agency outside that set does not exist here (404). Oversight sees published versions only: a draft is
the office's own working copy.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from gongkai.accounts.roles import Role, User
from gongkai.api.deps import CalendarDep, SessionDep, SettingsDep, today_in_china
from gongkai.ledger.publication import (
    oversight_overview,
    publication_status,
    publications,
    published_findings,
    published_report,
)
from gongkai.web.pages.reports import (
    EXPORT_FORMATS,
    EXPORT_LABELS,
    cell_label,
    chosen_report,
    export_response,
    preview_response,
    report_view,
    user_of,
)
from gongkai.web.security import ReadableAgency, require_roles, verify_csrf
from gongkai.web.templating import render

router = APIRouter(
    include_in_schema=False,
    dependencies=[Depends(verify_csrf), Depends(require_roles(Role.OVERSIGHT, Role.SYSTEM_ADMIN))],
)

YearQuery = Annotated[int | None, Query(ge=2000, le=2200)]
ReportYear = Annotated[int, Path(ge=2000, le=2200)]
VersionQuery = Annotated[int | None, Query(ge=1, le=10000)]
HISTORY_YEARS = 3  # years shown side by side on the overview


def supervised(user: User) -> Collection[int] | None:
    """The agencies the user oversees; None = every agency (the system administrator)."""
    return None if user.has(Role.SYSTEM_ADMIN) else user.supervised


def _year(year: int | None) -> int:
    # The report due now is last year's (第四十九条: published early in the following year).
    return year if year is not None else today_in_china().year - 1


def _agency_base(agency_id: int, year: int) -> str:
    return f"/oversight/agencies/{agency_id}/{year}"


@router.get("/oversight/")
def overview(request: Request, session: SessionDep, settings: SettingsDep, year: YearQuery = None) -> Response:
    chosen = _year(year)
    today = today_in_china()
    scope = supervised(user_of(request))
    dates = settings.report_due_dates()
    statuses = publication_status(session=session, year=chosen, agency_ids=scope, dates=dates)
    history = oversight_overview(
        session=session, years=range(chosen - HISTORY_YEARS + 1, chosen + 1), agency_ids=scope, dates=dates
    )
    return render(request, "oversight/index.html", {
        "year": chosen, "today": today, "statuses": statuses, "history": history,
        "missing": [s for s in statuses if not s.published],
        "late": [s for s in statuses if s.late],
        "years": list(range(chosen - HISTORY_YEARS + 1, chosen + 1)),
        "choices": list(range(today.year, 2018, -1)), "here": "overview",
    })


@router.get("/oversight/findings")
def findings_by_agency(
    request: Request, session: SessionDep, settings: SettingsDep, year: YearQuery = None
) -> Response:
    chosen = _year(year)
    statuses = publication_status(
        session=session, year=chosen, agency_ids=supervised(user_of(request)), dates=settings.report_due_dates()
    )
    return render(request, "oversight/findings.html", {
        "year": chosen, "statuses": statuses, "choices": list(range(today_in_china().year, 2018, -1)),
        "here": "findings", "cell_label": cell_label,
    })


def _version_page(request: Request, agency: ReadableAgency, year: int, version: int | None, session: SessionDep) -> Response:
    shown = published_report(session=session, agency_id=agency.id, year=year, version=version)
    findings = published_findings(session=session, agency_id=agency.id, report=shown.report)
    base = _agency_base(agency.id, year)
    return render(request, "reports/version.html", {
        "agency": agency, "year": year, "publication": shown.publication, "view": report_view(shown.report, findings),
        "versions": publications(session=session, agency_id=agency.id, year=year), "base": base,
        "formats": EXPORT_FORMATS, "format_labels": EXPORT_LABELS, "links": False,
        "back": f"/oversight/?year={year}", "version_base": f"{base}/versions",
    })


@router.get("/oversight/agencies/{agency_id}/{year}")
def agency_report(request: Request, agency: ReadableAgency, year: ReportYear, session: SessionDep) -> Response:
    return _version_page(request, agency, year, None, session)


@router.get("/oversight/agencies/{agency_id}/{year}/versions/{version}")
def agency_report_version(
    request: Request, agency: ReadableAgency, year: ReportYear, version: Annotated[int, Path(ge=1, le=10000)],
    session: SessionDep,
) -> Response:
    return _version_page(request, agency, year, version, session)


@router.get("/oversight/agencies/{agency_id}/{year}/preview")
def agency_preview(
    agency: ReadableAgency, year: ReportYear, session: SessionDep, calendar: CalendarDep, version: VersionQuery = None
) -> Response:
    return preview_response(chosen_report(session, calendar, agency.id, year, version, drafts=False))


@router.get("/oversight/agencies/{agency_id}/{year}/export/{fmt}")
def agency_export(
    agency: ReadableAgency, year: ReportYear, fmt: Annotated[str, Path(max_length=10)], session: SessionDep,
    calendar: CalendarDep, version: VersionQuery = None,
) -> Response:
    return export_response(chosen_report(session, calendar, agency.id, year, version, drafts=False), fmt, year)


__all__ = ["router", "supervised"]
