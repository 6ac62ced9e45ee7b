"""ORM rows of the statutory notices (受理回执, 补正告知书, 答复书 …): the per-agency, per-year, per-series number
counters and the record of every notice issued.

Registered on the ledger's own :class:`~gongkai.store.orm.Base` metadata, so Alembic sees them with the rest.
A notice is a child of its application through the composite key ``(application_id, agency_id)``: the database
refuses a notice filed under another agency than its application. The issued document is kept, encrypted with
the applicants' key (it names the applicant), so a copy downloaded later is the document as it was issued —
not a new rendering from a template the office has since edited.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from gongkai.store.orm import Base, utcnow


class NoticeCounterRow(Base):
    """The last number given per agency, year and series (补正, 答复 …); bumped by one atomic UPDATE."""

    __tablename__ = "notice_counters"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class NoticeRow(Base):
    """One notice issued: which application, which template (and which file of it), number, date, by whom."""

    __tablename__ = "notices"
    __table_args__ = (
        ForeignKeyConstraint(["application_id", "agency_id"], ["applications.id", "applications.agency_id"]),
        UniqueConstraint("agency_id", "year", "series", "seq"),
        CheckConstraint("seq > 0", name="seq_positive"),
        Index("ix_notices_application", "application_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    application_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # receipt, correction, extension, third_party, fee, reply
    template: Mapped[str] = mapped_column(String(60))  # template key, e.g. reply-withheld.state_secret
    template_source: Mapped[str] = mapped_column(String(500))  # "shipped" or the office's file that was used
    template_sha256: Mapped[str] = mapped_column(String(64))
    series: Mapped[str] = mapped_column(String(20))  # 补正, 答复 …
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(100))  # 吴村〔2025〕补正第3号
    issued_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(40))  # replies: the table-三 row answered
    document: Mapped[str] = mapped_column(Text)  # Fernet token of the DOCX (base64), it names the applicant
    document_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


__all__ = ["NoticeCounterRow", "NoticeRow"]
