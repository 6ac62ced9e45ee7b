"""The public portal through the real pages (TestClient, CSRF token and all) on SQLite and PostgreSQL: a citizen
applies, sees the number and query code once, checks the status and downloads the reply; wrong pairs get one
answer; a form with gaps is shown again with its messages and stores nothing; one address gets 10 applications
an hour; what the applicant typed is text, never markup."""

from __future__ import annotations

import re
import threading
from html import unescape

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.web.conftest import csrf_token

from gongkai.api import Settings
from gongkai.api.deps import today_in_china
from gongkai.desk.calendar import WorkCalendar
from gongkai.desk.fees import FeeMethod
from gongkai.ledger import add_event, get_application
from gongkai.ledger.schemas import EventIn
from gongkai.notices import NoticeKind, issue_notice
from gongkai.store.orm import ApplicationRow
from gongkai.store.orm_portal import PortalAccessRow
from gongkai.store.vocab import EventKind
from gongkai.web.ratelimit import PortalLimits, SlidingWindowLimiter, get_portal_limits

FORM = {
    "applicant_type": "natural_person",
    "name": "李春华",
    "id_document_type": "resident_id",
    "id_document": "11010519491231002X",
    "phone": "13912345678",
    "email": "lichunhua@example.cn",
    "address": "",
    "information": "吴村镇2024年度农村危房改造补助资金的发放名单",
    "form_wanted": "electronic",
    "delivery": "online",
    "declaration": "yes",
}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(web_app: FastAPI, web_settings: Settings) -> FakeClock:
    """The portal's limiters of ``web_app`` on a clock the test moves."""
    fake = FakeClock()
    limits = PortalLimits(web_settings, clock=fake)
    web_app.dependency_overrides[get_portal_limits] = lambda: limits
    return fake


@pytest.fixture
def citizen(web: TestClient, clock: FakeClock) -> TestClient:
    """An anonymous visitor (no log-in), from one address."""
    return web


def token(client: TestClient, url: str) -> str:
    return csrf_token(client, url)


def apply(client: TestClient, agency_id: int, **changes: str) -> tuple[str, str]:
    """Apply through the form; the number and query code as the receipt page shows them."""
    answer = client.post(
        f"/apply/{agency_id}",
        data={**FORM, **changes, "csrf_token": token(client, "/apply")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/apply/done"
    receipt = client.get("/apply/done")
    assert receipt.status_code == 200
    number = re.search(r'<strong class="number">([^<]+)</strong>', receipt.text)
    code = re.search(r'<strong class="code">([A-Z0-9]{8})</strong>', receipt.text)
    assert number and code, receipt.text
    return unescape(number.group(1)), code.group(1)


def count(factory: sessionmaker[Session], model: type[object]) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_a_citizen_applies_and_checks_the_status(
    citizen: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session], calendar: WorkCalendar
) -> None:
    town = agencies[1]
    listing = citizen.get("/apply")
    assert "青溪县吴村镇人民政府" in listing.text and f'href="/apply/{town}"' in listing.text
    form = citizen.get(f"/apply/{town}")
    for label in (
        "申请人类型",
        "姓名或者名称",
        "身份证明",
        "证件号码",
        "联系方式",
        "电子邮箱",
        "通信地址",
        "所需政府信息的名称、文号或者便于查询的其他特征性描述",
        "信息的形式",
        "获取信息的途径",
        "真实、准确",
    ):
        assert label in form.text, label
    assert form.text.count("<legend>") >= 5  # grouped fields have legends

    year = today_in_china().year
    number, code = apply(citizen, town)
    assert number == f"吴村〔{year}〕依申请第1号"
    with factory() as s:
        row = s.scalars(select(ApplicationRow)).one()
        app = get_application(session=s, agency_id=town, application_id=row.id)
    assert app.received_on == today_in_china() and app.applicant.name == "李春华"
    assert app.deadline.due_on == calendar.add_working_days(app.received_on, 20)

    again = citizen.get("/apply/done")  # the receipt is shown once
    assert again.status_code == 404 and code not in again.text

    status = citizen.post(
        "/status", data={"number": number, "code": code.lower(), "csrf_token": token(citizen, "/status")}
    )
    assert status.status_code == 200
    assert "已受理" in status.text and "青溪县吴村镇人民政府" in status.text
    assert (
        f"{app.deadline.due_on.year}年{app.deadline.due_on.month}月{app.deadline.due_on.day}日" in status.text
    )
    assert status.headers["cache-control"] == "no-store"
    assert "李春华" not in status.text and "13912345678" not in status.text  # the page names nobody


def test_the_status_follows_fees_and_extensions(
    citizen: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session], calendar: WorkCalendar
) -> None:
    town = agencies[1]
    number, code = apply(citizen, town)
    today = today_in_china()
    with factory() as s:
        app_id = s.scalars(select(ApplicationRow.id)).one()

    def state_after(**fields: object) -> str:
        with factory.begin() as s:
            add_event(
                session=s,
                agency_id=town,
                application_id=app_id,
                calendar=calendar,
                data=EventIn.model_validate({"actor": "周敏", "occurred_on": today, **fields}),
            )
        page = citizen.post(
            "/status", data={"number": number, "code": code, "csrf_token": token(citizen, "/status")}
        )
        assert page.status_code == 200
        found = re.search(r'<span class="badge badge-\w+">([^<]+)</span>', page.text)
        assert found, page.text
        return found.group(1)

    assert state_after(kind=EventKind.FEE_NOTICE, fee_method=FeeMethod.PER_APPLICATION) == "待缴费"
    assert state_after(kind=EventKind.FEE_PAID) == "已受理"
    assert (
        state_after(kind=EventKind.EXTENSION, approver="王主任", days=20, note="内部意见：拖一拖") == "已延期"
    )


