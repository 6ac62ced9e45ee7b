"""The oversight pages: the supervised agencies' published reports, who has not published (or published late),
findings by agency, versions read-only — and who may open them; on both backends."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from sqlalchemy.orm import Session, sessionmaker
from tests.ledger.helpers import close, new_application
from tests.web.conftest import login, post_form

from gongkai.accounts.roles import User
from gongkai.api.settings import Settings
from gongkai.desk.calendar import WorkCalendar
from gongkai.web.pages import reports as report_pages

YEAR = 2025


@pytest.fixture
def ledgers(factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar) -> None:
    with factory.begin() as s:
        for agency in agencies:
            app = new_application(s, agency, date(2025, 4, 1), calendar)
            close(s, agency, app, date(2025, 4, 10), "granted", calendar)


def _publish(web: TestClient, agency: int, head: str, on: date, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_pages, "today_in_china", lambda: on)
    web.cookies.clear()
    login(web, head)
    url = f"/desk/{agency}/reports/{YEAR}"
    assert post_form(web, f"{url}/publish", {"confirm": "yes", "draft_version": "0"}, form_page=url).status_code == 303
    web.cookies.clear()


def _page(web: TestClient, url: str) -> lxml_html.HtmlElement:
    answer = web.get(url)
    assert answer.status_code == 200, answer.text[:800]
    return lxml_html.fromstring(answer.text)


def test_oversight_sees_the_supervised_agencies_and_who_has_not_published(
    web: TestClient, staff: dict[str, User], agencies: tuple[int, int], ledgers: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    department, _ = agencies
    _publish(web, department, "head1", date(2026, 2, 3), monkeypatch)  # a department, due 31 January: late
    login(web, "oversight")
    page = _page(web, f"/oversight/?year={YEAR}")
    rows = {r.xpath("./th")[0].text_content(): r.text_content() for r in page.xpath('//table[@id="status"]/tbody/tr')}
    assert set(rows) == {"青溪县市场监督管理局", "青溪县吴村镇人民政府"}
    assert "第1版" in rows["青溪县市场监督管理局"] and "2026年2月3日" in rows["青溪县市场监督管理局"]
    assert "逾期发布" in rows["青溪县市场监督管理局"] and "2026年1月31日前" in rows["青溪县市场监督管理局"]
    assert "未发布" in rows["青溪县吴村镇人民政府"] and "无全国统一期限" in rows["青溪县吴村镇人民政府"]
    missing = page.xpath('//section[@id="missing"]//li')
    assert [m.text_content().split("：")[0] for m in missing] == ["青溪县吴村镇人民政府"]
    late = page.xpath('//section[@id="late"]//li')
    assert len(late) == 1 and "青溪县市场监督管理局" in late[0].text_content()
    # An earlier year: neither published; the department's report is overdue.
    earlier = _page(web, f"/oversight/?year={YEAR - 1}")
    assert len(earlier.xpath('//section[@id="missing"]//li')) == 2
    assert "已逾期" in earlier.xpath('//section[@id="missing"]//li')[0].text_content()


def test_findings_by_agency_and_versions_read_only(
    web: TestClient, staff: dict[str, User], agencies: tuple[int, int], ledgers: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    department, town = agencies
    _publish(web, department, "head1", date(2026, 1, 15), monkeypatch)
    login(web, "oversight")
    page = _page(web, f"/oversight/findings?year={YEAR}")
    section = page.xpath(f'//section[h2[@id="h-a{department}"]]')[0]
    rules = [c.text_content() for c in section.xpath(".//table//tbody/tr/th/code")]
    assert "GK201" in rules  # the yearly figures of table 二 were never entered
    row = section.xpath('.//tbody/tr[th/code="GK201"]')[0].text_content()
    assert "警告" in row and "本年处理决定数量" in row
    assert "尚未发布" in page.xpath(f'//section[h2[@id="h-a{town}"]]')[0].text_content()
    report = _page(web, f"/oversight/agencies/{department}/{YEAR}")
    assert "第1版" in report.text_content()
    assert report.xpath('//td[@data-cell="t3.granted.total"]')[0].text_content().strip() == "1"
    assert not report.xpath('//form[@method="post" and not(@action="/logout")]')  # read-only
    assert not report.xpath("//td[@data-cell]//a[contains(@href,'/cells/')]")  # no desk links
    assert _page(web, f"/oversight/agencies/{department}/{YEAR}/versions/1") is not None
    docx = web.get(f"/oversight/agencies/{department}/{YEAR}/export/docx?version=1")
    assert docx.status_code == 200 and docx.headers["content-type"].endswith("wordprocessingml.document")
    # Oversight sees published versions only: the town's draft is not shown.
    assert web.get(f"/oversight/agencies/{town}/{YEAR}").status_code == 404
    assert web.get(f"/oversight/agencies/{town}/{YEAR}/preview").status_code == 404
    # Oversight can neither publish nor edit the desk's report.
    url = f"/desk/{town}/reports/{YEAR}"
    assert post_form(web, f"{url}/publish", {"confirm": "yes", "draft_version": "0"},
                     form_page="/oversight/").status_code == 403
    assert web.get(url).status_code == 404


def test_who_may_open_the_oversight_pages(
    web: TestClient, staff: dict[str, User], agencies: tuple[int, int], ledgers: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    department, _ = agencies
    assert web.get("/oversight/").status_code == 303  # not signed in: to the log-in
    _publish(web, department, "head1", date(2026, 1, 15), monkeypatch)
    login(web, "clerk1")
    assert web.get("/oversight/").status_code == 403
    assert web.get(f"/oversight/agencies/{department}/{YEAR}").status_code == 403
    web.cookies.clear()
    login(web, "head2")
    assert web.get("/oversight/findings").status_code == 403
    web.cookies.clear()
    login(web, "sysadmin")  # the system administrator sees every agency
    page = _page(web, f"/oversight/?year={YEAR}")
    assert len(page.xpath('//table[@id="status"]/tbody/tr')) == 2
    assert _page(web, f"/oversight/agencies/{department}/{YEAR}") is not None


def test_a_local_date_for_township_reports_is_configurable(
    web_app: FastAPI, web_settings: Settings, staff: dict[str, User], agencies: tuple[int, int], ledgers: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """第四十九条 sets no national date for 乡（镇）; a local rule set by GONGKAI_TOWNSHIP_REPORT_DUE applies."""
    web_app.state.settings = web_settings.model_copy(update={"township_report_due": "02-28"})
    _, town = agencies
    with TestClient(web_app) as web:
        _publish(web, town, "head2", date(2026, 3, 2), monkeypatch)
        login(web, "oversight")
        page = _page(web, f"/oversight/?year={YEAR}")
    rows = {r.xpath("./th")[0].text_content(): r.text_content() for r in page.xpath('//table[@id="status"]/tbody/tr')}
    assert "逾期发布" in rows["青溪县吴村镇人民政府"] and "2026年2月28日前" in rows["青溪县吴村镇人民政府"]
    with pytest.raises(ValueError, match="月-日"):
        Settings(township_report_due="31-03")
