"""What a reader sees before interpretation: the document as paragraphs and table grids, in reading order.

Every reader turns its format into a ``SourceDocument``; one interpreter (``gongkai.extract``) turns any
``SourceDocument`` into a ``Report``. The intermediate stage is kept on the result so it can be shown
(``gongkai parse --format debug``): which grid, row and column each cell came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gongkai.model.report import Provenance


class GridCell:
    """One cell of a source table. Merged cells are expanded: ``spanned`` marks the copies.

    A reader gives either the cell's ``provenance`` or its ``place`` — ``(source, reader, line, table, row,
    col)`` — from which the provenance is made when first asked for. A table of a few hundred positions is
    read in well under a millisecond, and about half of its positions (headers, spanned copies, empty
    padding) never become a report cell: making their provenance up front cost a fifth of reading an HTML
    report. A plain slotted class for the same reason; never changed after it is made.
    """

    __slots__ = ("_place", "_provenance", "spanned", "text")

    def __init__(
        self,
        text: str,
        provenance: Provenance | None = None,
        spanned: bool = False,
        place: tuple[str, str, int | None, int, int, int] | None = None,
    ) -> None:
        if provenance is None and place is None:
            raise ValueError("GridCell needs a provenance or a place")
        self.text = text
        self.spanned = spanned
        self._provenance = provenance
        self._place = place

    @property
    def provenance(self) -> Provenance:
        prov = self._provenance
        if prov is None:
            assert self._place is not None
            source, reader, line, table, row, col = self._place
            prov = self._provenance = Provenance(source, reader, line, table, row, col, None, None, self.text)
        return prov

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GridCell):
            return NotImplemented
        return (self.text, self.spanned, self.provenance) == (other.text, other.spanned, other.provenance)

    def __hash__(self) -> int:
        return hash((self.text, self.spanned, self.provenance))

    def __repr__(self) -> str:
        return f"<GridCell {self.text!r} {self.provenance.where()}>"


@dataclass(frozen=True)
class Paragraph:
    """A line of running text (a heading, narrative, or a table row flattened to text)."""

    text: str
    provenance: Provenance
    heading_level: int = 0  # markdown '#' depth, or a DOCX heading style; 0 for body text


@dataclass(frozen=True)
class Grid:
    """A source table as rows of cells (rows may be ragged in text formats)."""

    rows: tuple[tuple[GridCell, ...], ...]
    index: int  # the n-th table in the document, 0-based


Block = Paragraph | Grid


@dataclass
class SourceDocument:
    """A document as a reader delivered it."""

    source: str
    reader: str
    blocks: list[Block] = field(default_factory=list)
    title_hint: str | None = None  # a title given outside the body (crawler header, HTML <title>, PDF meta)
    published_hint: str | None = None  # a publication date given outside the body
    glued: bool = False  # table cells run together without separators (crawler text)
    notes: list[str] = field(default_factory=list)  # what the reader noticed (pages without text, skips)

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def grids(self) -> list[Grid]:
        return [b for b in self.blocks if isinstance(b, Grid)]

    def text(self) -> str:
        """All text in reading order, one line per paragraph or grid row (cells joined by tabs)."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                lines.extend("\t".join(c.text for c in row) for row in block.rows)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        out: list[dict[str, Any]] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                out.append({"paragraph": block.text, "line": block.provenance.line})
            else:
                out.append(
                    {
                        "grid": block.index,
                        "rows": [[c.text for c in row] for row in block.rows],
                    }
                )
        return {"source": self.source, "reader": self.reader, "blocks": out}
