"""Finding the three statutory tables in a stream of lines and reading every cell under its id.

Rows are matched by their printed labels (``gongkai.extract.labels``), never by counting numbers through
the document. Within a row the values follow the template's column order. Two mechanisms handle layouts
that tore labels from values (PDF→Markdown conversions): value rows without a label are placed in the
template rows left empty *between two labelled rows* only when their count fits exactly; a lone number left
over in the table is put back into a blank cell only when an identity of the table demands exactly it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise

from gongkai.extract.labels import LabelMatch, Lexicon, fold, lexicon, match_row
from gongkai.extract.lines import Line, Piece
from gongkai.extract.values import to_wanyuan
from gongkai.model.report import Cell, Provenance, Table, ValueKind
from gongkai.model.templates import (
    APPLICANT_COLUMNS,
    T2_2019,
    T2_2021,
    T3_2019,
    T3_2021,
    T4,
    CellSpec,
    RowSpec,
    TableKind,
    TableTemplate,
    TemplateVersion,
)
from gongkai.readers.ocr_confidence import ocr_doubt

T2_2021_MARKERS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "本年处理决定数量")
T2_2019_MARKERS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "采购项目数量",
    "采购总金额",
    "第二十条第（九）项",
    "其他对外管理服务事项",
    "政府集中采购",
)
T3_START_MARKERS = ("勾稽关系", "申请人情况", "收到和处理政府信息公开申请情况")
SECTION_END_MARKERS = ("存在的主要问题", "主要问题", "改进情况", "其他需要报告的事项")

_T3_START = tuple(fold(m) for m in T3_START_MARKERS)
_SECTION_END = tuple(fold(m) for m in SECTION_END_MARKERS)

MISSING_ROW = "报告中未找到该行"
_TEXT = ValueKind.TEXT
_BLANK = ValueKind.BLANK


@dataclass
class TablesResult:
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the reading went, for the debug view


@dataclass(frozen=True)
class RowHit:
    line: Line
    match: LabelMatch | None
    values: tuple[Piece, ...]


# ---------------------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------------------


def make_cell(spec: CellSpec, piece: Piece | None, *, uncertain: bool = False, reason: str = "") -> Cell:
    """A model cell from the printed piece (or a blank, uncertain cell when nothing was printed for it)."""
    if piece is None:
        return Cell(spec.id, ValueKind.MISSING, uncertain=True, reason=reason or MISSING_ROW)
    provenance = piece.provenance
    # Read from a scan with low confidence: never a silent guess. Only OCR provenance (a subclass) has one.
    if type(provenance) is not Provenance and (doubt := ocr_doubt(provenance)):
        uncertain, reason = True, reason or doubt
    parsed = piece.parsed
    kind = parsed.kind
    value = parsed.value if kind is ValueKind.NUMBER else None
    if value is not None and spec.money:
        value = to_wanyuan(value, parsed.unit)
    # Cell(id, kind, value, raw, unit, note, uncertain, reason, provenance), by position: one per cell
    return Cell(spec.id, kind, value, piece.text, parsed.unit, parsed.note, uncertain, reason, provenance)


def fit_values(values: Sequence[Piece], n: int) -> tuple[list[Piece | None], bool]:
    """Exactly n values for a row: drop surplus empty cells (merged-cell debris), trailing ones first.

    Returns the values and whether the fit is certain (False when cells are missing or numbers surplus).
    """
    vals: list[Piece] = list(values)
    if len(vals) > n:
        # copies of a merged value cell carry no printed value of their own
        printed = [v for v in vals if not (v.spanned and v.is_blank)]
        if len(printed) >= n:
            vals = printed
    while len(vals) > n and vals and vals[-1].is_blank:
        vals.pop()
    while len(vals) > n and vals and vals[0].is_blank:
        vals.pop(0)
    if len(vals) == n:
        return list(vals), True
    if len(vals) > n:
        return list(vals[:n]), False
    padded: list[Piece | None] = list(vals)
    padded.extend([None] * (n - len(vals)))
    return padded, False


@cache
def _specs(template: TableTemplate) -> dict[str, CellSpec]:
    return {c.id: c for c in template.cells}


@cache
def _row_specs(template: TableTemplate, row_key: str) -> tuple[CellSpec, ...]:
    """The cell specs of one template row, in column order."""
    row = template.row(row_key)
    specs = _specs(template)
    return tuple(specs[template.cell_id(row, column)] for column in row.columns)


def _row_cells(
    template: TableTemplate, row: RowSpec, values: Sequence[Piece | None], certain: bool, reason: str = ""
) -> dict[str, Cell]:
    specs = _row_specs(template, row.key)
    if not certain:
        reason = reason or f"该行应有{len(row.columns)}个数值，实际数量不符，无法确定对应列"
    return {
        spec.id: make_cell(spec, piece, uncertain=not certain, reason=reason)
        for spec, piece in zip(specs, values, strict=True)
    }


# ---------------------------------------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regions:
    t2: tuple[int, int] | None
    t3: tuple[int, int] | None
    t4: tuple[int, int] | None


def _first(lines: Sequence[Line], start: int, pred: object) -> int | None:
    assert callable(pred)
    for i in range(start, len(lines)):
        if pred(lines[i]):
            return i
    return None


def find_regions(lines: Sequence[Line]) -> Regions:
    """Where each table lies. Narrative may sit before a table (``本年度未发生行政复议。`` above table 三),
    so table 四 starts only after table 三's last rows, at a header-like line naming 行政复议."""
    # 条 has no compatibility form, so a line whose folded text holds 第二十条 holds 条 as printed: the test
    # spares folding the long narrative paragraphs before table 二, which nothing else folds.
    t2_start = _first(lines, 0, lambda ln: "条" in ln.text and "第二十条" in ln.folded)
    search_from = t2_start or 0

    def t3_begins(ln: Line) -> bool:
        if len(ln.text) < 120 and any(m in ln.folded for m in _T3_START):
            return True
        if not ln.has_numbers:
            return False
        labels = ln.labels
        return bool(labels) and (m := match_row(labels[-1].text, _T3_LEXICON)) is not None and m.row.key == "new"

    t3_start = _first(lines, search_from, t3_begins)
    t4_start = None
    if t3_start is not None:
        after = t3_start + 1
        for i in range(t3_start, len(lines)):
            ln = lines[i]
            if ln.labels and (ln.has_numbers or ln.blank_tail):
                m = match_row(ln.labels[-1].text, _T3_LEXICON)
                if m is not None and m.row.key in ("total", "carried_forward"):
                    after = i + 1
        t4_start = _first(lines, after, _t4_header)
    begin = t4_start if t4_start is not None else (t3_start if t3_start is not None else search_from)
    end = len(lines)
    seen_values = False
    for i in range(begin + 1, len(lines)):
        ln = lines[i]
        if not ln.from_grid and len(ln.text) < 60 and any(m in ln.folded for m in _SECTION_END):
            end = i
            break
        if not ln.from_grid and len(ln.text) > 200 and seen_values:
            end = i
            break
        seen_values = seen_values or ln.has_numbers
    t2 = (t2_start, t3_start if t3_start is not None else end) if t2_start is not None else None
    t3 = (t3_start, t4_start if t4_start is not None else end) if t3_start is not None else None
    t4 = (t4_start, end) if t4_start is not None else None
    return Regions(t2, t3, t4)


