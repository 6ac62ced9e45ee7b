"""The annual report pages of the desk: live tables with their traces and findings, the narrative editor with
optimistic locking, publication by the head only, locked versions, corrections, preview and exports — on both
backends, through the real log-in and CSRF."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from sqlalchemy.orm import Session, sessionmaker
from tests.ledger.helpers import close, new_application
from tests.web.conftest import login, post_form

from gongkai.accounts.roles import User
from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import build_report, store_report
from gongkai.model.report import Cell, SectionKey, ValueKind
from gongkai.readers import read
from gongkai.render.layout import T3_NOTE
from gongkai.store.vocab import ApplicantType, ReportOrigin
from gongkai.web.pages import reports as report_pages

YEAR = 2025
TODAY = date(2026, 1, 20)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Publication is dated today in China: fix it, so the tests do not depend on when they run."""
    monkeypatch.setattr(report_pages, "today_in_china", lambda: TODAY)


@pytest.fixture
def ledger(factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar) -> dict[str, list[str]]:
    """Agency 1's 2025: two natural persons' applications granted, one from a company still open at year end."""
    a, _ = agencies
    numbers: dict[str, list[str]] = {"granted": [], "open": []}
    with factory.begin() as s:
        for day in (date(2025, 3, 3), date(2025, 5, 6)):
            app = new_application(s, a, day, calendar)
            close(s, a, app, date(day.year, day.month, day.day + 7), "granted", calendar)
            numbers["granted"].append(app.number)
        late = new_application(s, a, date(2025, 12, 29), calendar, kind=ApplicantType.BUSINESS, name="某公司")
        numbers["open"].append(late.number)
    return numbers


def _page(client: TestClient, url: str) -> lxml_html.HtmlElement:
    answer = client.get(url)
    assert answer.status_code == 200, answer.text[:800]
    return lxml_html.fromstring(answer.text)


def _cell(page: lxml_html.HtmlElement, cell_id: str) -> lxml_html.HtmlElement:
    found = page.xpath(f'//td[@data-cell="{cell_id}"]')
    assert len(found) == 1, cell_id
    return found[0]


def _value(page: lxml_html.HtmlElement, cell_id: str) -> str:
    cell = _cell(page, cell_id)
    return "".join(cell.xpath("./a[1]//text()") or cell.xpath("./text()")).strip()


def _url(agency: int, tail: str = "") -> str:
    return f"/desk/{agency}/reports/{YEAR}{tail}"


def test_the_tables_are_live_laid_out_as_printed_and_every_cell_traces(
    web: TestClient, staff: dict[str, User], factory: sessionmaker[Session], agencies: tuple[int, int],
    calendar: WorkCalendar, ledger: dict[str, list[str]],
) -> None:
    a, b = agencies
    assert web.get(_url(a)).status_code == 303  # not signed in: to the log-in
    login(web, "clerk1")
    page = _page(web, _url(a))
    with factory() as s:
        built = build_report(session=s, agency_id=a, year=YEAR, calendar=calendar).numbers()
    for cell_id in ("t3.new.total", "t3.granted.natural_person", "t3.carried_forward.business", "t3.total.total",
                    "t2.normative_documents.in_force", "t4.reconsideration.total"):
        assert _value(page, cell_id) == str(built[cell_id]), cell_id
    assert _value(page, "t3.new.total") == "3"
    # The template's own wording and merged cells, from the renderers' layout.
    text = page.text_content()
    for label in (T3_NOTE, "申请人情况", "法人或其他组织", "三、本年度办理结果", "（三）不予公开", "第二十条第（一）项",
                  "本年收费金额（单位：万元）", "行政复议", "未经复议直接起诉"):
        assert label in text, label
    assert page.xpath('//table[contains(@class,"t3")]//th[@scope="colgroup" and @colspan="7"]')
    # A cell's trace lists the applications behind it, each linked to its page.
    link = _cell(page, "t3.granted.natural_person").xpath("./a/@href")[0]
    assert link == _url(a, "/cells/t3.granted.natural_person")
    trace = _page(web, link)
    listed = [x.text_content() for x in trace.xpath('//ol[@class="traced"]/li/a')]
    assert listed == ledger["granted"]
    assert all(href.startswith(f"/desk/{a}/applications/") for href in trace.xpath('//ol[@class="traced"]/li/a/@href'))
    forward = _page(web, _url(a, "/cells/t3.carried_forward.total"))
    assert [x.text_content() for x in forward.xpath('//ol[@class="traced"]/li/a')] == ledger["open"]
    assert web.get(_url(a, "/cells/t9.nothing.total")).status_code == 404
    # Another agency's report does not exist for this clerk.
    assert web.get(_url(b)).status_code == 404
    assert web.get(_url(b, "/cells/t3.new.total")).status_code == 404


