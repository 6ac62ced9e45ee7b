"""HTML reports (a whole page, an article-body fragment, or markup cut out of a JS string) → ``SourceDocument``.

Block elements outside tables become paragraphs; each data table becomes a regular ``Grid`` with its merged
cells expanded (``gongkai.readers.grid``). Text split over ``<span>``, ``<p>`` or ``<br>`` and padded with
``&nbsp;`` is joined as printed (``gongkai.readers.inline``). A table that holds another table is page layout,
not data: its cells are read as running text and the inner tables as grids.

Parsing uses libxml2's HTML parser without network access or huge-tree mode; DTD entity declarations are
refused before parsing, and the number of elements is bounded by ``ReadLimits.max_html_nodes``.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from lxml import etree

from gongkai.errors import HostileInput, ReadError
from gongkai.model.report import Provenance
from gongkai.readers.decode import decode_text
from gongkai.readers.document import Block, Paragraph, SourceDocument
from gongkai.readers.grid import MAX_COLSPAN, Placed, SpanMatrix
from gongkai.readers.inline import natural_text
from gongkai.readers.limits import ReadLimits, too_many_paragraphs

READER = "html"

SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg", "math", "select"}
)
BLOCKS = frozenset(
    {
        "html", "body", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
        "blockquote", "pre", "section", "article", "header", "footer", "nav", "aside", "main", "center",
        "address", "figure", "figcaption", "form", "fieldset", "legend", "hr", "caption", "tr", "td", "th",
        "thead", "tbody", "tfoot", "table",
    }
)  # fmt: skip
HEADINGS = {f"h{n}": n for n in range(1, 7)}
_CELL_TAGS = ("td", "th")
# Elements whose own text is all a cell shows when they are its only child and have no children themselves.
_PLAIN = frozenset({"p", "div", "span", "font", "b", "strong", "i", "em", "u", "center", "a", "small", "big"})

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_PUBLISHED = re.compile(
    r"(?:发布日期|发布时间|发文日期|成文日期|公开日期)\s*[:：]?\s*"
    r"((?:19|20)\d{2}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}\s*日?)"
)
_PUBDATE_META = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "publishtime",
    "dc.date",
    "article:published_time",
)
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|—|--|\s-\s)\s*")


def read_html_document(data: bytes, source: str, limits: ReadLimits) -> SourceDocument:
    """The paragraphs and grids of an HTML report, in reading order."""
    text, utf8 = _decode_html(data, source)
    if _declares_entities(text):
        raise HostileInput(
            source, "网页含有 XML 实体声明（<!ENTITY>），拒绝读取", "报告网页不需要实体声明，请提供原始网页"
        )
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, huge_tree=False
    )
    try:
        root = etree.fromstring(data if utf8 else text.encode("utf-8", errors="replace"), parser)
    except etree.XMLSyntaxError as exc:
        raise ReadError(source, f"无法解析网页：{exc}") from exc
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        # without huge-tree mode libxml2 stops at 256 levels of nesting or a 10 MB text node, dropping the rest
        raise HostileInput(
            source, "网页超出解析上限（嵌套层级过深或单段文本过长），拒绝读取", "请提供原始网页"
        )
    if root is None:
        raise ReadError(source, "网页没有内容")
    _check_size(root, source, limits)
    walker = _Walker(source, limits)
    walker.flow(root)
    walker.flush()
    doc = SourceDocument(source=source, reader=READER, blocks=walker.blocks)
    doc.title_hint = _title_hint(root)
    doc.published_hint = _published_hint(root, doc.paragraphs)
    return doc


def _declares_entities(text: str) -> bool:
    """Whether ``_ENTITY_DECL`` occurs: it is tried only where its uncased ``<!`` is (doctypes, comments)."""
    pos = text.find("<!")
    while pos >= 0:
        if _ENTITY_DECL.match(text, pos):
            return True
        pos = text.find("<!", pos + 1)
    return False


def decode_html(data: bytes, source: str) -> str:
    """The page's text: a BOM wins, then a ``<meta charset>``/``http-equiv``/XML declaration, then detection.

    A page that declares a legacy charset but is valid UTF-8 (a common mislabel after a site migration) is
    read as UTF-8: GBK text is practically never valid UTF-8, the reverse mistake would garble every line.
    """
    return _decode_html(data, source)[0]


def _decode_html(data: bytes, source: str) -> tuple[str, bool]:
    """``decode_html``, and whether the text is ``data`` read as UTF-8 (so ``data`` is its UTF-8 encoding)."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data, source), False
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    declared = match.group(1).decode("ascii").lower() if match else None
    if declared is not None and not declared.startswith("utf-8"):
        try:
            decoded = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if not decoded.isascii() or declared.startswith("utf-16"):
                return decoded, True
    if declared is not None and declared.startswith("utf-16"):
        declared = None  # a page whose bytes we can read as ASCII is not UTF-16, whatever it says
    if declared in (None, "utf-8"):  # what decode_text tries first
        try:
            return data.decode("utf-8"), True
        except UnicodeDecodeError:
            pass
    return decode_text(data, source, declared), False


