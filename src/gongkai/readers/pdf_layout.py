"""One PDF page as positioned text lines and ruled tables, rebuilt from characters and ruling lines.

Everything here works on pdfplumber's object dictionaries (``page.chars``, ``page.lines``, ``page.rects``,
``page.curves``) and returns plain dataclasses; ``gongkai.readers.pdf`` stitches pages into a document.

Tables are found from the *visible* ruling only: stroked lines and rectangles, thin filled bars, stroked
curves. Word processors paint invisible white rectangles behind every line of running text and behind table
cells; counting those as borders turns paragraphs into one-column "tables" and cuts cells apart, so they are
ignored. A table cut by a page break often lacks part of its top (or bottom) border where a merged cell runs
on from the previous page; those gaps are closed before pdfplumber's table finder runs.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from gongkai.extract.values import is_value_text

Obj = dict[str, Any]
BBox = tuple[float, float, float, float]

# pdfplumber table settings: ruling lines only, given explicitly (see module docstring).
SNAP = 3.0  # points: ruling lines closer than this are one line
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "explicit",
    "horizontal_strategy": "explicit",
    "snap_tolerance": SNAP,
    "join_tolerance": SNAP,
    "intersection_tolerance": SNAP,
    "edge_min_length": 3,
}
MAX_RULE_WIDTH = 3.0  # a filled bar thinner than this is a ruling line
MARGIN_SHARE = 0.12  # top/bottom share of the page where page numbers and running heads live
# Ruling on one page beyond which the page is not searched for tables (a dense drawing: a chart, a map).
# Report pages have a few dozen segments and under 20 × 20 grid points. Finding the borders a page break cut
# off compares vertical and horizontal segments pairwise, and pdfplumber's cell finder is quadratic in the
# grid points (60 × 60 points took 1 s of its 9 s), so both are bounded well above real tables.
MAX_EDGES = 2000
MAX_GRID_POINTS = 1200  # distinct row lines × distinct column lines


# ---------------------------------------------------------------------------------------------------------
# Characters → text
# ---------------------------------------------------------------------------------------------------------


def is_wide(ch: str) -> bool:
    """CJK ideographs, CJK and full-width punctuation: text that is never separated by spaces."""
    code = ord(ch)
    return (
        0x2E80 <= code <= 0x9FFF  # radicals, CJK symbols and punctuation, kana, ideographs
        or 0xF900 <= code <= 0xFAFF
        or 0xFE30 <= code <= 0xFE4F
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x2010 <= code <= 0x206F  # dashes, quotes “” ‘’, ellipsis (set in CJK fonts here)
        or 0x20000 <= code <= 0x3FFFF
    )


def _size(ch: Obj) -> float:
    size = float(ch.get("size") or 0.0)
    return size if size > 0 else max(float(ch["bottom"]) - float(ch["top"]), 1.0)


def join_chars(chars: Sequence[Obj]) -> str:
    """The text of one visual line (characters sorted left to right).

    A space is written only where the page shows one between two non-CJK characters (a word gap of about a
    quarter em, or a space glyph), or where a gap wider than an em separates anything (a column gap). Gaps
    between CJK characters — justified lines, letter-spaced headers such as ``商 业 企 业`` — and the narrow
    automatic gap between CJK and Latin text (``2024 年``) are dropped.
    """
    out: list[str] = []
    prev: Obj | None = None
    pending_space = False
    for ch in chars:
        text = str(ch.get("text", ""))
        if not text or text.isspace():
            pending_space = prev is not None
            continue
        if prev is not None:
            gap = float(ch["x0"]) - float(prev["x1"])
            em = min(_size(ch), _size(prev))
            wide = is_wide(out[-1][-1]) or is_wide(text[0])
            if gap > em or (not wide and (pending_space or gap > 0.2 * em)):
                out.append(" ")
        out.append(text)
        prev = ch
        pending_space = False
    return "".join(out)


def join_lines(lines: Iterable[str]) -> str:
    """Visual lines of one cell or paragraph as one text: CJK runs on without a space, Latin words get one."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and not is_wide(out[-1]) and not is_wide(line[0]):
            out += " "
        out += line
    return out


def cluster_lines(chars: Iterable[Obj]) -> list[list[Obj]]:
    """Characters grouped into visual lines (top to bottom), each sorted left to right.

    A character joins the current line when its vertical centre lies within 40% of a font size of the
    line's: Latin and CJK fonts of one line sit at slightly different heights.
    """
    ordered = sorted(chars, key=lambda c: (float(c["top"]) + float(c["bottom"])) / 2)
    lines: list[list[Obj]] = []
    centre = 0.0
    for ch in ordered:
        mid = (float(ch["top"]) + float(ch["bottom"])) / 2
        if lines and abs(mid - centre) <= 0.4 * _size(ch):
            lines[-1].append(ch)
            continue
        lines.append([ch])
        centre = mid
    return [sorted(line, key=lambda c: float(c["x0"])) for line in lines]


