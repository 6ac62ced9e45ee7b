"""Bounds on what a reader accepts, so hostile files fail fast with a clear error instead of eating memory."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadLimits:
    max_file_bytes: int = 64 * 1024 * 1024  # the file as stored (PDF and DOCX may embed images)
    max_text_bytes: int = 16 * 1024 * 1024  # text, Markdown and HTML: real reports are well under 1 MB
    max_unpacked_bytes: int = 200 * 1024 * 1024  # all parts of a ZIP container (DOCX) once inflated
    max_part_bytes: int = 64 * 1024 * 1024  # one part of a ZIP container once inflated
    max_compression_ratio: float = 200.0  # inflated / stored, for any ZIP member over 1 MB inflated
    max_zip_members: int = 2000
    max_html_nodes: int = 2_000_000
    max_pdf_pages: int = 500

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_text_bytes", "max_unpacked_bytes", "max_part_bytes", "max_zip_members"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")


DEFAULT_LIMITS = ReadLimits()