def _t4_header(ln: Line) -> bool:
    """A heading or header row naming 行政复议 — not a sentence of narrative."""
    if not ln.from_grid and len(ln.text) > 40:  # a sentence, whatever it names (and not worth folding)
        return False
    if "行政复议" not in ln.folded or ln.has_numbers:
        return False
    return ln.from_grid or not ln.text.rstrip().endswith(("。", "；", "，"))


# ---------------------------------------------------------------------------------------------------------
# Table 二
# ---------------------------------------------------------------------------------------------------------


def _hits(lines: Sequence[Line], rows: Sequence[RowSpec] | Lexicon, min_blank: int) -> list[RowHit]:
    """Rows with values (numbers or marks), and grid rows printed entirely blank after a label that
    matches (at least ``min_blank`` cells: a blank row is a printed row, not a missing one)."""
    hits: list[RowHit] = []
    for line in lines:
        values = line.values
        labels = line.labels
        if not values or all(v.parsed.kind is _BLANK for v in values):
            blank = [p for p in line.blank_tail if not p.spanned] if line.from_grid else []
            if len(blank) < min_blank:
                continue
            kinds = line.kinds
            values, labels = blank, [p for i, p in enumerate(line.pieces) if kinds[i] is _TEXT]
        match = None
        if labels:
            candidates = [labels[-1].text, "".join(p.text for p in labels)]
            if len(labels) > 1:
                candidates.append(labels[-2].text + labels[-1].text)
            for text in candidates:
                m = match_row(text, rows)
                if m and (match is None or m.score > match.score):
                    match = m
        if match is None and not line.has_numbers and not any(p.parsed.kind is ValueKind.NOT_APPLICABLE for p in values):
            continue  # an unlabelled blank row is layout, not data
        hits.append(RowHit(line, match, tuple(values)))
    return hits


