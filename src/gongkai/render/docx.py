"""The report as a Word document in the layout of official documents (GB/T 9704-2012) and the statutory tables.

A4 with the official margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm); the title in 方正小标宋简体
二号, section headings in 黑体 三号, body text in 仿宋_GB2312 三号 with a two-character first-line indent and
28-point line spacing; page numbers ``— n —`` in the footer (a PAGE field). Fonts are named in every run
(``ascii``, ``hAnsi``, ``eastAsia``, ``cs``) and declared in the font table with a fallback (``w:altName``:
宋体, 仿宋, 黑体) for machines without the official fonts. A title too long for one line turns between whole
words (``layout.title_lines``). Tables use real merged cells and fixed column widths filling the 156 mm text
block (``layout.COLUMN_WIDTHS_MM``; table 三's ten columns included, in 小五), header rows repeat on every page
and are kept with the row below them, and rows never split across pages.

``gongkai.render.pdf`` prints this document to PDF with LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from lxml import etree

from gongkai.model.report import Report
from gongkai.render.layout import (
    COLUMN_WIDTHS_MM,
    MARGINS_MM,
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    LayoutCell,
    ReportLayout,
    Role,
    TableLayout,
    build_layout,
)

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
PAGE_NUMBER_FONT = "宋体"

# Fallbacks declared in the font table (w:altName) for machines without the official fonts.
FONT_FALLBACKS = {
    TITLE_FONT: "宋体",
    BODY_FONT: "仿宋",
    HEADING_FONT: "SimHei",
    "宋体": "SimSun",
    "仿宋": "FangSong",
}

TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
LINE = Pt(28)  # fixed line spacing of the body text
TABLE_SIZES = {"t2": Pt(10.5), "t3": Pt(9), "t4": Pt(9)}  # 五号, 小五
CELL_MARGIN_MM = 1.0  # left and right padding of table cells (Word's default 1.9 mm squeezes table 三)
AFTER_TABLE = Pt(10)  # space between a table and the paragraph below it

PAGE_WIDTH, PAGE_HEIGHT = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
MARGINS = {side: Mm(mm) for side, mm in MARGINS_MM.items()}


# ---------------------------------------------------------------------------------------------------------
# Low-level helpers
# ---------------------------------------------------------------------------------------------------------


def set_fonts(rpr: Any, name: str) -> None:
    """Name a font for every script of a run or style (theme fonts removed so the name applies)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def add_run(paragraph: Any, text: str, font: str, size: Any, *, bold: bool = False) -> Any:
    run = paragraph.add_run(text)
    run.font.size = size
    if bold:
        run.font.bold = True
    set_fonts(run._r.get_or_add_rPr(), font)
    return run


def _fixed_lines(paragraph: Any, line: Any, *, indent: bool = False) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 三号