_COUNT_ELEMENTS = etree.XPath("count(descendant-or-self::*)")  # counted in C, not by a Python loop


def _check_size(root: etree._Element, source: str, limits: ReadLimits) -> None:
    count = _COUNT_ELEMENTS(root)
    if isinstance(count, float) and count > limits.max_html_nodes:
        raise HostileInput(source, f"网页元素过多（超过 {limits.max_html_nodes} 个），拒绝读取")


def _tag(el: etree._Element) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):  # comments and processing instructions
        return None
    if tag.islower() and "}" not in tag:  # what libxml2's HTML parser gives
        return tag
    return tag.rsplit("}", 1)[-1].lower()


def _line(el: etree._Element) -> int | None:
    line = el.sourceline
    return line if isinstance(line, int) else None


def _hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return style is not None and _hiding_style(style)


@lru_cache(maxsize=1024)
def _hiding_style(style: str) -> bool:
    """Pages repeat the same inline style on every cell: each distinct style is searched once."""
    return _HIDDEN.search(style) is not None


_SPAN_VALUE = re.compile(r"\s*(\d+)")


def _span(value: str | None, maximum: int) -> int | None:
    """A rowspan/colspan attribute: a positive number, 0 (rowspan to the end), None when absent or junk."""
    if value is None:
        return None
    match = _SPAN_VALUE.match(value)
    if not match:
        return None
    return min(int(match.group(1)), maximum)