def t2_version(lines: Sequence[Line]) -> TemplateVersion:
    text = "".join(ln.folded for ln in lines)
    new = sum(1 for m in _T2_2021_FOLDED if m in text)
    old = sum(1 for m in _T2_2019_FOLDED if m in text)
    return TemplateVersion.V2019 if old > new else TemplateVersion.V2021


def read_t2(lines: Sequence[Line], result: TablesResult) -> Table | None:
    hits = [h for h in _hits(lines, _T2_LEXICON, 1) if h.match]
    if not hits:
        return None
    version = t2_version(lines)
    template = T2_2019 if version is TemplateVersion.V2019 else T2_2021
    cells: dict[str, Cell] = {}
    seen: set[str] = set()
    for hit in hits:
        assert hit.match
        key = hit.match.row.key
        if key in seen:
            result.notes.append(f"表二：{hit.match.row.label} 行重复出现（{hit.line.text[:30]}），取第一次")
            continue
        try:
            row = template.row(key)
        except KeyError:
            result.notes.append(f"表二：{hit.match.row.label} 行不属于{version.value}年模板，未读取")
            continue
        seen.add(key)
        values, certain = fit_values(hit.values, len(row.columns))
        cells.update(_row_cells(template, row, values, certain))
    for row in template.rows:
        if row.key not in seen:
            cells.update(_row_cells(template, row, [None] * len(row.columns), False, MISSING_ROW))
    return Table(TableKind.T2, version, _ordered(template, cells))


def _union_rows(*templates: TableTemplate) -> tuple[RowSpec, ...]:
    out: dict[str, RowSpec] = {}
    for template in templates:
        for row in template.rows:
            out.setdefault(row.key, row)
    return tuple(out.values())


_T2_LEXICON = lexicon(_union_rows(T2_2021, T2_2019))
_T2_2021_FOLDED = tuple(fold(m) for m in T2_2021_MARKERS)
_T2_2019_FOLDED = tuple(fold(m) for m in T2_2019_MARKERS)


def _ordered(template: TableTemplate, cells: dict[str, Cell]) -> dict[str, Cell]:
    return {spec.id: cells[spec.id] for spec in template.cells if spec.id in cells}


# ---------------------------------------------------------------------------------------------------------
# Table 三
# ---------------------------------------------------------------------------------------------------------

_T3_UNION = (*T3_2021.rows[:-2], T3_2019.row("other.total"), *T3_2021.rows[-2:])
_T3_LEXICON = lexicon(_T3_UNION)
_T3_2021_ONLY = {"other.no_correction", "other.fee_unpaid", "other.other"}


