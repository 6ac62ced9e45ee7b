"""The annual report as a typed, immutable model: meta, six sections, three tables of cells with provenance.

The model knows nothing of files, databases or HTTP. Readers build it, rules read it, renderers write it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from decimal import Decimal
from enum import StrEnum
from itertools import chain
from typing import Any

from gongkai.model.templates import (
    CellSpec,
    TableKind,
    TableTemplate,
    TemplateVersion,
    cell_spec,
    template_for,
)

Number = int | Decimal


class ValueKind(StrEnum):
    """What a printed cell holds. A blank is never a zero."""

    NUMBER = "number"
    BLANK = "blank"  # nothing printed
    NOT_APPLICABLE = "na"  # "/", "—", "无", "-": printed, but not a number
    TEXT = "text"  # something else printed where a number belongs
    MISSING = "missing"  # the row or table cell is not in the document at all


@dataclass(frozen=True)
class Provenance:
    """Where a value was read: the file and the position in it.

    ``line`` is 1-based in the text the reader saw; ``table``/``row``/``col`` are 0-based positions in the
    source's own table grid; ``page`` is 1-based; ``bbox`` is (x0, top, x1, bottom) in PDF points.
    """

    source: str = ""
    reader: str = ""
    line: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    text: str = ""  # the raw printed text the value came from

    def __init__(
        self,
        source: str = "",
        reader: str = "",
        line: int | None = None,
        table: int | None = None,
        row: int | None = None,
        col: int | None = None,
        page: int | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        text: str = "",
    ) -> None:
        # Does what the generated __init__ does, which stores each field of a frozen dataclass through its own
        # object.__setattr__ call: readers build a Provenance for every table cell, and writing the instance
        # dict directly costs half as much. ``_check_init`` keeps the signature in step with the fields.
        state = self.__dict__
        state["source"] = source
        state["reader"] = reader
        state["line"] = line
        state["table"] = table
        state["row"] = row
        state["col"] = col
        state["page"] = page
        state["bbox"] = bbox
        state["text"] = text

    def where(self) -> str:
        """A short human-readable position such as ``第12行`` or ``表2 第3行第4列``."""
        parts: list[str] = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None and self.row is not None:
            col = f"第{self.col + 1}列" if self.col is not None else ""
            parts.append(f"表格{self.table + 1} 第{self.row + 1}行{col}")
        if self.line is not None:
            parts.append(f"第{self.line}行")
        return " ".join(parts) or "位置未知"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "reader": self.reader}
        for key in ("line", "table", "row", "col", "page"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.bbox is not None:
            out["bbox"] = list(self.bbox)
        if self.text:
            out["text"] = self.text
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Provenance:
        bbox = data.get("bbox")
        return cls(
            source=data.get("source", ""),
            reader=data.get("reader", ""),
            line=data.get("line"),
            table=data.get("table"),
            row=data.get("row"),
            col=data.get("col"),
            page=data.get("page"),
            bbox=(float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3])) if bbox else None,
            text=data.get("text", ""),
        )


def _check_init(cls: type) -> None:
    """A hand-written dataclass ``__init__`` must take exactly the fields, in order, with their defaults."""
    init = vars(cls)["__init__"]
    code = init.__code__
    params = code.co_varnames[1 : code.co_argcount]
    specs = fields(cls)
    defaults = tuple(f.default for f in specs if f.default is not MISSING)
    if params != tuple(f.name for f in specs) or (init.__defaults__ or ()) != defaults:
        raise TypeError(f"{cls.__name__}.__init__ does not match the dataclass fields")


_check_init(Provenance)
_NOWHERE = Provenance()  # the provenance of a value not read from a document (immutable, so shared)


@dataclass(frozen=True)
class Cell:
    """One statutory table cell under its stable id."""

    id: str
    kind: ValueKind
    value: Number | None = None  # set only when kind is NUMBER
    raw: str = ""  # as printed, e.g. "55（含自然失效 29 件）", "251000元", "/"
    unit: str = ""  # a unit printed inside the cell ("元", "万元", "件")
    note: str = ""  # a parenthetical note printed inside the cell
    uncertain: bool = False  # the document alone does not decide this value
    reason: str = ""  # why it is uncertain (or how it was decided), in Chinese
    provenance: Provenance = _NOWHERE

    def __init__(
        self,
        id: str,
        kind: ValueKind,
        value: Number | None = None,
        raw: str = "",
        unit: str = "",
        note: str = "",
        uncertain: bool = False,
        reason: str = "",
        provenance: Provenance = _NOWHERE,
    ) -> None:
        # As the generated __init__, written to the instance dict directly (see Provenance.__init__).
        state = self.__dict__
        state["id"] = id
        state["kind"] = kind
        state["value"] = value
        state["raw"] = raw
        state["unit"] = unit
        state["note"] = note
        state["uncertain"] = uncertain
        state["reason"] = reason
        state["provenance"] = provenance

    @property
    def spec(self) -> CellSpec:
        return cell_spec(self.id)

    @property
    def is_number(self) -> bool:
        return self.kind is ValueKind.NUMBER

    def __repr__(self) -> str:
        shown = self.value if self.kind is ValueKind.NUMBER else self.kind.value
        where = self.provenance.where() if self.provenance.source else ""
        flag = "?" if self.uncertain else ""
        return f"<Cell {self.id}={shown}{flag} {where}>".replace(" >", ">")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind.value, "value": json_number(self.value)}
        if self.raw:
            out["raw"] = self.raw
        if self.unit:
            out["unit"] = self.unit
        if self.note:
            out["note"] = self.note
        if self.uncertain:
            out["uncertain"] = True
        if self.reason:
            out["reason"] = self.reason
        out["provenance"] = self.provenance.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Cell:
        value = data.get("value")
        return cls(
            id=data["id"],
            kind=ValueKind(data["kind"]),
            value=parse_json_number(value),
            raw=data.get("raw", ""),
            unit=data.get("unit", ""),
            note=data.get("note", ""),
            uncertain=bool(data.get("uncertain", False)),
            reason=data.get("reason", ""),
            provenance=Provenance.from_dict(data.get("provenance", {})),
        )


_check_init(Cell)


def json_number(value: Number | None) -> int | float | None:
    """A number as JSON can carry it (money keeps its printed decimals as a float within 1e-9)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent == 0 else float(
            value
        )
    return value