def test_status_and_download_need_the_csrf_token(citizen: TestClient, agencies: tuple[int, int]) -> None:
    number, code = apply(citizen, agencies[1])
    assert citizen.post("/status", data={"number": number, "code": code}).status_code == 403
    assert citizen.post(f"/apply/{agencies[1]}", data=FORM).status_code == 403
    assert (
        citizen.post("/status/document", data={"number": number, "code": code, "notice_id": "1"}).status_code
        == 403
    )
    assert (
        citizen.get("/status", params={"number": number, "code": code}).status_code == 200
    )  # GET reveals nothing
    assert code not in citizen.get("/status", params={"number": number, "code": code}).text


def test_wrong_code_and_wrong_number_give_the_same_answer(
    citizen: TestClient, agencies: tuple[int, int]
) -> None:
    town = agencies[1]
    number, code = apply(citizen, town)
    _other_number, other_code = apply(citizen, town)
    wrong_code = "".join("3" if ch != "3" else "4" for ch in code)
    missing = number.replace("第1号", "第77号")
    answers = []
    for typed_number, typed_code in [(number, wrong_code), (missing, code), (number, other_code)]:
        page = citizen.post(
            "/status",
            data={"number": typed_number, "code": typed_code, "csrf_token": token(citizen, "/status")},
        )
        assert page.status_code == 404
        assert typed_code not in page.text
        answers.append(page.text.replace(typed_number, "NUMBER"))
    assert answers[0] == answers[1] == answers[2]
    assert "申请编号或者查询码不正确" in answers[0]


def test_a_form_with_gaps_is_shown_again_and_nothing_is_stored(
    citizen: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session]
) -> None:
    town = agencies[1]
    typed = {
        **FORM,
        "name": "王 小 明",
        "id_document": "",
        "phone": "",
        "email": "",
        "declaration": "",
        "delivery": "email",
        "information": "请提供2024年的道路维修合同",
    }
    page = citizen.post(
        f"/apply/{town}",
        data={**typed, "csrf_token": token(citizen, f"/apply/{town}")},
        follow_redirects=False,
    )
    assert page.status_code == 422
    text = page.text
    # the summary links to each field, and each message sits beside its field
    for field, message in [
        ("id_document", "请填写证件号码"),
        ("contact", "请至少填写一种联系方式"),
        ("declaration", "请确认所填信息真实、准确后勾选承诺"),
    ]:
        assert f'href="#f-{field}"' in text, field
        assert re.search(rf'id="e-{field}">{message}', text), field
    assert 'aria-invalid="true"' in text and 'role="alert"' in text
    assert 'value="王 小 明"' in text and "请提供2024年的道路维修合同</textarea>" in text  # kept as typed
    assert re.search(r'name="delivery" value="email" id="f-delivery-email" checked', text)
    assert count(factory, ApplicationRow) == 0 and count(factory, PortalAccessRow) == 0


def test_the_eleventh_application_in_an_hour_is_refused(
    citizen: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session], clock: FakeClock
) -> None:
    town = agencies[1]
    bad = citizen.post(f"/apply/{town}", data={**FORM, "name": "", "csrf_token": token(citizen, "/apply")})
    assert bad.status_code == 422  # a form sent back for correction does not use up the allowance
    for _ in range(10):
        apply(citizen, town)
        clock.now += 60
    refused = citizen.post(
        f"/apply/{town}", data={**FORM, "csrf_token": token(citizen, "/apply")}, follow_redirects=False
    )
    assert refused.status_code == 429
    assert "请求过于频繁" in refused.text and "网上申请过于频繁" in refused.text
    assert int(refused.headers["retry-after"]) == 3600 - 600
    assert count(factory, ApplicationRow) == 10
    clock.now += 3600 - 600  # the first application of the hour leaves the window
    apply(citizen, town)
    assert count(factory, ApplicationRow) == 11


def test_status_queries_are_limited(citizen: TestClient, agencies: tuple[int, int], clock: FakeClock) -> None:
    csrf = token(citizen, "/status")
    answers = [
        citizen.post(
            "/status", data={"number": "2025-0001", "code": "ABCDEFGH", "csrf_token": csrf}
        ).status_code
        for _ in range(21)
    ]
    assert answers == [404] * 20 + [429]
    clock.now += 61
    assert citizen.post("/status", data={"number": "x", "code": "y", "csrf_token": csrf}).status_code == 404