# ---------------------------------------------------------------------------------------------------------
# Page layout
# ---------------------------------------------------------------------------------------------------------


@dataclass
class TextLine:
    """One visual line of running text outside the tables."""

    text: str
    bbox: BBox
    size: float
    page: int
    number: int = 0  # 1-based position among the page's text lines
    confidence: float | None = None  # OCR confidence (0–1) of a line read from a scanned page

    @property
    def x0(self) -> float:
        return self.bbox[0]

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def x1(self) -> float:
        return self.bbox[2]

    @property
    def bottom(self) -> float:
        return self.bbox[3]


@dataclass
class TableCell:
    """One grid position. A position covered by a merged cell is ``spanned`` and refers to the cell printed
    at the merged cell's origin (``owner``); it repeats a label's text and leaves a value's empty, as the
    HTML and DOCX readers do (``gongkai.readers.grid``)."""

    text: str
    bbox: BBox
    page: int
    spanned: bool = False
    raw: str = ""  # the text as printed in this position (before a page-break join)
    owner: TableCell | None = field(default=None, repr=False, compare=False)
    confidence: float | None = None  # OCR confidence (0–1) of a cell read from a scanned page

    def origin(self) -> TableCell:
        cell = self
        for _ in range(64):  # chains are one or two links long; never loop on a bad one
            if not cell.spanned or cell.owner is None:
                break
            cell = cell.owner
        return cell


def copy_spans(rows: Iterable[Iterable[TableCell]]) -> None:
    """Give every spanned position its origin's text when that is a label, nothing when it is a value."""
    for row in rows:
        for cell in row:
            if cell.spanned:
                text = cell.origin().text
                cell.text = text if text and not is_value_text(text) else ""


@dataclass
class PageTable:
    """A ruled table on one page as a full grid (merged cells expanded, copies marked ``spanned``)."""

    rows: list[list[TableCell]]
    bbox: BBox
    columns: list[float]  # left edges of the columns, then the right edge of the table
    page: int
    pages: list[int] = field(default_factory=list)  # every page a continued table runs over

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def bottom(self) -> float:
        return self.bbox[3]


Item = TextLine | PageTable


@dataclass
class PageLayout:
    number: int
    width: float
    height: float
    items: list[Item]  # in reading order (top to bottom)
    markers: list[TextLine]  # page numbers dropped from the text
    chars: int
    images: int
    notes: list[str] = field(default_factory=list)


_PAGE_MARK = re.compile(
    r"^(?:[-－—–─~·•]+\s*\d{1,4}\s*[-－—–─~·•]*|[-－—–─~·•]*\s*\d{1,4}\s*[-－—–─~·•]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.IGNORECASE,
)


def is_page_marker(line: TextLine, page_height: float) -> bool:
    """``- 4 -``, ``— 4 —``, ``第 4 页``, ``4/6`` anywhere outside a table; a bare ``4`` only in the margins."""
    text = line.text.strip()
    if _PAGE_MARK.match(text):
        return True
    in_margin = line.bottom < MARGIN_SHARE * page_height or line.top > (1 - MARGIN_SHARE) * page_height
    return in_margin and text.isdigit() and len(text) <= 4