def parse_json_number(value: Any) -> Number | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("a boolean is not a cell value")
    if isinstance(value, int):
        return value
    if isinstance(value, float | str):
        dec = Decimal(str(value))
        return int(dec) if dec == dec.to_integral_value() and "." not in str(value) else dec
    raise TypeError(f"not a number: {value!r}")


@dataclass(frozen=True)
class Row:
    """One printed row of a statutory table, with its cells in template order."""

    key: str
    label: str
    cells: tuple[Cell, ...]

    def __repr__(self) -> str:
        return f"<Row {self.key} {len(self.cells)} cells>"


@dataclass(frozen=True)
class Table:
    """One of the three statutory tables, in the template it was printed in."""

    kind: TableKind
    template: TemplateVersion
    cells: Mapping[str, Cell]

    @property
    def spec(self) -> TableTemplate:
        return template_for(self.kind, self.template)

    @property
    def rows(self) -> tuple[Row, ...]:
        spec = self.spec
        return tuple(
            Row(
                row.key,
                row.label,
                tuple(self.cells[spec.cell_id(row, col)] for col in row.columns if spec.cell_id(row, col) in self.cells),
            )
            for row in spec.rows
        )

    def __getitem__(self, cell_id: str) -> Cell:
        return self.cells[cell_id]

    def __repr__(self) -> str:
        return f"<Table {self.kind} {self.template} {len(self.cells)} cells>"


class SectionKey(StrEnum):
    OVERVIEW = "overview"  # 一、总体情况
    PROACTIVE = "proactive"  # 二、主动公开政府信息情况
    APPLICATIONS = "applications"  # 三、收到和处理政府信息公开申请情况
    APPEALS = "appeals"  # 四、政府信息公开行政复议、行政诉讼情况
    PROBLEMS = "problems"  # 五、存在的主要问题及改进情况
    OTHER = "other"  # 六、其他需要报告的事项


SECTION_HEADINGS: dict[SectionKey, str] = {
    SectionKey.OVERVIEW: "一、总体情况",
    SectionKey.PROACTIVE: "二、主动公开政府信息情况",
    SectionKey.APPLICATIONS: "三、收到和处理政府信息公开申请情况",
    SectionKey.APPEALS: "四、政府信息公开行政复议、行政诉讼情况",
    SectionKey.PROBLEMS: "五、存在的主要问题及改进情况",
    SectionKey.OTHER: "六、其他需要报告的事项",
}


