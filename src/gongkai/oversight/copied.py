"""Copied text (内容雷同): narratives of different agencies of one year, or of one agency and its last year's
report, that share most of their wording, with the shared passages and their positions in both texts.

How it works, and why so:

1. **Only the narrative** (the six sections' text, never the tables) is compared, **normalised**: full-width
   forms folded, whitespace and punctuation dropped, every run of digits masked as ``0`` (so that changing
   only the figures does not hide a copy), and the agency's own name and its stem masked as ``＠`` (so that
   changing only the name does not hide it either).
2. **Template wording does not count.** A sentence is dropped before comparing when it is
   * imposed by the statute or the national template (国办公开办函〔2021〕30号): the six section headings and
     the five subsection headings of 一、总体情况, the standard opening “本报告根据《中华人民共和国政府信息公开条例》…
     编制”, “现将……报告如下”, the statistics-period and where-to-download sentences
     (:data:`STATUTORY_SENTENCES`); or
   * printed by many unrelated agencies of the compared reports: at least ``template_agencies`` agencies and
     at least ``template_share`` of them (:func:`template_sentences`). Text that many agencies print is a
     common model, not a copy between two of them; what is evidence of copying is wording that few others
     share. Both numbers are in :class:`CopyThresholds`.
3. **Shingles**: every run of ``shingle`` (8) normalised characters is hashed. An **inverted index** from
   shingle to narratives yields the candidate pairs without comparing all pairs; a shingle found in more than
   ``max_df`` narratives is left out of the index (it is template wording the stop-list did not catch, and
   indexing it would cost quadratic time).
4. **Similarity** of a pair is the share of the shorter narrative's shingles found in the other (containment:
   copying a short report into a longer one is copying too); the Jaccard index is reported beside it.
5. **Passages**: the longest common runs of normalised characters, found from the shared shingles (so a
   passage moved elsewhere is found too), each mapped back to its section and character offsets in both
   original texts.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from gongkai.model.report import SECTION_HEADINGS, SectionKey

BREAK = "\x00"  # stands for removed text and section ends: no shingle or passage runs across it
NAME_MASK = "＠"
DIGIT_MASK = "0"
SENTENCE_END = re.compile(r"[。！？；!?;\n]")

SUBSECTION_HEADINGS = ("主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障")
# Sentences the statute and the national template make every agency print, as regular expressions over the
# normalised sentence (digits masked as 0, no punctuation).
STATUTORY_SENTENCES = tuple(
    re.compile(p)
    for p in (
        r"^本(年度)?报告(是)?(根据|依据|按照).{0,40}(政府信息公开条例|年度报告格式|国办公开办函)",
        r"^(根据|依据|按照)《?中华人民共和国政府信息公开条例.{0,80}(编制|制作|报告如下|形成)",
        r"^现将.{0,40}报告如下$",
        r"^本(年度)?报告中?(所列)?(的)?(数据)?(的)?统计期限",
        r"^本(年度)?报告(的)?电子版",
        r"^如对本(年度)?报告有(任何)?(疑问|疑义)",
        r"^[一二三四五六七八九十零0]*(" + "|".join(SUBSECTION_HEADINGS) + ")(情况|工作)?$",
    )
)


# The narrative sections: 二、三、四 are the statutory tables (whatever text a reader finds there is mostly table
# text, identical by template), so only 一、总体情况, 五、存在的主要问题及改进情况 and 六、其他需要报告的事项 are compared.
NARRATIVE_SECTIONS = (SectionKey.OVERVIEW.value, SectionKey.PROBLEMS.value, SectionKey.OTHER.value)


@dataclass(frozen=True)
class CopyThresholds:
    """The knobs of copied-text detection; the defaults are the documented ones."""

    shingle: int = 8  # characters per shingle: long enough that two unrelated reports rarely share one
    min_similarity: float = 0.5  # between agencies: half of the shorter narrative found in the other
    min_similarity_last_year: float = 0.8  # with last year's own report: most of it unchanged
    min_shared: int = 40  # and at least this many shared shingles (about 50 characters), so two short texts
    min_passage: int = 20  # shortest passage reported, in normalised characters
    max_df: int = 50  # a shingle in more narratives than this is template wording: left out of the index
    template_agencies: int = 5  # a sentence printed by this many agencies …
    template_share: float = 0.02  # … and by this share of them is template wording
    min_template_sentence: int = 8  # shorter sentences ("一是加强领导") are never template, never copying alone


DEFAULT_THRESHOLDS = CopyThresholds()


@dataclass(frozen=True)
class Narrative:
    """The narrative of one report version: its sections' (heading, text), in report order."""

    report_id: int
    agency: str  # normalised name
    year: int
    sections: tuple[tuple[str, str], ...]
    printed_agency: str = ""


