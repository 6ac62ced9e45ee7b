"""Plain-text reports: text extracted from Word (one cell per line), tab-separated text, Markdown.

Three layouts share this reader because real files mix them (seed 004 is Markdown headings around
tab-separated tables):

* Word "one cell per line" — a table row is a group of lines each starting with a TAB, rows separated by
  blank lines; a line without the TAB right after a cell continues that cell (``商业`` / ``企业``).
* Tab-separated — one table row per line, cells split at TABs, empty cells kept in place.
* Markdown — ``#`` headings and pipe tables (``| a | b |``, separator rows ignored).
"""

from __future__ import annotations

import re

from gongkai.errors import HostileInput
from gongkai.model.report import Provenance
from gongkai.readers.document import Block, Grid, GridCell, Paragraph, SourceDocument
from gongkai.readers.limits import DEFAULT_LIMITS, ReadLimits, too_many_paragraphs

_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def is_word_lines(lines: list[str]) -> bool:
    """Word's "one cell per line" export: most TAB lines hold exactly one leading TAB."""
    tab_lines = [ln for ln in lines if "\t" in ln]
    if len(tab_lines) < 10:
        return False
    single = sum(1 for ln in tab_lines if ln.startswith("\t") and "\t" not in ln[1:])
    return single >= 0.8 * len(tab_lines)


def read_text_document(
    text: str, source: str, reader: str = "text", limits: ReadLimits = DEFAULT_LIMITS
) -> SourceDocument:
    """Split text into paragraphs and grids, whatever mix of the three layouts it uses."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    doc = SourceDocument(source=source, reader=reader)
    budget = _Budget(source, limits)
    if is_word_lines(lines):
        doc.reader = f"{reader}:word-lines"
        doc.blocks = _word_lines(lines, source, doc.reader, budget)
    else:
        doc.blocks = _delimited(lines, source, reader, budget)
    return doc


class _Budget:
    """The table cells (``ReadLimits.grid_budget``) and paragraphs a text file may hold, counted as lines are
    collected — before any ``GridCell`` is made. A 4 MB file of TABs and digits is two million cells: 13 s and
    1 GB."""

    def __init__(self, source: str, limits: ReadLimits) -> None:
        self.source = source
        self.limits = limits
        self.cells = 0
        self.paragraphs = 0

    def take(self, cells: int) -> None:
        self.cells += cells
        if self.cells > self.limits.grid_budget:
            raise HostileInput(
                self.source, f"表格单元格过多（超过 {self.limits.grid_budget} 个），拒绝读取", "年度报告的表格通常只有几百个单元格"
            )

    def paragraph(self) -> None:
        self.paragraphs += 1
        if self.paragraphs > self.limits.max_paragraphs:
            raise too_many_paragraphs(self.source, self.limits)


def _paragraph(line: str, number: int, source: str, reader: str) -> Paragraph | None:
    stripped = line.strip()
    if not stripped:
        return None
    level = 0
    m = _HEADING.match(stripped)
    if m:
        level, stripped = len(m.group(1)), m.group(2).strip()
    stripped = stripped.replace("[bookmark: _GoBack]", "")
    return Paragraph(stripped, Provenance(source=source, reader=reader, line=number, text=stripped), level)


def _grid(rows: list[list[tuple[str, int]]], index: int, source: str, reader: str) -> Grid:
    """A grid of cells given as (text, line number), each with its position as provenance."""
    return Grid(
        tuple(
            tuple(
                # Provenance(source, reader, line, table, row, col, page, bbox, text), by position: one per cell
                GridCell(text, Provenance(source, reader, number, index, r, c, None, None, text))
                for c, (text, number) in enumerate(row)
            )
            for r, row in enumerate(rows)
        ),
        index,
    )


def _word_lines(lines: list[str], source: str, reader: str, budget: _Budget) -> list[Block]:
    blocks: list[Block] = []
    grid_rows: list[list[tuple[str, int]]] = []  # (text, line number)
    current: list[tuple[str, int]] = []
    in_grid = False

    def flush_row() -> None:
        nonlocal current
        if current:
            grid_rows.append(current)
            current = []

    def flush_grid() -> None:
        nonlocal grid_rows, in_grid
        flush_row()
        if grid_rows:
            index = sum(1 for b in blocks if isinstance(b, Grid))
            blocks.append(_grid(grid_rows, index, source, reader))
        grid_rows = []
        in_grid = False

    for number, line in enumerate(lines, start=1):
        if line.startswith("\t"):
            in_grid = True
            budget.take(1)
            current.append((line[1:].strip(), number))
        elif not line.strip():
            flush_row()
        elif in_grid and current:
            # A wrapped cell: Word wrote the rest of the cell's text on the next line.
            text, first = current[-1]
            current[-1] = (text + line.strip(), first)
        else:
            flush_grid()
            para = _paragraph(line, number, source, reader)
            if para:
                budget.paragraph()
                blocks.append(para)
    flush_grid()
    return blocks


def _delimited(lines: list[str], source: str, reader: str, budget: _Budget) -> list[Block]:
    blocks: list[Block] = []
    rows: list[tuple[int, list[str]]] = []  # (line number, cell texts)
    kind = ""  # "tsv" or "pipe" while inside a grid
    grids = 0

    def flush() -> None:
        nonlocal rows, kind, grids
        if rows:
            blocks.append(_grid([[(t, number) for t in texts] for number, texts in rows], grids, source, reader))
            grids += 1
        rows = []
        kind = ""

    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        row_kind = ""
        if stripped.startswith("|") and stripped.count("|") >= 2:
            row_kind = "pipe"
        elif "\t" in line and line.strip("\t ").strip():
            row_kind = "tsv"
        if not row_kind:
            if stripped and _PIPE_SEPARATOR.match(stripped):
                continue
            flush()
            para = _paragraph(line, number, source, reader)
            if para:
                budget.paragraph()
                blocks.append(para)
            continue
        if _PIPE_SEPARATOR.match(stripped):
            continue
        if kind and row_kind != kind:
            flush()
        kind = row_kind
        if row_kind == "pipe":
            body = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
            rows.append((number, [t.strip() for t in body.split("|")]))
        else:
            rows.append((number, [t.strip() for t in line.split("\t")]))
        budget.take(len(rows[-1][1]))
    flush()
    return blocks
