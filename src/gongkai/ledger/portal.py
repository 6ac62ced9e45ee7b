"""The public portal: citizens and companies apply online, then follow their application with a query code.

No log-in. An online application is registered like any other (:func:`create_application`), with the channel
网络 and the day the portal confirms receipt to the applicant as its received date (第三十一条: for the internet,
the day both sides confirm — the portal confirms at once by showing the number). The applicant gets the number
and a **query code**: 8 characters drawn with :mod:`secrets` from an alphabet without look-alikes (no 0/O, 1/I/L).

Only a keyed hash of the code is stored (HMAC-SHA256 under the installation's secret key, through
:meth:`Protector.digest`): a stolen database copy gives no codes, and with the key unknown the hashes cannot be
tried offline. The hash is deterministic, so a status query finds the application by the code's hash and then
checks the number; a wrong code and a wrong number give the same :class:`QueryNotFound` — nobody can probe
which numbers exist.

What the applicant sees (:class:`PublicStatus`) is limited to the number, the agency, the received date, the
state in plain Chinese, the due date and the notices addressed to them. Never another applicant's data, never
the staff's notes, never a notice addressed to a third party.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, TypeVar

from pydantic import StringConstraints, ValidationError
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from gongkai.desk.calendar import WorkCalendar
from gongkai.desk.model import Channel
from gongkai.ledger.applications import create_application, get_application
from gongkai.ledger.domain import Application
from gongkai.ledger.mapping import application_code, application_number
from gongkai.ledger.schemas import ApplicantIn, ApplicationIn, Schema
from gongkai.notices.catalog import NoticeKind, spec_for
from gongkai.notices.issue import notice_document
from gongkai.store.crypto import protector_for
from gongkai.store.errors import InvalidRecord, NotFound
from gongkai.store.orm import AgencyRow, ApplicationEventRow, ApplicationRow, utcnow
from gongkai.store.orm_notices import NoticeRow
from gongkai.store.orm_portal import PortalAccessRow
from gongkai.store.vocab import (
    ApplicantType,
    DeadlineState,
    Delivery,
    EventKind,
    FormWanted,
    IdDocumentType,
)

PORTAL_ACTOR = "网上申请平台"  # recorded as created_by: no clerk typed the application in
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud or copied by hand safely
QUERY_CODE_LENGTH = 8
_CODE_CONTEXT = "portal query code v1"  # keeps these hashes apart from the applicant digests of the same key

INFORMATION_MAX = 2000
NAME_MAX = 200
ID_DOCUMENT_MAX = 40
PHONE_MAX = 40
EMAIL_MAX = 200
ADDRESS_MAX = 300

# Notices the applicant receives; a 第三方意见征询函 goes to the third party and is never shown here.
APPLICANT_NOTICES = frozenset(kind for kind in NoticeKind if kind is not NoticeKind.THIRD_PARTY)

ORGANISATION_TYPES = (
    ApplicantType.BUSINESS,
    ApplicantType.RESEARCH,
    ApplicantType.NONPROFIT,
    ApplicantType.LEGAL_SERVICE,
    ApplicantType.OTHER_ORG,
)
PERSON_DOCUMENTS = (
    IdDocumentType.RESIDENT_ID,
    IdDocumentType.PASSPORT,
    IdDocumentType.HK_MACAO_PERMIT,
    IdDocumentType.TAIWAN_PERMIT,
    IdDocumentType.OTHER,
)
ORGANISATION_DOCUMENTS = (IdDocumentType.CREDIT_CODE, IdDocumentType.OTHER)

CONTACT = "contact"  # the error of the contact group as a whole (none of the three given)
# The names of the form fields, in the order of the form: the keys of OnlineFormError.errors, listed so.
FORM_FIELDS = (
    "applicant_type",
    "name",
    "id_document_type",
    "id_document",
    CONTACT,
    "phone",
    "email",
    "address",
    "information",
    "form_wanted",
    "delivery",
    "declaration",
)

E = TypeVar("E", ApplicantType, IdDocumentType, FormWanted, Delivery)


class OnlineApplicationIn(Schema):
    """An application as the applicant fills it in online: 第二十九条 (一)(二)(三). The channel, the received
    date and the recording actor are the portal's, never the applicant's."""

    applicant: ApplicantIn
    information: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=INFORMATION_MAX)
    ]
    form_wanted: FormWanted
    delivery: Delivery


class OnlineFormError(InvalidRecord):
    """The online form cannot be accepted; ``errors`` maps each field to its message, to show beside it."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("申请表填写有误：" + "；".join(self.errors.values()))


