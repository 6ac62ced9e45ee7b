"""The six statutory sections: found by their headings' words, not by their numbers.

Reports renumber sections (a Markdown conversion prints 一、主动公开政府信息情况), drop the numeral
(``1、 总体情况``) or run the heading into the text (crawler output). A heading is recognised by the words
of the statutory heading; its text runs to the next heading found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gongkai.extract.labels import fold
from gongkai.model.report import Provenance, Section, SectionKey

# Words that identify each heading; the first entry is the statutory wording.
HEADING_WORDS: dict[SectionKey, tuple[str, ...]] = {
    SectionKey.OVERVIEW: ("总体情况", "概述"),
    SectionKey.PROACTIVE: ("主动公开政府信息情况", "主动公开政府信息", "主动公开情况"),
    SectionKey.APPLICATIONS: (
        "收到和处理政府信息公开申请情况",
        "收到和处理政府信息公开申请",
        "依申请公开政府信息情况",
    ),
    SectionKey.APPEALS: ("政府信息公开行政复议、行政诉讼情况", "行政复议、行政诉讼情况", "行政法复议、行政诉讼"),
    SectionKey.PROBLEMS: ("存在的主要问题及改进情况", "存在的主要问题", "主要问题及改进", "存在问题及改进"),
    SectionKey.OTHER: ("其他需要报告的事项",),
}
_FOLDED_WORDS = {key: tuple(fold(w) for w in words) for key, words in HEADING_WORDS.items()}
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．]|\d\s*[、.．])")
MAX_HEADING = 40


@dataclass(frozen=True)
class TextLine:
    text: str
    provenance: Provenance
    is_heading: bool = False  # marked as a heading by the source (markdown #, Word heading style)


def heading_key(text: str, marked: bool = False) -> SectionKey | None:
    """The section a line is the heading of, if it is one."""
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_HEADING:
        return None
    folded = fold(stripped)
    numbered = bool(_NUMBERED.match(folded))
    for key, words in _FOLDED_WORDS.items():
        for word in words:
            if word in folded:
                if numbered or marked:
                    return key
                if key is SectionKey.APPEALS and "行政复议" in folded and "行政诉讼" in folded:
                    return key
    return None


def find_sections(lines: Sequence[TextLine]) -> tuple[Section, ...]:
    found: list[tuple[int, SectionKey]] = []
    seen: set[SectionKey] = set()
    for i, line in enumerate(lines):
        key = heading_key(line.text, line.is_heading)
        if key and key not in seen:
            seen.add(key)
            found.append((i, key))
    sections: list[Section] = []
    for n, (i, key) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(lines)
        body = "\n".join(ln.text for ln in lines[i + 1 : end])
        sections.append(Section(key, lines[i].text.strip(), body, lines[i].provenance))
    return tuple(sorted(sections, key=lambda s: list(SectionKey).index(s.key)))
