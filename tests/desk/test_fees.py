"""信息处理费 under 国办函〔2020〕109号 (statute.md §2): hand-computed amounts, the breakdown, one method only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.desk.fees import (
    FeeError,
    FeeMethod,
    FeePolicy,
    application_rate,
    assess_fee,
    fee_per_application,
    fee_per_volume,
)


def test_per_application_bands() -> None:
    # k ≤ 10 free; 11–30: 100 元; 31–40: 200 元; 41–50: 300 元.
    assert fee_per_application(9).amount == 0  # the 10th application of the month
    eleventh = fee_per_application(10)  # 10 already this month: this is the 11th → 100 元
    assert eleventh.amount == Decimal(100) and eleventh.method is FeeMethod.PER_APPLICATION
    (band,) = eleventh.bands
    assert (band.label, band.count, band.unit, band.rate) == ("本月第11—30件", 1, "件", Decimal(100))
    assert fee_per_application(29).amount == 100  # the 30th
    thirty_first = fee_per_application(30)  # the 31st → first band above 30 → 100 + 100 = 200 元
    assert thirty_first.amount == Decimal(200) and thirty_first.bands[0].label == "本月第31—40件"
    assert fee_per_application(39).amount == 200  # the 40th
    assert fee_per_application(40).amount == 300  # the 41st
    assert fee_per_application(50).amount == 400  # the 51st


def test_per_application_split_across_bands() -> None:
    # 25 already this month, 10 more units (一事一申请): the 26th–30th at 100 = 500; the 31st–35th at 200 = 1,000.
    fee = fee_per_application(25, count=10)
    assert [(b.label, b.count, b.amount) for b in fee.bands] == [
        ("本月第11—30件", 5, Decimal(500)),
        ("本月第31—40件", 5, Decimal(1000)),
    ]
    assert fee.amount == Decimal(1500)
    # 8 already, 4 more: the 9th and 10th free, the 11th and 12th at 100 → 200 元.
    assert fee_per_application(8, count=4).amount == 200


def test_per_volume_150_pages() -> None:
    # Pages 1–30 free; 31–100: 70 pages × 10 = 700; 101–150: 50 pages × 20 = 1,000 → 1,700 元.
    fee = fee_per_volume(150)
    assert fee.amount == Decimal(1700) and fee.method is FeeMethod.PER_VOLUME
    assert [(b.label, b.count, b.rate, b.amount) for b in fee.bands] == [
        ("第1—30页", 30, Decimal(0), Decimal(0)),
        ("第31—100页", 70, Decimal(10), Decimal(700)),
        ("第101—200页", 50, Decimal(20), Decimal(1000)),
    ]
    assert "\n".join(fee.explain()).endswith("应缴：1700元")


def test_per_volume_edges() -> None:
    assert fee_per_volume(0).amount == 0
    assert fee_per_volume(30).amount == 0
    assert fee_per_volume(31).amount == 10
    # 201 pages: 70 × 10 + 100 × 20 + 1 × 40 = 700 + 2,000 + 40 = 2,740 元.
    fee = fee_per_volume(201)
    assert fee.amount == Decimal(2740) and fee.bands[-1].label == "第201页以上"


def test_one_application_one_method() -> None:
    with pytest.raises(FeeError, match="只能选择按件或者按量"):
        assess_fee("按件", pages=150, prior_this_month=10)
    assert assess_fee("按量", pages=150).amount == 1700
    assert assess_fee(FeeMethod.PER_APPLICATION, prior_this_month=10).amount == 100
    with pytest.raises(FeeError, match="页数"):
        assess_fee("按量", prior_this_month=3)
    with pytest.raises(FeeError, match="未知的计收方式"):
        assess_fee("按次", pages=3)


def test_no_reduction_by_default_and_configured_ones_need_a_basis() -> None:
    assert fee_per_volume(150).reduction == 0
    with pytest.raises(FeeError, match="依据"):
        fee_per_volume(150, FeePolicy(exempt=True))
    exempt = fee_per_volume(150, FeePolicy(exempt=True, basis="本机关规定：低保对象免收"))
    assert (exempt.gross, exempt.reduction, exempt.amount) == (Decimal(1700), Decimal(1700), Decimal(0))
    half = fee_per_application(30, policy=FeePolicy(reduction=Decimal("0.5"), basis="本机关规定：减半"))
    assert half.amount == Decimal(100) and "减免：100.00元（本机关规定：减半）" in half.explain()[-2]
    with pytest.raises(FeeError, match="0到1"):
        fee_per_volume(150, FeePolicy(reduction=Decimal(2), basis="x"))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 400), st.integers(1, 30))
def test_per_application_is_the_sum_of_nondecreasing_rates(prior: int, count: int) -> None:
    rates = [application_rate(k) for k in range(prior + 1, prior + count + 1)]
    assert fee_per_application(prior, count).amount == sum(rates)
    assert rates == sorted(rates)
    assert sum(b.count for b in fee_per_application(prior, count).bands) == count


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2000))
def test_per_volume_is_progressive(pages: int) -> None:
    fee = fee_per_volume(pages)
    assert sum(b.count for b in fee.bands) == pages
    # The next page costs the rate of the band it falls in, and rates never fall.
    step = fee_per_volume(pages + 1).amount - fee.amount
    expected = 0 if pages < 30 else 10 if pages < 100 else 20 if pages < 200 else 40
    assert step == expected
