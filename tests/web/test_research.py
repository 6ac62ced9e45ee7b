"""The research pages over imported reports (``/research/…``), on both backends: the store at a glance, a report
with its cells' provenance and findings on cells, reviews that outlive a re-import, metrics computed by hand, a
blank part shown as 无法计算, exports, and who may open them.

The store is the analytics tests' known store (tests/oversight/analytics_store.py: four agencies, 2022 and 2023,
figures known by hand) plus one report with a broken identity of another agency, narrative and all, imported
with the real importer, and the cross-report rules run over it as ``gongkai import`` does."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from tests.conftest import shared_path
from tests.oversight.analytics_store import build_known_store, known_report
from tests.web.conftest import csrf_token, login, post_form

from gongkai.accounts.roles import User
from gongkai.model.report import Report, Section
from gongkai.oversight import import_reports
from gongkai.oversight.crossrules import run_cross_report_rules
from gongkai.readers import read
from gongkai.render import render
from gongkai.store.orm_oversight import ImportedFindingRow, ImportedReportRow, SupervisedAgencyRow

BROKEN_AGENCY = "东阳县审计局"
# 一 + 二 = 10 but 三（七）+ 四 = 7, and the results add up to 5, not 7: identity findings on t3 cells.
BROKEN: dict[str, int | Decimal | str | None] = {"t3.new.total": 10, "t3.granted.total": 5, "t3.total.total": 7}
PAGES = ("/research/", "/research/reports", "/research/findings", "/research/metrics", "/research/export",
         "/research/export/file?format=csv")


@pytest.fixture(scope="module")
def seed_reports() -> tuple[Report, Report]:
    seeds = sorted(shared_path("seeds").glob("*.txt"))
    return read(seeds[0]), read(seeds[1])


def _import_one(engine: Engine, folder: Path, report: Report) -> None:
    folder.mkdir()
    (folder / "report.md").write_bytes(render(report, "md"))
    summary = import_reports([folder], engine=engine)
    assert summary.failed == 0, summary.failures
    assert summary.imported + summary.new_versions == 1


@pytest.fixture
def store(
    engine: Engine, factory: sessionmaker[Session], seed_reports: tuple[Report, Report], tmp_path: Path
) -> sessionmaker[Session]:
    known_base, other_base = seed_reports
    build_known_store(engine, factory, known_base, tmp_path)
    # Another narrative: the four known agencies share theirs (copied text); this one is its own.
    _import_one(engine, tmp_path / "broken", known_report(other_base, BROKEN_AGENCY, 2023, BROKEN))
    with factory.begin() as session:
        run_cross_report_rules(session=session)
    return factory


def _page(web: TestClient, url: str) -> lxml_html.HtmlElement:
    answer = web.get(url)
    assert answer.status_code == 200, answer.text[:1500]
    return lxml_html.fromstring(answer.text)


def _text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _report_id(factory: sessionmaker[Session], agency: str, year: int, *, current: bool = True) -> int:
    with factory() as session:
        return session.execute(
            select(ImportedReportRow.id)
            .join(SupervisedAgencyRow, SupervisedAgencyRow.id == ImportedReportRow.agency_id)
            .where(SupervisedAgencyRow.name == agency, ImportedReportRow.year == year,
                   ImportedReportRow.current.is_(current))
        ).scalar_one()


def test_overview_counts_the_store_and_who_is_missing(
    web: TestClient, staff: dict[str, User], store: sessionmaker[Session]
) -> None:
    login(web, "oversight")
    page = _page(web, "/research/")
    figures = {_text(d.xpath("./dt")[0]): _text(d.xpath("./dd")[0]) for d in page.xpath('//dl[@id="store-figures"]/div')}
    assert figures["机关"] == "5" and figures["报告（现行版本）"] == "6" and figures["报告版本（含已被取代的）"] == "7"
    assert figures["已归入地区的机关"] == "4" and figures["未能读取的文件"] == "0"
    years = {_text(r.xpath("./th")[0]): [_text(td) for td in r.xpath("./td")] for r in page.xpath('//section[@id="years"]//tbody/tr')}
    assert years["2023 年度"][:2] == ["5", "0"]
    assert years["2022 年度"][:2] == ["1", "4"]
    missing_2022 = [_text(li) for li in page.xpath('//h3[@id="missing-2022"]/following-sibling::ul[1]/li')]
    assert sorted(missing_2022) == sorted(["白石县财政局", "云山县金银镇人民政府", "青溪县财政局", BROKEN_AGENCY])
    assert page.xpath('//a[@href="/research/findings?severity=error"]'), "findings by severity link"
    # The oversight pages link here.
    assert _page(web, "/oversight/").xpath('//nav[@class="oversight"]//a[@href="/research/"]')


def test_a_report_shows_its_cells_provenance_findings_on_cells_and_versions(
    web: TestClient, staff: dict[str, User], store: sessionmaker[Session]
) -> None:
    login(web, "oversight")
    listing = _page(web, "/research/reports?year=2023&errors=1&agency=审计")
    rows = listing.xpath('//table[@id="reports"]/tbody/tr')
    assert [_text(r.xpath("./th")[0]) for r in rows] == [BROKEN_AGENCY]
    assert [_text(td) for td in rows[0].xpath("./td")][-3:] == ["5", "0", "0"]  # GK101 ×2, GK103 ×2, GK501
    everything = _page(web, "/research/reports?year=2023&region=临川市")
    assert sorted(_text(r.xpath("./th")[0]) for r in everything.xpath('//table[@id="reports"]/tbody/tr')) == sorted(
        ["青溪县教育局", "青溪县财政局", "白石县财政局"])

    report_id = _report_id(store, BROKEN_AGENCY, 2023)
    page = _page(web, f"/research/reports/{report_id}")
    total = page.xpath('//td[@id="cell-t3.total.total"]')[0]
    assert "finding-error" in total.get("class")
    assert total.xpath('.//span[@class="value"]')[0].text_content().strip() == "7"
    provenance = _text(total.xpath('.//span[@class="prov"]')[0])
    assert "report.md" in provenance and "行" in provenance, provenance  # file and line of the Markdown table
    marker = total.xpath('.//a[@class="marker"]')[0]
    listed = page.xpath(f'//li[@id="{marker.get("href")[1:]}"]')[0]
    assert "t3.total.total" not in _text(listed) or "GK" in _text(listed)
    assert "GK" in listed.xpath(".//code")[0].text and "尚未审核" in _text(listed)
    # A blank cell is shown as blank, never as 0, with where it was read.
    details = {_text(r.xpath("./th/code")[0]): [_text(td) for td in r.xpath("./td")]
               for r in page.xpath('//details[@id="provenance"]//tbody/tr')}
    assert details["t3.total.total"][0] == "7" and details["t3.total.total"][2] != "位置未知"
    # The versions of that agency and year: one so far.
    assert [_text(r.xpath("./th")[0]) for r in page.xpath('//table[contains(@class, "versions")]/tbody/tr')] == [
        "第1版（本页） 现行"]

    superseded = _report_id(store, "青溪县教育局", 2023, current=False)
    old = _page(web, f"/research/reports/{superseded}")
    assert "已被新版本取代" in _text(old.xpath("//h1")[0])
    assert len(old.xpath('//table[contains(@class, "versions")]/tbody/tr')) == 2


def test_a_review_is_kept_escaped_and_shows_again_after_a_reimport(
    web: TestClient, staff: dict[str, User], store: sessionmaker[Session], engine: Engine,
    seed_reports: tuple[Report, Report], tmp_path: Path,
) -> None:
    login(web, "oversight")
    report_id = _report_id(store, BROKEN_AGENCY, 2023)
    with store() as session:
        finding = session.scalars(
            select(ImportedFindingRow).where(ImportedFindingRow.report_id == report_id,
                                             ImportedFindingRow.severity == "error")
            .order_by(ImportedFindingRow.position)
        ).first()
        assert finding is not None and finding.cells
        fingerprint, cell = finding.fingerprint, finding.cells[0]
    url = f"/research/findings/{fingerprint}"
    # Without the CSRF token nothing is stored.
    refused = web.post(url, data={"decision": "confirmed", "comment": "x"})
    assert refused.status_code == 403
    # A dismissal needs a reason: re-rendered with the message beside the field.
    unfinished = post_form(web, url, {"decision": "dismissed", "comment": ""})
    assert unfinished.status_code == 422 and "驳回时请写明理由" in unfinished.text

    comment = '<script>alert("x")</script> 表三合计与分项不符'
    answer = post_form(web, url, {"decision": "confirmed", "comment": comment,
                                  "next": f"/research/reports/{report_id}#f1"}, form_page=f"/research/reports/{report_id}")
    assert answer.status_code == 303 and answer.headers["location"] == f"/research/reports/{report_id}#f1"
    shown = web.get(f"/research/reports/{report_id}")
    assert '<script>alert("x")</script>' not in shown.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; 表三合计与分项不符" in shown.text
    assert "已确认" in shown.text and "已记录审核意见" in shown.text
    # An open redirect is refused: back to the finding's own page.
    away = post_form(web, url, {"decision": "confirmed", "comment": comment, "next": "//evil.example/"})
    assert away.headers["location"] == url

    # The agency sends a corrected narrative with the same wrong table: a new version, new finding rows, same review.
    _known, other_base = seed_reports
    changed = known_report(other_base, BROKEN_AGENCY, 2023, BROKEN)
    first = changed.sections[0]
    changed = replace(changed, sections=(Section(first.key, first.heading, first.text + "本年度另有说明。"),
                                         *changed.sections[1:]))
    _import_one(engine, tmp_path / "again", changed)
    new_id = _report_id(store, BROKEN_AGENCY, 2023)
    assert new_id != report_id
    page = _page(web, f"/research/reports/{new_id}")
    item = page.xpath(f'//td[@id="cell-{cell}"]//a[@class="marker"]')[0].get("href")[1:]
    entry = _text(page.xpath(f'//li[@id="{item}"]')[0])
    assert "已确认" in entry and '<script>alert("x")</script> 表三合计与分项不符' in entry
    assert [_text(r.xpath("./th")[0]) for r in page.xpath('//table[contains(@class, "versions")]/tbody/tr')] == [
        "第2版（本页） 现行", "第1版 已取代"]
    # The findings list filtered to reviewed ones shows it once, for the current version.
    confirmed = _page(web, "/research/findings?review=confirmed")
    entries = confirmed.xpath('//article[contains(@class, "finding-entry")]')
    assert len(entries) == 1 and "第2版" in _text(entries[0])


def test_copied_text_findings_show_the_shared_passages_side_by_side(
    web: TestClient, staff: dict[str, User], store: sessionmaker[Session]
) -> None:
    login(web, "oversight")
    page = _page(web, "/research/findings?rule=GK412&year=2023&agency=白石县")
    entries = page.xpath('//article[contains(@class, "finding-entry")]')
    assert len(entries) == 3  # 白石县财政局 against each of the three other known agencies of 2023
    rows = entries[0].xpath('.//table[contains(@class, "passages")]/tbody/tr')
    assert rows
    ours, theirs = (_text(td.xpath(".//blockquote")[0]) for td in rows[0].xpath("./td"))
    assert len(ours) >= 20 and len(theirs) >= 20
    # The same narrative with the name masked: the passages read alike apart from the agencies' own names.
    assert ours[:10] == theirs[:10] or ours[-10:] == theirs[-10:]


def test_metrics_page_shows_rates_by_hand_the_svg_and_why_a_blank_part_cannot_be_computed(
    web: TestClient, staff: dict[str, User], store: sessionmaker[Session]
) -> None:
    login(web, "sysadmin")
    page = _page(web, "/research/metrics?metric=disclosure_rate&year=2023&level=county")
    counties = {_text(r.xpath("./th")[0]): [_text(td) for td in r.xpath("./td")]
                for r in page.xpath('//section[@id="regions"]//tbody/tr')}
    # 青溪县: 青溪县教育局 (50 + 10) / 90; 青溪县财政局 has 部分公开 blank and is left out, not read as 0.
    assert counties["江南省/临川市/青溪县"] == ["66.67%", "60", "90", "1", "1"]
    assert counties["江南省/临川市/白石县"] == ["75.00%", "30", "40", "1", "0"]  # (20 + 10) / 40
    assert counties["江南省/云州市/云山县"] == ["75.00%", "15", "20", "1", "0"]  # 15 / 20
    link = page.xpath('//section[@id="regions"]//tbody/tr/th/a')[0].get("href")
    assert link.startswith("/research/reports?") and "year=2023" in link
    svgs = page.xpath('//figure[@class="chart"]/*[local-name()="svg"]')
    assert len(svgs) == 3 and all(s.get("role") == "img" for s in svgs)
    ranking = {_text(r.xpath("./th")[0]): _text(r.xpath("./td")[2]) for r in page.xpath('//table[contains(@class, "ranking")][1]/tbody/tr')}
    assert ranking["白石县财政局"] == "75.00%" and ranking[BROKEN_AGENCY] == "71.43%"  # 5 / 7
    figure = page.xpath('//table[contains(@class, "ranking")][1]/tbody/tr[th/a[text()="白石县财政局"]]/td[3]/a')[0]
    assert figure.get("href").endswith("#cell-t3.granted.total")
    uncomputable = _text(page.xpath('//section[@id="uncomputable"]')[0])
    assert "青溪县财政局 2023 年度" in uncomputable and "无法计算" in uncomputable
    assert "t3.partially_granted.total" in uncomputable and "为空白" in uncomputable
    # The dictionary: every metric with its formula, unit and whether it may be summed.
    dictionary = {_text(r.xpath("./th/code")[0]): [_text(td) for td in r.xpath("./td")]
                  for r in page.xpath('//table[contains(@class, "dictionary")]/tbody/tr')}
    assert dictionary["disclosure_rate"][0] == "(t3.granted.total + t3.partially_granted.total) / t3.total.total × 100%"
    assert dictionary["disclosure_rate"][1:] == ["%", "否（由分子、分母重新计算）"]
    assert dictionary["applications_new"][1:] == ["件", "是"]

    trend = _page(web, "/research/metrics?metric=disclosure_rate&agency=青溪县财政局")
    rows = trend.xpath('//section[@id="trend"]//tbody/tr')
    assert len(rows) == 1 and _text(rows[0].xpath("./th")[0]) == "2023"
    cell = _text(rows[0].xpath("./td")[0])
    assert cell.startswith("无法计算") and "为空白" in cell and "0.00" not in cell
    assert trend.xpath('//section[@id="trend"]//*[local-name()="svg"]')


def test_export_downloads_csv_and_jsonl_that_parse(
    web: TestClient, staff: dict[str, User], store: sessionmaker[Session]
) -> None:
    login(web, "oversight")
    form = _page(web, "/research/export")
    assert form.xpath('//form[@action="/research/export/file"]//select[@name="format"]')
    answer = web.get("/research/export/file?format=csv&dataset=metrics&shape=long&year=2023")
    assert answer.status_code == 200, answer.text[:500]
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    by = {(r["agency"], r["metric"]): r for r in rows}
    assert Decimal(by[("青溪县教育局", "disclosure_rate")]["value"]).quantize(Decimal("0.01")) == Decimal("66.67")
    blank = by[("青溪县财政局", "disclosure_rate")]
    assert blank["value"] == "" and "为空白" in blank["reason"]
    assert {r["year"] for r in rows} == {"2023"}

    lines = web.get("/research/export/file?format=jsonl&dataset=cells&shape=long&year=2022&region=青溪县")
    assert lines.status_code == 200
    records = [json.loads(line) for line in lines.text.splitlines()]
    assert {r["agency"] for r in records} == {"青溪县教育局"}
    assert {r["value"] for r in records if r["cell_id"] == "t3.new.total"} == {40}

    wrong = web.get("/research/export/file?format=csv&dataset=cells&region=没有这个地方")
    assert wrong.status_code == 422 and "没有地区" in wrong.text


@pytest.mark.parametrize("username", ["clerk1", "head1", "admin1"])
def test_only_oversight_and_the_system_administrator_may_open_research(
    web: TestClient, staff: dict[str, User], store: sessionmaker[Session], username: str
) -> None:
    report_id = _report_id(store, BROKEN_AGENCY, 2023)
    with store() as session:
        fingerprint = session.scalars(select(ImportedFindingRow.fingerprint).limit(1)).one()
    urls = [*PAGES, f"/research/reports/{report_id}", f"/research/findings/{fingerprint}"]
    for url in urls:
        anonymous = web.get(url)
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login"), url
    login(web, username)
    for url in urls:
        assert web.get(url).status_code == 403, url
    token = csrf_token(web)
    refused = web.post(f"/research/findings/{fingerprint}", data={"csrf_token": token, "decision": "confirmed"})
    assert refused.status_code == 403
    with store() as session:
        from gongkai.store.orm_oversight import FindingReviewRow

        assert session.scalars(select(FindingReviewRow)).first() is None


def test_an_empty_store_answers_every_page(web: TestClient, staff: dict[str, User]) -> None:
    login(web, "sysadmin")
    for url in PAGES[:-1]:
        answer = web.get(url)
        assert answer.status_code == 200, (url, answer.text[:800])
    assert "尚未导入任何报告" in web.get("/research/").text
    assert "没有可以计算的报告" in web.get("/research/metrics").text
    download = web.get("/research/export/file?format=csv&dataset=cells&shape=wide")
    assert download.status_code == 200
    header = next(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert header[:5] == ["agency", "region", "year", "version", "report_id"] and "t3.granted.total" in header
    assert web.get("/research/reports/999999").status_code == 404
