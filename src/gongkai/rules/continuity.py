"""Rules across years (with ``--previous``) and between the narrative and the tables."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gongkai.model.report import Number, Report
from gongkai.model.templates import APPLICANT_COLUMNS, TableKind, TemplateVersion
from gongkai.rules.base import Context, Finding, Kind, Severity, get_rule, rule


def _num(report: Report, cell_id: str) -> Number | None:
    cell = report.cell(cell_id)
    return cell.value if cell is not None and cell.is_number else None


@rule("GK401", "carry-over", Kind.CROSS_YEAR, Severity.WARNING, "本年“上年结转”应等于上年报告“结转下年度继续办理”")
def carry_over(ctx: Context) -> Iterator[Finding]:
    """检查什么：本年表三“二、上年结转政府信息公开申请数量”逐列等于上年报告表三“四、结转下年度继续办理”。

    为什么：上年结转的申请就是上年末尚未办结的申请，两份报告必须衔接。
    示例：2023 年结转下年度 3 件，2024 年上年结转却填 0。
    如何修改：核对台账中跨年办理的申请。
    """
    if ctx.previous is None:
        return
    this = get_rule("GK401")
    for col in APPLICANT_COLUMNS:
        now_id, last_id = f"t3.carried_over.{col.key}", f"t3.carried_forward.{col.key}"
        now, last = _num(ctx.report, now_id), _num(ctx.previous, last_id)
        if now is None or last is None:
            if ctx.report.cell(now_id) is not None and ctx.previous.cell(last_id) is not None:
                yield this.finding(
                    f"「{col.label}」列：本年上年结转或上年结转下年度不是数字，无法判断是否衔接",
                    cells=[now_id],
                    severity=Severity.INFO,
                    ctx=ctx,
                )
            continue
        if now != last:
            yield this.finding(
                f"「{col.label}」列：本年“上年结转”为 {now}，上年报告“结转下年度继续办理”为 {last}，不衔接",
                cells=[now_id],
                printed=now,
                computed=last,
                at=ctx.report.cell(now_id),
                ctx=ctx,
            )


@rule("GK402", "in-force-continuity", Kind.CROSS_YEAR, Severity.WARNING, "现行有效件数应等于上年现行有效+本年制发−本年废止")
def in_force_continuity(ctx: Context) -> Iterator[Finding]:
    """检查什么：2021 年格式表二中，上年“现行有效件数”加本年“制发”减本年“废止”等于本年“现行有效件数”（规章、行政规范性文件各一）。

    为什么：现行有效的文件只因制发而增、因废止而减。
    示例：上年现行有效 55 件，本年制发 13、废止 0，本年现行有效却为 60。
    如何修改：核对文件清理结果和本年制发、废止的文件。
    """
    if ctx.previous is None:
        return
    this = get_rule("GK402")
    now_t2, last_t2 = ctx.report.table(TableKind.T2), ctx.previous.table(TableKind.T2)
    if now_t2 is None or last_t2 is None or TemplateVersion.V2019 in (now_t2.template, last_t2.template):
        return
    for row, name in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        last = _num(ctx.previous, f"t2.{row}.in_force")
        issued = _num(ctx.report, f"t2.{row}.issued")
        repealed = _num(ctx.report, f"t2.{row}.repealed")
        now = _num(ctx.report, f"t2.{row}.in_force")
        if None in (last, issued, repealed, now):
            yield this.finding(f"{name}：有单元格不是数字，无法判断现行有效件数是否衔接", severity=Severity.INFO, ctx=ctx)
            continue
        assert last is not None and issued is not None and repealed is not None and now is not None
        expected = last + issued - repealed
        if expected != now:
            yield this.finding(
                f"{name}：上年现行有效 {last} + 本年制发 {issued} − 本年废止 {repealed} = {expected}，本年现行有效却为 {now}",
                cells=[f"t2.{row}.in_force", f"t2.{row}.issued", f"t2.{row}.repealed"],
                printed=now,
                computed=expected,
                at=ctx.report.cell(f"t2.{row}.in_force"),
                ctx=ctx,
            )


@rule("GK403", "previous-year", Kind.CROSS_YEAR, Severity.WARNING, "作为上年报告提供的文件不是上一年度的")
def previous_year(ctx: Context) -> Iterator[Finding]:
    """检查什么：用 --previous 提供的上年报告，其年度应比本年报告早一年。

    为什么：跨年衔接只对相邻两年有意义。
    示例：检查 2024 年报告时误把 2022 年报告当作上年报告。
    如何修改：提供上一年度的报告。
    """
    if ctx.previous is None:
        return
    now, last = ctx.report.meta.year, ctx.previous.meta.year
    if now is not None and last is not None and last != now - 1:
        yield get_rule("GK403").finding(f"上年报告为 {last} 年度，本年报告为 {now} 年度，不是相邻年度", ctx=ctx)


# Wording that unambiguously says no application was received / no appeal happened.
NO_APPLICATIONS = re.compile(
    r"(未|没有|无)(收到|接收到|接到|受理)(任何)?(公民、法人和其他组织[^。；]{0,20})?(政府信息公开申请|依申请公开(申请|事项)?)"
)
NO_APPEALS = re.compile(r"(未|没有)(发生|出现)[^。；，]{0,20}?(行政复议|行政诉讼)")


@rule("GK501", "narrative-applications", Kind.TEXT_TABLE, Severity.ERROR, "正文称未收到申请，表三却有本年新收申请")
def narrative_applications(ctx: Context) -> Iterator[Finding]:
    """检查什么：正文写“未收到政府信息公开申请”等明确表述，而表三“本年新收政府信息公开申请数量 总计”大于 0。

    为什么：正文与统计表自相矛盾，至少有一处错误（常见于套用往年文字）。
    示例：正文“2024年我镇未收到政府信息公开申请”，表三本年新收总计 3。
    如何修改：按台账修改正文或表格。
    """
    total = _num(ctx.report, "t3.new.total")
    if total is None or total <= 0:
        return
    for section in ctx.report.sections:
        m = NO_APPLICATIONS.search(section.text) or NO_APPLICATIONS.search(section.heading)
        if m:
            yield get_rule("GK501").finding(
                f"正文“{section.heading}”部分称“{m.group(0)}”，但表三本年新收申请总计为 {total}",
                cells=["t3.new.total"],
                printed=total,
                at=ctx.report.cell("t3.new.total"),
                ctx=ctx,
            )
            return


@rule("GK502", "narrative-appeals", Kind.TEXT_TABLE, Severity.ERROR, "正文称未发生复议诉讼，表四却有案件")
def narrative_appeals(ctx: Context) -> Iterator[Finding]:
    """检查什么：正文写“未发生……行政复议/行政诉讼”，而表四对应总计大于 0。

    为什么：正文与统计表自相矛盾。
    示例：正文“未发生政府信息公开行政复议案件”，表四行政复议总计 2。
    如何修改：按实际案件修改正文或表四。
    """
    totals = {
        "行政复议": _num(ctx.report, "t4.reconsideration.total"),
        "行政诉讼": sum(
            v
            for v in (
                _num(ctx.report, "t4.litigation_direct.total"),
                _num(ctx.report, "t4.litigation_after_reconsideration.total"),
            )
            if v is not None
        ),
    }
    for section in ctx.report.sections:
        for m in NO_APPEALS.finditer(section.text):
            said = m.group(0)
            if "行政复议" in said and "行政诉讼" not in said and "、" not in said:
                kinds = ["行政复议"]
            else:
                kinds = [k for k in totals if k in said] or ["行政复议"]
            for kind in kinds:
                value = totals[kind]
                if value:
                    cell = "t4.reconsideration.total" if kind == "行政复议" else "t4.litigation_direct.total"
                    yield get_rule("GK502").finding(
                        f"正文称“{said}”，但表四{kind}总计为 {value}", cells=[cell], printed=value, ctx=ctx
                    )
                    return