class _Walker:
    """Walks the element tree in document order, collecting paragraphs and grids."""

    def __init__(self, source: str, limits: ReadLimits) -> None:
        self.source = source
        self.limits = limits
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.line: int | None = None
        self.grids = 0
        self.cells = 0

    # -- running text ------------------------------------------------------------------------------------

    def add(self, text: str | None, el: etree._Element) -> None:
        if text:
            if self.line is None and text.strip():
                self.line = _line(el)
            self.buffer.append(text)

    def flush(self, level: int = 0) -> None:
        if not self.buffer:
            return
        text = natural_text("".join(self.buffer))
        if text:
            prov = Provenance(source=self.source, reader=READER, line=self.line, text=text)
            if len(self.blocks) >= self.limits.max_paragraphs:
                raise too_many_paragraphs(self.source, self.limits)
            self.blocks.append(Paragraph(text, prov, level))
        self.buffer.clear()
        self.line = None

    def flow(self, el: etree._Element) -> None:
        """An element in running text (outside data tables); its tail is the caller's."""
        raw = el.tag
        tag = raw if raw in BLOCKS else _tag(el)  # a block tag as libxml2 gives it needs no folding
        if tag is None or tag in SKIPPED or _hidden(el):
            return
        if tag == "br":
            self.buffer.append("\n")
            return
        if tag == "table":
            self.flush()
            self.table(el)
            return
        block = tag in BLOCKS
        if block and self.buffer:
            self.flush()
        text = el.text
        if text:
            self.add(text, el)
        for child in el:
            self.flow(child)
            tail = child.tail
            if tail:
                self.add(tail, el)
        if block and self.buffer:
            self.flush(HEADINGS.get(tag, 0))

    # -- tables ------------------------------------------------------------------------------------------

    def table(self, table: etree._Element) -> None:
        rows = list(_rows(table))
        cells = [[td for td in tr if td.tag in _CELL_TAGS or _tag(td) in _CELL_TAGS] for tr in rows]
        nested = any(True for _ in table.iterdescendants("table"))
        single = sum(len(r) for r in cells) <= 1
        if nested or single:  # page layout: read the cells as running text
            for child in table:
                if _tag(child) == "caption":
                    self.flow(child)
            for row in cells:
                for td in row:
                    self.flow(td)
            return
        matrix = SpanMatrix(self.source, self.limits.grid_budget - self.cells)
        height = len(rows)
        cell_text, cover = self.cell_text, matrix.cover
        for r, row in enumerate(cells):
            matrix.ensure_rows(r + 1)
            taken = matrix.rows[r]  # positions of this row already covered by a rowspan from above
            c = 0
            for td in row:
                while c in taken:
                    c += 1
                colspan_attr, rowspan_attr = td.get("colspan"), td.get("rowspan")
                colspan = rowspan = 1
                if colspan_attr is not None:
                    colspan = max(1, _span(colspan_attr, MAX_COLSPAN) or 1)
                if rowspan_attr is not None:
                    spans = _span(rowspan_attr, height)
                    if spans is not None:
                        rowspan = min(height - r if spans == 0 else spans, height - r)  # 0: to the end
                line = td.sourceline
                placed = Placed(cell_text(td), r, c, line if isinstance(line, int) else None)
                if rowspan == 1 and colspan == 1:  # most cells: one free position of this row
                    taken[c] = placed
                    matrix.count += 1
                else:
                    cover(placed, r, c, rowspan, colspan)
                c += colspan
            matrix.check_count()
        grid = matrix.to_grid(self.grids, READER)
        if grid is not None:
            self.cells += matrix.count
            self.blocks.append(grid)
            self.grids += 1

    def cell_text(self, td: etree._Element) -> str:
        count = len(td)
        if not count:  # no child nodes: the cell's own text is all there is
            return natural_text(td.text or "")
        if count == 1:  # most cells of real pages: <td><p>12</p></td>, the child's text is all there is
            child = td[0]
            head, tail = td.text, child.tail
            if (
                child.tag in _PLAIN
                and not len(child)
                and (not head or head.isspace())
                and (not tail or tail.isspace())
                and not _hidden(child)
            ):
                return natural_text(child.text or "")  # the breaks around it are whitespace natural_text drops
        parts: list[str] = [td.text or ""]
        _collect(td, parts)
        return natural_text("".join(parts))


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (not those of nested tables), in source order."""
    out: list[etree._Element] = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            out.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            out.extend(tr for tr in child if _tag(tr) == "tr")
    return out


def _collect(el: etree._Element, parts: list[str]) -> None:
    """The text inside a table cell, with a break at every block boundary and ``<br>``."""
    for child in el:
        raw = child.tag
        tag = raw if raw in BLOCKS else _tag(child)  # a block tag as libxml2 gives it needs no folding
        if tag is not None and tag not in SKIPPED and not _hidden(child):
            if tag == "br":
                parts.append("\n")
            else:
                block = tag in BLOCKS
                if block:
                    parts.append("\n")
                text = child.text
                if text:
                    parts.append(text)
                if len(child):
                    _collect(child, parts)
                if block:
                    parts.append("\n")
        tail = child.tail
        if tail:
            parts.append(tail)


def _title_hint(root: etree._Element) -> str | None:
    """The ``<title>`` when it names a report; site names around it (``… _ 中国上海``) are cut off."""
    for title in root.iter("title"):
        text = natural_text(title.text or "")
        for part in [*_TITLE_SPLIT.split(text), text]:
            if part and len(part) <= 80 and ("年度报告" in part or "年报" in part):
                return part
    return None


def _published_hint(root: etree._Element, paragraphs: list[Paragraph]) -> str | None:
    """A publication date from ``<meta name="PubDate">`` or a ``发布日期：…`` line near the top."""
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if name in _PUBDATE_META and re.match(r"(?:19|20)\d{2}", content):
            return content
    for para in paragraphs[:10]:
        match = _PUBLISHED.search(para.text)
        if match:
            return match.group(1)
    return None
