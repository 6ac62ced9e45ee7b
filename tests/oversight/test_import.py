"""``import_reports``: folders, the corpus, ZIP archives; idempotent, versioned, resumable after ``kill -9``."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased
from tests.oversight.conftest import SYNTH_COUNT, corpus_files
from tests.store.conftest import fresh_pg_engine

from gongkai.model.report import Report, ReportMeta
from gongkai.oversight import import_reports, stored_counts
from gongkai.oversight.parse import fingerprint
from gongkai.oversight.reviews import ReviewDecision, report_findings, review_finding
from gongkai.oversight.synth import write_reports
from gongkai.readers import read
from gongkai.render import render
from gongkai.store import make_engine
from gongkai.store.orm_oversight import (
    FindingReviewRow,
    ImportedCellRow,
    ImportedFindingRow,
    ImportedReportRow,
    ImportedSectionRow,
    SourceFileRow,
    SupervisedAgencyRow,
)

ROOT = Path(__file__).resolve().parents[2]


def _rows(engine: Engine, statement: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return sorted((tuple(r) for r in conn.execute(statement)), key=repr)


def canonical(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row by its natural keys (content SHA-256, agency name, cell id), without surrogate ids or
    times, so two databases filled by different runs compare equal when they hold the same import."""
    report = select(ImportedReportRow.id, SourceFileRow.sha256.label("sha")).join(
        SourceFileRow, SourceFileRow.id == ImportedReportRow.source_file_id
    ).subquery()
    previous = aliased(ImportedReportRow)
    previous_source = aliased(SourceFileRow)
    return {
        "sources": _rows(engine, select(SourceFileRow.sha256, SourceFileRow.name, SourceFileRow.size,
                                        SourceFileRow.format, SourceFileRow.status, SourceFileRow.error)),
        "agencies": _rows(engine, select(SupervisedAgencyRow.normalized_name, SupervisedAgencyRow.name)),
        "reports": _rows(
            engine,
            select(SourceFileRow.sha256, SupervisedAgencyRow.normalized_name, ImportedReportRow.year,
                   ImportedReportRow.version, ImportedReportRow.current, previous_source.sha256,
                   ImportedReportRow.printed_agency, ImportedReportRow.reader, ImportedReportRow.t2_template,
                   ImportedReportRow.t3_template)
            .join(SourceFileRow, SourceFileRow.id == ImportedReportRow.source_file_id)
            .join(SupervisedAgencyRow, SupervisedAgencyRow.id == ImportedReportRow.agency_id)
            .outerjoin(previous, previous.id == ImportedReportRow.supersedes_id)
            .outerjoin(previous_source, previous_source.id == previous.source_file_id),
        ),
        "cells": _rows(
            engine,
            select(report.c.sha, ImportedCellRow.cell_id, ImportedCellRow.kind, ImportedCellRow.value,
                   ImportedCellRow.raw, ImportedCellRow.unit, ImportedCellRow.note, ImportedCellRow.uncertain,
                   ImportedCellRow.reason, ImportedCellRow.provenance)
            .join(report, report.c.id == ImportedCellRow.report_id),
        ),
        "sections": _rows(
            engine,
            select(report.c.sha, ImportedSectionRow.position, ImportedSectionRow.key, ImportedSectionRow.title,
                   ImportedSectionRow.text).join(report, report.c.id == ImportedSectionRow.report_id),
        ),
        "findings": _rows(
            engine,
            select(report.c.sha, ImportedFindingRow.position, ImportedFindingRow.rule, ImportedFindingRow.severity,
                   ImportedFindingRow.message, ImportedFindingRow.cells, ImportedFindingRow.printed,
                   ImportedFindingRow.computed, ImportedFindingRow.fingerprint)
            .join(report, report.c.id == ImportedFindingRow.report_id),
        ),
    }


