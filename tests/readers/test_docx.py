"""The DOCX reader: body order, heading levels, merged cells expanded, and every broken or hostile archive
refused with an error naming the file.

Documents are built with python-docx in each test; the corpus 019.docx (LibreOffice conversion of 019.html
with real vMerge/gridSpan) is read from ../shared.
"""

from __future__ import annotations

import io
import json
import struct
import time
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE

from gongkai.errors import HostileInput, ReadError
from gongkai.export import cells_record
from gongkai.readers import read, read_document
from gongkai.readers.document import Grid, Paragraph, SourceDocument
from gongkai.readers.docx import read_docx_document
from gongkai.readers.limits import DEFAULT_LIMITS, ReadLimits

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def corpus(name: str) -> Path:
    path = SHARED / "corpus" / name
    if not path.exists():
        raise FileNotFoundError(f"ground truth missing: {path} (tests need ../shared beside the repository)")
    return path


def saved(document: Any) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def read_bytes(data: bytes, name: str = "report.docx", limits: ReadLimits = DEFAULT_LIMITS) -> SourceDocument:
    return read_docx_document(data, name, limits)


def cells(grid: Grid) -> list[list[tuple[str, bool]]]:
    return [[(c.text, c.spanned) for c in row] for row in grid.rows]


def merged_report() -> bytes:
    d = docx.Document()
    d.add_heading("2024年某镇政府信息公开工作年度报告", level=1)
    d.add_paragraph("一、总体情况", style="Heading 2")
    p = d.add_paragraph()
    for run in ("2024年，全", "镇共收到申请", "15", "件"):
        p.add_run(run)
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).text = "三、本年度办理结果"
    t.cell(0, 0).merge(t.cell(2, 0))  # vMerge restart/continue
    t.cell(0, 1).text = "（一）予以公开"
    t.cell(0, 1).merge(t.cell(0, 2))  # gridSpan 2, a label
    t.cell(0, 3).text = "5"
    t.cell(1, 1).text = "x"
    t.cell(1, 2).text = "7"
    t.cell(1, 2).merge(t.cell(1, 3))  # gridSpan 2, a value
    c = t.cell(2, 1)
    c.text = "社会"
    c.add_paragraph("公益\u00a0 ")
    c.add_paragraph("组织")
    d.add_paragraph("结尾")
    return saved(d)


# -- structure -------------------------------------------------------------------------------------------


def test_body_order_headings_and_merged_cells() -> None:
    doc = read_bytes(merged_report())
    assert doc.reader == "docx"
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph"] * 3 + ["Grid", "Paragraph"]
    assert [(p.text, p.heading_level) for p in doc.paragraphs] == [
        ("2024年某镇政府信息公开工作年度报告", 1),
        ("一、总体情况", 2),
        ("2024年，全镇共收到申请15件", 0),
        ("结尾", 0),
    ]
    (grid,) = doc.grids
    assert cells(grid) == [
        [("三、本年度办理结果", False), ("（一）予以公开", False), ("（一）予以公开", True), ("5", False)],
        # the label copy keeps its text; the value copy is empty so 7 counts once
        [("三、本年度办理结果", True), ("x", False), ("7", False), ("", True)],
        [("三、本年度办理结果", True), ("社会公益组织", False), ("", False), ("", False)],
    ]


def test_provenance_of_cells_and_paragraphs() -> None:
    doc = read_bytes(merged_report(), "镇报告.docx")
    cell = doc.grids[0].rows[1][2]
    assert (cell.provenance.table, cell.provenance.row, cell.provenance.col) == (0, 1, 2)
    assert cell.provenance.source == "镇报告.docx" and cell.provenance.reader == "docx"
    assert [p.provenance.line for p in doc.paragraphs[:3]] == [1, 2, 3]
    assert doc.paragraphs[-1].provenance.line is not None and doc.paragraphs[-1].provenance.line > 3


