"""信息处理费 under 《政府信息公开信息处理费管理办法》(国办函〔2020〕109号), statute.md §2.

Two methods, both progressive (超额累进); one application is charged by one of them, never both:

* 按件 (per application): per applicant per calendar month, by the cumulative count k of applications —
  k ≤ 10 free; the 11th–30th 100 元 each; from the 31st every further band of 10 raises the rate by 100 元
  (31–40: 200, 41–50: 300, …).
* 按量 (per volume): per application, by pages — ≤ 30 free; pages 31–100 10 元/page; 101–200 20 元/page;
  from 201 40 元/page (150 pages = 70×10 + 50×20 = 1,700 元).

Exemptions and reductions are not found in the texts (statute.md [?]): :class:`FeePolicy` configures them and the
default is **none** — a reduction the law does not state is the agency's own decision, which it records with its
basis. Amounts are in 元 as :class:`~decimal.Decimal`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from gongkai.errors import GongkaiError

BASIS = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
FREE_APPLICATIONS = 10
FLAT_BAND_END = 30
FLAT_RATE = Decimal(100)
BAND_SIZE = 10
BAND_STEP = Decimal(100)
PAGE_BANDS: tuple[tuple[int, int | None, Decimal], ...] = (  # (first page, last page or None, rate per page)
    (1, 30, Decimal(0)),
    (31, 100, Decimal(10)),
    (101, 200, Decimal(20)),
    (201, None, Decimal(40)),
)
CENT = Decimal("0.01")


class FeeError(GongkaiError):
    """A fee that cannot be assessed as asked."""


class FeeMethod(StrEnum):
    PER_APPLICATION = "按件"
    PER_VOLUME = "按量"


@dataclass(frozen=True)
class FeePolicy:
    """Exemption or reduction the agency applies (none by default). ``reduction`` is the fraction taken off
    (``Decimal("0.5")`` halves the fee); ``basis`` must say why whenever anything is exempted or reduced."""

    exempt: bool = False
    reduction: Decimal = Decimal(0)
    basis: str = ""


NO_REDUCTION = FeePolicy()


@dataclass(frozen=True)
class FeeBand:
    label: str  # e.g. “第11—30件”, “第31—100页”
    count: int  # applications or pages charged in this band
    unit: str  # “件” or “页”
    rate: Decimal  # 元 per unit
    amount: Decimal  # count × rate


@dataclass(frozen=True)
class FeeAssessment:
    method: FeeMethod
    gross: Decimal  # before exemption or reduction
    reduction: Decimal  # 元 taken off
    amount: Decimal  # what the applicant pays
    bands: tuple[FeeBand, ...]
    basis: str
    reduction_basis: str = ""

    def explain(self) -> list[str]:
        lines = [f"计收方式：{self.method.value}　依据：{self.basis}"]
        for b in self.bands:
            lines.append(f"　{b.label}：{b.count}{b.unit} × {b.rate}元 = {b.amount}元")
        if self.reduction:
            lines.append(f"　减免：{self.reduction}元（{self.reduction_basis}）")
        lines.append(f"应缴：{self.amount}元")
        return lines


def application_rate(k: int) -> Decimal:
    """The 按件 rate of the k-th application of an applicant in a calendar month."""
    if k < 1:
        raise FeeError(f"申请件次必须从1开始：{k}")
    if k <= FREE_APPLICATIONS:
        return Decimal(0)
    if k <= FLAT_BAND_END:
        return FLAT_RATE
    return FLAT_RATE + BAND_STEP * ((k - FLAT_BAND_END - 1) // BAND_SIZE + 1)


def _band_of(k: int) -> tuple[int, int]:
    if k <= FREE_APPLICATIONS:
        return 1, FREE_APPLICATIONS
    if k <= FLAT_BAND_END:
        return FREE_APPLICATIONS + 1, FLAT_BAND_END
    first = FLAT_BAND_END + 1 + (k - FLAT_BAND_END - 1) // BAND_SIZE * BAND_SIZE
    return first, first + BAND_SIZE - 1


def _apply(method: FeeMethod, bands: list[FeeBand], policy: FeePolicy) -> FeeAssessment:
    gross = sum((b.amount for b in bands), Decimal(0))
    if (policy.exempt or policy.reduction) and not policy.basis.strip():
        raise FeeError("减免信息处理费须说明依据")
    if not Decimal(0) <= policy.reduction <= 1:
        raise FeeError(f"减免比例应在0到1之间：{policy.reduction}")
    if policy.exempt:
        off = gross
    elif policy.reduction:
        off = (gross * policy.reduction).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        off = Decimal(0)
    return FeeAssessment(method, gross, off, gross - off, tuple(bands), BASIS, policy.basis.strip() if off else "")


def fee_per_application(prior_this_month: int, count: int = 1, policy: FeePolicy = NO_REDUCTION) -> FeeAssessment:
    """按件: the fee for ``count`` applications (units after 一事一申请 splitting) by an applicant who already made
    ``prior_this_month`` applications this calendar month; they are numbered prior+1 … prior+count."""
    if prior_this_month < 0 or count < 1:
        raise FeeError(f"本月已申请件数不能为负、本次件数至少为1：{prior_this_month}、{count}")
    grouped: dict[tuple[int, int], int] = {}
    for k in range(prior_this_month + 1, prior_this_month + count + 1):
        band = _band_of(k)
        grouped[band] = grouped.get(band, 0) + 1
    bands = []
    for (first, last), n in grouped.items():
        rate = application_rate(first)
        bands.append(FeeBand(f"本月第{first}—{last}件", n, "件", rate, rate * n))
    return _apply(FeeMethod.PER_APPLICATION, bands, policy)


def fee_per_volume(pages: int, policy: FeePolicy = NO_REDUCTION) -> FeeAssessment:
    """按量: the fee for one application of ``pages`` pages."""
    if pages < 0:
        raise FeeError(f"页数不能为负：{pages}")
    bands = []
    for first, last, rate in PAGE_BANDS:
        top = pages if last is None else min(pages, last)
        n = top - first + 1
        if n <= 0:
            break
        label = f"第{first}页以上" if last is None else f"第{first}—{last}页"
        bands.append(FeeBand(label, n, "页", rate, rate * n))
    return _apply(FeeMethod.PER_VOLUME, bands, policy)


def assess_fee(
    method: FeeMethod | str,
    *,
    pages: int | None = None,
    prior_this_month: int | None = None,
    count: int = 1,
    policy: FeePolicy = NO_REDUCTION,
) -> FeeAssessment:
    """One application, one method: 按件 needs ``prior_this_month``, 按量 needs ``pages``; giving both is an error."""
    try:
        how = FeeMethod(method)
    except ValueError as exc:
        raise FeeError(f"未知的计收方式“{method}”（可用：按件、按量）") from exc
    if pages is not None and prior_this_month is not None:
        raise FeeError("同一申请只能选择按件或者按量一种方式计收，不能同时适用")
    if how is FeeMethod.PER_APPLICATION:
        if prior_this_month is None:
            raise FeeError("按件计收须给出申请人本自然月已提出的申请件数")
        return fee_per_application(prior_this_month, count, policy)
    if pages is None:
        raise FeeError("按量计收须给出页数")
    return fee_per_volume(pages, policy)
