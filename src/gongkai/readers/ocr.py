"""Scanned PDF pages: the page image → ruling lines and text lines → OCR → the same page layout as text pages.

Engine: RapidOCR's ONNX port of PaddleOCR PP-OCRv4 (``rapidocr-onnxruntime``, PyPI), chosen by measurement
against Tesseract 5.3 with ``chi_sim`` (Debian ``tesseract-ocr`` + ``tesseract-ocr-chi-sim``) on the corpus PDFs
rendered to image-only PDFs at 200 dpi (11 pages, 386 labelled cells; ``bench/ocr_bench.py --compare``; both
engines fed the same line crops by the same pipeline; two cores shared with other jobs, load 2–2.7):

=====================  ===============  ==========================  ============
engine                 cells right      wrong: flagged / silent     s per page
=====================  ===============  ==========================  ============
RapidOCR PP-OCRv4      386/386 (100%)   0 / 0                       3.5
Tesseract chi_sim      376/386 (97.4%)  10 / 0                      4.2
=====================  ===============  ==========================  ============

Both run on the CPU with the model inside the package (RapidOCR's 10.9 MB recognition model is a file of the
wheel; checked reading a scan with the network namespace closed). Only RapidOCR's recognition network is
used: its text *detector*, run over a whole page (7.7 s for 001 p.4), dropped lone digits in table cells
(``447 7 0 0 0 0 454`` came back as five values), so lines are found from the pixels instead and each line
crop is recognised alone (no batch padding: 0.996 instead of 0.67 confidence on some narrow crops, and less
CPU). Peak memory of a run over both files: max RSS about 360 MB, traced Python memory about 100 MB.

How a scanned page is read (``ocr_page``):

1. pdfium renders the page at ``OcrSettings.dpi`` (lowered for an oversized page so no image exceeds
   ``max_pixels``); rendering the page rather than extracting its image handles every way a scanner stores
   a page (strips, masks, JBIG2, rotation) and maps pixels to PDF points by one scale factor.
2. ``gongkai.readers.ocr_layout`` finds the ink, the ruling lines and, inside every table cell and outside the
   tables, the text lines — from the pixels, with numpy.
3. The ruling goes, as PDF-point edges, to the same table finder as a text-layer page
   (``pdf_layout.settings_for`` / ``grid_tables``), so merged cells, page-break stitching and the interpreter
   see a scanned table exactly as a printed one.
4. Every text line (one crop per line of a cell, one per segment of running text) is recognised by the engine
   in one batch per page. A cell's confidence is the lowest per-character probability over its lines, 0 when
   it shows ink and nothing was read; it travels on the cell's provenance (``OcrProvenance``) and
   ``ocr_confidence.ocr_doubt`` turns a low one into an uncertain cell (rule GK205), never a silent guess.

Nothing here downloads anything: the recogniser's ONNX model ships inside the ``rapidocr-onnxruntime`` wheel.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import numpy as np

from gongkai.readers.ocr_layout import (
    Gray,
    InkLine,
    Mask,
    PxBox,
    Rule,
    find_rules,
    ink_mask,
    rule_mask,
    spans,
    text_lines,
    typical_line_height,
)
from gongkai.readers.pdf_layout import (
    BBox,
    Item,
    PageLayout,
    PageTable,
    TableCell,
    TextLine,
    copy_spans,
    edge,
    grid_tables,
    is_page_marker,
    is_wide,
    join_lines,
    settings_for,
)

ENGINE_PACKAGE = "rapidocr-onnxruntime"
PT_PER_INCH = 72.0


@dataclass(frozen=True)
class OcrSettings:
    """How scanned pages are read, and the bounds on the work (validated on construction)."""

    dpi: int = 200  # render resolution: table text of 9–10.5 pt is 25–30 px high, what the recogniser wants
    max_pages: int = 60  # scanned pages read per document; the rest get a note
    # A scanned page carries its own image: even a bilevel CCITT or JBIG2 page at 200 dpi takes some 10 KB. A
    # file with fewer bytes per scanned page draws one image on many pages — a 1.5 KB file of three blank
    # "scans" cost 39 s of recognition. Only ``len(file) // min_bytes_per_page`` scanned pages (at least one)
    # are read; the rest get a note. Recognition costs some 10 s of CPU a page on a 2-core machine, far beyond
    # the readers' 5 s per MB: this bound keeps it in proportion to what the file really holds.
    min_bytes_per_page: int = 8_000
    max_pixels: int = 40_000_000  # one page image (an A4 page at 200 dpi is 3.9 million)
    max_ink_share: float = 0.5  # a page darker than this is not text on paper (a photo, an inverted scan)
    min_rule_pt: float = 36.0  # a ruling line is a straight run of ink at least this long (glyph strokes of a
    # 36 pt title are shorter; the shortest table rule in the corpus, after joining, is 71 pt)
    max_rule_pt: float = 4.0  # ... and at most this thick
    gap_pt: float = 1.0  # breaks in a scanned hairline up to this long are bridged
    miscount: float = 0.3  # the confidence given a number whose characters do not match its glyphs
    faint_step: float = 40.0  # a grey this much darker than a cell's background, away from its ink, ...
    faint_share: float = 0.06  # ... over this share of an em square, is a faded figure

    def __post_init__(self) -> None:
        if not 50 <= self.dpi <= 600:
            raise ValueError("dpi must be between 50 and 600")
        for name in ("max_pages", "max_pixels", "min_bytes_per_page"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")


DEFAULT_OCR = OcrSettings()


# ---------------------------------------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recognized:
    """The text of one line image and the recogniser's probability for each character of it."""

    text: str
    confidences: tuple[float, ...] = ()

    @property
    def confidence(self) -> float:
        return min(self.confidences) if self.confidences and self.text.strip() else 0.0


