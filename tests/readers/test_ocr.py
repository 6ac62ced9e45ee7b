"""Scanned PDFs: the corpus PDFs turned into pure images read back through OCR to (at least) 99% of their
cells, every wrong cell flagged; a smudged figure is flagged, never guessed; a PDF mixing text and scanned
pages reads page by page; bad images, missing engines and oversized pages give notes, not tracebacks.

Time: the two corpus PDFs (11 pages at 200 dpi) are OCR'd once per run (module fixture), about 25 s on two
idle cores; the smudge and mixed-PDF tests OCR two and one pages (about 10 s). About 40 s in all on idle cores; 75 s
measured with the two cores shared with other jobs (load 2–2.5).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFilter

from gongkai.export import cells_record
from gongkai.extract import Interpretation
from gongkai.model.report import ValueKind
from gongkai.readers import read_interpretation
from gongkai.readers.document import Grid
from gongkai.readers.limits import ReadLimits
from gongkai.readers.ocr import (
    ENGINE_PACKAGE,
    OcrSettings,
    OcrUnavailable,
    PageImage,
    Recognized,
    ocr_page,
    ocr_pdf_pages,
)
from gongkai.readers.ocr_confidence import LOW_CONFIDENCE, OcrProvenance, ocr_doubt
from gongkai.readers.pdf import PdfSourceDocument, read_pdf_document
from gongkai.readers.pdf_layout import PageTable
from gongkai.rules import check

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS_PDFS = ("001.pdf", "002.pdf")
DPI = 200
MIN_ACCURACY = 0.99


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"ground truth missing: {path} (tests need ../shared beside the repository)")
    return path


def page_images(pdf_path: Path, dpi: int = DPI) -> list[Image.Image]:
    pdf = pdfium.PdfDocument(pdf_path.read_bytes())
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("L") for page in pdf]
    finally:
        pdf.close()


def image_pdf(images: list[Image.Image], dpi: int = DPI) -> bytes:
    """An image-only PDF (no text layer at all), one page per image, as a scanner makes it."""
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    return out.getvalue()


def _same(got: Any, want: Any) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return abs(float(got) - float(want)) <= 1e-6


def score(record: dict[str, Any], label: dict[str, Any]) -> tuple[int, list[str], list[str]]:
    """As ``shared/tools/score-parse`` counts: right cells, wrong cells flagged uncertain, wrong and silent."""
    want, got, unsure = label["cells"], record["cells"], set(record["uncertain"])
    ids = set(want) | set(got)
    wrong = sorted(i for i in ids if i not in want or i not in got or not _same(got[i], want[i]))
    right = len(want) - len([i for i in wrong if i in want])
    return right, [i for i in wrong if i in unsure], [i for i in wrong if i not in unsure]


@pytest.fixture(scope="module")
def scanned() -> dict[str, Interpretation]:
    return {
        name: read_interpretation(image_pdf(page_images(shared("corpus", name))), name=f"scan-{name}")
        for name in CORPUS_PDFS
    }


def _label(name: str) -> dict[str, Any]:
    label: dict[str, Any] = json.loads(shared("corpus", "labels", name.replace(".pdf", ".json")).read_text("utf-8"))
    return label


# ---------------------------------------------------------------------------------------------------------
# The corpus, scanned
# ---------------------------------------------------------------------------------------------------------


def test_scanned_corpus_cells_right_and_every_wrong_cell_flagged(scanned: dict[str, Interpretation]) -> None:
    right = total = 0
    silent: list[str] = []
    for name in CORPUS_PDFS:
        label = _label(name)
        ok, _flagged, unflagged = score(cells_record(scanned[name].report), label)
        right += ok
        total += len(label["cells"])
        silent += [f"{name}:{cid}" for cid in unflagged]
    assert total == 386
    assert right / total >= MIN_ACCURACY, f"{right}/{total} cells right"
    assert silent == [], f"wrong cells not flagged uncertain: {silent}"


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_scanned_corpus_meta(scanned: dict[str, Interpretation], name: str) -> None:
    record, label = cells_record(scanned[name].report), _label(name)
    for key in ("year", "t2_template", "t3_template", "agency"):
        assert str(record["meta"][key]) == str(label["meta"][key]), key


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_scanned_pages_are_read_by_ocr_and_say_so(scanned: dict[str, Interpretation], name: str) -> None:
    doc = scanned[name].document
    assert isinstance(doc, PdfSourceDocument)
    assert doc.ocr_pages == list(range(1, doc.pages + 1))
    assert all(any(f"第{n}页" in note and "OCR" in note for note in doc.notes) for n in doc.ocr_pages)


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_every_ocr_cell_keeps_page_bbox_and_confidence(scanned: dict[str, Interpretation], name: str) -> None:
    doc = scanned[name].document
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    assert grids
    for grid in grids:
        for row in grid.rows:
            for cell in row:
                prov = cell.provenance
                assert isinstance(prov, OcrProvenance) and prov.reader == "pdf-ocr"
                assert prov.page is not None and prov.bbox is not None and prov.confidence is not None
                x0, top, x1, bottom = prov.bbox
                assert 0 <= x0 < x1 <= 600 and 0 <= top < bottom <= 850
                assert 0.0 <= prov.confidence <= 1.0
    report = scanned[name].report
    for cell in report.iter_cells():
        if cell.kind is not ValueKind.MISSING:
            data = cell.to_dict()["provenance"]
            assert data["reader"] == "pdf-ocr" and "page" in data and "bbox" in data and "confidence" in data


def test_scanned_values_sit_where_the_text_layer_puts_them(scanned: dict[str, Interpretation]) -> None:
    """The OCR grid is the printed grid: a cell's box matches the text-layer reader's within 2 pt."""
    text = read_interpretation(shared("corpus", "001.pdf")).report
    ocr = scanned["001.pdf"].report
    for cell in text.iter_cells():
        other = ocr.cell(cell.id)
        if cell.provenance.bbox is None or other.provenance.bbox is None:
            continue
        assert other.provenance.page == cell.provenance.page, cell.id
        assert all(abs(a - b) <= 2.0 for a, b in zip(other.provenance.bbox, cell.provenance.bbox, strict=True))


# ---------------------------------------------------------------------------------------------------------
# Low confidence is flagged, never guessed
# ---------------------------------------------------------------------------------------------------------


SMUDGED = {  # the cell, its printed text on 001 p.4, and what is done to its fourth character
    "t2.punishment.decisions": ("3985758", "blot"),
    "t2.coercion.decisions": ("88283", "erased"),
    "t2.fees.amount": ("96171.6", "smeared"),
}


def _boxes(scale: float) -> dict[str, tuple[float, float, float, float]]:
    """Where 001 p.4 prints the smudged values (from its text layer), in pixels at ``scale``."""
    import pdfplumber

    with pdfplumber.open(shared("corpus", "001.pdf")) as pdf:
        words = {w["text"]: w for w in pdf.pages[3].extract_words()}
    return {
        text: (words[text]["x0"] * scale, words[text]["top"] * scale, words[text]["x1"] * scale, words[text]["bottom"] * scale)
        for text, _ in SMUDGED.values()
    }


def _smudged(image: Image.Image) -> Image.Image:
    boxes = _boxes(DPI / 72)
    draw = ImageDraw.Draw(image)
    for text, kind in SMUDGED.values():
        x0, top, x1, bottom = boxes[text]
        width = x1 - x0
        fourth = (x0 + 3 * width / len(text), x0 + 4 * width / len(text))
        if kind == "blot":  # an ink blot over the fourth character
            draw.ellipse([fourth[0] - 2, top - 2, fourth[1] + 2, bottom + 2], fill=90)
        elif kind == "erased":  # the lower half of the fourth character gone
            draw.rectangle([fourth[0] + 1, top + 0.35 * (bottom - top), fourth[1] - 1, bottom + 1], fill=255)
        else:  # the fourth character smeared to a grey shadow, lighter than ink
            box = (int(fourth[0] - 1), int(top - 3), int(fourth[1] + 2), int(bottom + 3))
            image.paste(image.crop(box).filter(ImageFilter.GaussianBlur(4)), box[:2])
    return image


def test_smudged_digits_are_flagged_not_guessed() -> None:
    """A blotted, a half-erased and a smeared digit: the recogniser skips or garbles each with high
    confidence (``398758`` for ``3985758``); none is passed on as a printed value, the clean cells stay
    certain."""
    pages = page_images(shared("corpus", "001.pdf"))
    data = image_pdf([pages[2], _smudged(pages[3])])  # p.3 opens table 二, p.4 holds the three values
    interpretation = read_interpretation(data, name="smudged.pdf")
    report = interpretation.report
    findings = check(report)
    for cid, (text, kind) in SMUDGED.items():
        cell = report.cell(cid)
        assert cell.uncertain, f"{kind} {text}: read {cell.raw!r} with no doubt"
        if cell.kind is ValueKind.MISSING:  # read as text (``398 758``): the row has no value, reported so
            assert any(f.rule == "GK312" for f in findings)
        else:
            assert "OCR" in cell.reason and "第2页" in cell.reason
            assert any(f.rule == "GK205" and cid in f.cells for f in findings)
    clean = report.cell("t2.licensing.decisions")  # 447228 on the same (scanned) table, untouched
    assert clean.value == 447228 and not clean.uncertain


class _Scripted:
    """An engine that reads every crop as the same text, with the given per-character confidences."""

    name = "scripted"

    def __init__(self, text: str, confidences: tuple[float, ...]) -> None:
        self.text, self.confidences = text, confidences

    def recognize(self, crops: Any) -> list[Recognized]:
        return [Recognized(self.text, self.confidences) for _ in crops]


def _ruled_page(digits: str) -> PageImage:
    """A white page with one ruled two-by-two table and a number in its lower right cell."""
    image = Image.new("L", (1000, 1400), 255)
    draw = ImageDraw.Draw(image)
    for y in (200, 300, 400):
        draw.line([(100, y), (900, y)], fill=0, width=3)
    for x in (100, 500, 900):
        draw.line([(x, 200), (x, 400)], fill=0, width=3)
    draw.rectangle([150, 230, 400, 270], fill=0)  # a "label"
    for i, _ in enumerate(digits):  # digits as separate bars
        draw.rectangle([600 + 30 * i, 330, 620 + 30 * i, 370], fill=0)
    return PageImage(1, np.asarray(image, dtype=np.uint8), 1000 * 72 / DPI, 1400 * 72 / DPI)


def test_low_character_confidence_marks_the_cell() -> None:
    layout = ocr_page(_ruled_page("12"), _Scripted("12", (0.99, 0.41)))
    table = next(it for it in layout.items if isinstance(it, PageTable))
    value = table.rows[1][1]
    assert value.text == "12" and value.confidence == pytest.approx(0.41)
    prov = OcrProvenance(page=1, bbox=value.bbox, confidence=value.confidence)
    assert "置信度低（0.41" in ocr_doubt(prov)
    assert ocr_doubt(OcrProvenance(page=1, confidence=LOW_CONFIDENCE)) == ""


def test_a_number_read_short_of_its_glyphs_is_doubted() -> None:
    """Three separate digits on paper read as two, each with full confidence: still doubted."""
    layout = ocr_page(_ruled_page("123"), _Scripted("12", (1.0, 1.0)))
    table = next(it for it in layout.items if isinstance(it, PageTable))
    confidence = table.rows[1][1].confidence
    assert confidence is not None and confidence < LOW_CONFIDENCE


def test_ink_read_as_nothing_is_doubted() -> None:
    layout = ocr_page(_ruled_page("1"), _Scripted("", ()))
    table = next(it for it in layout.items if isinstance(it, PageTable))
    cell = table.rows[1][1]
    assert cell.text == "" and cell.confidence == 0.0
    assert "未能识别" in ocr_doubt(OcrProvenance(page=1, confidence=cell.confidence))


def test_text_layer_provenance_is_never_doubted() -> None:
    report = read_interpretation(shared("corpus", "002.pdf")).report
    assert all(ocr_doubt(cell.provenance) == "" for cell in report.iter_cells())
    assert not any(isinstance(cell.provenance, OcrProvenance) for cell in report.iter_cells())


# ---------------------------------------------------------------------------------------------------------
# Mixed PDFs, bounds, failures
# ---------------------------------------------------------------------------------------------------------


def test_mixed_pdf_reads_text_pages_and_ocrs_the_scanned_one() -> None:
    """001 with page 4 replaced by its scan: table 三 starts on the scanned page and runs on to the printed
    page 5, and is stitched across the two as in the original."""
    original = shared("corpus", "001.pdf")
    src = pdfium.PdfDocument(original.read_bytes())
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(src, [0, 1, 2])
    scan = pdfium.PdfDocument(image_pdf([page_images(original)[3]]))
    mixed.import_pages(scan)
    mixed.import_pages(src, [4, 5])
    out = io.BytesIO()
    mixed.save(out)
    interpretation = read_interpretation(out.getvalue(), name="mixed.pdf")
    doc = interpretation.document
    assert isinstance(doc, PdfSourceDocument) and doc.ocr_pages == [4]
    ok, _flagged, silent = score(cells_record(interpretation.report), _label("001.pdf"))
    assert ok == 200 and silent == []
    readers = {c.provenance.page: c.provenance.reader for c in interpretation.report.iter_cells()}
    assert readers[4] == "pdf-ocr" and readers[5] == "pdf"


def test_scanned_pages_over_the_limit_get_a_note() -> None:
    pages = page_images(shared("corpus", "002.pdf"), dpi=100)[:2]
    doc = read_pdf_document(image_pdf(pages, 100), "two.pdf", ReadLimits(), OcrSettings(max_pages=1, dpi=100))
    assert doc.ocr_pages == [1]
    assert any("OCR 上限 1 页" in note and "第2页" in note for note in doc.notes)


def test_oversized_page_is_rendered_smaller() -> None:
    layouts, notes = ocr_pdf_pages(
        image_pdf([Image.new("L", (200, 280), 255)], 20), [1], OcrSettings(max_pixels=1_000_000)
    )
    assert len(layouts) == 1 and any("幅面过大" in note for note in notes)


def test_dark_page_and_blank_scan_give_notes_not_errors() -> None:
    dark = Image.new("L", (400, 560), 20)
    blank = Image.new("L", (400, 560), 250)
    # uniform pages compress to a few hundred bytes: lift the bytes-per-scanned-page bound for this test
    settings = OcrSettings(min_bytes_per_page=1)
    doc = read_pdf_document(image_pdf([dark, blank], 50), "dark.pdf", ReadLimits(), settings)
    assert doc.blocks == []
    assert any("第1页" in n and "过暗" in n for n in doc.notes)
    assert any("第2页" in n and "未识别出文字" in n for n in doc.notes)


def test_broken_image_stream_gives_a_note() -> None:
    """A page whose only image is a corrupt JPEG: a note, no traceback."""
    garbage = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >>"
        b" /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width 100 /Height 140 /ColorSpace /DeviceGray /BitsPerComponent 8"
        b" /Filter /DCTDecode /Length %d >>\nstream\n" % len(garbage) + garbage + b"\nendstream",
        b"<< /Length 35 >>\nstream\nq 595 0 0 842 0 0 cm /Im0 Do Q\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    doc = read_pdf_document(bytes(out), "broken.pdf", ReadLimits())
    assert doc.blocks == [] and any("第1页" in note for note in doc.notes)


def test_missing_engine_gives_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    import gongkai.readers.ocr as ocr

    def unavailable() -> Any:
        raise OcrUnavailable(f"未安装 OCR 引擎 {ENGINE_PACKAGE}")

    monkeypatch.setattr(ocr, "default_engine", unavailable)
    doc = read_pdf_document(image_pdf([Image.new("L", (400, 560), 255)], 50), "x.pdf", ReadLimits())
    assert doc.blocks == [] and doc.ocr_pages == []
    assert any("第1页是扫描件" in note and ENGINE_PACKAGE in note for note in doc.notes)


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError):
        OcrSettings(dpi=10)
    with pytest.raises(ValueError):
        OcrSettings(max_pages=0)


def test_the_recognition_model_ships_in_the_wheel() -> None:
    """Nothing is downloaded at run time: the ONNX model is a file of the installed package."""
    import rapidocr_onnxruntime

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    assert (models / "ch_PP-OCRv4_rec_infer.onnx").stat().st_size > 5_000_000


def test_a_file_too_small_for_its_scanned_pages_gets_only_some_read() -> None:
    """Three blank "scans" in a file of a few KB: one image drawn again and again, never a real scan."""
    blank = [Image.new("L", (400, 560), 250) for _ in range(3)]
    data = image_pdf(blank, 50)
    assert len(data) < 2 * OcrSettings().min_bytes_per_page  # room for one scanned page, not three
    doc = read_pdf_document(data, "tiny.pdf", ReadLimits())
    assert any("疑似同一图像重复使用" in n and "第2页起的2页未识别" in n for n in doc.notes), doc.notes
