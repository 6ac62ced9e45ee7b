"""The official layout of a report, built once from the model and shared by every renderer.

国办公开办函〔2021〕30号 (and its trial predecessor 〔2019〕60号) fixes the shape of the report: the title
``{机关}{年度}年政府信息公开工作年度报告``, six numbered sections, and tables 二, 三, 四 with merged header cells.
This module turns a ``Report`` into that shape — a title, sections with paragraphs, and tables as grids of
cells with their row and column spans — so each format only decides how to print a paragraph or a cell.

Nothing here computes a value: every number printed is the number stored in the model, blanks stay blank.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import groupby

from gongkai.model.report import SECTION_HEADINGS, Cell, Number, Report, SectionKey, Table, ValueKind
from gongkai.model.templates import (
    APPEAL_COLUMNS,
    APPLICANT_COLUMNS,
    T4,
    ColumnSpec,
    RowSpec,
    TableKind,
    TableTemplate,
)

TITLE_SUFFIX = "政府信息公开工作年度报告"

# The 勾稽关系 note printed in the top-left corner of table 三.
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_LEGAL_PERSONS = "法人或其他组织"
T3_RESULTS = "三、本年度办理结果"
T2_CONTENT = "信息内容"
T4_RECONSIDERATION = "行政复议"
T4_LITIGATION = "行政诉讼"

# Column headers whose printed wording in the official template differs from the short model label.
T2_HEADER_WORDING = {"本年收费金额（万元）": "本年收费金额（单位：万元）"}

# Which section each table is printed under, and the table's short name (captions, sheet names).
TABLE_SECTION = {
    TableKind.T2: SectionKey.PROACTIVE,
    TableKind.T3: SectionKey.APPLICATIONS,
    TableKind.T4: SectionKey.APPEALS,
}
TABLE_CAPTIONS = {
    TableKind.T2: "主动公开政府信息情况",
    TableKind.T3: "收到和处理政府信息公开申请情况",
    TableKind.T4: "政府信息公开行政复议、行政诉讼情况",
}
TABLE_NUMBERS = {TableKind.T2: "表二", TableKind.T3: "表三", TableKind.T4: "表四"}

# The printed page: A4 portrait with the margins of GB/T 9704-2012 (top 37 mm, bottom 35 mm, left 28 mm,
# right 26 mm), leaving a text block 156 mm wide.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]

# Column widths in millimetres of each table, adding up to the text width, so every table fits portrait A4
# (DOCX twips, HTML percentages). Table 三, ten columns in 小五 (9 pt): each of the seven applicant columns
# holds a five-digit count on one line; the three label columns share the rest, the third wide enough for a
# numbered reason (2.其他法律行政法规禁止公开) on one line. Table 四's fifteen columns are equal, as in the
# template.
COLUMN_WIDTHS_MM: dict[TableKind, tuple[float, ...]] = {
    TableKind.T2: (54.0, 34.0, 34.0, 34.0),
    TableKind.T3: (12.0, 18.0, 45.5) + (11.5,) * 7,
    TableKind.T4: (TEXT_WIDTH_MM / 15,) * 15,
}

# Title lines: characters of 二号 (22 pt) on one line of the text block (156 mm ≈ 442 pt).
TITLE_LINE_WIDTH = 20
# Where an agency name too long for one title line may turn: after the name of an organ, else after an
# administrative division (never inside a word such as 价格监测).
ORGAN_ENDINGS = ("人民政府", "委员会", "办公厅", "办公室", "办事处", "政府", "总局", "局", "厅", "中心", "院", "署")
DIVISION_ENDINGS = ("自治区", "自治州", "省", "市", "州", "盟", "县", "旗", "区", "镇", "乡", "街道")


class Role(StrEnum):
    """What a layout cell is, so each format can mark it up (``<th scope>``, bold, alignment)."""

    NOTE = "note"  # the 勾稽关系 note of table 三
    ITEM = "item"  # table 二: the 第二十条 item heading the rows below it (第二十条第（一）项)
    COLGROUP = "colgroup"  # a header spanning several columns (申请人情况, 法人或其他组织, 行政诉讼)
    COL = "col"  # a column header
    ROWGROUP = "rowgroup"  # a label spanning several rows (三、本年度办理结果, （三）不予公开)
    ROW = "row"  # a row label
    VALUE = "value"  # a statutory cell


@dataclass(frozen=True)
class LayoutCell:
    """One printed cell at its top-left grid position, with its spans."""

    text: str
    row: int
    col: int
    role: Role
    rowspan: int = 1
    colspan: int = 1
    cell: Cell | None = None  # the model cell, for value cells (None when the model lacks it)
    cell_id: str = ""  # the statutory id, for value cells


@dataclass(frozen=True)
class TableLayout:
    """A statutory table as printed: a grid of ``n_rows`` × ``n_cols`` covered by the (origin) cells."""

    kind: TableKind
    caption: str
    n_rows: int
    n_cols: int
    header_rows: int  # leading rows that are column headers (repeated on every page)
    cells: tuple[LayoutCell, ...]

    @property
    def number(self) -> str:
        return TABLE_NUMBERS[self.kind]

    def rows(self) -> list[list[LayoutCell]]:
        """The origin cells of each grid row, left to right."""
        out: list[list[LayoutCell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row].append(cell)
        for row in out:
            row.sort(key=lambda c: c.col)
        return out

    def owner_grid(self) -> list[list[LayoutCell]]:
        """For every grid position, the cell covering it."""
        grid: list[list[LayoutCell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    if grid[r][c] is not None:
                        raise ValueError(f"layout cells overlap at {r},{c}")
                    grid[r][c] = cell
        out: list[list[LayoutCell]] = []
        for r, row in enumerate(grid):
            filled: list[LayoutCell] = []
            for c, owner in enumerate(row):
                if owner is None:
                    raise ValueError(f"layout position {r},{c} is not covered")
                filled.append(owner)
            out.append(filled)
        return out

    def full_rows(self) -> list[list[str]]:
        """Every grid position as text; a merged cell's text in its top-left position, its copies empty
        (what a spreadsheet or an HTML-to-text export prints)."""
        return [
            [owner.text if (owner.row, owner.col) == (r, c) else "" for c, owner in enumerate(row)]
            for r, row in enumerate(self.owner_grid())
        ]

    def word_rows(self) -> list[list[str]]:
        """The cells Word writes for each row: a horizontally merged cell once, a vertically merged cell's
        continuation as one empty cell (what Word's "one cell per line" text export prints)."""
        out: list[list[str]] = []
        for r, row in enumerate(self.owner_grid()):
            texts: list[str] = []
            for c, owner in enumerate(row):
                if owner.col != c:
                    continue  # inside a horizontal span
                texts.append(owner.text if owner.row == r else "")
            out.append(texts)
        return out


@dataclass(frozen=True)
class SectionLayout:
    key: SectionKey
    heading: str
    table: TableLayout | None
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class ReportLayout:
    title: str
    date_line: str  # e.g. "（2022年1月20日）", or "" when the model has no publication date
    sections: tuple[SectionLayout, ...]

    @property
    def title_lines(self) -> tuple[str, ...]:
        """The title as printed lines (see ``title_lines``)."""
        return title_lines(self.title)

    @property
    def tables(self) -> list[TableLayout]:
        return [s.table for s in self.sections if s.table is not None]


# ---------------------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------------------


def format_number(value: Number) -> str:
    """A number as stored: integers plain, money with its decimals (``4166.241619``), never in exponent form."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def cell_text(cell: Cell | None) -> str:
    """What to print in a statutory cell: the number (with its note), the printed mark, or nothing.

    A blank or missing cell prints nothing — never 0. A cell holding a mark (``/``) or text prints it as read.
    """
    if cell is None:
        return ""
    if cell.kind is ValueKind.NUMBER and cell.value is not None:
        text = format_number(cell.value)
        return f"{text}（{cell.note}）" if cell.note else text
    if cell.kind is ValueKind.NOT_APPLICABLE:
        return cell.raw or "/"
    if cell.kind is ValueKind.TEXT:
        return cell.raw
    return ""


def decimal_places(value: Number) -> int:
    """Decimals a stored number carries (0 for integers)."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return 0


# ---------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------


def report_title(report: Report) -> str:
    """``{机关}{年度}年政府信息公开工作年度报告``; the printed title when agency or year is unknown."""
    meta = report.meta
    if meta.agency and meta.year:
        return f"{meta.agency}{meta.year}年{TITLE_SUFFIX}"
    if meta.title:
        return meta.title
    year = f"{meta.year}年" if meta.year else ""
    return f"{meta.agency or ''}{year}{TITLE_SUFFIX}"


def text_width(text: str) -> float:
    """Printed width of a text in full-width characters: ASCII letters and digits count half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def title_lines(title: str, width: float = TITLE_LINE_WIDTH) -> tuple[str, ...]:
    """Where a title too long for one line is broken: before ``政府信息公开工作年度报告``, so every line keeps
    whole words (GB/T 9704-2012 7.3.3: 标题回行时，要做到词意完整，排列对称).

    >>> title_lines("陆浑镇人民政府2021年政府信息公开工作年度报告")
    ('陆浑镇人民政府2021年', '政府信息公开工作年度报告')
    >>> title_lines("某局2021年政府信息公开工作年度报告")
    ('某局2021年政府信息公开工作年度报告',)

    An agency name too long for a line of its own turns after the name of an organ:

    >>> title_lines("中华人民共和国国家发展和改革委员会价格监测中心2021年政府信息公开工作年度报告")
    ('中华人民共和国国家发展和改革委员会', '价格监测中心2021年', '政府信息公开工作年度报告')
    >>> title_lines("国家税务总局湖北省武汉市江汉区税务局2022年政府信息公开工作年度报告")
    ('国家税务总局湖北省武汉市江汉区税务局', '2022年政府信息公开工作年度报告')
    """
    head = title.removesuffix(TITLE_SUFFIX)
    if text_width(title) <= width or head == title or not head:
        return (title,)
    lines = _head_lines(head, width)
    if len(lines) > 1 and lines[-1].rstrip("年").isdigit():  # the year alone: it goes with the suffix
        return (*lines[:-1], lines[-1] + TITLE_SUFFIX)
    return (*lines, TITLE_SUFFIX)


def _head_lines(head: str, width: float) -> list[str]:
    """The agency-and-year part of a title in lines of at most ``width``, each turning after a whole word;
    a part with no such place is left to the printer's own wrapping."""
    lines: list[str] = []
    while text_width(head) > width:
        cut = 0
        for endings in (ORGAN_ENDINGS, DIVISION_ENDINGS):
            ends = [i + len(e) for e in endings for i in _find_all(head, e)]
            fitting = [end for end in ends if end < len(head) and text_width(head[:end]) <= width]
            if fitting:
                cut = max(fitting)
                break
        if not cut:
            break
        lines.append(head[:cut])
        head = head[cut:]
    return [*lines, head]


def _find_all(text: str, word: str) -> list[int]:
    out: list[int] = []
    start = text.find(word)
    while start >= 0:
        out.append(start)
        start = text.find(word, start + 1)
    return out


def paragraphs_of(text: str) -> tuple[str, ...]:
    """A section's text as printed paragraphs: one per non-empty line, layout whitespace trimmed."""
    return tuple(line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip())


def build_layout(report: Report) -> ReportLayout:
    """The official layout of a report: sections in statutory order, each table under its section.

    A section is printed when the model has it or when its table must go under it; a table missing from the
    model is not invented. A section's own text follows its table: the template puts only the table there,
    and text printed between a heading and its table can hide the table from a reader (a sentence naming
    行政复议 before table 三 reads as the start of table 四).
    """
    tables = {table.kind: table for table in report.tables}
    by_section = {section_key: kind for kind, section_key in TABLE_SECTION.items()}
    sections: list[SectionLayout] = []
    for key in SectionKey:
        section = report.section(key)
        kind = by_section.get(key)
        table = tables.get(kind) if kind is not None else None
        if section is None and table is None:
            continue
        sections.append(
            SectionLayout(
                key,
                SECTION_HEADINGS[key],
                table_layout(table) if table is not None else None,
                paragraphs_of(section.text) if section is not None else (),
            )
        )
    published = report.meta.published
    date_line = f"（{published.year}年{published.month}月{published.day}日）" if published else ""
    return ReportLayout(report_title(report), date_line, tuple(sections))


def table_layout(table: Table) -> TableLayout:
    if table.kind is TableKind.T2:
        return _t2_layout(table)
    if table.kind is TableKind.T3:
        return _t3_layout(table)
    return _t4_layout(table)


def _value(table: Table, template: TableTemplate, row: RowSpec, column: ColumnSpec, r: int, c: int,
           colspan: int = 1) -> LayoutCell:
    cell_id = template.cell_id(row, column)
    cell = table.cells.get(cell_id)
    return LayoutCell(cell_text(cell), r, c, Role.VALUE, colspan=colspan, cell=cell, cell_id=cell_id)


def _spans(n_columns: int, slots: int) -> list[int]:
    """Column spans of ``n_columns`` cells filling ``slots`` grid columns: the last one takes the rest."""
    return [1] * (n_columns - 1) + [slots - (n_columns - 1)]


def _t2_layout(table: Table) -> TableLayout:
    """Table 二: per 第二十条 item, an item row, a 信息内容 header row, then one row per kind of information."""
    template = table.spec
    slots = max(len(row.columns) for row in template.rows)
    n_cols = 1 + slots
    cells: list[LayoutCell] = []
    r = 0
    for item, group in groupby(template.rows, key=lambda row: row.item):
        rows = list(group)
        cells.append(LayoutCell(f"第二十条第{item}项", r, 0, Role.ITEM, colspan=n_cols))
        r += 1
        columns = rows[0].columns
        spans = _spans(len(columns), slots)
        cells.append(LayoutCell(T2_CONTENT, r, 0, Role.COL))
        c = 1
        for column, span in zip(columns, spans, strict=True):
            cells.append(LayoutCell(T2_HEADER_WORDING.get(column.label, column.label), r, c, Role.COL, colspan=span))
            c += span
        r += 1
        for row in rows:
            cells.append(LayoutCell(row.label, r, 0, Role.ROW))
            c = 1
            for column, span in zip(row.columns, spans, strict=True):
                cells.append(_value(table, template, row, column, r, c, span))
                c += span
            r += 1
    return TableLayout(TableKind.T2, TABLE_CAPTIONS[TableKind.T2], r, n_cols, 0, tuple(cells))


def _t3_layout(table: Table) -> TableLayout:
    """Table 三: a three-row header under the 勾稽关系 note, three label columns, seven applicant columns."""
    template = table.spec
    labels, values = 3, len(APPLICANT_COLUMNS)
    legal = APPLICANT_COLUMNS[1:-1]
    cells: list[LayoutCell] = [
        LayoutCell(T3_NOTE, 0, 0, Role.NOTE, rowspan=3, colspan=labels),
        LayoutCell(T3_APPLICANTS, 0, labels, Role.COLGROUP, colspan=values),
        LayoutCell(APPLICANT_COLUMNS[0].label, 1, labels, Role.COL, rowspan=2),
        LayoutCell(T3_LEGAL_PERSONS, 1, labels + 1, Role.COLGROUP, colspan=len(legal)),
        LayoutCell(APPLICANT_COLUMNS[-1].label, 1, labels + 1 + len(legal), Role.COL, rowspan=2),
    ]
    cells.extend(LayoutCell(col.label, 2, labels + 1 + i, Role.COL) for i, col in enumerate(legal))
    header_rows = 3
    rows = list(template.rows)
    in_results = [row.group == T3_RESULTS or (row.group or row.number).startswith("（") for row in rows]
    first_result = in_results.index(True)
    n_results = sum(in_results)
    r = header_rows
    for i, row in enumerate(rows):
        label = f"{row.number}{row.label}"
        if not in_results[i]:
            cells.append(LayoutCell(label, r, 0, Role.ROW, colspan=labels))
        else:
            if i == first_result:
                cells.append(LayoutCell(T3_RESULTS, r, 0, Role.ROWGROUP, rowspan=n_results))
            if row.group and row.group != T3_RESULTS:
                members = [x for x in rows if x.group == row.group]
                if row is members[0]:
                    cells.append(LayoutCell(row.group, r, 1, Role.ROWGROUP, rowspan=len(members)))
                cells.append(LayoutCell(label, r, 2, Role.ROW))
            else:
                cells.append(LayoutCell(label, r, 1, Role.ROW, colspan=2))
        for j, column in enumerate(row.columns):
            cells.append(_value(table, template, row, column, r, labels + j))
        r += 1
    return TableLayout(TableKind.T3, TABLE_CAPTIONS[TableKind.T3], r, labels + values, header_rows, tuple(cells))


def _t4_layout(table: Table) -> TableLayout:
    """Table 四: 行政复议 (5 columns) and 行政诉讼 (未经复议直接起诉, 复议后起诉: 5 columns each), one value row."""
    width = len(APPEAL_COLUMNS)
    reconsideration, *litigation = T4.rows
    cells: list[LayoutCell] = [
        LayoutCell(T4_RECONSIDERATION, 0, 0, Role.COLGROUP, colspan=width),
        LayoutCell(T4_LITIGATION, 0, width, Role.COLGROUP, colspan=width * len(litigation)),
    ]
    cells.extend(LayoutCell(col.label, 1, i, Role.COL, rowspan=2) for i, col in enumerate(APPEAL_COLUMNS))
    for g, row in enumerate(litigation):
        start = width * (g + 1)
        cells.append(LayoutCell(row.label, 1, start, Role.COLGROUP, colspan=width))
        cells.extend(LayoutCell(col.label, 2, start + i, Role.COL) for i, col in enumerate(APPEAL_COLUMNS))
    c = 0
    for row in (reconsideration, *litigation):
        for column in row.columns:
            cells.append(_value(table, T4, row, column, 3, c))
            c += 1
    return TableLayout(TableKind.T4, TABLE_CAPTIONS[TableKind.T4], 4, c, 3, tuple(cells))
