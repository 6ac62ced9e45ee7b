"""The grid of merged cells (``gongkai.readers.grid``) and the lazily made provenance of its cells."""

from __future__ import annotations

import pytest

from gongkai.model.report import Provenance
from gongkai.readers.document import GridCell
from gongkai.readers.grid import Placed, SpanMatrix


def test_a_cell_placed_by_position_tells_its_provenance() -> None:
    cell = GridCell("12", place=("page.html", "html", 40, 2, 3, 1))
    assert cell.provenance == Provenance("page.html", "html", 40, 2, 3, 1, None, None, "12")
    assert cell.provenance is cell.provenance  # made once


def test_a_cell_given_its_provenance_keeps_it() -> None:
    prov = Provenance("scan.pdf", "pdf", None, 0, 0, 0, 2, (1.0, 2.0, 3.0, 4.0), "7")
    assert GridCell("7", prov).provenance is prov


def test_a_cell_needs_a_provenance_or_a_place() -> None:
    with pytest.raises(ValueError):
        GridCell("7")


def test_cells_compare_by_what_they_say_and_where() -> None:
    by_place = GridCell("5", None, True, ("a.html", "html", 3, 0, 1, 1))
    given = GridCell("5", Provenance("a.html", "html", 3, 0, 1, 1, None, None, "5"), True)
    assert by_place == given and hash(by_place) == hash(given)
    assert by_place != GridCell("5", None, False, ("a.html", "html", 3, 0, 1, 1))


def test_spanned_copies_keep_labels_and_drop_values() -> None:
    matrix = SpanMatrix("t.html", 100)
    matrix.cover(Placed("三、本年度办理结果", 0, 0, 7), 0, 0, rowspan=2)
    matrix.cover(Placed("12", 0, 1, 7), 0, 1, rowspan=2)
    grid = matrix.to_grid(0, "html")
    assert grid is not None
    (label, value), (label_copy, value_copy) = grid.rows
    assert (label.text, label.spanned, value.text) == ("三、本年度办理结果", False, "12")
    assert (label_copy.text, label_copy.spanned) == ("三、本年度办理结果", True)
    assert (value_copy.text, value_copy.spanned) == ("", True)
    assert (value_copy.provenance.row, value_copy.provenance.col, value_copy.provenance.line) == (1, 1, 7)
