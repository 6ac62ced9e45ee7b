"""ORM rows of the ledger (SQLAlchemy 2, typed ``Mapped[...]``). Rows are storage only: the ledger maps them to
domain objects explicitly (:mod:`gongkai.ledger.mapping`) and never hands a row to a caller.

Every table carries ``agency_id``. A child row (event, review step, appeal …) points at its parent through a
composite foreign key ``(parent_id, agency_id)``, so the database itself refuses a child filed under another
agency than its parent. Personal fields of applicants hold Fernet tokens (:mod:`gongkai.store.crypto`).
Dates of law (received, due, closed …) are ``Date``; timestamps of record keeping are naive UTC ``DateTime``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gongkai.desk.fees import FeeMethod
from gongkai.desk.model import Channel, EmailRule
from gongkai.store.vocab import (
    OUTCOME_KEYS,
    AgencyKind,
    AppealKind,
    AppealOutcome,
    ApplicantType,
    DeadlineState,
    Delivery,
    EventKind,
    FormWanted,
    IdDocumentType,
    PublicationChannel,
    RegisterDocumentKind,
    ReportOrigin,
    ReviewDecision,
    ReviewStepKind,
    TallyItem,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
MONEY_YUAN = Numeric(12, 2)  # 信息处理费, 元
MONEY_WAN = Numeric(14, 4)  # 行政事业性收费, 万元 (4 decimals = 1 元)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def enum_type(cls: type[StrEnum], length: int, *, by_name: bool = False) -> Enum:
    """A VARCHAR holding the enum's value (or name, for enums whose values are Chinese labels), checked by a
    CHECK constraint on both backends."""
    return Enum(
        cls,
        name=cls.__name__.lower(),
        native_enum=False,
        create_constraint=True,
        length=length,
        validate_strings=True,
        values_callable=(lambda e: [m.name for m in e]) if by_name else (lambda e: [m.value for m in e]),
    )


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AgencyRow(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    normalized_name: Mapped[str] = mapped_column(String(200), unique=True)
    abbreviation: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[AgencyKind] = mapped_column(enum_type(AgencyKind, 24))
    region: Mapped[str | None] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    email_rule: Mapped[EmailRule] = mapped_column(enum_type(EmailRule, 24), default=EmailRule.SYSTEM_RECEIVED)
    exclude_fee_wait: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ApplicationCounterRow(Base):
    """The last application number given per agency and year (numbers are allocated by an atomic UPDATE)."""

    __tablename__ = "application_counters"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class ApplicationRow(Base):
    """One 依申请公开 application. ``outcome`` is exactly one table-三 result row once closed."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("agency_id", "number_year", "seq"),
        UniqueConstraint("id", "agency_id"),
        CheckConstraint("closed_on IS NULL OR closed_on >= received_on", name="closed_after_received"),
        CheckConstraint("(closed_on IS NULL AND outcome IS NULL) OR (closed_on IS NOT NULL AND outcome IS NOT NULL)",
                        name="closed_with_outcome"),
        CheckConstraint(_in("outcome", OUTCOME_KEYS), name="outcome_row"),
        CheckConstraint("seq > 0", name="seq_positive"),
        # One index serves every count of the annual report (a covering range scan on received_on).
        Index(
            "ix_applications_report",
            "agency_id", "received_on", "closed_on", "applicant_type", "outcome", "channel", "due_on",
        ),
        Index("ix_applications_open", "agency_id", "closed_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    number_year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    applicant_type: Mapped[ApplicantType] = mapped_column(enum_type(ApplicantType, 20))
    applicant_name: Mapped[str] = mapped_column(Text)  # Fernet token
    id_document_type: Mapped[IdDocumentType | None] = mapped_column(enum_type(IdDocumentType, 20))
    id_document: Mapped[str | None] = mapped_column(Text)  # Fernet token
    phone: Mapped[str | None] = mapped_column(Text)  # Fernet token
    email: Mapped[str | None] = mapped_column(Text)  # Fernet token
    address: Mapped[str | None] = mapped_column(Text)  # Fernet token
    applicant_digest: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[Channel | None] = mapped_column(enum_type(Channel, 20, by_name=True))
    handed_in: Mapped[date | None] = mapped_column(Date)
    signed_for: Mapped[date | None] = mapped_column(Date)
    arrived: Mapped[date | None] = mapped_column(Date)
    confirmed: Mapped[date | None] = mapped_column(Date)
    system_received: Mapped[date | None] = mapped_column(Date)
    given_received: Mapped[date | None] = mapped_column(Date)  # channel unknown: the received date as given
    received_on: Mapped[date] = mapped_column(Date)
    information: Mapped[str] = mapped_column(Text)
    form_wanted: Mapped[FormWanted | None] = mapped_column(enum_type(FormWanted, 20))
    delivery: Mapped[Delivery | None] = mapped_column(enum_type(Delivery, 20))
    deadline_state: Mapped[DeadlineState] = mapped_column(enum_type(DeadlineState, 24))
    due_on: Mapped[date | None] = mapped_column(Date)
    due_not_before: Mapped[date | None] = mapped_column(Date)  # provisional: a lower bound only
    calendar_fingerprint: Mapped[str | None] = mapped_column(String(64))
    deadline_computed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy reads it once, at mapping)


