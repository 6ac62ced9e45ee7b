"""OCR of scanned PDFs: pages per second, peak memory and cell accuracy on the corpus PDFs turned into images.

    .venv/bin/python bench/ocr_bench.py [--dpi 200] [--runs 1] [--compare]

Each corpus PDF (001: 6 pages, 002: 5 pages) is rendered to images and saved as an image-only PDF, as a
scanner makes it; the whole read (``read_interpretation``: render, ruling, lines, recognition, interpretation)
is timed per file. Prints pages per second, the process's peak RSS and the peak traced Python memory, and the
cells right / wrong-and-flagged / wrong-and-silent against ``shared/corpus/labels`` as ``score-parse`` counts
them. ``--compare`` also runs the same pipeline with Tesseract (Debian's ``tesseract-ocr`` and
``tesseract-ocr-chi-sim``, through its command line, one process per page on the stacked line crops) when it
is installed — the measurement behind the engine choice documented in ``gongkai.readers.ocr``.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import shutil
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gongkai.export import cells_record
from gongkai.extract import interpret
from gongkai.readers.limits import ReadLimits
from gongkai.readers.ocr import DEFAULT_OCR, OcrEngine, Recognized, default_engine
from gongkai.readers.pdf import read_pdf_document

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = ("001.pdf", "002.pdf")


def scanned_copy(path: Path, dpi: int) -> tuple[bytes, int]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path.read_bytes())
    images = [page.render(scale=dpi / 72).to_pil().convert("L") for page in pdf]
    pdf.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    return out.getvalue(), len(images)


def score(record: dict[str, Any], label: dict[str, Any]) -> tuple[int, int, int]:
    want, got, unsure = label["cells"], record["cells"], set(record["uncertain"])

    def same(a: Any, b: Any) -> bool:
        return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= 1e-6)

    wrong = [i for i in set(want) | set(got) if i not in want or i not in got or not same(got[i], want[i])]
    right = len(want) - len([i for i in wrong if i in want])
    return right, len([i for i in wrong if i in unsure]), len([i for i in wrong if i not in unsure])


class TesseractEngine:
    """Tesseract 5 (chi_sim) on the same line crops: stacked into one image per page, read as a block of
    lines (``--psm 6``), each output line matched back to its crop by position."""

    name = "Tesseract (chi_sim)"
    GAP = 24

    def recognize(self, crops: Sequence[Any]) -> list[Recognized]:
        if not crops:
            return []
        width = max(c.shape[1] for c in crops) + 2 * self.GAP
        height = sum(c.shape[0] + self.GAP for c in crops) + self.GAP
        sheet = np.full((height, width), 255, dtype=np.uint8)
        spans: list[tuple[int, int]] = []
        y = self.GAP
        for crop in crops:
            sheet[y : y + crop.shape[0], self.GAP : self.GAP + crop.shape[1]] = crop
            spans.append((y, y + crop.shape[0]))
            y += crop.shape[0] + self.GAP
        from PIL import Image

        png = io.BytesIO()
        Image.fromarray(sheet).save(png, "PNG")
        proc = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "6", "tsv"],
            input=png.getvalue(),
            capture_output=True,
            check=False,
        )
        words: list[list[tuple[int, str, float]]] = [[] for _ in crops]
        for line in proc.stdout.decode("utf-8", "replace").splitlines()[1:]:
            parts = line.split("\t")
            if len(parts) < 12 or not parts[11].strip():
                continue
            left, top, h = int(parts[6]), int(parts[7]), int(parts[9])
            mid = top + h / 2
            for i, (a, b) in enumerate(spans):
                if a - self.GAP / 2 <= mid <= b + self.GAP / 2:
                    words[i].append((left, parts[11].strip(), max(float(parts[10]), 0.0) / 100))
                    break
        out: list[Recognized] = []
        for found in words:
            found.sort()
            text = "".join(w for _, w, _ in found)
            out.append(Recognized(text, tuple(c for _, w, c in found for _ in w)))
        return out


def run(engine: OcrEngine, files: list[tuple[str, bytes, int]], runs: int) -> None:
    pages = sum(n for _, _, n in files)
    times: list[float] = []
    right = flagged = silent = total = 0
    for _ in range(runs):
        start = time.perf_counter()
        records = []
        for name, data, _n in files:
            doc = read_pdf_document(data, name, ReadLimits(), DEFAULT_OCR, engine)
            records.append((name, cells_record(interpret(doc).report)))
        times.append(time.perf_counter() - start)
    for name, record in records:
        label = json.loads((SHARED / "corpus" / "labels" / name.replace(".pdf", ".json")).read_text("utf-8"))
        r, f, s = score(record, label)
        right, flagged, silent, total = right + r, flagged + f, silent + s, total + len(label["cells"])
    best = min(times)
    print(
        f"{engine.name:24s} {pages / best:5.2f} pages/s ({best / pages:.2f} s/page, best of {runs})  "
        f"cells right {right}/{total} = {right / total:.2%}, wrong+flagged {flagged}, wrong+silent {silent}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--compare", action="store_true", help="also run Tesseract, if installed")
    args = parser.parse_args(argv)
    if not SHARED.exists():
        print(f"ground truth missing: {SHARED}", file=sys.stderr)
        return 2
    files = [(name, *scanned_copy(SHARED / "corpus" / name, args.dpi)) for name in CORPUS]
    start = time.perf_counter()
    engine = default_engine()
    print(f"engine load {time.perf_counter() - start:.2f} s; {sum(n for _, _, n in files)} pages at {args.dpi} dpi")
    tracemalloc.start()
    run(engine, files, args.runs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak traced Python memory {peak / 1e6:.0f} MB; max RSS {rss:.0f} MB")
    if args.compare:
        if shutil.which("tesseract") is None:
            print("tesseract not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim): skipped")
        else:
            run(TesseractEngine(), files, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