def test_findings_are_shown_on_their_cells(
    web: TestClient, staff: dict[str, User], factory: sessionmaker[Session], agencies: tuple[int, int],
    calendar: WorkCalendar, ledger: dict[str, list[str]],
) -> None:
    a, _ = agencies
    # Last year's report as published (imported) said 2 applications were carried forward; the ledger has none.
    with factory.begin() as s:
        last = build_report(session=s, agency_id=a, year=YEAR - 1, calendar=calendar)
        wrong = [Cell("t3.carried_forward.natural_person", ValueKind.NUMBER, 2, raw="2"),
                 Cell("t3.carried_forward.total", ValueKind.NUMBER, 2, raw="2")]
        store_report(session=s, agency_id=a, report=last.with_cells(wrong), origin=ReportOrigin.IMPORTED,
                     created_by="导入")
    login(web, "clerk1")
    page = _page(web, _url(a))
    carried = _cell(page, "t3.carried_over.natural_person")
    assert "finding-warning" in carried.get("class")
    described = carried.get("aria-describedby")
    message = page.xpath(f'//li[@id="{described.split()[0]}"]')[0].text_content()
    assert "GK401" in message and "不衔接" in message
    # The yearly figures of table 二 were never entered: blank, never 0, and said so on the cells.
    licensing = _cell(page, "t2.licensing.decisions")
    assert "finding-warning" in licensing.get("class") and "空白" in licensing.text_content()
    # A narrative that contradicts the tables (an error of rule GK501), typed into the editor.
    texts = {f"section_{k.value}": "" for k in SectionKey}
    texts["section_applications"] = "本年度未收到政府信息公开申请。"
    assert post_form(web, _url(a, "/narrative"), {**texts, "version": "0"}, form_page=_url(a)).status_code == 303
    page = _page(web, _url(a))
    new_total = _cell(page, "t3.new.total")
    assert "finding-error" in new_total.get("class")
    error = page.xpath(f'//li[@id="{new_total.get("aria-describedby").split()[0]}"]')[0].text_content()
    assert "GK501" in error and "错误" in error


def test_the_narrative_saves_and_a_stale_save_is_refused_with_409(
    web: TestClient, staff: dict[str, User], agencies: tuple[int, int], ledger: dict[str, list[str]]
) -> None:
    a, _ = agencies
    login(web, "clerk1")
    page = _page(web, _url(a))
    editor = page.xpath('//form[contains(@action,"/narrative")]')[0]
    assert editor.xpath('.//input[@name="version"]/@value') == ["0"]
    prefilled = editor.xpath('.//textarea[@name="section_applications"]')[0].text_content()
    assert "新收政府信息公开申请3件" in prefilled  # the ledger's draft
    labels = [x.text_content() for x in editor.xpath(".//label")]
    assert labels[0].startswith("一、总体情况") and labels[-1].startswith("六、其他需要报告的事项")
    texts = {f"section_{k.value}": f"{k.value} 第一次" for k in SectionKey}
    answer = post_form(web, _url(a, "/narrative"), {**texts, "version": "0"}, form_page=_url(a))
    assert answer.status_code == 303 and answer.headers["location"].startswith(_url(a))
    page = _page(web, _url(a))
    assert "已保存" in page.text_content()
    assert page.xpath('//textarea[@name="section_overview"]')[0].text_content() == "overview 第一次"
    assert page.xpath('//form[contains(@action,"/narrative")]//input[@name="version"]/@value') == ["1"]
    # A second editor still on version 0 (opened before the save): refused, nothing lost, nothing written.
    stale = {**texts, "section_overview": "另一人的修改", "version": "0"}
    answer = post_form(web, _url(a, "/narrative"), stale, form_page=_url(a))
    assert answer.status_code == 409
    refused = lxml_html.fromstring(answer.text)
    assert "已被他人修改" in refused.xpath('//*[@id="conflict"]')[0].text_content()
    assert refused.xpath('//textarea[@name="section_overview"]')[0].text_content() == "另一人的修改"
    assert "overview 第一次" in refused.xpath('//details[@class="saved-text"]')[0].text_content()
    page = _page(web, _url(a))
    assert page.xpath('//textarea[@name="section_overview"]')[0].text_content() == "overview 第一次"