def _declare_fonts(document: Any) -> None:
    """Add the official fonts to the font table, each with its fallback (w:altName)."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    present = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, alt in FONT_FALLBACKS.items():
        if name in present:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        etree.SubElement(font, qn("w:altName")).set(qn("w:val"), alt)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), "auto")
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _setup_styles(document: Any) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
    normal = styles["Normal"]
    normal.font.size = BODY_SIZE
    set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.paragraph_format.space_after = Pt(0)
    for name, font, size in (("Title", TITLE_FONT, TITLE_SIZE), ("Heading 1", HEADING_FONT, BODY_SIZE)):
        style = styles[name]
        ppr = style.element.get_or_add_pPr()
        for tag in ("w:pBdr", "w:contextualSpacing"):
            for el in ppr.findall(qn(tag)):
                ppr.remove(el)
        srpr = style.element.get_or_add_rPr()
        for tag in ("w:color", "w:spacing", "w:kern", "w:b", "w:bCs"):
            for el in srpr.findall(qn(tag)):
                srpr.remove(el)
        set_fonts(srpr, font)
        style.font.size = size
        style.font.bold = False
        style.font.color.rgb = None


def _page_setup(document: Any) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.header_distance = Mm(15)
    section.footer_distance = Mm(25)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(footer, "— ", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _page_field(footer)
    add_run(footer, " —", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def _page_field(paragraph: Any) -> None:
    """A PAGE field (begin, instruction, separate, shown value, end) in runs of the page-number font."""
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        run = add_run(paragraph, "", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


# ---------------------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------------------


def _twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def _el(tag: str, **attrs: str | int) -> Any:
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


HEADER_ROLES = frozenset({Role.ITEM, Role.COL, Role.COLGROUP, Role.NOTE})


def _cell_paragraph(layout_cell: LayoutCell | None, size: Any, *, keep_next: bool = False) -> Any:
    """The one paragraph of a table cell (empty in the continuation of a vertical merge), as XML: built with
    python-docx's object API this is the slowest part of a report. ``keep_next`` keeps the row on the page
    of the row below it (a header row never ends a page)."""
    keep = "<w:keepNext/>" if keep_next else ""
    p_pr = f'<w:pPr>{keep}<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>{{jc}}</w:pPr>'
    if layout_cell is None or not layout_cell.text:
        return parse_xml(f"<w:p {nsdecls('w')}>{p_pr.format(jc='')}</w:p>")
    left = layout_cell.role in (Role.ROW, Role.ROWGROUP, Role.NOTE)
    jc = f'<w:jc w:val="{"left" if left else "center"}"/>'
    half_points = round((size.pt - 1.5 if layout_cell.role is Role.NOTE else size.pt) * 2)
    fonts = " ".join(f'w:{attr}="{BODY_FONT}"' for attr in ("ascii", "hAnsi", "eastAsia", "cs"))
    return parse_xml(
        f"<w:p {nsdecls('w')}>{p_pr.format(jc=jc)}<w:r><w:rPr><w:rFonts {fonts}/>"
        f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
        f'<w:t xml:space="preserve">{xml_escape(layout_cell.text)}</w:t></w:r></w:p>'
    )


def table_element(layout: TableLayout) -> Any:
    """A ``w:tbl`` with real merged cells: ``gridSpan`` across, ``vMerge`` restart/continue down.

    Built as XML directly: python-docx's cell access and ``merge`` are quadratic in the table size.
    """
    widths = [_twips(mm) for mm in COLUMN_WIDTHS_MM[layout.kind]]
    size = TABLE_SIZES[layout.kind.value]
    tbl = OxmlElement("w:tbl")
    tbl_pr = _el("w:tblPr")
    margins = _el("w:tblCellMar")
    margins.append(_el("w:left", w=_twips(CELL_MARGIN_MM), type="dxa"))
    margins.append(_el("w:right", w=_twips(CELL_MARGIN_MM), type="dxa"))
    for child in (  # in the order of the schema (CT_TblPr)
        _el("w:tblStyle", val="TableGrid"),
        _el("w:tblW", w=sum(widths), type="dxa"),
        _el("w:jc", val="center"),
        _el("w:tblLayout", type="fixed"),
        margins,
        _el("w:tblLook", val="04A0", firstRow=1, lastRow=0, firstColumn=1, lastColumn=0, noHBand=0, noVBand=1),
    ):
        tbl_pr.append(child)
    tbl.append(tbl_pr)
    grid = _el("w:tblGrid")
    for width in widths:
        grid.append(_el("w:gridCol", w=width))
    tbl.append(grid)
    owners = layout.owner_grid()
    for r, row in enumerate(owners):
        # a header row (table 二's 第二十条 item and 信息内容 rows, the column headers) stays with the next row
        keep_next = r + 1 < len(owners) and all(owner.role in HEADER_ROLES for owner in row)
        tr = _el("w:tr")
        tr_pr = _el("w:trPr")
        tr_pr.append(_el("w:cantSplit"))
        if r < layout.header_rows:
            tr_pr.append(_el("w:tblHeader"))
        tr.append(tr_pr)
        for c, owner in enumerate(row):
            if owner.col != c:
                continue  # inside a horizontal span: the cell was written at its first column
            tc = _el("w:tc")
            tc_pr = _el("w:tcPr")
            tc_pr.append(_el("w:tcW", w=sum(widths[c : c + owner.colspan]), type="dxa"))
            if owner.colspan > 1:
                tc_pr.append(_el("w:gridSpan", val=owner.colspan))
            if owner.rowspan > 1:
                tc_pr.append(_el("w:vMerge", val="restart") if owner.row == r else _el("w:vMerge"))
            tc_pr.append(_el("w:vAlign", val="center"))
            tc.append(tc_pr)
            tc.append(_cell_paragraph(owner if owner.row == r else None, size, keep_next=keep_next))
            tr.append(tc)
        tbl.append(tr)
    return tbl


def add_table(document: Any, layout: TableLayout) -> None:
    body = document.element.body
    sect_pr = body.find(qn("w:sectPr"))
    if sect_pr is not None:
        sect_pr.addprevious(table_element(layout))  # the section properties stay last
    else:
        body.append(table_element(layout))


# ---------------------------------------------------------------------------------------------------------
# Document
# ---------------------------------------------------------------------------------------------------------


def build_document(layout: ReportLayout) -> Any:
    document = Document()
    _declare_fonts(document)
    _setup_styles(document)
    _page_setup(document)
    props = document.core_properties
    props.title = layout.title
    props.author = props.last_modified_by = "gongkai"
    props.language = "zh-CN"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    props.created = props.modified = now

    title = document.add_paragraph()
    title._p.style = "Title"  # by style id: python-docx's lookup by name is slow
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fixed_lines(title, Pt(36))
    title.paragraph_format.space_after = LINE
    for n, line in enumerate(layout.title_lines):
        run = add_run(title, line, TITLE_FONT, TITLE_SIZE)
        if n:
            run._r.insert(1, OxmlElement("w:br"))  # a line break where the title turns (after the rPr)
    if layout.date_line:
        date = document.add_paragraph()
        date.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fixed_lines(date, LINE)
        add_run(date, layout.date_line, BODY_FONT, BODY_SIZE)
    after_table = False
    for section in layout.sections:
        heading = document.add_paragraph()
        heading._p.style = "Heading1"
        _fixed_lines(heading, LINE, indent=True)
        if after_table:
            heading.paragraph_format.space_before = AFTER_TABLE
        add_run(heading, section.heading, HEADING_FONT, BODY_SIZE)
        if section.table is not None:
            add_table(document, section.table)
        after_table = section.table is not None
        for text in section.paragraphs:
            para = document.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _fixed_lines(para, LINE, indent=True)
            if after_table:
                para.paragraph_format.space_before = AFTER_TABLE
                after_table = False
            add_run(para, text, BODY_FONT, BODY_SIZE)
    last = [el for el in document.element.body if el.tag != qn("w:sectPr")][-1]
    if last.tag == qn("w:tbl"):
        document.add_paragraph()  # Word wants a paragraph between the last table and the section properties
    return document


def render_docx(report: Report) -> bytes:
    document = build_document(build_layout(report))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
