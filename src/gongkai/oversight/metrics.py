"""The metric dictionary: every figure the oversight analytics compute, defined once over the cell ids of
``spec/cells.json``.

A metric is either a **rate** (分子 / 分母, in %) or a **sum** of cells (件 or 万元). Each part is a sum of cells of
one report. Rates are never summed or averaged across agencies: an aggregate rate is recomputed from the summed
numerators and denominators (``summable`` is False for them), while sums (counts and amounts) may be added up.

A cell that is blank, printed "/", holds text or is missing makes the metric of that report ``None`` with a reason
(``无法计算：…``) — a blank is no zero; a zero denominator gives ``None`` too. :func:`describe` renders the
dictionary as Markdown for the documentation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from gongkai.model.templates import cell_spec


class Unit(StrEnum):
    PERCENT = "%"
    PIECES = "件"
    TEN_THOUSAND_YUAN = "万元"


# What a cell that is not a number holds, in the words of a reason (kinds of oversight_cells.kind).
KIND_WORDS = {
    "blank": "为空白",
    "na": "填“/”等不适用符号",
    "text": "填写的是文字而不是数字",
    "missing": "在报告中缺失",
}
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Metric:
    """One metric. ``numerator`` (and, for a rate, ``denominator``) are cell ids whose values are added up."""

    id: str
    name: str  # 中文名称, as shown to users
    unit: Unit
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]  # empty for a sum
    summable: bool  # may be added up across agencies
    description: str  # the statutory meaning, in Chinese

    def __post_init__(self) -> None:
        if not self.numerator:
            raise ValueError(f"{self.id}: 分子不能为空")
        if self.is_rate and self.summable:
            raise ValueError(f"{self.id}: 比率不能跨机关相加，应由相加后的分子、分母重新计算")
        if self.is_rate != (self.unit is Unit.PERCENT):
            raise ValueError(f"{self.id}: 只有比率以 % 为单位")
        for cell_id in self.cells:
            cell_spec(cell_id)  # KeyError on an id no template defines

    @property
    def is_rate(self) -> bool:
        return bool(self.denominator)

    @property
    def cells(self) -> tuple[str, ...]:
        """Every cell the metric reads, numerator first, each once."""
        return tuple(dict.fromkeys((*self.numerator, *self.denominator)))

    def formula(self) -> str:
        """The formula in words, e.g. ``(t3.granted.total + t3.partially_granted.total) / t3.total.total × 100%``."""
        top = _sum_text(self.numerator)
        if not self.is_rate:
            return top
        if len(self.numerator) > 1:
            top = f"({top})"
        bottom = _sum_text(self.denominator)
        if len(self.denominator) > 1:
            bottom = f"({bottom})"
        return f"{top} / {bottom} × 100%"

    def compute(self, parts: Mapping[str, tuple[str, Decimal | None]]) -> MetricValue:
        """The metric of one report from its cells: ``parts`` maps a cell id to (kind, value)."""
        problems = [
            _problem(cell_id, parts[cell_id][0] if cell_id in parts else "missing")
            for cell_id in self.cells
            if cell_id not in parts or parts[cell_id][0] != "number" or parts[cell_id][1] is None
        ]
        if problems:
            return self.not_computable("；".join(problems))
        numerator = sum((_value(parts, c) for c in self.numerator), Decimal(0))
        denominator = sum((_value(parts, c) for c in self.denominator), Decimal(0)) if self.is_rate else None
        return self.from_parts(numerator, denominator)

    def from_parts(self, numerator: Decimal, denominator: Decimal | None) -> MetricValue:
        """The metric from its summed parts (of one report, or added up over several)."""
        if not self.is_rate:
            return MetricValue(self.id, numerator, numerator, None, "")
        if denominator is None:
            return self.not_computable("分母缺失")
        if denominator == 0:
            return MetricValue(self.id, None, numerator, denominator,
                               f"无法计算：分母（{_sum_text(self.denominator)}）为 0")
        return MetricValue(self.id, numerator * HUNDRED / denominator, numerator, denominator, "")

    def not_computable(self, problem: str) -> MetricValue:
        return MetricValue(self.id, None, None, None, f"无法计算：{problem}")


@dataclass(frozen=True)
class MetricValue:
    """A computed metric: ``value`` is None exactly when ``reason`` says why it cannot be computed."""

    metric: str
    value: Decimal | None  # in the metric's unit: a rate is in % (0–100)
    numerator: Decimal | None
    denominator: Decimal | None  # None for a sum
    reason: str

    def display(self, places: int = 2) -> str:
        if self.value is None:
            return "—"
        unit = METRICS[self.metric].unit
        if unit is Unit.PIECES:
            return f"{self.value:.0f}"
        return f"{self.value:.{places}f}{unit.value if unit is Unit.PERCENT else ''}"


def _sum_text(cells: Sequence[str]) -> str:
    return " + ".join(cells)


def _value(parts: Mapping[str, tuple[str, Decimal | None]], cell_id: str) -> Decimal:
    value = parts[cell_id][1]
    assert value is not None
    return value


def _problem(cell_id: str, kind: str) -> str:
    label = cell_spec(cell_id).label
    return f"“{label}”（{cell_id}）{KIND_WORDS.get(kind, '不是数字')}"


def cells_problem(bad: Sequence[tuple[str, str]], absent: int = 0) -> str:
    """The reason text for cells that are not numbers (``(cell id, kind)``) and cells not stored at all."""
    words = [_problem(cell_id, kind) for cell_id, kind in bad]
    if absent:
        words.append(f"另有 {absent} 个所需单元格在报告中缺失")
    return "；".join(words)


def _t3(row: str) -> str:
    return f"t3.{row}.total"


_WITHHELD = tuple(
    _t3(f"withheld.{key}")
    for key in ("state_secret", "prohibited_by_law", "security_stability", "third_party", "internal_affairs",
                "deliberative", "enforcement_file", "query_service")
)
_UNAVAILABLE = tuple(_t3(f"unavailable.{key}") for key in ("not_held", "needs_creation", "unclear"))
_NOT_PROCESSED = tuple(
    _t3(f"not_processed.{key}") for key in ("petition", "duplicate", "publication", "excessive", "confirmation")
)
_CONCLUDED = _t3("total")  # 三、本年度办理结果（七）总计: every application answered this year
_RESULTS = ("upheld", "corrected", "other")  # 尚未审结 has no result yet
_LITIGATION = ("litigation_direct", "litigation_after_reconsideration")


def _rate(id: str, name: str, numerator: tuple[str, ...], denominator: tuple[str, ...], text: str) -> Metric:
    return Metric(id, name, Unit.PERCENT, numerator, denominator, summable=False, description=text)


def _sum(id: str, name: str, unit: Unit, cells: tuple[str, ...], text: str) -> Metric:
    return Metric(id, name, unit, cells, (), summable=True, description=text)


DICTIONARY: tuple[Metric, ...] = (
    _rate(
        "disclosure_rate", "实质公开率", (_t3("granted"), _t3("partially_granted")), (_CONCLUDED,),
        "本年度办结的政府信息公开申请中，予以公开和部分公开（条例第三十七条区分处理，只计部分公开）所占比例。"
        "分母为表三“三、本年度办理结果（七）总计”的总计列。",
    ),
    _rate(
        "withholding_rate", "不予公开率", _WITHHELD, (_CONCLUDED,),
        "本年度办结的申请中，以表三“（三）不予公开”八种理由（国家秘密、法律行政法规禁止、三安全一稳定、第三方合法权益、"
        "内部事务、过程性信息、行政执法案卷、行政查询事项）决定不予公开的比例。",
    ),
    _rate(
        "unavailable_rate", "无法提供率", _UNAVAILABLE, (_CONCLUDED,),
        "本年度办结的申请中，因本机关不掌握、需要另行制作（条例第三十八条）或补正后仍不明确（条例第三十条）而"
        "无法提供的比例。",
    ),
    _rate(
        "not_processed_rate", "不予处理率", _NOT_PROCESSED, (_CONCLUDED,),
        "本年度办结的申请中，因信访举报投诉类申请、重复申请、要求提供公开出版物（条例第三十九条）、无正当理由大量反复"
        "申请（条例第三十五条）或要求确认、重新出具已获取信息而不予处理的比例。",
    ),
    _rate(
        "reconsideration_correction_rate", "复议纠错率",
        ("t4.reconsideration.corrected",), tuple(f"t4.reconsideration.{c}" for c in _RESULTS),
        "以本机关为被申请人的政府信息公开行政复议中，结果为纠正的比例。分母为已有结果的案件"
        "（结果维持 + 结果纠正 + 其他结果），不含尚未审结的案件。",
    ),
    _rate(
        "litigation_correction_rate", "诉讼纠错率",
        tuple(f"t4.{row}.corrected" for row in _LITIGATION),
        tuple(f"t4.{row}.{c}" for row in _LITIGATION for c in _RESULTS),
        "政府信息公开行政诉讼（未经复议直接起诉与复议后起诉合计）中，结果为纠正的比例。分母为两类诉讼已有结果的案件"
        "（结果维持 + 结果纠正 + 其他结果），不含尚未审结的案件。",
    ),
    _rate(
        "carry_forward_rate", "结转率", (_t3("carried_forward"),), (_t3("new"), _t3("carried_over")),
        "本年应办理的申请（本年新收 + 上年结转）中，结转下年度继续办理的比例；表三各列应满足"
        "一 + 二 = 三（七）+ 四。",
    ),
    _sum("applications_new", "本年新收申请数", Unit.PIECES, (_t3("new"),),
         "表三“一、本年新收政府信息公开申请数量”的总计列。"),
    _sum("applications_concluded", "本年办结申请数", Unit.PIECES, (_CONCLUDED,),
         "表三“三、本年度办理结果（七）总计”的总计列。"),
    _sum("reconsiderations", "行政复议案件数", Unit.PIECES, ("t4.reconsideration.total",),
         "表四行政复议的总计（含尚未审结）。"),
    _sum("lawsuits", "行政诉讼案件数", Unit.PIECES, tuple(f"t4.{row}.total" for row in _LITIGATION),
         "表四行政诉讼未经复议直接起诉与复议后起诉的总计之和（含尚未审结）。"),
    _sum("fee_amount", "行政事业性收费金额", Unit.TEN_THOUSAND_YUAN, ("t2.fees.amount",),
         "表二第二十条第（八）项“本年收费金额（万元）”（2021年模板）；与信息处理费不同，2019年模板无此单元格。"),
)
METRICS: Mapping[str, Metric] = {metric.id: metric for metric in DICTIONARY}


def metric(metric_id: str) -> Metric:
    """The metric of this id; the error lists the known ids."""
    try:
        return METRICS[metric_id]
    except KeyError:
        known = "、".join(METRICS)
        raise KeyError(f"没有指标“{metric_id}”（可用：{known}）") from None


def describe() -> str:
    """The dictionary as a Markdown document: a summary table, then each metric with its cells and labels."""
    lines = [
        "# 指标字典",
        "",
        "比率由分子、分母之和计算；跨机关汇总时先分别相加分子和分母再计算比率，不对比率求和或求平均。"
        "任一所需单元格为空白、填“/”、为文字或缺失时，该报告的指标无法计算（不视为 0）；分母为 0 时同样无法计算。",
        "",
        "| 编号 | 指标 | 单位 | 可跨机关相加 | 公式 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for m in DICTIONARY:
        lines.append(f"| `{m.id}` | {m.name} | {m.unit.value} | {'是' if m.summable else '否'} | `{m.formula()}` |")
    for m in DICTIONARY:
        lines += ["", f"## {m.name}（`{m.id}`）", "", m.description, ""]
        sides = (("分子", m.numerator), ("分母", m.denominator)) if m.is_rate else (("求和", m.numerator),)
        for side, cells in sides:
            lines.append(f"- {side}：")
            lines += [f"  - `{cell_id}` {cell_spec(cell_id).label}" for cell_id in cells]
    return "\n".join(lines) + "\n"


__all__ = [
    "DICTIONARY",
    "KIND_WORDS",
    "METRICS",
    "Metric",
    "MetricValue",
    "Unit",
    "cells_problem",
    "describe",
    "metric",
]