def narrative_of(
    report_id: int, agency: str, year: int, sections: Iterable[tuple[str, str, str]], printed_agency: str = ""
) -> Narrative:
    """The narrative of a report from its sections' (key, heading, text): the narrative sections only."""
    kept = tuple((heading, text) for key, heading, text in sections if key in NARRATIVE_SECTIONS and text.strip())
    return Narrative(report_id, agency, year, kept, printed_agency)


@dataclass(frozen=True)
class Passage:
    """A passage printed in both narratives: section heading and [start, end) character offsets in each."""

    section: str
    start: int
    end: int
    other_section: str
    other_start: int
    other_end: int
    text: str  # as printed in the first narrative
    length: int  # normalised characters shared


@dataclass(frozen=True)
class CopiedText:
    report_id: int
    other_report_id: int
    same_agency: bool  # True: with the agency's own report of the year before
    similarity: float  # containment, 0…1
    jaccard: float
    shared: int  # shared shingles
    passages: tuple[Passage, ...]


@dataclass
class _Normalised:
    text: str
    # For each normalised character: (section index, offset in the section's original text).
    positions: list[tuple[int, int]] = field(default_factory=list)


_HEADING_KEYS: frozenset[str] = frozenset()  # set below, once sentence_key is defined


def _masks(narrative: Narrative) -> list[str]:
    from gongkai.rules.gazetteer import STEM_SUFFIXES

    names = {narrative.agency, narrative.printed_agency}
    for name in list(names):
        for tail in ("人民政府办公室", "人民政府办公厅", "人民政府", "政府", "办事处", "党委"):
            if name.endswith(tail) and len(name) > len(tail) + 1:
                names.add(name[: -len(tail)])
    for name in list(names):
        for suffix in STEM_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                names.add(name[: -len(suffix)])
                break
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def sentence_key(sentence: str, masks: Sequence[str] = ()) -> str:
    """A sentence as compared: folded, without whitespace or punctuation, digit runs as 0, and without the
    agency's own names (``masks``), so that the same sentence of two agencies is one key."""
    return "".join(_norm_chars(sentence, masks, 0, 0, None)).replace(NAME_MASK, "")


_TOKENS = re.compile(r"(?P<digits>\d+)|(?P<cjk>[\u4e00-\u9fff]+)|(?P<other>.)", re.S)


def _mask_spans(text: str, masks: Sequence[str]) -> list[tuple[int, int]]:
    """Where the agency's own names are printed, longest name first, none overlapping."""
    spans: list[tuple[int, int]] = []
    for mask in masks:  # longest first
        at = text.find(mask)
        while at >= 0:
            end = at + len(mask)
            if all(end <= s or at >= e for s, e in spans):
                spans.append((at, end))
            at = text.find(mask, end)
    return sorted(spans)


