"""The parsing half of the import, run in worker processes: bytes → report → findings → plain rows.

A worker never touches the database. It returns :class:`ParsedReport` (the rows to insert, as tuples of plain
values, cheap to pickle) or :class:`ParseFailure` (one line naming the file and the place). Any exception of a
reader — even a bug — becomes a failure of that one file: the import goes on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from gongkai.errors import GongkaiError, ReadError
from gongkai.ledger.agencies import normalise_name
from gongkai.model.report import Cell, Number, Report
from gongkai.readers import read_interpretation, sniff
from gongkai.readers.limits import DEFAULT_LIMITS, ReadLimits
from gongkai.rules import Finding, check

# (cell_id, kind, value, raw, unit, note, uncertain, reason, provenance)
CellTuple = tuple[str, str, Number | None, str, str, str, bool, str, dict[str, Any]]
SectionTuple = tuple[str, str, str]  # key, heading, text
# rule, kind, severity, message, cells, printed, computed, where, fingerprint
FindingTuple = tuple[str, str, str, str, list[str], Number | None, Number | None, str, str]


@dataclass(frozen=True)
class SourceJob:
    name: str
    data: bytes
    sha256: str


@dataclass(frozen=True)
class ParsedReport:
    name: str
    sha256: str
    size: int
    format: str
    reader: str
    printed_agency: str
    agency: str  # normalised
    year: int
    title: str | None
    published: date | None
    t2_template: str | None
    t3_template: str | None
    cells: tuple[CellTuple, ...]
    sections: tuple[SectionTuple, ...]
    findings: tuple[FindingTuple, ...]


@dataclass(frozen=True)
class ParseFailure:
    name: str
    sha256: str
    size: int
    format: str | None
    error: str


def fingerprint(rule: str, cells: tuple[str, ...] | list[str], agency: str, year: int, message: str = "") -> str:
    """The stable identity of a finding across re-imports and new versions: rule, cells, agency and year. A
    finding naming no cell (a missing section, a template) is told apart from its siblings by its message."""
    parts = [rule, ",".join(sorted(cells)), normalise_name(agency), str(year)]
    if not cells:
        parts.append(message)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def parse_source(job: SourceJob, limits: ReadLimits = DEFAULT_LIMITS) -> ParsedReport | ParseFailure:
    fmt: str | None = None
    try:
        fmt = sniff(job.data, job.name)
        report = read_interpretation(job.data, fmt, job.name, limits).report
        return _rows(job, fmt, report, check(report))
    except ReadError as exc:
        return ParseFailure(job.name, job.sha256, len(job.data), fmt, _one_line(str(exc)))
    except GongkaiError as exc:
        return ParseFailure(job.name, job.sha256, len(job.data), fmt, _one_line(f"{job.name}: {exc}"))
    except Exception as exc:  # a reader bug must not stop the other files: say it in one line
        return ParseFailure(
            job.name, job.sha256, len(job.data), fmt,
            _one_line(f"{job.name}: 读取时发生内部错误（{type(exc).__name__}: {exc}），请报告此问题"),
        )


def parse_batch(jobs: list[SourceJob]) -> list[ParsedReport | ParseFailure]:
    """One task of the process pool: a chunk of files, so the pool's per-task overhead is paid once per chunk."""
    return [parse_source(job) for job in jobs]


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _Unplaceable(GongkaiError):
    pass


def _rows(job: SourceJob, fmt: str, report: Report, findings: list[Finding]) -> ParsedReport:
    meta = report.meta
    printed = (meta.agency or "").strip()
    if not printed:
        raise _Unplaceable("未能从标题、正文或落款识别出机关名称，无法归入机关（请在标题中写明机关全称）")
    if meta.year is None:
        raise _Unplaceable("未能识别报告年度，无法归入年度（请在标题中写明“XXXX年”）")
    agency = normalise_name(printed)
    year = meta.year
    return ParsedReport(
        name=job.name,
        sha256=job.sha256,
        size=len(job.data),
        format=fmt,
        reader=report.reader,
        printed_agency=printed,
        agency=agency,
        year=year,
        title=meta.title,
        published=meta.published,
        t2_template=meta.t2_template.value if meta.t2_template else None,
        t3_template=meta.t3_template.value if meta.t3_template else None,
        cells=tuple(_cell(c) for c in report.iter_cells()),
        sections=tuple((s.key.value, s.heading, s.text) for s in report.sections),
        findings=tuple(
            (
                f.rule, f.kind.value, f.severity.value, f.message, list(f.cells), f.printed, f.computed, f.where,
                fingerprint(f.rule, f.cells, agency, year, f.message),
            )
            for f in findings
        ),
    )


def _cell(cell: Cell) -> CellTuple:
    # The source file and reader are on the report version's row: stored once, not once per cell.
    provenance = cell.provenance.to_dict()
    provenance.pop("source", None)
    provenance.pop("reader", None)
    return (cell.id, cell.kind.value, cell.value, cell.raw, cell.unit, cell.note, cell.uncertain, cell.reason, provenance)


__all__ = ["ParseFailure", "ParsedReport", "SourceJob", "fingerprint", "parse_batch", "parse_source"]
