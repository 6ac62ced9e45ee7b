"""Import throughput: generate synthetic reports, import them in parallel, import them again (a no-op).

    .venv/bin/python bench/import_bench.py [--count 10000] [--jobs N] [--db URL] [--dir FOLDER] [--seed 0]

The reports are made from the seeds and the non-PDF corpus by :mod:`gongkai.oversight.synth` (other agencies,
years and numbers; Markdown, TSV, Word text, HTML and a few DOCX). Generation is not timed. Prints, for the
import: reports per second, wall time, the CPU time of this process and of its workers, peak RSS of the parent
and of the largest worker; then the wall time of a second import of the same files (every file skipped by its
SHA-256). The issue's target: 10,000 reports in at most 5 minutes on 2 cores.

Without ``--db`` the database is a fresh SQLite file in a temporary folder (deleted at the end).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from gongkai.oversight import import_reports, stored_counts
from gongkai.oversight.importer import default_jobs
from gongkai.oversight.synth import base_reports, write_reports
from gongkai.store import make_engine, upgrade

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BASE_SUFFIXES = (".txt", ".md", ".html", ".docx")
TARGET_SECONDS_PER_10000 = 300.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--dir", type=Path, default=None, help="folder for the generated files (default: temporary)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gongkai-import-bench-") as tmp:
        folder = args.dir or Path(tmp) / "reports"
        sources = [p for d in ("seeds", "corpus") for p in sorted((SHARED / d).glob("*")) if p.suffix in BASE_SUFFIXES]
        started = time.perf_counter()
        write_reports(folder, args.count, base_reports(sources), seed=args.seed)
        print(f"generated {args.count} reports in {time.perf_counter() - started:.1f} s (not timed below)")

        engine = make_engine(args.db or f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        cpu_before = os.times()
        started = time.perf_counter()
        summary = import_reports([folder], engine=engine, jobs=args.jobs)
        wall = time.perf_counter() - started
        cpu = os.times()
        stored = summary.imported + summary.new_versions
        print(f"import: {stored} reports stored, {summary.failed} failed, {summary.findings} findings, "
              f"jobs={args.jobs}")
        print(f"  wall {wall:.1f} s, {stored / wall:.1f} reports/s; CPU parent "
              f"{cpu.user + cpu.system - cpu_before.user - cpu_before.system:.1f} s, workers "
              f"{cpu.children_user + cpu.children_system - cpu_before.children_user - cpu_before.children_system:.1f} s")
        print(f"  peak RSS parent {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
              f"largest worker {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")
        print(f"  rows: {stored_counts(engine)}")
        scaled = wall * 10_000 / max(args.count, 1)
        print(f"  scaled to 10,000 reports: {scaled:.0f} s (target {TARGET_SECONDS_PER_10000:.0f} s)")

        counts = stored_counts(engine)
        started = time.perf_counter()
        again = import_reports([folder], engine=engine, jobs=args.jobs)
        print(f"second import: {time.perf_counter() - started:.1f} s, {again.unchanged} unchanged, "
              f"{again.imported + again.new_versions} stored, rows unchanged: {stored_counts(engine) == counts}")
        engine.dispose()
        for failure in summary.failures[:10]:
            print(f"  failed: {failure.error}", file=sys.stderr)
    return 0 if summary.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
