"""Reading the statutory tables of a glued body: crawler text where a table row is its label followed by its
cells' digits run together (``行政许可3960181``, ``8.属于行政查询事项0000000``).

The body is cut into alternating text runs and value runs (digits, spaces, decimals, marks). Each
template row is found, in template order, as its label inside a text run (after
``gongkai.extract.labels.label_key`` folding); the value run right after the label is that row's cells. A
row number printed before the next label (``…10000018.属于``) is taken off the digits before it. The runs
are then cut into cells by ``gongkai.extract.digits``, which uses the identities of tables 三 and 四 and
flags what they leave open.

The body is also re-split into lines at the title, the section headings and the tables, so that section
finding and metadata work as for any other format.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

from gongkai.extract import digits as dg
from gongkai.extract.labels import label_key, match_row
from gongkai.extract.sections import HEADING_WORDS, TextLine
from gongkai.extract.tables import MISSING_ROW, T2_2019_MARKERS, T2_2021_MARKERS, TablesResult, make_cell
from gongkai.extract.values import parse_value, to_wanyuan
from gongkai.model.report import Cell, Provenance, Table, ValueKind
from gongkai.model.templates import (
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
from gongkai.readers.document import SourceDocument

READER = "crawler"
ROW_WINDOW = 4  # a missing row label may be skipped: look this many template rows ahead
MAX_REMAINDER = 6  # folded characters allowed between a row label and its digits
SHORT_LABEL = 2  # labels this short must stand alone in their text run
_DIGITS = frozenset("0123456789")
_NUMERALS = "一二三四五六七八九十0123456789"
_NA = frozenset("/\\-—–")
_UNIT = re.compile(r"\s*(万元|元)")
_NA_PREFIX = re.compile(r"\s*((?:[/\\\-—–]+\s*)+)")
_TAIL_SPLIT = re.compile(r"[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d{1,2}\s*[.．、]")
_TITLE = re.compile(r"(?:^|\s)(\S{4,60}?年度报告)(?=\s|$)")
_SUBHEADING = re.compile(r"[（(][一二三四五六七八九十]{1,3}[)）]")

T2_START = "第二十条第一项"
T2_FIRST_ROWS = ("规章", "规范性文件")
T3_START = "本年新收政府信息公开申请数量"
T3_SECOND = "上年结转"
T2_END = ("收到和处理政府信息公开申请", "申请人情况", T3_START)
T3_END = ("尚未审结", "结果维持", "行政复议", "行政法复议", "存在的主要问题")
T4_HEADER = "尚未审结"
T4_WORDS = (
    "政府信息公开",
    "未经复议直接起诉",
    "复议后起诉",
    "行政法复议",
    "行政复议",
    "行政诉讼",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "总计",
    "情况",
    "单位",
    "件",
)
_T3_2021_ONLY = ("other.no_correction", "other.fee_unpaid")
PAGE_CHROME = ("当前位置", "首页")


@dataclass
class GluedResult:
    tables: TablesResult
    text_lines: list[TextLine] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------
# The body and its runs
# ---------------------------------------------------------------------------------------------------------


class _CharMap(dict[int, str]):
    """A ``str.translate`` table computed per character on first use (``translate`` consults ``__missing__``),
    so a whole body is folded in one C call instead of a Python step per character."""

    LIMIT = 65_536  # distinct characters remembered; beyond that they are computed each time

    def __init__(self, func: Callable[[str], str]) -> None:
        super().__init__()
        self.func = func

    def __missing__(self, code: int) -> str:
        value = self.func(chr(code))
        if len(self) < self.LIMIT:
            self[code] = value
        return value


def _norm_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


_NORM = _CharMap(_norm_char)  # each character width-folded when that keeps it one character
_KEY = _CharMap(label_key)  # each character label-folded on its own (none, one or several characters)
_KEY_COUNT = _CharMap(lambda ch: chr(len(_KEY[ord(ch)])))  # how many key characters each character gives


@dataclass(frozen=True)
class _Body:
    source: str
    text: str  # the paragraphs joined by newlines
    norm: str  # the same length: each character width-folded when that keeps it one character
    key: str  # label-folded text (no spaces, no punctuation) for finding labels
    key_at: tuple[int, ...]  # raw offset of each key character
    starts: tuple[int, ...]  # raw offset of each paragraph
    lines: tuple[int | None, ...]  # its line number in the file

    def kpos(self, offset: int) -> int:
        """The first key index at or after a raw offset."""
        return bisect.bisect_left(self.key_at, offset)

    def line_at(self, offset: int) -> int | None:
        i = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        return self.lines[i] if self.lines else None

    def find(self, word: str, start: int = 0, end: int | None = None) -> int | None:
        """Raw offset of the first occurrence of a (key-folded) word at or after raw ``start``."""
        k = self.key.find(word, self.kpos(start), self.kpos(end) if end is not None else len(self.key))
        return self.key_at[k] if k >= 0 else None

    def prov(self, offset: int, text: str = "") -> Provenance:
        return Provenance(self.source, READER, line=self.line_at(offset), text=text)


def _body(doc: SourceDocument) -> _Body:
    texts: list[str] = []
    starts: list[int] = []
    lines: list[int | None] = []
    offset = 0
    for para in doc.paragraphs:
        starts.append(offset)
        lines.append(para.provenance.line)
        texts.append(para.text)
        offset += len(para.text) + 1
    text = "\n".join(texts)
    counts = text.translate(_KEY_COUNT).encode("latin-1")
    if counts.translate(None, b"\x00\x01"):  # some character gives several key characters
        key_at: tuple[int, ...] = tuple(i for i, n in enumerate(counts) for _ in range(n))
    else:
        key_at = tuple(itertools.compress(range(len(text)), counts))
    return _Body(doc.source, text, text.translate(_NORM), text.translate(_KEY), key_at, tuple(starts), tuple(lines))


@dataclass(frozen=True)
class Run:
    """A stretch of the body: a value run (digits, spaces, decimals, marks, a unit) or the text between."""

    value: bool
    start: int
    end: int
    raw: str
    key: str = ""  # text runs: the label-folded text
    key_start: int = 0  # key index of the run's first key character


def _is_numbering(norm: str, i: int, j: int, end: int) -> bool:
    """One or two digits after text and before ``.``/``、`` and more text: a row number, not a value."""
    if j - i > 2 or not all(c in _DIGITS for c in norm[i:j]):
        return False
    before = norm[i - 1] if i > 0 else " "
    if before in _DIGITS or (before.isspace() and i > 1 and norm[i - 2] in _DIGITS):
        return False
    return j + 1 < end and norm[j] in ".．、" and norm[j + 1] not in _DIGITS and not norm[j + 1].isspace()


def runs(body: _Body, start: int, end: int) -> list[Run]:
    """Alternating text and value runs of ``body`` between two raw offsets."""
    out: list[Run] = []
    norm = body.norm
    text_start = i = start

    def text_run(a: int, b: int) -> None:
        if body.text[a:b].strip():
            ka, kb = body.kpos(a), body.kpos(b)
            out.append(Run(False, a, b, body.text[a:b], body.key[ka:kb], ka))

    while i < end:
        if norm[i] not in _DIGITS:
            i += 1
            continue
        j = i
        while j < end:
            c = norm[j]
            decimal = c == "." and norm[j - 1] in _DIGITS and j + 1 < end and norm[j + 1] in _DIGITS
            if c in _DIGITS or c.isspace() or c in _NA or decimal:
                j += 1
            else:
                break
        while j > i and (norm[j - 1].isspace() or norm[j - 1] in _NA):
            j -= 1  # trailing marks belong to the text that follows ("增/减" is a header, not a value)
        if _is_numbering(norm, i, j, end):
            i = j  # "不予公开1.属于国家秘密": a row number between labels is text
            continue
        unit = _UNIT.match(norm, j, end)
        if unit:
            j = unit.end()
        text_run(text_start, i)
        out.append(Run(True, i, j, body.text[i:j]))
        text_start = i = j
    text_run(text_start, end)
    return out


# ---------------------------------------------------------------------------------------------------------
# Finding the rows
# ---------------------------------------------------------------------------------------------------------


def row_keys(row: RowSpec) -> tuple[str, ...]:
    """A row's label and aliases as keys, longest first."""
    found = _ROW_KEYS.get(id(row))
    if found is not None and found[0] is row:  # looked up by identity: hashing a RowSpec hashes all its fields
        return found[1]
    unique = dict.fromkeys(label_key(x) for x in (row.label, *row.aliases))
    keys = tuple(sorted((k for k in unique if k), key=len, reverse=True))
    if len(_ROW_KEYS) < 4096:
        _ROW_KEYS[id(row)] = (row, keys)  # the row is kept alive, so its id is not reused
    return keys


