"""ORM rows of oversight and research at scale: reports imported in bulk from files, with their cells, sections
and findings, the register of supervised agencies and its region hierarchy, and the human review of findings.

Registered on the ledger's own :class:`~gongkai.store.orm.Base` metadata, so Alembic sees them with the rest.

* The supervised agencies (``oversight_agencies``) are a register of their own, identified by the normalised
  name printed in their reports (:func:`gongkai.ledger.agencies.normalise_name`). Most supervised agencies
  never use the desk, so they are not ledger agencies; when one is (the same normalised name),
  ``ledger_agency_id`` links the two, and the link is made when the supervised agency is first seen.
* A source file is stored once per content (SHA-256): importing the same bytes again, under any name, is a
  no-op. A file that could not be read is kept too, with its one-line error, so a re-run does not retry it.
* An imported report is a version of the report of one agency and year: a changed file for the same agency
  and year becomes version 2, which ``supersedes`` version 1; ``current`` marks the newest version.
* Cells, sections and findings are children of their report version, written with Core bulk inserts (they are
  not audited row by row: the import is the record of where they came from). A finding carries a fingerprint
  (rule, cells, agency, year) under which its human review is kept, so a review survives re-imports.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from gongkai.store.orm import Base, _in, utcnow

REGION_LEVELS = ("province", "city", "county", "township")  # 省, 市, 县, 乡镇
SOURCE_STATUSES = ("imported", "failed")
VALUE_KINDS = ("number", "blank", "na", "text", "missing")
FINDING_KINDS = ("identity", "blank", "value", "template", "structure", "meta", "cross_year", "text_table")
SEVERITIES = ("error", "warning", "info")
REVIEW_DECISIONS = ("confirmed", "dismissed")
CELL_VALUE = Numeric(24, 6)  # counts and 万元 amounts with up to six printed decimals


class RegionRow(Base):
    """One place of the region hierarchy 省 › 市 › 县 › 乡镇, loaded from CSV (``gongkai regions load``)."""

    __tablename__ = "oversight_regions"
    __table_args__ = (
        CheckConstraint(_in("level", REGION_LEVELS), name="level"),
        Index("ix_oversight_regions_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("oversight_regions.id"))
    level: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(String(500), unique=True)  # 浙江省/杭州市/青溪县: the full path, one spelling


class SupervisedAgencyRow(Base):
    """An agency whose annual reports are imported, under its normalised name."""

    __tablename__ = "oversight_agencies"
    __table_args__ = (Index("ix_oversight_agencies_region", "region_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # as first printed
    normalized_name: Mapped[str] = mapped_column(String(200), unique=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("oversight_regions.id"))
    department: Mapped[str | None] = mapped_column(String(100))  # 部门 column of the regions CSV (教育, 市场监管 …)
    ledger_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SourceFileRow(Base):
    """One file content seen by the import, read or not."""

    __tablename__ = "oversight_source_files"
    __table_args__ = (CheckConstraint(_in("status", SOURCE_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(1000))  # path as given, ``archive.zip!/member`` for ZIP members
    size: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str | None] = mapped_column(String(20))  # the sniffed format, None when not even that worked
    status: Mapped[str] = mapped_column(String(10))
    error: Mapped[str | None] = mapped_column(Text)  # one line, naming the file and the place
    first_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ImportedReportRow(Base):
    """One version of the annual report of an agency for a year, as read from one source file."""

    __tablename__ = "oversight_reports"
    __table_args__ = (
        UniqueConstraint("agency_id", "year", "version"),
        CheckConstraint("version > 0", name="version_positive"),
        Index("ix_oversight_reports_year_current", "year", "current", "agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("oversight_agencies.id"))
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("oversight_reports.id"))
    source_file_id: Mapped[int] = mapped_column(ForeignKey("oversight_source_files.id"), unique=True)
    printed_agency: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    reader: Mapped[str] = mapped_column(String(40))
    t2_template: Mapped[str | None] = mapped_column(String(10))
    t3_template: Mapped[str | None] = mapped_column(String(10))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ImportedCellRow(Base):
    """One statutory table cell of an imported report, under its id of ``spec/cells.json``."""

    __tablename__ = "oversight_cells"
    __table_args__ = (
        CheckConstraint(_in("kind", VALUE_KINDS), name="kind"),
        Index("ix_oversight_cells_cell", "cell_id", "report_id"),
    )

    report_id: Mapped[int] = mapped_column(ForeignKey("oversight_reports.id"), primary_key=True)
    cell_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[Decimal | None] = mapped_column(CELL_VALUE)  # set only when kind is number: a blank is no 0
    raw: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON)


class ImportedSectionRow(Base):
    """One of the six statutory sections of an imported report: its key, heading as printed and text."""

    __tablename__ = "oversight_sections"

    report_id: Mapped[int] = mapped_column(ForeignKey("oversight_reports.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)


class ImportedFindingRow(Base):
    """One finding of the rules on an imported report."""

    __tablename__ = "oversight_findings"
    __table_args__ = (
        CheckConstraint(_in("kind", FINDING_KINDS), name="kind"),
        CheckConstraint(_in("severity", SEVERITIES), name="severity"),
        Index("ix_oversight_findings_fingerprint", "fingerprint"),
        Index("ix_oversight_findings_rule", "rule", "severity"),
    )

    report_id: Mapped[int] = mapped_column(ForeignKey("oversight_reports.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    rule: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    cells: Mapped[list[str]] = mapped_column(JSON)
    printed: Mapped[Decimal | None] = mapped_column(CELL_VALUE)
    computed: Mapped[Decimal | None] = mapped_column(CELL_VALUE)
    location: Mapped[str] = mapped_column(String(200), default="")  # where in the source (第12行 …)
    fingerprint: Mapped[str] = mapped_column(String(64))
    # A cross-report finding compared with exactly one other report (copied text): that report.
    other_report_id: Mapped[int | None] = mapped_column(ForeignKey("oversight_reports.id"))


class FindingReviewRow(Base):
    """A person's verdict on a finding, kept under the finding's fingerprint so that it outlives re-imports."""

    __tablename__ = "oversight_finding_reviews"
    __table_args__ = (
        CheckConstraint(_in("decision", REVIEW_DECISIONS), name="decision"),
        Index("ix_oversight_finding_reviews_agency", "agency_id", "year"),
    )

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule: Mapped[str] = mapped_column(String(10))
    agency_id: Mapped[int] = mapped_column(ForeignKey("oversight_agencies.id"))
    year: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(100))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


__all__ = [
    "FINDING_KINDS",
    "REGION_LEVELS",
    "REVIEW_DECISIONS",
    "SEVERITIES",
    "SOURCE_STATUSES",
    "VALUE_KINDS",
    "FindingReviewRow",
    "ImportedCellRow",
    "ImportedFindingRow",
    "ImportedReportRow",
    "ImportedSectionRow",
    "RegionRow",
    "SourceFileRow",
    "SupervisedAgencyRow",
]
