from decimal import Decimal

import pytest

from gongkai.extract.values import parse_value, to_wanyuan
from gongkai.model.report import ValueKind


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit", "note"),
    [
        ("0", ValueKind.NUMBER, 0, "", ""),
        ("  12 ", ValueKind.NUMBER, 12, "", ""),
        ("1,288", ValueKind.NUMBER, 1288, "", ""),
        ("4166.241619", ValueKind.NUMBER, Decimal("4166.241619"), "", ""),
        ("251000元", ValueKind.NUMBER, 251000, "元", ""),
        ("55（含自然失效 29 件）", ValueKind.NUMBER, 55, "", "含自然失效 29 件"),
        ("-3", ValueKind.NUMBER, -3, "", ""),
        ("", ValueKind.BLANK, None, "", ""),
        ("\u00a0", ValueKind.BLANK, None, "", ""),
        ("\u3000 ", ValueKind.BLANK, None, "", ""),
        ("/", ValueKind.NOT_APPLICABLE, None, "", ""),
        ("—", ValueKind.NOT_APPLICABLE, None, "", ""),
        ("无", ValueKind.NOT_APPLICABLE, None, "", ""),
        ("行政许可", ValueKind.TEXT, None, "", ""),
        ("1.属于国家秘密", ValueKind.TEXT, None, "", ""),
    ],
)
def test_parse_value(text: str, kind: ValueKind, value: object, unit: str, note: str) -> None:
    parsed = parse_value(text)
    assert (parsed.kind, parsed.value, parsed.unit, parsed.note) == (kind, value, unit, note)


def test_yuan_converts_to_wanyuan_exactly() -> None:
    assert to_wanyuan(251000, "元") == Decimal("25.1")
    assert to_wanyuan(Decimal("75394432.52"), "元") == Decimal("7539.443252")
    assert to_wanyuan(12, "万元") == 12
