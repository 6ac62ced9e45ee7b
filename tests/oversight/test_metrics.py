"""The metric dictionary: every cell it names exists in spec/cells.json; formulas, units, None with a reason."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from tests.conftest import shared_path

from gongkai.oversight.metrics import DICTIONARY, METRICS, Metric, Unit, describe, metric


def spec_ids() -> set[str]:
    data = json.loads(shared_path("spec", "cells.json").read_text(encoding="utf-8"))
    return {cell["id"] for cells in data.values() for cell in cells}


def test_every_metric_reads_cells_of_the_spec() -> None:
    ids = spec_ids()
    for m in DICTIONARY:
        missing = [c for c in m.cells if c not in ids]
        assert not missing, f"{m.id}: {missing}"


def test_required_metrics_and_their_exact_cells() -> None:
    assert METRICS["disclosure_rate"].numerator == ("t3.granted.total", "t3.partially_granted.total")
    assert METRICS["disclosure_rate"].denominator == ("t3.total.total",)
    assert len(METRICS["withholding_rate"].numerator) == 8
    assert len(METRICS["unavailable_rate"].numerator) == 3
    assert len(METRICS["not_processed_rate"].numerator) == 5
    assert METRICS["reconsideration_correction_rate"].numerator == ("t4.reconsideration.corrected",)
    assert METRICS["litigation_correction_rate"].numerator == (
        "t4.litigation_direct.corrected", "t4.litigation_after_reconsideration.corrected")
    assert METRICS["carry_forward_rate"].denominator == ("t3.new.total", "t3.carried_over.total")
    names = {m.name for m in DICTIONARY}
    assert {"实质公开率", "不予公开率", "无法提供率", "不予处理率", "复议纠错率", "诉讼纠错率", "结转率"} <= names


def test_rates_are_never_summable_and_sums_are() -> None:
    for m in DICTIONARY:
        assert m.summable is not m.is_rate
        assert (m.unit is Unit.PERCENT) is m.is_rate
    with pytest.raises(ValueError, match="比率不能跨机关相加"):
        Metric("x", "错", Unit.PERCENT, ("t3.granted.total",), ("t3.total.total",), summable=True, description="")
    with pytest.raises(KeyError):
        Metric("x", "错", Unit.PIECES, ("t3.no_such.total",), (), summable=True, description="")


def _parts(**values: int | str | None) -> dict[str, tuple[str, Decimal | None]]:
    out: dict[str, tuple[str, Decimal | None]] = {}
    for key, value in values.items():
        cell_id = "t3." + key.replace("__", ".") + ".total"
        if value is None:
            out[cell_id] = ("blank", None)
        elif isinstance(value, str):
            out[cell_id] = ("na", None)
        else:
            out[cell_id] = ("number", Decimal(value))
    return out


def test_compute_rate_blank_zero_and_missing() -> None:
    m = METRICS["disclosure_rate"]
    value = m.compute(_parts(granted=50, partially_granted=10, total=90))
    assert value.value is not None and round(value.value, 4) == Decimal("66.6667")
    assert (value.numerator, value.denominator, value.reason) == (60, 90, "")
    blank = m.compute(_parts(granted=50, partially_granted=None, total=90))
    assert blank.value is None and blank.reason.startswith("无法计算：")
    assert "t3.partially_granted.total" in blank.reason and "为空白" in blank.reason
    na = m.compute(_parts(granted="/", partially_granted=1, total=90))
    assert na.value is None and "填“/”" in na.reason
    missing = m.compute(_parts(granted=1, partially_granted=1))
    assert missing.value is None and "t3.total.total" in missing.reason and "缺失" in missing.reason
    zero = m.compute(_parts(granted=0, partially_granted=0, total=0))
    assert zero.value is None and "为 0" in zero.reason and zero.denominator == 0


def test_sum_metric_and_display() -> None:
    m = METRICS["applications_new"]
    value = m.compute(_parts(new=7))
    assert value.value == 7 and value.denominator is None and value.display() == "7"
    assert METRICS["disclosure_rate"].from_parts(Decimal(1), Decimal(3)).display() == "33.33%"
    assert METRICS["fee_amount"].from_parts(Decimal("12.5"), None).display() == "12.50"


def test_describe_renders_every_metric() -> None:
    text = describe()
    assert text.startswith("# 指标字典")
    for m in DICTIONARY:
        assert f"`{m.id}`" in text and m.name in text and m.formula() in text
    assert "`t3.granted.total` 三、本年度办理结果（一）予以公开 × 总计" in text


def test_unknown_metric_lists_known_ids() -> None:
    with pytest.raises(KeyError, match="disclosure_rate"):
        metric("no_such")
