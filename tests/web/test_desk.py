"""The staff workbench through the real web application (log-in, CSRF, roles) on SQLite and PostgreSQL: the queue,
registering an application, events as forms, the extension requested by a clerk and approved by the head
(第三十三条第二款), the reply with its table-三 outcome, notices, isolation between agencies, and forms with
errors. "Today" is fixed by overriding the ``today_in_china`` dependency."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date as D

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.ledger.helpers import close, event, new_application
from tests.web.conftest import login, post_form

from gongkai.accounts.roles import User
from gongkai.api.deps import today_in_china
from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import get_application
from gongkai.ledger.extensions import pending_extensions
from gongkai.store.vocab import EventKind

TODAY = D(2025, 9, 30)


@pytest.fixture
def today(web_app: FastAPI) -> D:
    web_app.dependency_overrides[today_in_china] = lambda: TODAY
    return TODAY


@pytest.fixture
def second(web_app: FastAPI) -> Iterator[TestClient]:
    """Another browser: a second user signed in at the same time."""
    with TestClient(web_app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


def rows(html: str) -> list[tuple[str, str]]:
    """(code, badge text) of each line of the queue, in page order."""
    body = html.split("<tbody>", 2)[-1]
    found = re.findall(r'applications/\d+">(\d{4}-\d{4})</a>.*?class="badge badge-\w+">([^<]+)</span>', body, re.S)
    return [(code, badge) for code, badge in found]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_queue_is_sorted_by_due_date_with_badges_and_masked_names(
    web: TestClient, web_app: FastAPI, staff: dict[str, User], factory: sessionmaker[Session],
    agencies: tuple[int, int], calendar: WorkCalendar,
) -> None:
    a = agencies[0]
    web_app.dependency_overrides[today_in_china] = lambda: D(2025, 3, 24)
    with factory.begin() as s:
        later = new_application(s, a, D(2025, 3, 20), calendar, name="王芳")  # due 2025-04-18
        late = new_application(s, a, D(2025, 2, 10), calendar, name="张晓明")  # due 2025-03-10
        soon = new_application(s, a, D(2025, 3, 3), calendar, name="李娜")  # due 2025-03-31: 5 working days
        done = new_application(s, a, D(2025, 2, 11), calendar, name="赵磊")
        close(s, a, done, D(2025, 3, 1), "granted", calendar)
    login(web, "clerk1")
    page = web.get(f"/desk/{a}/?status=all")
    assert page.status_code == 200
    assert rows(page.text) == [
        (late.code, "已逾期"), (done.code, "已办结"), (soon.code, "即将到期"), (later.code, "办理中"),
    ]
    assert "李*" in page.text and "李娜" not in page.text and "张*明" in page.text and "张晓明" not in page.text
    open_only = web.get(f"/desk/{a}/")
    assert [c for c, _ in rows(open_only.text)] == [late.code, soon.code, later.code]
    assert [c for c, _ in rows(web.get(f"/desk/{a}/?status=overdue").text)] == [late.code]
    assert [c for c, _ in rows(web.get(f"/desk/{a}/?status=soon").text)] == [soon.code]
    assert [c for c, _ in rows(web.get(f"/desk/{a}/?status=closed").text)] == [done.code]
    assert [c for c, _ in rows(web.get(f"/desk/{a}/?status=all&q={soon.code}").text)] == [soon.code]
    assert rows(web.get(f"/desk/{a}/?status=all&year=2024").text) == []
    assert "尚余 5 个工作日" in page.text


def test_clerk_registers_corrects_extends_with_the_heads_approval_and_replies(
    web: TestClient, second: TestClient, today: D, staff: dict[str, User], factory: sessionmaker[Session],
    agencies: tuple[int, int],
) -> None:
    a = agencies[0]
    login(web, "clerk1")
    new = f"/desk/{a}/applications/new"
    answer = post_form(web, new, {
        "applicant_type": "natural_person", "applicant_name": "张晓明", "id_document_type": "resident_id",
        "id_document": "110101199001011234", "phone": "13812345678", "channel": "POST",
        "signed_for": "2025-09-01", "information": "2025年食品安全抽检结果", "form_wanted": "paper",
        "delivery": "post",
    })
    assert answer.status_code == 303
    url = answer.headers["location"]
    app_id = int(url.rsplit("/", 1)[1])
    page = web.get(url)
    assert page.status_code == 200 and "2025年9月28日" in page.text  # 20 working days after 9-01 (9-28 调休上班)
    assert "张*明" in page.text and "138****5678" in page.text and "13812345678" not in page.text

    def record(form: str, **data: str) -> str:
        version = str(get_version())
        done = post_form(web, f"{url}/events/{form}", {"expected_version": version, **data}, form_page=url)
        assert done.status_code == 303, text_of(done.text)[:800]
        return web.get(url).text

    def get_version() -> int:
        with factory() as s:
            return get_application(session=s, agency_id=a, application_id=app_id).version

    record("correction_requested", occurred_on="2025-09-03", note="请写明抽检批次")
    shown = record("correction_received", occurred_on="2025-09-10")
    assert "2025年10月14日" in shown  # restarts after 9-10: 20 working days (国庆 10/1–10/8, 10/11 调休)

    asked = post_form(web, f"{url}/extension-requests", {"days": "20", "reason": "需调取档案", "requested_on": "2025-09-25"},
                      form_page=url)
    assert asked.status_code == 303
    pending = web.get(url).text
    assert "待负责人审批" in pending and "2025年10月14日" in pending
    with factory() as s:
        (request_id,) = [r.id for r in pending_extensions(session=s, agency_id=a)]
    assert f"/extension-requests/{request_id}" not in pending  # the clerk sees no approval form

    refused = post_form(web, f"{url}/extension-requests/{request_id}", {"decision": "approve", "decided_on": "2025-09-26"},
                        form_page=url)
    assert refused.status_code == 403  # a clerk does not approve: 第三十三条第二款 needs the head
    with factory() as s:
        assert not any(e.kind is EventKind.EXTENSION for e in get_application(session=s, agency_id=a, application_id=app_id).events)

    login(second, "head1")
    queue = second.get(f"/desk/{a}/")
    assert "待您审批的延期申请" in queue.text and "需调取档案" in queue.text
    head_page = second.get(url).text
    assert f'action="/desk/{a}/applications/{app_id}/extension-requests/{request_id}"' in head_page
    approved = post_form(second, f"{url}/extension-requests/{request_id}",
                         {"decision": "approve", "decided_on": "2025-09-26", "expected_version": "1"}, form_page=url)
    assert approved.status_code == 303
    moved = web.get(url).text
    assert "2025年11月11日" in moved and f"批准人：{staff['head1'].actor}" in moved
    with factory() as s:
        ext = [e for e in get_application(session=s, agency_id=a, application_id=app_id).events
               if e.kind is EventKind.EXTENSION]
    assert len(ext) == 1 and ext[0].approver == staff["head1"].actor and ext[0].days == 20
    assert "待您审批的延期申请" not in second.get(f"/desk/{a}/").text

    closed = record("reply", occurred_on="2025-09-30", outcome="partially_granted", note="部分涉及第三方")
    assert "已办结" in closed and "（二）部分公开" in closed
    with factory() as s:
        app = get_application(session=s, agency_id=a, application_id=app_id)
    assert app.outcome == "partially_granted" and app.closed_on == TODAY and app.deadline.due_on == D(2025, 11, 11)
    assert f'{url}/events/' not in closed  # closed: no event form any more

    issued = post_form(web, f"{url}/notices", {"kind": "reply", "issued_on": "2025-09-30", "ph0": "见附件",
                                                "ph1": "涉及第三方个人隐私"}, form_page=url)
    assert issued.status_code == 303
    link = re.search(rf'href="(/desk/{a}/applications/{app_id}/notices/\d+)"', web.get(url).text)
    assert link is not None
    docx = web.get(link.group(1))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_another_agency_gets_404_and_oversight_reads_without_forms(
    web: TestClient, today: D, staff: dict[str, User], factory: sessionmaker[Session], agencies: tuple[int, int],
    calendar: WorkCalendar,
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        app = new_application(s, a, D(2025, 9, 1), calendar)
    url = f"/desk/{a}/applications/{app.id}"
    login(web, "clerk2")
    for path in (url, f"/desk/{a}/", f"/desk/{a}/applications/new"):
        assert web.get(path).status_code == 404
    own = web.get(f"/desk/{agencies[1]}/")
    token = re.search(r'name="csrf-token" content="([^"]+)"', own.text)
    assert token is not None
    sneaky = web.post(f"{url}/events/correction_requested", data={"csrf_token": token.group(1),
                                                                   "occurred_on": "2025-09-03"})
    assert sneaky.status_code == 404
    with factory() as s:
        assert get_application(session=s, agency_id=a, application_id=app.id).events == ()

    reader = TestClient(web.app, raise_server_exceptions=False, follow_redirects=False)
    login(reader, "oversight")
    page = reader.get(url)
    assert page.status_code == 200 and "张*明" in page.text
    assert 'method="post" action="/desk/' not in page.text and "登记申请" not in reader.get(f"/desk/{a}/").text
    assert post_form(reader, f"{url}/events/correction_requested", {"occurred_on": "2025-09-03"},
                     form_page=url).status_code == 404


def test_forms_with_errors_show_messages_and_escape_what_was_typed(
    web: TestClient, today: D, staff: dict[str, User], factory: sessionmaker[Session], agencies: tuple[int, int],
    calendar: WorkCalendar,
) -> None:
    a = agencies[0]
    login(web, "clerk1")
    new = f"/desk/{a}/applications/new"
    typed = '<script>alert("x")</script>'
    bad = post_form(web, new, {"applicant_type": "natural_person", "applicant_name": "", "channel": "IN_PERSON",
                               "information": typed, "note": "2025-13-01"})
    assert bad.status_code == 422
    assert 'id="app-applicant_name-e">不能为空' in bad.text
    assert 'id="app-handed_in-e">按所选提交方式，须填写此日期（第三十一条）' in bad.text
    assert typed not in bad.text and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in bad.text
    future = post_form(web, new, {"applicant_type": "business", "applicant_name": "青溪食品公司", "channel": "FAX",
                                  "confirmed": "2025-10-09", "information": "抽检结果"})
    assert future.status_code == 422 and "不能晚于今天" in future.text

    with factory.begin() as s:
        app = new_application(s, a, D(2025, 9, 1), calendar, name=typed)
        event(s, a, app, calendar, kind=EventKind.CORRECTION_REQUESTED, occurred_on=D(2025, 9, 2), note=typed)
    url = f"/desk/{a}/applications/{app.id}"
    page = web.get(url)
    assert typed not in page.text and "&lt;script&gt;" in page.text
    wrong = post_form(web, f"{url}/events/correction_received", {"occurred_on": "2025-02-30", "expected_version": "2"},
                      form_page=url)
    assert wrong.status_code == 422 and 'id="correction_received-occurred_on-e">应为日期' in wrong.text
    early = post_form(web, f"{url}/events/correction_received", {"occurred_on": "2025-08-01", "expected_version": "2"},
                      form_page=url)
    assert early.status_code == 422 and "早于收到申请之日" in early.text
    stale = post_form(web, f"{url}/events/correction_received", {"occurred_on": "2025-09-05", "expected_version": "1"},
                      form_page=url)
    assert stale.status_code == 409 and "此申请已被他人修改" in stale.text
    too_long = post_form(web, f"{url}/extension-requests", {"days": "21", "reason": "", "requested_on": "2025-09-05"},
                         form_page=url)
    assert too_long.status_code == 422
    assert "最长不得超过20个工作日" in too_long.text and "请说明需要延长答复期限的理由" in too_long.text
    no_outcome = post_form(web, f"{url}/events/reply", {"occurred_on": "2025-09-05", "expected_version": "2"},
                           form_page=url)
    assert no_outcome.status_code == 422 and "请选择办理结果" in no_outcome.text
    with factory() as s:
        assert len(get_application(session=s, agency_id=a, application_id=app.id).events) == 1  # nothing saved
