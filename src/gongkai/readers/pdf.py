"""Text-layer PDFs: running text as paragraphs and ruled tables as grids, rebuilt from glyph positions.

Library: pdfplumber (on pdfminer.six), chosen by measurement on the corpus (001.pdf, 6 pages; 002.pdf, 5
pages; ``bench/pdf_bench.py --compare``, median of runs, one core). pypdfium2 extracts the characters 15–20×
faster (20–30 ms per file against 390–500 ms for pdfplumber), but what a table reader needs it gives at
lower fidelity:

* ruling lines — pdfplumber hands over every line and rectangle with its stroke/fill flags and colours
  (116 objects in 001, 388 in 002; all 22 rectangles on 002 p.1 are *white* fills behind the text that
  must be ignored), and its table finder takes them as explicit lines. pypdfium2 exposes 166 path objects
  on 002 p.3 whose segments, matrices, draw modes and colours would have to be walked through its raw C
  API, and a table finder written besides;
* glyph geometry — pdfplumber reports the rendered font size (22.0 pt for the title, 16.0 for the text);
  pypdfium2's ``FPDFText_GetFontSize`` reports the unscaled size (439.0 for the same title glyphs), and its
  text page mixes generated spaces and line breaks into the characters (90 of 639 on 002 p.1).

The reader as a whole (characters, ruling, tables, paragraphs) runs at 10–12 pages per second; the time is
pdfminer's content-stream parsing (about 80% in a profile), the layout work here is about 12%. Peak traced
Python memory for both files is about 10 MB (max RSS about 85 MB) — fine for reports of 5 to 30 pages; a
bulk run over many thousands of PDFs could move character and path extraction to pypdfium2 later.
pdfplumber mis-decodes UTF-16LE metadata (002's Title comes out as ``ÿþ*mýl…``); the raw bytes are decoded
here instead. A truncated file fails in both libraries alike (its cross-reference stream is cut off).

A PDF can ask for far more work than its size suggests (compression bombs in any filter, millions of
drawing operators, forms drawn inside forms, fonts whose tables expand to billions of entries):
``gongkai.readers.pdfsafe`` bounds every decoded stream and charges a work budget proportional to the file's
size for everything pdfminer and pdfplumber do, and refuses the file as ``HostileInput`` once it is spent.

Pages without a text layer (scans: nothing but an image) are read by OCR (``gongkai.readers.ocr``) into the
same page layout, page by page, so a PDF mixing printed and scanned pages reads as one document; the pages
read so are listed in ``PdfSourceDocument.ocr_pages`` and every cell read from pixels carries its OCR
confidence on its provenance.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gongkai.errors import HostileInput, ReadError
from gongkai.extract.values import is_value_text
from gongkai.model.report import Provenance
from gongkai.readers import pdfsafe
from gongkai.readers.document import Block, Grid, GridCell, Paragraph, SourceDocument
from gongkai.readers.limits import ReadLimits
from gongkai.readers.ocr_confidence import OCR_READER, OcrProvenance
from gongkai.readers.pdf_layout import (
    MARGIN_SHARE,
    PageLayout,
    PageTable,
    TableCell,
    TextLine,
    copy_spans,
    is_wide,
    read_page,
    table_settings,
)
from gongkai.readers.pdfsafe import check_pdf_streams

if TYPE_CHECKING:
    from gongkai.readers.ocr import OcrEngine, OcrSettings

READER = "pdf"
# Drawing instructions of one page, decoded. The cost of a page is its instruction count, not its file size
# (6 KB of flate inflated to 200 000 ``m l S`` paths took 16 s); the work budget of ``pdfsafe`` meters all of
# it, this bound only refuses an absurd page before anything interprets it. Report pages of the corpus hold
# 4–42 KB each.
MAX_CONTENT_PER_PAGE = 512 * 1024
TITLE_SIZE_RATIO = 1.2  # a title line is set at least this much larger than the body text
COLUMN_TOLERANCE = 8.0  # points: column edges of a table continued on the next page may shift this much

_NUMBERED = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+\s*[、.．]|\d{1,2}\s*[、.．])")
_YEAR = re.compile(r"(?:19|20)\d{2}")

# pdfminer logs every oddity of a malformed file as a warning; without a handler Python prints those to stderr
# as stray lines. A NullHandler keeps them off the terminal and still lets an application that configures
# logging see them.
for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


@dataclass
class PdfSourceDocument(SourceDocument):
    """A PDF's intermediate document, with what the reader noticed on the way (pages without text...)."""

    pages: int = 0
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR (scans), 1-based


