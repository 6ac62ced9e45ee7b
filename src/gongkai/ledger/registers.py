"""Registers behind table 二: 规章 and 行政规范性文件 (issued, repealed; in force derived), and the yearly figures
of 行政许可, 行政处罚, 行政强制 decisions and the 行政事业性收费 amount (万元) — entered, or imported from CSV.

CSV import is all or nothing: every row is checked first; one bad row raises :class:`ImportRowError` naming the
file, the line and the column, and nothing of the file is written. Two layouts, told apart by their header
(Chinese or English column names; UTF-8, UTF-8 with BOM as Excel writes it, or GB18030):

* documents — ``类别,标题,文号,制发日期,废止日期`` (类别: 规章 / 行政规范性文件; 文号 and 废止日期 may be empty);
  a document already in the register (same 类别, 标题, 制发日期) is updated (文号, 废止日期);
* figures — ``年度,事项,数量,金额（万元）`` (事项: 行政许可 / 行政处罚 / 行政强制 use 数量; 行政事业性收费 uses
  金额); an existing figure of the same year and item is replaced.

A figure never entered stays blank in the report (a blank is not a zero); the document registers are the
complete list of the agency's documents, so a year without documents counts 0.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongkai.ledger import mapping
from gongkai.ledger.common import agency_row, owned
from gongkai.ledger.domain import RegisterDocument, RegisterTally
from gongkai.ledger.schemas import RegisterDocumentIn, TallyIn
from gongkai.store.errors import ImportRowError, InvalidRecord
from gongkai.store.orm import RegisterDocumentRow, RegisterTallyRow, utcnow
from gongkai.store.vocab import RegisterDocumentKind, TallyItem

T = TypeVar("T")

DOCUMENT_COLUMNS = {
    "kind": ("类别", "种类", "kind"),
    "title": ("标题", "名称", "文件名称", "title"),
    "document_number": ("文号", "document_number", "number"),
    "issued_on": ("制发日期", "印发日期", "发布日期", "issued_on", "issued"),
    "repealed_on": ("废止日期", "失效日期", "repealed_on", "repealed"),
}
TALLY_COLUMNS = {
    "year": ("年度", "year"),
    "item": ("事项", "项目", "item"),
    "decisions": ("数量", "本年处理决定数量", "处理决定数量", "decisions"),
    "amount": ("金额（万元）", "金额", "本年收费金额（万元）", "本年收费金额（单位：万元）", "amount"),
}
KIND_WORDS = {
    "规章": RegisterDocumentKind.REGULATION,
    "行政规范性文件": RegisterDocumentKind.NORMATIVE_DOCUMENT,
    "规范性文件": RegisterDocumentKind.NORMATIVE_DOCUMENT,
    **{k.value: k for k in RegisterDocumentKind},
}
ITEM_WORDS = {**{i.label: i for i in TallyItem}, **{i.value: i for i in TallyItem}}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


# ---------------------------------------------------------------- entering


def add_document(*, session: Session, agency_id: int, data: RegisterDocumentIn, source: str | None = None) -> RegisterDocument:
    agency_row(session, agency_id)
    if data.repealed_on is not None and data.repealed_on < data.issued_on:
        raise InvalidRecord(f"废止日期 {data.repealed_on} 早于制发日期 {data.issued_on}")
    row = RegisterDocumentRow(
        agency_id=agency_id,
        kind=data.kind,
        title=data.title,
        document_number=data.document_number,
        issued_on=data.issued_on,
        repealed_on=data.repealed_on,
        source=source,
    )
    session.add(row)
    session.flush()
    return mapping.register_document(row)


def repeal_document(*, session: Session, agency_id: int, document_id: int, repealed_on: date) -> RegisterDocument:
    row = owned(session, RegisterDocumentRow, agency_id, document_id, "文件")
    if repealed_on < row.issued_on:
        raise InvalidRecord(f"废止日期 {repealed_on} 早于制发日期 {row.issued_on}")
    row.repealed_on, row.updated_at = repealed_on, utcnow()
    session.flush()
    return mapping.register_document(row)


def set_tally(*, session: Session, agency_id: int, data: TallyIn, source: str | None = None) -> RegisterTally:
    """Enter (or replace) one yearly figure of table 二."""
    agency_row(session, agency_id)
    if data.item is TallyItem.FEES and (data.amount is None or data.decisions is not None):
        raise InvalidRecord("行政事业性收费填写金额（万元），不填数量")
    if data.item is not TallyItem.FEES and (data.decisions is None or data.amount is not None):
        raise InvalidRecord(f"{data.item.label}填写本年处理决定数量，不填金额")
    row = session.scalars(
        select(RegisterTallyRow).where(
            RegisterTallyRow.agency_id == agency_id,
            RegisterTallyRow.year == data.year,
            RegisterTallyRow.item == data.item,
        )
    ).one_or_none()
    if row is None:
        row = RegisterTallyRow(agency_id=agency_id, year=data.year, item=data.item)
        session.add(row)
    row.decisions, row.amount, row.source, row.updated_at = data.decisions, data.amount, source, utcnow()
    session.flush()
    return mapping.register_tally(row)


def list_documents(*, session: Session, agency_id: int, kind: RegisterDocumentKind | None = None) -> list[RegisterDocument]:
    stmt = select(RegisterDocumentRow).where(RegisterDocumentRow.agency_id == agency_id)
    if kind is not None:
        stmt = stmt.where(RegisterDocumentRow.kind == kind)
    rows = session.scalars(stmt.order_by(RegisterDocumentRow.issued_on, RegisterDocumentRow.id))
    return [mapping.register_document(r) for r in rows]


def tallies(*, session: Session, agency_id: int, year: int) -> dict[TallyItem, RegisterTally]:
    stmt = select(RegisterTallyRow).where(RegisterTallyRow.agency_id == agency_id, RegisterTallyRow.year == year)
    return {r.item: mapping.register_tally(r) for r in session.scalars(stmt)}


# ---------------------------------------------------------------- CSV


@dataclass(frozen=True)
class ImportResult:
    file: str
    layout: str  # "documents" or "figures"
    created: int
    updated: int


class _RowProblem(Exception):
    def __init__(self, column: str, problem: str) -> None:
        self.column = column
        self.problem = problem


def _decode(raw: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRowError(name, 1, "（整个文件）", "不是 UTF-8 或 GB18030 编码的文本")


def _clean(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _header_map(header: list[str], columns: dict[str, tuple[str, ...]]) -> dict[str, int] | None:
    names = [unicodedata.normalize("NFKC", h).strip().lower() for h in header]
    found: dict[str, int] = {}
    for key, aliases in columns.items():
        for alias in aliases:
            folded = unicodedata.normalize("NFKC", alias).lower()
            if folded in names:
                found[key] = names.index(folded)
                break
    return found


def _date(text: str, column: str, required: bool) -> date | None:
    if not text:
        if required:
            raise _RowProblem(column, "不能为空")
        return None
    m = _DATE.match(text)
    try:
        if m is None:
            raise ValueError(text)
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise _RowProblem(column, f"“{text}”不是日期（应为 2025-03-01 或 2025年3月1日）") from None


def _choice(text: str, words: dict[str, T], column: str) -> T:
    if text not in words:
        allowed = "、".join(w for w in words if not w.isascii())
        raise _RowProblem(column, f"“{text}”不是可用的取值（{allowed}）")
    return words[text]


def _int(text: str, column: str) -> int:
    if not re.fullmatch(r"\d+", text):
        what = "为空（空白不等于 0：没有发生的请填 0）" if not text else f"“{text}”不是非负整数"
        raise _RowProblem(column, what)
    return int(text)


def _decimal(text: str, column: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        value = Decimal(-1)
    if not text or value < 0 or not value.is_finite():
        what = "为空（空白不等于 0：没有收费的请填 0）" if not text else f"“{text}”不是非负金额"
        raise _RowProblem(column, what)
    return value


def import_registers_csv(
    *, session: Session, agency_id: int, path: str | Path | None = None, name: str | None = None, data: bytes | None = None
) -> ImportResult:
    """Import one CSV file (``path``, or ``data`` named ``name``) into the agency's registers, all or nothing."""
    agency_row(session, agency_id)
    if data is None:
        if path is None:
            raise InvalidRecord("须给出 CSV 文件")
        data = Path(path).read_bytes()
    file = name or (Path(path).name if path is not None else "CSV")
    reader = csv.reader(io.StringIO(_decode(data, file), newline=""))
    header = next(reader, None)
    if header is None:
        raise ImportRowError(file, 1, "（表头）", "文件为空")
    docs, figs = _header_map(header, DOCUMENT_COLUMNS), _header_map(header, TALLY_COLUMNS)
    parse: Callable[[list[str], dict[str, int]], RegisterDocumentIn | TallyIn]
    if docs is not None and {"kind", "title", "issued_on"} <= docs.keys():
        layout, cols, parse = "documents", docs, _document
        labels = {k: header[i] for k, i in docs.items()}
    elif figs is not None and {"year", "item"} <= figs.keys() and ({"decisions", "amount"} & figs.keys()):
        layout, cols, parse = "figures", figs, _figure
        labels = {k: header[i] for k, i in figs.items()}
    else:
        raise ImportRowError(
            file, 1, "（表头）", "无法识别表头：文件登记应有 类别、标题、文号、制发日期、废止日期；年度数据应有 年度、事项、数量、金额（万元）"
        )
    parsed: list[tuple[int, RegisterDocumentIn | TallyIn]] = []
    problems: list[tuple[int, str, str]] = []
    seen: dict[tuple[object, ...], int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        try:
            item = parse(cells, cols)
        except _RowProblem as exc:
            problems.append((line, labels.get(exc.column, exc.column), exc.problem))
            continue
        key: tuple[object, ...] = (
            (item.kind, item.title, item.issued_on) if isinstance(item, RegisterDocumentIn) else (item.year, item.item)
        )
        if key in seen:
            problems.append((line, labels["title" if layout == "documents" else "item"], f"与第{seen[key]}行重复"))
            continue
        seen[key] = line
        parsed.append((line, item))
    if problems:
        line, column, problem = problems[0]
        raise ImportRowError(file, line, column, problem, more=len(problems) - 1)
    created = updated = 0
    for _line, item in parsed:
        if isinstance(item, TallyIn):
            exists = tallies(session=session, agency_id=agency_id, year=item.year).get(item.item) is not None
            set_tally(session=session, agency_id=agency_id, data=item, source=file)
        else:
            exists = _upsert_document(session, agency_id, item, file)
        created, updated = created + (not exists), updated + exists
    session.flush()
    return ImportResult(file, layout, created, updated)


def _cell(cells: list[str], cols: dict[str, int], key: str) -> str:
    index = cols.get(key)
    return _clean(cells[index]) if index is not None and index < len(cells) else ""


def _document(cells: list[str], cols: dict[str, int]) -> RegisterDocumentIn:
    kind = _choice(_cell(cells, cols, "kind"), KIND_WORDS, "kind")
    title = _cell(cells, cols, "title")
    if not title:
        raise _RowProblem("title", "不能为空")
    issued = _date(_cell(cells, cols, "issued_on"), "issued_on", True)
    repealed = _date(_cell(cells, cols, "repealed_on"), "repealed_on", False)
    assert issued is not None
    if repealed is not None and repealed < issued:
        raise _RowProblem("repealed_on", f"废止日期 {repealed} 早于制发日期 {issued}")
    if len(title) > 300:
        raise _RowProblem("title", "超过 300 字")
    number = _cell(cells, cols, "document_number") or None
    return RegisterDocumentIn(kind=kind, title=title, document_number=number, issued_on=issued, repealed_on=repealed)


def _figure(cells: list[str], cols: dict[str, int]) -> TallyIn:
    text = _cell(cells, cols, "year").removesuffix("年")
    year = _int(text, "year")
    if not 2000 <= year <= 2200:
        raise _RowProblem("year", f"“{text}”不是有效年度")
    item = _choice(_cell(cells, cols, "item"), ITEM_WORDS, "item")
    if item is TallyItem.FEES:
        if "amount" not in cols:
            raise _RowProblem("amount", "行政事业性收费须有“金额（万元）”列")
        return TallyIn(year=year, item=item, amount=_decimal(_cell(cells, cols, "amount"), "amount"))
    if "decisions" not in cols:
        raise _RowProblem("decisions", f"{item.label}须有“数量”列")
    if _cell(cells, cols, "amount"):
        raise _RowProblem("amount", f"{item.label}只填数量，不填金额")
    return TallyIn(year=year, item=item, decisions=_int(_cell(cells, cols, "decisions"), "decisions"))


def _upsert_document(session: Session, agency_id: int, data: RegisterDocumentIn, source: str) -> bool:
    row = session.scalars(
        select(RegisterDocumentRow).where(
            RegisterDocumentRow.agency_id == agency_id,
            RegisterDocumentRow.kind == data.kind,
            RegisterDocumentRow.title == data.title,
            RegisterDocumentRow.issued_on == data.issued_on,
        )
    ).one_or_none()
    if row is None:
        add_document(session=session, agency_id=agency_id, data=data, source=source)
        return False
    row.document_number, row.repealed_on = data.document_number, data.repealed_on
    row.source, row.updated_at = source, utcnow()
    return True