def test_only_the_head_publishes_and_a_published_version_is_locked(
    web: TestClient, staff: dict[str, User], agencies: tuple[int, int], ledger: dict[str, list[str]]
) -> None:
    a, _ = agencies
    login(web, "clerk1")
    assert "须由本机关负责人签发" in _page(web, _url(a)).text_content()
    assert post_form(web, _url(a, "/publish"), {"confirm": "yes", "draft_version": "0"},
                     form_page=_url(a)).status_code == 403
    web.cookies.clear()
    login(web, "oversight")
    assert post_form(web, _url(a, "/publish"), {"confirm": "yes", "draft_version": "0"},
                     form_page="/oversight/").status_code == 403
    web.cookies.clear()
    login(web, "head1")
    assert post_form(web, _url(a, "/publish"), {"draft_version": "0"}, form_page=_url(a)).status_code == 422
    answer = post_form(web, _url(a, "/publish"), {"confirm": "yes", "draft_version": "0"}, form_page=_url(a))
    assert answer.status_code == 303
    page = _page(web, _url(a))
    assert "已发布第1版" in page.text_content() and "2026年1月20日" in page.text_content()
    assert not page.xpath('//form[contains(@action,"/narrative")]') and not page.xpath("//textarea")
    assert not page.xpath('//form[contains(@action,"/publish")]')
    assert _value(page, "t3.new.total") == "3"
    # The locked version refuses every change.
    texts = {f"section_{k.value}": "改写" for k in SectionKey}
    refused = post_form(web, _url(a, "/narrative"), {**texts, "version": "0"}, form_page=_url(a))
    assert refused.status_code == 409 and "已发布" in refused.text
    again = post_form(web, _url(a, "/publish"), {"confirm": "yes", "draft_version": "0"}, form_page=_url(a))
    assert again.status_code == 409


def test_a_correction_makes_version_2_and_version_1_stays_viewable(
    web: TestClient, staff: dict[str, User], factory: sessionmaker[Session], agencies: tuple[int, int],
    calendar: WorkCalendar, ledger: dict[str, list[str]],
) -> None:
    a, _ = agencies
    login(web, "head1")
    texts = {f"section_{k.value}": f"{k.value} 原文" for k in SectionKey}
    assert post_form(web, _url(a, "/narrative"), {**texts, "version": "0"}, form_page=_url(a)).status_code == 303
    assert post_form(web, _url(a, "/publish"), {"confirm": "yes", "draft_version": "1"},
                     form_page=_url(a)).status_code == 303
    with factory.begin() as s:  # an application found late: the ledger changes after publication
        new_application(s, a, date(2025, 12, 30), calendar)
    assert "与已发布版本不一致" in _page(web, _url(a)).text_content()
    form = _page(web, _url(a, "/correct"))
    assert form.xpath('//textarea[@name="section_overview"]')[0].text_content() == "overview 原文"
    corrected = {**texts, "section_overview": "overview 更正后", "expected_version": "1"}
    assert post_form(web, _url(a, "/correct"), corrected).status_code == 422  # no reason given
    answer = post_form(web, _url(a, "/correct"), {**corrected, "reason": "补录12月30日收到的申请1件"})
    assert answer.status_code == 303
    page = _page(web, _url(a))
    versions = [row.text_content() for row in page.xpath('//table[contains(@class,"versions")]/tbody/tr')]
    assert len(versions) == 2 and "第2版" in versions[0] and "补录12月30日" in versions[0] and "第1版" in versions[1]
    assert _value(page, "t3.new.total") == "4"
    v1 = _page(web, _url(a, "/versions/1"))
    assert _value(v1, "t3.new.total") == "3" and "overview 原文" in v1.text_content() and "已被更正" in v1.text_content()
    v2 = _page(web, _url(a, "/versions/2"))
    assert _value(v2, "t3.new.total") == "4" and "overview 更正后" in v2.text_content()
    assert not v1.xpath('//form[contains(@action,"/narrative") or contains(@action,"/correct")]')
    # A second correction from the stale form (it still says version 1): refused.
    stale = post_form(web, _url(a, "/correct"), {**corrected, "reason": "再次更正"})
    assert stale.status_code == 409
    # A clerk cannot correct.
    web.cookies.clear()
    login(web, "clerk1")
    assert web.get(_url(a, "/correct")).status_code == 403
    assert post_form(web, _url(a, "/correct"), {**corrected, "reason": "x"}, form_page=_url(a)).status_code == 403