@dataclass(frozen=True)
class Section:
    """One of the six statutory sections: its heading as printed and its narrative text."""

    key: SectionKey
    heading: str
    text: str
    provenance: Provenance = field(default_factory=Provenance)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key.value,
            "heading": self.heading,
            "text": self.text,
            "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Section:
        return cls(
            SectionKey(data["key"]),
            data.get("heading", ""),
            data.get("text", ""),
            Provenance.from_dict(data.get("provenance", {})),
        )


@dataclass(frozen=True)
class ReportMeta:
    agency: str | None = None
    year: int | None = None
    title: str | None = None
    published: dt.date | None = None
    t2_template: TemplateVersion | None = None
    t3_template: TemplateVersion | None = None
    agency_source: str = ""  # where the agency name was read: "title", "body", "signature"

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "year": self.year,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "t2_template": self.t2_template.value if self.t2_template else None,
            "t3_template": self.t3_template.value if self.t3_template else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportMeta:
        published = data.get("published")
        t2 = data.get("t2_template")
        t3 = data.get("t3_template")
        return cls(
            agency=data.get("agency"),
            year=data.get("year"),
            title=data.get("title"),
            published=dt.date.fromisoformat(published) if published else None,
            t2_template=TemplateVersion(t2) if t2 else None,
            t3_template=TemplateVersion(t3) if t3 else None,
        )


@dataclass(frozen=True)
class Report:
    """A 政府信息公开工作年度报告: meta, sections and the statutory tables.

    ``tables`` holds the tables found in the document; a table not found is absent (and a rule says so).
    """

    meta: ReportMeta
    sections: tuple[Section, ...] = ()
    tables: tuple[Table, ...] = ()
    source: str = ""
    reader: str = ""

    # -- navigation -------------------------------------------------------------------------------------
    def table(self, kind: TableKind | str) -> Table | None:
        for table in self.tables:
            if table.kind == kind:
                return table
        return None

    @property
    def cells(self) -> dict[str, Cell]:
        out: dict[str, Cell] = {}
        for table in self.tables:
            out.update(table.cells)
        return out

    def cell(self, cell_id: str) -> Cell | None:
        for table in self.tables:
            if cell_id in table.cells:
                return table.cells[cell_id]
        return None

    def section(self, key: SectionKey) -> Section | None:
        for section in self.sections:
            if section.key is key:
                return section
        return None

    def iter_cells(self) -> Iterator[Cell]:
        return chain.from_iterable(table.cells.values() for table in self.tables)

    @property
    def uncertain(self) -> list[str]:
        return [cell.id for cell in self.iter_cells() if cell.uncertain]

    def numbers(self) -> dict[str, Number | None]:
        """Every cell id with its number, or None when it is blank, not applicable or text."""
        return {cell.id: cell.value if cell.is_number else None for cell in self.iter_cells()}

    def with_cells(self, cells: Iterable[Cell]) -> Report:
        """A copy with some cells replaced (matched by id)."""
        new = {cell.id: cell for cell in cells}
        tables = tuple(
            replace(t, cells={cid: new.get(cid, c) for cid, c in t.cells.items()}) for t in self.tables
        )
        return replace(self, tables=tables)

    def __repr__(self) -> str:
        return f"<Report {self.meta.agency} {self.meta.year} {len(self.cells)} cells>"

    # -- interchange -----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "reader": self.reader,
            "meta": self.meta.to_dict(),
            "sections": [s.to_dict() for s in self.sections],
            "tables": [
                {
                    "kind": t.kind.value,
                    "template": t.template.value,
                    "cells": [c.to_dict() for c in t.cells.values()],
                }
                for t in self.tables
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        tables = []
        for t in data.get("tables", []):
            kind = TableKind(t["kind"])
            cells = {c["id"]: Cell.from_dict(c) for c in t.get("cells", [])}
            tables.append(Table(kind, TemplateVersion(t["template"]), cells))
        return cls(
            meta=ReportMeta.from_dict(data.get("meta", {})),
            sections=tuple(Section.from_dict(s) for s in data.get("sections", [])),
            tables=tuple(tables),
            source=data.get("source", ""),
            reader=data.get("reader", ""),
        )