_ROW_KEYS: dict[int, tuple[RowSpec, tuple[str, ...]]] = {}


def _row_digit(row: RowSpec) -> str:
    number = unicodedata.normalize("NFKC", row.number)
    return "".join(ch for ch in number if ch in _DIGITS)


@dataclass
class Hit:
    """A template row found in the body: the text run holding its label and the value run after it."""

    row: RowSpec
    run: int
    kstart: int  # within the run's key
    kend: int
    value: int | None = None  # index of the value run holding its cells


def _find_in_run(key: str, pos: int, rows: Sequence[RowSpec], cursor: int) -> tuple[int, int, int] | None:
    """The first template row (in template order, from ``cursor``) whose label occurs in ``key`` after ``pos``."""
    for j in range(cursor, min(len(rows), cursor + ROW_WINDOW)):
        for rk in row_keys(rows[j]):
            p = key.find(rk, pos)
            while p >= 0 and len(rk) <= SHORT_LABEL and not _whole(key[p + len(rk) :], rows[j + 1 :]):
                p = key.find(rk, p + 1)
            if p >= 0:
                return p, p + len(rk), j
    return None


def _whole(rest: str, later: Sequence[RowSpec]) -> bool:
    """A short label ("其他", "总计", "规章") stands alone: nothing follows it in its run but the next row's
    label — not "其他处理", a group label that merely starts with it."""
    rest = rest.lstrip(_NUMERALS)  # the next row's numbering: "（七）总计"
    return not rest or any(rest.startswith(k) for row in later[:ROW_WINDOW] for k in row_keys(row))


