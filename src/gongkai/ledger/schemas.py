"""API schemas: what a caller sends in (validated with pydantic) and the masked views sent back out.

They are neither ORM rows nor domain objects; :mod:`gongkai.ledger.mapping` converts explicitly. The field
names are those a web form or a JSON client uses; messages of validation errors are the ledger's own (Chinese)
where the ledger checks meaning (dates in order, required fields per event kind).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from gongkai.desk.fees import FeeMethod
from gongkai.desk.model import Channel, EmailRule
from gongkai.store.vocab import (
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
    ReviewDecision,
    ReviewStepKind,
    TallyItem,
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)] | None
OptionalShort = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None


def web_address(value: str) -> str:
    """Only a web page's address may be recorded as where something was published: a ``javascript:`` or
    ``data:`` address shown as a link would run in the reader's browser."""
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValueError("网址须以 http:// 或 https:// 开头")
    return value


WebAddress = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(web_address)]


class Schema(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AgencyIn(Schema):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
    kind: AgencyKind
    abbreviation: OptionalText = None  # used in application numbers: 吴村〔2025〕依申请第12号
    region: OptionalText = None
    parent_id: int | None = None
    email_rule: EmailRule = EmailRule.SYSTEM_RECEIVED
    exclude_fee_wait: bool = False


class ApplicantIn(Schema):
    type: ApplicantType
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    id_document_type: IdDocumentType | None = None
    id_document: OptionalText = None
    phone: OptionalText = None
    email: OptionalText = None
    address: OptionalText = None


class ApplicationIn(Schema):
    """第二十九条: who applies, what they ask for, in which form; and how and when it came in (第三十一条).

    Give the date(s) the channel needs — 当面 ``handed_in``; 邮寄 ``signed_for``; 平信 ``confirmed`` (``arrived``
    optional); 网络/传真 ``confirmed``; 电子邮件 ``system_received`` or ``confirmed``; no channel: ``received``."""

    applicant: ApplicantIn
    channel: Channel | None
    handed_in: date | None = None
    signed_for: date | None = None
    arrived: date | None = None
    confirmed: date | None = None
    system_received: date | None = None
    received: date | None = None
    information: Text
    form_wanted: FormWanted | None = None
    delivery: Delivery | None = None
    note: OptionalText = None
    actor: ShortText


class EventIn(Schema):
    """One event of an application's log. Which fields are needed depends on ``kind``:
    延期 ``approver`` and ``days``; 收费通知 ``fee_method`` with ``pages`` (按量) or ``prior_this_month`` and
    ``units`` (按件), and ``applicant_received_on`` when known; 答复 ``outcome`` (a table-三 row key)."""

    kind: EventKind
    occurred_on: date
    actor: ShortText
    approver: OptionalText = None
    days: Annotated[int, Field(ge=1, le=20)] | None = None
    fee_method: FeeMethod | None = None
    pages: Annotated[int, Field(ge=0)] | None = None
    prior_this_month: Annotated[int, Field(ge=0)] | None = None
    units: Annotated[int, Field(ge=1)] | None = None
    applicant_received_on: date | None = None
    amount: Annotated[Decimal, Field(ge=0)] | None = None  # 缴费: the sum paid (default: the notice's amount)
    outcome: str | None = None
    note: OptionalText = None


class AppealIn(Schema):
    kind: AppealKind
    filed_on: date
    application_id: int | None = None
    outcome: AppealOutcome = AppealOutcome.PENDING
    decided_on: date | None = None
    case_number: OptionalText = None
    body: OptionalText = None
    note: OptionalText = None
    actor: ShortText


class ProactiveItemIn(Schema):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    category: Annotated[int, Field(ge=1, le=15)]
    local_category: OptionalShort = None
    document_number: OptionalShort = None
    formed_on: date
    actor: ShortText


class ReviewStepIn(Schema):
    step: ReviewStepKind
    reviewer: ShortText
    decided_at: datetime
    decision: ReviewDecision
    comment: OptionalText = None


class PublicationIn(Schema):
    published_on: date
    channels: Annotated[tuple[PublicationChannel, ...], Field(min_length=1)]
    url: WebAddress | None = None


class RegisterDocumentIn(Schema):
    kind: RegisterDocumentKind
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    document_number: OptionalText = None
    issued_on: date
    repealed_on: date | None = None


class TallyIn(Schema):
    year: Annotated[int, Field(ge=2000, le=2200)]
    item: TallyItem
    decisions: Annotated[int, Field(ge=0)] | None = None
    amount: Annotated[Decimal, Field(ge=0)] | None = None  # 万元, fees only


# ---------------------------------------------------------------- views (out)


class ApplicantView(Schema):
    type: ApplicantType
    type_label: str
    name: str
    id_document_type: str | None
    id_document: str | None
    phone: str | None
    email: str | None
    address: str | None


class EventView(Schema):
    id: int
    kind: EventKind
    label: str
    occurred_on: date
    actor: str
    recorded_at: datetime
    details: str


class ApplicationView(Schema):
    """An application as shown to anyone but the clerk handling it: personal data masked."""

    id: int
    number: str
    code: str
    version: int
    applicant: ApplicantView
    channel: str | None
    received_on: date
    information: str
    form_wanted: str | None
    delivery: str | None
    deadline_state: DeadlineState
    deadline_label: str
    due_on: date | None
    closed_on: date | None
    outcome: str | None
    outcome_label: str | None
    events: tuple[EventView, ...]