def read_t3(lines: Sequence[Line], result: TablesResult) -> Table | None:
    hits = _hits(lines, _T3_LEXICON, len(APPLICANT_COLUMNS))
    matched = [h for h in hits if h.match]
    if len(matched) < 2:
        return None
    keys = {h.match.row.key for h in matched if h.match}
    version = TemplateVersion.V2021 if keys & _T3_2021_ONLY or "other.total" not in keys else TemplateVersion.V2019
    template = T3_2021 if version is TemplateVersion.V2021 else T3_2019
    order = {row.key: i for i, row in enumerate(template.rows)}
    n = len(template.rows[0].columns)

    columns = _value_columns(lines)
    hits = [_align(hit, columns.get(hit.line.index), n) for hit in hits]
    placed: dict[str, tuple[RowHit, str]] = {}
    sequence: list[tuple[int | None, RowHit]] = []  # (template index or None, hit)
    for hit in hits:
        if hit.match is None:
            sequence.append((None, hit))
            continue
        key = hit.match.row.key
        if key not in order:
            result.notes.append(f"表三：{hit.match.row.label} 行不属于{version.value}年模板，未读取")
            continue
        if key in placed:
            result.notes.append(f"表三：{hit.match.row.label} 行重复出现，取第一次")
            continue
        placed[key] = (hit, "")
        sequence.append((order[key], hit))
    _place_unlabelled(sequence, template, n, placed, result)

    cells: dict[str, Cell] = {}
    for row in template.rows:
        if row.key in placed:
            hit, reason = placed[row.key]
            values, certain = fit_values(hit.values, n)
            cells.update(_row_cells(template, row, values, certain, reason))
        else:
            cells.update(_row_cells(template, row, [None] * n, False, MISSING_ROW))
    used = {id(hit.line) for hit, _ in placed.values()}
    orphans = [ln for ln in lines if id(ln) not in used and _lone_number(ln)]
    _restore_orphans(template, cells, orphans, result)
    return Table(TableKind.T3, version, _ordered(template, cells))


def _lone_number(line: Line) -> Piece | None:
    printed = [i for i, kind in enumerate(line.kinds) if kind is not _BLANK]
    if len(printed) == 1 and line.kinds[printed[0]] is ValueKind.NUMBER:
        return line.pieces[printed[0]]
    return None


def _restore_orphans(
    template: TableTemplate, cells: dict[str, Cell], orphans: Sequence[Line], result: TablesResult
) -> None:
    """Put a lone number printed inside the table back into a blank cell, only when the row's 总计 identity
    demands exactly that number (PDF→Markdown conversions detach single cells from their row)."""
    pool = [p for ln in orphans if (p := _lone_number(ln)) is not None]
    if not pool:
        return
    specs = _specs(template)
    for row in template.rows:
        ids = [template.cell_id(row, col) for col in row.columns]
        row_cells = [cells[i] for i in ids]
        blanks = [c for c in row_cells if c.kind is ValueKind.BLANK]
        if len(blanks) != 1 or any(c.kind not in (ValueKind.BLANK, ValueKind.NUMBER) for c in row_cells):
            continue
        blank = blanks[0]
        addends = [c.value for c in row_cells[:-1] if c.is_number and c.value is not None]
        total = row_cells[-1].value if row_cells[-1].is_number else None
        if blank.id == ids[-1]:
            implied = sum(addends)
        elif total is not None:
            implied = total - sum(addends)
        else:
            continue
        for piece in pool:
            if piece.parsed.value == implied:
                pool.remove(piece)
                cells[blank.id] = make_cell(
                    specs[blank.id],
                    piece,
                    uncertain=True,
                    reason=f"原表该格为空；表内有一个游离的数字 {piece.text}（第{(piece.provenance.line or 0)}行），"
                    "恰为本行总计所需，已填回",
                )
                result.notes.append(f"表三：{blank.id} 由游离数字 {piece.text} 填回")
                break


def _value_columns(lines: Sequence[Line]) -> dict[int, int]:
    """For grid lines, the column where table 三's values start: the column of the header cell 自然人 in the
    nearest header row above (carried on to later grids, e.g. a table continued after a page break)."""
    out: dict[int, int] = {}
    col: int | None = None
    for ln in lines:
        if not ln.from_grid:
            continue
        kinds = ln.kinds
        for i, piece in enumerate(ln.pieces):
            if kinds[i] is ValueKind.TEXT and fold(piece.text).endswith("自然人"):
                col = i
                break
        if col is not None:
            out[ln.index] = col
    return out