def match_rows(parts: Sequence[Run], rows: Sequence[RowSpec]) -> list[Hit]:
    """The rows of a template found in a table region, each with the value run that follows its label."""
    hits: list[Hit] = []
    cursor = 0
    for ri, run in enumerate(parts):
        if run.value:
            continue
        found: list[Hit] = []
        pos = 0
        while cursor < len(rows):
            where = _find_in_run(run.key, pos, rows, cursor)
            if where is None:
                break
            found.append(Hit(rows[where[2]], ri, where[0], where[1]))
            pos, cursor = where[1], where[2] + 1
        if not found and cursor < len(rows):
            # A misprinted label ("其他法律行政止公开"): the text after the last numbering, matched loosely.
            tail = _TAIL_SPLIT.split(run.raw)[-1].strip()
            window = rows[cursor : cursor + ROW_WINDOW]
            m = match_row(tail, window) if len(tail) >= 2 else None
            if m is not None:
                found.append(Hit(m.row, ri, max(len(run.key) - len(label_key(tail)), 0), len(run.key)))
                cursor = rows.index(m.row) + 1
        if not found:
            continue
        last = found[-1]
        if len(run.key) - last.kend <= MAX_REMAINDER and ri + 1 < len(parts) and parts[ri + 1].value:
            last.value = ri + 1
        hits.extend(found)
    return hits


def _label_end(body: _Body, run: Run, kend: int) -> int:
    return body.key_at[run.key_start + kend - 1] + 1


def _trims(parts: Sequence[Run], hits: Sequence[Hit]) -> dict[int, int]:
    """Characters to take off the end of value runs: the number of the next row printed before its label
    (``…10000018.属于行政查询事项`` → the row's digits are ``1000001``)."""
    first_in_run: dict[int, Hit] = {}
    for hit in hits:
        first_in_run.setdefault(hit.run, hit)
    # Evidence that rows are printed with their numbers: a number inside a text run ("不予公开1属于…"), a
    # number standing alone between a group label and its row ("不予公开 1 属于…"), or "2.属于…" after digits.
    numbered = any(
        (d := _row_digit(h.row)) and parts[h.run].key[max(h.kstart - len(d), 0) : h.kstart] == d for h in hits
    ) or any(
        i > 1 and parts[i - 1].value and not parts[i - 2].value and parts[i - 1].raw.strip() == _row_digit(h.row)
        for i, h in first_in_run.items()
        if h.kstart == 0
    ) or any(
        i > 0 and parts[i - 1].value and not run.value and run.raw.lstrip()[:1] in (".", "．", "、")
        for i, run in enumerate(parts)
    )
    out: dict[int, int] = {}
    for i, run in enumerate(parts):
        if run.value or i == 0 or not parts[i - 1].value:
            continue
        prev = parts[i - 1].raw.rstrip()
        first = first_in_run.get(i)
        number = _row_digit(first.row) if first is not None and first.kstart == 0 else ""
        dotted = run.raw.lstrip()[:1] in (".", "．", "、")
        if number and prev.endswith(number) and (dotted or numbered):
            out[i - 1] = len(parts[i - 1].raw) - len(prev) + len(number)
        elif dotted and prev[-1:].isdigit():
            out[i - 1] = len(parts[i - 1].raw) - len(prev) + 1
    return out