# ---------------------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------------------


def read_pdf_document(
    data: bytes,
    source: str,
    limits: ReadLimits,
    ocr: OcrSettings | None = None,
    engine: OcrEngine | None = None,
) -> PdfSourceDocument:
    """Paragraphs and grids of a PDF, in reading order across pages; scanned pages are read by OCR
    (``ocr`` settings and ``engine`` default to ``gongkai.readers.ocr``'s)."""
    doc = PdfSourceDocument(source=source, reader=READER)
    layouts: list[PageLayout] = []
    scans: list[int] = []
    check_pdf_streams(data, source, limits)  # flate bombs, before pdfminer inflates anything unbounded
    budget = pdfsafe.WorkBudget(source, len(data), limits)
    with pdfsafe.working(budget), _open(data, source, budget) as pdf:
        pages = _pages(pdf, source, limits, budget)
        doc.pages = len(pages)
        doc.title_hint = _title_hint(pdf)
        budget.check()
        for number, page in enumerate(pages, start=1):
            try:
                budget.charge("page", pdfsafe.PAGE)
                _content_size(page, number, source)
                pdfsafe.interpret_page(page, budget)
                layout = read_page(page, number)
            except ReadError:
                raise
            except (RecursionError, MemoryError) as exc:
                budget.check()
                raise HostileInput(source, f"第{number}页内容异常庞大或嵌套过深，拒绝读取") from exc
            except Exception as exc:  # a broken content stream: keep the other pages
                budget.check()  # unless it broke on the budget (pdfminer wraps or swallows some errors)
                doc.notes.append(f"第{number}页无法解析（{_reason(exc)}），已跳过")
                continue
            finally:
                page.close()
            budget.check()
            cells = sum(len(row) for item in layout.items if isinstance(item, PageTable) for row in item.rows)
            budget.charge("table", cells * pdfsafe.CELL, cells)  # after the page: its grid points are bounded
            doc.notes.extend(layout.notes)
            if not layout.items and layout.images:  # nothing but a picture (and perhaps a page number)
                scans.append(number)
            elif layout.chars == 0:
                doc.notes.append(f"第{number}页没有文字层；该页内容未读取")
            layouts.append(layout)
    if not pages:
        raise ReadError(source, "PDF 中没有任何页面", "文件可能已损坏，请重新导出 PDF")
    if not layouts:
        raise ReadError(source, "PDF 的所有页面都无法解析", "文件可能已损坏，请重新导出 PDF")
    if scans:
        layouts = _read_scans(data, scans, layouts, doc, ocr, engine)
    doc.blocks = build_blocks(layouts, source)
    return doc


def _read_scans(
    data: bytes,
    scans: list[int],
    layouts: list[PageLayout],
    doc: PdfSourceDocument,
    ocr: OcrSettings | None,
    engine: OcrEngine | None,
) -> list[PageLayout]:
    """The layouts with the scanned pages replaced by what OCR read on them."""
    from gongkai.readers.ocr import DEFAULT_OCR, ocr_pdf_pages

    found, notes = ocr_pdf_pages(data, scans, ocr or DEFAULT_OCR, engine)
    by_number = {layout.number: layout for layout in found}
    for layout in found:
        doc.notes.extend(layout.notes)
    doc.notes.extend(notes)
    doc.ocr_pages = sorted(by_number)
    return [by_number.get(layout.number, layout) for layout in layouts]


def debug_page_image(data: bytes, page: int, out_png: str, resolution: int = 110) -> None:
    """Draw the ruling lines and table cells this reader finds on one page (1-based) into a PNG."""
    budget = pdfsafe.WorkBudget("<debug>", len(data), ReadLimits())
    with pdfsafe.working(budget), _open(data, "<debug>", budget) as pdf:
        if not 1 <= page <= len(pdf.pages):
            raise ReadError("<debug>", f"没有第{page}页（共{len(pdf.pages)}页）")
        target = pdf.pages[page - 1]
        pdfsafe.interpret_page(target, budget)
        image = target.to_image(resolution=resolution)
        settings = table_settings(target)
        if settings is not None:
            image.debug_tablefinder(settings)
        image.save(out_png)