class OcrEngine(Protocol):
    """Recognises single lines of text: a crop per line in, its text and per-character confidences out."""

    name: str

    def recognize(self, crops: Sequence[Gray]) -> list[Recognized]: ...


class OcrUnavailable(RuntimeError):
    """The OCR engine is not installed (or its model cannot be loaded)."""


class RapidOcrEngine:
    """PP-OCRv4's Chinese recogniser (ONNX, shipped in the ``rapidocr-onnxruntime`` wheel) on the CPU.

    Only the recognition network is loaded: lines are found from the pixels (``ocr_layout``), so the
    detector — which drops lone small digits in table cells — and the orientation classifier are not used."""

    name = "RapidOCR (PP-OCRv4)"

    def __init__(self, threads: int = 0) -> None:
        try:
            from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
            from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
            from rapidocr_onnxruntime.utils import read_yaml, update_model_path
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise OcrUnavailable(f"未安装 OCR 引擎 {ENGINE_PACKAGE}") from exc
        try:
            config = update_model_path(read_yaml(DEFAULT_CFG_PATH))
            rec = dict(config["Rec"])
            if threads > 0:
                rec["intra_op_num_threads"] = threads
            rec["rec_batch_num"] = 1
            self._rec = TextRecognizer(rec)
        except Exception as exc:  # pragma: no cover - a broken installation
            raise OcrUnavailable(f"OCR 模型无法加载（{str(exc)[:80]}）") from exc

    def recognize(self, crops: Sequence[Gray]) -> list[Recognized]:
        """One crop at a time. The recogniser pads a batch to its widest crop with mid-grey, which costs the
        narrow crops confidence (``1.信访举报投诉类申请`` read at 0.67 in a batch, 0.996 alone) and the
        padding costs time: 186 crops of 001 pp.1 and 4 take 5.4 s of CPU one by one, 8.3 s in sixes."""
        if not crops:
            return []
        images = [np.repeat(c[:, :, None], 3, axis=2) for c in crops]
        results, _ = self._rec(images, return_word_box=True)
        out: list[Recognized] = []
        for res in results:
            text = str(res[0])
            confs: tuple[float, ...] = ()
            if len(res) > 2 and res[2]:
                confs = tuple(float(c) for c in res[2][4])
            elif text:
                confs = (float(res[1]),)
            out.append(Recognized(text, confs))
        return out


