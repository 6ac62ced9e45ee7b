"""Report metadata: agency, report year, title and publication date, read from what the document prints.

Order of evidence: the title (``卫辉市孙杏村镇 2023 年政府信息公开工作年度报告``); a short line printed just
above it (``# 金村镇人民政府``); the statistical period (``自2024年1月1日至2024年12月31日``); the agency
as the subject of the opening sentence (``2024年，巨鹿镇根据……``); the signature at the end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from gongkai.extract.labels import fold

REPORT_TITLE = re.compile(r"(政府信息公开|政务公开)?(工作)?年度?报告|年报")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*度?")
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|—|-)")
_AGENCY_SUFFIX = (
    "人民政府办公厅|人民政府办公室|人民政府|政府办公厅|政府办公室|管理委员会|管委会|委员会|办公厅|办公室|"
    "街道办事处|街道|镇政府|乡政府|镇|乡|县|区|市|局|委|厅|署|院|中心"
)
_SUBJECT = re.compile(
    rf"(?:^|[，。；：,;:\s])(?:(?:19|20)\d{{2}}\s*年度?\s*[，,]?\s*)"
    rf"(?P<agency>[\u4e00-\u9fa5（）()]{{2,24}}?(?:{_AGENCY_SUFFIX}))"
    r"(?:坚持|根据|严格|紧紧|认真|深入|围绕|在|以|高度|始终|持续|全面|按照|积极|扎实|聚焦|紧扣|着力|不断|进一步|继续|依据|共)"
)
_SIGNATURE = re.compile(rf"^(?P<agency>[\u4e00-\u9fa5]{{2,24}}(?:{_AGENCY_SUFFIX}))$")
_AGENCY_LINE = re.compile(rf"^[\u4e00-\u9fa5（）()]{{2,30}}(?:{_AGENCY_SUFFIX})$")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_TITLE_NOISE = re.compile(r"^(关于|标题[:：])")


@dataclass(frozen=True)
class MetaGuess:
    agency: str | None
    agency_source: str
    year: int | None
    title: str | None
    published: dt.date | None


def find_title(paragraphs: Sequence[str], hint: str | None = None) -> tuple[str | None, int | None]:
    """The report title and its paragraph index (None when it was given outside the body)."""
    if hint and REPORT_TITLE.search(hint):
        return hint.strip(), None
    candidates = [
        (i, text.strip())
        for i, text in enumerate(paragraphs[:15])
        if "当前位置" not in text and "首页" not in text  # page navigation, not a title
    ]
    best = [c for c in candidates if len(c[1]) <= 60 and "年度报告" in c[1]] or [
        c for c in candidates if len(c[1]) <= 40 and "年报" in c[1]
    ]
    for i, stripped in best[:1]:
            if len(stripped) <= 8 and i > 0 and 0 < len(paragraphs[i - 1].strip()) <= 40:
                # a title wrapped over two lines: "2024 年上海市科委政府信息公开工作" / "年度报告"
                return paragraphs[i - 1].strip() + stripped, i - 1
            return stripped, i
    return None, None


def year_from_title(title: str) -> int | None:
    m = _YEAR.search(title)
    return int(m.group(1)) if m else None


def agency_from_title(title: str) -> str | None:
    text = _TITLE_NOISE.sub("", title.strip())
    text = re.sub(r"[（(][^（）()]*[)）]$", "", text)
    cut = re.search(r"(?:(?:19|20)\d{2}\s*年\s*度?\s*)?(?:政府信息公开|政务公开)", text)
    before = text[: cut.start()] if cut else text
    after_year = ""
    if not before.strip():
        # "2024 年上海市科委政府信息公开工作年度报告": the agency follows the year
        m = re.match(r"^\s*(?:19|20)\d{2}\s*年\s*度?\s*(?P<rest>.*?)(?:政府信息公开|政务公开)", text)
        after_year = m.group("rest") if m else ""
    agency = (before or after_year).strip(" \t:：-—#*")
    agency = re.sub(r"^\s*(?:19|20)\d{2}\s*年\s*度?\s*|\s*(?:19|20)\d{2}\s*年\s*度?\s*$", "", agency).strip()
    if agency.endswith("政府") and not agency.endswith("人民政府") and len(agency) > 3:
        # "吴村镇政府信息公开…": 政府 belongs to 政府信息公开
        agency = agency[:-2]
    return agency or None


def guess_meta(
    paragraphs: Sequence[str],
    title_hint: str | None = None,
    published_hint: str | None = None,
) -> MetaGuess:
    title, title_index = find_title(paragraphs, title_hint)
    year = year_from_title(title) if title else None
    agency = agency_from_title(title) if title else None
    source = "title" if agency else ""
    if not agency and title_index is not None:
        for prev in reversed(paragraphs[max(0, title_index - 3) : title_index]):
            candidate = prev.strip(" #*")
            if _AGENCY_LINE.match(candidate):
                agency, source = candidate, "title"
                break
    body = "\n".join(paragraphs[:40])
    if year is None:
        m = _PERIOD.search(body)
        if m:
            year = int(m.group(1))
    if not agency:
        m = _SUBJECT.search(body)
        if m:
            agency, source = m.group("agency"), "body"
    if not agency:
        for text in reversed(paragraphs[-8:]):
            m = _SIGNATURE.match(text.strip())
            if m:
                agency, source = m.group("agency"), "signature"
                break
    if year is None:
        years = [int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", body)]
        if years:
            year = max(set(years), key=years.count)
    published = _date(published_hint) if published_hint else None
    if published is None:
        published = _published_in(paragraphs)
    return MetaGuess(agency, source, year, title, published)


def _date(text: str) -> dt.date | None:
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _published_in(paragraphs: Sequence[str]) -> dt.date | None:
    """A date printed alone near the top (``(2026年1月23日)``, ``发布日期：2020-01-31``) or at the end."""
    candidates = [*paragraphs[:6], *paragraphs[-4:]]
    for text in candidates:
        stripped = fold(text).strip("()（）")
        if len(stripped) <= 24 and (_DATE.fullmatch(stripped) or stripped.startswith(("发布日期", "发布时间"))):
            found = _date(stripped)
            if found:
                return found
    return None
