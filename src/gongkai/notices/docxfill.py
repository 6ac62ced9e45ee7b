"""Filling ``{{占位符}}`` in a DOCX template, wherever Word put the characters.

Word splits a paragraph's text into runs at its own discretion: after an edit, a spell-check mark or a change of
formatting ``{{申请人}}`` may be stored as ``{{申`` + ``请人}}`` in two runs, or inside a hyperlink or a tracked
insertion. So a paragraph is read as the concatenation of all its ``w:t`` texts; each placeholder found there is
written into the text node where it starts (keeping that run's formatting) and cut out of the nodes it spans.

Placeholders are ``{{名称}}`` or, as typed with a Chinese input method, ``｛｛名称｝｝``; spaces inside are ignored.
A value with line breaks becomes line breaks (``w:br``) in its run. A paragraph made only of optional
placeholders that are all empty is removed, so an unused “补充说明” leaves no blank line. Anything left that
looks like a placeholder but is not complete is an error: a notice is never sent with braces in it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from copy import deepcopy

from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from gongkai.errors import GongkaiError

PLACEHOLDER = re.compile(r"(?:\{\{|｛｛)\s*([^{}｛｝]+?)\s*(?:\}\}|｝｝)")
BROKEN = re.compile(r"\{\{|\}\}|｛｛|｝｝")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in XML text; \t and \n are kept
W_P, W_T, W_R, W_BR, W_TC = qn("w:p"), qn("w:t"), qn("w:r"), qn("w:br"), qn("w:tc")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


class NoticeTemplateError(GongkaiError):
    """A template that cannot be filled: not a DOCX, an unknown or incomplete placeholder, a missing value."""


def _parts(data: bytes, source: str) -> tuple[object, list[etree._Element]]:
    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a file that is not a Word document
        raise NoticeTemplateError(f"{source}：不是有效的 Word（DOCX）文件（{type(exc).__name__}）") from exc
    roots: list[etree._Element] = [doc.element.body]
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer,
                     section.even_page_header, section.even_page_footer):
            if not part.is_linked_to_previous:
                roots.append(part._element)
    return doc, roots


def _paragraphs(roots: list[etree._Element]) -> Iterator[etree._Element]:
    for root in roots:  # body, headers and footers never share a paragraph
        yield from list(root.iter(W_P))


def _texts(p: etree._Element) -> list[etree._Element]:
    """The ``w:t`` nodes of this paragraph itself (not of a text box's paragraphs nested in it)."""
    return [t for t in p.iter(W_T) if next(t.iterancestors(W_P)) is p]


def placeholders_in(data: bytes, source: str = "模板") -> list[str]:
    """Every placeholder name in the template, in order of first appearance."""
    _doc, roots = _parts(data, source)
    names: dict[str, None] = {}
    for p in _paragraphs(roots):
        text = "".join(t.text or "" for t in _texts(p))
        for m in PLACEHOLDER.finditer(text):
            names.setdefault(m.group(1), None)
    return list(names)


def _replace(texts: list[etree._Element], start: int, end: int, value: str) -> None:
    """Replace characters [start, end) of the concatenated texts by ``value``, in the node where ``start`` lies."""
    pos = 0
    placed = False
    for t in texts:
        text = t.text or ""
        lo, hi = pos, pos + len(text)
        pos = hi
        if hi <= start or lo >= end:
            continue
        a, b = max(start, lo) - lo, min(end, hi) - lo
        t.text = text[:a] + (value if not placed else "") + text[b:]
        placed = True
        t.set(XML_SPACE, "preserve")


def _line_breaks(p: etree._Element) -> None:
    """A text node holding ``\\n`` becomes text, ``w:br``, text … within its run."""
    for t in _texts(p):
        text = t.text or ""
        if "\n" not in text:
            continue
        pieces = text.split("\n")
        t.text = pieces[0]
        anchor = t
        for piece in pieces[1:]:
            br = etree.Element(W_BR)
            anchor.addnext(br)
            nt = deepcopy(t)
            nt.text = piece
            nt.set(XML_SPACE, "preserve")
            br.addnext(nt)
            anchor = nt


def _removable(p: etree._Element) -> bool:
    parent = p.getparent()
    if parent is None:
        return False
    return not (parent.tag == W_TC and len(parent.findall(W_P)) <= 1)  # a table cell keeps one paragraph


def fill(
    data: bytes,
    values: Mapping[str, str],
    *,
    known: Mapping[str, str],
    optional: frozenset[str] = frozenset(),
    source: str = "模板",
) -> bytes:
    """The template with every placeholder replaced by its value.

    ``known`` maps every placeholder name a template may use to its description (for the error messages);
    a name not in it is an error, and so is a name without a value unless it is in ``optional``."""
    doc, roots = _parts(data, source)
    for p in list(_paragraphs(roots)):
        texts = _texts(p)
        full = "".join(t.text or "" for t in texts)
        matches = list(PLACEHOLDER.finditer(full))
        rest = PLACEHOLDER.sub("", full)
        broken = BROKEN.search(rest)
        if broken is not None:
            snippet = rest[max(broken.start() - 10, 0) : broken.end() + 10]
            raise NoticeTemplateError(f"{source}：有不完整的占位符（“{snippet}”），占位符应写作 {{{{名称}}}}")
        if not matches:
            continue
        filled: list[str] = []
        for m in matches:
            name = m.group(1)
            if name not in known:
                raise NoticeTemplateError(
                    f"{source}：未知的占位符「{name}」（可用：{'、'.join(known)}）"
                )
            value = _CONTROL.sub("", values.get(name) or "")
            if not value.strip() and name not in optional:
                raise NoticeTemplateError(f"文书缺少「{name}」（{known[name]}）：请在文书设置中填写，或在生成文书时给出")
            filled.append(value)
        if not rest.strip() and not "".join(filled).strip() and _removable(p):
            p.getparent().remove(p)  # type: ignore[union-attr]
            continue
        for m, value in reversed(list(zip(matches, filled, strict=True))):
            _replace(texts, m.start(), m.end(), value)
        _line_breaks(p)
    out = io.BytesIO()
    doc.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def document_text(data: bytes) -> str:
    """The text of a DOCX, one paragraph per line (line breaks inside a paragraph as ``\\n``): for tests and
    for checking a filled notice."""
    _doc, roots = _parts(data, "文书")
    lines = []
    for p in _paragraphs(roots):
        parts = []
        for node in p.iter(W_T, W_BR):
            if node.tag == W_BR:
                parts.append("\n")
            elif next(node.iterancestors(W_P)) is p:
                parts.append(node.text or "")
        lines.append("".join(parts))
    return "\n".join(lines)


__all__ = ["PLACEHOLDER", "NoticeTemplateError", "document_text", "fill", "placeholders_in"]
