"""The report as one standalone, accessible HTML page in the official layout.

Real ``<table>`` elements with ``rowspan``/``colspan`` for the merged cells, a ``<caption>`` per table,
``<th scope>`` on every header (``col``/``colgroup`` above, ``row``/``rowgroup`` at the side), an embedded
stylesheet with an A4 print layout, no external assets, all text escaped.
"""

from __future__ import annotations

from html import escape

from gongkai.model.report import Report
from gongkai.render.layout import COLUMN_WIDTHS_MM, LayoutCell, ReportLayout, Role, TableLayout, build_layout

STYLE = """
:root { color-scheme: light; }
body {
  margin: 2em auto; max-width: 52em; padding: 0 1em; color: #000; background: #fff;
  font-family: "仿宋_GB2312", "仿宋", "FangSong", "STFangsong", serif; font-size: 16pt; line-height: 1.75;
}
h1 {
  font-family: "方正小标宋简体", "宋体", "SimSun", "Songti SC", serif; font-weight: normal;
  font-size: 22pt; line-height: 1.4; text-align: center; margin: 0 0 1em;
}
h1 span { display: inline-block; }
h2 { font-family: "黑体", "SimHei", "Heiti SC", sans-serif; font-weight: normal; font-size: 16pt; margin: 1em 0 .5em; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.date { text-indent: 0; text-align: center; }
table {
  border-collapse: collapse; width: 100%; table-layout: fixed; margin: .5em 0 1em;
  font-size: 10.5pt; line-height: 1.4;
}
table.t3, table.t4 { font-size: 9pt; }
caption { font-family: "黑体", "SimHei", sans-serif; font-size: 12pt; padding: .3em 0; }
th, td { border: 1px solid #000; padding: .25em .2em; vertical-align: middle; overflow-wrap: anywhere; }
th { font-weight: normal; text-align: center; }
th[scope="row"], table.t3 th[scope="rowgroup"] { text-align: left; }
td { text-align: center; font-variant-numeric: tabular-nums; }
td.note { font-size: .85em; text-align: left; }
@media print {
  @page {
    size: A4; margin: 37mm 26mm 35mm 28mm;
    @bottom-center { content: "— " counter(page) " —"; font-family: "宋体", "SimSun", serif; font-size: 14pt; }
  }
  body { margin: 0; max-width: none; padding: 0; }
  table { page-break-inside: auto; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
"""


def _cell(cell: LayoutCell) -> str:
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    text = escape(cell.text)
    if cell.role is Role.VALUE:
        return f'<td{attrs} data-cell="{escape(cell.cell_id)}">{text}</td>'
    if cell.role is Role.NOTE:
        return f'<td class="note"{attrs}>{text}</td>'
    scope = "rowgroup" if cell.role is Role.ITEM else cell.role.value
    return f'<th scope="{scope}"{attrs}>{text}</th>'


def _rows(table: TableLayout, start: int, stop: int) -> list[str]:
    rows = table.rows()
    return ["<tr>" + "".join(_cell(c) for c in rows[r]) + "</tr>" for r in range(start, stop)]


def _bodies(table: TableLayout) -> list[tuple[int, int]]:
    """Row ranges of the ``<tbody>`` groups: one per 第二十条 item in table 二, one for the others."""
    starts = [cell.row for cell in table.cells if cell.role is Role.ITEM] or [table.header_rows]
    return list(zip(starts, [*starts[1:], table.n_rows], strict=True))


def colgroup(table: TableLayout) -> str:
    """The column widths of the printed table (the DOCX widths, as percentages of the text width)."""
    widths = COLUMN_WIDTHS_MM[table.kind]
    total = sum(widths)
    return "<colgroup>" + "".join(f'<col style="width:{w / total:.2%}">' for w in widths) + "</colgroup>"


def html_table(table: TableLayout) -> list[str]:
    """The table with its header rows in ``<thead>`` (repeated on every printed page)."""
    caption = f"{table.number}　{table.caption}"
    lines = [f'<table class="{table.kind.value}">', f"<caption>{escape(caption)}</caption>", colgroup(table)]
    if table.header_rows:
        lines += ["<thead>", *_rows(table, 0, table.header_rows), "</thead>"]
    for start, stop in _bodies(table):
        lines += ["<tbody>", *_rows(table, start, stop), "</tbody>"]
    lines.append("</table>")
    return lines


def html_page(layout: ReportLayout) -> str:
    lines = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="gongkai">',
        f"<title>{escape(layout.title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        "<h1>" + "".join(f"<span>{escape(line)}</span>" for line in layout.title_lines) + "</h1>",
    ]
    if layout.date_line:
        lines.append(f'<p class="date">{escape(layout.date_line)}</p>')
    lines.append("</header>")
    for n, section in enumerate(layout.sections, start=1):
        lines += [f'<section aria-labelledby="s{n}">', f'<h2 id="s{n}">{escape(section.heading)}</h2>']
        if section.table is not None:
            lines += html_table(section.table)
        lines += [f"<p>{escape(para)}</p>" for para in section.paragraphs]
        lines.append("</section>")
    lines += ["</main>", "</body>", "</html>"]
    return "\n".join(lines) + "\n"


def render_html(report: Report) -> bytes:
    return html_page(build_layout(report)).encode("utf-8")