@dataclass(frozen=True)
class Printed:
    """What a found row printed: its glued run (None when nothing) and where."""

    run: dg.GluedRun | None
    provenance: Provenance


def printed_rows(body: _Body, parts: Sequence[Run], hits: Sequence[Hit]) -> dict[str, Printed]:
    trims = _trims(parts, hits)
    out: dict[str, Printed] = {}
    for hit in hits:
        label_end = _label_end(body, parts[hit.run], hit.kend)
        if hit.value is not None:
            part = parts[hit.value]
            raw = part.raw[: len(part.raw) - trims.get(hit.value, 0)]
            if raw.strip():
                out[hit.row.key] = Printed(dg.glue(raw), body.prov(part.start, raw))
                continue
        marks = _NA_PREFIX.match(body.text, label_end, parts[hit.run].end)
        if marks:
            out[hit.row.key] = Printed(dg.glue(marks.group(1)), body.prov(label_end, marks.group(1)))
        else:
            out[hit.row.key] = Printed(None, body.prov(label_end))
    return out


# ---------------------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------------------


def piece_cell(spec: CellSpec, piece: str | None, unit: str, prov: Provenance, uncertain: bool, reason: str) -> Cell:
    """A model cell from one cut piece (None: nothing printed for it — a blank, never a zero)."""
    if piece is None:
        return Cell(spec.id, ValueKind.BLANK, uncertain=uncertain, reason=reason, provenance=prov)
    unit = unit if spec.money else ""
    parsed = parse_value(piece + unit)
    value = parsed.value
    if parsed.kind is ValueKind.NUMBER and value is not None and spec.money:
        value = to_wanyuan(value, parsed.unit)
    return Cell(
        spec.id,
        parsed.kind,
        value if parsed.kind is ValueKind.NUMBER else None,
        raw=piece + unit,
        unit=parsed.unit,
        uncertain=uncertain,
        reason=reason,
        provenance=prov,
    )


def row_cells(
    template: TableTemplate, row: RowSpec, printed: Printed | None, solution: dg.RowSolution | None
) -> dict[str, Cell]:
    specs = [_specs(template)[template.cell_id(row, col)] for col in row.columns]
    if printed is None:
        return {s.id: make_cell(s, None, reason=MISSING_ROW) for s in specs}
    if printed.run is None or solution is None:
        return {s.id: Cell(s.id, ValueKind.BLANK, provenance=printed.provenance) for s in specs}
    unit = printed.run.unit
    out: dict[str, Cell] = {}
    for i, spec in enumerate(specs):
        unsure = solution.uncertain[i]
        why = solution.reason if unsure else solution.note
        out[spec.id] = piece_cell(spec, solution.pieces[i], unit, printed.provenance, unsure, why)
    return out


@cache
def _specs(template: TableTemplate) -> dict[str, CellSpec]:
    return {c.id: c for c in template.cells}


def _slots(row: RowSpec) -> tuple[dg.Slot, ...]:
    return tuple(dg.Slot(money=c.money, signed=c.signed) for c in row.columns)


# ---------------------------------------------------------------------------------------------------------
# Regions and the three tables
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regions:
    t2: tuple[int, int] | None = None
    t3: tuple[int, int] | None = None
    t4: tuple[int, int] | None = None  # from the table's header to the end of its digits


def _first(body: _Body, words: Sequence[str], start: int, end: int | None = None) -> int | None:
    found = [p for w in words if (p := body.find(w, start, end)) is not None]
    return min(found) if found else None