class QueryNotFound(NotFound):
    """No application with this number *and* this query code — one answer whichever of the two is wrong."""

    def __init__(self) -> None:
        super().__init__("申请", "")
        self.args = ("申请编号或者查询码不正确，请核对后重新输入（查询码不区分大小写）",)


@dataclass(frozen=True)
class PublicDocument:
    """A notice the applicant may download."""

    notice_id: int
    title: str  # 答复书, 补正告知书 …
    number: str  # 吴村〔2025〕答复第3号
    issued_on: date


@dataclass(frozen=True)
class PublicStatus:
    """What the applicant sees of their application: nothing about anyone else, no staff notes."""

    number: str
    agency_name: str
    received_on: date
    state: str  # 已受理, 补正中, 征求意见中, 待缴费, 已延期, 已答复
    explanation: str  # what the state means for the applicant, in plain words
    due_on: date | None
    due_not_before: date | None  # the calendar of the year is not yet published: a lower bound only
    closed_on: date | None
    documents: tuple[PublicDocument, ...]


# ---------------------------------------------------------------- checking the form


def resident_id_valid(number: str) -> bool:
    """GB 11643: 17 digits and a check character (0–9 or X) computed from them."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17]


_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code_valid(code: str) -> bool:
    """GB 32100: 18 characters of its alphabet (no I, O, S, V, Z), the last a check character."""
    if len(code) != 18 or any(ch not in _CREDIT_ALPHABET for ch in code):
        return False
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(_CREDIT_ALPHABET.index(ch) * w for ch, w in zip(code[:17], weights, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31] == code[17]


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_PHONE = re.compile(r"[\d\s\-+()（）转]+")


def _compact(text: str) -> str:
    """Full-width letters and digits made plain, spaces removed, letters in capitals (ID numbers, codes)."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def _id_document_problem(kind: IdDocumentType, number: str) -> str | None:
    if kind is IdDocumentType.RESIDENT_ID:
        if len(number) != 18:
            return "居民身份证号码应为18位（最后一位可以是X）"
        if not resident_id_valid(number):
            return "居民身份证号码的校验位不正确，请核对"
        return None
    if kind is IdDocumentType.CREDIT_CODE:
        if len(number) != 18:
            return "统一社会信用代码应为18位"
        if not credit_code_valid(number):
            return "统一社会信用代码不正确，请核对"
        return None
    if not 5 <= len(number) <= ID_DOCUMENT_MAX or not re.fullmatch(r"[0-9A-Z()\-]+", number):
        return f"证件号码应为5至{ID_DOCUMENT_MAX}位字母或数字"
    return None


def problems(data: OnlineApplicationIn) -> dict[str, str]:
    """The 第二十九条 rules an online application must meet, field by field (empty: acceptable)."""
    errors: dict[str, str] = {}
    who = data.applicant
    organisation = who.type is not ApplicantType.NATURAL_PERSON
    if who.id_document_type is None:
        errors["id_document_type"] = "请选择身份证明的证件类型"
    elif who.id_document_type not in (ORGANISATION_DOCUMENTS if organisation else PERSON_DOCUMENTS):
        errors["id_document_type"] = (
            "法人或者其他组织请选择统一社会信用代码或者其他身份证明"
            if organisation
            else "自然人不能以统一社会信用代码作为身份证明，请选择居民身份证等个人证件"
        )
    if not who.id_document:
        errors["id_document"] = "请填写证件号码"
    elif who.id_document_type is not None and "id_document_type" not in errors:
        found = _id_document_problem(who.id_document_type, who.id_document)
        if found:
            errors["id_document"] = found
    if not (who.phone or who.email or who.address):
        errors[CONTACT] = "请至少填写一种联系方式（电话、电子邮箱或者通信地址），以便本机关与您联系和送达答复"
    if who.phone and (
        len(who.phone) > PHONE_MAX
        or not _PHONE.fullmatch(who.phone)
        or not 7 <= sum(ch.isdigit() for ch in who.phone) <= 20
    ):
        errors["phone"] = "电话号码应为7至20位数字（可含区号、分机号）"
    if who.email and (len(who.email) > EMAIL_MAX or not _EMAIL.fullmatch(who.email)):
        errors["email"] = "电子邮箱格式不正确，例如 zhang@example.cn"
    if who.address and len(who.address) > ADDRESS_MAX:
        errors["address"] = f"通信地址不能超过{ADDRESS_MAX}个字"
    if data.delivery is Delivery.EMAIL and not who.email and "email" not in errors:
        errors["email"] = "您选择通过电子邮件获取信息，请填写电子邮箱"
    if data.delivery is Delivery.POST and not who.address and "address" not in errors:
        errors["address"] = "您选择通过邮寄获取信息，请填写通信地址"
    if data.delivery is Delivery.FAX and not who.phone and "phone" not in errors:
        errors["phone"] = "您选择通过传真获取信息，请在“电话”中填写可接收传真的号码"
    if data.form_wanted is FormWanted.PAPER and data.delivery in (Delivery.EMAIL, Delivery.ONLINE):
        errors["delivery"] = "纸质文本不能通过电子邮件或者网上获取，请选择邮寄、当面领取或者传真"
    return errors


