"""Interpretation: from a reader's ``SourceDocument`` to the ``Report`` model.

One interpreter serves every format; formats differ only in how their reader delivers paragraphs and grids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.extract.lines import Line, document_lines
from gongkai.extract.meta import guess_meta
from gongkai.extract.sections import TextLine, find_sections
from gongkai.extract.tables import TablesResult, read_tables
from gongkai.model.report import Report, ReportMeta
from gongkai.model.templates import TableKind, TemplateVersion
from gongkai.readers.document import Paragraph, SourceDocument


@dataclass
class Interpretation:
    """The report and the intermediate stages that produced it (for the debug view)."""

    report: Report
    document: SourceDocument
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def interpret(doc: SourceDocument) -> Interpretation:
    if doc.glued:
        from gongkai.extract.glued import read_glued

        glued = read_glued(doc)
        tables: TablesResult = glued.tables
        text_lines = glued.text_lines
        lines: list[Line] = []
    else:
        lines = document_lines(doc)
        tables = read_tables(lines)
        text_lines = [
            TextLine(b.text, b.provenance, b.heading_level > 0) for b in doc.blocks if isinstance(b, Paragraph)
        ]
    sections = find_sections(text_lines)
    guess = guess_meta([t.text for t in text_lines], doc.title_hint, doc.published_hint)
    t2 = next((t for t in tables.tables if t.kind is TableKind.T2), None)
    t3 = next((t for t in tables.tables if t.kind is TableKind.T3), None)
    none = TemplateVersion.NONE
    meta = ReportMeta(
        agency=guess.agency,
        year=guess.year,
        title=guess.title,
        published=guess.published,
        t2_template=t2.template if t2 else none,
        t3_template=t3.template if t3 else none,
        agency_source=guess.agency_source,
    )
    report = Report(meta, sections, tuple(tables.tables), source=doc.source, reader=doc.reader)
    return Interpretation(report, doc, lines, [*doc.notes, *tables.notes])
