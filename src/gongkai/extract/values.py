"""Reading what is printed in one table cell: a number, a blank, a not-applicable mark, or text.

Real cells carry more than a number: ``55（含自然失效 29 件）`` (a note), ``251000元`` (a unit),
``1,288`` (a thousands separator), ``/`` or ``—`` (not applicable). A blank stays a blank: never a zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from gongkai.extract.labels import nfkc
from gongkai.model.report import Number, ValueKind

# Marks that say "nothing to report here" — printed, but not numbers.
NA_MARKS = frozenset({"/", "\\", "-", "--", "—", "——", "–", "一", "无", "空", "×", "x", "X", "N/A", "n/a", "-/-"})

_UNITS = ("万元", "元", "件", "个", "项", "次", "条", "宗", "份")
_NUMBER = re.compile(
    r"""^(?P<sign>[-+]?)\s*
        (?P<int>\d{1,3}(?:,\d{3})+|\d+)
        (?:\.(?P<frac>\d+))?
        \s*(?P<unit>万元|元|件|个|项|次|条|宗|份)?
        \s*(?:\((?P<note>[^()]*)\))?
        \s*(?P<unit2>万元|元|件|个|项|次|条|宗|份)?$""",
    re.VERBOSE,
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ParsedValue:
    kind: ValueKind
    value: Number | None = None
    unit: str = ""
    note: str = ""


def clean_cell_text(text: str) -> str:
    """Printed cell text without layout whitespace (NBSP, ideographic space, line breaks)."""
    return _SPACES.sub(" ", text.replace("\u00a0", " ").replace("\u3000", " ")).strip()


# More digits than any count or sum of money can have, glued table rows included (a row of eight 6-digit cells
# is 48). A longer run is printed junk, not a number: read as text, so int() never meets Python's 4300-digit
# conversion limit and no rule's arithmetic or message turns a 5000-digit "count" into a crash.
MAX_DIGITS = 200


@lru_cache(maxsize=65536)
def parse_value(text: str) -> ParsedValue:
    """Classify and read one printed cell.

    >>> parse_value("55（含自然失效 29 件）")
    ParsedValue(kind=<ValueKind.NUMBER: 'number'>, value=55, unit='', note='含自然失效 29 件')
    >>> parse_value("&nbsp;".replace("&nbsp;", "\\u00a0")).kind
    <ValueKind.BLANK: 'blank'>
    """
    cleaned = clean_cell_text(text)
    if not cleaned:
        return ParsedValue(ValueKind.BLANK)
    if cleaned in NA_MARKS:
        return ParsedValue(ValueKind.NOT_APPLICABLE)
    folded = nfkc(cleaned).replace("，", ",")
    folded = folded.replace("－", "-").replace("—", "-")
    if folded in NA_MARKS:
        return ParsedValue(ValueKind.NOT_APPLICABLE)
    match = _NUMBER.match(folded)
    if not match:
        return ParsedValue(ValueKind.TEXT)
    digits = match["int"].replace(",", "")
    frac = match["frac"]
    if len(digits) + len(frac or "") > MAX_DIGITS:
        return ParsedValue(ValueKind.TEXT)
    try:
        number: Number = Decimal(f"{digits}.{frac}") if frac is not None else int(digits)
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return ParsedValue(ValueKind.TEXT)
    if match["sign"] == "-":
        number = -number
    unit = match["unit"] or match["unit2"] or ""
    return ParsedValue(ValueKind.NUMBER, number, unit, (match["note"] or "").strip())


def is_value_text(text: str) -> bool:
    """True when the printed text is a number, a blank or a not-applicable mark (not a label)."""
    return parse_value(text).kind is not ValueKind.TEXT


def to_wanyuan(value: Number, unit: str) -> Number:
    """A money value in 万元, the unit of the template's money cells; 元 printed inside the cell is converted."""
    if unit == "元":
        return Decimal(value) / Decimal(10000)
    return value


def unit_of(raw: str) -> str:
    for unit in _UNITS:
        if raw.rstrip().endswith(unit):
            return unit
    return ""
