"""Renderers: a ``Report`` → the bytes of a file in the official layout, registered by format name.

>>> from gongkai.render import RENDERERS, render
>>> sorted(RENDERERS)
['docx', 'html', 'json', 'md', 'pdf', 'tsv', 'wordlines', 'xlsx']

Every renderer prints what the model holds — blanks blank, money with its decimals, only the tables the
report has — and none computes findings. The layout (title, sections, table grids with merged cells) is
built once in ``gongkai.render.layout`` and shared by all formats.

``pdf`` is optional: it converts the DOCX with LibreOffice (``gongkai.render.pdf``), so it needs the Debian
package named in ``Renderer.requires``; without it, rendering raises ``LibreOfficeMissing`` (a
``GongkaiError`` saying what to install). Every other format is pure Python.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from gongkai.errors import GongkaiError
from gongkai.model.report import Report


class UnknownRenderFormat(GongkaiError):
    """The requested output format has no renderer."""

    def __init__(self, fmt: str) -> None:
        self.format = fmt
        super().__init__(f"未知的输出格式「{fmt}」（可用格式：{'、'.join(sorted(RENDERERS))}）")


@dataclass(frozen=True)
class Renderer:
    """One output format: its name, file extension, media type and the function producing the bytes."""

    name: str
    extension: str
    media_type: str
    description: str
    func: Callable[[Report], bytes]
    requires: str = ""  # the system package an optional format needs ("" when pure Python)

    def __call__(self, report: Report) -> bytes:
        return self.func(report)


def _md(report: Report) -> bytes:
    from gongkai.render.text import render_markdown

    return render_markdown(report)


def _tsv(report: Report) -> bytes:
    from gongkai.render.text import render_tsv

    return render_tsv(report)


def _wordlines(report: Report) -> bytes:
    from gongkai.render.text import render_wordlines

    return render_wordlines(report)


def _html(report: Report) -> bytes:
    from gongkai.render.html import render_html

    return render_html(report)


def _docx(report: Report) -> bytes:
    from gongkai.render.docx import render_docx

    return render_docx(report)


def _xlsx(report: Report) -> bytes:
    from gongkai.render.xlsx import render_xlsx

    return render_xlsx(report)


def _pdf(report: Report) -> bytes:
    from gongkai.render.pdf import render_pdf

    return render_pdf(report)


def _json(report: Report) -> bytes:
    return (json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (
        Renderer("md", ".md", "text/markdown; charset=utf-8", "Markdown：标题、章节与管道表格", _md),
        Renderer("html", ".html", "text/html; charset=utf-8", "独立网页（含打印样式，A4）", _html),
        Renderer(
            "docx",
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word 文档（公文版式，A4，合并单元格）",
            _docx,
        ),
        Renderer(
            "pdf",
            ".pdf",
            "application/pdf",
            "PDF（由 LibreOffice 转换 Word 文档；可选，需安装 libreoffice-writer-nogui）",
            _pdf,
            requires="libreoffice-writer-nogui",
        ),
        Renderer(
            "xlsx",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel 工作簿（每张统计表一个工作表）",
            _xlsx,
        ),
        Renderer("tsv", ".txt", "text/plain; charset=utf-8", "制表符分隔文本（每行一个表格行）", _tsv),
        Renderer("wordlines", ".txt", "text/plain; charset=utf-8", "Word 导出文本（每行一个单元格）", _wordlines),
        Renderer("json", ".json", "application/json", "报告模型 JSON（gongkai parse --format json 的格式）", _json),
    )
}


def renderer(fmt: str) -> Renderer:
    """The renderer of a format name (case-insensitive), or ``UnknownRenderFormat``."""
    found = RENDERERS.get(fmt.strip().lower())
    if found is None:
        raise UnknownRenderFormat(fmt)
    return found


def render(report: Report, fmt: str) -> bytes:
    """The report as a file of the given format (``md``, ``html``, ``docx``, ``pdf``, ``xlsx``, ``tsv``,
    ``wordlines``, ``json``).

    >>> from gongkai.readers import read
    >>> report = read("../shared/seeds/002_557b3571ae78e526.txt")  # doctest: +SKIP
    >>> render(report, "md").decode()[:30]  # doctest: +SKIP
    '# 陆浑镇人民政府2021年政府信息公开工作年度报告\\n'
    """
    return renderer(fmt)(report)


__all__ = ["RENDERERS", "Renderer", "UnknownRenderFormat", "render", "renderer"]