# ---------------------------------------------------------------------------------------------------------
# Opening
# ---------------------------------------------------------------------------------------------------------


@contextmanager
def _open(data: bytes, source: str, budget: pdfsafe.WorkBudget) -> Iterator[Any]:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    pdfsafe.install()  # bounded decoding, metered parsing, linear-time strings (see pdfsafe)
    try:
        pdf = pdfplumber.open(io.BytesIO(data), raise_unicode_errors=False)
    except ReadError:
        raise
    except PdfminerException as exc:
        budget.check()
        raise _open_error(source, exc.args[0] if exc.args else exc) from exc
    except (RecursionError, MemoryError) as exc:
        budget.check()
        raise HostileInput(source, "PDF 结构嵌套过深或过大，拒绝读取") from exc
    except Exception as exc:
        budget.check()
        raise _open_error(source, exc) from exc
    try:
        yield pdf
    finally:
        with contextlib.suppress(Exception):  # closing a half-read document must not hide the real error
            pdf.close()


def _open_error(source: str, exc: object) -> ReadError:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.psparser import PSEOF

    text = str(exc)
    if isinstance(exc, PDFPasswordIncorrect) or "password" in text.lower():
        return ReadError(source, "PDF 已加密，需要密码才能打开", "请提供未加密的 PDF")
    if isinstance(exc, PDFEncryptionError):
        return ReadError(source, f"PDF 使用了不支持的加密方式（{text}）", "请提供未加密的 PDF")
    if isinstance(exc, PSEOF) or "EOF" in text:
        return ReadError(source, "PDF 文件不完整（在结尾之前中断）", "文件可能没有下载完整，请重新获取")
    return ReadError(source, f"PDF 文件已损坏，无法解析（{_reason(exc)}）", "请确认文件能用 PDF 阅读器打开")


def _content_size(page: Any, number: int, source: str) -> int:
    """The decoded size of a page's content streams (inflated already bounded by ``check_pdf_streams``)."""
    size = 0
    for stream in page.page_obj.contents:
        data = stream.get_data() if hasattr(stream, "get_data") else b""
        size += len(data)
        if size > MAX_CONTENT_PER_PAGE:
            raise HostileInput(
                source, f"第{number}页的绘制指令超过 {MAX_CONTENT_PER_PAGE // 1024} KB，远超正常报告页面，拒绝读取"
            )
    return size


def _reason(exc: object) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:80]


def _pages(pdf: Any, source: str, limits: ReadLimits, budget: pdfsafe.WorkBudget) -> list[Any]:
    from pdfminer.pdfpage import PDFPage

    try:
        count = sum(1 for _ in itertools.islice(PDFPage.create_pages(pdf.doc), limits.max_pdf_pages + 1))
        if count > limits.max_pdf_pages:
            raise HostileInput(source, f"PDF 页数超过上限 {limits.max_pdf_pages} 页，拒绝读取")
        return list(pdf.pages)
    except ReadError:
        raise
    except (RecursionError, MemoryError) as exc:
        budget.check()
        raise HostileInput(source, "PDF 页面树嵌套过深或过大，拒绝读取") from exc
    except Exception as exc:
        budget.check()
        raise _open_error(source, exc.args[0] if exc.args else exc) from exc


def _title_hint(pdf: Any) -> str | None:
    """The metadata Title when it names a report (agency and year), e.g. 002's; 001's bare
    ``政府信息公开工作年度报告`` names no one and is left to the title printed on page 1."""
    from pdfminer.pdftypes import resolve1

    try:
        for info in pdf.doc.info:
            raw = resolve1(info.get("Title"))
            title = _decode_meta(raw) if raw is not None else ""
            if title and _looks_like_title(title):
                return title
    except Exception:  # metadata is a hint; a broken Info dictionary is no reason to fail
        return None
    return None


def _decode_meta(raw: object) -> str:
    if isinstance(raw, str):
        return raw.strip()
    if not isinstance(raw, bytes):
        return ""
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace").strip("\x00 ")
    if raw.startswith(b"\xff\xfe"):
        return raw[2:].decode("utf-16-le", "replace").strip("\x00 ")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding).strip()
        except UnicodeDecodeError:
            continue
    from pdfminer.utils import decode_text

    return decode_text(raw).strip()


