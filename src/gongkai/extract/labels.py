"""Matching printed row labels to the template's rows, tolerantly.

Printed labels differ from the template: numbering styles (``（一）``, ``(一)``, ``1.``, ``1、``), full- and
half-width punctuation, spaces inside words (``商 业 企 业``), labels wrapped over two lines
(``4.无正当理由大量`` … ``反复申请``), typos (``其他法律行政止公开``), and shortened forms (``部分公开``).
All of that is folded here, in one place, with named tolerances.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from gongkai.model.templates import RowSpec

_NUMERAL = "一二三四五六七八九十"
_NUMBERING = re.compile(
    rf"^(?:第?[{_NUMERAL}]+[、.．,，]|[（(][{_NUMERAL}\d]+[)）][、.．]?|\d{{1,2}}\s*[、.．,，](?!\d))\s*"
)
_DROP = re.compile(r"[\s()（）\[\]【】,，、.．:：;；“”\"'‘’「」《》<>〈〉·•\-－—_|/]+")


@dataclass(frozen=True)
class LabelSettings:
    """Tolerances of label matching, named once (see pdfplumber's TableSettings)."""

    min_ratio: float = 0.78  # SequenceMatcher ratio for a fuzzy match (typos, a dropped word)
    min_prefix: int = 4  # characters a wrapped label must keep to match by prefix
    min_prefix_share: float = 0.45  # …and the share of the full label it must keep

    def __post_init__(self) -> None:
        if not 0 < self.min_ratio <= 1:
            raise ValueError("min_ratio must be in (0, 1]")
        if self.min_prefix < 1:
            raise ValueError("min_prefix must be positive")


DEFAULT_LABEL_SETTINGS = LabelSettings()


_WHITESPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Width-folded text without spaces, as used for comparing labels."""
    if len(text) <= _SHORT:  # labels and cells recur within and across reports: fold each once
        return _fold_short(text)
    return _fold(text)


def _fold(text: str) -> str:
    return _WHITESPACE.sub("", nfkc(text))


_SHORT = 80
_fold_short = lru_cache(maxsize=8192)(_fold)


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster on Chinese text.

    CPython's NFKC is slow on text it must change (full-width punctuation makes most Chinese prose such text),
    about 0.2 µs a character. Two exact shortcuts: full-width punctuation is first replaced by its
    compatibility decomposition, which leaves the normal form as it is, and often leaves a normalised string;
    otherwise only the stretches between CJK unified ideographs are normalised, since an ideograph has no
    decomposition and takes part in no composition, so normalisation never reaches across it.
    """
    if unicodedata.is_normalized("NFKC", text):  # a quick check, most often conclusive
        return text
    for wide, narrow in _WIDE_PUNCTUATION:
        text = text.replace(wide, narrow)
    if unicodedata.is_normalized("NFKC", text):
        return text
    return _NOT_IDEOGRAPHS.sub(_nfkc_match, text)


_WIDE_PUNCTUATION = tuple((ch, unicodedata.normalize("NFKD", ch)) for ch in "，（）：；！？％")
_NOT_IDEOGRAPHS = re.compile("[^\u4e00-\u9fff]+")


def _nfkc_match(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def split_numbering(text: str) -> tuple[str, str]:
    """Separate leading numbering (one or more levels) from a label: ``（三）1.属于`` → (``(三)1.``, ``属于``)."""
    folded = unicodedata.normalize("NFKC", text).strip()
    folded = re.sub(r"^\s+", "", folded)
    numbering = ""
    while True:
        m = _NUMBERING.match(folded)
        if not m:
            break
        numbering += m.group(0).strip()
        folded = folded[m.end() :]
    return numbering, folded


def label_key(text: str) -> str:
    """The comparison key of a label: numbering, punctuation and spaces removed, widths folded."""
    _, rest = split_numbering(text)
    return _DROP.sub("", unicodedata.normalize("NFKC", rest))


@dataclass(frozen=True)
class LabelMatch:
    row: RowSpec
    score: float
    how: str  # "exact", "prefix", "fuzzy"


class Lexicon:
    """The labels of a set of template rows, indexed once; matches are memoised by printed text.

    Matching is the interpreter's hot path (every label cell of every report), so exact keys are a dict
    lookup and fuzzy comparisons are pre-filtered by length and difflib's cheap upper bounds.
    """

    def __init__(self, rows: Sequence[RowSpec], settings: LabelSettings = DEFAULT_LABEL_SETTINGS) -> None:
        self.rows = tuple(rows)
        self.settings = settings
        self._keys = [(row, key) for row in self.rows for key in _row_keys(row)]
        self._exact: dict[str, list[RowSpec]] = {}
        for row, key in self._keys:
            self._exact.setdefault(key, []).append(row)
        self._memo: dict[str, LabelMatch | None] = {}

    def match(self, text: str) -> LabelMatch | None:
        if text in self._memo:
            return self._memo[text]
        found = self._match(text)
        if len(self._memo) < 100_000:
            self._memo[text] = found
        return found

    def _match(self, text: str) -> LabelMatch | None:
        key = label_key(text)
        if not key:
            return None
        numbering, _ = split_numbering(text)
        best: LabelMatch | None = None
        for row, row_key in self._keys:
            score, how = _score(key, row_key, self.settings)
            if score <= 0:
                continue
            if numbering and row.number and _same_number(numbering, row.number):
                score += 0.01
            if best is None or score > best.score:
                best = LabelMatch(row, score, how)
        return best


def _row_keys(row: RowSpec) -> tuple[str, ...]:
    return tuple(dict.fromkeys(label_key(x) for x in (row.label, *row.aliases)))


_LEXICONS: dict[tuple[int, ...], Lexicon] = {}


def match_row(
    text: str,
    rows: Sequence[RowSpec] | Lexicon,
    settings: LabelSettings = DEFAULT_LABEL_SETTINGS,
) -> LabelMatch | None:
    """The template row a printed label names, or None when it names none of them clearly.

    Exact keys win; then a wrapped label's surviving prefix; then a close fuzzy match. Ties between rows are
    broken by the printed numbering (``3.其他`` is the （六） sub-row 3, not another ``其他``).
    """
    if isinstance(rows, Lexicon):
        return rows.match(text)
    return lexicon(rows, settings).match(text)


def lexicon(rows: Sequence[RowSpec], settings: LabelSettings = DEFAULT_LABEL_SETTINGS) -> Lexicon:
    """The shared lexicon of these rows (one per set of row objects, so its memo serves every caller).

    A caller matching many labels against the same rows keeps the lexicon and passes it to ``match_row``."""
    ident = (*map(id, rows), id(settings))
    found = _LEXICONS.get(ident)
    if found is None:
        found = _LEXICONS[ident] = Lexicon(rows, settings)
    return found


def _same_number(printed: str, template: str) -> bool:
    return label_digits(printed)[-1:] == label_digits(template)[-1:]


def label_digits(numbering: str) -> str:
    """Numbering reduced to its numerals, e.g. ``(三)1.`` → ``三1``."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", numbering) if ch.isdigit() or ch in _NUMERAL)


def _score(key: str, row_key: str, settings: LabelSettings) -> tuple[float, str]:
    if key == row_key:
        return 1.0, "exact"
    short, long_ = (key, row_key) if len(key) < len(row_key) else (row_key, key)
    if (
        long_.startswith(short)
        and len(short) >= settings.min_prefix
        and len(short) >= settings.min_prefix_share * len(long_)
        and short == key  # a printed fragment of the label, not a longer text that happens to start with it
    ):
        return 0.9, "prefix"
    if abs(len(key) - len(row_key)) > max(4, len(row_key) // 2) or len(row_key) < 3:
        return 0.0, ""
    matcher = SequenceMatcher(None, key, row_key, autojunk=False)
    if matcher.real_quick_ratio() < settings.min_ratio or matcher.quick_ratio() < settings.min_ratio:
        return 0.0, ""
    ratio = matcher.ratio()
    if ratio >= settings.min_ratio and len(row_key) >= 3:
        return ratio * 0.89, "fuzzy"
    return 0.0, ""


def contains_any(text: str, needles: Iterable[str]) -> bool:
    folded = fold(text)
    return any(fold(n) in folded for n in needles)