class ApplicationEventRow(Base):
    """One entry of an application's log. The columns used depend on ``kind`` (checked by the ledger)."""

    __tablename__ = "application_events"
    __table_args__ = (
        ForeignKeyConstraint(["application_id", "agency_id"], ["applications.id", "applications.agency_id"]),
        Index("ix_application_events_application", "application_id", "id"),
        CheckConstraint("days IS NULL OR (days >= 1 AND days <= 20)", name="extension_days"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_non_negative"),
        CheckConstraint(_in("outcome", OUTCOME_KEYS), name="outcome_row"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    application_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, 24))
    occurred_on: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    approver: Mapped[str | None] = mapped_column(String(100))
    days: Mapped[int | None] = mapped_column(Integer)
    fee_method: Mapped[FeeMethod | None] = mapped_column(enum_type(FeeMethod, 20, by_name=True))
    pages: Mapped[int | None] = mapped_column(Integer)
    prior_this_month: Mapped[int | None] = mapped_column(Integer)
    units: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[Decimal | None] = mapped_column(MONEY_YUAN)
    applicant_received_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)


class AppealRow(Base):
    """A 行政复议 or 行政诉讼 about a disclosure decision (table 四)."""

    __tablename__ = "appeals"
    __table_args__ = (
        ForeignKeyConstraint(["application_id", "agency_id"], ["applications.id", "applications.agency_id"]),
        CheckConstraint(
            "(outcome = 'pending' AND decided_on IS NULL) OR (outcome <> 'pending' AND decided_on IS NOT NULL)",
            name="decided_with_outcome",
        ),
        CheckConstraint("decided_on IS NULL OR decided_on >= filed_on", name="decided_after_filed"),
        Index("ix_appeals_report", "agency_id", "filed_on", "decided_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    application_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[AppealKind] = mapped_column(enum_type(AppealKind, 40))
    filed_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[AppealOutcome] = mapped_column(enum_type(AppealOutcome, 20))
    decided_on: Mapped[date | None] = mapped_column(Date)
    case_number: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[str | None] = mapped_column(String(200))  # 复议机关 or court
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ProactiveItemRow(Base):
    """One piece of information to publish proactively (主动公开), with its review chain and publications."""

    __tablename__ = "proactive_items"
    __table_args__ = (
        UniqueConstraint("id", "agency_id"),
        CheckConstraint("category >= 1 AND category <= 15", name="article_20_item"),
        CheckConstraint("published_on IS NULL OR published_on >= formed_on", name="published_after_formed"),
        Index("ix_proactive_items_published", "agency_id", "published_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    title: Mapped[str] = mapped_column(String(300))
    category: Mapped[int] = mapped_column(Integer)  # 第二十条第N项
    local_category: Mapped[str | None] = mapped_column(String(100))  # 第二十一条 local item, free text
    document_number: Mapped[str | None] = mapped_column(String(100))
    formed_on: Mapped[date] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy reads it once, at mapping)


class ReviewStepRow(Base):
    __tablename__ = "review_steps"
    __table_args__ = (
        ForeignKeyConstraint(["item_id", "agency_id"], ["proactive_items.id", "proactive_items.agency_id"]),
        Index("ix_review_steps_item", "item_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    item_id: Mapped[int] = mapped_column(Integer)
    step: Mapped[ReviewStepKind] = mapped_column(enum_type(ReviewStepKind, 20))
    reviewer: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(DateTime)
    decision: Mapped[ReviewDecision] = mapped_column(enum_type(ReviewDecision, 20))
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PublicationRow(Base):
    __tablename__ = "publications"
    __table_args__ = (
        ForeignKeyConstraint(["item_id", "agency_id"], ["proactive_items.id", "proactive_items.agency_id"]),
        UniqueConstraint("item_id", "channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    item_id: Mapped[int] = mapped_column(Integer)
    channel: Mapped[PublicationChannel] = mapped_column(enum_type(PublicationChannel, 24))
    published_on: Mapped[date] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(String(500))


class RegisterDocumentRow(Base):
    """A 规章 or 行政规范性文件 in the agency's register (table 二 item （一）)."""

    __tablename__ = "register_documents"
    __table_args__ = (
        UniqueConstraint("agency_id", "kind", "title", "issued_on"),
        CheckConstraint("repealed_on IS NULL OR repealed_on >= issued_on", name="repealed_after_issued"),
        Index("ix_register_documents_dates", "agency_id", "kind", "issued_on", "repealed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    kind: Mapped[RegisterDocumentKind] = mapped_column(enum_type(RegisterDocumentKind, 24))
    title: Mapped[str] = mapped_column(String(300))
    document_number: Mapped[str | None] = mapped_column(String(100))
    issued_on: Mapped[date] = mapped_column(Date)
    repealed_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(300))  # file it was imported from, or None when entered
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RegisterTallyRow(Base):
    """A yearly figure of table 二: decisions of 行政许可/处罚/强制, or the 行政事业性收费 amount (万元)."""

    __tablename__ = "register_tallies"
    __table_args__ = (
        UniqueConstraint("agency_id", "year", "item"),
        CheckConstraint(
            "(item = 'fees' AND amount IS NOT NULL AND decisions IS NULL)"
            " OR (item <> 'fees' AND decisions IS NOT NULL AND amount IS NULL)",
            name="figure_of_item",
        ),
        CheckConstraint("(decisions IS NULL OR decisions >= 0) AND (amount IS NULL OR amount >= 0)",
                        name="non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int] = mapped_column(Integer)
    item: Mapped[TallyItem] = mapped_column(enum_type(TallyItem, 20))
    decisions: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[Decimal | None] = mapped_column(MONEY_WAN)
    source: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class StoredReportRow(Base):
    """One version of an agency's annual report: generated from the ledger or imported (Report.to_dict())."""

    __tablename__ = "stored_reports"
    __table_args__ = (Index("ix_stored_reports_year", "agency_id", "year", "origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int] = mapped_column(Integer)
    origin: Mapped[ReportOrigin] = mapped_column(enum_type(ReportOrigin, 20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_name: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
