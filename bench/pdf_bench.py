"""PDF reader throughput and memory on the corpus PDFs, on one core.

    .venv/bin/python bench/pdf_bench.py [--seconds 5] [--compare] [--hostile [NAME ...]]

Prints pages per second for the reader alone (``read_document``) and for the whole parse (``read``), then
the peak traced Python memory of one pass and the process's max RSS. ``--compare`` also times the raw
character extraction of pdfplumber and pypdfium2 (the measurement behind the library choice documented in
``gongkai.readers.pdf``).

``--hostile`` reads instead each hand-built hostile PDF of ``tests/fuzz/hostile_pdfs.py`` (or those named)
in the fuzz sandbox, as the contract measures it (a fresh child under a 1 GiB address-space limit), and
prints its size, the outcome, the child's CPU time and peak RSS, and the CPU the contract allows; then, read
in this process, the work units the reader's budget charged (``gongkai.readers.pdfsafe``) and the CPU per
unit, the figure the unit costs are set from.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

from gongkai.errors import GongkaiError
from gongkai.readers import pdfsafe, read, read_document

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


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


def _units(data: bytes, name: str) -> tuple[float, int]:
    """CPU seconds and budget units of one read in this process."""
    budgets: list[pdfsafe.WorkBudget] = []
    original = pdfsafe.WorkBudget.__init__

    def remember(self: pdfsafe.WorkBudget, *args: object) -> None:
        original(self, *args)  # type: ignore[arg-type]
        budgets.append(self)

    pdfsafe.WorkBudget.__init__ = remember  # type: ignore[method-assign]
    start = time.process_time()
    try:
        read(data, format="pdf", name=name)
    except GongkaiError:
        pass
    finally:
        pdfsafe.WorkBudget.__init__ = original  # type: ignore[method-assign]
    cpu = time.process_time() - start
    return cpu, (sum(budgets[-1].spent()[0].values()) if budgets else 0)


def hostile(names: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.fuzz.harness import Sandbox, cpu_bound
    from tests.fuzz.hostile_pdfs import HOSTILE_PDFS

    box = Sandbox([SHARED / "corpus" / "002.pdf"])
    print(f"{'file':28} {'bytes':>8} {'outcome':22} {'cpu s':>6} {'bound':>5} {'rss MB':>6} {'units M':>7} {'µs/unit':>7}")
    try:
        for name in names or sorted(HOSTILE_PDFS):
            data = HOSTILE_PDFS[name]()
            out = box.read(data, "pdf", f"{name}.pdf")
            cpu, units = _units(data, f"{name}.pdf")
            per = f"{cpu * 1e6 / units:7.2f}" if units else f"{'-':>7}"
            print(
                f"{name:28} {len(data):8d} {(out.error_type or out.kind):22} {out.cpu:6.2f} "
                f"{cpu_bound(len(data)):5.1f} {out.max_rss >> 20:6d} {units / 1e6:7.2f} {per}",
                flush=True,
            )
    finally:
        box.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="time to spend per file and measure")
    parser.add_argument("--compare", action="store_true", help="also time raw pdfplumber / pypdfium2 chars")
    parser.add_argument("--hostile", nargs="*", metavar="NAME", help="read the hostile PDFs (all, or those named)")
    args = parser.parse_args()
    if args.hostile is not None:
        hostile(args.hostile)
        return
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
