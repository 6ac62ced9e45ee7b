"""Normalised textual dumps of DOCX and XLSX files, for golden comparisons (their bytes hold timestamps)."""

from __future__ import annotations

import io
from typing import Any

import docx
import openpyxl
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree


def _fonts(el: Any) -> str:
    rpr = el.find(qn("w:rPr"))
    if rpr is None:
        return ""
    rfonts = rpr.find(qn("w:rFonts"))
    names = []
    if rfonts is not None:
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            names.append(f"{attr}={rfonts.get(qn('w:' + attr))}")
    size = rpr.find(qn("w:sz"))
    if size is not None:
        names.append(f"sz={size.get(qn('w:val'))}")
    return " ".join(names)


def _paragraph(p: Any) -> str:
    fmt = p.paragraph_format
    align = fmt.alignment.name if fmt.alignment is not None else "-"
    indent = f" indent={fmt.first_line_indent.pt:g}pt" if fmt.first_line_indent is not None else ""
    line = f" line={fmt.line_spacing.pt:g}pt" if hasattr(fmt.line_spacing, "pt") else ""
    runs = p._p.findall(qn("w:r"))
    fonts = sorted({_fonts(r) for r in runs if r.findtext(qn("w:t"))})
    return f"P[{p.style.name}|{align}{indent}{line}|{';'.join(fonts)}] {p.text}"


def _table(t: Any) -> list[str]:
    fonts = sorted({_fonts(r) for r in t._tbl.iter(qn("w:r"))})
    style = t.style.name if t.style is not None else "-"
    out = [f"TABLE style={style} grid={len(t._tbl.tblGrid.gridCol_lst)} fonts={';'.join(fonts)}"]
    for r, tr in enumerate(t._tbl.tr_lst):
        flags = []
        trpr = tr.trPr
        if trpr is not None:
            flags = [child.tag.split("}")[1] for child in trpr]
        cells = []
        for tc in tr.tc_lst:
            span = tc.grid_span
            vmerge = tc.vMerge
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            mark = f"[{span}]" if span > 1 else ""
            if vmerge is not None:
                mark += "v" + ("^" if vmerge == "restart" else "|")
            cells.append(f"{mark}{text}")
        out.append(f"  r{r}{'(' + ','.join(flags) + ')' if flags else ''}: " + " ¦ ".join(cells))
    return out


def dump_docx(data: bytes) -> str:
    """Page set-up, font table fallbacks, every paragraph (style, alignment, fonts) and table (spans), footer."""
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    lines = [
        f"page {section.page_width.mm:.0f}x{section.page_height.mm:.0f}mm "
        f"margins t{section.top_margin.mm:.0f} b{section.bottom_margin.mm:.0f} "
        f"l{section.left_margin.mm:.0f} r{section.right_margin.mm:.0f}",
    ]
    font_table = etree.fromstring(document.part.part_related_by(RT.FONT_TABLE).blob)
    for font in font_table.findall(qn("w:font")):
        alt = font.find(qn("w:altName"))
        if alt is not None:
            lines.append(f"font {font.get(qn('w:name'))} -> {alt.get(qn('w:val'))}")
    footer = section.footer.paragraphs[0]
    instr = "".join(t.text or "" for t in footer._p.iter(qn("w:instrText")))
    lines.append(f"footer {footer.alignment.name if footer.alignment else '-'} {footer.text!r} field={instr.strip()}")
    lines.append(f"title={document.core_properties.title}")
    body = document.element.body
    tables = iter(document.tables)
    paragraphs = iter(document.paragraphs)
    for child in body:
        if child.tag == qn("w:p"):
            lines.append(_paragraph(next(paragraphs)))
        elif child.tag == qn("w:tbl"):
            lines.extend(_table(next(tables)))
    return "\n".join(lines) + "\n"


def dump_xlsx(data: bytes) -> str:
    """Every sheet: its merged ranges and every non-empty cell with its type and number format."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    lines: list[str] = []
    for sheet in book.worksheets:
        lines.append(f"SHEET {sheet.title} dims={sheet.dimensions}")
        lines.append("  merged " + " ".join(sorted(str(r) for r in sheet.merged_cells.ranges)))
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                fmt = f" fmt={cell.number_format}" if cell.number_format != "General" else ""
                lines.append(f"  {cell.coordinate} {type(cell.value).__name__} {cell.value!r}{fmt}")
    return "\n".join(lines) + "\n"
