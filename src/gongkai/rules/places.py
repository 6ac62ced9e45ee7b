"""Another place's name left in the narrative: the trace of a report copied from another agency's.

The agency's own place is read from its name with the gazetteer (:mod:`gongkai.rules.gazetteer`). A name in
the text is *another place* when none of the gazetteer's places of that name is the agency's own place, one of
its parents or one of the places below it, and it is of the same level as the agency's place or lower (a town's
report may name its county and province; it has no business naming another town as its own).

Precision comes first — every finding must be real. So a name counts only when:

* it is printed in full, with its ending (桐峪镇, 洪泽区), at least three characters long, and is not one of the
  division names that are also ordinary words (:data:`COMMON_WORDS`); or it is the bare stem of a town or
  county (桐峪) in the slot where a report names its own place: “结合桐峪实际”, “立足桐峪县情”
  (:data:`OWN_PLACE_SLOT`);
* its clause does not relate the agency to another place (赴、与、对口、协作、跨……通办 …, :data:`RELATION`): a
  report may well say it learnt from a neighbouring town;
* the agency's own place is known: when the name resolves to nothing, only a town's report is checked, and only
  for other towns (a county's own towns cannot be told from others without the gazetteer).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from gongkai.rules.base import Context, Finding, Kind, Severity, get_rule, rule
from gongkai.rules.gazetteer import LEVELS, Gazetteer, Place, load_gazetteer, normalise

MIN_FULL_NAME = 3
# Division names that are also everyday words of the reports: 老城区 (洛阳's district, and "the old town"),
# 新城区, 开发区-like words. A name here never fires on its own.
COMMON_WORDS = frozenset({"老城区", "新城区", "城关镇", "城关区", "城中区", "城北区", "城南区", "城东区", "城西区",
                          "中心区", "高新区", "新市区", "市中区", "郊区", "矿区", "城区"})
OWN_PLACE_SLOT = re.compile(
    r"(?:结合|立足|围绕|紧扣|聚焦)(?P<name>[\u4e00-\u9fff]{2,5}?)(?:的)?(?:实际|镇情|乡情|县情|区情|市情)"
)
# Stems of towns that are also words of the reports' own vocabulary, so "结合发展实际" names no 发展乡: the stems
# met in the seeds' and the corpus' narratives outside any place name, and the common auspicious or
# revolutionary town names (太平, 红旗, 新华 …) that are everyday words too. A stem here never fires.
GENERIC_STEMS = frozenset({
    "平台", "建设", "人民", "更新", "发展", "安全", "民生", "民政", "中心", "创新", "计划", "统一", "资源", "健康", "惠民", "化工", "民意",
    "阳光", "交通", "市场", "公民", "合作", "公安", "招商", "土地", "导航", "民主", "文化", "公正", "振兴", "利民", "长期", "创业", "高地",
    "地方", "先进", "工程", "发放", "劳动", "联合", "建新", "港口", "口岸", "会展", "建工", "建筑", "城镇", "新区", "高新", "第一", "第二",
    "第三", "第四", "重新", "源头", "广度", "打通", "后台", "三角", "新建", "团结", "胜利", "光明", "红旗", "前进", "东风", "先锋", "幸福",
    "新华", "太平", "新兴", "和平", "解放", "复兴", "富民", "兴隆", "城关", "城区", "经济", "社会", "农村", "乡村", "城乡", "基层", "群众",
    "教育", "科技", "文明", "生态", "环境", "农业", "工业", "商业", "服务", "政务", "法治", "改革", "开放", "繁荣", "和谐", "友谊", "新村",
    "新城", "东城", "西城", "南城", "北城", "城东", "城西", "城南", "城北", "城中", "东关", "西关", "南关", "北关", "长安", "永安", "新民",
    "为民", "便民", "兴业", "工农", "红星", "新风", "民乐", "安乐", "双拥",
})
RELATION = re.compile(r"赴|前往|到访|考察|学习|交流|协作|合作|联合|对口|帮扶|结对|兄弟|周边|毗邻|邻近|接壤|相邻|跨|与")
CLAUSE_END = "。；！？\n"
TOWNSHIP_NAME = re.compile(r"(镇|乡|街道)(人民政府|政府|党委|办事处)?$")


@dataclass(frozen=True)
class PlaceMention:
    """A name of another place in a section of the narrative."""

    name: str  # as printed: 桐峪镇, or the stem 桐峪
    places: tuple[str, ...]  # the gazetteer's full paths of the places so named
    section: str  # the section's heading
    offset: int  # character offset in the section's text
    context: str  # the clause it sits in


def own_places(agency: str, gazetteer: Gazetteer) -> tuple[tuple[Place, ...], set[str]]:
    """The places the agency's name designates, and the codes of every place related to them (themselves, their
    parents and everything below them)."""
    own = gazetteer.resolve(agency)
    related: set[str] = set()
    for place in own:
        related.add(place.code)
        related.update(a.code for a in gazetteer.ancestors(place))
        related.update(gazetteer.descendants(place))
    return own, related


def foreign_mentions(agency: str, sections: list[tuple[str, str]], gazetteer: Gazetteer) -> list[PlaceMention]:
    """The first mention of each other place's name in the narrative ``sections`` (heading, text)."""
    agency_name = normalise(agency)
    own, related = own_places(agency_name, gazetteer)
    if own:
        lowest = min(p.depth for p in own)
        checked_depths = set(range(lowest, len(LEVELS)))
    elif TOWNSHIP_NAME.search(agency_name):
        checked_depths = {LEVELS.index("township")}
    else:
        return []
    own_names = {p.name for p in own} | {p.stem for p in own if p.stem}

    def foreign(places: tuple[Place, ...]) -> tuple[str, ...]:
        if any(p.code in related for p in places):
            return ()
        chosen = [p for p in places if p.depth in checked_depths]
        return tuple(gazetteer.path(p) for p in chosen) if len(chosen) == len(places) else ()

    found: dict[str, PlaceMention] = {}
    for heading, raw in sections:
        text = normalise(raw)
        candidates: list[tuple[int, str, tuple[Place, ...]]] = []
        for match in gazetteer.names_in(text, MIN_FULL_NAME):
            candidates.append((match.start, match.name, gazetteer.by_name[match.name]))
        for slot in OWN_PLACE_SLOT.finditer(text):
            stem = slot.group("name")
            if stem in GENERIC_STEMS:
                continue
            places = tuple(p for p in gazetteer.by_stem.get(stem, ()) if p.level in ("county", "township"))
            if places:
                candidates.append((slot.start("name"), stem, places))
        for start, name, places in sorted(candidates, key=lambda c: c[0]):
            if name in found or name in COMMON_WORDS or name in own_names or name in agency_name:
                continue
            paths = foreign(places)
            if not paths:
                continue
            clause = _clause(text, start, start + len(name))
            if RELATION.search(clause.replace(name, "")):
                continue
            found[name] = PlaceMention(name, paths, heading, start, clause)
    return sorted(found.values(), key=lambda m: (m.section, m.offset))


