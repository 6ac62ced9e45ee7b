"""The records pages: the 主动公开 register and its review chain (each step signed by its role), 行政复议/行政诉讼
cases, and the table 二 registers with CSV import — through the real log-in, CSRF tokens and forms, on SQLite and
PostgreSQL.

Today is pinned (2026-11-20, a Friday, inside the shipped 2026 calendar) so the 20-working-day limit of 第二十六条
gives the same answer whenever the tests run.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.orm import Session, sessionmaker
from tests.ledger.helpers import new_application
from tests.web.conftest import login, post_form

from gongkai.accounts.roles import User
from gongkai.api.deps import now_in_china, today_in_china
from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import list_appeals, list_documents, tallies
from gongkai.ledger.record_views import get_item
from gongkai.store.vocab import AppealOutcome, TallyItem

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 10, 30)


@pytest.fixture
def client(web_app: FastAPI, web: TestClient, staff: dict[str, User]) -> TestClient:
    """A client of the web desk with the accounts created and today pinned."""
    web_app.dependency_overrides[today_in_china] = lambda: TODAY
    web_app.dependency_overrides[now_in_china] = lambda: NOW
    return web


def text_of(html: str) -> str:
    """The page as a reader sees it: tags dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def post_forms(html: str) -> list[str]:
    """The actions of the page's POST forms, the log-out form of the layout left out."""
    actions = re.findall(r'<form method="post" action="([^"]+)"', html)
    return [a for a in actions if a != "/logout"]


def counts_table(html: str) -> str:
    """The text of the table 二 item （一） counts on the registers page."""
    found = re.search(r'<table class="data" id="document-counts">.*?</table>', html, re.S)
    assert found is not None, "no counts table"
    return text_of(found.group(0))


def new_item(client: TestClient, agency: int, title: str, formed_on: date, category: int = 7) -> int:
    r = post_form(client, f"/desk/{agency}/proactive",
                  {"title": title, "category": str(category), "formed_on": formed_on.isoformat()})
    assert r.status_code == 303, text_of(r.text)
    m = re.fullmatch(rf"/desk/{agency}/proactive/(\d+)", r.headers["location"])
    assert m is not None, r.headers["location"]
    return int(m.group(1))


def sign(client: TestClient, agency: int, item: int, step: str, decision: str = "approved", comment: str = "") -> Response:
    return post_form(client, f"/desk/{agency}/proactive/{item}/review",
                     {"step": step, "decision": decision, "comment": comment})


# ---------------------------------------------------------------- 主动公开


def test_chain_signed_in_order_by_its_roles_then_published(
    client: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session], calendar: WorkCalendar,
    staff: dict[str, User],
) -> None:
    a = agencies[0]
    login(client, "clerk1")
    item = new_item(client, a, "2026年部门预算", date(2026, 11, 16))
    page = client.get(f"/desk/{a}/proactive/{item}").text
    assert "签署：承办人拟稿" in text_of(page)
    assert sign(client, a, item, "drafter", comment="拟公开").status_code == 303
    page = client.get(f"/desk/{a}/proactive/{item}").text
    assert f"/desk/{a}/proactive/{item}/review" not in post_forms(page)  # the reviewer's step: no form for a clerk
    assert "下一步“保密审查”须由审核人签署" in text_of(page)

    login(client, "reviewer1")
    assert "签署：保密审查" in text_of(client.get(f"/desk/{a}/proactive/{item}").text)
    assert sign(client, a, item, "confidentiality", comment="不涉密").status_code == 303
    login(client, "head1")
    assert sign(client, a, item, "leader").status_code == 303

    page = client.get(f"/desk/{a}/proactive/{item}").text
    assert "审查完成，待公开" in text_of(page)
    assert f"/desk/{a}/proactive/{item}/publication" in post_forms(page)
    r = post_form(client, f"/desk/{a}/proactive/{item}/publication",
                  {"channels": ["portal", "wechat"], "published_on": "2026-11-20", "url": "https://qx.gov.cn/ys"})
    assert r.status_code == 303
    shown = text_of(client.get(r.headers["location"]).text)
    assert "已登记于2026年11月20日在门户网站、微信公众号公开" in shown  # the flash after the redirect
    assert "按时公开" in shown and "逾期" not in shown

    with factory() as s:
        done = get_item(session=s, agency_id=a, item_id=item, calendar=calendar)
    assert [(st.step.value, st.decision.value) for st in done.review] == [
        ("drafter", "approved"), ("confidentiality", "approved"), ("leader", "approved")]
    assert [st.reviewer for st in done.review] == [staff[u].actor for u in ("clerk1", "reviewer1", "head1")]
    assert done.review[0].decided_at == NOW and done.review[0].comment == "拟公开"
    assert done.published_on == date(2026, 11, 20) and done.published_late is False
    assert [p.channel.value for p in done.publications] == ["portal", "wechat"]


