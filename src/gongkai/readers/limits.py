"""Bounds on what a reader accepts, so hostile files fail fast with a clear error instead of eating memory."""

from __future__ import annotations

import os
from dataclasses import dataclass

from gongkai.errors import HostileInput

# Raises the PDF work budget (``ReadLimits.pdf_work_per_mb``) for an office that meets a long real report
# refused as too much work: about 25 pages fit under 1 MB by default. The price is that a hostile file may
# then take proportionally longer before it is refused.
WORK_ENV_VAR = "GONGKAI_PDF_WORK_PER_MB"


@dataclass(frozen=True)
class ReadLimits:
    max_file_bytes: int = 64 * 1024 * 1024  # the file as stored (PDF and DOCX may embed images)
    max_text_bytes: int = 16 * 1024 * 1024  # text, Markdown and HTML: real reports are well under 1 MB
    max_unpacked_bytes: int = 200 * 1024 * 1024  # all parts of a ZIP container (DOCX) once inflated
    max_part_bytes: int = 64 * 1024 * 1024  # one part of a ZIP container once inflated
    max_compression_ratio: float = 200.0  # inflated / stored, for any ZIP member over 1 MB inflated
    max_zip_members: int = 2000
    max_html_nodes: int = 2_000_000
    # Grid positions of all tables of a document once merged cells are expanded (HTML, DOCX). The statutory
    # tables hold about 600; each position costs some 8 µs to read and interpret and about 500 bytes, so a 35 KB
    # DOCX whose rows span 1000 columns (918 000 positions) took 7 s and 600 MB before this bound.
    max_grid_cells: int = 200_000
    # Paragraphs (blocks) of a document. A report has a few hundred; 1 MB of "1\n" lines is 500 000 of them and
    # took 10 s and 635 MB to interpret. Over a hundred times a real report, about 1 s of work.
    max_paragraphs: int = 50_000
    max_pdf_pages: int = 500
    # Work the PDF reader may do per MB of file (at least one MB's worth), in units of about a microsecond of
    # CPU: tokens parsed, glyphs, path segments and images drawn, Form XObjects entered, font tables and
    # character maps expanded, bytes decoded (costs measured in ``gongkai.readers.pdfsafe``). The contract
    # is 5 s of CPU per MB; 2.5 s of counted work leaves room for what is not counted and for a loaded
    # machine. The corpus reports (6 and 5 pages, 413 and 294 KB) cost about 0.55 million units each, some
    # 90 000 a page, so a report under 1 MB may have about 25 pages; hostile files ask for billions.
    pdf_work_per_mb: int = 2_500_000
    # Glyphs, paths and images on one PDF page: each costs about 2 KB while the page is laid out (500 000
    # glyphs took 1 GB). A report page holds a few thousand.
    max_pdf_page_objects: int = 100_000
    # Form XObjects drawn inside Form XObjects: reports nest one or two deep; each level is a recursion of
    # the interpreter.
    max_pdf_form_depth: int = 16

    @property
    def grid_budget(self) -> int:
        """Grid positions a document's tables may expand to: the grid bound, and never more elements than a
        page may have."""
        return min(self.max_grid_cells, self.max_html_nodes)

    def __post_init__(self) -> None:
        for name in (
            "max_file_bytes", "max_text_bytes", "max_unpacked_bytes", "max_part_bytes", "max_zip_members",
            "max_grid_cells", "max_paragraphs", "max_pdf_pages", "pdf_work_per_mb", "max_pdf_page_objects",
            "max_pdf_form_depth",
        ):  # fmt: skip
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")




def environment_limits() -> ReadLimits:
    """The default limits, with the PDF work budget from ``GONGKAI_PDF_WORK_PER_MB`` when it is set."""
    value = os.environ.get(WORK_ENV_VAR, "").strip()
    if not value:
        return ReadLimits()
    if not value.isdigit() or int(value) <= 0:
        raise ValueError(f"{WORK_ENV_VAR} 应为正整数（每 MB 允许的 PDF 工作量），实为“{value}”")
    return ReadLimits(pdf_work_per_mb=int(value))


DEFAULT_LIMITS = environment_limits()


def too_many_paragraphs(source: str, limits: ReadLimits) -> HostileInput:
    """The error for a document past ``max_paragraphs`` (each reader counts its own)."""
    return HostileInput(
        source, f"段落过多（超过 {limits.max_paragraphs} 段），拒绝读取", "年度报告正文通常只有几百段，请确认文件无误"
    )
