"""The PDF reader: the corpus PDFs parse exactly, every table cell knows its page and box, page numbers never
become values, and broken, encrypted, oversized or image-only PDFs behave as specified."""

from __future__ import annotations

import ctypes
import io
import json
import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from gongkai.errors import HostileInput, ReadError
from gongkai.export import cells_record
from gongkai.extract import Interpretation
from gongkai.readers import read_document, read_interpretation
from gongkai.readers.document import Grid, Paragraph
from gongkai.readers.limits import ReadLimits
from gongkai.readers.pdf import PdfSourceDocument, debug_page_image, join_continued, read_pdf_document
from gongkai.readers.pdf_layout import PageTable, TableCell, TextLine, is_page_marker, join_chars

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS_PDFS = ("001.pdf", "002.pdf")
PAGE_MARK = re.compile(r"^\s*(?:[-－—–]\s*\d+\s*[-－—–]|第\s*\d+\s*页)\s*$")


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"ground truth missing: {path} (tests need ../shared beside the repository)")
    return path


@pytest.fixture(scope="module")
def parsed() -> dict[str, Interpretation]:
    return {name: read_interpretation(shared("corpus", name)) for name in CORPUS_PDFS}


def _label(name: str) -> dict[str, Any]:
    label: dict[str, Any] = json.loads(shared("corpus", "labels", name.replace(".pdf", ".json")).read_text("utf-8"))
    assert label["source"] == name
    return label


# ---------------------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_corpus_pdf_cells_and_meta_exact(parsed: dict[str, Interpretation], name: str) -> None:
    label = _label(name)
    record = cells_record(parsed[name].report)
    assert record["meta"]["year"] == label["meta"]["year"]
    assert record["meta"]["agency"] == label["meta"]["agency"]
    assert record["meta"]["t2_template"] == label["meta"]["t2_template"]
    assert record["meta"]["t3_template"] == label["meta"]["t3_template"]
    wrong = {
        cid: (record["cells"].get(cid, "<missing>"), want)
        for cid, want in label["cells"].items()
        if record["cells"].get(cid, "<missing>") != want
    }
    assert not wrong
    assert set(record["cells"]) == set(label["cells"])
    assert record["uncertain"] == []


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_corpus_pdf_every_cell_has_page_and_bbox(parsed: dict[str, Interpretation], name: str) -> None:
    doc = parsed[name].document
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    assert len(grids) >= 4
    for grid in grids:
        for r, row in enumerate(grid.rows):
            for c, grid_cell in enumerate(row):
                prov = grid_cell.provenance
                assert prov.page is not None and prov.bbox is not None, grid_cell
                assert (prov.table, prov.row, prov.col) == (grid.index, r, c)
                x0, top, x1, bottom = prov.bbox
                assert 0 <= x0 < x1 <= 595 and 0 <= top < bottom <= 842
    for table in parsed[name].report.tables:
        for cell in table.cells.values():
            assert cell.provenance.page is not None and cell.provenance.bbox is not None, cell


def test_title_is_one_paragraph(parsed: dict[str, Interpretation]) -> None:
    first = parsed["002.pdf"].document.blocks[0]
    assert isinstance(first, Paragraph)
    assert first.text == "洪泽区人民政府 2023年政府信息公开工作年度报告"
    assert parsed["002.pdf"].document.title_hint == "洪泽区人民政府2023年政府信息公开工作年度报告"
    first = parsed["001.pdf"].document.blocks[0]
    assert isinstance(first, Paragraph) and first.text == "淮安市人民政府 2024年政府信息公开工作年度报告"
    assert parsed["001.pdf"].document.title_hint is None  # its metadata Title names no agency or year


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_page_markers_never_become_text_or_values(parsed: dict[str, Interpretation], name: str) -> None:
    doc = parsed[name].document
    for block in doc.blocks:
        texts = [block.text] if isinstance(block, Paragraph) else [c.text for row in block.rows for c in row]
        assert not any(PAGE_MARK.match(t) for t in texts), texts
    for table in parsed[name].report.tables:
        for cell in table.cells.values():
            assert not PAGE_MARK.match(cell.raw)