def _text(form: Mapping[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


def _choice(
    form: Mapping[str, str], name: str, enum: type[E], allowed: tuple[E, ...] | None = None
) -> E | None:
    value = _text(form, name)
    try:
        chosen = enum(value)
    except ValueError:
        return None
    return chosen if allowed is None or chosen in allowed else None


def read_online_form(form: Mapping[str, str]) -> OnlineApplicationIn:
    """The online application from the submitted form fields (:data:`FORM_FIELDS`), or
    :class:`OnlineFormError` listing every problem at once with a Chinese message per field."""
    errors: dict[str, str] = {}
    applicant_type = _choice(form, "applicant_type", ApplicantType)
    if applicant_type is None:
        errors["applicant_type"] = "请选择申请人类型：自然人，或者法人或其他组织（及其类别）"
    name = _text(form, "name")
    if not name:
        errors["name"] = "请填写申请人姓名或者名称"
    elif len(name) > NAME_MAX:
        errors["name"] = f"姓名或者名称不能超过{NAME_MAX}个字"
    id_type = _choice(form, "id_document_type", IdDocumentType)
    information = _text(form, "information")
    if not information:
        errors["information"] = "请填写所需政府信息的名称、文号或者便于查询的其他特征性描述"
    elif len(information) > INFORMATION_MAX:
        errors["information"] = f"所需信息的描述不能超过{INFORMATION_MAX}个字，可分为几份申请提出"
    form_wanted = _choice(form, "form_wanted", FormWanted)
    if form_wanted is None:
        errors["form_wanted"] = "请选择获取信息的形式（纸质、电子数据或者其他）"
    delivery = _choice(form, "delivery", Delivery)
    if delivery is None:
        errors["delivery"] = "请选择获取信息的途径（邮寄、电子邮件、当面领取、网上获取或者传真）"
    if _text(form, "declaration") != "yes":
        errors["declaration"] = "请确认所填信息真实、准确后勾选承诺"
    id_document = _compact(_text(form, "id_document")) or None
    email = _text(form, "email") or None
    draft = {
        "applicant": {
            "type": applicant_type or ApplicantType.NATURAL_PERSON,
            "name": name or "-",
            "id_document_type": id_type,
            "id_document": id_document,
            "phone": _text(form, "phone") or None,
            "email": email,
            "address": _text(form, "address") or None,
        },
        "information": information or "-",
        "form_wanted": form_wanted or FormWanted.ELECTRONIC,
        "delivery": delivery or Delivery.ONLINE,
    }
    try:
        data = OnlineApplicationIn.model_validate(draft)
    except ValidationError as exc:  # pragma: no cover - every field was checked above; a gap must not pass
        raise OnlineFormError({"information": f"申请表无法读取：{exc.error_count()} 处错误"}) from exc
    for name_, message in problems(data).items():
        # A choice left empty is reported once, as such: a document type is not "wrong for" a type not chosen.
        if name_ not in errors and not (
            applicant_type is None and id_type is not None and name_ == "id_document_type"
        ):
            errors[name_] = message
    if errors:
        raise OnlineFormError({k: errors[k] for k in FORM_FIELDS if k in errors})
    return data


# ---------------------------------------------------------------- query codes


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def normalise_query_code(typed: str) -> str | None:
    """The code as stored from what the applicant typed (any case, spaces, hyphens, full-width); None when it
    cannot be a code at all."""
    code = _compact(typed).replace("-", "")
    if len(code) != QUERY_CODE_LENGTH or any(ch not in QUERY_CODE_ALPHABET for ch in code):
        return None
    return code


def _code_hash(session: Session, code: str) -> str:
    return protector_for(session).digest(_CODE_CONTEXT, code)


def issue_query_code(*, session: Session, agency_id: int, application_id: int) -> str:
    """A fresh query code for an application of this agency; a code given before stops working. Also lets a
    clerk give a code to an applicant who applied in person or by post, or who lost theirs."""
    get_application(session=session, agency_id=agency_id, application_id=application_id)  # 404 for another's
    code = new_query_code()
    row = session.get(PortalAccessRow, application_id)
    if row is None:
        row = PortalAccessRow(application_id=application_id)
        session.add(row)
    row.code_hash = _code_hash(session, code)
    row.created_at = utcnow()
    session.flush()
    return code


def submit_online(
    *,
    session: Session,
    agency_id: int,
    data: OnlineApplicationIn,
    submitted_on: date,
    calendar: WorkCalendar | None = None,
) -> tuple[Application, str]:
    """Register an online application (received on ``submitted_on``, the day the portal confirms it) and give
    its query code — shown to the applicant once; only its hash is kept."""
    found = problems(data)
    if found:
        raise OnlineFormError(found)
    # The audit log names who wrote the rows: here no one signed in, the portal did.
    session.info.setdefault("actor", PORTAL_ACTOR)
    app = create_application(
        session=session,
        agency_id=agency_id,
        calendar=calendar,
        data=ApplicationIn(
            applicant=data.applicant,
            channel=Channel.INTERNET,
            confirmed=submitted_on,
            information=data.information,
            form_wanted=data.form_wanted,
            delivery=data.delivery,
            actor=PORTAL_ACTOR,
        ),
    )
    # The application was created in this transaction: it has no code yet and it is this agency's, so the checks
    # of issue_query_code (three more reads) have nothing to find.
    code = new_query_code()
    session.add(
        PortalAccessRow(application_id=app.id, code_hash=_code_hash(session, code), created_at=utcnow())
    )
    session.flush()
    return app, code


# ---------------------------------------------------------------- status and documents

_OPEN = "〔"
_CLOSE = "〕"


def _number_key(text: str) -> str:
    """An application number compared however it was typed: full-width or half-width, any of the brackets
    people use for 〔〕, spaces anywhere."""
    plain = "".join(unicodedata.normalize("NFKC", text).split())
    for ch in "[【［(（﹝":
        plain = plain.replace(ch, _OPEN)
    for ch in "]】］)）﹞":
        plain = plain.replace(ch, _CLOSE)
    return plain.upper()


@dataclass(frozen=True)
class _Found:
    """What the portal reads of the application a number and code designate: its own columns, no personal data
    (nothing to decrypt), none of the staff's records."""

    id: int
    agency_id: int
    agency_name: str
    number: str
    received_on: date
    deadline_state: DeadlineState
    due_on: date | None
    due_not_before: date | None
    closed_on: date | None
    fee_asked: bool  # a fee notice was recorded …
    fee_paid: bool  # … and the payment
    extended: bool


def _logged(kind: EventKind) -> ColumnElement[bool]:
    return exists().where(
        ApplicationEventRow.application_id == ApplicationRow.id, ApplicationEventRow.kind == kind
    )


# Built once: the portal answers these two for every status query, and building a statement costs more than
# running it. The application by the hash of its code (indexed), with its agency and the events the state needs.
_FIND = (
    select(
        ApplicationRow.id, ApplicationRow.agency_id, AgencyRow.name, AgencyRow.abbreviation, ApplicationRow.number_year,
        ApplicationRow.seq, ApplicationRow.received_on, ApplicationRow.deadline_state, ApplicationRow.due_on,
        ApplicationRow.due_not_before, ApplicationRow.closed_on, _logged(EventKind.FEE_NOTICE).label("fee_asked"),
        _logged(EventKind.FEE_PAID).label("fee_paid"), _logged(EventKind.EXTENSION).label("extended"),
    )
    .join(PortalAccessRow, PortalAccessRow.application_id == ApplicationRow.id)
    .join(AgencyRow, AgencyRow.id == ApplicationRow.agency_id)
    .where(PortalAccessRow.code_hash == bindparam("code_hash"))
)  # fmt: skip
# The notices of an application, oldest first; their documents are read only when downloaded.
_NOTICES = (
    select(NoticeRow.id, NoticeRow.kind, NoticeRow.outcome, NoticeRow.number, NoticeRow.issued_on)
    .where(
        NoticeRow.agency_id == bindparam("agency_id"), NoticeRow.application_id == bindparam("application_id")
    )
    .order_by(NoticeRow.id)
)


def _find(session: Session, number: str, code: str) -> _Found:
    """The application whose query code is ``code`` and whose number (or short code 2025-0012) is ``number``."""
    normalised = normalise_query_code(code)
    wanted = _number_key(number)
    if normalised is None or not wanted:
        raise QueryNotFound()
    for row in session.execute(_FIND, {"code_hash": _code_hash(session, normalised)}):
        full = application_number(row.abbreviation, row.number_year, row.seq)
        if wanted in (_number_key(full), _number_key(application_code(row.number_year, row.seq))):
            return _Found(row.id, row.agency_id, row.name, full, row.received_on, row.deadline_state, row.due_on,
                          row.due_not_before, row.closed_on, bool(row.fee_asked), bool(row.fee_paid),
                          bool(row.extended))  # fmt: skip
    raise QueryNotFound()


def _state(found: _Found) -> tuple[str, str]:
    if found.closed_on is not None:
        return (
            "已答复",
            "本机关已作出答复，办理完毕。答复书可在下方下载；您选择的获取方式另行送达的，以送达为准。",
        )
    if found.deadline_state is DeadlineState.AWAITING_CORRECTION:
        return "补正中", (
            "本机关已告知您需要补正的事项，请按补正告知书的要求补正。答复期限自本机关收到补正后的申请之日起"
            "重新计算（条例第三十条）。"
        )
    if found.deadline_state is DeadlineState.SUSPENDED:
        return "征求意见中", (
            "本机关正在征求第三方或者其他机关的意见，征求意见所需时间不计算在答复期限内（条例第三十二条、第三十三条）。"
        )
    if found.fee_asked and not found.fee_paid:
        return "待缴费", "本机关已向您发出收费通知，请按收费通知书的要求缴纳信息处理费。"
    if found.extended:
        return "已延期", (
            "经政府信息公开工作机构负责人同意，答复期限已延长，延长的期限最长不超过20个工作日（条例第三十三条）。"
        )
    return "已受理", "本机关已收到您的申请，正在办理。"


def _documents(session: Session, found: _Found) -> tuple[PublicDocument, ...]:
    """The notices issued to the applicant, oldest first."""
    documents = []
    for row in session.execute(_NOTICES, {"agency_id": found.agency_id, "application_id": found.id}):
        kind = NoticeKind(row.kind)
        if kind in APPLICANT_NOTICES:
            documents.append(
                PublicDocument(row.id, spec_for(kind, row.outcome).title, row.number, row.issued_on)
            )
    return tuple(documents)


def public_status(*, session: Session, number: str, code: str) -> PublicStatus:
    """The status of the application with this number and query code; :class:`QueryNotFound` otherwise."""
    found = _find(session, number, code)
    state, explanation = _state(found)
    is_open = found.closed_on is None
    return PublicStatus(
        number=found.number,
        agency_name=found.agency_name,
        received_on=found.received_on,
        state=state,
        explanation=explanation,
        due_on=found.due_on if is_open else None,
        due_not_before=found.due_not_before if is_open else None,
        closed_on=found.closed_on,
        documents=_documents(session, found),
    )


def reply_document(*, session: Session, number: str, code: str, notice_id: int) -> tuple[str, bytes]:
    """A notice already issued to the applicant of this application (答复书, 补正告知书 …), as issued: file
    name and DOCX bytes. Another application's notice, or one addressed to a third party, does not exist here."""
    found = _find(session, number, code)
    try:
        issued = notice_document(
            session=session, agency_id=found.agency_id, application_id=found.id, notice_id=notice_id
        )
    except NotFound as exc:
        raise NotFound("文书", notice_id) from exc
    if issued.notice.kind not in APPLICANT_NOTICES:
        raise NotFound("文书", notice_id)
    return issued.notice.filename, issued.document


__all__ = [
    "APPLICANT_NOTICES",
    "CONTACT",
    "FORM_FIELDS",
    "ORGANISATION_DOCUMENTS",
    "ORGANISATION_TYPES",
    "PERSON_DOCUMENTS",
    "PORTAL_ACTOR",
    "QUERY_CODE_ALPHABET",
    "OnlineApplicationIn",
    "OnlineFormError",
    "PublicDocument",
    "PublicStatus",
    "QueryNotFound",
    "credit_code_valid",
    "issue_query_code",
    "new_query_code",
    "normalise_query_code",
    "problems",
    "public_status",
    "read_online_form",
    "reply_document",
    "resident_id_valid",
    "submit_online",
]
