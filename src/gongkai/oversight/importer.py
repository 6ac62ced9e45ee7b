"""``gongkai import``: many report files into the database, in parallel, idempotent and resumable.

How a run goes:

1. :func:`~gongkai.oversight.sources.find_sources` lists every file and archive member, in a stable order.
2. The parent process reads each source and hashes it. A SHA-256 already stored (imported *or* failed) or already
   met in this run is skipped before any parsing: importing the same files again is a no-op.
3. New contents go, in chunks, to a process pool (one worker per ``jobs``) that reads and checks them
   (:mod:`gongkai.oversight.parse`); nothing in a worker touches the database.
4. The parent — the only writer — takes the results back **in input order** and stores each report in one
   transaction: its source file, its agency (created on first sight), its version, cells, sections and findings.
   A crash or ``kill -9`` therefore loses at most the reports not yet committed, and leaves none half-written;
   a restart skips what is stored and, the order being the same, gives the same versions as an uninterrupted run.

Versions: a report whose agency and year already have a stored version becomes the next version, supersedes the
previous one and is ``current``. An unreadable file is stored as ``failed`` with its one-line error, so a re-run
does not retry it (delete its row to retry after a reader fix).
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from gongkai.errors import ReadError
from gongkai.oversight.parse import ParsedReport, ParseFailure, SourceJob, parse_batch
from gongkai.oversight.register import agency_id_for
from gongkai.oversight.sources import SourceRef, file_sha256, find_sources, load_sources, refusal_key
from gongkai.readers.limits import DEFAULT_LIMITS, ReadLimits
from gongkai.store.orm_oversight import (
    ImportedCellRow,
    ImportedFindingRow,
    ImportedReportRow,
    ImportedSectionRow,
    SourceFileRow,
)

CHUNK_SIZE = 8  # files per pool task: small enough for an even load, large enough to amortise the hand-over
TASKS_PER_WORKER = 4  # tasks in flight per worker: keeps every worker busy while bounding memory

Progress = Callable[[int, int, str], None]  # (done, total, name of the source just handled)


@dataclass(frozen=True)
class ImportFailure:
    name: str
    error: str  # one line, naming the file and the place


@dataclass
class ImportSummary:
    """What a run did. ``imported`` counts first versions, ``new_versions`` later versions of a stored year."""

    total: int = 0
    imported: int = 0
    new_versions: int = 0
    unchanged: int = 0
    failed: int = 0
    findings: int = 0
    failures: list[ImportFailure] = field(default_factory=list)
    interrupted: bool = False  # stopped by Ctrl+C: what is counted is committed, a re-run finishes the rest


def import_reports(
    paths: Sequence[Path],
    *,
    engine: Engine,
    jobs: int = 1,
    progress: Progress | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> ImportSummary:
    """Import every report file under ``paths`` into the database of ``engine`` (migrated to head)."""
    refs, listing_errors = find_sources(paths, limits)
    summary = ImportSummary(total=len(refs) + len(listing_errors))
    for error in listing_errors:
        summary.failed += 1
        summary.failures.append(ImportFailure(error.split(": ", 1)[0], error))
    writer = _Writer(engine, summary, progress)
    writer.done = len(listing_errors)
    try:
        _run(writer, writer.new_jobs(refs, limits), jobs)
    except KeyboardInterrupt:
        summary.interrupted = True
    return summary


def _run(writer: _Writer, jobs_iter: Iterator[SourceJob], jobs: int) -> None:
    if jobs <= 1:
        for job in jobs_iter:
            writer.store(parse_batch([job])[0])
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts) as pool:
        pending: deque[Future[list[ParsedReport | ParseFailure]]] = deque()
        try:
            for chunk in _chunks(jobs_iter, CHUNK_SIZE):
                pending.append(pool.submit(parse_batch, chunk))
                while len(pending) >= jobs * TASKS_PER_WORKER:
                    for result in pending.popleft().result():
                        writer.store(result)
            while pending:
                for result in pending.popleft().result():
                    writer.store(result)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _ignore_interrupts() -> None:
    # Ctrl+C reaches the whole process group: only the parent handles it (stops, keeps what is committed).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _chunks(items: Iterable[SourceJob], size: int) -> Iterator[list[SourceJob]]:
    chunk: list[SourceJob] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Writer:
    """The parent's side: skipping known contents, and storing each result in its own transaction."""

    def __init__(self, engine: Engine, summary: ImportSummary, progress: Progress | None) -> None:
        self.engine = engine
        self.summary = summary
        self.progress = progress
        self.done = 0
        with engine.connect() as conn:
            self.known: set[str] = set(conn.execute(select(SourceFileRow.sha256)).scalars())
        self.agencies: dict[str, int] = {}
        self.archive_digests: dict[Path, str] = {}

    def _step(self, name: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.summary.total, name)

    def new_jobs(self, refs: list[SourceRef], limits: ReadLimits) -> Iterator[SourceJob]:
        """The sources whose content is not stored yet; the others are counted (unchanged, or failed to load)."""
        for ref, loaded in load_sources(refs, limits):
            if isinstance(loaded, ReadError):
                key = self._refusal_key(ref) if ref.refusal is not None else None
                if key is not None and key in self.known:
                    self.summary.unchanged += 1
                    self._step(ref.name)
                    continue
                self._fail(ParseFailure(ref.name, key or "", 0, None, " ".join(str(loaded).split())))
                continue
            if loaded.sha256 in self.known:
                self.summary.unchanged += 1
                self._step(ref.name)
                continue
            self.known.add(loaded.sha256)  # the same content later in this run is a duplicate
            yield SourceJob(loaded.name, loaded.data, loaded.sha256)

    def _refusal_key(self, ref: SourceRef) -> str:
        if ref.path not in self.archive_digests:
            self.archive_digests[ref.path] = file_sha256(ref.path)
        return refusal_key(self.archive_digests[ref.path], ref.member or "")

    def store(self, result: ParsedReport | ParseFailure) -> None:
        if isinstance(result, ParseFailure):
            self._fail(result)
            return
        try:
            with self.engine.begin() as conn:
                version, new_agency = self._store_report(conn, result)
        except IntegrityError:
            # Another import stored the same content meanwhile (unique SHA-256): nothing is lost.
            self.summary.unchanged += 1
            self._step(result.name)
            return
        if new_agency is not None:
            self.agencies[result.agency] = new_agency
        if version == 1:
            self.summary.imported += 1
        else:
            self.summary.new_versions += 1
        self.summary.findings += len(result.findings)
        self._step(result.name)

    def _fail(self, failure: ParseFailure) -> None:
        self.summary.failed += 1
        self.summary.failures.append(ImportFailure(failure.name, failure.error))
        if failure.sha256:  # a path that could not even be read has no content to key it by
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        insert(SourceFileRow).values(
                            sha256=failure.sha256, name=failure.name[:1000], size=failure.size,
                            format=failure.format, status="failed", error=failure.error,
                        )
                    )
                self.known.add(failure.sha256)
            except IntegrityError:
                pass  # recorded by a concurrent import
        self._step(failure.name)

    def _store_report(self, conn: Connection, parsed: ParsedReport) -> tuple[int, int | None]:
        source = conn.execute(
            insert(SourceFileRow).values(
                sha256=parsed.sha256, name=parsed.name[:1000], size=parsed.size, format=parsed.format,
                status="imported",
            )
        ).inserted_primary_key
        assert source is not None
        new_agency: int | None = None
        agency_id = self.agencies.get(parsed.agency)
        if agency_id is None:
            agency_id = new_agency = agency_id_for(conn, parsed.agency, parsed.printed_agency)
        previous = conn.execute(
            select(ImportedReportRow.id, ImportedReportRow.version)
            .where(ImportedReportRow.agency_id == agency_id, ImportedReportRow.year == parsed.year)
            .order_by(ImportedReportRow.version.desc())
            .limit(1)
        ).first()
        version = 1
        supersedes: int | None = None
        if previous is not None:
            supersedes, version = previous.id, previous.version + 1
            conn.execute(
                update(ImportedReportRow)
                .where(ImportedReportRow.agency_id == agency_id, ImportedReportRow.year == parsed.year)
                .values(current=False)
            )
        key = conn.execute(
            insert(ImportedReportRow).values(
                agency_id=agency_id, year=parsed.year, version=version, current=True, supersedes_id=supersedes,
                source_file_id=source[0], printed_agency=parsed.printed_agency[:200], title=parsed.title,
                published=parsed.published, reader=parsed.reader, t2_template=parsed.t2_template,
                t3_template=parsed.t3_template,
            )
        ).inserted_primary_key
        assert key is not None
        report_id = int(key[0])
        if parsed.cells:
            conn.execute(
                insert(ImportedCellRow),
                [
                    {
                        "report_id": report_id, "cell_id": c[0], "kind": c[1], "value": c[2], "raw": c[3],
                        "unit": c[4], "note": c[5], "uncertain": c[6], "reason": c[7], "provenance": c[8],
                    }
                    for c in parsed.cells
                ],
            )
        if parsed.sections:
            conn.execute(
                insert(ImportedSectionRow),
                [
                    {"report_id": report_id, "position": i, "key": s[0], "title": s[1][:200], "text": s[2]}
                    for i, s in enumerate(parsed.sections)
                ],
            )
        if parsed.findings:
            conn.execute(
                insert(ImportedFindingRow),
                [
                    {
                        "report_id": report_id, "position": i, "rule": f[0], "kind": f[1], "severity": f[2],
                        "message": f[3], "cells": f[4], "printed": f[5], "computed": f[6],
                        "location": f[7][:200], "fingerprint": f[8],
                    }
                    for i, f in enumerate(parsed.findings)
                ],
            )
        return version, new_agency


def stored_counts(engine: Engine) -> dict[str, int]:
    """Row counts of the import tables (what a no-op re-import must leave unchanged)."""
    tables = (SourceFileRow, ImportedReportRow, ImportedCellRow, ImportedSectionRow, ImportedFindingRow)
    with engine.connect() as conn:
        return {t.__tablename__: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


__all__ = ["ImportFailure", "ImportSummary", "default_jobs", "import_reports", "stored_counts"]
