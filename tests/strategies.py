"""Hypothesis strategies for valid annual reports, shared by the tests.

``reports()`` draws a complete ``Report`` — title meta, the six sections with plain narrative text, and
tables 二, 三, 四 — in which every identity of statute.md §4 holds:

* table 三 is built column by column: the result counts （一）…（六） are drawn, （七）总计 is their sum, 四 (carried
  forward) and 二 (carried over) are drawn so that 一 = （七） + 四 − 二 is not negative; the 总计 column is
  the sum of the six applicant columns (the identities are linear, so every row and column balances);
* table 四: 维持, 纠正, 其他, 尚未审结 are drawn per group and 总计 is their sum;
* table 二: counts are non-negative integers, 本年增/减 may be negative, money (万元) may carry up to six
  decimals.

Templates: ``consistent_reports()`` keeps both tables in the template of the report year (2021 template:
2021–2026; 2019 template: 2019–2020), so ``gongkai.rules.check`` finds nothing at all. ``reports()`` also
mixes templates (表二 2019 + 表三 2021 and the reverse, any year 2019–2026), which is itself a finding
(GK301/GK302/GK303) but otherwise valid.

Section texts avoid what would change a layout's meaning: no TABs, no spaces, no line starting with ``#`` or
``|``, no standalone numbers, no statutory heading or table words (第二十条, 行政复议, 主要问题…), no wording
the narrative rules read (未收到申请, 未发生复议) and no other place names.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from gongkai.model.report import (
    SECTION_HEADINGS,
    Cell,
    Number,
    Report,
    ReportMeta,
    Section,
    SectionKey,
    Table,
    ValueKind,
)
from gongkai.model.templates import (
    APPEAL_COLUMNS,
    APPLICANT_COLUMNS,
    T4,
    TableKind,
    TemplateVersion,
    t2_template,
    t3_template,
)

V2019, V2021 = TemplateVersion.V2019, TemplateVersion.V2021
SAME_TEMPLATES = ((V2021, V2021), (V2019, V2019))
MIXED_TEMPLATES = ((V2019, V2021), (V2021, V2019))
ALL_TEMPLATES = SAME_TEMPLATES + MIXED_TEMPLATES
YEARS = {V2021: (2021, 2026), V2019: (2019, 2020)}
ANY_YEAR = (2019, 2026)

PLACES = (
    "陆浑", "孙杏村", "金村", "巨鹿", "吴村", "白沙", "青石", "柳林", "桃源", "龙泉", "石桥", "东湖", "南岭",
    "新安", "永宁", "安乐", "长青", "西山",
)
AGENCY_SUFFIXES = (
    "镇", "镇人民政府", "乡人民政府", "县人民政府", "区人民政府", "县自然资源局", "区市场监督管理局",
    "县财政局", "区教育局", "县卫生健康委员会", "区生态环境局", "县交通运输局",
)

# Plain narrative sentences (no place names, no spaces, no standalone numbers).
SENTENCES = (
    "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外。",
    "进一步健全政府信息公开工作机制，明确分管领导和专职工作人员，落实工作责任。",
    "严格执行“先审查、后公开”和“一事一审”制度，确保公开信息准确、规范。",
    "围绕群众关心关注的重点领域，及时公开政策文件、财政预决算和重大项目信息。",
    "依托政府门户网站、政务新媒体和公开栏等渠道，拓宽信息发布途径。",
    "规范依申请公开办理流程，做到登记、审核、办理、答复、归档全程留痕。",
    "加强政策解读和回应关切，提升政策知晓度和群众满意度。",
    "定期开展专题培训，提高工作人员的业务能力和保密意识。",
    "将政府信息公开工作纳入年度目标考核，强化监督检查。",
    "信息发布的及时性和规范性仍需提升，部分栏目更新不够及时。",
    "下一步将持续完善工作制度，加强队伍建设，推动公开工作提质增效。",
    "本机关本年度未收取信息处理费。",
    "对照清单逐项自查，做到应公开尽公开，确保“谁公开、谁审查、谁负责”落到实处。",
    "建立健全政务舆情收集、回应、研判机制，全面加强回应解读工作。",
    "公开内容的深度和广度与公众需求相比仍有差距。",
    "对公开信息实行<分级审核>&<动态更新>，确保信息安全可靠。",
)
NUMBERED = (
    "全年主动公开政府信息{n}条，其中政策文件{m}件。",
    "本年度组织开展业务培训{m}次，参训人员{n}人次。",
    "在政务服务大厅设立{m}个综合服务窗口，实现{n}项服务事项一窗受理。",
)
SUBHEADINGS = ("（一）主动公开方面", "（二）依申请公开方面", "（三）政府信息管理方面", "（四）平台建设方面", "（五）监督保障方面")


def _count(high: int = 3000) -> st.SearchStrategy[int]:
    """A count: often 0, often small, sometimes large — like real tables."""
    return st.one_of(st.just(0), st.integers(1, 9), st.integers(10, high))


@st.composite
def money(draw: st.DrawFn) -> Number:
    """An amount in 万元: 0, an integer, or a decimal with up to six places (e.g. 4166.241619)."""
    places = draw(st.integers(0, 6))
    units = draw(st.one_of(st.just(0), st.integers(1, 10**10)))
    if places == 0:
        return units
    return Decimal(units).scaleb(-places)


def number_cell(cell_id: str, value: Number) -> Cell:
    raw = format(value, "f") if isinstance(value, Decimal) else str(value)
    return Cell(cell_id, ValueKind.NUMBER, value, raw=raw)


def agencies() -> st.SearchStrategy[str]:
    return st.builds(lambda p, s: p + s, st.sampled_from(PLACES), st.sampled_from(AGENCY_SUFFIXES))


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3))
    if draw(st.booleans()):
        template = draw(st.sampled_from(NUMBERED))
        parts.insert(draw(st.integers(0, len(parts))), template.format(n=draw(st.integers(2, 999)),
                                                                       m=draw(st.integers(1, 99))))
    return "".join(parts)


@st.composite
def section_text(draw: st.DrawFn, key: SectionKey) -> str:
    """Narrative text of a section: sections 二–四 usually hold only their table."""
    if key is SectionKey.OVERVIEW:
        paragraphs = draw(st.lists(paragraph(), min_size=1, max_size=4))
        if draw(st.booleans()):  # subsections (一)…(五), each followed by its paragraph
            paragraphs = [x for head, body in zip(SUBHEADINGS, paragraphs, strict=False) for x in (head, body)]
        return "\n".join(paragraphs)
    if key in (SectionKey.PROACTIVE, SectionKey.APPLICATIONS, SectionKey.APPEALS):
        return "\n".join(draw(st.lists(paragraph(), min_size=0, max_size=1)))
    if key is SectionKey.OTHER and draw(st.booleans()):
        return "无"
    return "\n".join(draw(st.lists(paragraph(), min_size=1, max_size=3)))


@st.composite
def t2_tables(draw: st.DrawFn, version: TemplateVersion) -> Table:
    template = t2_template(version)
    cells: dict[str, Cell] = {}
    for spec in template.cells:
        if spec.money:
            value: Number = draw(money())
        elif spec.signed:
            value = draw(st.integers(-50, 50))
        else:
            value = draw(_count())
        cells[spec.id] = number_cell(spec.id, value)
    return Table(TableKind.T2, version, cells)


@st.composite
def t3_tables(draw: st.DrawFn, version: TemplateVersion) -> Table:
    """Table 三 with every identity holding: per column 一 + 二 = （七） + 四, （七） = Σ results, 总计 = Σ applicants."""
    template = t3_template(version)
    results = [row.key for row in template.rows if row.key not in ("new", "carried_over", "total", "carried_forward")]
    applicants = [col.key for col in APPLICANT_COLUMNS if col.key != "total"]
    values: dict[str, dict[str, int]] = {key: {} for key in (*results, "new", "carried_over", "total",
                                                              "carried_forward")}
    for col in applicants:
        busy = draw(st.booleans())  # many columns of real reports are all zero
        for key in results:
            values[key][col] = draw(_count(400)) if busy else 0
        total = sum(values[key][col] for key in results)
        forward = draw(_count(50)) if busy else 0
        over = draw(st.integers(0, total + forward)) if busy else 0
        values["total"][col] = total
        values["carried_forward"][col] = forward
        values["carried_over"][col] = over
        values["new"][col] = total + forward - over
    cells: dict[str, Cell] = {}
    for row in template.rows:
        row_values = values[row.key]
        row_values["total"] = sum(row_values[col] for col in applicants)
        for col in APPLICANT_COLUMNS:
            cell_id = template.cell_id(row, col)
            cells[cell_id] = number_cell(cell_id, row_values[col.key])
    return Table(TableKind.T3, version, cells)


@st.composite
def t4_tables(draw: st.DrawFn) -> Table:
    cells: dict[str, Cell] = {}
    for row in T4.rows:
        parts = [draw(_count(30)) for _ in APPEAL_COLUMNS[:-1]]
        for col, value in zip(APPEAL_COLUMNS, [*parts, sum(parts)], strict=True):
            cell_id = T4.cell_id(row, col)
            cells[cell_id] = number_cell(cell_id, value)
    return Table(TableKind.T4, TemplateVersion.V2021, cells)


@st.composite
def reports(
    draw: st.DrawFn,
    templates: tuple[tuple[TemplateVersion, TemplateVersion], ...] = ALL_TEMPLATES,
) -> Report:
    """A valid report (every identity holds) with tables in one of the given (表二, 表三) template pairs."""
    t2_version, t3_version = draw(st.sampled_from(templates))
    low, high = YEARS[t2_version] if t2_version is t3_version else ANY_YEAR
    year = draw(st.integers(low, high))
    agency = draw(agencies())
    meta = ReportMeta(
        agency=agency,
        year=year,
        title=f"{agency}{year}年政府信息公开工作年度报告",
        t2_template=t2_version,
        t3_template=t3_version,
        agency_source="title",
    )
    sections = tuple(Section(key, SECTION_HEADINGS[key], draw(section_text(key))) for key in SectionKey)
    tables = (draw(t2_tables(t2_version)), draw(t3_tables(t3_version)), draw(t4_tables()))
    return Report(meta, sections, tables, source="hypothesis", reader="strategy")


def consistent_reports() -> st.SearchStrategy[Report]:
    """Valid reports whose templates match the report year: ``check`` finds nothing in them."""
    return reports(SAME_TEMPLATES)
