"""The document as one stream of lines of pieces: the common input of the table interpreter.

A grid row becomes a line whose pieces are its cells; a paragraph becomes a line whose pieces are its
words, with runs of words re-joined into one label (``1. 属于国家秘密`` stays one piece) and each number its
own piece (``行政许可 97`` → ``行政许可`` | ``97``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property

from gongkai.extract.labels import fold
from gongkai.extract.values import ParsedValue, parse_value
from gongkai.model.report import Provenance, ValueKind
from gongkai.readers.document import Grid, Paragraph, SourceDocument


@dataclass(frozen=True)
class Piece:
    text: str
    provenance: Provenance
    spanned: bool = False  # a copy made by expanding a merged cell, not a printed cell of its own

    @cached_property
    def parsed(self) -> ParsedValue:
        return parse_value(self.text)

    @property
    def is_label(self) -> bool:
        return self.parsed.kind is ValueKind.TEXT

    @property
    def is_blank(self) -> bool:
        return self.parsed.kind is ValueKind.BLANK

    def __repr__(self) -> str:
        return f"<Piece {self.text!r}>"


@dataclass(frozen=True)
class Line:
    pieces: tuple[Piece, ...]
    index: int
    from_grid: bool
    heading_level: int = 0

    @cached_property
    def text(self) -> str:
        return " ".join(p.text for p in self.pieces if p.text)

    @cached_property
    def folded(self) -> str:
        """The text width-folded and without spaces, for marker searches."""
        return fold(self.text)

    @cached_property
    def labels(self) -> list[Piece]:
        """Label pieces printed before the first value (numbers or not-applicable marks)."""
        out: list[Piece] = []
        for piece in self.pieces:
            if piece.parsed.kind in (ValueKind.NUMBER, ValueKind.NOT_APPLICABLE):
                break
            if piece.is_label:
                out.append(piece)
        return out

    @cached_property
    def values(self) -> list[Piece]:
        """The value pieces: every cell after the last label that precedes the first number, up to the next
        label. Blank cells are kept in place — a blank is a value (nothing printed), not a zero."""
        first_value = next(
            (i for i, p in enumerate(self.pieces) if p.parsed.kind in (ValueKind.NUMBER, ValueKind.NOT_APPLICABLE)),
            None,
        )
        if first_value is None:
            return []
        start = first_value
        while start > 0 and not self.pieces[start - 1].is_label:
            start -= 1
        out: list[Piece] = []
        for piece in self.pieces[start:]:
            if piece.is_label:
                break
            out.append(piece)
        return out

    @cached_property
    def blank_tail(self) -> list[Piece]:
        """The cells after the last label when every one of them is blank (a row printed empty)."""
        last_label = max((i for i, p in enumerate(self.pieces) if p.is_label), default=None)
        if last_label is None:
            return []
        tail = list(self.pieces[last_label + 1 :])
        return tail if tail and all(p.is_blank for p in tail) else []

    @cached_property
    def has_numbers(self) -> bool:
        return any(p.parsed.kind is ValueKind.NUMBER for p in self.pieces)

    def __repr__(self) -> str:
        return f"<Line {self.index} {self.text[:40]!r}>"


def document_lines(doc: SourceDocument) -> list[Line]:
    return list(_lines(doc))


def _lines(doc: SourceDocument) -> Iterator[Line]:
    index = 0
    for block in doc.blocks:
        if isinstance(block, Grid):
            for row in block.rows:
                yield Line(tuple(Piece(c.text, c.provenance, c.spanned) for c in row), index, True)
                index += 1
        elif isinstance(block, Paragraph):
            yield Line(tuple(split_paragraph(block)), index, False, block.heading_level)
            index += 1


def split_paragraph(para: Paragraph) -> list[Piece]:
    """Words of a text line, numbers apart, consecutive label words re-joined."""
    pieces: list[Piece] = []
    label: list[str] = []

    def flush() -> None:
        if label:
            text = " ".join(label)
            pieces.append(Piece(text, replace(para.provenance, text=text)))
            label.clear()

    for word in para.text.split():
        parsed = parse_value(word)
        if parsed.kind in (ValueKind.NUMBER, ValueKind.NOT_APPLICABLE):
            flush()
            pieces.append(Piece(word, replace(para.provenance, text=word)))
        else:
            label.append(word)
    flush()
    return pieces
