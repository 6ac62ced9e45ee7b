"""The public portal's domain functions on SQLite and PostgreSQL: an online application is registered with the
channel 网络 and received on the day the portal confirms it; its query code is stored only as a keyed hash;
status and documents are reached with number + code only, one answer for every wrong pair, and show nothing
but what the applicant may see."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.ledger.helpers import event, new_application

from gongkai.desk.calendar import WorkCalendar
from gongkai.desk.model import Channel
from gongkai.ledger import get_application
from gongkai.ledger.portal import (
    CONTACT,
    PORTAL_ACTOR,
    QUERY_CODE_ALPHABET,
    OnlineApplicationIn,
    OnlineFormError,
    QueryNotFound,
    credit_code_valid,
    issue_query_code,
    normalise_query_code,
    public_status,
    read_online_form,
    reply_document,
    resident_id_valid,
    submit_online,
)
from gongkai.notices import NoticeKind, issue_notice, notice_document
from gongkai.store.errors import NotFound
from gongkai.store.orm import ApplicationRow
from gongkai.store.orm_portal import PortalAccessRow
from gongkai.store.vocab import ApplicantType, Delivery, EventKind, FormWanted, IdDocumentType

D = date
SUBMITTED = D(2025, 9, 22)  # a Monday; 20 working days later, across the National Day holiday: 2025-10-24
VALID_ID = "11010519491231002X"  # the example number of GB 11643, check character X

FORM = {
    "applicant_type": "natural_person",
    "name": "李 春 华",
    "id_document_type": "resident_id",
    "id_document": "11010519491231002x",
    "phone": "0571-8888 6666",
    "email": "",
    "address": "青溪县吴村镇东山村12号",
    "information": "吴村镇2024年度农村危房改造补助资金的发放名单（吴政发〔2024〕8号）",
    "form_wanted": "electronic",
    "delivery": "online",
    "declaration": "yes",
}


def online(**changes: str) -> OnlineApplicationIn:
    return read_online_form({**FORM, **changes})


def apply(session: Session, agency_id: int, calendar: WorkCalendar, **changes: str) -> tuple[int, str, str]:
    app, code = submit_online(session=session, agency_id=agency_id, data=online(**changes), submitted_on=SUBMITTED,
                              calendar=calendar)
    return app.id, app.number, code


def test_an_online_application_is_received_the_day_it_is_confirmed(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    town = agencies[1]
    with factory.begin() as s:
        app_id, number, code = apply(s, town, calendar)
    assert number == "吴村〔2025〕依申请第1号"
    assert len(code) == 8 and set(code) <= set(QUERY_CODE_ALPHABET)
    with factory() as s:
        app = get_application(session=s, agency_id=town, application_id=app_id)
        assert app.channel is Channel.INTERNET and app.receipt.confirmed == SUBMITTED
        assert app.received_on == SUBMITTED and app.deadline.due_on == D(2025, 10, 24)
        assert app.created_by == PORTAL_ACTOR
        assert app.applicant.id_document == VALID_ID  # typed in lower case: stored as the card shows it
        assert (app.form_wanted, app.delivery) == (FormWanted.ELECTRONIC, Delivery.ONLINE)
        access = s.get(PortalAccessRow, app_id)
        assert access is not None and len(access.code_hash) == 64
        assert code not in access.code_hash and code.lower() not in access.code_hash


def test_codes_are_fresh_and_only_the_newest_works(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    town = agencies[1]
    with factory.begin() as s:
        codes = {apply(s, town, calendar)[2] for _ in range(5)}
        app_id, number, first = apply(s, town, calendar)
    assert len(codes | {first}) == 6
    with factory.begin() as s:
        second = issue_query_code(session=s, agency_id=town, application_id=app_id)
    assert second != first
    with factory() as s:
        assert public_status(session=s, number=number, code=second).number == number
        with pytest.raises(QueryNotFound):
            public_status(session=s, number=number, code=first)
        with pytest.raises(NotFound):  # a clerk of another agency cannot give a code to this application
            issue_query_code(session=s, agency_id=agencies[0], application_id=app_id)


def test_status_shows_the_state_and_the_due_date(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    county, town = agencies
    with factory.begin() as s:
        _id, number, code = apply(s, town, calendar)
    with factory() as s:
        status = public_status(session=s, number=number, code=code)
    assert (status.number, status.agency_name, status.received_on) == (number, "青溪县吴村镇人民政府", SUBMITTED)
    assert status.state == "已受理" and status.due_on == D(2025, 10, 24) and status.documents == ()
    with factory() as s:  # as people type it: half-width brackets, spaces, the short code; the code in any case
        for typed in ("吴村[2025]依申请第1号", " 吴村（2025）依申请第 1 号", "2025-0001"):
            assert public_status(session=s, number=typed, code=f" {code[:4].lower()}-{code[4:]} ").number == number
        with pytest.raises(QueryNotFound):  # the same number at another agency is another application
            public_status(session=s, number="青溪市监〔2025〕依申请第1号", code=code)
    assert county != town


def test_wrong_number_and_wrong_code_give_the_same_answer(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    town = agencies[1]
    with factory.begin() as s:
        _a, number_a, code_a = apply(s, town, calendar)
        _b, number_b, code_b = apply(s, town, calendar)
    wrong_code = "".join(QUERY_CODE_ALPHABET[(QUERY_CODE_ALPHABET.index(c) + 1) % 31] for c in code_a)
    answers = []
    with factory() as s:
        for number, code in [
            (number_a, wrong_code),  # right number, wrong code
            ("吴村〔2025〕依申请第99号", code_a),  # a number that does not exist, a real code
            (number_a, code_b),  # another applicant's code
            (number_b, code_a),
            (number_a, "0O1I"),  # not even a code
            ("", code_a),
        ]:
            with pytest.raises(QueryNotFound) as caught:
                public_status(session=s, number=number, code=code)
            answers.append(str(caught.value))
    assert len(set(answers)) == 1 and "申请编号或者查询码不正确" in answers[0]


def test_states_in_plain_words_and_no_staff_notes(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    town = agencies[1]
    with factory.begin() as s:
        app_id, number, code = apply(s, town, calendar)
    seen: list[str] = []

    def step(**fields: object) -> None:
        with factory.begin() as s:
            app = get_application(session=s, agency_id=town, application_id=app_id)
            event(s, town, app, calendar, **fields)
        with factory() as s:
            status = public_status(session=s, number=number, code=code)
            assert "内部意见" not in repr(status) and "周敏" not in repr(status)
            seen.append(status.state)

    step(kind=EventKind.CORRECTION_REQUESTED, occurred_on=D(2025, 9, 24), note="内部意见：申请人可能是记者")
    step(kind=EventKind.CORRECTION_RECEIVED, occurred_on=D(2025, 9, 26))
    step(kind=EventKind.EXTENSION, occurred_on=D(2025, 10, 20), approver="王主任", days=20, note="内部意见：拖一拖")
    step(kind=EventKind.REPLY, occurred_on=D(2025, 11, 3), outcome="granted")
    assert seen == ["补正中", "已受理", "已延期", "已答复"]
    with factory() as s:
        status = public_status(session=s, number=number, code=code)
    assert status.closed_on == D(2025, 11, 3) and status.due_on is None


def test_documents_reach_their_own_applicant_only(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    county, town = agencies
    with factory.begin() as s:
        a_id, number_a, code_a = apply(s, town, calendar)
        b_id, number_b, code_b = apply(s, town, calendar)
        reply = issue_notice(session=s, agency_id=town, application_id=a_id, kind=NoticeKind.REPLY,
                             issued_on=D(2025, 10, 9), actor="周敏", outcome="granted",
                             fields={"答复内容": "现将名单提供给您。"})
        third = issue_notice(session=s, agency_id=town, application_id=a_id, kind=NoticeKind.THIRD_PARTY,
                             issued_on=D(2025, 9, 25), actor="周敏", fields={"第三方": "青溪县某建筑有限公司"})
        other = issue_notice(session=s, agency_id=town, application_id=b_id, kind=NoticeKind.RECEIPT,
                             issued_on=D(2025, 9, 22), actor="周敏")
    with factory() as s:
        status = public_status(session=s, number=number_a, code=code_a)
        assert [(d.notice_id, d.title, d.number) for d in status.documents] == [
            (reply.notice.id, "政府信息公开申请答复书", "吴村〔2025〕答复第1号")
        ]
        filename, document = reply_document(session=s, number=number_a, code=code_a, notice_id=reply.notice.id)
        assert filename == reply.notice.filename and document == reply.document
        assert document == notice_document(session=s, agency_id=town, application_id=a_id,
                                           notice_id=reply.notice.id).document
        for number, code, notice_id in [
            (number_a, code_a, third.notice.id),  # addressed to the third party, not to the applicant
            (number_a, code_a, other.notice.id),  # another applicant's receipt
            (number_b, code_b, reply.notice.id),  # another applicant's code for this reply
            (number_a, code_a, 10**6),
        ]:
            with pytest.raises(NotFound):
                reply_document(session=s, number=number, code=code, notice_id=notice_id)
        with pytest.raises(QueryNotFound):
            reply_document(session=s, number=number_a, code=code_b, notice_id=reply.notice.id)
    assert county != town


def test_a_paper_application_can_be_given_a_code(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    county = agencies[0]
    with factory.begin() as s:
        app = new_application(s, county, D(2025, 9, 22), calendar)
        code = issue_query_code(session=s, agency_id=county, application_id=app.id)
    with factory() as s:
        assert public_status(session=s, number=app.number, code=code).state == "已受理"


def test_form_messages_field_by_field() -> None:
    with pytest.raises(OnlineFormError) as caught:
        read_online_form({"csrf_token": "x"})
    assert set(caught.value.errors) == {
        "applicant_type", "name", "id_document_type", "id_document", "information", "form_wanted", "delivery",
        "declaration", CONTACT,
    }
    assert caught.value.errors["name"] == "请填写申请人姓名或者名称"
    cases = {
        "id_document": {"id_document": "110105194912310021"},
        "email": {"delivery": "email", "email": ""},
        "address": {"delivery": "post", "address": ""},
        "delivery": {"form_wanted": "paper", "delivery": "online"},
        "id_document_type": {"applicant_type": "business", "name": "青溪县某建筑有限公司"},
        "phone": {"phone": "12"},
    }
    for field, changes in cases.items():
        with pytest.raises(OnlineFormError) as caught:
            online(**changes)
        assert list(caught.value.errors) == [field], (field, caught.value.errors)
    with pytest.raises(OnlineFormError) as caught:
        online(phone="", address="", email="")
    assert list(caught.value.errors) == [CONTACT]
    with pytest.raises(OnlineFormError) as caught:
        online(email="not-an-address")
    assert caught.value.errors == {"email": "电子邮箱格式不正确，例如 zhang@example.cn"}
    company = online(applicant_type="legal_service", name="青溪县某律师事务所", id_document_type="credit_code",
                     id_document="91350100M000100Y43")
    assert company.applicant.type is ApplicantType.LEGAL_SERVICE
    assert company.applicant.id_document_type is IdDocumentType.CREDIT_CODE


def test_a_refused_application_stores_nothing(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    town = agencies[1]
    bad = online().model_copy(update={"delivery": Delivery.EMAIL})  # e-mail delivery, no e-mail address
    with factory.begin() as s, pytest.raises(OnlineFormError, match="电子邮箱"):
        submit_online(session=s, agency_id=town, data=bad, submitted_on=SUBMITTED, calendar=calendar)
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(ApplicationRow)) == 0
        assert s.scalar(select(func.count()).select_from(PortalAccessRow)) == 0


def test_check_characters() -> None:
    assert resident_id_valid(VALID_ID) and not resident_id_valid("110105194912310021")
    assert credit_code_valid("91350100M000100Y43") and not credit_code_valid("91350100M000100Y44")
    assert not credit_code_valid("91350100M000100YI3")  # I is not in the alphabet
    assert normalise_query_code("ab cd-ef gh") == "ABCDEFGH" and normalise_query_code("ABCDEFG0") is None
