"""Bounds on what a reader accepts, so hostile files fail fast with a clear error instead of eating memory."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.errors import HostileInput


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

    @property
    def grid_budget(self) -> int:
        """Grid positions a document's tables may expand to: the grid bound, and never more elements than a
        page may have."""
        return min(self.max_grid_cells, self.max_html_nodes)

    def __post_init__(self) -> None:
        for name in (
            "max_file_bytes", "max_text_bytes", "max_unpacked_bytes", "max_part_bytes", "max_zip_members",
            "max_grid_cells", "max_paragraphs",
        ):  # fmt: skip
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")


DEFAULT_LIMITS = ReadLimits()


def too_many_paragraphs(source: str, limits: ReadLimits) -> HostileInput:
    """The error for a document past ``max_paragraphs`` (each reader counts its own)."""
    return HostileInput(
        source, f"段落过多（超过 {limits.max_paragraphs} 段），拒绝读取", "年度报告正文通常只有几百段，请确认文件无误"
    )