def _looks_like_title(title: str) -> bool:
    if len(title) > 80 or not _YEAR.search(title) or not re.search(r"报告|年报", title):
        return False
    rest = re.sub(r"(?:19|20)\d{2}|年度|年|政府信息公开|政务公开|工作|报告|年报|\s", "", title)
    return len(rest) >= 2


# ---------------------------------------------------------------------------------------------------------
# Pages → blocks
# ---------------------------------------------------------------------------------------------------------


def build_blocks(layouts: Sequence[PageLayout], source: str) -> list[Block]:
    """Stitch tables continued over page breaks, merge visual lines into paragraphs, emit blocks."""
    running = running_lines(layouts)
    items = [it for it in stitch_pages(layouts) if id(it) not in running]
    lines = [it for it in items if isinstance(it, TextLine)]
    body = _body_size(lines)
    margins = _margins_by_page(lines, body)
    title = _title_span(items, body)
    blocks: list[Block] = []
    run: list[TextLine] = []
    grids = 0

    def flush(level: int = 0) -> None:
        if run:
            blocks.append(_paragraph(run, source, level))
            run.clear()

    for i, item in enumerate(items):
        if isinstance(item, PageTable):
            flush()
            blocks.append(_grid(item, grids, source))
            grids += 1
        elif title[0] <= i < title[1]:  # the title lines: one paragraph per block of the same size
            if i == title[0]:
                flush()
            elif run and not _same_title(run[-1], item):
                flush(1)
            run.append(item)
            if i == title[1] - 1:
                flush(1)
        else:
            if run and not _continues(run[-1], item, margins):
                flush()
            run.append(item)
    flush()
    return blocks


