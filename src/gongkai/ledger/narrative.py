"""The draft narrative of the six sections, filled from the ledger's figures, for the office to edit.

Only facts the ledger holds are stated; what it cannot know is left as a marked gap “【请补充：…】”. Statements
of absence (“未收到政府信息公开申请”, “未发生……行政复议”) are written only when the count is zero, so the draft
never contradicts its own tables (rules GK501, GK502).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from gongkai.desk.model import Channel
from gongkai.ledger.proactive import ProactiveSummary
from gongkai.model.report import SECTION_HEADINGS, Provenance, Section, SectionKey
from gongkai.store.vocab import (
    AgencyKind,
    AppealKind,
    AppealOutcome,
    ApplicantType,
    PublicationChannel,
    RegisterDocumentKind,
    TallyItem,
)

if TYPE_CHECKING:
    from gongkai.ledger.build import Facts

GAP = "【请补充：{what}】"
GOVERNMENTS = (AgencyKind.COUNTY_GOVERNMENT, AgencyKind.CITY_GOVERNMENT, AgencyKind.TOWNSHIP)


@dataclass(frozen=True)
class ProactiveFacts:
    published: int
    late: int
    by_channel: tuple[tuple[str, int], ...]
    late_titles: tuple[str, ...]

    @classmethod
    def of(cls, summary: ProactiveSummary) -> ProactiveFacts:
        order = list(PublicationChannel)
        channels = sorted(summary.by_channel.items(), key=lambda kv: order.index(kv[0]))
        return cls(summary.published, summary.late, tuple((c.label, n) for c, n in channels), summary.late_titles)


def money(amount: Decimal) -> str:
    """元 or 万元 as printed: no trailing zeros (300, 12.5)."""
    text = format(amount.quantize(Decimal("0.01")).normalize(), "f")
    return text


def _counts(pairs: Mapping[str, int] | tuple[tuple[str, int], ...], unit: str) -> str:
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return "、".join(f"{label}{n}{unit}" for label, n in items if n)


def _overview(facts: Facts) -> str:
    t3 = facts.t3
    new, carried = sum(t3["new"].values()), sum(t3["carried_over"].values())
    closed, forward = sum(t3["total"].values()), sum(t3["carried_forward"].values())
    lines = [
        f"{facts.year}年，{facts.agency.name}认真贯彻落实《中华人民共和国政府信息公开条例》（以下简称《条例》），"
        "坚持以公开为常态、不公开为例外，现将本机关本年度政府信息公开工作情况报告如下。",
    ]
    p = facts.proactive
    if p is not None and p.published:
        line = f"（一）主动公开。全年主动公开政府信息{p.published}条，均经承办人拟稿、保密审查、领导签发后公开，做到先审查、后公开，一事一审。"
        if p.by_channel:
            line += f"按公开渠道：{_counts(p.by_channel, '条')}（同一信息在多个渠道公开的分别计算）。"
        lines.append(line)
    else:
        lines.append(f"（一）主动公开。{GAP.format(what='本年度主动公开工作情况')}")
    if new:
        line = f"（二）依申请公开。全年新收政府信息公开申请{new}件，上年结转{carried}件，办结{closed}件，结转下年度继续办理{forward}件。"
        if facts.channels:
            order = [c.value for c in Channel]
            ranked = sorted(facts.channels.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
            line += f"按提交方式：{_counts(tuple(ranked), '件')}。"
    else:
        line = f"（二）依申请公开。本年度未收到政府信息公开申请；上年结转{carried}件，办结{closed}件，结转下年度继续办理{forward}件。"
    lines.append(line)
    lines.append(f"（三）政府信息管理。{GAP.format(what='政府信息管理、公开属性认定和动态调整情况')}")
    lines.append(f"（四）平台建设。{GAP.format(what='政府网站、政务新媒体等平台建设情况')}")
    lines.append(f"（五）监督保障。{GAP.format(what='工作机构、人员、培训和监督检查情况')}")
    return "\n".join(lines)


def _proactive(facts: Facts) -> str:
    docs = facts.documents
    normative = docs[RegisterDocumentKind.NORMATIVE_DOCUMENT]
    regulations = docs[RegisterDocumentKind.REGULATION]
    parts = []
    if regulations["issued"] or regulations["in_force"]:
        parts.append(f"制发规章{regulations['issued']}件、废止{regulations['repealed']}件，年末现行有效{regulations['in_force']}件")
    parts.append(
        f"制发行政规范性文件{normative['issued']}件、废止{normative['repealed']}件，年末现行有效{normative['in_force']}件"
    )
    figures = []
    for item in (TallyItem.LICENSING, TallyItem.PUNISHMENT, TallyItem.COERCION):
        value = facts.tallies.get(item)
        figures.append(f"{item.label}处理决定{value}件" if value is not None else f"{item.label}处理决定数量（台账未录入）")
    fee = facts.tallies.get(TallyItem.FEES)
    figures.append(
        f"行政事业性收费{money(Decimal(fee))}万元" if fee is not None else "行政事业性收费金额（台账未录入）"
    )
    text = f"{facts.year}年，本机关{'；'.join(parts)}；{'、'.join(figures)}。具体情况见下表。"
    p = facts.proactive
    if p is not None and p.late:
        text += f"\n本年度有{p.late}条信息公开时间超过《条例》第二十六条规定的20个工作日。"
    return text


def _applications(facts: Facts) -> str:
    t3 = facts.t3
    new = sum(t3["new"].values())
    persons = t3["new"][ApplicantType.NATURAL_PERSON]
    closed = sum(t3["total"].values())
    groups = {
        "予以公开": ("granted",),
        "部分公开": ("partially_granted",),
        "不予公开": tuple(k for k in t3 if k.startswith("withheld.")),
        "无法提供": tuple(k for k in t3 if k.startswith("unavailable.")),
        "不予处理": tuple(k for k in t3 if k.startswith("not_processed.")),
        "其他处理": tuple(k for k in t3 if k.startswith("other.")),
    }
    results = {label: sum(sum(t3[k].values()) for k in keys) for label, keys in groups.items()}
    lines = []
    if new:
        lines.append(
            f"本年度新收政府信息公开申请{new}件，其中自然人{persons}件、法人或其他组织{new - persons}件；"
            f"上年结转{sum(t3['carried_over'].values())}件。"
        )
    else:
        lines.append(f"本年度未收到政府信息公开申请；上年结转{sum(t3['carried_over'].values())}件。")
    if closed:
        lines.append(f"本年度办结{closed}件，其中{_counts(results, '件')}；结转下年度继续办理{sum(t3['carried_forward'].values())}件。")
    else:
        lines.append(f"结转下年度继续办理{sum(t3['carried_forward'].values())}件。")
    if facts.replied_late:
        lines.append(f"有{facts.replied_late}件申请超过法定期限答复。")
    elif closed:
        lines.append("台账中没有超过法定期限答复的申请。")
    return "\n".join(lines)


def _appeals(facts: Facts) -> str:
    def phrase(counts: Mapping[AppealOutcome, int]) -> str:
        return "、".join(f"{o.label}{counts.get(o, 0)}件" for o in AppealOutcome)

    recon = facts.t4[AppealKind.RECONSIDERATION]
    direct = facts.t4[AppealKind.LITIGATION_DIRECT]
    after = facts.t4[AppealKind.LITIGATION_AFTER_RECONSIDERATION]
    n_recon = sum(recon.values())
    n_lit = sum(direct.values()) + sum(after.values())
    if not n_recon and not n_lit:
        return "本年度未发生政府信息公开行政复议、行政诉讼案件。"
    lines = []
    if n_recon:
        lines.append(f"本年度涉及政府信息公开的行政复议{n_recon}件，其中{phrase(recon)}。")
    else:
        lines.append("本年度未发生政府信息公开行政复议案件。")
    if n_lit:
        lines.append(
            f"涉及政府信息公开的行政诉讼{n_lit}件：未经复议直接起诉{sum(direct.values())}件（{phrase(direct)}），"
            f"复议后起诉{sum(after.values())}件（{phrase(after)}）。"
        )
    else:
        lines.append("本年度未发生政府信息公开行政诉讼案件。")
    return "\n".join(lines)


def _problems(facts: Facts) -> str:
    lines = []
    if facts.replied_late:
        lines.append(f"一是依申请公开办理时效有待提高，本年度有{facts.replied_late}件申请超过法定期限答复。{GAP.format(what='改进措施')}")
    p = facts.proactive
    if p is not None and p.late:
        lines.append(f"{'二' if lines else '一'}是部分信息公开不够及时，有{p.late}条信息超过20个工作日公开。{GAP.format(what='改进措施')}")
    lines.append(GAP.format(what="存在的其他主要问题及改进情况"))
    return "\n".join(lines)


def _other(facts: Facts) -> str:
    year = facts.year
    if facts.fees_yuan > 0:
        line = (
            f"本机关{year}年度依据《政府信息公开信息处理费管理办法》发出收费通知{facts.fee_notices}件，"
            f"共收取信息处理费{money(facts.fees_yuan)}元。"
        )
    elif facts.fee_notices:
        line = f"本机关{year}年度发出信息处理费收费通知{facts.fee_notices}件，未收取信息处理费。"
    else:
        line = f"本机关{year}年度未收取信息处理费。"
    lines = [line]
    if facts.agency.kind in GOVERNMENTS:
        lines.append(GAP.format(what="政务公开工作要点落实情况，工作考核、社会评议和责任追究结果"))
    else:
        lines.append(GAP.format(what="政务公开工作要点落实情况及其他需要报告的事项"))
    return "\n".join(lines)


def draft_sections(facts: Facts, source: str) -> tuple[Section, ...]:
    texts = {
        SectionKey.OVERVIEW: _overview(facts),
        SectionKey.PROACTIVE: _proactive(facts),
        SectionKey.APPLICATIONS: _applications(facts),
        SectionKey.APPEALS: _appeals(facts),
        SectionKey.PROBLEMS: _problems(facts),
        SectionKey.OTHER: _other(facts),
    }
    where = Provenance(source=source, reader="ledger", text="由台账数据生成的初稿，请核对补充")
    return tuple(Section(key, SECTION_HEADINGS[key], text, where) for key, text in texts.items())
