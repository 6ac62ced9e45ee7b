"""The HTML reader: paragraphs joined as printed, merged cells expanded into regular grids, hostile pages refused.

Small pages are built in each test; the corpus pages (014.html, a JS-string fragment with rowspan/colspan;
019.html, a TRS_Editor article body) are read from ../shared.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from gongkai.errors import HostileInput, ReadError
from gongkai.export import cells_record
from gongkai.readers import read, read_document
from gongkai.readers.document import Grid, Paragraph, SourceDocument
from gongkai.readers.html import read_html_document
from gongkai.readers.limits import DEFAULT_LIMITS, ReadLimits

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def corpus(name: str) -> Path:
    path = SHARED / "corpus" / name
    if not path.exists():
        raise FileNotFoundError(f"ground truth missing: {path} (tests need ../shared beside the repository)")
    return path


def html(text: str, encoding: str = "utf-8", limits: ReadLimits = DEFAULT_LIMITS) -> SourceDocument:
    return read_html_document(text.encode(encoding), "page.html", limits)


def paragraphs(doc: SourceDocument) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def cells(grid: Grid) -> list[list[tuple[str, bool]]]:
    return [[(c.text, c.spanned) for c in row] for row in grid.rows]


# -- grids -----------------------------------------------------------------------------------------------


def test_rowspan_and_colspan_expand_into_a_regular_grid() -> None:
    doc = html(
        "<table>"
        "<tr><th rowspan='2'>三、本年度<br/>办理结果</th><th colspan='2'>（一）予以公开</th><td>5</td></tr>"
        "<tr><td>x</td><td colspan='2'>7</td></tr>"
        "<tr><td>ragged</td></tr>"
        "</table>"
    )
    (grid,) = doc.grids
    assert cells(grid) == [
        [("三、本年度办理结果", False), ("（一）予以公开", False), ("（一）予以公开", True), ("5", False)],
        # a label copy keeps its text; a value copy is left empty so the number counts once
        [("三、本年度办理结果", True), ("x", False), ("7", False), ("", True)],
        [("ragged", False), ("", False), ("", False), ("", False)],
    ]
    cell = grid.rows[1][2]
    assert (cell.provenance.table, cell.provenance.row, cell.provenance.col) == (0, 1, 2)
    assert cell.provenance.reader == "html" and cell.provenance.source == "page.html"


def test_rowspan_zero_runs_to_the_end_and_overlong_spans_are_clipped() -> None:
    doc = html(
        "<table><tr><td rowspan='0'>组</td><td>1</td></tr><tr><td>2</td></tr>"
        "<tr><td>3</td><td rowspan='99'>/</td></tr></table>"
    )
    assert cells(doc.grids[0]) == [
        [("组", False), ("1", False), ("", False)],
        [("组", True), ("2", False), ("", False)],
        [("组", True), ("3", False), ("/", False)],
    ]


def test_value_cell_spanning_two_columns_yields_one_value() -> None:
    # 014.html table 二 （五）: header 上一年项目数量 | 本年增/减 (colspan 2) | 处理决定数量, data 0 (colspan 2) | 0 | 0
    doc = html(
        "<table><tr><td>信息内容</td><td>上一年项目数量</td><td colspan=2>本年增/减</td><td>处理决定数量</td></tr>"
        "<tr><td>行政许可</td><td colspan=2>0</td><td>0</td><td>0</td></tr></table>"
    )
    row = doc.grids[0].rows[1]
    assert [(c.text, c.spanned) for c in row] == [
        ("行政许可", False),
        ("0", False),
        ("", True),
        ("0", False),
        ("0", False),
    ]
    assert [c.text for c in row if c.text.isdigit()] == ["0", "0", "0"]


def test_nested_table_is_layout_and_inner_tables_are_grids() -> None:
    doc = html(
        "<table><tr><td><p>报告正文</p>"
        "<table><tr><td>规章</td><td>1</td></tr></table>"
        "<table><tr><td>行政许可</td><td>2</td></tr></table>"
        "</td></tr></table>"
    )
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Grid", "Grid"]
    assert paragraphs(doc) == ["报告正文"]
    assert [cells(g) for g in doc.grids] == [
        [[("规章", False), ("1", False)]],
        [[("行政许可", False), ("2", False)]],
    ]
    assert [g.index for g in doc.grids] == [0, 1]


def test_th_and_thead_tbody_rows_in_order() -> None:
    doc = html(
        "<table><thead><tr><th>行政复议</th><th>总计</th></tr></thead>"
        "<tbody><tr><td>1</td><td>1</td></tr></tbody></table>"
    )
    assert cells(doc.grids[0]) == [[("行政复议", False), ("总计", False)], [("1", False), ("1", False)]]


# -- text ------------------------------------------------------------------------------------------------


def test_text_split_across_runs_is_joined_as_printed() -> None:
    doc = html(
        "<div class=TRS_Editor>"
        "<p>一、总体情况&nbsp;</p>"
        "<p><span>2025年，全</span><span>区</span><span>共收到申请</span><span>154</span><span>件</span></p>"
        "<p>行政许可&nbsp;&nbsp;97</p>"
        "<table><tr>"
        "<td><p>社会</p><p>公益 &nbsp; &nbsp;</p><p>组织 &nbsp;</p></td>"
        "<td><p>结果<br/>纠正</p></td>"
        "<td><p>&nbsp;</p></td>"
        "<td>&nbsp;3&nbsp;</td>"
        "</tr></table>"
        "<p>&nbsp;</p><p><br/></p>"
        "</div>"
    )
    assert paragraphs(doc) == ["一、总体情况", "2025年，全区共收到申请154件", "行政许可 97"]
    assert cells(doc.grids[0]) == [[("社会公益组织", False), ("结果纠正", False), ("", False), ("3", False)]]


def test_blocks_and_loose_text_are_separate_paragraphs() -> None:
    doc = html("<div>引言<p>正文</p>结语</div>\t<p>下一段</p>")
    assert paragraphs(doc) == ["引言", "正文", "结语", "下一段"]


def test_headings_keep_their_level() -> None:
    doc = html("<h1>标题</h1><h3>一、总体情况</h3><p>正文</p>")
    assert [(b.text, b.heading_level) for b in doc.paragraphs] == [
        ("标题", 1),
        ("一、总体情况", 3),
        ("正文", 0),
    ]


def test_script_style_comments_and_hidden_elements_are_ignored() -> None:
    doc = html(
        "<html><head><style>p { color: red }</style><script>var s = '<p>脚本</p>';</script></head><body>"
        "<!-- <p>注释</p> --><p>正文</p><div style='display: none'>隐藏</div><noscript>无脚本</noscript>"
        "<script>document.write('x')</script><p>结尾</p></body></html>"
    )
    assert paragraphs(doc) == ["正文", "结尾"]


def test_title_and_publication_date_hints() -> None:
    doc = html(
        "<html><head><title>2023年某区政府信息公开工作年度报告_某区人民政府网</title>"
        "<meta name='PubDate' content='2024-01-20 09:00'></head><body><p>正文</p></body></html>"
    )
    assert doc.title_hint == "2023年某区政府信息公开工作年度报告"
    assert doc.published_hint == "2024-01-20 09:00"
    plain = html(
        "<html><head><title>首页 - 某区人民政府</title></head><body><p>发布日期：2020-01-31</p></body></html>"
    )
    assert plain.title_hint is None
    assert plain.published_hint == "2020-01-31"


# -- encodings -------------------------------------------------------------------------------------------


def test_gbk_page_with_meta_charset() -> None:
    page = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head><body>"
    page += "<p>政府信息公开工作年度报告</p><table><tr><td>商业企业</td><td>3</td></tr></table></body></html>"
    doc = read_html_document(page.encode("gbk"), "gbk.html", DEFAULT_LIMITS)
    assert paragraphs(doc) == ["政府信息公开工作年度报告"]
    assert cells(doc.grids[0]) == [[("商业企业", False), ("3", False)]]


def test_gb18030_page_without_declaration() -> None:
    page = "<p>本年新收政府信息公开申请数量</p><p>㐀（扩展字）</p>"
    doc = read_html_document(page.encode("gb18030"), "gb.html", DEFAULT_LIMITS)
    assert paragraphs(doc) == ["本年新收政府信息公开申请数量", "㐀（扩展字）"]


def test_mislabelled_utf8_page_is_read_as_utf8() -> None:
    page = "<meta charset='gbk'><p>年度报告</p>"
    doc = read_html_document(page.encode("utf-8"), "x.html", DEFAULT_LIMITS)
    assert paragraphs(doc) == ["年度报告"]


def test_utf8_bom() -> None:
    doc = read_html_document(b"\xef\xbb\xbf" + "<p>年度报告</p>".encode(), "bom.html", DEFAULT_LIMITS)
    assert paragraphs(doc) == ["年度报告"]


# -- hostile pages ---------------------------------------------------------------------------------------

ENTITY_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">\n' for i in range(1, 10))
    + "]>\n<html><body><p>&lol9;</p><table><tr><td>&lol9;</td></tr></table></body></html>\n"
)


def test_entity_bomb_is_refused_quickly() -> None:
    start = time.monotonic()
    with pytest.raises(HostileInput) as err:
        read_document(ENTITY_BOMB.encode(), name="bomb.html")
    assert time.monotonic() - start < 1.0
    assert str(err.value).startswith("bomb.html: ")
    assert "实体" in str(err.value)


def test_too_many_elements_is_hostile() -> None:
    limits = ReadLimits(max_html_nodes=50)
    with pytest.raises(HostileInput) as err:
        html("<div>" + "<p>段</p>" * 100 + "</div>", limits=limits)
    assert str(err.value).startswith("page.html: ")


def test_nesting_beyond_the_parser_limit_is_hostile() -> None:
    with pytest.raises(HostileInput) as err:
        html("<div>" * 5000 + "<p>x</p>" + "</div>" * 5000)
    assert "嵌套层级过深" in str(err.value) and str(err.value).startswith("page.html: ")


def test_huge_spans_are_bounded() -> None:
    limits = ReadLimits(max_html_nodes=5000)
    page = "<table>" + "<tr><td colspan='1000'>1</td></tr>" * 10 + "</table>"
    with pytest.raises(HostileInput) as err:
        html(page, limits=limits)
    assert "单元格过多" in str(err.value)


def test_page_without_content_is_a_read_error() -> None:
    with pytest.raises(ReadError) as err:
        read_html_document(b"<!-- nothing -->", "empty.html", DEFAULT_LIMITS)
    assert str(err.value).startswith("empty.html: ")


# -- the corpus ------------------------------------------------------------------------------------------


def _label(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SHARED / "corpus" / "labels" / name).read_text(encoding="utf-8"))
    return data


def _wrong(report_cells: dict[str, Any], want: dict[str, Any]) -> dict[str, Any]:
    def same(a: Any, b: Any) -> bool:
        return a is None and b is None if a is None or b is None else bool(abs(a - b) <= 1e-6)

    keys = set(report_cells) | set(want)
    return {
        k: (report_cells.get(k, "∅"), want.get(k, "∅"))
        for k in keys
        if not same(report_cells.get(k), want.get(k))
    }


def test_corpus_014_js_string_fragment() -> None:
    doc = read_document(corpus("014.html"))
    assert doc.reader == "html"
    assert paragraphs(doc)[:2] == [
        "2019年上海市人民政府办公厅政府信息公开工作年度报告",
        "发布日期：2020-01-31",
    ]
    assert doc.published_hint == "2020-01-31"
    t2, t3, t4 = doc.grids
    for grid in doc.grids:
        assert len({len(row) for row in grid.rows}) == 1  # regular
    rows = {row[0].text: [(c.text, c.spanned) for c in row[1:]] for row in t2.rows}
    header = [(c.text, c.spanned) for c in t2.rows[1]]
    assert header == [
        ("信息内容", False),
        ("本年新制作数量", False),
        ("本年新公开数量", False),
        ("本年新公开数量", True),
        ("对外公开总数量", False),
    ]
    assert rows["规章"] == [("13", False), ("13", False), ("", True), ("524", False)]
    assert rows["行政许可"] == [("0", False), ("", True), ("0", False), ("0", False)]
    assert rows["政府集中采购"] == [("6", False), ("", True), ("251000元", False), ("", True)]
    # the 20-row label of 三、本年度办理结果 is repeated as text; blank '&nbsp;' cells are empty
    results = [row for row in t3.rows if row[0].text == "三、本年度办理结果"]
    assert len(results) == 20 and all(row[0].spanned for row in results[1:])
    other = next(row for row in t3.rows if row[1].text == "（六）其他处理")
    assert [c.text for c in other[3:]] == [""] * 7
    assert [c.text for c in t4.rows[-1]] == ["5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", "", ""]


def test_corpus_019_trs_editor_fragment_reads_exactly() -> None:
    doc = read_document(corpus("019.html"))
    assert paragraphs(doc)[1] == "一、总体情况"
    assert paragraphs(doc)[-1] == "2025年，无收取信息处理费情况。"
    headers = [c.text for row in doc.grids[1].rows[:3] for c in row if not c.spanned]
    assert "社会公益组织" in headers
    assert [c.text for c in doc.grids[2].rows[1]][:5] == [
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
    ]
    label = _label("019.json")
    record = cells_record(read(corpus("019.html")))
    assert _wrong(record["cells"], label["cells"]) == {}
    assert record["uncertain"] == []
    assert {k: record["meta"][k] for k in ("year", "t2_template", "t3_template")} == {
        k: label["meta"][k] for k in ("year", "t2_template", "t3_template")
    }
    assert label["meta"]["agency"] in record["meta"]["agency"]


def test_corpus_014_reads_exactly() -> None:
    label = _label("014.json")
    record = cells_record(read(corpus("014.html")))
    assert _wrong(record["cells"], label["cells"]) == {}
    assert record["meta"]["t3_template"] == label["meta"]["t3_template"]
