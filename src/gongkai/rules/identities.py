"""Identity rules (勾稽关系) of statute.md §4: the sums every printed table must satisfy.

Each identity is checked only when all its cells are printed numbers. When one is blank, a mark or missing,
the rule says the identity cannot be assessed (severity info) — it never passes or fails silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from gongkai.model.report import Cell, Number, Report, Table, ValueKind
from gongkai.model.templates import APPEAL_COLUMNS, APPLICANT_COLUMNS, T4, TableKind, TableTemplate, cell_spec
from gongkai.rules.base import Context, Finding, Kind, Severity, get_rule, rule

RESULT_PREFIXES = ("granted", "partially_granted", "withheld.", "unavailable.", "not_processed.", "other.")


@lru_cache(maxsize=1024)
def short_label(cell_id: str) -> str:
    """A cell's label without the table-二 item prefix, for messages: ``一、本年新收… × 自然人``."""
    label = cell_spec(cell_id).label
    return label.split(" ", 1)[1] if label.startswith("第二十条") else label


@dataclass(frozen=True)
class Identity:
    """``total`` should equal the sum of ``addends`` (each side a tuple of cell ids, minus ``subtract``)."""

    name: str  # Chinese, what is being added up
    total: str
    addends: tuple[str, ...]
    subtract: tuple[str, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        """Every cell of the identity: the total, the addends, then the subtracted cells."""
        return (self.total, *self.addends, *self.subtract)


def _assess(
    rule_id: str, ctx: Context, identities: Iterable[Identity], table: Table
) -> Iterator[Finding]:
    this = get_rule(rule_id)
    number_of = ctx.numbers(table).get  # None for a cell that is missing or not a number
    for ident in identities:
        ids = ident.ids
        values = list(map(number_of, ids))
        numbers = [v for v in values if v is not None]
        if len(numbers) < len(values):
            unknown = [cid for cid, v in zip(ids, values, strict=True) if v is None]
            kinds = "、".join(sorted({_kind_word(table.cells.get(cid)) for cid in unknown}))
            yield this.finding(
                f"{ident.name}：{len(unknown)}个单元格为{kinds}，无法判断是否平衡",
                cells=unknown,
                severity=Severity.INFO,
                ctx=ctx,
            )
            continue
        total = numbers[0]
        addends = numbers[1 : 1 + len(ident.addends)]
        subtract = numbers[1 + len(ident.addends) :]
        computed = sum(addends) - sum(subtract)
        if computed != total:
            terms = " + ".join(_fmt(v) for v in addends)
            if subtract:
                terms += " − " + " − ".join(_fmt(v) for v in subtract)
            yield this.finding(
                f"{ident.name}：{short_label(ident.total)} 印为 {_fmt(total)}，按勾稽关系应为 {terms} = {_fmt(computed)}",
                cells=ids,
                printed=total,
                computed=computed,
                at=table.cells[ident.total],
                ctx=ctx,
            )


def _kind_word(cell: Cell | None) -> str:
    kind = cell.kind if cell is not None else ValueKind.MISSING
    if kind is ValueKind.BLANK:
        return "空白"
    if kind is ValueKind.NOT_APPLICABLE:
        return "“/”等符号"
    if kind is ValueKind.TEXT:
        return "文字"
    return "缺失" if kind is ValueKind.MISSING else "数字"


def _fmt(value: Number | None) -> str:
    return "空" if value is None else f"{value}"


def _t3(report: Report) -> Table | None:
    return report.table(TableKind.T3)


def t3_row_keys(table: Table) -> list[str]:
    return [row.key for row in table.spec.rows]


# The identities depend only on the template a table was printed in: they are built once per template.


def t3_column_identities(table: Table) -> list[Identity]:
    return list(_t3_column_identities())


@cache
def _t3_column_identities() -> tuple[Identity, ...]:
    return tuple(
        Identity(
            f"表三「{col.label}」列 一+二=三（七）+四",
            f"t3.total.{col.key}",
            (f"t3.new.{col.key}", f"t3.carried_over.{col.key}"),
            (f"t3.carried_forward.{col.key}",),
        )
        for col in APPLICANT_COLUMNS
    )


def t3_row_identities(table: Table) -> list[Identity]:
    return list(_t3_row_identities(table.spec))


@cache
def _t3_row_identities(spec: TableTemplate) -> tuple[Identity, ...]:
    applicants = [c for c in APPLICANT_COLUMNS if c.key != "total"]
    out = []
    for row in spec.rows:
        out.append(
            Identity(
                f"表三「{row.number}{row.label}」行 总计=各类申请人之和",
                f"t3.{row.key}.total",
                tuple(f"t3.{row.key}.{c.key}" for c in applicants),
            )
        )
    return tuple(out)


def t3_result_identities(table: Table) -> list[Identity]:
    return list(_t3_result_identities(table.spec))


@cache
def _t3_result_identities(spec: TableTemplate) -> tuple[Identity, ...]:
    rows = [r.key for r in spec.rows if r.key.startswith(RESULT_PREFIXES)]
    return tuple(
        Identity(
            f"表三「{col.label}」列 （七）总计=（一）至（六）之和",
            f"t3.total.{col.key}",
            tuple(f"t3.{key}.{col.key}" for key in rows),
        )
        for col in APPLICANT_COLUMNS
    )


def t4_identities() -> list[Identity]:
    return list(_t4_identities())


@cache
def _t4_identities() -> tuple[Identity, ...]:
    out = []
    for row in T4.rows:
        group = f"{row.group}（{row.label}）" if row.group else row.label
        out.append(
            Identity(
                f"表四「{group}」总计=维持+纠正+其他+尚未审结",
                f"t4.{row.key}.total",
                tuple(f"t4.{row.key}.{c.key}" for c in APPEAL_COLUMNS if c.key != "total"),
            )
        )
    return tuple(out)


@rule("GK101", "t3-column-balance", Kind.IDENTITY, Severity.ERROR, "表三每列：一+二=三（七）总计+四")
def t3_column_balance(ctx: Context) -> Iterator[Finding]:
    """检查什么：表三每一列（自然人……总计）本年新收（一）加上年结转（二）等于（七）总计加结转下年度（四）。

    为什么：模板表头注明“本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和”。
    示例：自然人列 一=5、二=1、（七）=4、四=1 → 5+1 ≠ 4+1。
    如何修改：核对台账，通常是（七）总计或结转下年度填错。
    """
    table = _t3(ctx.report)
    if table is not None:
        yield from _assess("GK101", ctx, t3_column_identities(table), table)


@rule("GK102", "t3-row-total", Kind.IDENTITY, Severity.ERROR, "表三每行：总计=六类申请人之和")
def t3_row_total(ctx: Context) -> Iterator[Finding]:
    """检查什么：表三每一行的“总计”等于自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他六列之和。

    为什么：“总计”列按表头即为各类申请人之和。
    示例：予以公开 258、12、0、0、1、1，总计印为 270（应为 272）。
    如何修改：重新合计该行，或查找被拆开或错列的数字。
    """
    table = _t3(ctx.report)
    if table is not None:
        yield from _assess("GK102", ctx, t3_row_identities(table), table)


@rule("GK103", "t3-result-total", Kind.IDENTITY, Severity.ERROR, "表三每列：（七）总计=（一）至（六）之和")
def t3_result_total(ctx: Context) -> Iterator[Finding]:
    """检查什么：表三每一列的（七）总计等于办理结果（一）至（六）各行之和（2021 年模板（六）为三个子行）。

    为什么：（七）总计是本年度办理结果的合计。
    示例：予以公开 3、不予公开 1、无法提供 2，（七）总计印为 5（应为 6）。
    如何修改：核对每件申请只计入一种办理结果，再重新合计。
    """
    table = _t3(ctx.report)
    if table is not None:
        yield from _assess("GK103", ctx, t3_result_identities(table), table)


@rule("GK104", "t4-total", Kind.IDENTITY, Severity.ERROR, "表四每组：总计=维持+纠正+其他+尚未审结")
def t4_total(ctx: Context) -> Iterator[Finding]:
    """检查什么：表四行政复议、直接起诉、复议后起诉三组中，总计等于结果维持、结果纠正、其他结果、尚未审结之和。

    为什么：总计即该组案件的合计。
    示例：行政复议 维持 10、纠正 1、其他 0、尚未审结 0，总计印为 0（应为 11）。
    如何修改：重新合计该组。
    """
    table = ctx.report.table(TableKind.T4)
    if table is not None:
        yield from _assess("GK104", ctx, t4_identities(), table)


def _digits(value: Number | None) -> str | None:
    if value is None or value < 0 or value != int(value):
        return None
    return str(int(value))


def split_cell_candidates(values: Sequence[Number | None]) -> list[tuple[int, int, int]]:
    """Adjacent cells (i, i+1) whose digits, joined into one of them (the other then empty), balance
    ``values[-1] == sum(values[:-1])``. Returns (i, position of the joined number, joined value)."""
    out: list[tuple[int, int, int]] = []
    for i in range(len(values) - 1):
        left, right = _digits(values[i]), _digits(values[i + 1])
        if left is None or right is None:
            continue
        joined = int(left + right)
        for keep in (i, i + 1):
            trial: list[Number] = [v if v is not None else 0 for v in values]
            trial[i] = trial[i + 1] = 0
            trial[keep] = joined
            if sum(trial[:-1]) == trial[-1] and sum(values[:-1]) != values[-1]:  # type: ignore[arg-type]
                out.append((i, keep, joined))
    return out


@rule("GK105", "split-cell", Kind.IDENTITY, Severity.WARNING, "相邻两格的数字连起来恰好使该行平衡：疑似一个数被拆开")
def split_cell(ctx: Context) -> Iterator[Finding]:
    """检查什么：一行的总计不平衡时，看相邻两格的数字连起来（如 1 和 2 → 12）放进其中一格能否使该行平衡。

    为什么：从 PDF 或网页复制表格时，一个多位数常被拆进相邻两格，使行和列同时出错。
    示例：予以公开 1、2、0、0、0、0，总计 12 — 可能自然人应为 12，商业企业为空。
    如何修改：对照原件，把被拆开的数字合回一格。
    """
    this = get_rule("GK105")
    groups: list[tuple[Table, list[Identity]]] = []
    t3 = _t3(ctx.report)
    if t3 is not None:
        groups.append((t3, t3_row_identities(t3)))
    t4 = ctx.report.table(TableKind.T4)
    if t4 is not None:
        groups.append((t4, t4_identities()))
    for table, identities in groups:
        number_of = ctx.numbers(table).get
        for ident in identities:
            ids = (*ident.addends, ident.total)
            values = list(map(number_of, ids))
            numbers = [v for v in values if v is not None]
            if len(numbers) < len(values) or sum(numbers[:-1]) == numbers[-1]:
                continue
            for i, keep, joined in split_cell_candidates(values):
                yield this.finding(
                    f"{ident.name}：{short_label(ids[i])} 与 {short_label(ids[i + 1])} 的数字连起来为 {joined}，"
                    f"若记入{short_label(ids[keep])}则该行平衡，疑似一个数被拆进两格",
                    cells=(ids[i], ids[i + 1]),
                    computed=joined,
                    at=table.cells.get(ids[keep]),
                    ctx=ctx,
                )