def test_chinese_and_outline_heading_styles() -> None:
    d = docx.Document()
    d.styles.add_style("标题 1", WD_STYLE_TYPE.PARAGRAPH)
    custom = d.styles.add_style("报告小标题", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = d.styles["Heading 3"]
    d.add_paragraph("一、总体情况", style="标题 1")
    d.add_paragraph("（一）主动公开", style="报告小标题")
    d.add_paragraph("正文")
    doc = read_bytes(saved(d))
    assert [(p.text, p.heading_level) for p in doc.paragraphs] == [
        ("一、总体情况", 1),
        ("（一）主动公开", 3),
        ("正文", 0),
    ]


def test_nested_table_is_layout() -> None:
    d = docx.Document()
    outer = d.add_table(rows=1, cols=1)
    cell = outer.cell(0, 0)
    cell.paragraphs[0].text = "报告正文"
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "规章"
    inner.cell(0, 1).text = "1"
    doc = read_bytes(saved(d))
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Grid"]
    assert doc.paragraphs[0].text == "报告正文"
    assert cells(doc.grids[0]) == [[("规章", False), ("1", False)]]


def test_core_title_is_a_hint_when_it_names_a_report() -> None:
    d = docx.Document()
    d.core_properties.title = "2024年某镇政府信息公开工作年度报告"
    d.add_paragraph("正文")
    assert read_bytes(saved(d)).title_hint == "2024年某镇政府信息公开工作年度报告"
    d.core_properties.title = "文档1"
    assert read_bytes(saved(d)).title_hint is None


# -- broken and hostile archives -------------------------------------------------------------------------


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _replace(data: bytes, name: str, content: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    return _zip({i.filename: content if i.filename == name else src.read(i.filename) for i in src.infolist()})


def test_zip_bomb_named_docx_is_hostile() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b" " * (1024 * 1024)
            for _ in range(100):  # 100 MB of spaces, about 100 KB stored
                part.write(chunk)
    start = time.monotonic()
    with pytest.raises(HostileInput) as err:
        read_document(buf.getvalue(), name="bomb.docx")
    assert time.monotonic() - start < 1.0
    assert str(err.value).startswith("bomb.docx: ")
    assert "ZIP 炸弹" in str(err.value)


def test_compression_ratio_and_member_count_limits() -> None:
    data = merged_report()
    src = zipfile.ZipFile(io.BytesIO(data))
    members = {name: src.read(name) for name in src.namelist()}
    bomb = _zip({**members, "word/media/zeros.bin": b"\0" * 2_000_000})  # about 2 KB stored
    with pytest.raises(HostileInput) as err:
        read_bytes(bomb, "ratio.docx", ReadLimits(max_compression_ratio=100.0))
    assert "压缩比" in str(err.value) and str(err.value).startswith("ratio.docx: ")
    with pytest.raises(HostileInput) as err:
        read_bytes(data, "many.docx", ReadLimits(max_zip_members=3))
    assert "成员过多" in str(err.value)
    with pytest.raises(HostileInput):
        read_bytes(data, "small.docx", ReadLimits(max_unpacked_bytes=10_000))


def test_lying_size_header_cannot_inflate_past_it() -> None:
    """A central directory that understates a member's size: inflation stops at the stated size and the
    member fails its checksum, so the file is refused as corrupt without inflating the rest."""
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document>" + b" " * 3_000_000})
    at = data.rfind(b"PK\x01\x02")  # the central directory entry of word/document.xml (written last)
    patched = bytearray(data)
    patched[at + 24 : at + 28] = struct.pack("<I", 1000)  # uncompressed size
    with pytest.raises(ReadError) as err:
        read_bytes(bytes(patched), "lying.docx")
    assert str(err.value).startswith("lying.docx: ")
    assert not isinstance(err.value, HostileInput)


def test_truncated_docx_is_a_read_error() -> None:
    data = merged_report()
    with pytest.raises(ReadError) as err:
        read_document(data[: len(data) // 2], name="half.docx")
    assert not isinstance(err.value, HostileInput)
    assert str(err.value).startswith("half.docx: ")
    assert "不是有效的 Word 文档" in str(err.value)


def test_zip_without_word_document_is_a_read_error() -> None:
    data = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    with pytest.raises(ReadError) as err:
        read_document(data, name="book.docx")
    assert str(err.value).startswith("book.docx: ")
    assert "word/document.xml" in str(err.value)


def test_dtd_in_document_xml_is_hostile() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = _replace(merged_report(), "word/document.xml", bomb.encode())
    with pytest.raises(HostileInput) as err:
        read_document(data, name="dtd.docx")
    assert str(err.value).startswith("dtd.docx: ")
    assert "DTD" in str(err.value)


def test_broken_document_xml_is_a_read_error() -> None:
    data = _replace(merged_report(), "word/document.xml", b"<w:document><w:body><w:p>")
    with pytest.raises(ReadError) as err:
        read_document(data, name="broken.docx")
    assert str(err.value).startswith("broken.docx: ")


# -- the corpus ------------------------------------------------------------------------------------------


def _same(got: Any, want: Any) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return bool(abs(got - want) <= 1e-6)


def test_corpus_019_docx_reads_exactly() -> None:
    path = corpus("019.docx")
    doc = read_document(path)
    assert len(doc.grids) == 3
    for grid in doc.grids:
        assert len({len(row) for row in grid.rows}) == 1  # regular
    assert any(c.spanned for grid in doc.grids for row in grid.rows for c in row)
    headers = [c.text for row in doc.grids[1].rows[:3] for c in row if not c.spanned]
    assert "社会公益组织" in headers
    label: dict[str, Any] = json.loads(
        (SHARED / "corpus" / "labels" / "019docx.json").read_text(encoding="utf-8")
    )
    record = cells_record(read(path))
    want = label["cells"]
    assert set(record["cells"]) == set(want)
    wrong = {k: (record["cells"][k], v) for k, v in want.items() if not _same(record["cells"][k], v)}
    assert wrong == {}
    assert record["uncertain"] == []
    assert record["meta"]["year"] == label["meta"]["year"]
    assert label["meta"]["agency"] in record["meta"]["agency"]


def test_paragraphs_are_text_not_markup() -> None:
    doc = read_document(corpus("019.docx"))
    assert all(isinstance(b, (Paragraph, Grid)) for b in doc.blocks)
    assert doc.paragraphs[1].text == "一、总体情况"
    assert doc.paragraphs[-1].text == "2025年，无收取信息处理费情况。"
