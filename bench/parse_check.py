"""Parse + check throughput on the seeds and the non-PDF corpus, on one core, and peak memory.

    .venv/bin/python bench/parse_check.py [--seconds 5]

Prints reports per second per format and overall; the target is at least 200 text or HTML reports per second
per core. Each file is read from memory (bytes) so the figure is the parser's, not the disk's.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

from gongkai.readers import read, sniff
from gongkai.rules import check

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="time to spend per format")
    parser.add_argument("--with-pdf", action="store_true", help="include the corpus PDFs")
    args = parser.parse_args()
    files = sorted((SHARED / "seeds").glob("*.txt")) + sorted(
        p for p in (SHARED / "corpus").iterdir() if p.suffix in (".txt", ".md", ".html", ".docx", ".pdf")
    )
    by_format: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for path in files:
        data = path.read_bytes()
        fmt = sniff(data, path.name)
        if fmt == "pdf" and not args.with_pdf:
            continue
        by_format[fmt].append((path.name, data))

    total_reports, total_time = 0, 0.0
    print(f"{'format':10} {'files':>5} {'reports/s':>10} {'ms/report':>10}")
    for fmt, items in sorted(by_format.items()):
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            for name, data in items:
                check(read(data, name=name))
                count += 1
        elapsed = time.perf_counter() - start
        total_reports += count
        total_time += elapsed
        print(f"{fmt:10} {len(items):5d} {count / elapsed:10.1f} {1000 * elapsed / count:10.2f}")
    # Memory on a separate pass: tracemalloc slows Python down several times.
    tracemalloc.start()
    for items in by_format.values():
        for name, data in items:
            check(read(data, name=name))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'all':10} {sum(len(v) for v in by_format.values()):5d} {total_reports / total_time:10.1f}")
    print(f"peak traced Python memory: {peak / 1e6:.1f} MB; max RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
