"""The DOCX opens cleanly in Word and LibreOffice: a sound package, well-formed parts in the right namespaces,
the children of every property element in the order the schema (ECMA-376) fixes — Word refuses a document
whose ``tcPr`` or ``rPr`` children are out of order — and tables whose merged cells add up: every row covers
the whole grid, every cell's width is the width of the grid columns it spans, every vertical merge continues
a cell above it.

LibreOffice's conversion of the same document, without warnings, is checked in ``test_artifacts.py``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import replace

import docx
import pytest
from lxml import etree
from tests.render.samples import sample_2019, seed_002

from gongkai.model.report import Report
from gongkai.model.templates import TableKind
from gongkai.render import render

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
KNOWN_NAMESPACES = {
    W,
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "http://schemas.microsoft.com/office/word/2010/wordml",
    "http://schemas.openxmlformats.org/drawingml/2006/main",
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "http://schemas.openxmlformats.org/officeDocument/2006/math",
}

# Child order of the property elements (ECMA-376 Part 1, transitional schema), the names gongkai can write.
ORDER: dict[str, list[str]] = {
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription"],
    "tcPr": ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark"],
    "tblCellMar": ["top", "left", "start", "bottom", "right", "end"],
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"],
    "rPr": ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
            "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
            "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
            "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"],
    "font": ["altName", "panose1", "charset", "family", "notTrueType", "pitch", "sig", "embedRegular",
             "embedBold", "embedItalic", "embedBoldItalic"],
    "tbl": ["tblPr", "tblGrid", "tr"],
    "tc": ["tcPr", "p"],
}
FIRST = {"r": "rPr", "p": "pPr", "tr": "trPr"}  # properties come first


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _no_t2(report: Report) -> Report:
    return replace(report, tables=tuple(t for t in report.tables if t.kind is not TableKind.T2))


REPORTS: dict[str, Callable[[], Report]] = {
    "002": seed_002,
    "sample_2019": sample_2019,
    "no_t2": lambda: _no_t2(seed_002()),
}


@pytest.fixture(scope="module", params=sorted(REPORTS))
def package(request: pytest.FixtureRequest) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(render(REPORTS[request.param](), "docx")))


def _xml(package: zipfile.ZipFile, name: str) -> etree._Element:
    return etree.fromstring(package.read(name))


def test_package_is_sound_and_every_part_well_formed(package: zipfile.ZipFile) -> None:
    assert package.testzip() is None
    names = package.namelist()
    assert names[0] == "[Content_Types].xml" or "[Content_Types].xml" in names
    types = _xml(package, "[Content_Types].xml")
    overrides = {o.get("PartName") for o in types}
    for part in ("/word/document.xml", "/word/styles.xml", "/word/fontTable.xml"):
        assert part in overrides
    for name in names:
        if name.endswith((".xml", ".rels")):
            _xml(package, name)  # raises when not well-formed


def test_document_parts_use_known_namespaces_only(package: zipfile.ZipFile) -> None:
    document = _xml(package, "word/document.xml")
    assert document.tag == _w("document") and document[0].tag == _w("body")
    footers = [n for n in package.namelist() if n.startswith("word/footer")]
    assert footers
    for name in ["word/document.xml", "word/styles.xml", "word/fontTable.xml", *footers]:
        for el in _xml(package, name).iter():
            if not isinstance(el.tag, str):
                continue  # comments, processing instructions
            namespace = etree.QName(el).namespace
            assert namespace in KNOWN_NAMESPACES, (name, el.tag)
            assert ":" not in _local(el), (name, el.tag)  # a prefix written into a local name
            for attr in el.attrib:
                assert ":" not in etree.QName(attr).localname, (name, el.tag, attr)


def test_property_children_in_schema_order(package: zipfile.ZipFile) -> None:
    parts = ["word/document.xml", "word/styles.xml", "word/fontTable.xml"]
    parts += [n for n in package.namelist() if n.startswith("word/footer")]
    for name in parts:
        for el in _xml(package, name).iter(*(_w(tag) for tag in (*ORDER, *FIRST))):
            children = [_local(c) for c in el if isinstance(c.tag, str) and etree.QName(c).namespace == W]
            tag = _local(el)
            if tag in FIRST:
                if FIRST[tag] in children:
                    assert children[0] == FIRST[tag], (name, tag, children)
                continue
            order = ORDER[tag]
            unknown = [c for c in children if c not in order]
            assert not unknown, (name, tag, unknown)
            positions = [order.index(c) for c in children]
            assert positions == sorted(positions), (name, tag, children)
            if tag == "tc":
                assert children[-1] == "p", "a table cell must end with a paragraph"


def test_body_ends_with_section_properties_after_a_paragraph(package: zipfile.ZipFile) -> None:
    body = _xml(package, "word/document.xml")[0]
    assert _local(body[-1]) == "sectPr"
    assert _local(body[-2]) == "p"  # Word wants a paragraph between the last table and sectPr


def test_every_table_row_covers_the_grid(package: zipfile.ZipFile) -> None:
    """Merged cells are consistent: every row spans the same grid width, widths add up, vertical merges
    continue a cell above that covers the same columns."""
    tables = _xml(package, "word/document.xml").iter(_w("tbl"))
    count = 0
    for n, tbl in enumerate(tables):
        count += 1
        grid = [int(g.get(_w("w"))) for g in tbl.find(_w("tblGrid"))]
        assert grid and all(w > 0 for w in grid)
        tbl_w = tbl.find(_w("tblPr")).find(_w("tblW"))
        assert int(tbl_w.get(_w("w"))) == sum(grid), f"table {n}: tblW is not the sum of the grid"
        above: dict[int, tuple[int, str | None]] = {}  # start column → (span, vMerge) of the row above
        for r, tr in enumerate(tbl.iter(_w("tr"))):
            col = 0
            row: dict[int, tuple[int, str | None]] = {}
            for tc in tr.iter(_w("tc")):
                tc_pr = tc.find(_w("tcPr"))
                span_el = tc_pr.find(_w("gridSpan"))
                span = int(span_el.get(_w("val"))) if span_el is not None else 1
                width = int(tc_pr.find(_w("tcW")).get(_w("w")))
                assert width == sum(grid[col : col + span]), f"table {n} row {r} col {col}: tcW"
                merge_el = tc_pr.find(_w("vMerge"))
                merge = None if merge_el is None else (merge_el.get(_w("val")) or "continue")
                if merge == "continue":
                    up = above.get(col)
                    assert up is not None and up[0] == span and up[1] in ("restart", "continue"), (
                        f"table {n} row {r} col {col}: a vertical merge continues no cell above"
                    )
                    text = "".join(t.text or "" for t in tc.iter(_w("t")))
                    assert text == "", f"table {n} row {r} col {col}: text in a merged-away cell"
                row[col] = (span, merge)
                col += span
            assert col == len(grid), f"table {n} row {r}: covers {col} of {len(grid)} grid columns"
            above = row
    assert count >= 2


def test_python_docx_reopens_it_with_every_table() -> None:
    for name, make in REPORTS.items():
        report = make()
        document = docx.Document(io.BytesIO(render(report, "docx")))
        assert len(document.tables) == len(report.tables), name
        for table in document.tables:
            assert len(table.columns) == len(table._tbl.tblGrid.gridCol_lst)
            for row in table.rows:
                assert len(row.cells) == len(table.columns)  # python-docx expands spans to grid columns
