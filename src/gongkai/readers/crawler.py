"""Crawler text renderings of report web pages (``page.txt`` of a site archive).

A header block of ``key: value`` lines (``标题: …``, ``发布时间: 2020-01-20 15:22``, ``发布机构:``, …) ends at
``==================== 正文 ====================``; then the whole body, usually on one line, with the table
cells run together (``规范性文件898989``). The reader only separates header from body: the body line is
kept as printed (one ``Paragraph`` per line) and the document is marked ``glued`` so the interpreter reads
its tables with ``gongkai.extract.glued``. Text without the header (a glued body saved alone) is read the
same way, without hints.
"""

from __future__ import annotations

import re

from gongkai.model.report import Provenance
from gongkai.readers.document import Paragraph, SourceDocument
from gongkai.readers.limits import DEFAULT_LIMITS, ReadLimits, too_many_paragraphs

READER = "crawler"
BODY_MARKER = re.compile(r"^\s*={3,}\s*正文\s*={3,}\s*$")
_HEADER_LINE = re.compile(r"^\s*(?P<key>[^:：\s][^:：]{0,15}?)\s*[:：]\s?(?P<value>.*?)\s*$")
TITLE_KEYS = ("标题", "题名", "title")
PUBLISHED_KEYS = ("发布时间", "发布日期", "成文日期", "时间", "date")


def parse_header(lines: list[str]) -> dict[str, str]:
    """The ``key: value`` lines above the body marker (lines without a colon are ignored)."""
    header: dict[str, str] = {}
    for line in lines:
        m = _HEADER_LINE.match(line)
        if m and m.group("key") not in header:
            header[m.group("key")] = m.group("value")
    return header


def _first(header: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = header.get(key, "").strip()
        if value:
            return value
    return None


def read_crawler_document(text: str, source: str, limits: ReadLimits = DEFAULT_LIMITS) -> SourceDocument:
    """Header hints and body paragraphs of a crawler rendering; ``glued`` is always set."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    marker = next((i for i, line in enumerate(lines[:200]) if BODY_MARKER.match(line)), None)
    header = parse_header(lines[:marker]) if marker is not None else {}
    doc = SourceDocument(
        source=source,
        reader=READER,
        title_hint=_first(header, TITLE_KEYS),
        published_hint=_first(header, PUBLISHED_KEYS),
        glued=True,
    )
    start = marker + 1 if marker is not None else 0
    for number, line in enumerate(lines[start:], start=start + 1):
        stripped = line.strip().lstrip("\ufeff")
        if stripped:
            if len(doc.blocks) >= limits.max_paragraphs:
                raise too_many_paragraphs(source, limits)
            doc.blocks.append(Paragraph(stripped, Provenance(source, READER, line=number, text=stripped)))
    return doc