@functools.cache
def default_engine() -> OcrEngine:
    """The engine, loaded once per process on first use (about 0.3 s)."""
    return RapidOcrEngine()


# ---------------------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------------------


@dataclass
class PageImage:
    number: int  # 1-based
    gray: Gray
    width: float  # page size in PDF points
    height: float

    @property
    def scale(self) -> float:
        """Pixels per PDF point."""
        return self.gray.shape[1] / self.width if self.width else 1.0


def render_pages(
    data: bytes, numbers: Sequence[int], settings: OcrSettings, notes: list[str]
) -> Iterator[PageImage]:
    """Grayscale images of the given pages (1-based). A page that cannot be rendered gets a note."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:
        notes.append(f"扫描页无法渲染为图像（{str(exc)[:80]}），未作 OCR")
        return
    try:
        for number in numbers:
            try:
                page = pdf[number - 1]
                width, height = (float(v) for v in page.get_size())
                dpi = float(settings.dpi)
                pixels = (width * dpi / PT_PER_INCH) * (height * dpi / PT_PER_INCH)
                if pixels > settings.max_pixels:
                    dpi *= math.sqrt(settings.max_pixels / pixels)
                    notes.append(f"第{number}页幅面过大，按 {dpi:.0f} dpi 识别")
                if width <= 0 or height <= 0 or dpi < 50:
                    notes.append(f"第{number}页幅面异常（{width:.0f}×{height:.0f} 点），未作 OCR")
                    continue
                bitmap = page.render(scale=dpi / PT_PER_INCH, grayscale=True)
                image = bitmap.to_pil().convert("L")
                gray: Gray = np.asarray(image, dtype=np.uint8)
            except Exception as exc:  # a broken image stream: keep the other pages
                notes.append(f"第{number}页图像无法渲染（{str(exc)[:80]}），未作 OCR")
                continue
            yield PageImage(number, gray, width, height)
    finally:
        with contextlib.suppress(Exception):
            pdf.close()


# ---------------------------------------------------------------------------------------------------------
# One page
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _Slot:
    """Crops recognised for one cell or one text line, and where the result goes."""

    crops: list[Gray]
    lines: list[InkLine]
    box: PxBox  # the cell's inside, or the line's box
    results: list[Recognized] = field(default_factory=list)


def ocr_page(page: PageImage, engine: OcrEngine, settings: OcrSettings = DEFAULT_OCR) -> PageLayout:
    """The text lines and tables of a scanned page, as ``pdf_layout.read_page`` gives them for a text page."""
    gray, number, scale = page.gray, page.number, page.scale
    notes: list[str] = []
    empty = PageLayout(number, page.width, page.height, [], [], 0, 1, notes)
    if gray.ndim != 2 or gray.size == 0:
        notes.append(f"第{number}页图像为空，未作 OCR")
        return empty
    ink = ink_mask(gray)
    if float(ink.mean()) > settings.max_ink_share:
        notes.append(f"第{number}页图像过暗（大部分为深色），不像纸面文字，未作 OCR")
        return empty
    thickness = max(2, round(settings.max_rule_pt * scale))
    horizontal, vertical = find_rules(
        ink, round(settings.min_rule_pt * scale), max(2, round(settings.gap_pt * scale)), thickness
    )
    text_ink = ink & ~rule_mask(ink.shape, horizontal + vertical, pad=max(1, round(0.5 * scale)))
    em = typical_line_height(text_ink, (0, 0, gray.shape[1], gray.shape[0]), 5 * scale, 30 * scale) or 12 * scale
    tables = _tables(horizontal, vertical, text_ink, number, scale)

    slots: list[tuple[TableCell | TextLine, _Slot]] = []
    inset = max(2, round(1.5 * scale))
    for table in tables:
        for row in table.rows:
            for cell in row:
                if cell.spanned:
                    continue
                box = _px(cell.bbox, scale, inset)
                found = text_lines(text_ink, box, em)
                cell.confidence = _faint_check(gray, ink, box, em, settings)  # blank, unless a faint shape
                if found:
                    crops = [_crop(gray, text_ink, ln.box, box, em) for ln in found]
                    slots.append((cell, _Slot(crops, found, box)))
    free = text_ink.copy()
    for table in tables:
        x0, top, x1, bottom = _px(table.bbox, scale, -inset)
        free[max(top, 0) : bottom, max(x0, 0) : x1] = False
    page_box = (0, 0, gray.shape[1], gray.shape[0])
    text_items: list[TextLine] = []
    for ln in text_lines(free, page_box, em):
        crops = [_crop(gray, free, seg, page_box, em) for seg in ln.segments]
        item = TextLine("", _pt(ln.box, scale), ln.core / scale / 0.88, number)
        text_items.append(item)
        slots.append((item, _Slot(crops, [ln], ln.box)))

    crops = [c for _, slot in slots for c in slot.crops]
    results = engine.recognize(crops) if crops else []
    at = 0
    for _, slot in slots:
        slot.results = results[at : at + len(slot.crops)]
        at += len(slot.crops)

    chars = 0
    for target, slot in slots:
        texts = [r.text.strip() for r in slot.results]
        confidence = min((r.confidence for r in slot.results), default=0.0)
        if isinstance(target, TableCell):
            confidence = min(confidence, _glyph_check(text_ink, slot, settings))
            confidence = min(confidence, _faint_check(gray, ink, slot.box, em, settings))
            target.text = target.raw = join_lines(texts)
        else:
            target.text = _join_segments(texts)
        target.confidence = confidence
        chars += sum(len(t) for t in texts)
    for table in tables:
        copy_spans(table.rows)
    lines = [t for t in text_items if t.text]
    _snap_sizes(lines)
    markers = [ln for ln in lines if is_page_marker(ln, page.height)]
    body = [ln for ln in lines if not any(ln is m for m in markers)]
    for i, line in enumerate(sorted(body, key=lambda ln: ln.top), start=1):
        line.number = i
    items: list[Item] = [*body, *tables]
    items.sort(key=lambda it: (it.top, it.bbox[0]))
    return PageLayout(number, page.width, page.height, items, markers, chars, 1, notes)


_NUMERIC = re.compile(r"^[\d.,，．%％+\-−－]+$")


def _glyph_check(ink: Mask, slot: _Slot, settings: OcrSettings) -> float:
    """1.0, or ``settings.miscount`` when a number was read with more or fewer characters than its ink shows.

    The recogniser's per-character probabilities cannot show a glyph it *skipped*: ``3985758`` with a blot
    over its ``5`` reads ``398758`` at 0.975, with the ``5`` half erased at 0.9997, with the ``5`` smeared to
    a grey shadow at 0.999. The ink of a number, cut at its empty columns, gives pieces of one glyph each —
    or of a few where digits touch (``44`` in Times): a piece counts as its width over a digit's pitch
    (0.7 of the digits' median height), at least one. A different total, a hole a digit wide inside the
    number, or a piece taller than the digits (a blot) means something printed was not read."""
    for line, result in zip(slot.lines, slot.results, strict=True):
        text = re.sub(r"\s+", "", result.text)
        if not text or not any(ch.isdigit() for ch in text) or not _NUMERIC.match(text):
            continue
        x0, top, x1, bottom = line.box
        band = ink[top:bottom, x0:x1]
        pieces = spans(band.sum(axis=0))
        heights = [int(np.ptp(np.nonzero(band[:, a:b].any(axis=1))[0])) + 1 for a, b in pieces]
        digit = float(np.median(heights))
        pitch = max(0.7 * digit, 1.0)
        glyphs = sum(max(1, round((b - a) / pitch)) for a, b in pieces)
        holes = [b[0] - a[1] for a, b in itertools.pairwise(pieces)]
        if glyphs != len(text) or any(hole > 0.6 * pitch for hole in holes) or max(heights) > 1.3 * digit:
            return settings.miscount
    return 1.0


def _faint_check(gray: Gray, ink: Mask, box: PxBox, em: float, settings: OcrSettings) -> float:
    """1.0, or ``settings.miscount`` when a cell holds a grey shape that is not the rim of some ink (its own
    glyphs', or the ruling's just outside it): a faded or smudged figure below the ink threshold, which would
    otherwise read as nothing at all."""
    x0, top, x1, bottom = box
    if x1 <= x0 or bottom <= top:
        return 1.0
    reach = 3  # anti-aliasing (and a scanner's blur) greys a few pixels around every stroke
    wx0, wtop = max(x0 - reach, 0), max(top - reach, 0)
    near = ink[wtop : bottom + reach, wx0 : x1 + reach].copy()
    for _ in range(reach):
        grown = near.copy()
        grown[1:, :] |= near[:-1, :]
        grown[:-1, :] |= near[1:, :]
        grown[:, 1:] |= near[:, :-1]
        grown[:, :-1] |= near[:, 1:]
        near = grown
    near = near[top - wtop : top - wtop + bottom - top, x0 - wx0 : x0 - wx0 + x1 - x0]
    patch = gray[top:bottom, x0:x1]
    background = float(np.median(patch))
    faint = (patch < background - settings.faint_step) & ~near
    return settings.miscount if int(faint.sum()) >= settings.faint_share * em * em else 1.0


def _tables(horizontal: list[Rule], vertical: list[Rule], ink: Mask, number: int, scale: float) -> list[PageTable]:
    """Tables from the ruling found in the image (PDF points), through pdfplumber's table finder."""
    from pdfplumber.table import TableFinder, TableSettings

    h_edges = [edge(r.start / scale, r.pos / scale, r.end / scale, r.pos / scale) for r in horizontal]
    v_edges = [edge(r.pos / scale, r.start / scale, r.pos / scale, r.end / scale) for r in vertical]
    settings = settings_for(h_edges, v_edges)
    if settings is None:
        return []
    no_page = cast(Any, None)  # with explicit edges only, the table finder never looks at the page
    found = TableFinder(no_page, TableSettings.resolve(settings)).tables

    def has_text(bbox: BBox) -> bool:
        x0, top, x1, bottom = _px(bbox, scale, 2)
        return bool(ink[max(top, 0) : bottom, max(x0, 0) : x1].any())

    return grid_tables(found, number, has_text)


def _px(bbox: BBox, scale: float, inset: int = 0) -> PxBox:
    x0, top, x1, bottom = bbox
    return (
        round(x0 * scale) + inset,
        round(top * scale) + inset,
        max(round(x1 * scale) - inset, round(x0 * scale) + inset),
        max(round(bottom * scale) - inset, round(top * scale) + inset),
    )


def _pt(box: PxBox, scale: float) -> BBox:
    return (box[0] / scale, box[1] / scale, box[2] / scale, box[3] / scale)


def _crop(gray: Gray, ink: Mask, box: PxBox, within: PxBox, em: float) -> Gray:
    """The line's pixels (ruling and ink outside ``ink`` whitened) on a white margin of about a third of the
    line's own height — the proportions the recogniser was trained on. Padding a small line to a larger
    size instead (9 pt digits to a 16 pt em) costs it confidence (0.52 instead of 1.0 for a ``2``)."""
    x0, top, x1, bottom = box
    grow = 2
    x0, top = max(x0 - grow, within[0]), max(top - grow, within[1])
    x1, bottom = min(x1 + grow, within[2]), min(bottom + grow, within[3])
    patch = gray[top:bottom, x0:x1].copy()
    keep = ink[top:bottom, x0:x1]
    # keep the anti-aliased rim of the glyphs, drop what is not text (rules, other cells' ink)
    near = keep.copy()
    near[1:, :] |= keep[:-1, :]
    near[:-1, :] |= keep[1:, :]
    near[:, 1:] |= keep[:, :-1]
    near[:, :-1] |= keep[:, 1:]
    patch[~near] = 255
    height = max(box[3] - box[1], 1)
    margin = max(2, round(0.3 * height))
    extra = max(0, round(0.5 * em) - height - 2 * margin)  # a dash or a dot: give it a line's height
    pad_top = margin + extra // 2
    pad_bottom = margin + extra - extra // 2
    padded: Gray = np.pad(patch, ((pad_top, pad_bottom), (margin, margin)), constant_values=255)
    return padded


def _join_segments(texts: Sequence[str]) -> str:
    """Segments of one line of running text: a space between them, as a gap wider than an em is in text PDFs."""
    out = ""
    for text in texts:
        if not text:
            continue
        out = f"{out} {text}" if out else text
    return out


def _snap_sizes(lines: Sequence[TextLine]) -> None:
    """Estimated font sizes within 18% of the page's commonest one are set to it (body text is one size)."""
    if not lines:
        return
    weights: dict[float, int] = {}
    for ln in lines:
        ln.size = round(ln.size * 2) / 2
        weights[ln.size] = weights.get(ln.size, 0) + sum(2 if is_wide(ch) else 1 for ch in ln.text)
    body = max(weights, key=lambda k: weights[k])
    for ln in lines:
        if abs(ln.size - body) <= 0.18 * body:
            ln.size = body


# ---------------------------------------------------------------------------------------------------------
# Pages of a document
# ---------------------------------------------------------------------------------------------------------


def ocr_pdf_pages(
    data: bytes,
    numbers: Sequence[int],
    settings: OcrSettings = DEFAULT_OCR,
    engine: OcrEngine | None = None,
) -> tuple[list[PageLayout], list[str]]:
    """Layouts of the scanned pages ``numbers`` (1-based) of a PDF, and notes on what could not be read."""
    notes: list[str] = []
    if not numbers:
        return [], notes
    by_size = max(1, len(data) // settings.min_bytes_per_page)
    limit = min(settings.max_pages, by_size)
    todo = list(numbers)[:limit]
    if len(numbers) > len(todo):
        skipped = list(numbers)[limit:]
        why = (
            f"扫描页超过 OCR 上限 {settings.max_pages} 页"
            if limit == settings.max_pages
            else f"文件仅 {len(data)} 字节，不足以容纳 {len(numbers)} 页扫描图像（疑似同一图像重复使用），只识别前 {limit} 页"
        )
        notes.append(f"{why}，第{skipped[0]}页起的{len(skipped)}页未识别，内容未读取")
    try:
        ocr = engine if engine is not None else default_engine()
    except OcrUnavailable as exc:
        pages = "、".join(str(n) for n in todo)
        notes.append(f"第{pages}页是扫描件，需要 OCR，但{exc}；该页内容未读取")
        return [], notes
    layouts: list[PageLayout] = []
    for image in render_pages(data, todo, settings, notes):
        try:
            layout = ocr_page(image, ocr, settings)
        except MemoryError:
            notes.append(f"第{image.number}页图像过大，OCR 内存不足，该页内容未读取")
            continue
        except Exception as exc:  # a defect in one page must not lose the others
            notes.append(f"第{image.number}页 OCR 失败（{type(exc).__name__}: {str(exc)[:60]}），该页内容未读取")
            continue
        layout.notes.insert(0, _page_note(image.number, layout, ocr))
        layouts.append(layout)
    return layouts, notes


def _page_note(number: int, layout: PageLayout, engine: OcrEngine) -> str:
    if not layout.items:
        return f"第{number}页没有文字层，页面是图像（扫描件）；已用 OCR（{engine.name}）识别，未识别出文字"
    return f"第{number}页没有文字层，页面是图像（扫描件）；已用 OCR（{engine.name}）识别，低置信度的单元格标为不确定"