def find_regions(body: _Body) -> Regions:
    size = len(body.text)
    # A heading word may also occur in the narrative: each table starts where its next rows follow closely.
    t2_start = _anchored(body, T2_START, T2_FIRST_ROWS, 0)
    t3_start = _anchored(body, T3_START, (T3_SECOND,), t2_start or 0)
    if t3_start is None:
        t3_start = body.find(T3_START, t2_start or 0)
    t2 = None
    if t2_start is not None:
        t2_end = _first(body, T2_END, t2_start) or size
        t2 = (t2_start, t2_end)
    t3 = None
    after = t2_start or 0
    if t3_start is not None:
        t3_end = _first(body, T3_END, t3_start) or size
        t3 = (t3_start, t3_end)
        after = t3_end
    elif t2 is not None:
        after = t2[1]
    t4 = None
    header = body.find(T4_HEADER, after)
    if header is not None and (t2 is not None or t3 is not None):
        end = _t4_end(body, header)
        if end is not None:
            t4 = (header, end)
    return Regions(t2, t3, t4)


def _anchored(body: _Body, word: str, followers: Sequence[str], start: int, within: int = 80) -> int | None:
    """The first occurrence of ``word`` followed within ``within`` key characters by one of ``followers``."""
    pos = start
    while (p := body.find(word, pos)) is not None:
        k = body.kpos(p)
        if any(w in body.key[k : k + within] for w in followers):
            return p
        pos = p + 1
    return None


def _t4_end(body: _Body, header: int) -> int | None:
    """Where the digits of table 四 end: at the first text that is not one of its header or row words."""
    parts = runs(body, header, len(body.text))
    end = None
    for part in parts:
        if part.value:
            end = part.end
            continue
        rest = part.key
        for word in T4_WORDS:
            rest = rest.replace(word, "")
        if len(rest) > 2:
            break
    return end


def t2_version(key: str) -> TemplateVersion:
    new = sum(1 for m in T2_2021_MARKERS if label_key(m) in key)
    old = sum(1 for m in T2_2019_MARKERS if label_key(m) in key)
    return TemplateVersion.V2019 if old > new else TemplateVersion.V2021


def read_t2(body: _Body, region: tuple[int, int], result: TablesResult) -> Table | None:
    parts = runs(body, *region)
    version = t2_version(body.key[body.kpos(region[0]) : body.kpos(region[1])])
    template = T2_2019 if version is TemplateVersion.V2019 else T2_2021
    hits = match_rows(parts, template.rows)
    if not hits:
        return None
    printed = printed_rows(body, parts, hits)
    cells: dict[str, Cell] = {}
    for row in template.rows:
        got = printed.get(row.key)
        solution = None
        if got is not None and got.run is not None:
            kind = "documents" if row.key in ("regulations", "normative_documents") else "items"
            if kind == "documents" and version is TemplateVersion.V2021:
                kind = "documents2021"
            slots = _slots(row)
            prior = dg.t2_prior(kind, slots, got.run.unit)
            solution = dg.solve_row(got.run, slots, prior=prior, reason=dg.AMBIGUOUS_T2)
            _note(result, "表二", row, got.run, solution)
        cells.update(row_cells(template, row, got, solution))
    return Table(TableKind.T2, version, cells)


def read_t3(body: _Body, region: tuple[int, int], result: TablesResult) -> Table | None:
    parts = runs(body, *region)
    key = body.key[body.kpos(region[0]) : body.kpos(region[1])]
    new_rows = any(k in key for r in _T3_2021_ONLY for k in row_keys(T3_2021.row(r)))
    old_row = any(k in key for k in row_keys(T3_2019.row("other.total")))  # （六）其他处理 as one row
    version = TemplateVersion.V2019 if old_row and not new_rows else TemplateVersion.V2021
    template = T3_2021 if version is TemplateVersion.V2021 else T3_2019
    hits = match_rows(parts, template.rows)
    if len(hits) < 2:
        return None
    printed = printed_rows(body, parts, hits)
    used = {h.value for h in hits if h.value is not None}
    orphans = [p.raw for i, p in enumerate(parts) if p.value and i not in used]
    if orphans:
        result.notes.append(f"表三：有{len(orphans)}处数字未能对应到行标签：{'、'.join(orphans[:5])}")
    glued = [printed[r.key].run if r.key in printed else None for r in template.rows]
    solutions = dg.solve_t3(glued, len(template.rows[0].columns))
    cells: dict[str, Cell] = {}
    for row, run, solution in zip(template.rows, glued, solutions, strict=True):
        if run is not None and solution is not None:
            _note(result, "表三", row, run, solution)
        cells.update(row_cells(template, row, printed.get(row.key), solution))
    return Table(TableKind.T3, version, cells)


