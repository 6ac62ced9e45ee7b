"""SVG charts of the analytics: a horizontal bar chart for rankings and a line chart across years.

Standalone SVG, no script, no external font or stylesheet: the text uses a list of CJK fonts with a generic
fallback. Accessible: ``role="img"`` labelled by a ``<title>`` and described by a ``<desc>`` that states every
value in words, and every bar or point carries its value as visible text. Built with :mod:`xml.etree` (escaping
is the library's), numbers written with fixed decimals: the same data gives the same bytes.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from gongkai.oversight.analytics import GroupMetrics, Ranking
from gongkai.oversight.metrics import METRICS

FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
FONT_SIZE = 13
BAR_COLOUR = "#2f5f8a"
NONE_COLOUR = "#767676"  # text grey with 4.5:1 contrast on white
SERIES_COLOURS = ("#2f5f8a", "#b3472d", "#3d7a3a", "#7a4f9a", "#8a6d1f", "#1f7a7a")
MARKERS = ("circle", "square", "diamond", "triangle")  # shape as well as colour tells the series apart


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # None: not computable, drawn as text, no bar


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[int, Decimal | None], ...]  # (year, value); None leaves a gap in the line


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """An estimate of the drawn width: wide (CJK) characters one em, others about half."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.55 for ch in text)


def _fmt(number: float) -> str:
    return f"{number:.1f}".removesuffix(".0")


def _value_text(value: Decimal | None, unit: str, places: int) -> str:
    if value is None:
        return "无法计算"
    return f"{value:.{places}f}{unit if unit == '%' else ' ' + unit if unit else ''}"