def _norm_chars(
    text: str, masks: Sequence[str], section: int, base: int, positions: list[tuple[int, int]] | None
) -> list[str]:
    """The normalised characters of ``text``; with ``positions``, each one's (section, offset) is appended there
    (only the pairs found need them, so the bulk pass does without)."""
    chars: list[str] = []
    cursor = 0
    for span_start, span_end in [*_mask_spans(text, masks), (len(text), len(text))]:
        for m in _TOKENS.finditer(text, cursor, span_start):
            kind, start = m.lastgroup, m.start()
            if kind == "cjk":  # the bulk of the text, and its own NFKC form: taken as a whole run
                chars.extend(m.group())
                if positions is not None:
                    positions.extend((section, i) for i in range(base + start, base + m.end()))
                continue
            c = DIGIT_MASK if kind == "digits" else unicodedata.normalize("NFKC", m.group())[:1]
            if c.isdigit():
                if chars and chars[-1] == DIGIT_MASK:
                    continue
                c = DIGIT_MASK
            elif not c or unicodedata.category(c)[0] in "PZSC":
                continue
            chars.append(c)
            if positions is not None:
                positions.append((section, base + start))
        if span_start < len(text):
            chars.append(NAME_MASK)
            if positions is not None:
                positions.append((section, base + span_start))
        cursor = span_end
    return chars