def test_folder_and_corpus_import_then_reimport_changes_nothing(engine: Engine, synth_dir: Path) -> None:
    corpus = corpus_files()
    summary = import_reports([synth_dir, *corpus], engine=engine, jobs=2)
    assert summary.failures == []
    # 011.txt, 019.docx and 019.html are all 平潭综合实验区 2025: read in this order, they are versions 1, 2, 3.
    assert (summary.imported, summary.new_versions, summary.failed) == (SYNTH_COUNT + len(corpus) - 2, 2, 0)
    counts = stored_counts(engine)
    assert counts["oversight_reports"] == SYNTH_COUNT + len(corpus)
    assert summary.findings == counts["oversight_findings"] > 0
    with engine.connect() as conn:
        versions = conn.execute(
            select(ImportedReportRow.version, ImportedReportRow.current, ImportedReportRow.supersedes_id)
            .join(SourceFileRow, SourceFileRow.id == ImportedReportRow.source_file_id)
            .where(SourceFileRow.name.like("%/011.txt") | SourceFileRow.name.like("%/019.%"))
            .order_by(ImportedReportRow.version)
        ).all()
    assert [(v, c) for v, c, _ in versions] == [(1, False), (2, False), (3, True)]
    assert versions[0][2] is None and versions[1][2] is not None and versions[2][2] is not None

    # The stored cells are the report as read: value semantics (a blank is no 0), raw text, provenance.
    expected = read(corpus[1])
    with engine.connect() as conn:
        stored = {
            row.cell_id: row
            for row in conn.execute(
                select(ImportedCellRow).join(ImportedReportRow).join(SourceFileRow)
                .where(SourceFileRow.name == str(corpus[1]))
            )
        }
    assert set(stored) == set(expected.cells)
    for cell in expected.iter_cells():
        row = stored[cell.id]
        assert (row.kind, row.raw, row.uncertain) == (cell.kind.value, cell.raw, cell.uncertain)
        assert row.value == (Decimal(cell.value) if cell.value is not None else None)
        assert row.provenance.get("line") == cell.provenance.line

    before = canonical(engine)
    again = import_reports([synth_dir, *corpus], engine=engine, jobs=2)
    assert (again.unchanged, again.imported, again.new_versions, again.failed) == (summary.total, 0, 0, 0)
    assert stored_counts(engine) == counts
    assert canonical(engine) == before


def test_changed_file_becomes_version_2(engine: Engine, tmp_path: Path) -> None:
    report = read(corpus_files()[1])
    first = tmp_path / "a" / "report.md"
    first.parent.mkdir()
    first.write_bytes(render(report, "md"))
    assert import_reports([first], engine=engine).imported == 1
    cell = next(c for c in report.iter_cells() if c.is_number and c.id.startswith("t2."))
    assert isinstance(cell.value, int)
    changed = report.with_cells([type(cell)(cell.id, cell.kind, cell.value + 1, raw=str(cell.value + 1))])
    first.write_bytes(render(changed, "md"))
    summary = import_reports([first], engine=engine)
    assert (summary.imported, summary.new_versions) == (0, 1)
    with engine.connect() as conn:
        rows = conn.execute(
            select(ImportedReportRow.id, ImportedReportRow.version, ImportedReportRow.current,
                   ImportedReportRow.supersedes_id).order_by(ImportedReportRow.version)
        ).all()
        value = conn.execute(
            select(ImportedCellRow.value).where(ImportedCellRow.report_id == rows[1].id,
                                                ImportedCellRow.cell_id == cell.id)
        ).scalar_one()
    assert [(r.version, r.current) for r in rows] == [(1, False), (2, True)]
    assert rows[1].supersedes_id == rows[0].id and value == cell.value + 1


def test_zip_refuses_traversal_and_bomb_and_imports_the_rest(engine: Engine, synth_dir: Path, tmp_path: Path) -> None:
    good = sorted(synth_dir.rglob("*.*"))[:3]
    archive = tmp_path / "reports.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in good:
            zf.write(path, f"2024/{path.name}")
        zf.writestr("../../etc/evil.txt", good[0].read_bytes())
        zf.writestr("bomb.txt", b"0" * (8 * 1024 * 1024))  # 8 MB of one byte: a compression ratio near 1000
    summary = import_reports([archive], engine=engine)
    assert summary.imported == 3 and summary.failed == 2
    errors = sorted(f.error for f in summary.failures)
    assert any("bomb.txt" in e and "ZIP 炸弹" in e for e in errors), errors
    assert any("evil.txt" in e and "路径穿越" in e for e in errors), errors
    with engine.connect() as conn:
        names = set(conn.execute(select(SourceFileRow.name).where(SourceFileRow.status == "imported")).scalars())
    assert names == {f"{archive}!/2024/{p.name}" for p in good}
    counts = stored_counts(engine)
    again = import_reports([archive], engine=engine)
    assert (again.unchanged, again.failed) == (5, 0) and stored_counts(engine) == counts


def test_unreadable_file_is_recorded_and_the_run_goes_on(engine: Engine, synth_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 10)
    (folder / "ok.md").write_bytes(next(synth_dir.rglob("*.md")).read_bytes())
    summary = import_reports([folder], engine=engine)
    assert (summary.imported, summary.failed) == (1, 2)
    assert all("\n" not in f.error and f.name in f.error for f in summary.failures)
    with engine.connect() as conn:
        failed = conn.execute(select(SourceFileRow.name, SourceFileRow.error).where(SourceFileRow.status == "failed"))
        assert {name.rsplit("/", 1)[1] for name, _ in failed} == {"empty.txt", "junk.bin"}


KILL_SCRIPT = """
import sys
from pathlib import Path
from sqlalchemy import create_engine
from gongkai.store import make_engine
from gongkai.oversight import import_reports
url, search_path, folder = sys.argv[1:4]
engine = create_engine(url, connect_args={"options": f"-csearch_path={search_path}"}) if search_path else make_engine(url)
import_reports([Path(folder)], engine=engine, jobs=2)
"""


