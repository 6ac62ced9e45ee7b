"""Joining text runs the way a reader sees them: markup breaks text into runs, the page shows one line.

HTML splits a label over ``<span>``/``<font>``/``<p>``/``<br>`` and pads it with ``&nbsp;``; Word splits it
over runs and paragraphs. Both readers collect the raw runs, with whitespace (``"\\n"``) at every break, and
call ``natural_text``: whitespace runs collapse to one space, and a space between two Chinese characters
disappears (``社会 公益 组织`` → ``社会公益组织``) while one between words or numbers stays
(``行政许可 97``).
"""

from __future__ import annotations

import re

# Characters written without spaces between them: CJK ideographs, CJK punctuation and the full-width
# punctuation of Chinese text. Full-width digits and dashes are left out on purpose: "１ ２" or "— —" are two
# printed values, never one.
_CJK = (
    "\u2e80-\u2fdf"  # radicals
    "\u3001-\u303f"  # CJK punctuation (not U+3000, the ideographic space)
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\ufe30-\ufe4f"  # CJK compatibility forms
    "\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f"  # ！（），：；？
    "\u201c\u201d\u2018\u2019"  # “”‘’
)
_GAP = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_SPACE = re.compile(r"\s+")  # str patterns: includes NBSP, U+3000 and the other Unicode spaces


def natural_text(raw: str) -> str:
    """Runs of text joined as printed.

    >>> natural_text("社会\\n公益 \\u00a0 \\u00a0\\n组织\\u00a0")
    '社会公益组织'
    >>> natural_text("行政许可\\u00a097")
    '行政许可 97'
    """
    text = _SPACE.sub(" ", _INVISIBLE.sub("", raw)).strip()
    return _GAP.sub("", text)