def test_a_clerk_posting_the_confidentiality_step_gets_403(
    client: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    login(client, "clerk1")
    item = new_item(client, a, "行政许可事项目录", date(2026, 11, 16), category=5)
    assert sign(client, a, item, "drafter").status_code == 303
    r = sign(client, a, item, "confidentiality")
    assert r.status_code == 403
    assert "须由审核人签署" in text_of(r.text)
    login(client, "reviewer1")  # nor may the reviewer sign for the head
    assert sign(client, a, item, "confidentiality").status_code == 303
    assert sign(client, a, item, "leader").status_code == 403
    with factory() as s:
        assert [st.step.value for st in get_item(session=s, agency_id=a, item_id=item, calendar=calendar).review] == [
            "drafter", "confidentiality"]


def test_a_step_out_of_order_or_returned_follows_the_ledger(
    client: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    login(client, "head1")
    item = new_item(client, a, "重大建设项目批准情况", date(2026, 11, 16), category=10)
    r = sign(client, a, item, "leader")  # the head, but before the drafter
    assert r.status_code == 422 and "下一步应为“承办人拟稿”" in text_of(r.text)
    login(client, "clerk1")
    assert sign(client, a, item, "drafter").status_code == 303
    login(client, "reviewer1")
    assert sign(client, a, item, "confidentiality", "returned", "删去个人信息").status_code == 303
    page = text_of(client.get(f"/desk/{a}/proactive/{item}").text)
    assert "待承办人拟稿" in page and "退回修改" in page and "删去个人信息" in page
    with factory() as s:
        assert len(get_item(session=s, agency_id=a, item_id=item, calendar=calendar).review) == 2


def test_publishing_before_the_chain_is_complete_is_refused(
    client: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    login(client, "clerk1")
    item = new_item(client, a, "机构设置", date(2026, 11, 16), category=2)
    assert sign(client, a, item, "drafter").status_code == 303
    page = client.get(f"/desk/{a}/proactive/{item}").text
    assert f"/desk/{a}/proactive/{item}/publication" not in post_forms(page)
    assert "先审查、后公开：领导签发后方可登记公开" in text_of(page)
    r = post_form(client, f"/desk/{a}/proactive/{item}/publication",
                  {"channels": ["portal"], "published_on": "2026-11-20"})
    assert r.status_code == 422
    assert "未完成承办人 → 保密审查 → 领导签发的审查，不能公开（先审查、后公开）" in text_of(r.text)
    with factory() as s:
        found = get_item(session=s, agency_id=a, item_id=item, calendar=calendar)
    assert found.published_on is None and found.publications == ()


def test_late_publication_is_flagged(
    client: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    login(client, "clerk1")
    late = new_item(client, a, "食品抽检结果", date(2026, 9, 1), category=13)  # due 2026-09-29 (20 working days)
    soon = new_item(client, a, "社会救助政策", date(2026, 11, 18), category=11)  # due 2026-12-16
    listing = client.get(f"/desk/{a}/proactive").text
    row = re.search(r"<tr class=\"late\">.*?</tr>", listing, re.S)
    assert row is not None and "食品抽检结果" in row.group(0) and "已逾期未公开" in text_of(row.group(0))
    assert "2026年9月29日" in text_of(row.group(0))
    assert "剩 18 个工作日" in text_of(listing)
    only_late = text_of(client.get(f"/desk/{a}/proactive?late=1").text)
    assert "食品抽检结果" in only_late and "社会救助政策" not in only_late

    for user, step in (("clerk1", "drafter"), ("reviewer1", "confidentiality"), ("head1", "leader")):
        login(client, user)
        assert sign(client, a, late, step).status_code == 303
    r = post_form(client, f"/desk/{a}/proactive/{late}/publication", {"channels": ["portal"], "published_on": "2026-11-20"})
    assert r.status_code == 303
    assert "超过第二十六条规定的20个工作日" in text_of(client.get(r.headers["location"]).text)
    page = text_of(client.get(f"/desk/{a}/proactive/{late}").text)
    assert "逾期公开" in page
    published = text_of(client.get(f"/desk/{a}/proactive?stage=published").text)
    assert "食品抽检结果" in published and "逾期公开" in published and "社会救助政策" not in published
    with factory() as s:
        assert get_item(session=s, agency_id=a, item_id=late, calendar=calendar).published_late is True
        assert get_item(session=s, agency_id=a, item_id=soon, calendar=calendar).published_on is None


def test_an_item_form_with_errors_is_shown_again(client: TestClient, agencies: tuple[int, int]) -> None:
    a = agencies[0]
    login(client, "clerk1")
    r = post_form(client, f"/desk/{a}/proactive", {"title": "  ", "category": "16", "formed_on": "2026-12-01"})
    assert r.status_code == 422
    page = text_of(r.text)
    assert "「标题」不能为空" in page and "「第二十条类别」不能大于 15" in page
    assert "没有符合条件的事项" in page


# ---------------------------------------------------------------- 行政复议、行政诉讼


def test_an_appeal_recorded_and_decided_appears_in_the_list(
    client: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        app = new_application(s, a, date(2026, 3, 2), calendar)
    login(client, "clerk1")
    r = post_form(client, f"/desk/{a}/appeals", {"kind": "reconsideration", "filed_on": "2026-04-20",
                                                 "application": "2026-0099", "case_number": "青复〔2026〕3号"})
    assert r.status_code == 422 and "本机关没有申请“2026-0099”" in text_of(r.text)
    r = post_form(client, f"/desk/{a}/appeals", {
        "kind": "reconsideration", "filed_on": "2026-04-20", "application": app.number,
        "case_number": "青复〔2026〕3号", "body": "青溪县人民政府"})
    assert r.status_code == 303
    listing = client.get(r.headers["location"]).text
    assert "已登记行政复议案件（尚未审结）" in text_of(listing)
    with factory() as s:
        (case,) = list_appeals(session=s, agency_id=a, year=2026)
    assert case.application_id == app.id and case.outcome is AppealOutcome.PENDING
    assert f'href="/desk/{a}/applications/{app.id}"' in listing
    decide = f"/desk/{a}/appeals/{case.id}/decision"
    assert decide in post_forms(listing)

    r = post_form(client, decide, {"outcome": "corrected", "decided_on": "2026-04-01"})
    assert r.status_code == 422 and "早于立案（申请）日期" in text_of(r.text)
    r = post_form(client, decide, {"outcome": "corrected", "decided_on": "2026-06-15"})
    assert r.status_code == 303
    row = re.search(r"<tr>\s*<th scope=\"row\">行政复议.*?</tr>", client.get(f"/desk/{a}/appeals?year=2026").text, re.S)
    assert row is not None
    cells = text_of(row.group(0))
    assert "结果纠正" in cells and "2026年6月15日" in cells and app.code in cells and "青复〔2026〕3号" in cells
    assert decide not in post_forms(row.group(0))
    assert "没有案件" in text_of(client.get(f"/desk/{a}/appeals?year=2025").text)


# ---------------------------------------------------------------- table 二 registers


def test_a_document_added_and_repealed(
    client: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session]
) -> None:
    a = agencies[0]
    login(client, "clerk1")
    r = post_form(client, f"/desk/{a}/registers/documents", {
        "kind": "normative_documents", "title": "青溪县市场主体登记管理办法", "document_number": "青市监规〔2026〕1号",
        "issued_on": "2026-02-01", "year": "2026"})
    assert r.status_code == 303 and r.headers["location"] == f"/desk/{a}/registers?year=2026"
    with factory() as s:
        (doc,) = list_documents(session=s, agency_id=a)
    page = client.get(r.headers["location"]).text
    assert "现行有效" in text_of(page)
    assert "行政规范性文件 1 0 1" in counts_table(page)
    repeal = f"/desk/{a}/registers/documents/{doc.id}/repeal"
    assert repeal in post_forms(page)
    r = post_form(client, repeal, {"repealed_on": "2025-12-31", "year": "2026"})
    assert r.status_code == 422 and "早于制发日期" in text_of(r.text)
    r = post_form(client, repeal, {"repealed_on": "2026-10-01", "year": "2026"})
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "已登记“青溪县市场主体登记管理办法”于2026年10月1日废止" in text_of(page)
    assert "行政规范性文件 1 1 0" in counts_table(page)
    assert repeal not in post_forms(page)
    with factory() as s:
        (doc,) = list_documents(session=s, agency_id=a)
    assert doc.repealed_on == date(2026, 10, 1)


def test_yearly_figures_are_entered_per_year(
    client: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session]
) -> None:
    a = agencies[0]
    login(client, "clerk1")
    r = post_form(client, f"/desk/{a}/registers/tallies", {"year": "2025", "item": "fees", "value": "12.5"})
    assert r.status_code == 303 and r.headers["location"] == f"/desk/{a}/registers?year=2025"
    r = post_form(client, f"/desk/{a}/registers/tallies", {"year": "2025", "item": "licensing", "value": "-1"})
    assert r.status_code == 422 and "「数量」不能小于 0" in text_of(r.text)
    assert post_form(client, f"/desk/{a}/registers/tallies",
                     {"year": "2025", "item": "licensing", "value": "340"}).status_code == 303
    page = text_of(client.get(f"/desk/{a}/registers?year=2025").text)
    assert "行政许可（件） 340" in page and "行政事业性收费（万元） 12.5" in page and "行政处罚（件） 未录入" in page
    with factory() as s:
        assert tallies(session=s, agency_id=a, year=2025)[TallyItem.LICENSING].decisions == 340
        assert tallies(session=s, agency_id=a, year=2026) == {}


def test_a_bad_csv_names_line_and_column_and_stores_nothing(
    client: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session]
) -> None:
    a = agencies[0]
    login(client, "clerk1")
    bad = "类别,标题,文号,制发日期,废止日期\n规章,青溪县某办法,,2026-01-05,\n行政规范性文件,某通知,,2026-13-01,\n"
    r = post_form(client, f"/desk/{a}/registers/import", {"year": "2026"},
                  files={"file": ("registers.csv", bad.encode("utf-8"), "text/csv")})
    assert r.status_code == 422
    assert "registers.csv 第3行「制发日期」列：“2026-13-01”不是日期" in text_of(r.text)
    assert "整个文件未导入" in text_of(r.text)
    with factory() as s:
        assert list_documents(session=s, agency_id=a) == []
    good = bad.replace("2026-13-01", "2026-03-01")
    r = post_form(client, f"/desk/{a}/registers/import", {"year": "2026"},
                  files={"file": ("registers.csv", good.encode("gb18030"), "text/csv")})
    assert r.status_code == 303
    assert "已导入 registers.csv（文件登记）：新增 2 条，更新 0 条" in text_of(client.get(r.headers["location"]).text)
    with factory() as s:
        assert [d.title for d in list_documents(session=s, agency_id=a)] == ["青溪县某办法", "某通知"]


# ---------------------------------------------------------------- access


def test_another_agencys_clerk_gets_404(
    client: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session], calendar: WorkCalendar
) -> None:
    a, b = agencies
    login(client, "clerk1")
    item = new_item(client, a, "机关职能", date(2026, 11, 16), category=2)
    login(client, "clerk2")
    for path in (f"/desk/{a}/proactive", f"/desk/{a}/proactive/{item}", f"/desk/{a}/appeals", f"/desk/{a}/registers",
                 f"/desk/{b}/proactive/{item}"):
        assert client.get(path).status_code == 404, path
    for path, data in (
        (f"/desk/{a}/proactive", {"title": "x", "category": "1", "formed_on": "2026-11-16"}),
        (f"/desk/{a}/proactive/{item}/review", {"step": "drafter", "decision": "approved"}),
        (f"/desk/{b}/proactive/{item}/review", {"step": "drafter", "decision": "approved"}),
        (f"/desk/{a}/appeals", {"kind": "reconsideration", "filed_on": "2026-11-16"}),
        (f"/desk/{a}/registers/documents", {"kind": "regulations", "title": "x", "issued_on": "2026-01-01"}),
    ):
        assert post_form(client, path, data).status_code == 404, path
    assert client.get(f"/desk/{b}/proactive").status_code == 200  # their own agency
    with factory() as s:
        assert get_item(session=s, agency_id=a, item_id=item, calendar=calendar).review == ()
        assert list_appeals(session=s, agency_id=a) == [] and list_documents(session=s, agency_id=a) == []


def test_oversight_reads_without_forms(client: TestClient, agencies: tuple[int, int]) -> None:
    a = agencies[0]
    login(client, "clerk1")
    item = new_item(client, a, "统计信息", date(2026, 11, 16), category=4)
    login(client, "oversight")
    for path in (f"/desk/{a}/proactive", f"/desk/{a}/proactive/{item}", f"/desk/{a}/appeals", f"/desk/{a}/registers"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert post_forms(r.text) == [], path
        assert "只读" in text_of(r.text)
    assert post_form(client, f"/desk/{a}/proactive/{item}/review",
                     {"step": "drafter", "decision": "approved"}).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client: TestClient, agencies: tuple[int, int]) -> None:
    r = client.get(f"/desk/{agencies[0]}/proactive", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_user_input_is_escaped(client: TestClient, agencies: tuple[int, int]) -> None:
    a = agencies[0]
    evil = '<script>alert("x")</script>'
    login(client, "clerk1")
    item = new_item(client, a, evil, date(2026, 11, 16))
    assert sign(client, a, item, "drafter", comment=evil).status_code == 303
    r = post_form(client, f"/desk/{a}/appeals", {"kind": "reconsideration", "filed_on": "2026-11-16",
                                                 "case_number": evil, "body": evil})
    assert r.status_code == 303
    r = post_form(client, f"/desk/{a}/registers/documents", {"kind": "regulations", "title": evil,
                                                             "issued_on": "2026-01-01", "year": "2026"})
    assert r.status_code == 303
    bad = f"类别,标题,文号,制发日期,废止日期\n{evil},x,,2026-01-01,\n"
    r = post_form(client, f"/desk/{a}/registers/import", {"year": "2026"},
                  files={"file": ("<img src=x onerror=alert(1)>.csv", bad.encode(), "text/csv")})
    assert r.status_code == 422
    pages = [client.get(p).text for p in (f"/desk/{a}/proactive", f"/desk/{a}/proactive/{item}",
                                          f"/desk/{a}/appeals", f"/desk/{a}/registers")] + [r.text]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
    assert all("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html for html in pages[:4])
    assert "&lt;img src=x onerror=alert(1)&gt;.csv" in pages[4]


def test_a_javascript_url_is_not_accepted_as_a_publication_address(
    client: TestClient, agencies: tuple[int, int]
) -> None:
    a = agencies[0]
    for user, step in (("clerk1", "drafter"), ("reviewer1", "confidentiality"), ("head1", "leader")):
        login(client, user)
        if user == "clerk1":
            item = new_item(client, a, "收费标准", date(2026, 11, 16), category=8)
        assert sign(client, a, item, step).status_code == 303
    r = post_form(client, f"/desk/{a}/proactive/{item}/publication",
                  {"channels": ["portal"], "published_on": "2026-11-20", "url": "javascript:alert(1)"})
    assert r.status_code == 422 and "须以 http:// 或 https:// 开头" in text_of(r.text)


def test_a_form_read_before_someone_else_signed_is_refused(
    client: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session], calendar: WorkCalendar
) -> None:
    """Two reviewers open the same item; the second to sign gets the 409 page, not a second step."""
    a = agencies[0]
    login(client, "clerk1")
    item = new_item(client, a, "招考录用结果", date(2026, 11, 16), category=14)
    assert sign(client, a, item, "drafter").status_code == 303
    login(client, "reviewer1")
    page = client.get(f"/desk/{a}/proactive/{item}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    data = {"step": "confidentiality", "decision": "approved", "version": version.group(1)}
    assert post_form(client, f"/desk/{a}/proactive/{item}/review", data).status_code == 303
    stale = post_form(client, f"/desk/{a}/proactive/{item}/review", {**data, "step": "confidentiality"})
    assert stale.status_code == 409 and "已被他人修改" in text_of(stale.text)
    with factory() as s:
        assert len(get_item(session=s, agency_id=a, item_id=item, calendar=calendar).review) == 2