@pytest.fixture(scope="module")
def many_dir(tmp_path_factory: pytest.TempPathFactory, bases: list[Report]) -> Path:
    out = tmp_path_factory.mktemp("many")
    write_reports(out, 160, bases, seed=11)
    return out


@pytest.fixture
def reference_engine(backend: str, tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """A second, empty database on the same backend, for the uninterrupted import."""
    if backend == "sqlite":
        path = tmp_path / "reference.db"
        path.write_bytes(sqlite_template.read_bytes())
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
    else:
        yield from fresh_pg_engine()


def _report_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(ImportedReportRow)).scalar_one())


def test_kill_9_midway_then_restart_equals_an_uninterrupted_import(
    engine: Engine, reference_engine: Engine, many_dir: Path
) -> None:
    search_path = ""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            search_path = str(conn.exec_driver_sql("SHOW search_path").scalar_one())
    url = engine.url.render_as_string(hide_password=False)
    process = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, url, search_path, str(many_dir)],
        cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    try:
        while _report_count(engine) < 10:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "the import did not start within 120 s"
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the importer and its pool workers, as a real kill -9 would
        process.wait()
    assert process.returncode == -signal.SIGKILL
    interrupted_at = _report_count(engine)
    assert 10 <= interrupted_at < 160, "the kill came too late to interrupt anything"

    resumed = import_reports([many_dir], engine=engine, jobs=2)
    assert resumed.unchanged + resumed.imported + resumed.new_versions == 160 and resumed.failed == 0
    assert resumed.unchanged >= interrupted_at
    full = import_reports([many_dir], engine=reference_engine, jobs=2)
    assert full.imported + full.new_versions == 160
    assert canonical(engine) == canonical(reference_engine)


def test_review_survives_reimport_and_new_version(engine: Engine, factory: Any, tmp_path: Path) -> None:
    source = corpus_files()[6]  # 014.html: a 2019 report with many findings
    copy = tmp_path / "014.html"
    copy.write_bytes(source.read_bytes())
    import_reports([copy], engine=engine)
    with factory() as session, session.begin():
        report_id = session.scalars(select(ImportedReportRow.id)).one()
        target = report_findings(session=session, report_id=report_id)[0]
        review = review_finding(session=session, fingerprint=target.fingerprint, decision=ReviewDecision.DISMISSED,
                                comment="原件如此，已核实", reviewer="监督员甲")
    assert review.decision is ReviewDecision.DISMISSED

    import_reports([copy], engine=engine)  # the same file: nothing changes
    copy.write_bytes(source.read_bytes() + "<p>（本报告已于次年更正格式）</p>".encode())
    assert import_reports([copy], engine=engine).new_versions == 1
    with factory() as session:
        newest = session.scalars(select(ImportedReportRow.id).where(ImportedReportRow.current)).one()
        assert newest != report_id
        findings = report_findings(session=session, report_id=newest)
        same = [f for f in findings if f.fingerprint == target.fingerprint]
        assert same and all(f.review is not None and f.review.comment == "原件如此，已核实" for f in same)
        assert all(f.review is None for f in findings if f.fingerprint != target.fingerprint)
        assert session.scalar(select(func.count()).select_from(FindingReviewRow)) == 1


def test_fingerprint_is_stable_and_tells_findings_apart() -> None:
    a = fingerprint("GK101", ("t3.total.total", "t3.new.total"), "青溪县 吴村镇人民政府", 2024)
    assert a == fingerprint("GK101", ["t3.new.total", "t3.total.total"], "青溪县吴村镇人民政府", 2024)
    assert a != fingerprint("GK101", ("t3.new.total",), "青溪县吴村镇人民政府", 2024)
    assert a != fingerprint("GK101", ("t3.total.total", "t3.new.total"), "青溪县吴村镇人民政府", 2023)
    assert fingerprint("GK401", (), "某局", 2024, "缺少第五部分") != fingerprint("GK401", (), "某局", 2024, "缺少第六部分")


def test_bytes_zip_member_names_are_kept(engine: Engine, synth_dir: Path, tmp_path: Path) -> None:
    data = io.BytesIO()
    member = next(synth_dir.rglob("*.html"))
    with zipfile.ZipFile(data, "w") as zf:
        zf.write(member, "子目录/报告.html")
    archive = tmp_path / "包.ZIP"
    archive.write_bytes(data.getvalue())
    assert import_reports([archive], engine=engine).imported == 1
    with engine.connect() as conn:
        assert conn.execute(select(SourceFileRow.name)).scalar_one() == f"{archive}!/子目录/报告.html"


def test_meta_is_needed_to_place_a_report(engine: Engine, tmp_path: Path) -> None:
    report = read(corpus_files()[1])
    nameless = Report(ReportMeta(), (), report.tables)  # no title, no narrative, no signature
    path = tmp_path / "nameless.txt"
    path.write_bytes(render(nameless, "tsv"))
    summary = import_reports([path], engine=engine)
    assert summary.failed == 1 and "机关名称" in summary.failures[0].error
    assert stored_counts(engine)["oversight_reports"] == 0