def _align(hit: RowHit, value_col: int | None, n: int) -> RowHit:
    """Read a grid row's values at the header's columns when the row is wide enough to hold them there.

    Without this, the empty copies of a merged label (``一、本年新收…`` over three columns) look like blank
    values, and a blank 总计 would shift every number one column."""
    if value_col is None:
        return hit
    line = hit.line
    kinds = line.kinds
    last_label = line.last_label
    start = max(value_col, last_label + 1)
    chosen = kinds[start : start + n]
    if len(chosen) != n or _TEXT in chosen or any(k is not _BLANK for k in kinds[start + n :]):
        return hit
    if any(k is not _BLANK for k in kinds[last_label + 1 : start]):
        return hit  # something printed between the label and the value columns: not this layout
    return RowHit(line, hit.match, line.pieces[start : start + n])


def _place_unlabelled(
    sequence: list[tuple[int | None, RowHit]],
    template: TableTemplate,
    n: int,
    placed: dict[str, tuple[RowHit, str]],
    result: TablesResult,
) -> None:
    """Value rows printed without their label go to the empty template rows between two labelled rows,
    in order — only when their number fits the gap exactly."""
    anchors = [i for i, (idx, _) in enumerate(sequence) if idx is not None]
    for a, b in pairwise(anchors):
        lo, hi = sequence[a][0], sequence[b][0]
        assert lo is not None and hi is not None
        if hi <= lo:
            continue
        orphans = [hit for idx, hit in sequence[a + 1 : b] if idx is None and _full_row(hit, n)]
        empty = [template.rows[i] for i in range(lo + 1, hi) if template.rows[i].key not in placed]
        if not orphans:
            continue
        if len(orphans) != len(empty):
            result.notes.append(
                f"表三：{template.rows[lo].label} 与 {template.rows[hi].label} 之间有{len(orphans)}行无标签数值，"
                f"而空缺{len(empty)}行，未能对应"
            )
            continue
        for row, hit in zip(empty, orphans, strict=True):
            placed[row.key] = (hit, f"该行标签与数值分离，按表内顺序对应（第{hit.line.index + 1}行数值）")


def _full_row(hit: RowHit, n: int) -> bool:
    vals = [v for v in hit.values if not (v.spanned and v.is_blank)]
    while vals and vals[-1].is_blank and len(vals) > n:
        vals.pop()
    return len(vals) == n


# ---------------------------------------------------------------------------------------------------------
# Table 四
# ---------------------------------------------------------------------------------------------------------


def read_t4(lines: Sequence[Line], result: TablesResult) -> Table | None:
    rows = [ln for ln in lines if ln.has_numbers and not ln.labels]
    if not rows:
        return None
    n = len(T4.cells)
    pieces: list[Piece] = [p for ln in rows for p in ln.pieces]
    if len(pieces) > n:
        pieces = []
        for ln in rows:
            vals = list(ln.pieces)
            while vals and vals[-1].is_blank:
                vals.pop()
            pieces.extend(vals)
    values, certain = fit_values(pieces, n)
    if not certain:
        result.notes.append(f"表四：找到{len(pieces)}个数值，应为{n}个")
    cells: dict[str, Cell] = {}
    specs = T4.cells
    for spec, piece in zip(specs, values, strict=True):
        cells[spec.id] = make_cell(
            spec, piece, uncertain=not certain, reason="" if certain else "表四数值个数不符，无法确定对应列"
        )
    return Table(TableKind.T4, TemplateVersion.V2021, cells)


# ---------------------------------------------------------------------------------------------------------


def read_tables(lines: Sequence[Line]) -> TablesResult:
    result = TablesResult()
    regions = find_regions(lines)
    if regions.t2:
        t2 = read_t2(lines[regions.t2[0] : regions.t2[1]], result)
        if t2:
            result.tables.append(t2)
    if regions.t3:
        t3 = read_t3(lines[regions.t3[0] : regions.t3[1]], result)
        if t3:
            result.tables.append(t3)
    if regions.t4:
        t4 = read_t4(lines[regions.t4[0] : regions.t4[1]], result)
        if t4:
            result.tables.append(t4)
    return result


def provenance_of(piece: Piece | None) -> Provenance:
    return piece.provenance if piece else Provenance()
