"""Joining text runs the way a reader sees them: markup breaks text into runs, the page shows one line.

HTML splits a label over ``<span>``/``<font>``/``<p>``/``<br>`` and pads it with ``&nbsp;``; Word splits it
over runs and paragraphs. Both readers collect the raw runs, with whitespace (``"\\n"``) at every break, and
call ``natural_text``: whitespace runs collapse to one space, and a space between two Chinese characters
disappears (``社会 公益 组织`` → ``社会公益组织``) while one between words or numbers stays
(``行政许可 97``).
"""

from __future__ import annotations

import re
from functools import lru_cache

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


def natural_text(raw: str) -> str:
    """Runs of text joined as printed.

    >>> natural_text("社会\\n公益 \\u00a0 \\u00a0\\n组织\\u00a0")
    '社会公益组织'
    >>> natural_text("行政许可\\u00a097")
    '行政许可 97'
    """
    if len(raw) <= _MEMO_LENGTH:  # table cells: the same few texts ("\\n0\\n") over and over
        return _natural_memo(raw)
    return _natural(raw)


_MEMO_LENGTH = 64


def _natural(raw: str) -> str:
    if raw.isascii():  # no invisible characters, no CJK gaps: only the whitespace to collapse
        return " ".join(raw.split())
    text = " ".join(_INVISIBLE.sub("", raw).split())  # str.split() splits at exactly the characters \s matches
    return _GAP.sub("", text) if " " in text else text


_natural_memo = lru_cache(maxsize=4096)(_natural)
