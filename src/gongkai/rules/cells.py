"""Rules on single cells: blanks, marks and text where numbers belong, negative or fractional counts, and
cells the reader could not decide."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from itertools import groupby

from gongkai.model.report import Cell, ValueKind
from gongkai.model.templates import cell_spec
from gongkai.rules.base import Context, Finding, Kind, Severity, get_rule, rule
from gongkai.rules.identities import short_label

TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}


@lru_cache(maxsize=1024)
def _row_of(cell_id: str) -> str:
    return cell_id.rsplit(".", 1)[0]


@lru_cache(maxsize=1024)
def _column_label(cell_id: str) -> str:
    return cell_spec(cell_id).column.label


@lru_cache(maxsize=1024)
def _row_name(cell_id: str) -> str:
    spec = cell_spec(cell_id)
    if spec.table.value == "t4":
        return f"{spec.row.group}{spec.row.label}" if spec.row.group else spec.row.label
    return f"{spec.row.number}{spec.row.label}"


@rule("GK201", "blank-cell", Kind.BLANK, Severity.WARNING, "统计表单元格空白（空白不等于 0）")
def blank_cells(ctx: Context) -> Iterator[Finding]:
    """检查什么：统计表中本应填数字、却什么也没印的单元格，按行汇总。

    为什么：模板要求每格填数，没有发生的填 0。空白不能当作 0：读者无法知道是 0 还是漏填。
    示例：表四 行政复议 结果维持、结果纠正、其他结果、尚未审结、总计 均为空白。
    如何修改：没有发生的事项填 0。
    """
    this = get_rule("GK201")
    blanks = ctx.cells_of(ValueKind.BLANK)
    for row_id, group in groupby(blanks, key=lambda c: _row_of(c.id)):
        cells = list(group)
        table = TABLE_NAMES[row_id.split(".", 1)[0]]
        cols = "、".join([_column_label(c.id) for c in cells])
        yield this.finding(
            f"{table}「{_row_name(cells[0].id)}」{cols} 为空白（空白不等于 0，请填写数字）",
            cells=[c.id for c in cells],
            at=cells[0],
            ctx=ctx,
        )


@rule("GK202", "mark-not-number", Kind.VALUE, Severity.WARNING, "统计表单元格印的是“/”“—”“无”或文字，不是数字")
def marks(ctx: Context) -> Iterator[Finding]:
    """检查什么：统计表中印有“/”“—”“无”或其他文字、而不是数字的单元格。

    为什么：模板要求填数；符号和文字无法参与合计，统计时只能当作缺失。
    示例：自然人 一栏印“/”。
    如何修改：没有发生的事项填 0。
    """
    this = get_rule("GK202")
    marked = (ValueKind.NOT_APPLICABLE, ValueKind.TEXT)
    for cell in ctx.cells:
        if cell.kind in marked:
            yield this.finding(
                f"{short_label(cell.id)} 印为“{cell.raw}”，不是数字",
                cells=[cell.id],
                at=cell,
                ctx=ctx,
            )


@rule("GK203", "negative-count", Kind.VALUE, Severity.ERROR, "件数为负数")
def negative(ctx: Context) -> Iterator[Finding]:
    """检查什么：件数、数量为负数（2019 年模板“本年增/减”一栏除外）。

    为什么：件数不可能为负。
    示例：予以公开 自然人 印为 -3。
    如何修改：核对原始数据。
    """
    this = get_rule("GK203")
    for cell in ctx.cells_of(ValueKind.NUMBER):
        value = cell.value
        if value is not None and value < 0 and not cell.spec.signed:
            yield this.finding(
                f"{short_label(cell.id)} 为负数 {cell.value}",
                cells=[cell.id],
                printed=cell.value,
                at=cell,
                ctx=ctx,
            )


@rule("GK204", "fractional-count", Kind.VALUE, Severity.ERROR, "件数不是整数（只有金额可以有小数）")
def fractional(ctx: Context) -> Iterator[Finding]:
    """检查什么：件数、数量带有小数。只有金额（万元）可以有小数。

    为什么：申请、文件、决定都以“件”计，必为整数。
    示例：行政许可 本年处理决定数量 印为 12.5。
    如何修改：核对原始数据；若是金额，确认填在金额栏。
    """
    this = get_rule("GK204")
    for cell in ctx.cells_of(ValueKind.NUMBER):
        value = cell.value
        if isinstance(value, int):  # whole by construction; only a Decimal can have a fraction
            continue
        if value is not None and not cell.spec.money and value != int(value):
            yield this.finding(
                f"{short_label(cell.id)} 为 {cell.value}，件数应为整数",
                cells=[cell.id],
                printed=cell.value,
                at=cell,
                ctx=ctx,
            )


@rule("GK205", "uncertain-cell", Kind.VALUE, Severity.WARNING, "原文无法唯一确定该单元格的数值")
def uncertain(ctx: Context) -> Iterator[Finding]:
    """检查什么：读取时无法仅凭原文确定的单元格（例如数字粘连、恒等式也无法唯一拆分；或列数不符）。

    为什么：宁可标出不确定，也不静默给出可能错误的数字。
    示例：网页抓取文本“行政许可3960181”可拆为 396/0/181，也可拆为 39/60/181。
    如何修改：对照原件核实该单元格。
    """
    this = get_rule("GK205")
    for cell in ctx.cells:
        if cell.uncertain and cell.kind is not ValueKind.MISSING:
            yield this.finding(
                f"{short_label(cell.id)} 读为 {_shown(cell)}，但不能确定：{cell.reason or '原文有歧义'}",
                cells=[cell.id],
                printed=cell.value if cell.is_number else None,
                at=cell,
                ctx=ctx,
            )


def _shown(cell: Cell) -> str:
    return str(cell.value) if cell.is_number else "空白"
