"""ORM rows of the annual report's narrative drafts and its publications.

* ``report_drafts`` — the six sections' text as the office edits it, one row per agency and year, with a
  ``version`` for optimistic locking: two people editing the same year cannot overwrite each other unseen.
* ``report_publications`` — a published version of the year's report: the stored report (``stored_reports``)
  it froze, version 1, 2, … per agency and year, who published it and when, and for a correction (更正) the
  reason and the version it supersedes.

A publication is a record of what the office made public: it is never changed or deleted, and neither is the
stored report it points at. The database refuses a second version with the same number; the mapper events at
the end of this module refuse any UPDATE or DELETE of either row through the ORM, so no code path of the
application can alter a published version, whatever it does with its session.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from gongkai.store.errors import ConflictError
from gongkai.store.orm import Base, StoredReportRow, utcnow


class ReportDraftRow(Base):
    """The narrative of an agency's report for a year, as last saved: ``sections`` maps section key → text."""

    __tablename__ = "report_drafts"
    __table_args__ = (
        UniqueConstraint("agency_id", "year"),
        CheckConstraint("version > 0", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int] = mapped_column(Integer)
    sections: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ReportPublicationRow(Base):
    """One published version of an agency's annual report for a year. Version 1 is the first publication;
    each later version is a correction (更正) with its reason, superseding the version before it."""

    __tablename__ = "report_publications"
    __table_args__ = (
        UniqueConstraint("agency_id", "year", "version"),
        UniqueConstraint("stored_report_id"),
        CheckConstraint(
            "(version = 1 AND reason IS NULL AND supersedes_id IS NULL)"
            " OR (version > 1 AND reason IS NOT NULL AND supersedes_id IS NOT NULL)",
            name="correction_has_reason",
        ),
        Index("ix_report_publications_year", "year", "agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    stored_report_id: Mapped[int] = mapped_column(ForeignKey("stored_reports.id"))
    published_on: Mapped[date] = mapped_column(Date)  # the day in China, printed in the report
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)  # why a correction was published
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("report_publications.id"))


class PublishedReportLocked(ConflictError):
    """Something tried to change a published version (or the stored report it froze): a 409, like any change
    refused because the record is no longer what the writer thought it was."""

    def __init__(self, year: int | None = None) -> None:
        super().__init__("年度报告")
        which = f"{year}年度报告" if year is not None else "年度报告"
        self.args = (f"{which}已发布，已发布的版本不能修改或删除；如需更正，请由负责人发布更正版本",)


def _refuse(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    raise PublishedReportLocked()


def _refuse_if_published(mapper: Mapper[Any], connection: Connection, target: StoredReportRow) -> None:
    published = connection.execute(
        select(ReportPublicationRow.id).where(ReportPublicationRow.stored_report_id == target.id).limit(1)
    ).first()
    if published is not None:
        raise PublishedReportLocked()


event.listen(ReportPublicationRow, "before_update", _refuse)
event.listen(ReportPublicationRow, "before_delete", _refuse)
event.listen(StoredReportRow, "before_update", _refuse_if_published)
event.listen(StoredReportRow, "before_delete", _refuse_if_published)


__all__ = ["PublishedReportLocked", "ReportDraftRow", "ReportPublicationRow"]
