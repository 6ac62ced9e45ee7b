"""The data of the statutory clock: an application's events, the rules no text settles, and the explained result.

Every class is a frozen dataclass; :mod:`gongkai.desk.deadline` computes with them (its module docs state the
counting rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from gongkai.errors import GongkaiError

REPLY_WORKING_DAYS = 20  # 第三十三条第二款
EXTENSION_MAX_WORKING_DAYS = 20  # 第三十三条第二款
CORRECTION_NOTICE_WORKING_DAYS = 7  # 第三十条
FEE_PAYMENT_WORKING_DAYS = 20  # 国办函〔2020〕109号


class DeadlineInputError(GongkaiError):
    """Events that cannot describe one application (missing dates, dates out of order, too long an extension)."""


class Channel(StrEnum):
    IN_PERSON = "当面"
    POST = "邮寄"
    ORDINARY_LETTER = "平信"
    INTERNET = "网络"
    FAX = "传真"
    EMAIL = "电子邮件"


CHANNEL_ALIASES: dict[str, Channel] = {
    "in_person": Channel.IN_PERSON,
    "in-person": Channel.IN_PERSON,
    "post": Channel.POST,
    "mail": Channel.POST,
    "邮寄签收": Channel.POST,
    "letter": Channel.ORDINARY_LETTER,
    "平常信函": Channel.ORDINARY_LETTER,
    "internet": Channel.INTERNET,
    "online": Channel.INTERNET,
    "互联网": Channel.INTERNET,
    "fax": Channel.FAX,
    "email": Channel.EMAIL,
    "e-mail": Channel.EMAIL,
    "邮件": Channel.EMAIL,
}


def parse_channel(text: str) -> Channel:
    key = text.strip()
    for channel in Channel:
        if key == channel.value:
            return channel
    found = CHANNEL_ALIASES.get(key.lower())
    if found is None:
        names = "、".join(c.value for c in Channel)
        raise DeadlineInputError(f"未知的提交方式“{text}”（可用：{names}）")
    return found


class EmailRule(StrEnum):
    SYSTEM_RECEIVED = "system_received"  # 国办公开办函〔2015〕207号: the day the mail system receives it
    BOTH_CONFIRMED = "both_confirmed"  # 第三十一条第三项 (internet channel): the day both sides confirm


@dataclass(frozen=True)
class DeadlineRules:
    """The points no text settles (statute.md [?]); each default is the one documented in the module."""

    exclude_fee_wait: bool = False
    email_rule: EmailRule = EmailRule.SYSTEM_RECEIVED


# ---------------------------------------------------------------- events


@dataclass(frozen=True)
class Receipt:
    """How and when the application came in. Give the date(s) the channel needs:
    当面 ``handed_in``; 邮寄 ``signed_for``; 平信 ``confirmed`` (``arrived`` optional); 网络/传真 ``confirmed``;
    电子邮件 ``system_received`` or ``confirmed`` per :class:`EmailRule`."""

    channel: Channel | None
    handed_in: date | None = None
    signed_for: date | None = None
    arrived: date | None = None
    confirmed: date | None = None
    system_received: date | None = None
    on: date | None = None  # channel unspecified: the received date as given

    @classmethod
    def of(cls, channel: Channel | None, day: date, rules: DeadlineRules | None = None) -> Receipt:
        """A receipt whose channel-relevant date is ``day``."""
        rules = rules or DeadlineRules()
        if channel is None:
            return cls(None, on=day)
        if channel is Channel.IN_PERSON:
            return cls(channel, handed_in=day)
        if channel is Channel.POST:
            return cls(channel, signed_for=day)
        if channel is Channel.EMAIL and rules.email_rule is EmailRule.SYSTEM_RECEIVED:
            return cls(channel, system_received=day)
        return cls(channel, confirmed=day)


@dataclass(frozen=True)
class CorrectionRequested:
    sent: date  # the day the 补正 notice went out


@dataclass(frozen=True)
class CorrectionReceived:
    received: date  # the day the corrected application was received


class PauseKind(StrEnum):
    THIRD_PARTY = "征求第三方意见"
    OTHER_AGENCY = "征求其他机关意见"
    CONSULTATION = "征求意见"
    FEE = "等待缴纳信息处理费"


@dataclass(frozen=True)
class Pause:
    kind: PauseKind
    start: date
    end: date | None = None  # None: still going on


@dataclass(frozen=True)
class Extension:
    approver: str  # 政府信息公开工作机构负责人
    days: int = EXTENSION_MAX_WORKING_DAYS
    approved: date | None = None


@dataclass(frozen=True)
class FeeNotice:
    sent: date
    applicant_received: date | None = None
    paid: date | None = None


Event = Receipt | CorrectionRequested | CorrectionReceived | Pause | Extension | FeeNotice


# ---------------------------------------------------------------- results


class SegmentKind(StrEnum):
    COUNTING = "counting"
    PAUSED = "paused"
    RESTART = "restart"
    EXTENSION = "extension"


SEGMENT_LABELS = {
    SegmentKind.COUNTING: "计算",
    SegmentKind.PAUSED: "不计算在期限内",
    SegmentKind.RESTART: "重新起算（此前期间不计算）",
    SegmentKind.EXTENSION: "延长",
}


@dataclass(frozen=True)
class Segment:
    """Calendar days ``from_date``..``to_date`` (both inclusive; ``to_date`` None = still open) and the working days
    in them — counted for ``counting``/``extension``, not counted for ``paused``/``restart``."""

    kind: SegmentKind
    from_date: date
    to_date: date | None
    working_days: int
    basis: str

    @property
    def label(self) -> str:
        return SEGMENT_LABELS[self.kind]


@dataclass(frozen=True)
class SideDeadline:
    name: str
    trigger: date  # the triggering day, not counted
    working_days: int
    due: date | None
    basis: str
    actual: date | None = None
    met: bool | None = None  # actual <= due, when both are known
    provisional: bool = False
    uncovered_year: int | None = None


class Status(StrEnum):
    DUE = "due"
    PROVISIONAL = "provisional"
    SUSPENDED = "suspended"
    AWAITING_CORRECTION = "awaiting_correction"


STATUS_LABELS = {
    Status.DUE: "已确定",
    Status.PROVISIONAL: "暂定（日历未知）",
    Status.SUSPENDED: "暂停计算",
    Status.AWAITING_CORRECTION: "等待补正",
}


@dataclass(frozen=True)
class ReplyDeadline:
    status: Status
    due: date | None
    provisional: bool
    uncovered_year: int | None
    received: date
    received_basis: str
    channel: Channel | None
    period_start: date  # the triggering day of the reply period (received, or corrected application received)
    base_due: date | None  # the due date without the extension
    reply_working_days: int
    extension_working_days: int
    extension_approver: str | None
    counted_working_days: int
    remaining_working_days: int
    known_until: date | None
    earliest_possible_due: date | None
    suspended_since: date | None
    segments: tuple[Segment, ...]
    other_deadlines: tuple[SideDeadline, ...]
    notes: tuple[str, ...]
    calendar_fingerprint: str
    rules: DeadlineRules = field(default_factory=DeadlineRules)
