"""Rules on the report as a whole: the template for the year, missing tables, rows and sections, meta."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from gongkai.model.report import SECTION_HEADINGS, SectionKey, ValueKind
from gongkai.model.templates import TableKind, TemplateVersion
from gongkai.rules.base import Context, Finding, Kind, Severity, get_rule, rule
from gongkai.rules.cells import TABLE_NAMES, _row_name

FIRST_2021_YEAR = 2021  # 国办公开办函〔2021〕30号 applies from report year 2021
FIRST_2019_YEAR = 2019  # 国办公开办函〔2019〕60号 applies to report years 2019–2020

_TABLE_TITLES = {
    TableKind.T2: "表二（主动公开政府信息情况）",
    TableKind.T3: "表三（收到和处理政府信息公开申请情况）",
    TableKind.T4: "表四（政府信息公开行政复议、行政诉讼情况）",
}
_T2_2019_WORDS = "本年新制作数量、上一年项目数量、第二十条第（九）项政府集中采购"
_T3_2019_WORDS = "（六）其他处理只有一行，没有 1、2、3 三个子行"


def _statutory_year(ctx: Context) -> int | None:
    return ctx.report.meta.year


@rule("GK301", "outdated-template", Kind.TEMPLATE, Severity.ERROR, "2021 年及以后的报告使用了 2019 年模板")
def outdated_template(ctx: Context) -> Iterator[Finding]:
    """检查什么：报告年度为 2021 年及以后，表二或表三却按 2019 年试行格式（国办公开办函〔2019〕60号）填报。

    为什么：国办公开办函〔2021〕30号 自 2021 年度报告起施行。沿用旧模板通常是套用往年报告的迹象。
    示例：2024 年报告的表二仍有“本年新制作数量”和“第二十条第（九）项 政府集中采购”。
    如何修改：按 2021 年格式重新制表：表二（一）项改为本年制发/本年废止/现行有效，删除（九）项；表三（六）拆为三个子行。
    """
    this = get_rule("GK301")
    year = _statutory_year(ctx)
    if year is None or year < FIRST_2021_YEAR:
        return
    for kind, words in ((TableKind.T2, _T2_2019_WORDS), (TableKind.T3, _T3_2019_WORDS)):
        table = ctx.report.table(kind)
        if table is not None and table.template is TemplateVersion.V2019:
            yield this.finding(
                f"{year} 年度报告的{_TABLE_TITLES[kind]}使用了 2019 年模板（{words}），应使用国办公开办函〔2021〕30号格式",
                ctx=ctx,
            )


@rule("GK302", "mixed-templates", Kind.TEMPLATE, Severity.WARNING, "表二与表三使用了不同年份的模板")
def mixed_templates(ctx: Context) -> Iterator[Finding]:
    """检查什么：同一份报告中表二和表三分别按 2019 年和 2021 年模板填报。

    为什么：两张表应出自同一版格式；混用说明有一张表是从旧报告复制的。
    示例：表二为 2021 年格式，表三（六）其他处理却只有一行。
    如何修改：两张表都按当年适用的格式重新制表。
    """
    t2, t3 = ctx.report.table(TableKind.T2), ctx.report.table(TableKind.T3)
    if t2 is not None and t3 is not None and t2.template is not t3.template:
        yield get_rule("GK302").finding(
            f"表二使用 {t2.template.value} 年模板，表三使用 {t3.template.value} 年模板，两表格式不一致",
            ctx=ctx,
        )


@rule("GK303", "template-before-issued", Kind.TEMPLATE, Severity.WARNING, "2021 年以前的报告使用了 2021 年模板")
def template_before_issued(ctx: Context) -> Iterator[Finding]:
    """检查什么：2019、2020 年度报告使用了 2021 年 9 月才印发的格式。

    为什么：2021 年格式发布前的报告不可能按它填报，说明报告年度或表格有误。
    示例：标题为 2020 年度报告，表三（六）却有三个子行。
    如何修改：核对报告年度。
    """
    year = _statutory_year(ctx)
    if year is None or not FIRST_2019_YEAR <= year < FIRST_2021_YEAR:
        return
    for kind in (TableKind.T2, TableKind.T3):
        table = ctx.report.table(kind)
        if table is not None and table.template is TemplateVersion.V2021:
            yield get_rule("GK303").finding(
                f"{year} 年度报告的{_TABLE_TITLES[kind]}使用了 2021 年模板（2021 年 9 月印发）", ctx=ctx
            )


@rule("GK311", "missing-table", Kind.STRUCTURE, Severity.ERROR, "缺少法定统计表")
def missing_table(ctx: Context) -> Iterator[Finding]:
    """检查什么：2019 年度及以后的报告缺少表二、表三或表四。

    为什么：年度报告格式规定了三张统计表（2019 年以前的报告没有这些表，不检查）。
    示例：报告只有文字，没有“收到和处理政府信息公开申请情况”表。
    如何修改：按模板补齐统计表。
    """
    year = _statutory_year(ctx)
    if year is not None and year < FIRST_2019_YEAR:
        return
    for kind, title in _TABLE_TITLES.items():
        if ctx.report.table(kind) is None:
            yield get_rule("GK311").finding(f"报告中未找到{title}", ctx=ctx)


@rule("GK312", "missing-rows", Kind.STRUCTURE, Severity.ERROR, "统计表缺少行")
def missing_rows(ctx: Context) -> Iterator[Finding]:
    """检查什么：统计表中找不到模板规定的某一行，或某行数值个数不足。

    为什么：模板的每一行都必须填报。
    示例：表三没有“5.要求行政机关确认或重新出具已获取信息”一行。
    如何修改：按模板补齐该行。
    """
    this = get_rule("GK312")
    missing = ctx.cells_of(ValueKind.MISSING)
    for row_id, group in groupby(missing, key=lambda c: c.id.rsplit(".", 1)[0]):
        cells = list(group)
        table = TABLE_NAMES[row_id.split(".", 1)[0]]
        yield this.finding(
            f"{table}「{_row_name(cells[0].id)}」：{cells[0].reason or '未找到'}（{len(cells)}个单元格）",
            cells=[c.id for c in cells],
            ctx=ctx,
        )


@rule("GK313", "missing-section", Kind.STRUCTURE, Severity.WARNING, "缺少法定章节")
def missing_section(ctx: Context) -> Iterator[Finding]:
    """检查什么：报告缺少六个法定部分之一的标题（一、总体情况 …… 六、其他需要报告的事项）。

    为什么：条例第五十条和年度报告格式规定了报告内容；缺少章节通常意味着内容缺失。
    示例：报告没有“五、存在的主要问题及改进情况”。
    如何修改：按格式补齐该部分；确无内容的写“无”。
    """
    year = _statutory_year(ctx)
    if year is not None and year < FIRST_2019_YEAR:
        return
    for key in SectionKey:
        if ctx.report.section(key) is None:
            yield get_rule("GK313").finding(f"报告中未找到“{SECTION_HEADINGS[key]}”部分", ctx=ctx)


@rule("GK321", "missing-year", Kind.META, Severity.ERROR, "无法确定报告年度")
def missing_year(ctx: Context) -> Iterator[Finding]:
    """检查什么：标题和正文都没有写明报告年度。

    为什么：年度报告必须说明所报年度，否则无法适用模板、无法与上年衔接。
    示例：标题为“政府信息公开工作年度报告”，正文也没有统计期限。
    如何修改：在标题中写明年度，如“2024年政府信息公开工作年度报告”。
    """
    if ctx.report.meta.year is None:
        yield get_rule("GK321").finding("报告未写明年度（标题和统计期限中都找不到）", ctx=ctx)


@rule("GK322", "missing-agency", Kind.META, Severity.ERROR, "无法确定报告机关")
def missing_agency(ctx: Context) -> Iterator[Finding]:
    """检查什么：标题、正文开头和落款都没有写明报告机关。

    为什么：年度报告由行政机关以自己的名义发布，必须写明机关名称。
    示例：标题只有“2024年政府信息公开工作年度报告”，正文只称“我镇”。
    如何修改：在标题中写明机关全称。
    """
    if not ctx.report.meta.agency:
        yield get_rule("GK322").finding("报告未写明机关名称（标题、正文开头和落款中都找不到）", ctx=ctx)


