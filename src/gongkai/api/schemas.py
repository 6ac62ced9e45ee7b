"""The JSON API's own input schemas: what a client sends, bounded to what the database can hold.

They mirror the ledger's input schemas (:mod:`gongkai.ledger.schemas`) without ``actor`` — who acts comes from
the ``CurrentActor`` dependency, never from the request body — and with every number, text and amount bounded
by its column, so an out-of-range value is a 422 in Chinese, never a database error. Text must not hold NUL or
unpaired surrogates (PostgreSQL and UTF-8 refuse them). A test checks the fields stay in step with the ledger's.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from gongkai.desk.fees import FeeMethod
from gongkai.desk.model import Channel
from gongkai.ledger.schemas import web_address
from gongkai.notices.catalog import NoticeKind
from gongkai.store.vocab import (
    AppealKind,
    AppealOutcome,
    ApplicantType,
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

INT32 = 2**31 - 1
MAX_TEXT = 20000


def _clean(value: str) -> str:
    if "\x00" in value:
        raise ValueError("不能含有空字符（\\x00）")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("含有无效的字符（不成对的代理项）") from None
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT), AfterValidator(_clean)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(_clean)]
Mid = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_clean)]
Long = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), AfterValidator(_clean)]
Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(_clean),
    AfterValidator(web_address),
]
Count = Annotated[int, Field(ge=0, le=INT32)]
Version = Annotated[int, Field(ge=1, le=INT32, description="读取记录时的版本号（乐观锁）：记录已被他人修改时返回 409")]
RowId = Annotated[int, Field(ge=1, le=INT32)]
Yuan = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
Wan = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)]
Year = Annotated[int, Field(ge=2000, le=2200)]


class Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ApplicantCreate(Input):
    type: ApplicantType = Field(description="申请人类型（表三的六类）")
    name: Mid = Field(description="姓名或者名称")
    id_document_type: IdDocumentType | None = None
    id_document: Short | None = Field(None, description="身份证明号码（加密保存，只以遮蔽形式返回）")
    phone: Short | None = None
    email: Mid | None = None
    address: Long | None = None


class ApplicationCreate(Input):
    """第二十九条的申请内容和第三十一条的收到方式。按提交方式给出相应日期：当面 handed_in；邮寄 signed_for；平信
    confirmed（可加 arrived）；网络、传真 confirmed；电子邮件 system_received 或 confirmed；未注明方式：received。"""

    applicant: ApplicantCreate
    channel: Channel | None = Field(description="提交方式：当面、邮寄、平信、网络、传真、电子邮件；未注明为 null")
    handed_in: date | None = None
    signed_for: date | None = None
    arrived: date | None = None
    confirmed: date | None = None
    system_received: date | None = None
    received: date | None = None
    information: Text = Field(description="所需政府信息的名称、文号或者便于查询的其他特征性描述")
    form_wanted: FormWanted | None = None
    delivery: Delivery | None = None
    note: Text | None = None


class EventCreate(Input):
    """申请办理过程中的一个事件。延期须有 approver（和 days）；收费通知须有 fee_method 及 pages（按量）或
    prior_this_month、units（按件）；答复须有 outcome（表三办理结果编号）。"""

    kind: EventKind
    occurred_on: date
    approver: Short | None = None
    days: Annotated[int, Field(ge=1, le=20)] | None = None
    fee_method: FeeMethod | None = None
    pages: Count | None = None
    prior_this_month: Count | None = None
    units: Annotated[int, Field(ge=1, le=10000)] | None = None
    applicant_received_on: date | None = None
    amount: Yuan | None = None
    outcome: Annotated[str, StringConstraints(max_length=40)] | None = None
    note: Text | None = None
    expected_version: Version | None = None


class CloseCreate(Input):
    outcome: Annotated[str, StringConstraints(min_length=1, max_length=40)] = Field(
        description="表三办理结果编号，如 granted、withheld.third_party、other.no_correction"
    )
    closed_on: date
    note: Text | None = None
    expected_version: Version | None = None


class AppealCreate(Input):
    kind: AppealKind
    filed_on: date
    application_id: RowId | None = None
    outcome: AppealOutcome = AppealOutcome.PENDING
    decided_on: date | None = None
    case_number: Short | None = None
    body: Mid | None = Field(None, description="复议机关或者法院")
    note: Text | None = None


class AppealDecision(Input):
    outcome: AppealOutcome
    decided_on: date


class ProactiveItemCreate(Input):
    title: Long
    category: Annotated[int, Field(ge=1, le=15, description="第二十条第几项")]
    local_category: Short | None = None
    document_number: Short | None = None
    formed_on: date


class ReviewStepCreate(Input):
    step: ReviewStepKind
    decision: ReviewDecision
    decided_at: datetime
    reviewer: Short | None = Field(None, description="审查人；不填时为当前用户")
    comment: Text | None = None
    expected_version: Version | None = None


class PublicationCreate(Input):
    published_on: date
    channels: Annotated[tuple[PublicationChannel, ...], Field(min_length=1, max_length=len(PublicationChannel))]
    url: Url | None = None
    expected_version: Version | None = None


class RegisterDocumentCreate(Input):
    kind: RegisterDocumentKind
    title: Long
    document_number: Short | None = None
    issued_on: date
    repealed_on: date | None = None


class Repeal(Input):
    repealed_on: date


class TallyCreate(Input):
    year: Year
    item: TallyItem
    decisions: Count | None = None
    amount: Wan | None = Field(None, description="行政事业性收费金额（万元）；其他事项填数量")


class NoticeCreate(Input):
    kind: NoticeKind = Field(description="文书类别：receipt 受理回执、correction 补正告知书、extension 延期答复告知书、third_party 第三方意见征询函、fee 收费通知书、reply 答复书")
    outcome: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        None, description="答复书的办理结果编号；不填时取申请办结时的办理结果"
    )
    issued_on: date | None = Field(None, description="文书日期，默认今日（北京时间）")
    fields: dict[Annotated[str, StringConstraints(max_length=20)], Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(_clean)]] = Field(
        default_factory=dict, description="只有经办人知道的占位符值，如 {\"补正事项\": \"…\"}"
    )
