"""The scenario of the web desk, end to end in Chromium against the real ``gongkai serve`` (demo ledger and demo
accounts), each person in a browser context of their own:

1. a citizen applies online on /apply, gets the application number and the query code, and checks the status;
2. clerk1 finds the application in the queue and records 补正告知, then 补正到达, then asks for an extension;
3. head1 approves the extension (第三十三条第二款: the head of the office consents);
4. clerk1 records the reply 部分公开 and issues the 答复书;
5. the citizen's status shows 已答复 and the 答复书 downloads (a Word file naming the application);
6. the agency's annual report for that year counts the application in table 三's 部分公开 cell (one more than
   before the reply), and the cell's trace lists its number;
7. the report exports as DOCX, and gongkai's own reader finds the same number in that cell.

Every step saves a screenshot (artifacts/web/journey-NN-*.png); a failing step says which one it was and leaves
a screenshot of where it stopped. No console error, failed request or HTTP error may occur on any page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from playwright.sync_api import Download, Locator, Page, expect
from tests.e2e.conftest import ARTIFACTS, Visitor, login, shot

from gongkai.readers import read

AGENCY_ID = 1
AGENCY_NAME = "青溪县市场监督管理局"  # agency 1 of the demo ledger
PARTIAL_CELL = "t3.partially_granted.natural_person"  # 部分公开 × 自然人
APPLICANT = "林晓雨"
INFORMATION = "2026年度青溪县农贸市场食品安全抽检结果（含不合格产品的处置情况）"
REPLY_FIELDS = {  # the 答复书 (部分公开) blanks the clerk fills; the ledger fills the others itself
    "答复内容": "现向您提供城东农贸市场2026年第三季度食品安全抽检结果（见附件）。",
    "不予公开理由": "不合格产品生产企业的配方和工艺资料属于商业秘密，公开会对第三方合法权益造成损害（第十五条）。",
    "复议机关": "青溪县人民政府",
    "联系方式": "青溪县市场监督管理局办公室，电话 0571-0000000",
}
_NUMBER = re.compile(r"〔(\d{4})〕.*第\s*(\d+)\s*号")


def resident_id(first17: str) -> str:
    """A resident identity number with its GB 11643 check digit (the portal verifies it)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def short_code(number: str) -> str:
    """吴村〔2026〕依申请第12号 → 2026-0012, the code the queue lists."""
    match = _NUMBER.search(number)
    assert match is not None, f"not an application number: {number!r}"
    return f"{match.group(1)}-{int(match.group(2)):04d}"


@contextmanager
def step(page: Page, name: str) -> Iterator[None]:
    """Name the step in any failure and keep a screenshot of where it stopped."""
    try:
        yield
    except Exception as exc:
        with suppress(Exception):  # the page may be gone; the step's own error is what matters
            shot(page, "journey-FAILED-" + re.sub(r"\W+", "-", name))
        raise AssertionError(f"journey step “{name}” failed at {page.url}: {exc}") from exc


def fact(page: Page, term: str) -> str:
    """The <dd> after the <dt> ``term`` of a facts list."""
    return page.locator("dl.facts dt", has_text=re.compile(f"^{term}$")).first.locator("xpath=following-sibling::dd[1]").inner_text().strip()


def flash_says(page: Page, text: str) -> None:
    expect(page.locator("p.flash").filter(has_text=text).first).to_be_visible()


def event_form(page: Page, key: str) -> Locator:
    """An event form of the application page (a <details> opened by its summary)."""
    details = page.locator(f"details#form-{key}")
    expect(details).to_have_count(1)
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details.locator("form")


def cell_value(page: Page, cell_id: str) -> int:
    text = page.locator(f'[data-cell="{cell_id}"]').first.inner_text().strip()
    digits = re.sub(r"[^\d]", "", text.split("\n")[0])
    return int(digits) if digits else 0


