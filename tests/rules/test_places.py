"""GK511 — another place's name left in the narrative: the fixtures of the rule, and its precision on the seeds
and the corpus (every finding it makes there must be real: seed 002's 桐峪 is the one)."""

from __future__ import annotations

import pytest
from tests.conftest import shared_path

from gongkai.model.report import Report, ReportMeta, Section, SectionKey
from gongkai.readers import read
from gongkai.rules import RULES
from gongkai.rules.base import Context, Kind, Severity
from gongkai.rules.places import other_place_name


def report(agency: str, overview: str, problems: str = "") -> Report:
    sections = (Section(SectionKey.OVERVIEW, "一、总体情况", overview),
                Section(SectionKey.PROBLEMS, "五、存在的主要问题及改进情况", problems))
    return Report(ReportMeta(agency=agency, year=2024), sections, source="fixture")


def names(rep: Report) -> list[str]:
    return [f.message.split("出现“", 1)[1].split("”", 1)[0] for f in other_place_name(Context(rep))]


def test_rule_is_documented_in_four_parts() -> None:
    rule = RULES["GK511"]
    assert (rule.kind, rule.severity) == (Kind.TEXT_TABLE, Severity.WARNING)
    for part in ("检查什么：", "为什么：", "示例：", "如何修改："):
        assert part in rule.docs


def test_seed_002_names_tongyu_not_its_own_town() -> None:
    (finding,) = other_place_name(Context(read(shared_path("seeds", "002_557b3571ae78e526.txt"))))
    assert finding.rule == "GK511" and "“桐峪”" in finding.message and "山西省晋中市左权县桐峪镇" in finding.message
    assert "结合桐峪实际" in finding.message and finding.where.startswith("五、存在的主要问题及改进情况")


SEEDS_AND_CORPUS = [
    *(p.name for p in sorted(shared_path("seeds").glob("*.txt"))),
    "004.md", "006.txt", "007.txt", "009.txt", "010.txt", "011.txt", "014.html", "016.txt", "019.docx", "019.html",
]


@pytest.mark.parametrize("name", SEEDS_AND_CORPUS)
def test_precision_on_the_seeds_and_the_corpus(name: str) -> None:
    path = shared_path("seeds", name) if name[:3].isdigit() and "_" in name else shared_path("corpus", name)
    expected = ["桐峪"] if name.startswith("002_") else []
    assert names(read(path)) == expected


def test_full_name_of_a_sibling_or_a_far_town_fires_once() -> None:
    rep = report("陆浑镇人民政府", "桐峪镇全年主动公开信息376条。桐峪镇政务公开专栏更新及时。", "大章镇信息公开工作有序推进。")
    assert names(rep) == ["桐峪镇", "大章镇"]  # 大章镇 is a sibling under 嵩县: another town all the same


def test_own_place_parents_and_children_do_not_fire() -> None:
    town = report("陆浑镇人民政府", "陆浑镇在嵩县县委、洛阳市和河南省的领导下，结合陆浑实际推进公开。")
    assert names(town) == []
    county = report("嵩县人民政府", "全县16个乡镇中，陆浑镇、大章镇、车村镇公开工作突出。")
    assert names(county) == []
    assert names(report("嵩县人民政府", "伊川县政府信息公开工作……")) == ["伊川县"]  # a sibling county


def test_higher_level_places_and_relations_do_not_fire() -> None:
    # A town may name other counties and cities (higher levels); a clause relating it to a place is no leftover.
    rep = report("陆浑镇人民政府", "伊川县、郑州市的经验值得借鉴。组织干部赴桐峪镇学习考察。与大章镇开展协作。")
    assert names(rep) == []


def test_words_that_are_also_place_names_do_not_fire() -> None:
    assert names(report("嵩县人民政府", "推进老城区改造和新城区建设的信息公开。结合发展实际，立足中心工作实际。")) == []


def test_unresolved_agency_checks_only_a_towns_report_for_other_towns() -> None:
    assert names(report("云溪坞镇人民政府", "陆浑镇政务公开工作情况。嵩县县委高度重视。")) == ["陆浑镇"]
    assert names(report("青溪县市场监督管理局", "陆浑镇、桐峪镇的市场主体信息。")) == []


def test_no_agency_no_finding() -> None:
    assert list(other_place_name(Context(report("", "桐峪镇全年主动公开信息。")))) == []
