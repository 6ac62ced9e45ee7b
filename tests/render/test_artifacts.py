"""The report as a person sees it: seed 002 (and the 2019-template sample) rendered to DOCX, converted to PDF by
LibreOffice and rasterised page by page by pdftoppm, all saved under ``artifacts/render/`` at the repository
root for a reviewer to open:

    artifacts/render/002.docx  002.pdf  002-page-1.png …
    artifacts/render/sample_2019.docx  sample_2019.pdf  sample_2019-page-1.png …

The PDF is then checked as printed: its page count, its text (title, headings, the table labels), the pages
inside A4 with the official margins (table 三 included), the footer's page numbers, the fonts embedded with
the heading face distinct from the body face, no LibreOffice warning, and the numbers read back by
gongkai's own PDF reader equal to the model's.

These tests need LibreOffice and poppler-utils (``scripts/apt-packages.txt``, installed by
``scripts/bootstrap.sh``). Without them they fail, naming the package: they never skip.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from tests.render.samples import sample_2019, seed_002

from gongkai.model.report import Report
from gongkai.readers import read
from gongkai.render import render
from gongkai.render.layout import MARGINS_MM, PAGE_HEIGHT_MM, PAGE_WIDTH_MM, build_layout
from gongkai.render.pdf import (
    FONT_SUBSTITUTES,
    LibreOfficeMissing,
    convert_docx,
    find_soffice,
    installed_font_families,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "render"
DPI = 80
PT_PER_MM = 72 / 25.4

REPORTS: dict[str, Callable[[], Report]] = {"002": seed_002, "sample_2019": sample_2019}
PAGES = {"002": range(3, 7), "sample_2019": range(3, 7)}


def _need(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"{name} 不在 PATH 上：请安装 Debian 软件包 {package}（见 scripts/apt-packages.txt，"
            f"bash scripts/bootstrap.sh 会安装）— {name} not found: install the Debian package {package}",
            pytrace=False,
        )
    return path


@dataclass(frozen=True)
class Printed:
    name: str
    report: Report
    docx: Path
    pdf: Path
    pngs: list[Path]
    warnings: tuple[str, ...]
    leftovers: list[Path]


@pytest.fixture(scope="module", params=sorted(REPORTS))
def printed(request: pytest.FixtureRequest) -> Printed:
    name: str = request.param
    try:
        find_soffice()
    except LibreOfficeMissing as exc:
        pytest.fail(f"{exc} — LibreOffice not found: install the Debian package libreoffice-writer-nogui",
                    pytrace=False)
    pdftoppm = _need("pdftoppm", "poppler-utils")
    families = installed_font_families() or set()
    cjk = {name for names in FONT_SUBSTITUTES.values() for name in names} | set(FONT_SUBSTITUTES)
    if not families & cjk:
        pytest.fail("没有可用的中文字体：请安装 Debian 软件包 fonts-noto-cjk — no CJK font: install fonts-noto-cjk",
                    pytrace=False)
    report = REPORTS[name]()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for stale in ARTIFACTS.glob(f"{name}-page-*.png"):
        stale.unlink()
    docx_path, pdf_path = ARTIFACTS / f"{name}.docx", ARTIFACTS / f"{name}.pdf"
    docx_path.write_bytes(render(report, "docx"))
    with tempfile.TemporaryDirectory(prefix="gongkai-test-") as temp, pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", temp)  # the renderer's temporary files go here, to be counted
        conversion = convert_docx(docx_path.read_bytes())
        leftovers = list(Path(temp).iterdir())
    pdf_path.write_bytes(conversion.pdf)
    subprocess.run([pdftoppm, "-r", str(DPI), "-png", str(pdf_path), str(ARTIFACTS / f"{name}-page")],
                   check=True, timeout=120)
    pngs = sorted(ARTIFACTS.glob(f"{name}-page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return Printed(name, report, docx_path, pdf_path, pngs, conversion.warnings, leftovers)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_libreoffice_converts_without_warnings_or_leftovers(printed: Printed) -> None:
    assert printed.warnings == (), printed.warnings
    assert printed.leftovers == [], "the PDF renderer left files in the temporary directory"


def test_page_count_and_text(printed: Printed) -> None:
    layout = build_layout(printed.report)
    with pdfplumber.open(printed.pdf) as pdf:
        assert len(pdf.pages) in PAGES[printed.name], len(pdf.pages)
        text = _compact("\n".join(page.extract_text() or "" for page in pdf.pages))
        # a label wrapped inside a narrow cell is read cell by cell (line by line it interleaves with its row)
        cells = {_compact(cell or "") for page in pdf.pages for table in page.extract_tables() for row in table
                 for cell in row}
    assert text.startswith(_compact(layout.title)), text[:60]
    for section in layout.sections:
        assert section.heading in text
    for label in ("三、本年度办理结果", "四、结转下年度继续办理", "复议后起诉", "未经复议直接起诉", "申请人情况",
                  "法人或其他组织", "第二十条第（一）项", "（三）不予公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"):
        assert label in cells, label
    assert any("勾稽关系为：第一项加第二项之和，等于第三项加第四项之和" in cell for cell in cells)


def test_pages_are_a4_and_everything_inside_the_margins(printed: Printed) -> None:
    left, right = MARGINS_MM["left"] * PT_PER_MM, (PAGE_WIDTH_MM - MARGINS_MM["right"]) * PT_PER_MM
    top, bottom = MARGINS_MM["top"] * PT_PER_MM, (PAGE_HEIGHT_MM - MARGINS_MM["bottom"]) * PT_PER_MM
    tolerance = 1.0 * PT_PER_MM
    hanging = 6.0 * PT_PER_MM  # a closing punctuation mark may hang past the right edge of a text line
    with pdfplumber.open(printed.pdf) as pdf:
        tables = 0
        for page in pdf.pages:
            assert (round(page.width / PT_PER_MM), round(page.height / PT_PER_MM)) == (PAGE_WIDTH_MM, PAGE_HEIGHT_MM)
            for edge in page.edges:  # table borders: exactly within the text block (table 三 is 10 columns)
                assert left - tolerance <= edge["x0"] <= edge["x1"] <= right + tolerance, (page.page_number, edge)
                assert top - tolerance <= edge["top"] <= edge["bottom"] <= bottom + tolerance
            tables += len(page.find_tables())
            body = [c for c in page.chars if c["text"].strip() and c["top"] < bottom]
            assert body, f"page {page.page_number} is empty"
            for char in body:
                assert left - tolerance <= char["x0"] and char["x1"] <= right + hanging, (page.page_number, char["text"])
                assert top - tolerance <= char["top"], (page.page_number, char["text"])
        assert tables >= len(printed.report.tables)


def test_footer_page_numbers(printed: Printed) -> None:
    bottom = (PAGE_HEIGHT_MM - MARGINS_MM["bottom"]) * PT_PER_MM
    with pdfplumber.open(printed.pdf) as pdf:
        for page in pdf.pages:
            footer = "".join(c["text"] for c in page.chars if c["top"] >= bottom)
            assert _compact(footer) == f"—{page.page_number}—"


def test_fonts_embedded_and_headings_distinct_from_body(printed: Printed) -> None:
    pdffonts = _need("pdffonts", "poppler-utils")
    listing = subprocess.run([pdffonts, str(printed.pdf)], capture_output=True, text=True, check=True,
                             timeout=60).stdout.splitlines()[2:]
    assert listing
    for line in listing:
        emb, _sub, uni = line.split()[-5:-2]
        assert (emb, uni) == ("yes", "yes"), line  # every glyph embedded, and mapped back to its character
    layout = build_layout(printed.report)
    headings = {section.heading for section in layout.sections}
    faces: dict[str, set[str]] = {"title": set(), "heading": set(), "body": set()}
    with pdfplumber.open(printed.pdf) as pdf:
        for page in pdf.pages:
            for line in page.extract_text_lines(layout=False, strip=True):
                chars = [c for c in line["chars"] if c["text"].strip() and c["size"] > 15]  # not the tables
                if not chars or _compact(line["text"]).startswith("—"):
                    continue  # a table row or the page number
                kind = ("title" if chars[0]["size"] > 20 else
                        "heading" if _compact(line["text"]) in headings else "body")
                faces[kind] |= {c["fontname"].split("+")[-1] for c in chars if ord(c["text"]) > 0x2E80}
    assert all(faces.values()), faces
    # 黑体 headings in a face of their own; 仿宋 body and 小标宋 title (or their fallbacks) in other faces
    assert not faces["heading"] & (faces["body"] | faces["title"]), faces


def test_every_page_png_exists_and_shows_the_page(printed: Printed) -> None:
    with pdfplumber.open(printed.pdf) as pdf:
        assert len(printed.pngs) == len(pdf.pages)
    want = (round(PAGE_WIDTH_MM / 25.4 * DPI), round(PAGE_HEIGHT_MM / 25.4 * DPI))
    for png in printed.pngs:
        assert png.stat().st_size > 5_000, png
        with Image.open(png) as image:
            assert abs(image.width - want[0]) <= 2 and abs(image.height - want[1]) <= 2, image.size
            grey = image.convert("L")
            histogram = grey.histogram()
            dark = sum(histogram[:128]) / (grey.width * grey.height)
        assert 0.003 < dark < 0.3, f"{png.name}: {dark:.2%} dark pixels"


def test_pdf_reads_back_as_the_same_report(printed: Printed) -> None:
    back = read(printed.pdf.read_bytes(), name=printed.pdf.name)
    assert (back.meta.agency, back.meta.year) == (printed.report.meta.agency, printed.report.meta.year)
    assert [t.kind for t in back.tables] == [t.kind for t in printed.report.tables]
    assert back.numbers() == printed.report.numbers()
    assert back.uncertain == []