def saved(download: Download, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    download.save_as(str(path))
    return path


def docx_text(path: Path) -> str:
    import docx  # python-docx, a dependency of gongkai

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_citizen_to_annual_report(visitors: Callable[..., Visitor]) -> None:
    make = visitors
    for stale in ARTIFACTS.glob("journey-FAILED-*.png"):  # a failure screenshot belongs to the run that failed
        stale.unlink()
    citizen: Visitor = make()
    clerk: Visitor = make()
    head: Visitor = make()
    c, k, h = citizen.page, clerk.page, head.page

    # 1 — the citizen applies online and checks the status
    with step(c, "01 citizen applies"):
        c.goto("/apply")
        shot(c, "journey-01-apply-choose")
        c.get_by_role("link", name=AGENCY_NAME).click()
        expect(c.locator("h1")).to_contain_text(AGENCY_NAME)
        c.get_by_label("自然人（公民个人）").check()
        c.get_by_label(re.compile("^姓名或者名称")).fill(APPLICANT)
        c.get_by_label(re.compile("^证件类型")).select_option(label="身份证")
        c.get_by_label(re.compile("^证件号码")).fill(resident_id("33011019900307002"))
        c.get_by_label(re.compile("^电话")).fill("13800138000")
        c.get_by_label(re.compile("^电子邮箱")).fill("lin.xiaoyu@example.cn")
        c.get_by_label(re.compile("^所需政府信息的名称")).fill(INFORMATION)
        c.get_by_label("电子数据", exact=True).check()
        c.get_by_label("网上获取", exact=True).check()
        c.get_by_label(re.compile("^本人（本单位）承诺")).check()
        shot(c, "journey-01-apply-form")
        c.get_by_role("button", name="提交申请").click()
        expect(c.locator("h1")).to_have_text("申请已提交")
        number, code = fact(c, "申请编号"), fact(c, "查询码")
        assert _NUMBER.search(number), number
        assert re.fullmatch(r"[A-Za-z0-9]{8}", code), code
        shot(c, "journey-01-receipt")
    app_code = short_code(number)
    year = int(app_code[:4])

    with step(c, "01 citizen checks the status"):
        c.goto("/status")
        c.get_by_label(re.compile("^申请编号")).fill(number)
        c.get_by_label(re.compile("^查询码")).fill(code)
        c.get_by_role("button", name="查询").click()
        expect(c.locator("h1")).to_have_text("办理进度")
        assert fact(c, "申请编号") == number
        assert fact(c, "办理状态") != "已答复"
        shot(c, "journey-01-status-received")

    # 2 — clerk1 finds it in the queue and handles 补正 and the extension request
    with step(k, "02 clerk finds it in the queue"):
        login(k, "clerk1")
        k.goto(f"/desk/{AGENCY_ID}/")
        expect(k.locator("h1")).to_contain_text("申请办理")
        expect(k.locator("table.queue").get_by_role("link", name=app_code)).to_be_visible()  # open, on page one
        k.get_by_label("申请编号").fill(number)
        k.get_by_role("button", name="筛选").click()
        rows = k.locator("table.queue tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(APPLICANT[0])  # the name is masked in lists; its surname shows
        shot(k, "journey-02-queue")
        rows.first.get_by_role("link", name=app_code).click()
        expect(k.locator("h1")).to_contain_text(number)
        shot(k, "journey-02-application")
    application_url = k.url

    with step(k, "02 clerk records 补正告知"):
        form = event_form(k, "correction_requested")
        form.get_by_label("需要补正的事项").fill("请写明所需抽检结果涉及的农贸市场名称和抽检批次。")
        form.get_by_role("button", name="记录补正告知").click()
        flash_says(k, "补正告知")
        expect(k.locator("table.timeline")).to_contain_text("补正告知")
        shot(k, "journey-02-correction-requested")

    with step(c, "02 citizen sees 补正中"):
        c.goto("/status")
        c.get_by_label(re.compile("^申请编号")).fill(number)
        c.get_by_label(re.compile("^查询码")).fill(code)
        c.get_by_role("button", name="查询").click()
        assert fact(c, "办理状态") == "补正中"
        shot(c, "journey-02-status-correction")

    with step(k, "02 clerk records 补正到达"):
        form = event_form(k, "correction_received")
        form.get_by_label("说明").fill("申请人来电补正：城东农贸市场，第三季度抽检。")
        form.get_by_role("button", name="记录补正到达").click()
        flash_says(k, "补正到达")
        expect(k.locator("table.timeline")).to_contain_text("补正到达")
        due_after_correction = k.locator("section.deadline p.due strong").inner_text()
        assert "年" in due_after_correction, f"no due date after the 补正: {due_after_correction}"
        shot(k, "journey-02-correction-received")

    with step(k, "02 clerk asks for an extension"):
        section = k.locator("section#extension")
        section.locator("summary", has_text="申请延长答复期限").click()
        section.get_by_label(re.compile("^延长工作日数")).fill("15")
        section.get_by_label(re.compile("^理由")).fill("所需信息涉及多个抽检批次，需调取检验机构的原始记录。")
        section.get_by_role("button", name="提交负责人审批").click()
        expect(k.locator("section#extension")).to_contain_text("申请延长 15 个工作日")
        shot(k, "journey-02-extension-requested")

    # 3 — head1 approves the extension
    with step(h, "03 head approves the extension"):
        login(h, "head1")
        h.goto(f"/desk/{AGENCY_ID}/")
        pending = h.locator("section.pending")
        expect(pending).to_contain_text(app_code)
        shot(h, "journey-03-head-queue")
        pending.get_by_role("link", name=app_code).click()
        decision = h.locator("form.decision")
        decision.get_by_label("同意延长").check()
        decision.get_by_label("意见").fill("同意延长15个工作日。")
        decision.get_by_role("button", name="提交审批意见").click()
        expect(h.locator("table.timeline")).to_contain_text("延期")
        due_extended = h.locator("section.deadline p.due strong").inner_text()
        assert due_extended != due_after_correction, f"the extension did not move the due date ({due_extended})"
        shot(h, "journey-03-extension-approved")

    # 6 (before) — the report cell as it stands before the reply
    with step(k, "06 report before the reply"):
        k.goto(f"/desk/{AGENCY_ID}/reports/{year}")
        expect(k.locator("h1")).to_contain_text(f"{year}年")
        before = cell_value(k, PARTIAL_CELL)
        shot(k, "journey-06-report-before")

    # 4 — clerk1 records the 部分公开 reply and issues the 答复书
    with step(k, "04 clerk records the 部分公开 reply"):
        k.goto(application_url)
        expect(k.locator("table.timeline")).to_contain_text("延期")
        form = event_form(k, "reply")
        form.get_by_label(re.compile("^办理结果")).select_option(value="partially_granted")
        form.get_by_label("说明").fill("抽检结果予以公开；不合格产品生产企业的商业秘密部分不予公开。")
        form.get_by_role("button", name="记录答复").click()
        flash_says(k, "答复")
        expect(k.locator("dl.facts")).to_contain_text("部分公开")
        shot(k, "journey-04-replied")

    with step(k, "04 clerk issues the 答复书"):
        notice = k.locator("#notices details.event-form").filter(has=k.locator("summary", has_text="出具答复书"))
        expect(notice).to_have_count(1)
        notice.locator("summary").click()
        for label, text in REPLY_FIELDS.items():
            notice.get_by_label(label, exact=True).fill(text)
        notice.get_by_role("button", name="出具并编号").click()
        flash_says(k, "答复书")
        notices = k.locator("#notices table")
        expect(notices).to_contain_text("答复书")
        with k.expect_download() as got:
            notices.locator("tr", has_text="答复书").get_by_role("link", name="下载 DOCX").click()
        desk_copy = saved(got.value, "journey-reply-desk.docx")
        assert number in docx_text(desk_copy)
        shot(k, "journey-04-notice-issued")

    # 5 — the citizen sees the answer and downloads the reply
    with step(c, "05 citizen downloads the reply"):
        c.goto("/status")
        c.get_by_label(re.compile("^申请编号")).fill(number)
        c.get_by_label(re.compile("^查询码")).fill(code)
        c.get_by_role("button", name="查询").click()
        assert fact(c, "办理状态") == "已答复"
        documents = c.locator("table.data")
        expect(documents).to_contain_text("答复书")
        shot(c, "journey-05-status-answered")
        with c.expect_download() as got:
            documents.get_by_role("button", name=re.compile("^下载.*答复书")).click()
        reply = saved(got.value, "journey-reply-citizen.docx")
        assert reply.read_bytes()[:2] == b"PK", "the reply is not a Word (DOCX) file"
        text = docx_text(reply)
        assert number in text, text[:500]
        assert "第三十七条" in text and "区分处理" in text, "the reply is not the 部分公开 答复书:\n" + text[:800]
        assert REPLY_FIELDS["不予公开理由"] in text, "the reasons for the withheld part are missing"

    # 6 — table 三 counts it in 部分公开, and the trace names it
    with step(k, "06 report counts it in table 三"):
        k.goto(f"/desk/{AGENCY_ID}/reports/{year}")
        after = cell_value(k, PARTIAL_CELL)
        assert after == before + 1, f"{PARTIAL_CELL}: {before} before the reply, {after} after"
        shot(k, "journey-06-report-after")
        k.locator(f'[data-cell="{PARTIAL_CELL}"] a').first.click()
        expect(k.locator("ol.traced")).to_contain_text(number)
        shot(k, "journey-06-trace")

    # 7 — the report exports as DOCX and reads back with the same number in the cell
    with step(k, "07 report exports"):
        k.goto(f"/desk/{AGENCY_ID}/reports/{year}")
        with k.expect_download() as got:
            k.get_by_role("link", name="导出 Word（DOCX）").click()
        exported = saved(got.value, f"journey-report-{year}.docx")
        report = read(str(exported))
        value = report.numbers().get(PARTIAL_CELL)
        assert value is not None and int(value) == after, f"exported {PARTIAL_CELL} = {value}, page shows {after}"
        shot(k, "journey-07-exported")

    for who, visitor in (("citizen", citizen), ("clerk1", clerk), ("head1", head)):
        problems = visitor.watch.problems()
        assert not problems, f"{who}'s browser saw problems:\n" + "\n".join(problems)