def read_page(page: Any, number: int) -> PageLayout:
    """The text lines and tables of one pdfplumber page, in reading order."""
    chars = [c for c in dedupe_chars(page.chars, tolerance=1) if str(c.get("text", ""))]
    height = float(page.height)
    notes: list[str] = []
    horizontal, vertical = visible_edges(page)
    settings = None
    points = _lines(e["top"] for e in horizontal) * _lines(e["x0"] for e in vertical)
    if len(horizontal) + len(vertical) > MAX_EDGES:
        notes.append(f"第{number}页有{len(horizontal) + len(vertical)}条线段，超过上限{MAX_EDGES}，未识别表格")
    elif points > MAX_GRID_POINTS:
        notes.append(f"第{number}页的表格线构成约{points}个交点，超过上限{MAX_GRID_POINTS}，未识别表格")
    else:
        settings = settings_for(horizontal, vertical)
    tables = find_tables(page, chars, number, settings)
    used: set[int] = set()
    for table in tables:
        used.update(_fill_table(table, chars))
    free = [c for i, c in enumerate(chars) if i not in used]  # space glyphs included: they mark word gaps
    lines: list[TextLine] = []
    for group in cluster_lines(free):
        text = join_chars(group).strip()
        inked = [c for c in group if not str(c["text"]).isspace()]
        if not text or not inked:
            continue
        bbox = (
            min(float(c["x0"]) for c in inked),
            min(float(c["top"]) for c in inked),
            max(float(c["x1"]) for c in inked),
            max(float(c["bottom"]) for c in inked),
        )
        size = Counter(round(_size(c) * 2) / 2 for c in inked).most_common(1)[0][0]
        lines.append(TextLine(text, bbox, size, number))
    markers = [ln for ln in lines if is_page_marker(ln, height)]
    marker_ids = {id(ln) for ln in markers}
    body = [ln for ln in lines if id(ln) not in marker_ids]
    for i, line in enumerate(sorted(body, key=lambda ln: ln.top), start=1):
        line.number = i
    items: list[Item] = [*body, *tables]
    items.sort(key=lambda it: (it.top, it.bbox[0]))
    return PageLayout(number, float(page.width), height, items, markers, len(chars), len(page.images), notes)


def dedupe_chars(chars: Sequence[Obj], tolerance: float = 1) -> list[Obj]:
    """pdfplumber's ``Page.dedupe_chars(tolerance=…).chars``: characters printed twice at (nearly) the same
    place (the same text, font and size) kept once, in page order.

    pdfplumber restores the page order with ``sorted(…, key=chars.index)``, a linear search per character:
    20 000 characters on one page took 11 s. Here each kept character finds its first equal one among those
    at its exact position, which gives the same order in linear time."""
    from pdfplumber.utils.clustering import cluster_objects

    key = itemgetter("upright", "text", "fontname", "size")
    pos_key = itemgetter("doctop", "x0")
    kept: list[Obj] = []
    for _, group in itertools.groupby(sorted(chars, key=key), key=key):
        for y_cluster in cluster_objects(list(group), itemgetter("doctop"), tolerance):
            for x_cluster in cluster_objects(y_cluster, itemgetter("x0"), tolerance):
                kept.append(sorted(x_cluster, key=pos_key)[0])
    at: dict[tuple[Any, Any, Any], list[int]] = {}
    for i, ch in enumerate(chars):
        at.setdefault((ch.get("text"), ch.get("doctop"), ch.get("x0")), []).append(i)

    def first_equal(ch: Obj) -> int:  # what ``chars.index(ch)`` finds
        return next(i for i in at[(ch.get("text"), ch.get("doctop"), ch.get("x0"))] if chars[i] == ch)

    return sorted(kept, key=first_equal)


def _lines(positions: Iterable[float]) -> int:
    """Distinct ruling positions, those within ``SNAP`` of the previous one counted once."""
    count = 0
    last = None
    for pos in sorted(float(p) for p in positions):
        if last is None or pos > last + SNAP:
            count += 1
        last = pos
    return count


# ---------------------------------------------------------------------------------------------------------
# Ruling lines → tables
# ---------------------------------------------------------------------------------------------------------


def _is_white(color: Any) -> bool:
    if color is None:
        return False
    if isinstance(color, int | float):
        return float(color) >= 0.95
    if isinstance(color, list | tuple):
        values = [float(v) for v in color if isinstance(v, int | float)]
        if len(values) != len(color) or not values:
            return False  # a pattern or another colour space: count it as visible
        if len(values) == 4:  # CMYK
            return all(v <= 0.05 for v in values)
        return all(v >= 0.95 for v in values)
    return False


def edge(x0: float, top: float, x1: float, bottom: float) -> Obj:
    return {
        "object_type": "line",
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
    }


def _segment(x0: float, y0: float, x1: float, y1: float) -> Obj | None:
    """An axis-aligned edge between two points, or None for a slanted or degenerate one."""
    if abs(y0 - y1) <= 1.0 and abs(x0 - x1) > 1.0:
        y = (y0 + y1) / 2
        return edge(min(x0, x1), y, max(x0, x1), y)
    if abs(x0 - x1) <= 1.0 and abs(y0 - y1) > 1.0:
        x = (x0 + x1) / 2
        return edge(x, min(y0, y1), x, max(y0, y1))
    return None


