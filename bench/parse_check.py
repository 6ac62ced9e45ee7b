"""Parse + check throughput on the seeds and the non-PDF corpus, on one core, and peak memory.

    .venv/bin/python bench/parse_check.py [--seconds 1] [--runs 3] [--with-pdf]

Prints reports per second per format and overall, and whether each target format (text, markdown, crawler,
html) reaches the target of at least 200 reports per second per core. Each file is read from memory (bytes)
so the figure is the parser's, not the disk's.

Each format is timed in ``--runs`` runs of at least ``--seconds`` each (the formats taking turns), and the
best run counts: other processes on the machine only ever slow a run down. Time is this process's CPU time
(one core), not wall time, for the same reason.
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
TARGET = 200.0  # reports per second per core
TARGET_FORMATS = ("text", "markdown", "crawler", "html")  # docx and pdf are not in the target


def rate(items: list[tuple[str, bytes]], seconds: float) -> float:
    """Reports per second over whole passes through ``items`` lasting at least ``seconds`` of CPU time."""
    count, start = 0, time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        for name, data in items:
            check(read(data, name=name))
        count += len(items)
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=1.0, help="CPU seconds per run (at least)")
    parser.add_argument("--runs", type=int, default=3, help="runs per format; the best one counts")
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

    for items in by_format.values():  # warm up: imports, label lexicons, regex caches
        for name, data in items:
            check(read(data, name=name))

    # The formats take turns, so that a busy spell on the machine spoils one run of each, not all runs of one.
    best: dict[str, float] = dict.fromkeys(by_format, 0.0)
    for _ in range(args.runs):
        for fmt, items in sorted(by_format.items()):
            best[fmt] = max(best[fmt], rate(items, args.seconds))

    print(f"best of {args.runs} runs of at least {args.seconds:g} s CPU time each; target {TARGET:.0f} reports/s")
    print(f"{'format':10} {'files':>5} {'reports/s':>10} {'ms/report':>10}  target")
    all_reports, all_time = 0, 0.0
    misses: list[str] = []
    for fmt, items in sorted(by_format.items()):
        per_second = best[fmt]
        all_reports += len(items)
        all_time += len(items) / per_second
        if fmt in TARGET_FORMATS:
            verdict = "met" if per_second >= TARGET else "NOT MET"
            if per_second < TARGET:
                misses.append(fmt)
        else:
            verdict = "(not in target)"
        print(f"{fmt:10} {len(items):5d} {per_second:10.1f} {1000 / per_second:10.2f}  {verdict}")
    print(f"{'all':10} {all_reports:5d} {all_reports / all_time:10.1f}  (one pass over every file at the best rates)")
    print("target met for every text and HTML format" if not misses else f"target NOT met for: {', '.join(misses)}")

    # Memory on a separate pass: tracemalloc slows Python down several times.
    tracemalloc.start()
    for items in by_format.values():
        for name, data in items:
            check(read(data, name=name))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak traced Python memory: {peak / 1e6:.1f} MB; max RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
