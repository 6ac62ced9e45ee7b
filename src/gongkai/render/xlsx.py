"""The statutory tables as an Excel workbook: one sheet per table the report has, in the official layout.

Header cells are merged as in the template; numbers are stored as numbers (money in 万元 as a float keeping
its printed decimals through the number format), blank cells stay empty, marks such as ``/`` stay text, and
a note printed inside a cell becomes a cell comment.
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from gongkai.model.report import Report, ValueKind
from gongkai.render.layout import LayoutCell, Role, TableLayout, build_layout, decimal_places

FONT_NAME = "宋体"
COLUMN_WIDTHS = {  # in characters
    "t2": [24.0, 18.0, 18.0, 18.0],
    "t3": [12.0, 18.0, 34.0] + [10.0] * 7,
    "t4": [9.0] * 15,
}
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FIRST_GRID_ROW = 3  # row 1: the title, row 2: empty


def sheet_title(table: TableLayout) -> str:
    """``表二 主动公开政府信息情况`` (sheet names are at most 31 characters)."""
    return f"{table.number} {table.caption}"[:31]


def _value(cell: LayoutCell) -> int | float | str | None:
    model = cell.cell
    if model is None or model.kind in (ValueKind.BLANK, ValueKind.MISSING):
        return None
    if model.kind is ValueKind.NUMBER and model.value is not None:
        value = model.value
        return float(value) if isinstance(value, Decimal) else value
    return cell.text or None


def _number_format(cell: LayoutCell) -> str:
    model = cell.cell
    if model is None or model.kind is not ValueKind.NUMBER or model.value is None:
        return "General"
    places = decimal_places(model.value)
    return "0." + "0" * places if places else "0"


def write_table(sheet: Worksheet, title: str, table: TableLayout) -> None:
    sheet.cell(1, 1, f"{title}　{table.number} {table.caption}").font = Font(name=FONT_NAME, size=12, bold=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=table.n_cols)
    top = FIRST_GRID_ROW
    for r in range(table.n_rows):
        for c in range(table.n_cols):
            sheet.cell(top + r, 1 + c).border = _BORDER
    for lc in table.cells:
        row, col = top + lc.row, 1 + lc.col
        target = sheet.cell(row, col)
        left = lc.role in (Role.ROW, Role.ROWGROUP, Role.NOTE)
        target.alignment = Alignment(
            horizontal="left" if left else "center", vertical="center", wrap_text=True
        )
        target.font = Font(name=FONT_NAME, size=9 if lc.role is Role.NOTE else 10.5)
        if lc.role is Role.VALUE:
            target.value = _value(lc)
            target.number_format = _number_format(lc)
            if lc.cell is not None and lc.cell.note:
                target.comment = Comment(lc.cell.note, "gongkai")
        else:
            target.value = lc.text
        if lc.rowspan > 1 or lc.colspan > 1:
            sheet.merge_cells(
                start_row=row, start_column=col, end_row=row + lc.rowspan - 1, end_column=col + lc.colspan - 1
            )
    for c, width in enumerate(COLUMN_WIDTHS[table.kind.value], start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    if table.header_rows:
        sheet.freeze_panes = f"A{top + table.header_rows}"
    sheet.print_options.horizontalCentered = True
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if table.n_cols > 4 else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def render_xlsx(report: Report) -> bytes:
    layout = build_layout(report)
    book = Workbook()
    book.properties.title = layout.title
    book.properties.creator = "gongkai"
    default = book.active
    tables = layout.tables
    for table in tables:
        write_table(book.create_sheet(sheet_title(table)), layout.title, table)
    if tables and default is not None:
        book.remove(default)
    elif default is not None:
        default.title = "报告"
        default.cell(1, 1, layout.title)
        default.cell(2, 1, "本报告没有统计表")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
