"""Merged table cells expanded into a regular grid: one cell per row and grid column.

HTML (rowspan/colspan) and Word (vMerge/gridSpan) both print a merged cell once and let it cover several
grid positions. The readers place every printed cell on a position matrix (``SpanMatrix``); ``to_grid``
then gives each covered position a ``GridCell`` marked ``spanned``:

* a copy of a *label* keeps the label's text, so every row still says what it is (a rowspan=20
  ``三、本年度办理结果`` stands before each of its 20 rows);
* a copy of a *value* (a number, a blank, a ``/``) is left empty: a number is printed once and must be
  counted once. The interpreter's row fitting drops surplus blank cells.

Positions no cell covers (ragged rows) are filled with empty, unspanned cells.
"""

from __future__ import annotations

from gongkai.errors import HostileInput
from gongkai.extract.values import is_value_text
from gongkai.readers.document import Grid, GridCell

MAX_COLSPAN = 1000  # the HTML limit; Word tables have at most 63 columns


class Placed:
    """A printed cell at its origin position; covered positions refer to the same object.

    A plain slotted class: one is made per printed cell. Never changed after it is made."""

    __slots__ = ("col", "line", "row", "text")

    def __init__(self, text: str, row: int, col: int, line: int | None = None) -> None:
        self.text = text
        self.row = row
        self.col = col
        self.line = line

    def __repr__(self) -> str:
        return f"Placed({self.text!r}, {self.row}, {self.col}, {self.line})"


class SpanMatrix:
    """Positions of a table's grid, filled row by row, with a bound on the positions covered."""

    def __init__(self, source: str, max_cells: int) -> None:
        self.source = source
        self.max_cells = max_cells
        self.rows: list[dict[int, Placed]] = []
        self.count = 0

    def ensure_rows(self, n: int) -> None:
        while len(self.rows) < n:
            self.rows.append({})

    def at(self, row: int, col: int) -> Placed | None:
        if 0 <= row < len(self.rows):
            return self.rows[row].get(col)
        return None

    def free(self, row: int, col: int) -> bool:
        return self.at(row, col) is None

    def cover(self, cell: Placed, row: int, col: int, rowspan: int = 1, colspan: int = 1) -> None:
        """Let ``cell`` cover rows ``row``…``row+rowspan-1`` and columns ``col``…``col+colspan-1``.

        Positions already covered (overlapping spans, a table-model error in the source) keep their first cell.
        """
        if rowspan == 1 and colspan == 1 and row < len(self.rows):  # most cells: one position
            cells = self.rows[row]
            if col not in cells:
                cells[col] = cell
                self.count += 1
        else:
            self.ensure_rows(row + rowspan)
            for r in range(row, row + rowspan):
                cells = self.rows[r]
                for c in range(col, col + colspan):
                    if c not in cells:
                        cells[c] = cell
                        self.count += 1
        self.check_count()

    def check_count(self) -> None:
        """Refuse a table whose covered positions exceed the bound (a caller filling positions itself calls
        this after each row)."""
        if self.count > self.max_cells:
            raise HostileInput(self.source, f"表格展开后单元格过多（超过 {self.max_cells} 个），拒绝读取")

    def to_grid(self, index: int, reader: str) -> Grid | None:
        """The regular grid, or None when the table has no cell at all."""
        width = max((max(cells) + 1 for cells in self.rows if cells), default=0)
        if width == 0:
            return None
        if width * len(self.rows) > self.max_cells:
            raise HostileInput(self.source, f"表格展开后单元格过多（超过 {self.max_cells} 个），拒绝读取")
        value_like: dict[int, bool] = {}
        source = self.source
        rows: list[tuple[GridCell, ...]] = []
        for r, cells in enumerate(self.rows):
            out: list[GridCell] = []
            for c in range(width):
                placed = cells.get(c)
                if placed is None:
                    cell = GridCell("", None, False, (source, reader, None, index, r, c))
                elif placed.row == r and placed.col == c:
                    cell = GridCell(placed.text, None, False, (source, reader, placed.line, index, r, c))
                else:
                    key = id(placed)
                    if key not in value_like:
                        value_like[key] = is_value_text(placed.text)
                    text = "" if value_like[key] else placed.text
                    cell = GridCell(text, None, True, (source, reader, placed.line, index, r, c))
                out.append(cell)
            rows.append(tuple(out))
        return Grid(tuple(rows), index)
