"""Renderer invariants: the registry, the official layout and wording, blanks, money, and each format's
structure (HTML accessibility, DOCX page set-up and merged cells, XLSX numbers), and the debug view."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from decimal import Decimal

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from tests.render.samples import sample_2019, seed_002

from gongkai.errors import GongkaiError
from gongkai.model.report import Cell, ValueKind
from gongkai.model.templates import ALL_TEMPLATES, TableKind
from gongkai.readers import read_interpretation
from gongkai.render import RENDERERS, UnknownRenderFormat, render, renderer
from gongkai.render.debug import render_debug
from gongkai.render.layout import (
    COLUMN_WIDTHS_MM,
    T3_NOTE,
    TEXT_WIDTH_MM,
    Role,
    build_layout,
    cell_text,
    format_number,
    table_layout,
    title_lines,
)

TEXT_FORMATS = ("md", "tsv", "wordlines", "html")


# -- registry ---------------------------------------------------------------------------------------------


def test_registry_lists_every_format() -> None:
    assert set(RENDERERS) == {"md", "html", "docx", "pdf", "xlsx", "tsv", "wordlines", "json"}
    for name, r in RENDERERS.items():
        assert r.name == name and r.extension.startswith(".") and r.media_type
    # only PDF needs a system package, and says which
    assert {name: r.requires for name, r in RENDERERS.items() if r.requires} == {"pdf": "libreoffice-writer-nogui"}
    assert "可选" in RENDERERS["pdf"].description


def test_unknown_format_is_a_gongkai_error_in_chinese() -> None:
    with pytest.raises(UnknownRenderFormat) as info:
        render(seed_002(), "rtf")
    assert isinstance(info.value, GongkaiError)
    assert str(info.value).startswith("未知的输出格式「rtf」")
    assert "docx" in str(info.value) and "pdf" in str(info.value)


def test_format_names_are_case_insensitive() -> None:
    assert renderer(" DOCX ") is RENDERERS["docx"]


# -- layout -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", ALL_TEMPLATES, ids=lambda t: f"{t.kind.value}_{t.version.value}")
def test_every_grid_position_is_covered_once_and_every_cell_printed(template: object) -> None:
    from gongkai.model.report import Table
    from gongkai.model.templates import TableTemplate

    assert isinstance(template, TableTemplate)
    cells = {spec.id: Cell(spec.id, ValueKind.NUMBER, 7, raw="7") for spec in template.cells}
    layout = table_layout(Table(template.kind, template.version, cells))
    layout.owner_grid()  # raises on overlaps and holes
    values = [c.cell_id for c in layout.cells if c.role is Role.VALUE]
    assert values == [spec.id for spec in template.cells]  # template order, each once


def test_t3_header_is_the_official_three_row_header() -> None:
    layout = table_layout(seed_002().table(TableKind.T3))  # type: ignore[arg-type]
    by_text = {c.text: c for c in layout.cells if c.row < layout.header_rows}
    note = by_text[T3_NOTE]
    assert (note.row, note.col, note.rowspan, note.colspan) == (0, 0, 3, 3)
    assert by_text["申请人情况"].colspan == 7
    assert by_text["自然人"].rowspan == 2 and by_text["总计"].rowspan == 2
    assert by_text["法人或其他组织"].colspan == 5
    assert [c.text for c in layout.cells if c.row == 2] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    labels = {c.text: c for c in layout.cells if c.role in (Role.ROW, Role.ROWGROUP)}
    assert labels["三、本年度办理结果"].rowspan == 22
    assert labels["（三）不予公开"].rowspan == 8
    assert labels["（六）其他处理"].rowspan == 3
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in labels
    assert "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" in labels


def test_t4_header_has_two_levels() -> None:
    layout = table_layout(seed_002().table(TableKind.T4))  # type: ignore[arg-type]
    spans = {(c.text, c.row): (c.rowspan, c.colspan) for c in layout.cells if c.row < 3}
    assert spans[("行政复议", 0)] == (1, 5)
    assert spans[("行政诉讼", 0)] == (1, 10)
    assert spans[("未经复议直接起诉", 1)] == (1, 5) and spans[("复议后起诉", 1)] == (1, 5)
    assert spans[("结果维持", 1)] == (2, 1)
    assert [c.text for c in layout.cells if c.row == 2][:5] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def test_t2_items_and_headers_as_in_the_template() -> None:
    layout = table_layout(seed_002().table(TableKind.T2))  # type: ignore[arg-type]
    items = [c.text for c in layout.cells if c.role is Role.ITEM]
    assert items == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    headers = [c.text for c in layout.cells if c.role is Role.COL]
    assert "本年收费金额（单位：万元）" in headers and headers.count("信息内容") == 4
    layout_2019 = table_layout(sample_2019().table(TableKind.T2))  # type: ignore[arg-type]
    assert "第二十条第（九）项" in [c.text for c in layout_2019.cells]


def test_title_and_sections() -> None:
    layout = build_layout(seed_002())
    assert layout.title == "陆浑镇人民政府2021年政府信息公开工作年度报告"
    assert [s.heading for s in layout.sections] == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    assert [s.table.kind if s.table else None for s in layout.sections][1:4] == [
        TableKind.T2,
        TableKind.T3,
        TableKind.T4,
    ]


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("某局2021年政府信息公开工作年度报告", ("某局2021年政府信息公开工作年度报告",)),
        ("陆浑镇人民政府2021年政府信息公开工作年度报告", ("陆浑镇人民政府2021年", "政府信息公开工作年度报告")),
        (
            "内蒙古自治区呼和浩特市赛罕区人民政府敕勒川路街道办事处2021年政府信息公开工作年度报告",
            ("内蒙古自治区呼和浩特市赛罕区人民政府", "敕勒川路街道办事处2021年", "政府信息公开工作年度报告"),
        ),
        (
            "国家税务总局湖北省武汉市江汉区税务局2022年政府信息公开工作年度报告",
            ("国家税务总局湖北省武汉市江汉区税务局", "2022年政府信息公开工作年度报告"),
        ),
        ("关于印发某某文件的通知", ("关于印发某某文件的通知",)),  # not the statutory title: never cut
    ],
)
def test_title_turns_between_whole_words(title: str, lines: tuple[str, ...]) -> None:
    assert title_lines(title) == lines
    assert "".join(lines) == title  # the wording is never changed


def test_tables_fill_the_text_width_of_portrait_a4() -> None:
    assert TEXT_WIDTH_MM == 156
    for kind, widths in COLUMN_WIDTHS_MM.items():
        assert sum(widths) == pytest.approx(TEXT_WIDTH_MM), kind
    assert len(COLUMN_WIDTHS_MM[TableKind.T3]) == 10 and len(COLUMN_WIDTHS_MM[TableKind.T4]) == 15


# -- values -----------------------------------------------------------------------------------------------


def test_values_print_as_stored() -> None:
    assert format_number(Decimal("4166.241619")) == "4166.241619"
    assert format_number(Decimal("0.0000001")) == "0.0000001"  # never 1E-7
    assert format_number(-3) == "-3"
    assert cell_text(Cell("t2.fees.amount", ValueKind.BLANK)) == ""
    assert cell_text(Cell("t2.fees.amount", ValueKind.MISSING)) == ""
    assert cell_text(Cell("t2.fees.amount", ValueKind.NOT_APPLICABLE, raw="—")) == "—"
    assert cell_text(Cell("t2.fees.amount", ValueKind.NUMBER, 55, note="含自然失效 29 件")) == "55（含自然失效 29 件）"


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_money_prints_with_its_decimals_and_blanks_never_as_zero(fmt: str) -> None:
    report = sample_2019()
    text = render(report, fmt).decode("utf-8")
    assert "4166.241619" in text
    assert "55（含自然失效 29 件）" in text
    blank = report.with_cells([Cell(cid, ValueKind.BLANK) for cid in report.cells])
    out = render(blank, fmt).decode("utf-8")
    assert not re.search(r"(?<![\d年月第])0(?![\d年月日])", out.split("二、主动公开政府信息情况", 1)[1]), out


def test_missing_tables_are_not_rendered() -> None:
    report = seed_002()
    no_t2 = replace(report, tables=tuple(t for t in report.tables if t.kind is not TableKind.T2))
    assert "第二十条" not in render(no_t2, "md").decode()
    assert "第二十条" not in render(no_t2, "html").decode()
    document = docx.Document(io.BytesIO(render(no_t2, "docx")))
    assert len(document.tables) == 2
    book = openpyxl.load_workbook(io.BytesIO(render(no_t2, "xlsx")))
    assert [s.title for s in book.worksheets] == ["表三 收到和处理政府信息公开申请情况", "表四 政府信息公开行政复议、行政诉讼情况"]


# -- HTML -------------------------------------------------------------------------------------------------


def test_html_is_a_standalone_accessible_page() -> None:
    page = render(sample_2019(), "html").decode("utf-8")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">")
    assert "<title>白沙县人民政府2020年政府信息公开工作年度报告</title>" in page
    assert "@media print" in page and "size: A4" in page
    assert not re.search(r"<link|<script|<img|src=|url\(|https?://", page)
    assert page.count("<table") == 3 and page.count("<caption>") == 3
    assert f'<td class="note" rowspan="3" colspan="3">{T3_NOTE}</td>' in page
    assert '<th scope="colgroup" colspan="7">申请人情况</th>' in page
    assert '<th scope="row">1.属于国家秘密</th>' in page
    assert '<th scope="rowgroup" rowspan="8">（三）不予公开</th>' in page
    assert '<th scope="col" rowspan="2">自然人</th>' in page
    # the title turns between whole words; the tables have the DOCX's column widths
    assert "<h1><span>白沙县人民政府2020年</span><span>政府信息公开工作年度报告</span></h1>" in page
    assert page.count("<colgroup>") == 3 and "table-layout: fixed" in page
    # text is escaped
    assert "确保&lt;应公开尽公开&gt;&amp;及时公开" in page


# -- DOCX -------------------------------------------------------------------------------------------------


def _docx(report: object = None) -> docx.document.Document:
    return docx.Document(io.BytesIO(render(report or seed_002(), "docx")))  # type: ignore[arg-type]


def test_docx_page_setup_fonts_and_page_numbers() -> None:
    document = _docx()
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    title, heading = document.paragraphs[0], document.paragraphs[1]
    # a title too long for one line of 二号 turns before 政府信息公开工作年度报告 (GB/T 9704-2012 7.3.3)
    assert title.text == "陆浑镇人民政府2021年\n政府信息公开工作年度报告"
    fonts = title.runs[0]._r.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体" and fonts.get(qn("w:ascii")) == "方正小标宋简体"
    assert heading.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert document.paragraphs[2].runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    footer = section.footer.paragraphs[0]._p
    assert "PAGE" in "".join(t.text or "" for t in footer.iter(qn("w:instrText")))
    assert [c.get(qn("w:fldCharType")) for c in footer.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]


def test_docx_declares_font_fallbacks() -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    document = _docx()
    table = etree.fromstring(document.part.part_related_by(RT.FONT_TABLE).blob)
    alt = {f.get(qn("w:name")): f.find(qn("w:altName")) for f in table.findall(qn("w:font"))}
    assert alt["方正小标宋简体"].get(qn("w:val")) == "宋体"  # type: ignore[union-attr]
    assert alt["仿宋_GB2312"].get(qn("w:val")) == "仿宋"  # type: ignore[union-attr]


def test_docx_tables_have_real_merged_cells() -> None:
    document = _docx()
    t3 = document.tables[1]._tbl
    first = t3.tr_lst[0].tc_lst[0]
    assert first.grid_span == 3 and first.vMerge == "restart"
    assert t3.tr_lst[1].tc_lst[0].vMerge == "continue"
    assert t3.tr_lst[0].trPr.find(qn("w:tblHeader")) is not None
    widths = [int(g.get(qn("w:w"))) for g in t3.tblGrid.gridCol_lst]
    assert len(widths) == 10
    assert abs(sum(widths) - round(156 / 25.4 * 1440)) <= 10  # the text width of A4 portrait


def test_docx_header_rows_stay_with_the_rows_below() -> None:
    def kept(tr: object) -> bool:
        flags = {p.find(qn("w:pPr")).find(qn("w:keepNext")) is not None for p in tr.iter(qn("w:p"))}  # type: ignore[attr-defined]
        assert len(flags) == 1  # every paragraph of the row alike
        return flags.pop()

    t2, t3, t4 = (t._tbl for t in _docx().tables)
    labels = ["".join(x.text or "" for x in tr.iter(qn("w:t"))) for tr in t2.tr_lst]
    assert [label for label, tr in zip(labels, t2.tr_lst, strict=True) if kept(tr)] == [
        label for label in labels if label.startswith(("第二十条", "信息内容"))
    ]
    assert [kept(tr) for tr in t3.tr_lst[:4]] == [True, True, True, False]
    assert not kept(t3.tr_lst[-1]) and [kept(tr) for tr in t4.tr_lst] == [True, True, True, False]


# -- XLSX -------------------------------------------------------------------------------------------------


def test_xlsx_one_sheet_per_table_numbers_as_numbers() -> None:
    book = openpyxl.load_workbook(io.BytesIO(render(sample_2019(), "xlsx")))
    assert [s.title for s in book.worksheets] == [
        "表二 主动公开政府信息情况",
        "表三 收到和处理政府信息公开申请情况",
        "表四 政府信息公开行政复议、行政诉讼情况",
    ]
    t2, t3, _ = book.worksheets
    values = {c.value: c for row in t2.iter_rows() for c in row if c.value is not None}
    money = values[4166.241619]
    assert money.number_format == "0.000000"
    assert isinstance(values[1288].value, int) and isinstance(values[-3].value, int)
    assert "/" in values  # a mark stays text
    assert "A3:C5" in {str(r) for r in t3.merged_cells.ranges}  # the 勾稽关系 note, 3 × 3
    blank_row = next(r for r in t2.iter_rows() if r[0].value == "行政事业性收费")
    assert blank_row[2].value is None  # blank stays empty, never 0


# -- JSON and debug ---------------------------------------------------------------------------------------


def test_json_is_the_report_model() -> None:
    report = seed_002()
    assert json.loads(render(report, "json")) == json.loads(json.dumps(report.to_dict(), ensure_ascii=False))


def test_debug_view_shows_reader_grids_cells_and_notes() -> None:
    from tests.render.samples import SEED_002, shared_file

    interp = read_interpretation(shared_file("seeds", SEED_002).read_bytes(), name=SEED_002)
    text = render_debug(interp)
    assert text.startswith(f"来源：{SEED_002}\n读取器：text\n")
    assert "▦ 表格1（14行 × 4列）" in text
    assert "r3: c1=规章 | c2=0 | c3=0 | c4=0" in text
    assert re.search(r"t2\.licensing\.decisions = 5 \[number\]  @ 表格1 第7行第2列 第\d+行 原文「5」", text)
    assert "== 解读说明" in text and text.endswith("\n")
