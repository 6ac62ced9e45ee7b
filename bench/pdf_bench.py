"""PDF reader throughput and memory on the corpus PDFs, on one core.

    .venv/bin/python bench/pdf_bench.py [--seconds 5] [--compare]

Prints pages per second for the reader alone (``read_document``) and for the whole parse (``read``), then
the peak traced Python memory of one pass and the process's max RSS. ``--compare`` also times the raw
character extraction of pdfplumber and pypdfium2 (the measurement behind the library choice documented in
``gongkai.readers.pdf``).
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

from gongkai.readers import read, read_document

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _rate(fn: Callable[[], object], pages: int, seconds: float) -> tuple[float, float]:
    """Pages per second and milliseconds per file, from the median of runs of ``fn`` over about ``seconds``
    (the median keeps other load on the machine from skewing the figure)."""
    times: list[float] = []
    start = time.perf_counter()
    while not times or time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    return pages / median, 1000 * median


def _plumber_chars(data: bytes) -> int:
    import pdfplumber

    n = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            n += len(page.chars)
            page.close()
    return n


def _pdfium_chars(data: bytes) -> int:
    import pypdfium2 as pdfium

    n = 0
    pdf = pdfium.PdfDocument(data)
    for i in range(len(pdf)):
        text = pdf[i].get_textpage()
        for j in range(text.count_chars()):
            text.get_charbox(j, loose=True)
        n += text.count_chars()
    pdf.close()
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="time to spend per file and measure")
    parser.add_argument("--compare", action="store_true", help="also time raw pdfplumber / pypdfium2 chars")
    args = parser.parse_args()
    files = sorted((SHARED / "corpus").glob("*.pdf"))
    if not files:
        raise SystemExit(f"no PDFs in {SHARED / 'corpus'}")
    print(f"{'file':10} {'pages':>5} {'reader p/s':>11} {'ms/file':>8} {'parse p/s':>10} {'ms/file':>8}")
    total_pages, total_reader, total_parse = 0, 0.0, 0.0
    for path in files:
        data = path.read_bytes()
        doc = read_document(data, name=path.name)
        pages = int(getattr(doc, "pages", 0)) or 1
        reader_rate, reader_ms = _rate(partial(read_document, data, name=path.name), pages, args.seconds)
        parse_rate, parse_ms = _rate(partial(read, data, name=path.name), pages, args.seconds)
        total_pages += pages
        total_reader += pages / reader_rate
        total_parse += pages / parse_rate
        print(f"{path.name:10} {pages:5d} {reader_rate:11.1f} {reader_ms:8.0f} {parse_rate:10.1f} {parse_ms:8.0f}")
        if args.compare:
            for name, fn in (("pdfplumber", _plumber_chars), ("pypdfium2", _pdfium_chars)):
                rate, ms = _rate(partial(fn, data), pages, args.seconds)
                print(f"  raw chars, {name:10} {rate:9.1f} p/s {ms:8.0f} ms/file")
    print(f"{'all':10} {total_pages:5d} {total_pages / total_reader:11.1f} {'':8} {total_pages / total_parse:10.1f}")
    # Memory on a separate pass: tracemalloc slows Python down several times.
    tracemalloc.start()
    for path in files:
        read(path.read_bytes(), name=path.name)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak traced Python memory: {peak / 1e6:.1f} MB; max RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