def _svg(width: float, height: float, title: str, desc: str, ident: str) -> ET.Element:
    svg = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg",
        "width": _fmt(width),
        "height": _fmt(height),
        "viewBox": f"0 0 {_fmt(width)} {_fmt(height)}",
        "role": "img",
        "aria-labelledby": f"{ident}-title {ident}-desc",
        "font-family": FONT,
        "font-size": str(FONT_SIZE),
    })
    ET.SubElement(svg, "title", {"id": f"{ident}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{ident}-desc"}).text = desc
    ET.SubElement(svg, "rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})
    ET.SubElement(svg, "text", {"x": "12", "y": "22", "font-size": str(FONT_SIZE + 3), "font-weight": "bold",
                                "fill": "#1a1a1a"}).text = title
    return svg


def _serialise(svg: ET.Element) -> str:
    ET.indent(svg, space="  ")
    return ET.tostring(svg, encoding="unicode") + "\n"


def _nice_max(high: Decimal, unit: str) -> Decimal:
    if unit == "%" and high <= 100:
        return Decimal(100)
    if high <= 0:
        return Decimal(1)
    step = Decimal(10) ** (len(str(int(high))) - 1)
    return ((high / step).to_integral_value(rounding="ROUND_CEILING")) * step


def bar_chart(title: str, bars: Sequence[Bar], *, unit: str = "", places: int = 2, width: int = 640,
              ident: str = "chart") -> str:
    """A horizontal bar chart (a ranking: the bars in the order given, first at the top). ``ident`` prefixes the
    ids of the title and description, unique per chart when several are inlined in one page."""
    label_width = max([text_width(b.label) for b in bars] + [40.0]) + 16
    value_width = max([text_width(_value_text(b.value, unit, places)) for b in bars] + [40.0]) + 12
    plot = max(width - label_width - value_width - 24, 120.0)
    width_total = label_width + plot + value_width + 24
    row = 26
    top = 40
    height = top + row * len(bars) + 16
    described = "；".join(f"{b.label}：{_value_text(b.value, unit, places)}" for b in bars) or "没有数据"
    svg = _svg(width_total, height, title, f"条形图，共 {len(bars)} 项。{described}。", ident)
    present = [b.value for b in bars if b.value is not None]
    scale = _nice_max(max(present), unit) if present else Decimal(1)
    x0 = 12 + label_width
    ET.SubElement(svg, "line", {"x1": _fmt(x0), "y1": _fmt(top - 4), "x2": _fmt(x0),
                                "y2": _fmt(top + row * len(bars)), "stroke": "#1a1a1a"})
    for i, bar in enumerate(bars):
        y = top + i * row
        group = ET.SubElement(svg, "g")
        ET.SubElement(group, "text", {"x": _fmt(x0 - 8), "y": _fmt(y + row / 2 + 4), "text-anchor": "end",
                                      "fill": "#1a1a1a"}).text = bar.label
        length = 0.0
        if bar.value is not None and bar.value > 0:
            length = float(bar.value / scale) * plot
            ET.SubElement(group, "rect", {"x": _fmt(x0), "y": _fmt(y + 4), "width": _fmt(length),
                                          "height": _fmt(row - 8), "fill": BAR_COLOUR})
        ET.SubElement(group, "text", {
            "x": _fmt(x0 + length + 6), "y": _fmt(y + row / 2 + 4),
            "fill": "#1a1a1a" if bar.value is not None else NONE_COLOUR,
        }).text = _value_text(bar.value, unit, places)
    return _serialise(svg)


def line_chart(title: str, series: Sequence[Series], *, unit: str = "", places: int = 2, width: int = 640,
               height: int = 320, ident: str = "chart") -> str:
    """A line chart across years, one line per series, each point labelled with its value."""
    years = sorted({year for s in series for year, _ in s.points})
    values = [v for s in series for _, v in s.points if v is not None]
    scale = _nice_max(max(values), unit) if values else Decimal(1)
    legend_height = 20 * len(series)
    left, right, top, bottom = 56.0, 24.0, 40.0, 40.0 + legend_height
    plot_w = width - left - right
    plot_h = height - top - bottom
    parts = []
    for s in series:
        points = "，".join(f"{year}年 {_value_text(v, unit, places)}" for year, v in s.points)
        parts.append(f"{s.name}：{points}")
    svg = _svg(width, height, title, f"折线图，{len(series)} 条线，{len(years)} 个年度。{'；'.join(parts) or '没有数据'}。",
               ident)

    def x_of(year: int) -> float:
        return left + (plot_w / 2 if len(years) == 1 else plot_w * years.index(year) / (len(years) - 1))

    def y_of(value: Decimal) -> float:
        return top + plot_h - float(value / scale) * plot_h

    axes = ET.SubElement(svg, "g", {"stroke": "#1a1a1a"})
    ET.SubElement(axes, "line", {"x1": _fmt(left), "y1": _fmt(top), "x2": _fmt(left), "y2": _fmt(top + plot_h)})
    ET.SubElement(axes, "line", {"x1": _fmt(left), "y1": _fmt(top + plot_h), "x2": _fmt(left + plot_w),
                                 "y2": _fmt(top + plot_h)})
    ticks = ET.SubElement(svg, "g", {"fill": "#1a1a1a"})
    for fraction in (0, 0.5, 1):
        tick = scale * Decimal(str(fraction))
        ET.SubElement(ticks, "text", {"x": _fmt(left - 6), "y": _fmt(y_of(tick) + 4), "text-anchor": "end"}).text = (
            _value_text(tick, unit, 0))
    for year in years:
        ET.SubElement(ticks, "text", {"x": _fmt(x_of(year)), "y": _fmt(top + plot_h + 18),
                                      "text-anchor": "middle"}).text = f"{year}年"
    for index, s in enumerate(series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        group = ET.SubElement(svg, "g", {"fill": colour, "stroke": colour})
        run: list[str] = []
        for year, value in [*s.points, (0, None)]:  # the sentinel closes the last run
            if value is None:
                if len(run) > 1:
                    ET.SubElement(group, "polyline", {"points": " ".join(run), "fill": "none", "stroke-width": "2"})
                run = []
                continue
            run.append(f"{_fmt(x_of(year))},{_fmt(y_of(value))}")
        for year, value in s.points:
            if value is None:
                continue
            x, y = x_of(year), y_of(value)
            _marker(group, MARKERS[index % len(MARKERS)], x, y)
            # Alternate series label above and below their points, so two close lines keep readable labels.
            label_y = y - 8 if index % 2 == 0 else y + 18
            ET.SubElement(group, "text", {"x": _fmt(x), "y": _fmt(label_y), "text-anchor": "middle",
                                          "stroke": "none"}).text = _value_text(value, unit, places)
        legend_y = height - legend_height + 20 * index + 4
        _marker(group, MARKERS[index % len(MARKERS)], left + 6, legend_y - 4)
        ET.SubElement(group, "text", {"x": _fmt(left + 16), "y": _fmt(legend_y), "fill": "#1a1a1a",
                                      "stroke": "none"}).text = s.name
    return _serialise(svg)


def _marker(parent: ET.Element, shape: str, x: float, y: float) -> None:
    if shape == "circle":
        ET.SubElement(parent, "circle", {"cx": _fmt(x), "cy": _fmt(y), "r": "4"})
    elif shape == "square":
        ET.SubElement(parent, "rect", {"x": _fmt(x - 4), "y": _fmt(y - 4), "width": "8", "height": "8"})
    elif shape == "diamond":
        ET.SubElement(parent, "polygon", {"points": f"{_fmt(x)},{_fmt(y - 5)} {_fmt(x + 5)},{_fmt(y)} "
                                                    f"{_fmt(x)},{_fmt(y + 5)} {_fmt(x - 5)},{_fmt(y)}"})
    else:
        ET.SubElement(parent, "polygon", {"points": f"{_fmt(x)},{_fmt(y - 5)} {_fmt(x + 5)},{_fmt(y + 4)} "
                                                    f"{_fmt(x - 5)},{_fmt(y + 4)}"})


def ranking_chart(ranking: Ranking, *, bottom: bool = False, ident: str = "ranking") -> str:
    """The top (or bottom) of a ranking as bars labelled 名次 机关 年度."""
    m = METRICS[ranking.metric]
    figures = ranking.bottom if bottom else ranking.top
    title = f"{m.name}{'倒数' if bottom else '前'} {len(figures)} 名"
    bars = [Bar(f"{f.rank}. {f.report.agency}（{f.report.year}年）", f.value.value) for f in figures]
    return bar_chart(title, bars, unit=m.unit.value, places=0 if m.unit.value == "件" else 2, ident=ident)


def trend_chart(metric_id: str, lines: Sequence[tuple[str, Sequence[GroupMetrics]]], *,
                ident: str = "trend") -> str:
    """One metric across years: each line is a name and the per-year groups of :func:`aggregate` (by=YEAR)."""
    m = METRICS[metric_id]
    series = [
        Series(name, tuple((int(str(g.key)), g.values[metric_id].value.value) for g in groups))
        for name, groups in lines
    ]
    return line_chart(f"{m.name}（按年度）", series, unit=m.unit.value, places=0 if m.unit.value == "件" else 2,
                      ident=ident)


__all__ = ["Bar", "Series", "bar_chart", "line_chart", "ranking_chart", "text_width", "trend_chart"]
