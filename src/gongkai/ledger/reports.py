"""Stored versions of annual reports per (agency, year): generated from the ledger, or imported (a published
report read with :func:`gongkai.readers.read`), kept as ``Report.to_dict()`` JSON.

Which one is “last year's report” for continuity: the newest *imported* version when there is one — the
imported report is what was published — else the newest generated version.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongkai.ledger import mapping
from gongkai.ledger.common import agency_row
from gongkai.ledger.domain import StoredReport
from gongkai.model.report import Report
from gongkai.store.errors import InvalidRecord, NotFound
from gongkai.store.orm import StoredReportRow
from gongkai.store.vocab import ReportOrigin


def store_report(
    *,
    session: Session,
    agency_id: int,
    report: Report,
    origin: ReportOrigin,
    created_by: str,
    source_name: str | None = None,
    note: str | None = None,
) -> StoredReport:
    agency_row(session, agency_id)
    if report.meta.year is None:
        raise InvalidRecord("报告未写明年度，无法保存")
    row = StoredReportRow(
        agency_id=agency_id,
        year=report.meta.year,
        origin=origin,
        payload=report.to_dict(),
        source_name=source_name or report.source or None,
        note=note,
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return mapping.stored_report(row)


def report_versions(*, session: Session, agency_id: int, year: int | None = None) -> list[StoredReport]:
    stmt = select(StoredReportRow).where(StoredReportRow.agency_id == agency_id)
    if year is not None:
        stmt = stmt.where(StoredReportRow.year == year)
    return [mapping.stored_report(r) for r in session.scalars(stmt.order_by(StoredReportRow.year, StoredReportRow.id))]


def load_report(*, session: Session, agency_id: int, version_id: int) -> Report:
    row = session.scalars(
        select(StoredReportRow).where(StoredReportRow.id == version_id, StoredReportRow.agency_id == agency_id)
    ).one_or_none()
    if row is None:
        raise NotFound("报告版本", version_id)
    return Report.from_dict(row.payload)


def latest_report(
    *, session: Session, agency_id: int, year: int, origin: ReportOrigin | None = None
) -> Report | None:
    """The newest stored version of the year (of ``origin``; without it, imported preferred over generated)."""
    origins = [origin] if origin is not None else [ReportOrigin.IMPORTED, ReportOrigin.GENERATED]
    for wanted in origins:
        row = session.scalars(
            select(StoredReportRow)
            .where(StoredReportRow.agency_id == agency_id, StoredReportRow.year == year, StoredReportRow.origin == wanted)
            .order_by(StoredReportRow.id.desc())
            .limit(1)
        ).first()
        if row is not None:
            return Report.from_dict(row.payload)
    return None
