"""Plain-text layouts of the official report: Markdown, tab-separated text and Word's "one cell per line" text.

All three print the title, the six sections under their statutory headings and each table under its
section, with the section's own text after the table. They mirror the layouts real reports come in (see the
seeds): tab-separated text has one grid row per line with every grid position present (merged copies
empty); Word's text export has one cell per line, each starting with a TAB, rows separated by blank lines,
a merged cell written once; Markdown has ``#`` headings and pipe tables with the header flattened into one
row.
"""

from __future__ import annotations

from gongkai.model.report import Report
from gongkai.render.layout import ReportLayout, Role, TableLayout, build_layout


def _clean(text: str) -> str:
    """Text on one line: a TAB or line break inside a paragraph would start a table cell or a new paragraph."""
    return " ".join(text.replace("\t", " ").split())


def _title_lines(layout: ReportLayout) -> list[str]:
    """The title and the publication date, each followed by a blank line."""
    lines: list[str] = [layout.title, ""]
    if layout.date_line:
        lines += [layout.date_line, ""]
    return lines


# ---------------------------------------------------------------------------------------------------------
# Tab-separated text
# ---------------------------------------------------------------------------------------------------------


def render_tsv(report: Report) -> bytes:
    """Tab-separated text: paragraphs between blank lines, each table row on one line (seeds 001, 002)."""
    layout = build_layout(report)
    lines = _title_lines(layout)
    for section in layout.sections:
        lines += [section.heading, ""]
        if section.table is not None:
            lines += ["\t".join(_clean(t) for t in row) for row in section.table.full_rows()]
            lines.append("")
        for para in section.paragraphs:
            lines += [_clean(para), ""]
    return _encode(lines)


# ---------------------------------------------------------------------------------------------------------
# Word "one cell per line"
# ---------------------------------------------------------------------------------------------------------


def render_wordlines(report: Report) -> bytes:
    """Word's plain-text export of the report: each cell on a line starting with a TAB, rows separated by
    blank lines, a merged cell written once (seed 000)."""
    layout = build_layout(report)
    lines = _title_lines(layout)
    for section in layout.sections:
        lines.append(section.heading)
        if section.table is not None:
            lines.append("")
            for row in section.table.word_rows():
                lines += [f"\t{_clean(t)}" for t in row]
                lines.append("")
            lines.append("")  # a paragraph right after a cell would continue that cell
        lines += [_clean(para) for para in section.paragraphs]
    return _encode(lines)


# ---------------------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    # A pipe inside a cell would split it; the text reader does not unescape "\|", so use the full-width bar.
    return _clean(text).replace("|", "｜")


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(_md_cell(c) for c in cells) + " |"


def md_header(table: TableLayout) -> list[str]:
    """One header cell per grid column: the column's header cells from top to bottom, joined by ／."""
    columns: list[list[str]] = [[] for _ in range(table.n_cols)]
    for cell in table.cells:
        if cell.row >= table.header_rows:
            continue
        # The 勾稽关系 note heads the first label column only; a spanning header names each column under it.
        span = 1 if cell.role is Role.NOTE else cell.colspan
        for c in range(cell.col, cell.col + span):
            columns[c].append(cell.text)
    return ["／".join(parts) for parts in columns]


def md_table(table: TableLayout) -> list[str]:
    rows = table.full_rows()
    if table.header_rows:
        header, body = md_header(table), rows[table.header_rows :]
    else:
        header, body = rows[0], rows[1:]
    lines = [_md_row(header), "| " + " | ".join("---" for _ in header) + " |"]
    lines += [_md_row(row) for row in body]
    return lines


def render_markdown(report: Report) -> bytes:
    """Markdown: ``#`` title, ``##`` section headings, pipe tables (table 二 keeps its item rows)."""
    layout = build_layout(report)
    lines = [f"# {layout.title}", ""]
    if layout.date_line:
        lines += [layout.date_line, ""]
    for section in layout.sections:
        lines += [f"## {section.heading}", ""]
        if section.table is not None:
            lines += md_table(section.table)
            lines.append("")
        for para in section.paragraphs:
            lines += [_clean(para), ""]
    return _encode(lines)


def _encode(lines: list[str]) -> bytes:
    while lines and not lines[-1]:
        lines.pop()
    return ("\n".join(lines) + "\n").encode("utf-8")