def test_the_reply_is_downloaded_with_its_own_code_only(
    citizen: TestClient,
    agencies: tuple[int, int],
    factory: sessionmaker[Session],
    calendar: WorkCalendar,
) -> None:
    town = agencies[1]
    number, code = apply(citizen, town)
    other_number, other_code = apply(citizen, town)
    with factory.begin() as s:
        ids = list(s.scalars(select(ApplicationRow.id).order_by(ApplicationRow.id)))
        reply = issue_notice(
            session=s,
            agency_id=town,
            application_id=ids[0],
            kind=NoticeKind.REPLY,
            issued_on=today_in_china(),
            actor="周敏",
            outcome="granted",
            fields={"答复内容": "现将名单提供给您。"},
            calendar=calendar,
        )
    page = citizen.post(
        "/status", data={"number": number, "code": code, "csrf_token": token(citizen, "/status")}
    )
    assert "政府信息公开申请答复书" in page.text and reply.notice.number in page.text
    assert f'name="notice_id" value="{reply.notice.id}"' in page.text
    csrf = token(citizen, "/status")
    got = citizen.post(
        "/status/document",
        data={"number": number, "code": code, "notice_id": str(reply.notice.id), "csrf_token": csrf},
    )
    assert got.status_code == 200 and got.content == reply.document
    assert got.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "filename*=UTF-8''" in got.headers["content-disposition"]
    assert got.headers["cache-control"] == "no-store"

    other = citizen.post("/status", data={"number": other_number, "code": other_code, "csrf_token": csrf})
    assert other.status_code == 200 and reply.notice.number not in other.text
    for typed_number, typed_code in [(other_number, other_code), (number, other_code)]:
        refused = citizen.post(
            "/status/document",
            data={
                "number": typed_number,
                "code": typed_code,
                "notice_id": str(reply.notice.id),
                "csrf_token": csrf,
            },
        )
        assert refused.status_code == 404 and refused.content != reply.document


def test_what_the_applicant_typed_is_text(
    citizen: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session]
) -> None:
    town = agencies[1]
    script = '<script>alert("x")</script>'
    page = citizen.post(
        f"/apply/{town}",
        data={**FORM, "information": script, "name": "", "csrf_token": token(citizen, "/apply")},
    )
    assert page.status_code == 422
    assert script not in page.text and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    number, code = apply(citizen, town, information=script)
    with factory() as s:
        assert s.scalars(select(ApplicationRow.information)).one() == script  # stored as typed, shown as text
    status = citizen.post(
        "/status", data={"number": number, "code": code, "csrf_token": token(citizen, "/status")}
    )
    assert status.status_code == 200 and "<script>" not in status.text
    hostile = citizen.post(
        "/status",
        data={"number": f"{number}<b>x</b>", "code": "ABCDEFGH", "csrf_token": token(citizen, "/status")},
    )
    assert "<b>x</b>" not in hostile.text and "&lt;b&gt;x&lt;/b&gt;" in hostile.text


def test_no_personal_data_in_urls(citizen: TestClient, agencies: tuple[int, int]) -> None:
    town = agencies[1]
    answer = citizen.post(
        f"/apply/{town}", data={**FORM, "csrf_token": token(citizen, "/apply")}, follow_redirects=False
    )
    assert answer.headers["location"] == "/apply/done"
    cookie = answer.headers["set-cookie"]
    assert (
        "path=/apply/done" in cookie.lower()
        and "httponly" in cookie.lower()
        and "samesite=strict" in cookie.lower()
    )
    assert "李春华" not in unescape(cookie) and "1101051949" not in cookie  # the receipt cookie is encrypted


def test_the_window_slides_and_is_thread_safe() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(3, 10.0, clock)
    answers = []
    for step in (0, 1, 2, 3, 9.5, 10, 10.5, 11):
        clock.now = 1000.0 + step
        answers.append(limiter.admit("a").admitted)
    # 3 at t=0,1,2; refused until the first leaves the window at t=10, the second at t=11
    assert answers == [True, True, True, False, False, True, False, True]
    clock.now = 1011.5
    refused = limiter.admit("a")
    assert not refused.admitted and refused.retry_after == pytest.approx(0.5)
    assert limiter.admit("b").admitted  # each address has its own window
    kept = limiter.admit("b")
    limiter.give_back("b", kept)
    assert limiter.used("b") == 1

    clock.now = 5000.0
    limiter.admit("c")
    assert set(limiter._admitted) == {"c"}  # addresses not seen for a window are forgotten

    many = SlidingWindowLimiter(50, 60.0)
    admitted: list[bool] = []
    lock = threading.Lock()

    def hammer() -> None:
        mine = [many.admit("same").admitted for _ in range(100)]
        with lock:
            admitted.extend(mine)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert admitted.count(True) == 50 and len(admitted) == 800