def _clause(text: str, start: int, end: int) -> str:
    left = max((text.rfind(c, 0, start) for c in "，,：" + CLAUSE_END), default=-1)
    rights = [i for i in (text.find(c, end) for c in "，,：" + CLAUSE_END) if i >= 0]
    return text[left + 1 : min(rights) if rights else len(text)]


@rule("GK511", "other-place-name", Kind.TEXT_TABLE, Severity.WARNING, "正文出现其他地方的地名，可能套用了其他机关的报告")
def other_place_name(ctx: Context) -> Iterator[Finding]:
    """检查什么：正文中出现的乡镇、县区等地名，既不是本机关所在地，也不是其上级或下辖的地方（依据随包附带的行政区划表；
    只看与本机关同级或更低层级的地名，且只看带“镇、乡、街道、县、区、市”等后缀的完整地名，或“结合××实际”这类
    本应写本地地名之处的简称；与其他地方交流、协作、对口帮扶等语句不算）。

    为什么：套用其他机关的报告时，最常留下的痕迹就是对方的地名；这也是年度报告格式通知所警示的“内容雷同”。
    示例：陆浑镇的报告写“结合桐峪实际及时精准的做好相关信息公开”，桐峪镇在山西省左权县和陕西省潼关县，不是陆浑镇。
    如何修改：核对该段文字，改写为本机关的实际情况；确属与该地交流协作的，可在审核时排除此项。
    """
    agency = ctx.report.meta.agency
    if not agency:
        return
    sections = [(s.heading, s.text) for s in ctx.report.sections if s.text]
    this = get_rule("GK511")
    for mention in foreign_mentions(agency, sections, load_gazetteer()):
        where = "、".join(mention.places[:3]) + ("等" if len(mention.places) > 3 else "")
        yield Finding(
            rule=this.id,
            kind=this.kind,
            severity=this.severity,
            message=(
                f"正文“{mention.section}”部分出现“{mention.name}”（“{mention.context}”），"
                f"不是本机关“{agency}”所在地或其上下级的地名（{mention.name}：{where}），可能套用了其他地方的报告"
            ),
            where=f"{mention.section} 第{mention.offset + 1}字",
            source=ctx.report.source,
        )


__all__ = ["COMMON_WORDS", "GENERIC_STEMS", "PlaceMention", "foreign_mentions", "other_place_name", "own_places"]