def running_lines(layouts: Sequence[PageLayout]) -> set[int]:
    """Ids of running heads and feet: the same short text in a page margin on most pages (digits folded)."""
    if len(layouts) < 3:
        return set()
    seen: dict[str, list[TextLine]] = {}
    for layout in layouts:
        texts: set[str] = set()
        for item in layout.items:
            if isinstance(item, TextLine) and _in_margin(item, layout):
                key = re.sub(r"\d+", "#", item.text.replace(" ", ""))
                if key not in texts:
                    texts.add(key)
                    seen.setdefault(key, []).append(item)
    return {id(ln) for lines in seen.values() if len(lines) >= max(3, len(layouts) // 2) for ln in lines}


def _title_span(items: Sequence[TextLine | PageTable], body: float) -> tuple[int, int]:
    """The items of the title: the first run of lines near the top of page 1 set larger than the body."""
    start = None
    for i, item in enumerate(items[:8]):
        large = isinstance(item, TextLine) and item.page == 1 and body > 0 and item.size >= TITLE_SIZE_RATIO * body
        if large and start is None:
            start = i
        elif not large and start is not None:
            return start, i
    return (start, min(len(items), 8)) if start is not None else (0, 0)


def _same_title(prev: TextLine, line: TextLine) -> bool:
    """Two title lines of one block (a red letterhead above the title is another block)."""
    return abs(prev.size - line.size) <= 1.0 and line.top - prev.bottom <= 1.2 * max(prev.size, line.size)


def _body_size(lines: Sequence[TextLine]) -> float:
    sizes = Counter[float]()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


Margins = dict[int, tuple[float, float]]


def _margins_by_page(lines: Sequence[TextLine], body: float) -> Margins:
    """Left and right edges of the text block per page (odd and even pages may differ), from the page's
    own body lines when it has a few, else from the whole document's."""
    body_lines = [ln for ln in lines if abs(ln.size - body) <= 0.6] or list(lines)
    overall = _margins(body_lines)
    out: Margins = {}
    for page in {ln.page for ln in lines}:
        mine = [ln for ln in body_lines if ln.page == page]
        out[page] = _margins(mine) if len(mine) >= 5 else overall
    return out


def _margins(lines: Sequence[TextLine]) -> tuple[float, float]:
    """Where most lines start and end (2 pt bins)."""
    if not lines:
        return 0.0, 0.0
    lefts = Counter(round(ln.x0 / 2) * 2 for ln in lines)
    rights = Counter(round(ln.x1 / 2) * 2 for ln in lines)
    return float(lefts.most_common(1)[0][0]), float(rights.most_common(1)[0][0])


def _continues(prev: TextLine, line: TextLine, margins: Margins) -> bool:
    """True when ``line`` carries on the paragraph ``prev`` ends (wrapped, same size, not indented)."""
    size = max(prev.size, line.size, 1.0)
    if abs(prev.size - line.size) > 0.6:
        return False
    if prev.x1 < margins.get(prev.page, (0.0, 0.0))[1] - 1.2 * size:  # stopped short: its paragraph ended
        return False
    if line.x0 > margins.get(line.page, (0.0, 0.0))[0] + 0.6 * size:  # a first-line indent, a centred heading
        return False
    if prev.page == line.page:
        return line.top - prev.bottom <= 1.2 * size
    return line.page == prev.page + 1


def _paragraph(lines: Sequence[TextLine], source: str, level: int) -> Paragraph:
    if level:  # a title over several lines: "洪泽区人民政府" + "2023年…报告"
        text = ""
        for line in lines:
            glue = " " if text and (line.text[:1].isdigit() or not is_wide(text[-1])) else ""
            text += glue + line.text
    else:
        text = lines[0].text
        for line in lines[1:]:
            glue = " " if not is_wide(text[-1]) and not is_wide(line.text[0]) else ""
            text += glue + line.text
    first = lines[0]
    same_page = [ln for ln in lines if ln.page == first.page]
    bbox = (
        min(ln.x0 for ln in same_page),
        min(ln.top for ln in same_page),
        max(ln.x1 for ln in same_page),
        max(ln.bottom for ln in same_page),
    )
    confidences = [ln.confidence for ln in lines if ln.confidence is not None]
    if confidences:
        prov: Provenance = OcrProvenance(
            source=source,
            reader=OCR_READER,
            line=first.number,
            page=first.page,
            bbox=_round(bbox),
            text=text,
            confidence=min(confidences),
        )
    else:
        prov = Provenance(source=source, reader=READER, line=first.number, page=first.page, bbox=_round(bbox), text=text)
    return Paragraph(text, prov, level)


def _grid(table: PageTable, index: int, source: str) -> Grid:
    rows = tuple(
        tuple(GridCell(cell.text, _cell_provenance(cell, source, index, r, c), cell.spanned) for c, cell in enumerate(row))
        for r, row in enumerate(table.rows)
    )
    return Grid(rows, index)


def _cell_provenance(cell: TableCell, source: str, table: int, row: int, col: int) -> Provenance:
    where: dict[str, Any] = {
        "source": source,
        "table": table,
        "row": row,
        "col": col,
        "page": cell.page,
        "bbox": _round(cell.bbox),
        "text": cell.raw or cell.text,
    }
    confidence = cell.origin().confidence
    if confidence is not None and cell.spanned and not cell.text:
        confidence = 1.0  # an empty copy of a merged cell: nothing was read there
    if confidence is None:
        return Provenance(reader=READER, **where)
    return OcrProvenance(reader=OCR_READER, confidence=confidence, **where)


def _round(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (round(bbox[0], 2), round(bbox[1], 2), round(bbox[2], 2), round(bbox[3], 2))


# ---------------------------------------------------------------------------------------------------------
# Tables across page breaks
# ---------------------------------------------------------------------------------------------------------


def stitch_pages(layouts: Sequence[PageLayout]) -> list[TextLine | PageTable]:
    """All pages' items in order, a table continued on the next page joined to its first part."""
    out: list[TextLine | PageTable] = []
    previous: PageLayout | None = None
    for layout in layouts:
        items = list(layout.items)
        if previous is not None and previous.number + 1 == layout.number:
            head = _last_table(previous)
            tail = _first_table(layout)
            if head is not None and tail is not None and _same_columns(head, tail):
                join_continued(head, tail)
                items.remove(tail)
        out.extend(items)
        previous = layout
    return out


def _in_margin(line: TextLine, layout: PageLayout) -> bool:
    """A short line in the top or bottom margin: a running head or foot, not body text."""
    top, bottom = MARGIN_SHARE * layout.height, (1 - MARGIN_SHARE) * layout.height
    return len(line.text) <= 40 and (line.bottom <= top or line.top >= bottom)


def _last_table(layout: PageLayout) -> PageTable | None:
    for item in reversed(layout.items):
        if isinstance(item, PageTable):
            return item if item.bottom >= 0.7 * layout.height else None
        if not _in_margin(item, layout):
            return None
    return None


def _first_table(layout: PageLayout) -> PageTable | None:
    for item in layout.items:
        if isinstance(item, PageTable):
            return item if item.top <= 0.3 * layout.height else None
        if not _in_margin(item, layout):
            return None
    return None


def _same_columns(a: PageTable, b: PageTable) -> bool:
    if len(a.columns) != len(b.columns):
        return False
    return all(abs(x - y) <= COLUMN_TOLERANCE for x, y in zip(a.columns, b.columns, strict=True))


def _is_value(text: str) -> bool:
    return bool(text.strip()) and is_value_text(text)


def _is_label(text: str) -> bool:
    return bool(text.strip()) and not _is_value(text)


def join_continued(head: PageTable, tail: PageTable) -> None:
    """Append ``tail`` (the next page's part of a table) to ``head``: repeated header rows dropped, a row or
    a merged group label cut by the page break put back together."""
    rows = list(tail.rows)
    header = list(itertools.takewhile(lambda r: not any(_is_value(c.text) for c in r if c.text), head.rows))
    if header and len(rows) > len(header) and all(
        [c.text for c in x] == [c.text for c in y] for x, y in zip(header, rows, strict=False)
    ):
        rows = rows[len(header) :]
    if rows and head.rows:
        if _join_split_row(head.rows[-1], rows[0]):
            rows = rows[1:]
        else:
            _join_split_group(head, rows[0])
    head.rows.extend(rows)
    copy_spans(head.rows)
    head.pages.append(tail.page)
    head.bbox = (min(head.bbox[0], tail.bbox[0]), head.bbox[1], max(head.bbox[2], tail.bbox[2]), head.bbox[3])


def _join_split_row(last: list[TableCell], first: list[TableCell]) -> bool:
    """One printed row broken by the page break: its label (and no values) at the foot of one page, the rest
    of the label and the values at the head of the next. Joined into ``last`` cell by cell."""
    if len(last) != len(first):
        return False
    texts_last = [c.text for c in last if not c.spanned]
    texts_first = [c.text for c in first if not c.spanned and c.text]
    if not any(texts_last) or any(_is_value(t) for t in texts_last if t):
        return False
    if not any(_is_value(t) for t in texts_first) or any(_NUMBERED.match(t) for t in texts_first if _is_label(t)):
        return False
    if any(_is_value(b.text) and a.text and not a.spanned for a, b in zip(last, first, strict=True)):
        return False
    for a, b in zip(last, first, strict=True):
        if b.spanned or not b.text:
            continue
        if a.spanned or not a.text:
            a.text, a.raw, a.bbox, a.page, a.spanned = b.text, b.raw, b.bbox, b.page, False
            a.confidence = b.confidence
        else:
            a.text = a.text + b.text
            a.confidence = _lowest(a.confidence, b.confidence)
    return True


def _lowest(a: float | None, b: float | None) -> float | None:
    """The lower OCR confidence of two joined texts (None only when neither was read by OCR)."""
    return b if a is None else a if b is None else min(a, b)


def _join_split_group(head: PageTable, first: list[TableCell]) -> None:
    """Merged group labels running on over the page break. A group label cut in two (``（四）无`` /
    ``法提供``) is made whole on both sides; an empty continuation (``三、本年度办理结果`` printed once on the
    previous page) becomes a spanned copy of it, as the rest of its rows are."""
    last = head.rows[-1]
    for col, cell in enumerate(first):
        if cell.spanned or col >= len(last) or (cell.text and (not _is_label(cell.text) or _NUMBERED.match(cell.text))):
            continue
        if not any(_is_label(c.text) and not c.spanned for c in first[col + 1 :]):
            continue  # the row's own label (or a value), not a group label to its left
        owner = last[col].origin()
        if not _is_label(owner.text) or abs(owner.bbox[3] - head.bottom) > 2.0:
            continue
        if cell.text:
            owner.text = cell.text = owner.text + cell.text
            owner.confidence = _lowest(owner.confidence, cell.confidence)
        else:
            cell.spanned, cell.owner = True, owner
