"""Domain objects of the ledger: frozen dataclasses that the ledger functions return.

They hold decrypted personal data (the clerk's case file needs the real name and address to send a reply);
anything shown more widely goes through :meth:`Applicant.masked` or the API views of
:mod:`gongkai.ledger.schemas`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from gongkai.desk.fees import FeeMethod
from gongkai.desk.model import Channel, DeadlineRules, Receipt
from gongkai.ledger import masking
from gongkai.store.vocab import (
    OUTCOME_LABELS,
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


@dataclass(frozen=True)
class Agency:
    id: int
    name: str
    normalized_name: str
    kind: AgencyKind
    abbreviation: str | None
    region: str | None
    parent_id: int | None
    deadline_rules: DeadlineRules


@dataclass(frozen=True)
class Applicant:
    type: ApplicantType
    name: str
    id_document_type: IdDocumentType | None = None
    id_document: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None

    def masked(self) -> Applicant:
        return Applicant(
            type=self.type,
            name=masking.mask_name(self.name, self.type),
            id_document_type=self.id_document_type,
            id_document=None if self.id_document is None else masking.mask_id_document(
                self.id_document, self.id_document_type
            ),
            phone=None if self.phone is None else masking.mask_phone(self.phone),
            email=None if self.email is None else masking.mask_email(self.email),
            address=None if self.address is None else masking.mask_address(self.address),
        )


@dataclass(frozen=True)
class ApplicationEvent:
    id: int
    kind: EventKind
    occurred_on: date
    actor: str
    recorded_at: datetime
    approver: str | None = None
    days: int | None = None
    fee_method: FeeMethod | None = None
    pages: int | None = None
    prior_this_month: int | None = None
    units: int | None = None
    amount: Decimal | None = None  # 元
    applicant_received_on: date | None = None
    outcome: str | None = None
    note: str | None = None

    @property
    def label(self) -> str:
        return self.kind.label

    def details(self) -> str:
        """The event's particulars in Chinese, for the log view."""
        parts: list[str] = []
        if self.kind is EventKind.EXTENSION:
            parts.append(f"延长 {self.days} 个工作日，批准人：{self.approver}")
        if self.kind is EventKind.FEE_NOTICE:
            how = f"{self.pages} 页" if self.fee_method is FeeMethod.PER_VOLUME else f"本月已申请 {self.prior_this_month} 件"
            method = self.fee_method.value if self.fee_method else ""
            parts.append(f"{method}计收（{how}），应缴 {self.amount} 元")
            if self.applicant_received_on:
                parts.append(f"申请人 {self.applicant_received_on} 收到")
        if self.kind is EventKind.FEE_PAID and self.amount is not None:
            parts.append(f"缴纳 {self.amount} 元")
        if self.kind is EventKind.REPLY and self.outcome:
            parts.append(OUTCOME_LABELS[self.outcome])
        if self.note:
            parts.append(self.note)
        return "；".join(parts)


@dataclass(frozen=True)
class StoredDeadline:
    """The due date kept on the application, as last computed by :mod:`gongkai.desk.deadline`."""

    state: DeadlineState
    due_on: date | None
    due_not_before: date | None
    calendar_fingerprint: str | None
    computed_at: datetime | None


@dataclass(frozen=True)
class Application:
    id: int
    agency_id: int
    number: str  # 吴村〔2025〕依申请第12号
    code: str  # 2025-0012, short and sortable
    applicant: Applicant
    receipt: Receipt
    received_on: date
    information: str
    form_wanted: FormWanted | None
    delivery: Delivery | None
    deadline: StoredDeadline
    closed_on: date | None
    outcome: str | None
    note: str | None
    created_by: str
    created_at: datetime
    version: int
    events: tuple[ApplicationEvent, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def channel(self) -> Channel | None:
        return self.receipt.channel

    @property
    def outcome_label(self) -> str | None:
        return None if self.outcome is None else OUTCOME_LABELS[self.outcome]


@dataclass(frozen=True)
class ApplicationSummary:
    """A line of a list (overdue, due soon): no personal data beyond the masked name."""

    id: int
    number: str
    code: str
    applicant_type: ApplicantType
    masked_name: str
    received_on: date
    state: DeadlineState
    due_on: date | None
    due_not_before: date | None
    working_days_left: int | None = None


@dataclass(frozen=True)
class DeadlineChange:
    application_id: int
    code: str
    state_before: DeadlineState
    due_before: date | None
    state_after: DeadlineState
    due_after: date | None


@dataclass(frozen=True)
class Appeal:
    id: int
    agency_id: int
    application_id: int | None
    application_code: str | None
    kind: AppealKind
    filed_on: date
    outcome: AppealOutcome
    decided_on: date | None
    case_number: str | None
    body: str | None
    note: str | None


@dataclass(frozen=True)
class ReviewStep:
    id: int
    step: ReviewStepKind
    reviewer: str
    decided_at: datetime
    decision: ReviewDecision
    comment: str | None


@dataclass(frozen=True)
class Publication:
    channel: PublicationChannel
    published_on: date
    url: str | None


@dataclass(frozen=True)
class ProactiveItem:
    id: int
    agency_id: int
    title: str
    category: int
    local_category: str | None
    document_number: str | None
    formed_on: date
    published_on: date | None
    version: int
    review: tuple[ReviewStep, ...] = ()
    publications: tuple[Publication, ...] = ()
    publish_due: date | None = None  # 第二十六条: 20 working days after formed (None: calendar unknown)
    published_late: bool | None = None  # None: not published yet, or calendar unknown


@dataclass(frozen=True)
class RegisterDocument:
    id: int
    kind: RegisterDocumentKind
    title: str
    document_number: str | None
    issued_on: date
    repealed_on: date | None

    def in_force_on(self, day: date) -> bool:
        return self.issued_on <= day and (self.repealed_on is None or self.repealed_on > day)


@dataclass(frozen=True)
class RegisterTally:
    year: int
    item: TallyItem
    decisions: int | None
    amount: Decimal | None  # 万元
    source: str | None


@dataclass(frozen=True)
class StoredReport:
    id: int
    agency_id: int
    year: int
    origin: ReportOrigin
    source_name: str | None
    created_by: str
    created_at: datetime