def visible_edges(page: Any) -> tuple[list[Obj], list[Obj]]:
    """Horizontal and vertical ruling lines a reader of the printed page would see."""
    edges: list[Obj] = []
    for line in page.lines:
        if _is_white(line.get("stroking_color")):
            continue
        pts = line.get("pts") or [(line["x0"], line["top"]), (line["x1"], line["bottom"])]
        for (ax, ay), (bx, by) in itertools.pairwise(pts):
            if (seg := _segment(float(ax), float(ay), float(bx), float(by))) is not None:
                edges.append(seg)
    for rect in page.rects:
        x0, top, x1, bottom = (float(rect[k]) for k in ("x0", "top", "x1", "bottom"))
        if rect.get("stroke") and not _is_white(rect.get("stroking_color")):
            edges += [
                edge(x0, top, x1, top),
                edge(x0, bottom, x1, bottom),
                edge(x0, top, x0, bottom),
                edge(x1, top, x1, bottom),
            ]
        elif rect.get("fill") and not _is_white(rect.get("non_stroking_color")):
            if bottom - top <= MAX_RULE_WIDTH and x1 - x0 > MAX_RULE_WIDTH:
                y = (top + bottom) / 2
                edges.append(edge(x0, y, x1, y))
            elif x1 - x0 <= MAX_RULE_WIDTH and bottom - top > MAX_RULE_WIDTH:
                x = (x0 + x1) / 2
                edges.append(edge(x, top, x, bottom))
    for curve in page.curves:
        if not curve.get("stroke") or _is_white(curve.get("stroking_color")):
            continue
        pts = curve.get("pts") or []
        for (ax, ay), (bx, by) in itertools.pairwise(pts):
            if (seg := _segment(float(ax), float(ay), float(bx), float(by))) is not None:
                edges.append(seg)
    horizontal = [e for e in edges if e["top"] == e["bottom"]]
    vertical = [e for e in edges if e["x0"] == e["x1"]]
    return horizontal, vertical


def close_open_borders(horizontal: list[Obj], vertical: list[Obj]) -> list[Obj]:
    """Horizontal edges joining the open ends of vertical rules, where a table cut by a page break lacks
    part of its top or bottom border (a merged cell running on from the previous page).

    Two neighbouring verticals ending at the same height are joined only when some horizontal rule within
    their height spans the gap between them, so two tables side by side are never joined into one. Inside a
    table two verticals never begin at one height with no rule between them (the cell between them would
    have no top), so a closing edge is only ever added on a table's outer border.
    """
    added: list[Obj] = []
    for end in ("top", "bottom"):
        ends: dict[int, list[Obj]] = {}
        for v in sorted(vertical, key=lambda e: float(e[end])):
            key = next((k for k in ends if abs(k - float(v[end])) <= SNAP), round(float(v[end])))
            ends.setdefault(key, []).append(v)
        for y, group in ends.items():
            group.sort(key=lambda e: float(e["x0"]))
            for a, b in itertools.pairwise(group):
                xa, xb = float(a["x0"]), float(b["x0"])
                if xb - xa <= SNAP or _covered(horizontal, y, xa, xb):
                    continue
                lo, hi = min(float(a["top"]), float(b["top"])), max(float(a["bottom"]), float(b["bottom"]))
                spans = any(
                    float(h["x0"]) <= xa + SNAP and float(h["x1"]) >= xb - SNAP and lo - SNAP <= float(h["top"]) <= hi + SNAP
                    for h in horizontal
                )
                if spans:
                    added.append(edge(xa, float(y), xb, float(y)))
    return added


def _covered(horizontal: Sequence[Obj], y: float, xa: float, xb: float) -> bool:
    return any(
        abs(float(h["top"]) - y) <= SNAP and float(h["x0"]) <= xa + SNAP and float(h["x1"]) >= xb - SNAP
        for h in horizontal
    )


def table_settings(page: Any) -> dict[str, Any] | None:
    """pdfplumber table settings with the page's visible ruling as explicit lines (None: no ruling)."""
    return settings_for(*visible_edges(page))


def settings_for(horizontal: list[Obj], vertical: list[Obj]) -> dict[str, Any] | None:
    horizontal = horizontal + close_open_borders(horizontal, vertical)
    if len(horizontal) < 2 or len(vertical) < 2:
        return None
    return {**TABLE_SETTINGS, "explicit_vertical_lines": vertical, "explicit_horizontal_lines": horizontal}


def find_tables(page: Any, chars: Sequence[Obj], number: int, settings: dict[str, Any] | None) -> list[PageTable]:
    """The ruled tables of a page with at least two columns and some text (cells still empty)."""
    if settings is None:
        return []
    return grid_tables(page.find_tables(settings), number, lambda bbox: any(_inside(c, bbox) for c in chars))


