"""The document as one stream of lines of pieces: the common input of the table interpreter.

A grid row becomes a line whose pieces are its cells; a paragraph becomes a line whose pieces are its
words, with runs of words re-joined into one label (``1. 属于国家秘密`` stays one piece) and each number its
own piece (``行政许可 97`` → ``行政许可`` | ``97``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from gongkai.extract.labels import fold
from gongkai.extract.memo import cached
from gongkai.extract.values import ParsedValue, parse_value
from gongkai.model.report import Provenance, ValueKind
from gongkai.readers.document import Grid, GridCell, Paragraph, SourceDocument

_NUMBER = ValueKind.NUMBER
_NOT_APPLICABLE = ValueKind.NOT_APPLICABLE
_TEXT = ValueKind.TEXT
_BLANK = ValueKind.BLANK


class Piece:
    """One cell of a grid row, or one run of words or a number of a paragraph, with what it holds.

    A plain slotted class, not a dataclass: one is made per grid cell and nearly every one is read, so it is
    parsed at once and kept as small as possible. Pieces are never changed after they are made.
    """

    __slots__ = ("_cell", "_provenance", "parsed", "spanned", "text")

    def __init__(
        self, text: str, provenance: Provenance | None, spanned: bool = False, cell: GridCell | None = None
    ) -> None:
        self.text = text
        self._provenance = provenance
        self._cell = cell  # the grid cell read, whose provenance is made only when asked for (see GridCell)
        self.spanned = spanned  # a copy made by expanding a merged cell, not a printed cell of its own
        self.parsed: ParsedValue = parse_value(text)  # what the text holds: a number, a blank, a mark or text

    @property
    def provenance(self) -> Provenance:
        prov = self._provenance
        if prov is None:
            assert self._cell is not None
            prov = self._provenance = self._cell.provenance
        return prov

    @property
    def is_label(self) -> bool:
        return self.parsed.kind is _TEXT

    @property
    def is_blank(self) -> bool:
        return self.parsed.kind is _BLANK

    def __repr__(self) -> str:
        return f"<Piece {self.text!r}>"


@dataclass(frozen=True)
class Line:
    pieces: tuple[Piece, ...]
    index: int
    from_grid: bool
    heading_level: int = 0

    def __init__(self, pieces: tuple[Piece, ...], index: int, from_grid: bool, heading_level: int = 0) -> None:
        state = self.__dict__  # as for Piece
        state["pieces"] = pieces
        state["index"] = index
        state["from_grid"] = from_grid
        state["heading_level"] = heading_level

    @cached
    def text(self) -> str:
        return " ".join(p.text for p in self.pieces if p.text)

    @cached
    def folded(self) -> str:
        """The text width-folded and without spaces, for marker searches."""
        return fold(self.text)

    @cached
    def kinds(self) -> tuple[ValueKind, ...]:
        """What each piece holds (number, blank, mark, text), in order."""
        return tuple([p.parsed.kind for p in self.pieces])

    @cached
    def first_value(self) -> int | None:
        """The index of the first piece holding a number or a not-applicable mark."""
        for i, kind in enumerate(self.kinds):
            if kind is _NUMBER or kind is _NOT_APPLICABLE:
                return i
        return None

    @cached
    def labels(self) -> list[Piece]:
        """Label pieces printed before the first value (numbers or not-applicable marks)."""
        end = self.first_value
        kinds = self.kinds
        return [p for i, p in enumerate(self.pieces[:end]) if kinds[i] is _TEXT]

    @cached
    def last_label(self) -> int:
        """The index in ``pieces`` of the last of ``labels`` (-1 when there is none)."""
        kinds = self.kinds
        end = self.first_value
        for i in range(len(kinds) if end is None else end, 0, -1):
            if kinds[i - 1] is _TEXT:
                return i - 1
        return -1

    @cached
    def values(self) -> list[Piece]:
        """The value pieces: every cell after the last label that precedes the first number, up to the next
        label. Blank cells are kept in place — a blank is a value (nothing printed), not a zero."""
        first_value = self.first_value
        if first_value is None:
            return []
        kinds = self.kinds
        start = first_value
        while start > 0 and kinds[start - 1] is not _TEXT:
            start -= 1
        end = start
        while end < len(kinds) and kinds[end] is not _TEXT:
            end += 1
        return list(self.pieces[start:end])

    @cached
    def blank_tail(self) -> list[Piece]:
        """The cells after the last label when every one of them is blank (a row printed empty)."""
        kinds = self.kinds
        last_label = next((i for i in range(len(kinds) - 1, -1, -1) if kinds[i] is _TEXT), None)
        if last_label is None:
            return []
        tail = kinds[last_label + 1 :]
        return list(self.pieces[last_label + 1 :]) if tail and all(k is _BLANK for k in tail) else []

    @cached
    def has_numbers(self) -> bool:
        return _NUMBER in self.kinds

    def __repr__(self) -> str:
        return f"<Line {self.index} {self.text[:40]!r}>"


def document_lines(doc: SourceDocument) -> list[Line]:
    return list(_lines(doc))


def _lines(doc: SourceDocument) -> Iterator[Line]:
    index = 0
    for block in doc.blocks:
        if isinstance(block, Grid):
            for row in block.rows:
                yield Line(tuple([Piece(c.text, None, c.spanned, c) for c in row]), index, True)
                index += 1
        elif isinstance(block, Paragraph):
            yield Line(tuple(split_paragraph(block)), index, False, block.heading_level)
            index += 1


def split_paragraph(para: Paragraph) -> list[Piece]:
    """Words of a text line, numbers apart, consecutive label words re-joined.

    Each piece's provenance is the paragraph's, with the piece's own text.
    """
    pieces: list[Piece] = []
    label: list[str] = []
    for word in para.text.split():
        if parse_value(word).kind in (_NUMBER, _NOT_APPLICABLE):
            if label:
                pieces.append(_piece(" ".join(label), para.provenance))
                label.clear()
            pieces.append(_piece(word, para.provenance))
        else:
            label.append(word)
    if label:
        pieces.append(_piece(" ".join(label), para.provenance))
    return pieces


def _piece(text: str, provenance: Provenance) -> Piece:
    # A paragraph read as one label already carries its text (the common case: narrative).
    return Piece(text, provenance if provenance.text == text else replace(provenance, text=text))
