"""A plain-text view of how a report was read (``gongkai parse --format debug``).

It lists the reader that ran, the blocks the reader delivered (paragraphs with their line, grids with row and
column indexes), the sections found, every statutory cell with its value, kind, uncertainty and provenance
(where it was printed and the raw text), and the interpreter's notes — enough to see which part of the source
produced each cell, or why a cell is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gongkai.model.report import Cell, ValueKind
from gongkai.readers.document import Grid, Paragraph
from gongkai.render.layout import format_number

if TYPE_CHECKING:
    from gongkai.extract import Interpretation

MAX_TEXT = 80  # characters of a paragraph or cell shown before it is cut


def _short(text: str, limit: int = MAX_TEXT) -> str:
    text = text.replace("\n", "⏎").replace("\t", "⇥")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _value(cell: Cell) -> str:
    if cell.kind is ValueKind.NUMBER and cell.value is not None:
        return format_number(cell.value)
    return {"blank": "（空白）", "na": f"（符号 {cell.raw}）", "text": f"（文字 {cell.raw}）", "missing": "（缺失）"}.get(
        cell.kind.value, cell.kind.value
    )


def _blocks(interp: Interpretation) -> list[str]:
    out: list[str] = []
    for block in interp.document.blocks:
        if isinstance(block, Paragraph):
            level = f" h{block.heading_level}" if block.heading_level else ""
            out.append(f"  ¶ {block.provenance.where()}{level}: {_short(block.text)}")
        elif isinstance(block, Grid):
            width = max((len(row) for row in block.rows), default=0)
            out.append(f"  ▦ 表格{block.index + 1}（{len(block.rows)}行 × {width}列）")
            for r, row in enumerate(block.rows, 1):  # 1-based, as Provenance.where() prints them
                cells = " | ".join(
                    f"c{c}{'*' if cell.spanned else ''}={_short(cell.text, 40)}" for c, cell in enumerate(row, 1)
                )
                out.append(f"    r{r}: {cells}")
    return out


def _cells(interp: Interpretation) -> list[str]:
    out: list[str] = []
    for table in interp.report.tables:
        out.append(f"  {table.kind.value}（{table.template.value} 年模板，{len(table.cells)} 个单元格）")
        for cell in table.cells.values():
            flag = " ?" if cell.uncertain else ""
            prov = cell.provenance
            where = prov.where() if (prov.source or prov.line is not None or prov.table is not None) else "—"
            raw = f" 原文「{_short(prov.text or cell.raw, 40)}」" if (prov.text or cell.raw) else ""
            extra = "".join(
                f" {name}={value}" for name, value in (("单位", cell.unit), ("注", cell.note)) if value
            )
            out.append(f"    {cell.id} = {_value(cell)} [{cell.kind.value}]{flag}{extra}  @ {where}{raw}")
            if cell.reason:
                out.append(f"        {'不确定' if cell.uncertain else '说明'}：{cell.reason}")
    return out


def render_debug(interp: Interpretation) -> str:
    """The debug view of an interpretation, as text ending with a newline."""
    report, doc = interp.report, interp.document
    meta = report.meta
    lines = [
        f"来源：{doc.source or report.source}",
        f"读取器：{doc.reader or report.reader}",
        f"标题：{meta.title or '（未找到）'}",
        f"机关：{meta.agency or '（未找到）'}（依据：{meta.agency_source or '—'}）  年度：{meta.year or '（未找到）'}",
        f"模板：表二 {meta.t2_template.value if meta.t2_template else '—'}  "
        f"表三 {meta.t3_template.value if meta.t3_template else '—'}",
    ]
    if doc.title_hint or doc.published_hint:
        lines.append(f"文档外提示：标题={doc.title_hint or '—'} 发布日期={doc.published_hint or '—'}")
    lines += ["", f"== 文档块（{len(doc.blocks)}）=="]
    lines += _blocks(interp) or ["  （无）"]
    lines += ["", f"== 章节（{len(report.sections)}）=="]
    for section in report.sections:
        lines.append(
            f"  {section.key.value}: {section.heading} @ {section.provenance.where()}（正文 {len(section.text)} 字）"
        )
    uncertain = len(report.uncertain)
    lines += ["", f"== 单元格（{len(report.cells)}，不确定 {uncertain}）=="]
    lines += _cells(interp) or ["  （未找到统计表）"]
    lines += ["", f"== 解读说明（{len(interp.notes)}）=="]
    lines += [f"  - {note}" for note in interp.notes] or ["  （无）"]
    return "\n".join(lines) + "\n"