def test_table_over_page_break_is_one_grid_in_row_order(parsed: dict[str, Interpretation]) -> None:
    doc = parsed["001.pdf"].document
    t3 = next(g for g in doc.blocks if isinstance(g, Grid) and any("勾稽" in c.text for c in g.rows[0]))
    pages = [row[3].provenance.page or 0 for row in t3.rows]
    assert pages == sorted(pages) and set(pages) == {4, 5}
    labels = {row[2].text: (row[0].text, row[1].text) for row in t3.rows}
    # the group label cut by the page break (（四）无 | 法提供) is whole on both sides of it
    assert labels["1.本机关不掌握相关政府信息"] == ("三、本年度办理结果", "（四）无法提供")
    assert labels["2.没有现成信息需要另行制作"] == ("三、本年度办理结果", "（四）无法提供")
    # merged cells: label copies repeat the label on every row, on both pages; value copies stay empty
    assert labels["3、其他"] == ("三、本年度办理结果", "（六）其他处理")
    t2 = next(g for g in doc.blocks if isinstance(g, Grid))
    permits = next(r for r in t2.rows if r[0].text == "行政许可")
    assert [(c.text, c.spanned) for c in permits] == [("行政许可", False), ("447228", False), ("", True), ("", True)]
    for row in t3.rows[3:]:
        assert all(c.text.isdigit() and not c.spanned for c in row[3:]), row
    # CJK cell text is joined without spaces: letter-spaced headers, wrapped labels, vertical labels
    texts = {c.text for row in t3.rows for c in row}
    assert {"商业企业", "总计", "三、本年度办理结果"} <= texts
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in texts


def test_typo_and_wrapped_labels_survive(parsed: dict[str, Interpretation]) -> None:
    doc = parsed["002.pdf"].document
    texts = {c.text for g in doc.blocks if isinstance(g, Grid) for row in g.rows for c in row}
    assert "2.其他法律行政止公开" in texts
    assert "5.要求行政机关确认或重新出具已获取信息" in texts
    # the empty continuation of merged group cells on the next page (p.4) is a copy of the group label
    t3 = next(g for g in doc.blocks if isinstance(g, Grid) and any("勾稽" in c.text for c in g.rows[0]))
    row = next(r for r in t3.rows if r[2].text == "3.补正后申请内容仍不明确")
    assert row[0].provenance.page == 4
    assert [(c.text, c.spanned) for c in row[:2]] == [("三、本年度办理结果", True), ("（四）无法提供", True)]


def test_sections_found(parsed: dict[str, Interpretation]) -> None:
    for name in CORPUS_PDFS:
        keys = [s.key.value for s in parsed[name].report.sections]
        assert len(keys) == 6, keys


# ---------------------------------------------------------------------------------------------------------
# Bad files
# ---------------------------------------------------------------------------------------------------------