def _sentences(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        out.append((start, text[start : m.end()]))
        start = m.end()
    if start < len(text):
        out.append((start, text[start:]))
    return out


def is_statutory(key: str) -> bool:
    """Whether a normalised sentence is wording the statute or the national template imposes."""
    return key in _HEADING_KEYS or any(p.search(key) for p in STATUTORY_SENTENCES)


_HEADING_KEYS = frozenset(sentence_key(h) for h in SECTION_HEADINGS.values())

_Unit = tuple[int, str]  # (section index, normalised sentence with the name masks)


def _units(narrative: Narrative) -> list[_Unit]:
    masks = _masks(narrative)
    return [
        (index, "".join(_norm_chars(sentence, masks, index, start, None)))
        for index, (_heading, text) in enumerate(narrative.sections)
        for start, sentence in _sentences(text)
    ]


def _template_keys(units: Iterable[tuple[str, list[_Unit]]], thresholds: CopyThresholds) -> set[str]:
    agencies_of: dict[str, set[str]] = defaultdict(set)
    agencies: set[str] = set()
    for agency, sentences in units:
        agencies.add(agency)
        for _index, unit in sentences:
            key = unit.replace(NAME_MASK, "")
            if len(key) >= thresholds.min_template_sentence:
                agencies_of[key].add(agency)
    needed = max(thresholds.template_agencies, math.ceil(thresholds.template_share * len(agencies)))
    return {key for key, who in agencies_of.items() if len(who) >= needed}


def template_sentences(narratives: Iterable[Narrative], thresholds: CopyThresholds = DEFAULT_THRESHOLDS) -> set[str]:
    """The sentence keys printed by at least ``template_agencies`` agencies and ``template_share`` of them."""
    return _template_keys(((n.agency, _units(n)) for n in narratives), thresholds)


def _stream(units: Iterable[_Unit], stop: set[str]) -> str:
    chars: list[str] = []
    section = -1
    for index, unit in units:
        if index != section and chars and chars[-1] != BREAK:
            chars.append(BREAK)
        section = index
        if not unit:
            continue
        key = unit.replace(NAME_MASK, "")
        if key in stop or is_statutory(key):
            if chars and chars[-1] != BREAK:
                chars.append(BREAK)
            continue
        chars.append(unit)
    return "".join(chars)


def normalise_narrative(narrative: Narrative, stop: set[str]) -> _Normalised:
    """The narrative as compared, with template sentences and section ends replaced by :data:`BREAK`, and the
    place in the original text of every character."""
    masks = _masks(narrative)
    out = _Normalised("")
    chars: list[str] = []
    for index, (_heading, text) in enumerate(narrative.sections):
        for start, sentence in _sentences(text):
            positions: list[tuple[int, int]] = []
            s_chars = _norm_chars(sentence, masks, index, start, positions)
            if not s_chars:
                continue
            key = "".join(s_chars).replace(NAME_MASK, "")
            if key in stop or is_statutory(key):
                if chars and chars[-1] != BREAK:
                    chars.append(BREAK)
                    out.positions.append((index, start))
                continue
            chars.extend(s_chars)
            out.positions.extend(positions)
        if chars and chars[-1] != BREAK:
            chars.append(BREAK)
            out.positions.append((index, len(text)))
    out.text = "".join(chars)
    return out


def shingles(text: str, size: int) -> set[int]:
    return {hash(text[i : i + size]) for i in range(len(text) - size + 1) if BREAK not in text[i : i + size]}


def _candidate_pairs(
    sets: Sequence[set[int]], members: Sequence[int], thresholds: CopyThresholds
) -> list[tuple[int, int]]:
    """The pairs of ``members`` sharing at least ``min_shared`` indexed shingles: an inverted index, sorted with
    numpy (a shingle's posting list is a run of equal hashes), so no pair of narratives is compared blindly."""
    lengths = np.fromiter((len(sets[i]) for i in members), dtype=np.int64, count=len(members))
    total = int(lengths.sum())
    if total == 0:
        return []
    hashes = np.fromiter((h for i in members for h in sets[i]), dtype=np.int64, count=total)
    owners = np.repeat(np.asarray(members, dtype=np.int64), lengths)
    order = np.argsort(hashes, kind="stable")
    hashes, owners = hashes[order], owners[order]
    starts = np.concatenate(([0], np.flatnonzero(np.diff(hashes)) + 1))
    sizes = np.diff(np.concatenate((starts, [total])))
    keys: list[np.ndarray] = []
    n = np.int64(max(members) + 1)
    twos = starts[sizes == 2]
    if len(twos):
        a, b = owners[twos], owners[twos + 1]
        keys.append(np.minimum(a, b) * n + np.maximum(a, b))
    crowded = (sizes > 2) & (sizes <= thresholds.max_df)  # wider postings are template wording: left out
    for start, size in zip(starts[crowded], sizes[crowded], strict=True):
        group = np.sort(owners[start : start + size])
        left, right = np.triu_indices(len(group), k=1)
        keys.append(group[left] * n + group[right])
    if not keys:
        return []
    pairs, counts = np.unique(np.concatenate(keys), return_counts=True)
    chosen = pairs[counts >= thresholds.min_shared]
    return [(int(k // n), int(k % n)) for k in chosen]


def find_copied_text(
    narratives: Sequence[Narrative],
    thresholds: CopyThresholds = DEFAULT_THRESHOLDS,
    *,
    stop: set[str] | None = None,
) -> list[CopiedText]:
    """Every pair of narratives of different agencies of one year, and of one agency in consecutive years, whose
    similarity reaches the thresholds; one :class:`CopiedText` per pair (the lower position in ``narratives``
    first, for a pair of one year; this year's first, with last year's)."""
    units = [_units(n) for n in narratives]
    if stop is None:
        stop = _template_keys(zip((n.agency for n in narratives), units, strict=True), thresholds)
    sets = [shingles(_stream(u, stop), thresholds.shingle) for u in units]
    normalised: dict[int, _Normalised] = {}
    found: list[CopiedText] = []

    by_year: dict[int, list[int]] = defaultdict(list)
    for index, narrative in enumerate(narratives):
        by_year[narrative.year].append(index)
    for members in by_year.values():
        for a, b in _candidate_pairs(sets, members, thresholds):
            if narratives[a].agency == narratives[b].agency:
                continue
            pair = _pair(narratives, normalised, stop, sets, a, b, thresholds, thresholds.min_similarity)
            if pair is not None:
                found.append(pair)

    latest: dict[tuple[str, int], int] = {(n.agency, n.year): i for i, n in enumerate(narratives)}
    for i, narrative in enumerate(narratives):
        j = latest.get((narrative.agency, narrative.year - 1))
        if j is not None:
            pair = _pair(narratives, normalised, stop, sets, i, j, thresholds, thresholds.min_similarity_last_year)
            if pair is not None:
                found.append(pair)
    found.sort(key=lambda c: (c.report_id, c.other_report_id))
    return found


def _pair(
    narratives: Sequence[Narrative],
    normalised: dict[int, _Normalised],
    stop: set[str],
    sets: Sequence[set[int]],
    a: int,
    b: int,
    thresholds: CopyThresholds,
    minimum: float,
) -> CopiedText | None:
    common = len(sets[a] & sets[b])
    smaller = min(len(sets[a]), len(sets[b]))
    if smaller == 0 or common < thresholds.min_shared:
        return None
    similarity = common / smaller
    if similarity < minimum:
        return None
    jaccard = common / len(sets[a] | sets[b])
    for i in (a, b):
        if i not in normalised:
            normalised[i] = normalise_narrative(narratives[i], stop)
    passages = common_passages(narratives[a], normalised[a], narratives[b], normalised[b], thresholds)
    return CopiedText(
        narratives[a].report_id, narratives[b].report_id, narratives[a].agency == narratives[b].agency,
        round(similarity, 4), round(jaccard, 4), common, passages,
    )


def common_passages(
    first: Narrative, a: _Normalised, second: Narrative, b: _Normalised, thresholds: CopyThresholds
) -> tuple[Passage, ...]:
    """The longest common runs of the two normalised texts, longest first, each at least ``min_passage`` long and
    none overlapping another in the first text."""
    k = thresholds.shingle
    where_in_b: dict[str, list[int]] = defaultdict(list)
    for j in range(len(b.text) - k + 1):
        piece = b.text[j : j + k]
        if BREAK not in piece:
            where_in_b[piece].append(j)
    runs: list[tuple[int, int, int]] = []  # (length, start in a, start in b)
    i = 0
    while i <= len(a.text) - k:
        best_length, best_j = 0, -1
        for j in where_in_b.get(a.text[i : i + k], ()):
            length = k
            while (
                i + length < len(a.text)
                and j + length < len(b.text)
                and a.text[i + length] == b.text[j + length]
                and a.text[i + length] != BREAK
            ):
                length += 1
            if length > best_length:
                best_length, best_j = length, j
        if best_length >= thresholds.min_passage:
            runs.append((best_length, i, best_j))
            i += best_length
        else:
            i += 1
    runs.sort(key=lambda r: (-r[0], r[1]))
    return tuple(_passage(first, a, second, b, length, i, j) for length, i, j in runs)


def _passage(
    first: Narrative, a: _Normalised, second: Narrative, b: _Normalised, length: int, i: int, j: int
) -> Passage:
    a_section, a_start = a.positions[i]
    a_last_section, a_last = a.positions[i + length - 1]
    b_section, b_start = b.positions[j]
    _b_last_section, b_last = b.positions[j + length - 1]
    a_text = first.sections[a_section][1]
    end = a_last + 1 if a_last_section == a_section else len(a_text)
    return Passage(
        section=first.sections[a_section][0],
        start=a_start,
        end=end,
        other_section=second.sections[b_section][0],
        other_start=b_start,
        other_end=b_last + 1,
        text=a_text[a_start:end],
        length=length,
    )


__all__ = [
    "DEFAULT_THRESHOLDS",
    "NARRATIVE_SECTIONS",
    "STATUTORY_SENTENCES",
    "CopiedText",
    "CopyThresholds",
    "Narrative",
    "Passage",
    "common_passages",
    "find_copied_text",
    "is_statutory",
    "narrative_of",
    "normalise_narrative",
    "sentence_key",
    "shingles",
    "template_sentences",
]