def read_t4(body: _Body, region: tuple[int, int], result: TablesResult) -> Table | None:
    parts = [p for p in runs(body, *region) if p.value]
    if not parts:
        return None
    raw = " ".join(p.raw for p in parts)
    run = dg.glue(raw)
    specs = T4.cells
    slots = tuple(dg.Slot() for _ in specs)
    solution = dg.solve_row(run, slots, tuple(len(r.columns) for r in T4.rows), identity=True)
    prov = body.prov(parts[0].start, raw)
    if solution.options != 1:
        result.notes.append(f"表四：{raw} {solution.reason}")
    cells = {
        spec.id: piece_cell(
            spec, solution.pieces[i], "", prov, solution.uncertain[i],
            solution.reason if solution.uncertain[i] else solution.note,
        )
        for i, spec in enumerate(specs)
    }
    return Table(TableKind.T4, TemplateVersion.V2021, cells)


def _note(result: TablesResult, table: str, row: RowSpec, run: dg.GluedRun, solution: dg.RowSolution) -> None:
    if any(solution.uncertain):
        result.notes.append(f"{table}：{row.label} “{run.raw.strip()}” {solution.reason}")


def read_glued(doc: SourceDocument) -> GluedResult:
    """The tables and the re-split text lines of a glued document."""
    body = _body(doc)
    result = TablesResult()
    regions = find_regions(body)
    readers = ((regions.t2, read_t2), (regions.t3, read_t3), (regions.t4, read_t4))
    for region, reader in readers:
        if region is not None:
            table = reader(body, region, result)
            if table is not None:
                result.tables.append(table)
    if not result.tables:
        result.notes.append("未找到法定表格（第二十条、申请情况、复议诉讼表）")
    return GluedResult(result, text_lines(body, regions))


# ---------------------------------------------------------------------------------------------------------
# Text lines
# ---------------------------------------------------------------------------------------------------------


def _spaced(word: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in word)


_HEADINGS = [
    (key, re.compile(r"[一二三四五六七八九十]\s*[、.．]\s*[^。；;，,\d\s]{0,14}?(?:" + "|".join(
        _spaced(w) for w in sorted(words, key=len, reverse=True)) + r")(?:情况|事项)?"))
    for key, words in HEADING_WORDS.items()
]


def text_lines(body: _Body, regions: Regions) -> list[TextLine]:
    """The body cut at the title, the section headings, sub-headings and the tables' bounds."""
    text = body.norm
    cuts: set[int] = set(body.starts) | {len(text)}
    headings: set[int] = set()
    title = _TITLE.search(text[:400])
    chrome_end = 0
    if title:
        cuts.update(title.span(1))
        if any(w in text[: title.start(1)] for w in PAGE_CHROME):
            chrome_end = title.start(1)  # "当前位置： 首页…" above the title is the site's navigation
    spans: list[tuple[int, int]] = []
    pos = 0
    for _, pattern in _HEADINGS:
        m = pattern.search(text, pos)
        if m:
            spans.append(m.span())
            headings.add(m.start())
            pos = m.end()
    tables = [r for r in (regions.t2, regions.t3, regions.t4) if r is not None]
    extra = [p for r in tables for p in r]
    extra += [m.start() for m in _SUBHEADING.finditer(text) if not any(a <= m.start() < b for a, b in tables)]
    cuts.update(p for p in extra if not any(a < p < b for a, b in spans))  # never cut inside a heading
    for span in spans:
        cuts.update(span)
    out: list[TextLine] = []
    bounds = sorted(cuts)
    for a, b in itertools.pairwise(bounds):
        piece = body.text[a:b].strip() if a >= chrome_end else ""
        if piece:
            out.append(TextLine(piece, body.prov(a, piece if a in headings else ""), a in headings))
    return out