def test_truncated_pdf_is_a_read_error_naming_the_file() -> None:
    data = shared("corpus", "002.pdf").read_bytes()
    for cut in (2000, len(data) // 2, len(data) - 300):
        with pytest.raises(ReadError) as err:
            read_document(data[:cut], name="cut.pdf")
        assert "cut.pdf" in str(err.value) and "PDF" in str(err.value)


def test_garbage_after_pdf_header_is_a_read_error() -> None:
    with pytest.raises(ReadError, match="损坏"):
        read_document(b"%PDF-1.7\n" + bytes(range(256)) * 8, name="junk.pdf")


def test_encrypted_pdf_is_a_read_error() -> None:
    objects = [*_PAGE_TREE, b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"]
    data = _raw_pdf(objects, b"/Encrypt 4 0 R /ID [<" + b"ab" * 16 + b"> <" + b"ab" * 16 + b">] ")
    with pytest.raises(ReadError, match="加密") as err:
        read_document(data, name="locked.pdf")
    assert "locked.pdf" in str(err.value)


def test_too_many_pages_is_hostile() -> None:
    with pytest.raises(HostileInput, match="页数"):
        read_document(shared("corpus", "002.pdf"), limits=ReadLimits(max_pdf_pages=4))


def test_image_only_page_gives_no_text_and_a_note() -> None:
    data = _build_pdf([[("text", 72, 100, "Annual report 2024", 14)], [("image",)]])
    doc = read_pdf_document(data, "scan.pdf", ReadLimits())
    assert isinstance(doc, PdfSourceDocument) and doc.pages == 2
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["Annual report 2024"]
    assert len(doc.notes) == 1 and "第2页" in doc.notes[0] and "OCR" in doc.notes[0]


def test_blank_pdf_reads_as_empty_document() -> None:
    doc = read_document(_raw_pdf(_PAGE_TREE), name="blank.pdf")
    assert isinstance(doc, PdfSourceDocument)
    assert doc.blocks == [] and doc.notes == ["第1页没有文字层；该页内容未读取"]


# ---------------------------------------------------------------------------------------------------------
# Layout on generated PDFs
# ---------------------------------------------------------------------------------------------------------


def _table(top: float, rows: list[list[str]]) -> list[tuple[Any, ...]]:
    """Drawing commands for a ruled 3-column table with its top edge at ``top`` (points from the top)."""
    xs, h = (72.0, 272.0, 372.0, 472.0), 24.0
    out: list[tuple[Any, ...]] = []
    for r in range(len(rows) + 1):
        out.append(("line", xs[0], top + r * h, xs[-1], top + r * h))
    for x in xs:
        out.append(("line", x, top, x, top + len(rows) * h))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            out.append(("text", xs[c] + 4, top + r * h + 6, text, 10))
    return out


def test_generated_table_continued_over_page_break() -> None:
    text_lines = [("text", 72, 100 + 20 * i, f"Running text line {i} of the body", 12) for i in range(4)]
    page1 = [
        *[("white", 70, 96 + 20 * i, 460, 20) for i in range(4)],  # invisible boxes behind the text lines
        *text_lines,
        *_table(600, [["Item", "A", "B"], ["row one", "1", "2"], ["row two", "3", "4"]]),
        ("text", 290, 800, "- 1 -", 10),
    ]
    page2 = [
        *_table(80, [["Item", "A", "B"], ["row three", "5", "6"]]),
        ("text", 72, 300, "After the table", 12),
        ("text", 295, 805, "2", 10),
    ]
    doc = read_document(_build_pdf([page1, page2]), name="gen.pdf")
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    assert len(grids) == 1  # white boxes are no table; the repeated header is dropped
    rows = [[c.text for c in row] for row in grids[0].rows]
    assert rows == [["Item", "A", "B"], ["row one", "1", "2"], ["row two", "3", "4"], ["row three", "5", "6"]]
    assert [row[0].provenance.page for row in grids[0].rows] == [1, 1, 1, 2]
    paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paragraphs[-1] == "After the table"
    assert not any(p in ("- 1 -", "2") for p in paragraphs)
    assert all("Running text line" in p for p in paragraphs[:-1])


def test_generated_table_beside_text() -> None:
    table = [c for c in _table(100, [["Item", "A", "B"], ["row one", "1", "2"]]) if c[0] == "line"]
    table += [("text", 76, 106, "Item", 10), ("text", 276, 106, "A", 10), ("text", 376, 106, "B", 10)]
    table += [("text", 76, 130, "row one", 10), ("text", 276, 130, "1", 10), ("text", 376, 130, "2", 10)]
    side = [("text", 490, 102 + 16 * i, f"note {i}", 10) for i in range(3)]  # beside the table, same height
    doc = read_document(_build_pdf([[*table, *side]]), name="side.pdf")
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    assert len(grids) == 1
    assert [[c.text for c in row] for row in grids[0].rows] == [["Item", "A", "B"], ["row one", "1", "2"]]
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["note 0 note 1 note 2"]


def test_pdf_without_pages_is_a_read_error() -> None:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    with pytest.raises(ReadError, match="没有任何页面"):
        read_document(_raw_pdf(objects), name="empty.pdf")


def test_generated_paragraphs_over_page_breaks_without_running_heads() -> None:
    wide = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do"
    pages: list[list[tuple[Any, ...]]] = []
    for number in (1, 2, 3):
        pages.append([("text", 250, 30, "Town report 2024", 10), ("text", 290, 810, f"- {number} -", 10)])
    pages[0] += [("text", 96, 100, wide, 12), *[("text", 72, 120 + 20 * i, wide, 12) for i in range(4)]]
    pages[1] += [("text", 72, 100, "end of the first paragraph", 12)]
    pages[1] += [("text", 96, 120, wide, 12), ("text", 72, 140, "short tail", 12)]
    pages[2] += [("text", 96, 100, "Final words", 12)]
    doc = read_document(_build_pdf(pages), name="paras.pdf")
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert texts == [
        " ".join([wide] * 5 + ["end of the first paragraph"]),
        f"{wide} short tail",
        "Final words",
    ]
    assert [b.provenance.page for b in doc.paragraphs] == [1, 2, 3]


def test_debug_page_image(tmp_path: Path) -> None:
    out = tmp_path / "p4.png"
    debug_page_image(shared("corpus", "001.pdf").read_bytes(), 4, str(out))
    with Image.open(out) as image:
        assert image.size[0] > 500


# ---------------------------------------------------------------------------------------------------------
# Pieces
# ---------------------------------------------------------------------------------------------------------


def _chars(spec: list[tuple[str, float, float]], size: float = 16.0) -> list[dict[str, Any]]:
    return [{"text": t, "x0": x0, "x1": x1, "top": 100.0, "bottom": 100.0 + size, "size": size} for t, x0, x1 in spec]


def test_join_chars_spaces() -> None:
    # letter-spaced CJK header and the narrow gap between digits and CJK: no spaces
    assert join_chars(_chars([("商", 0, 16), ("业", 22, 38), ("企", 44, 60), ("业", 66, 82)])) == "商业企业"
    assert join_chars(_chars([("2", 0, 8), ("0", 8, 16), ("2", 16, 24), ("4", 24, 32), ("年", 36, 52)])) == "2024年"
    # a Latin word gap and a space glyph keep one space; a column-wide gap keeps one too
    assert join_chars(_chars([("a", 0, 8), ("b", 13, 21)])) == "a b"
    assert join_chars(_chars([("a", 0, 8), (" ", 8, 12), ("b", 12, 20)])) == "a b"
    assert join_chars(_chars([("章", 0, 16), ("1", 60, 68)])) == "章 1"


@pytest.mark.parametrize(
    ("text", "top", "marker"),
    [
        ("- 4 -", 400, True),
        ("— 4 —", 800, True),
        ("第 4 页", 800, True),
        ("第4页 共6页", 20, True),
        ("4", 800, True),
        ("4", 400, False),  # a lone number mid-page may be a value
        ("2024", 400, False),
        ("一、总体情况", 800, False),
    ],
)
def test_page_markers(text: str, top: float, marker: bool) -> None:
    line = TextLine(text, (280.0, top, 320.0, top + 12), 12.0, 1)
    assert is_page_marker(line, 842.0) is marker


def _row(page: int, top: float, texts: list[str | None]) -> list[TableCell]:
    xs = (70.0, 100.0, 180.0, 310.0, 350.0)
    return [
        TableCell(t or "", (xs[i], top, xs[i + 1], top + 20), page, spanned=t is None, raw=t or "")
        for i, t in enumerate(texts)
    ]


def _page_table(page: int, rows: list[list[TableCell]]) -> PageTable:
    bbox = (70.0, rows[0][0].bbox[1], 350.0, rows[-1][0].bbox[3])
    return PageTable(rows, bbox, [70.0, 100.0, 180.0, 310.0, 350.0], page, [page])


def test_group_label_cut_by_page_break_is_rejoined() -> None:
    head = _page_table(4, [_row(4, 740, ["", "（四）无", "1.本机关不掌握相关政府信息", "746"])])
    tail = _page_table(5, [_row(5, 80, ["", "法提供", "2.没有现成信息需要另行制作", "11"])])
    join_continued(head, tail)
    assert [c.text for c in head.rows[0]][1] == "（四）无法提供"
    assert [c.text for c in head.rows[1]][1] == "（四）无法提供"
    assert head.rows[1][1].raw == "法提供" and head.pages == [4, 5]


def test_row_cut_by_page_break_is_rejoined() -> None:
    head = _page_table(3, [_row(3, 700, ["", "（五）不予处理", "1.信访举报投诉类申请", "1"]), _row(3, 720, [None, None, "5.要求行政机关确认或重", ""])])
    tail = _page_table(4, [_row(4, 80, ["", "", "新出具已获取信息", "0"]), _row(4, 100, ["四、结转下年度继续办理", None, None, "0"])])
    join_continued(head, tail)
    assert [c.text for c in head.rows[1]][2:] == ["5.要求行政机关确认或重新出具已获取信息", "0"]
    assert head.rows[1][3].page == 4
    assert len(head.rows) == 3


def test_header_row_before_break_is_not_joined_to_data() -> None:
    head = _page_table(3, [_row(3, 700, ["信息内容", "本年处理决定数量", None, None])])
    tail = _page_table(4, [_row(4, 80, ["行政处罚", "4119", None, None])])
    join_continued(head, tail)
    assert [[c.text for c in row] for row in head.rows] == [
        ["信息内容", "本年处理决定数量", "", ""],
        ["行政处罚", "4119", "", ""],
    ]


# ---------------------------------------------------------------------------------------------------------
# Building PDFs
# ---------------------------------------------------------------------------------------------------------

_PAGE_TREE = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
]


def _raw_pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF from object bodies, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_extra + b">>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _build_pdf(pages: list[list[tuple[Any, ...]]], height: float = 842.0) -> bytes:
    """A PDF drawn with pdfium: ("text", x, top, text, size), ("line", x0, top0, x1, top1),
    ("white", x, top, w, h) for an invisible white box, ("image",) for a full-page picture."""
    pdf = pdfium.PdfDocument.new()
    for commands in pages:
        page = pdf.new_page(595, height)
        for cmd in commands:
            kind = cmd[0]
            if kind == "text":
                _, x, top, text, size = cmd
                obj = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(size))
                buf = ctypes.create_string_buffer((text + "\x00").encode("utf-16-le"))
                pdfium_c.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
                pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, height - top - size * 0.8)
                pdfium_c.FPDFPage_InsertObject(page.raw, obj)
            elif kind == "line":
                _, x0, t0, x1, t1 = cmd
                path = pdfium_c.FPDFPageObj_CreateNewPath(x0, height - t0)
                pdfium_c.FPDFPath_LineTo(path, x1, height - t1)
                pdfium_c.FPDFPageObj_SetStrokeColor(path, 0, 0, 0, 255)
                pdfium_c.FPDFPageObj_SetStrokeWidth(path, ctypes.c_float(0.7))
                pdfium_c.FPDFPath_SetDrawMode(path, 0, True)
                pdfium_c.FPDFPage_InsertObject(page.raw, path)
            elif kind == "white":
                _, x, top, w, h = cmd
                rect = pdfium_c.FPDFPageObj_CreateNewRect(x, height - top - h, w, h)
                pdfium_c.FPDFPageObj_SetFillColor(rect, 255, 255, 255, 255)
                pdfium_c.FPDFPath_SetDrawMode(rect, 1, False)
                pdfium_c.FPDFPage_InsertObject(page.raw, rect)
            elif kind == "image":
                image = pdfium.PdfImage.new(pdf)
                image.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("RGB", (100, 140), (190, 190, 190))))
                image.set_matrix(pdfium.PdfMatrix().scale(500, 700).translate(40, 60))
                page.insert_obj(image)
        page.gen_content()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