def test_exports_answer_with_their_type_and_read_back_to_the_same_cells(
    web: TestClient, staff: dict[str, User], factory: sessionmaker[Session], agencies: tuple[int, int],
    calendar: WorkCalendar, ledger: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, _ = agencies
    login(web, "clerk1")
    with factory() as s:
        built = build_report(session=s, agency_id=a, year=YEAR, calendar=calendar)
    expected = built.numbers()
    docx = web.get(_url(a, "/export/docx"))
    assert docx.status_code == 200
    assert docx.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "attachment" in docx.headers["content-disposition"]
    assert read(docx.content, name="report.docx").numbers() == expected
    page = web.get(_url(a, "/export/html"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert read(page.content, name="report.html").numbers() == expected
    preview = web.get(_url(a, "/preview"))
    assert preview.status_code == 200 and "content-disposition" not in preview.headers  # shown, not downloaded
    assert "style-src 'unsafe-inline'" in preview.headers["content-security-policy"]
    assert "script" not in preview.headers["content-security-policy"]
    assert read(preview.content, name="preview.html").numbers() == expected
    assert web.get(_url(a, "/export/exe")).status_code == 404
    # Without LibreOffice the PDF is a clear 503, not a crash.
    monkeypatch.setenv("GONGKAI_SOFFICE", "/nonexistent/soffice")
    missing = web.get(_url(a, "/export/pdf"))
    assert missing.status_code == 503 and "LibreOffice" in missing.text


def test_the_pdf_export_goes_through_libreoffice(
    web: TestClient, staff: dict[str, User], agencies: tuple[int, int], ledger: dict[str, list[str]]
) -> None:
    a, _ = agencies
    login(web, "clerk1")
    pdf = web.get(_url(a, "/export/pdf"))
    assert pdf.status_code == 200, pdf.text[:500]
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_the_report_list_shows_each_year(
    web: TestClient, staff: dict[str, User], agencies: tuple[int, int], ledger: dict[str, list[str]]
) -> None:
    a, _ = agencies
    login(web, "head1")
    page = _page(web, f"/desk/{a}/reports/")
    assert page.xpath(f'//a[@href="{_url(a)}"]') and "未发布" in page.text_content()
    assert web.get(f"/desk/{a}/reports/?year=2023").headers["location"] == f"/desk/{a}/reports/2023"
    assert post_form(web, _url(a, "/publish"), {"confirm": "yes", "draft_version": "0"},
                     form_page=_url(a)).status_code == 303
    assert "已发布第1版" in _page(web, f"/desk/{a}/reports/").text_content()


def test_published_report_keeps_its_dated_title_and_narrative(
    web: TestClient, staff: dict[str, User], agencies: tuple[int, int], ledger: dict[str, list[str]]
) -> None:
    a, _ = agencies
    login(web, "head1")
    assert post_form(web, _url(a, "/publish"), {"confirm": "yes", "draft_version": "0"},
                     form_page=_url(a)).status_code == 303
    exported = read(web.get(_url(a, "/export/docx")).content, name="report.docx")
    assert exported.meta.year == YEAR and exported.meta.published == TODAY
    section = exported.section(SectionKey.APPLICATIONS)
    assert section is not None and "新收政府信息公开申请3件" in section.text
    assert exported.meta.agency == "青溪县市场监督管理局"