def grid_tables(found_tables: Iterable[Any], number: int, has_text: Callable[[BBox], bool]) -> list[PageTable]:
    """pdfplumber's tables as full grids (merged cells expanded), keeping those with two columns and text.

    Shared by the text-layer reader and the OCR reader (whose ruling comes from the page image)."""
    out: list[PageTable] = []
    for found in found_tables:
        rows = found.rows
        xs = sorted({float(cell[0]) for cell in found.cells})
        if len(xs) < 2 or not rows:
            continue
        x0, top, x1, bottom = (float(v) for v in found.bbox)
        if not has_text((x0, top, x1, bottom)):
            continue
        columns = [*xs, x1]
        tops = [float(next(c for c in row.cells if c is not None)[1]) for row in rows]
        bottoms = [*tops[1:], bottom]
        cells = [tuple(float(v) for v in c) for c in found.cells]
        by_column = [  # per column, the cells its middle crosses (in pdfplumber's order)
            [c for c in cells if c[0] <= (left + right) / 2 <= c[2]] for left, right in itertools.pairwise(columns)
        ]
        made: dict[tuple[float, ...], TableCell] = {}
        grid: list[list[TableCell]] = []
        for row, row_top, row_bottom in zip(rows, tops, bottoms, strict=True):
            out_row: list[TableCell] = []
            for i, cell in enumerate(row.cells):
                if cell is not None:
                    bbox: BBox = (float(cell[0]), float(cell[1]), float(cell[2]), float(cell[3]))
                    made[bbox] = TableCell("", bbox, number)
                    out_row.append(made[bbox])
                    continue
                middle = (row_top + row_bottom) / 2
                owner = next((c for c in by_column[i] if c[1] <= middle <= c[3]), None) if i < len(by_column) else None
                origin = made.get(owner) if owner is not None else None
                if owner is not None and origin is not None:
                    out_row.append(TableCell("", origin.bbox, number, spanned=True, owner=origin))
                else:
                    out_row.append(TableCell("", (columns[i], row_top, columns[i + 1], row_bottom), number))
            grid.append(out_row)
        out.append(PageTable(grid, (x0, top, x1, bottom), columns, number, [number]))
    return out


def _inside(ch: Obj, bbox: BBox, pad: float = 0.5) -> bool:
    mx = (float(ch["x0"]) + float(ch["x1"])) / 2
    my = (float(ch["top"]) + float(ch["bottom"])) / 2
    return bbox[0] - pad <= mx <= bbox[2] + pad and bbox[1] - pad <= my <= bbox[3] + pad


def _fill_table(table: PageTable, chars: Sequence[Obj]) -> set[int]:
    """Write each cell's text from the characters inside it; the indexes of the characters used.

    A cell takes the characters not taken by an earlier cell whose centre lies in its box. The characters
    are first put in the grid bands (columns × rows) their centre falls in, so a cell looks only at those of
    the bands it covers: comparing every cell with every character took 6 s for 60 × 60 cells."""
    xs = sorted({float(v) for row in table.rows for cell in row for v in (cell.bbox[0], cell.bbox[2])})
    ys = sorted({float(v) for row in table.rows for cell in row for v in (cell.bbox[1], cell.bbox[3])})
    bands: dict[tuple[int, int], list[int]] = {}
    for i, ch in enumerate(chars):
        if not _inside(ch, table.bbox, pad=1.0):
            continue
        mx = (float(ch["x0"]) + float(ch["x1"])) / 2
        my = (float(ch["top"]) + float(ch["bottom"])) / 2
        # a centre on a grid line lies in the bands on both sides of it
        for col in range(bisect.bisect_left(xs, mx) - 1, bisect.bisect_right(xs, mx)):
            for row in range(bisect.bisect_left(ys, my) - 1, bisect.bisect_right(ys, my)):
                bands.setdefault((col, row), []).append(i)
    used: set[int] = set()
    for table_row in table.rows:
        for cell in table_row:
            if cell.spanned:
                continue
            x0, top, x1, bottom = cell.bbox
            found: set[int] = set()
            for col in range(bisect.bisect_left(xs, x0) - 1, bisect.bisect_right(xs, x1)):
                for row in range(bisect.bisect_left(ys, top) - 1, bisect.bisect_right(ys, bottom)):
                    found.update(bands.get((col, row), ()))
            mine = [(i, chars[i]) for i in sorted(found) if i not in used and _inside(chars[i], cell.bbox, pad=0.0)]
            used.update(i for i, _ in mine)
            text = join_lines(join_chars(line) for line in cluster_lines(c for _, c in mine))
            cell.text = cell.raw = text
    copy_spans(table.rows)
    return used
