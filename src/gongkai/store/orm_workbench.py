"""ORM rows of the staff workbench: requests to extend the reply period, filed by a clerk and decided by the
office's head (条例 第三十三条第二款: an extension "应当经政府信息公开工作机构负责人同意").

The request is kept apart from the application's event log because the log holds what the clock counts: only an
*approved* request becomes an EXTENSION event (with the head as approver). A refused request stays here, so the
file shows who asked, why, and who refused. The row is a child of its application through the composite key
``(application_id, agency_id)`` like every child of the ledger; ``version`` guards against two heads deciding the
same request at once.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

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
)
from sqlalchemy.orm import Mapped, mapped_column

from gongkai.store.orm import Base, enum_type, utcnow


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return {"pending": "待负责人审批", "approved": "负责人已同意", "refused": "负责人不同意"}[self.value]


class ExtensionRequestRow(Base):
    """One request to extend an application's reply period, and the head's decision on it."""

    __tablename__ = "extension_requests"
    __table_args__ = (
        ForeignKeyConstraint(["application_id", "agency_id"], ["applications.id", "applications.agency_id"]),
        CheckConstraint("days >= 1 AND days <= 20", name="extension_days"),
        CheckConstraint(
            "(status = 'pending' AND decided_by IS NULL AND decided_on IS NULL)"
            " OR (status <> 'pending' AND decided_by IS NOT NULL AND decided_on IS NOT NULL)",
            name="decided_with_decider",
        ),
        Index("ix_extension_requests_agency_status", "agency_id", "status", "id"),
        Index("ix_extension_requests_application", "application_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    application_id: Mapped[int] = mapped_column(Integer)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    requested_on: Mapped[date] = mapped_column(Date)
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[ExtensionStatus] = mapped_column(enum_type(ExtensionStatus, 12))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("application_events.id"))  # the EXTENSION recorded
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy reads it once, at mapping)


__all__ = ["ExtensionRequestRow", "ExtensionStatus"]
