"""Fixed reports for the renderer tests: seed 002 as read, and a hand-built 2019-template report with the
awkward cells (money with six decimals, a negative 本年增/减, blanks, a "/" mark, a note inside a cell)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from gongkai.model.report import (
    SECTION_HEADINGS,
    Cell,
    Number,
    Report,
    ReportMeta,
    Section,
    SectionKey,
    Table,
    ValueKind,
)
from gongkai.model.templates import T2_2019, T3_2019, T4, TableKind, TemplateVersion
from gongkai.readers import read

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEED_002 = "002_557b3571ae78e526.txt"


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"ground truth missing: {path} (tests need ../shared beside the repository)")
    return path


def seed_002() -> Report:
    """Seed 002 read from its bytes under its file name (so provenance does not depend on the checkout path)."""
    path = shared_file("seeds", SEED_002)
    return read(path.read_bytes(), name=path.name)


def _n(cell_id: str, value: Number, note: str = "") -> Cell:
    return Cell(cell_id, ValueKind.NUMBER, value, raw=str(value), note=note)


def sample_2019() -> Report:
    """A 2020 report in the 2019 template with money decimals, a negative change, blanks and a mark."""
    cells: dict[str, Cell] = {spec.id: _n(spec.id, 0) for spec in T2_2019.cells}
    cells.update(
        {
            "t2.regulations.total_published": _n("t2.regulations.total_published", 55, "含自然失效 29 件"),
            "t2.licensing.previous": _n("t2.licensing.previous", 97),
            "t2.licensing.change": _n("t2.licensing.change", -3),
            "t2.licensing.decisions": _n("t2.licensing.decisions", 1288),
            "t2.fees.change": Cell("t2.fees.change", ValueKind.BLANK),
            "t2.procurement.projects": _n("t2.procurement.projects", 12),
            "t2.procurement.amount": _n("t2.procurement.amount", Decimal("4166.241619")),
            "t2.other_services.previous": Cell("t2.other_services.previous", ValueKind.NOT_APPLICABLE, raw="/"),
        }
    )
    t2 = Table(TableKind.T2, TemplateVersion.V2019, cells)
    t3_cells = {spec.id: _n(spec.id, 0) for spec in T3_2019.cells}
    for col, value in (("natural_person", 5), ("business", 1), ("total", 6)):
        for row in ("new", "granted", "total"):
            t3_cells[f"t3.{row}.{col}"] = _n(f"t3.{row}.{col}", value)
    t3_cells["t3.other.total.research"] = Cell("t3.other.total.research", ValueKind.BLANK)
    t3 = Table(TableKind.T3, TemplateVersion.V2019, t3_cells)
    t4_cells = {spec.id: _n(spec.id, 0) for spec in T4.cells}
    t4_cells["t4.reconsideration.upheld"] = _n("t4.reconsideration.upheld", 2)
    t4_cells["t4.reconsideration.total"] = _n("t4.reconsideration.total", 2)
    t4 = Table(TableKind.T4, TemplateVersion.V2021, t4_cells)
    texts = {
        SectionKey.OVERVIEW: "本机关认真贯彻落实《条例》，坚持以公开为常态、不公开为例外。\n（一）主动公开方面\n"
        "全年主动公开政府信息376条。",
        SectionKey.PROACTIVE: "",
        SectionKey.APPLICATIONS: "",
        SectionKey.APPEALS: "本年度发生政府信息公开行政复议案件2件，均维持原行政行为。",
        SectionKey.PROBLEMS: "信息发布的及时性仍需提升。\n下一步将持续完善制度，确保<应公开尽公开>&及时公开。",
        SectionKey.OTHER: "无",
    }
    meta = ReportMeta(
        agency="白沙县人民政府",
        year=2020,
        title="白沙县人民政府2020年政府信息公开工作年度报告",
        published=dt.date(2021, 3, 26),
        t2_template=TemplateVersion.V2019,
        t3_template=TemplateVersion.V2019,
    )
    sections = tuple(Section(key, SECTION_HEADINGS[key], text) for key, text in texts.items())
    return Report(meta, sections, (t2, t3, t4), source="sample_2019", reader="test")
