"""The statutory table templates, as printed, with the stable cell ids of the interchange format.

Two national templates exist: 国办公开办函〔2019〕60号 (report years 2019–2020) and 国办公开办函〔2021〕30号
(report year 2021 on). Each table (二, 三, 四) is described here once as rows × columns; every cell id, label
and the list of cells of a template are derived from these descriptions, and a test checks them against
``spec/cells.json`` so the ids never drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache


class TemplateVersion(StrEnum):
    """Which national template a table follows, as printed."""

    V2021 = "2021"
    V2019 = "2019"
    NONE = "none"  # an older report without the statutory tables


class TableKind(StrEnum):
    T2 = "t2"  # 主动公开政府信息情况
    T3 = "t3"  # 收到和处理政府信息公开申请情况
    T4 = "t4"  # 政府信息公开行政复议、行政诉讼情况


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    money: bool = False  # value in 万元, may carry decimals
    signed: bool = False  # may be negative (本年增/减)


@dataclass(frozen=True)
class RowSpec:
    """One printed row of a table: its id, the label printed in the report and its aliases."""

    key: str  # e.g. "withheld.state_secret"
    label: str  # the label as in the template
    group: str = ""  # the group label printed beside it, e.g. "（三）不予公开"
    number: str = ""  # the numbering printed before the label, e.g. "1" or "（一）"
    aliases: tuple[str, ...] = ()
    columns: tuple[ColumnSpec, ...] = ()
    item: str = ""  # table 二: the 第二十条 item the row belongs to, e.g. "（一）"


@dataclass(frozen=True)
class CellSpec:
    id: str
    label: str
    table: TableKind
    row: RowSpec
    column: ColumnSpec

    @property
    def money(self) -> bool:
        return self.column.money

    @property
    def signed(self) -> bool:
        return self.column.signed


@dataclass(frozen=True, eq=False)  # five module-level singletons: identity is equality, and hashing is cheap
class TableTemplate:
    kind: TableKind
    version: TemplateVersion
    rows: tuple[RowSpec, ...]

    @property
    def cells(self) -> tuple[CellSpec, ...]:
        return _cells(self)

    def row(self, key: str) -> RowSpec:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def cell_id(self, row: RowSpec, column: ColumnSpec) -> str:
        return f"{self.kind}.{row.key}.{column.key}"


# ---------------------------------------------------------------------------------------------------------
# Table 二 — 主动公开政府信息情况
# ---------------------------------------------------------------------------------------------------------

_ITEM_LABEL = "第二十条第{item}项"

_T2_2021_DOC_COLS = (
    ColumnSpec("issued", "本年制发件数"),
    ColumnSpec("repealed", "本年废止件数"),
    ColumnSpec("in_force", "现行有效件数"),
)
_T2_2021_DECISIONS = (ColumnSpec("decisions", "本年处理决定数量"),)

T2_2021 = TableTemplate(
    TableKind.T2,
    TemplateVersion.V2021,
    (
        RowSpec("regulations", "规章", item="（一）", columns=_T2_2021_DOC_COLS),
        RowSpec(
            "normative_documents",
            "行政规范性文件",
            item="（一）",
            aliases=("规范性文件",),
            columns=_T2_2021_DOC_COLS,
        ),
        RowSpec("licensing", "行政许可", item="（五）", columns=_T2_2021_DECISIONS),
        RowSpec("punishment", "行政处罚", item="（六）", columns=_T2_2021_DECISIONS),
        RowSpec("coercion", "行政强制", item="（六）", columns=_T2_2021_DECISIONS),
        RowSpec(
            "fees",
            "行政事业性收费",
            item="（八）",
            columns=(ColumnSpec("amount", "本年收费金额（万元）", money=True),),
        ),
    ),
)

_T2_2019_DOC_COLS = (
    ColumnSpec("made", "本年新制作数量"),
    ColumnSpec("published", "本年新公开数量"),
    ColumnSpec("total_published", "对外公开总数量"),
)
_T2_2019_ITEMS = (
    ColumnSpec("previous", "上一年项目数量"),
    ColumnSpec("change", "本年增/减", signed=True),
    ColumnSpec("decisions", "处理决定数量"),
)

T2_2019 = TableTemplate(
    TableKind.T2,
    TemplateVersion.V2019,
    (
        RowSpec("regulations", "规章", item="（一）", columns=_T2_2019_DOC_COLS),
        RowSpec(
            "normative_documents",
            "规范性文件",
            item="（一）",
            aliases=("行政规范性文件",),
            columns=_T2_2019_DOC_COLS,
        ),
        RowSpec("licensing", "行政许可", item="（五）", columns=_T2_2019_ITEMS),
        RowSpec("other_services", "其他对外管理服务事项", item="（五）", columns=_T2_2019_ITEMS),
        RowSpec("punishment", "行政处罚", item="（六）", columns=_T2_2019_ITEMS),
        RowSpec("coercion", "行政强制", item="（六）", columns=_T2_2019_ITEMS),
        RowSpec("fees", "行政事业性收费", item="（八）", columns=_T2_2019_ITEMS[:2]),
        RowSpec(
            "procurement",
            "政府集中采购",
            item="（九）",
            columns=(
                ColumnSpec("projects", "采购项目数量"),
                ColumnSpec("amount", "采购总金额（万元）", money=True),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------------------
# Table 三 — 收到和处理政府信息公开申请情况
# ---------------------------------------------------------------------------------------------------------

APPLICANT_COLUMNS = (
    ColumnSpec("natural_person", "自然人"),
    ColumnSpec("business", "商业企业"),
    ColumnSpec("research", "科研机构"),
    ColumnSpec("nonprofit", "社会公益组织"),
    ColumnSpec("legal_service", "法律服务机构"),
    ColumnSpec("other_org", "其他"),
    ColumnSpec("total", "总计"),
)

_G_WITHHELD = "（三）不予公开"
_G_UNAVAILABLE = "（四）无法提供"
_G_NOT_PROCESSED = "（五）不予处理"
_G_OTHER = "（六）其他处理"


def _t3_row(key: str, label: str, group: str = "", number: str = "", *aliases: str) -> RowSpec:
    return RowSpec(key, label, group=group, number=number, aliases=aliases, columns=APPLICANT_COLUMNS)


_T3_HEAD = (
    _t3_row("new", "本年新收政府信息公开申请数量", "", "一、"),
    _t3_row("carried_over", "上年结转政府信息公开申请数量", "", "二、"),
    _t3_row("granted", "予以公开", "三、本年度办理结果", "（一）"),
    _t3_row(
        "partially_granted",
        "部分公开（区分处理的，只计这一情形，不计其他情形）",
        "",
        "（二）",
        "部分公开",
    ),
    _t3_row("withheld.state_secret", "属于国家秘密", _G_WITHHELD, "1."),
    _t3_row("withheld.prohibited_by_law", "其他法律行政法规禁止公开", _G_WITHHELD, "2."),
    _t3_row("withheld.security_stability", "危及“三安全一稳定”", _G_WITHHELD, "3."),
    _t3_row("withheld.third_party", "保护第三方合法权益", _G_WITHHELD, "4."),
    _t3_row("withheld.internal_affairs", "属于三类内部事务信息", _G_WITHHELD, "5."),
    _t3_row("withheld.deliberative", "属于四类过程性信息", _G_WITHHELD, "6."),
    _t3_row("withheld.enforcement_file", "属于行政执法案卷", _G_WITHHELD, "7."),
    _t3_row("withheld.query_service", "属于行政查询事项", _G_WITHHELD, "8."),
    _t3_row("unavailable.not_held", "本机关不掌握相关政府信息", _G_UNAVAILABLE, "1."),
    _t3_row("unavailable.needs_creation", "没有现成信息需要另行制作", _G_UNAVAILABLE, "2."),
    _t3_row("unavailable.unclear", "补正后申请内容仍不明确", _G_UNAVAILABLE, "3."),
    _t3_row("not_processed.petition", "信访举报投诉类申请", _G_NOT_PROCESSED, "1."),
    _t3_row("not_processed.duplicate", "重复申请", _G_NOT_PROCESSED, "2."),
    _t3_row("not_processed.publication", "要求提供公开出版物", _G_NOT_PROCESSED, "3."),
    _t3_row("not_processed.excessive", "无正当理由大量反复申请", _G_NOT_PROCESSED, "4."),
    _t3_row("not_processed.confirmation", "要求行政机关确认或重新出具已获取信息", _G_NOT_PROCESSED, "5."),
)
_T3_TAIL = (
    _t3_row("total", "总计", "", "（七）"),
    _t3_row("carried_forward", "结转下年度继续办理", "", "四、"),
)

T3_2021 = TableTemplate(
    TableKind.T3,
    TemplateVersion.V2021,
    (
        *_T3_HEAD,
        _t3_row(
            "other.no_correction",
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            _G_OTHER,
            "1.",
        ),
        _t3_row(
            "other.fee_unpaid",
            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            _G_OTHER,
            "2.",
        ),
        _t3_row("other.other", "其他", _G_OTHER, "3."),
        *_T3_TAIL,
    ),
)

T3_2019 = TableTemplate(
    TableKind.T3,
    TemplateVersion.V2019,
    (*_T3_HEAD, _t3_row("other.total", "其他处理", "", "（六）"), *_T3_TAIL),
)

# ---------------------------------------------------------------------------------------------------------
# Table 四 — 政府信息公开行政复议、行政诉讼情况
# ---------------------------------------------------------------------------------------------------------

APPEAL_COLUMNS = (
    ColumnSpec("upheld", "结果维持"),
    ColumnSpec("corrected", "结果纠正"),
    ColumnSpec("other", "其他结果"),
    ColumnSpec("pending", "尚未审结"),
    ColumnSpec("total", "总计"),
)

T4 = TableTemplate(
    TableKind.T4,
    TemplateVersion.V2021,  # table 四 is the same in both templates
    (
        RowSpec("reconsideration", "行政复议", columns=APPEAL_COLUMNS),
        RowSpec("litigation_direct", "未经复议直接起诉", group="行政诉讼", columns=APPEAL_COLUMNS),
        RowSpec("litigation_after_reconsideration", "复议后起诉", group="行政诉讼", columns=APPEAL_COLUMNS),
    ),
)


def t2_template(version: TemplateVersion) -> TableTemplate:
    return T2_2019 if version is TemplateVersion.V2019 else T2_2021


def t3_template(version: TemplateVersion) -> TableTemplate:
    return T3_2019 if version is TemplateVersion.V2019 else T3_2021


def template_for(kind: TableKind, version: TemplateVersion) -> TableTemplate:
    if kind is TableKind.T2:
        return t2_template(version)
    if kind is TableKind.T3:
        return t3_template(version)
    return T4


def _cell_label(template: TableTemplate, row: RowSpec, column: ColumnSpec) -> str:
    if template.kind is TableKind.T2:
        return f"{_ITEM_LABEL.format(item=row.item)} {row.label} {column.label}"
    if template.kind is TableKind.T4:
        group = f"{row.group} " if row.group else ""
        return f"{group}{row.label} {column.label}"
    number = row.number
    if row.group and row.group.startswith("三、"):
        printed = f"{row.group}{number}{row.label}"
    elif row.group:
        printed = f"{row.group} {number}{row.label}"
    else:
        printed = f"{number}{row.label}"
    return f"{printed} × {column.label}"


@cache
def _cells(template: TableTemplate) -> tuple[CellSpec, ...]:
    return tuple(
        CellSpec(template.cell_id(row, col), _cell_label(template, row, col), template.kind, row, col)
        for row in template.rows
        for col in row.columns
    )


ALL_TEMPLATES = (T2_2021, T2_2019, T3_2021, T3_2019, T4)


@cache
def cell_spec(cell_id: str) -> CellSpec:
    """The spec of a cell id, from whichever template defines it (ids shared by both agree in meaning)."""
    for template in ALL_TEMPLATES:
        for spec in template.cells:
            if spec.id == cell_id:
                return spec
    raise KeyError(cell_id)
