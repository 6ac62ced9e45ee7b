"""Word reports (.docx) → ``SourceDocument``: body paragraphs and tables in order, merged cells expanded.

The archive is checked first (``gongkai.readers.zipsafe``), then opened with python-docx, whose XML parser
does not resolve entities. The body is walked as XML: paragraphs keep their heading level from the style
(``Heading 1``/``标题 1``, or an outline level); tables become regular grids with ``gridSpan`` (across) and
``vMerge`` (down) expanded (``gongkai.readers.grid``). A table holding another table is page layout: its
cells are read as running text and the inner tables as grids.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from lxml import etree

from gongkai.errors import ReadError
from gongkai.model.report import Provenance
from gongkai.readers.document import Block, Paragraph, SourceDocument
from gongkai.readers.grid import MAX_COLSPAN, Placed, SpanMatrix
from gongkai.readers.inline import natural_text
from gongkai.readers.limits import ReadLimits, too_many_paragraphs
from gongkai.readers.zipsafe import CORRUPT_HINT, check_zip

READER = "docx"
MAIN_PART = "word/document.xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# Containers whose children are read as if they stood in their place (content controls, custom XML).
_WRAPPERS = frozenset(
    {"sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo", "fldSimple", "hyperlink"}
)
# Never printed as body text: properties, deleted or moved-away text, field codes, legacy fallbacks.
_UNPRINTED = frozenset(
    {
        "pPr",
        "rPr",
        "tblPr",
        "trPr",
        "tcPr",
        "sdtPr",
        "sdtEndPr",
        "del",
        "moveFrom",
        "delText",
        "instrText",
        "Fallback",
    }
)
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)


def read_docx_document(data: bytes, source: str, limits: ReadLimits) -> SourceDocument:
    """The paragraphs and grids of a Word report, in reading order."""
    check_zip(data, source, limits, MAIN_PART, "Word 文档（.docx）")
    document = _open(data, source)
    walker = _Walker(source, limits, _heading_styles(document))
    walker.body(document.element.body)
    doc = SourceDocument(source=source, reader=READER, blocks=walker.blocks)
    title = natural_text(_core_title(document))
    if title and ("年度报告" in title or "年报" in title):
        doc.title_hint = title
    return doc


def _core_title(document: Any) -> str:
    """The title in docProps/core.xml; a part python-docx cannot make sense of (a wrong root element, junk) is
    only a missing hint, never a reason to refuse the body."""
    try:
        title = document.core_properties.title
    except (AttributeError, ValueError, TypeError, KeyError, etree.LxmlError):
        return ""
    return title if isinstance(title, str) else ""


def _open(data: bytes, source: str) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile) as exc:
        raise ReadError(source, "不是有效的 Word 文档（.docx）", CORRUPT_HINT) from exc
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise ReadError(
            source, f"Word 文档的 XML 内容已损坏（第{line}行第{column}列）", CORRUPT_HINT
        ) from exc
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        # python-docx: a missing or malformed part ("[Content_Types].xml"), or a main part of another kind
        raise ReadError(
            source,
            "无法作为 Word 文档打开：文档结构不完整或不是 Word 正文",
            "请确认文件是 Word 文档（.docx）",
        ) from exc


def _local(el: etree._Element) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _val(el: etree._Element | None) -> str | None:
    return None if el is None else el.get(f"{{{W}}}val")


def _child(el: etree._Element, *path: str) -> etree._Element | None:
    found: etree._Element | None = el
    for name in path:
        if found is None:
            return None
        found = found.find(f"{{{W}}}{name}")
    return found


def _int(value: str | None, default: int, maximum: int) -> int:
    if value is None or not value.strip().isdigit():
        return default
    return max(0, min(int(value), maximum))


def _heading_styles(document: Any) -> dict[str, int]:
    """Style id → heading level, from the style's name (``heading 2``, ``标题 2``) or outline level,
    following ``basedOn`` so a custom style built on a heading is a heading too."""
    try:
        styles = document.styles.element
    except (ValueError, KeyError, AttributeError, TypeError):
        # a styles relationship pointing outside the package (TargetMode="External") or at a part of another
        # kind: the headings lose their levels, the body is still read
        return {}
    by_id: dict[str, etree._Element] = {}
    for style in styles.iterfind(f"{{{W}}}style"):
        style_id = style.get(f"{{{W}}}styleId")
        if style_id:
            by_id[style_id] = style
    levels: dict[str, int] = {}
    for style_id in by_id:
        current: str | None = style_id
        for _ in range(10):  # bounded: basedOn chains may loop
            style = by_id.get(current or "")
            if style is None:
                break
            level = _style_level(style)
            if level:
                levels[style_id] = level
                break
            current = _val(_child(style, "basedOn"))
    return levels


def _style_level(style: etree._Element) -> int:
    name = (_val(_child(style, "name")) or "").strip()
    match = _HEADING_NAME.match(name)
    if match:
        return int(match.group(1))
    outline = _val(_child(style, "pPr", "outlineLvl"))
    if outline is not None and outline.isdigit() and int(outline) < 9:
        return int(outline) + 1
    return 0


class _Walker:
    """Walks the body XML in document order, collecting paragraphs and grids."""

    def __init__(self, source: str, limits: ReadLimits, headings: dict[str, int]) -> None:
        self.source = source
        self.limits = limits
        self.headings = headings
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.grids = 0
        self.cells = 0

    def body(self, container: etree._Element) -> None:
        for child in container:
            name = _local(child)
            if name == "p":
                self.paragraph(child)
            elif name == "tbl":
                self.table(child)
            elif name in _WRAPPERS:
                self.body(child)

    def paragraph(self, p: etree._Element) -> None:
        self.paragraphs += 1
        boxes: list[etree._Element] = []
        parts: list[str] = []
        _runs(p, parts, boxes)
        text = natural_text("".join(parts))
        if text:
            prov = Provenance(source=self.source, reader=READER, line=self.paragraphs, text=text)
            if len(self.blocks) >= self.limits.max_paragraphs:
                raise too_many_paragraphs(self.source, self.limits)
            self.blocks.append(Paragraph(text, prov, self.level(p)))
        for box in boxes:  # text boxes anchored in the paragraph
            self.body(box)

    def level(self, p: etree._Element) -> int:
        outline = _val(_child(p, "pPr", "outlineLvl"))
        if outline is not None and outline.isdigit() and int(outline) < 9:
            return int(outline) + 1
        return self.headings.get(_val(_child(p, "pPr", "pStyle")) or "", 0)

    def table(self, tbl: etree._Element) -> None:
        trs = _items(tbl, "tr")
        rows = [_items(tr, "tc") for tr in trs]
        nested = any(True for _ in tbl.iterdescendants(f"{{{W}}}tbl"))
        if nested or sum(len(r) for r in rows) <= 1:  # page layout: the cells are running text
            for row in rows:
                for tc in row:
                    if _vmerge(tc) != "continue":
                        self.body(tc)
            return
        matrix = SpanMatrix(self.source, self.limits.grid_budget - self.cells)
        for r, (tr, cells) in enumerate(zip(trs, rows, strict=True)):
            matrix.ensure_rows(r + 1)
            c = _int(_val(_child(tr, "trPr", "gridBefore")), 0, MAX_COLSPAN)
            for tc in cells:
                span = max(1, _int(_val(_child(tc, "tcPr", "gridSpan")), 1, MAX_COLSPAN))
                text = self.cell_text(tc)  # also for merged-away cells, to keep the paragraph count
                above = matrix.at(r - 1, c) if r > 0 else None
                if _vmerge(tc) == "continue" and above is not None:
                    matrix.cover(above, r, c, 1, span)
                else:
                    matrix.cover(Placed(text, r, c), r, c, 1, span)
                c += span
        grid = matrix.to_grid(self.grids, READER)
        if grid is not None:
            self.cells += matrix.count
            self.blocks.append(grid)
            self.grids += 1

    def cell_text(self, tc: etree._Element) -> str:
        """The cell's paragraphs joined as printed (``社会`` + ``公益`` + ``组织`` → ``社会公益组织``)."""
        parts: list[str] = []
        for p in _items(tc, "p"):
            self.paragraphs += 1
            _runs(p, parts, [])
            parts.append("\n")
        return natural_text("".join(parts))


def _items(container: etree._Element, name: str) -> list[etree._Element]:
    """Children named ``name`` (``tr``, ``tc``, ``p``), looking through content controls and custom XML."""
    out: list[etree._Element] = []
    for child in container:
        local = _local(child)
        if local == name:
            out.append(child)
        elif local in ("sdt", "sdtContent", "customXml"):
            out.extend(_items(child, name))
    return out


def _vmerge(tc: etree._Element) -> str | None:
    """``restart``, ``continue`` (a ``<w:vMerge/>`` without value continues) or None when not merged."""
    merge = _child(tc, "tcPr", "vMerge")
    if merge is None:
        return None
    return _val(merge) or "continue"


def _runs(el: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
    """The printed text under a paragraph element: text, tabs and breaks; text boxes are set aside."""
    for child in el:
        name = _local(child)
        if not name or name in _UNPRINTED:
            continue
        if name == "t":
            parts.append(child.text or "")
        elif name == "tab":
            parts.append("\t")
        elif name in ("br", "cr"):
            parts.append("\n")
        elif name == "noBreakHyphen":
            parts.append("-")
        elif name == "txbxContent":
            boxes.append(child)
        else:
            _runs(child, parts, boxes)
