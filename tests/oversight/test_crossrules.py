"""Rules across stored reports: carry-over continuity (GK401/GK402 over consecutive stored years), a declared
aggregate against the sum of its parts (GK411), copied text between agencies (GK412) and with last year's own
report (GK413); stored as findings of the import, idempotent, their reviews kept across re-runs."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from tests.conftest import shared_path

from gongkai.model.report import Cell, Report, Section, SectionKey, ValueKind
from gongkai.oversight import import_reports
from gongkai.oversight.crossrules import (
    CROSS_RULES,
    Aggregation,
    AggregationsFileError,
    copied_passages,
    load_aggregations_csv,
    run_cross_report_rules,
)
from gongkai.oversight.reviews import ReviewDecision, report_findings, review_finding
from gongkai.readers import read
from gongkai.render import render
from gongkai.store.orm_oversight import (
    ImportedFindingRow,
    ImportedReportRow,
    ImportedSectionRow,
    SupervisedAgencyRow,
)

WORDS = ("公开", "信息", "平台", "制度", "会议", "培训", "审查", "目录", "栏目", "更新", "维护", "督查", "考核", "群众",
         "政策", "解读", "回应", "关切", "办理", "答复", "规范", "流程", "档案", "归集", "服务", "窗口", "事项", "清单",
         "指南", "标准", "便民", "热线", "留言", "意见", "建议", "整改", "落实", "责任", "分工", "协调", "推进", "成效")


def narrative(seed: int, sentences: int = 12) -> str:
    rng = random.Random(seed)
    return "".join("".join(rng.choice(WORDS) for _ in range(10)) + "。" for _ in range(sentences))


def make(base: Report, agency: str, year: int, overview: str, cells: dict[str, int]) -> Report:
    sections = (Section(SectionKey.OVERVIEW, "一、总体情况", overview),
                Section(SectionKey.PROBLEMS, "五、存在的主要问题及改进情况", narrative(len(overview) + year, 3)))
    changed = base.with_cells(Cell(cid, ValueKind.NUMBER, v, raw=str(v)) for cid, v in cells.items())
    return replace(changed, meta=replace(base.meta, agency=agency, year=year, title=None), sections=sections)


@pytest.fixture
def stored(engine: Engine, tmp_path: Path) -> dict[tuple[str, int], int]:
    base = read(shared_path("seeds", "002_557b3571ae78e526.txt"))  # all of 表三 and 表四 printed, as zeros
    copied = narrative(1)
    reports = [
        make(base, "甲镇人民政府", 2023, narrative(2), {"t3.carried_forward.natural_person": 2}),
        make(base, "甲镇人民政府", 2024, "甲镇" + copied, {"t3.new.total": 3}),
        make(base, "乙镇人民政府", 2024, "乙镇" + copied, {"t3.new.total": 4}),
        make(base, "丙镇人民政府", 2023, narrative(3), {}),
        make(base, "丙镇人民政府", 2024, narrative(3), {}),
        make(base, "青溪县人民政府", 2024, narrative(4), {"t3.new.total": 8}),
    ]
    folder = tmp_path / "reports"
    folder.mkdir()
    for i, report in enumerate(reports):
        (folder / f"{i}.md").write_bytes(render(report, "md"))
    summary = import_reports([folder], engine=engine)
    assert summary.failures == [] and summary.imported == len(reports)
    with engine.connect() as conn:
        rows = conn.execute(
            select(SupervisedAgencyRow.normalized_name, ImportedReportRow.year, ImportedReportRow.id)
            .join(SupervisedAgencyRow, SupervisedAgencyRow.id == ImportedReportRow.agency_id)
        )
        return {(name, year): id_ for name, year, id_ in rows}


AGGREGATION = Aggregation("青溪县人民政府", ("甲镇人民政府", "乙镇人民政府"))


def mine(factory: Any) -> list[tuple[int, str, str, tuple[str, ...], Any, Any, str, str]]:
    with factory() as session:
        rows = session.scalars(
            select(ImportedFindingRow).where(ImportedFindingRow.rule.in_(["GK401", "GK402", *CROSS_RULES]))
        ).all()
        return sorted((r.report_id, r.rule, r.severity, tuple(r.cells), r.printed, r.computed, r.message,
                       r.fingerprint) for r in rows)


def test_cross_report_findings_are_stored_once_and_real(factory: Any, stored: dict[tuple[str, int], int]) -> None:
    jia, yi, bing = stored[("甲镇人民政府", 2024)], stored[("乙镇人民政府", 2024)], stored[("丙镇人民政府", 2024)]
    county = stored[("青溪县人民政府", 2024)]
    with factory.begin() as session:
        run = run_cross_report_rules(session=session, aggregations=[AGGREGATION])
    assert run.reports == len(stored)
    found = mine(factory)
    got = {(r[0], r[1], r[3]) for r in found if r[2] != "info"}
    assert got == {
        (jia, "GK401", ("t3.carried_over.natural_person",)),  # last year carried 2 forward, this year 0 over
        (county, "GK411", ("t3.new.total",)),  # 8 printed, 3 + 4 summed
        (jia, "GK412", ()), (yi, "GK412", ()),  # the same overview, each told of the other
    }
    carry = next(r for r in found if r[1] == "GK401")
    assert (carry[4], carry[5]) == (0, 2)
    aggregate = next(r for r in found if r[1] == "GK411")
    assert (aggregate[4], aggregate[5]) == (8, 7) and "汇总报告为 8" in aggregate[6]
    (last_year,) = [r for r in found if r[1] == "GK413"]
    assert last_year[0] == bing and last_year[2] == "info" and "本机关上年" in last_year[6]
    copy = next(r for r in found if r[1] == "GK412" and r[0] == jia)
    assert "乙镇人民政府" in copy[6] and "相似度 100%" in copy[6] and "本报告“一、总体情况”第" in copy[6]

    with factory.begin() as session:
        again = run_cross_report_rules(session=session, aggregations=[AGGREGATION])
    assert again == run
    assert mine(factory) == found  # the same rows, positions and fingerprints: idempotent


def test_review_survives_a_rerun(factory: Any, stored: dict[tuple[str, int], int]) -> None:
    jia = stored[("甲镇人民政府", 2024)]
    with factory.begin() as session:
        run_cross_report_rules(session=session)
    with factory.begin() as session:
        finding = next(f for f in report_findings(session=session, report_id=jia) if f.rule == "GK412")
        review_finding(session=session, fingerprint=finding.fingerprint, decision=ReviewDecision.DISMISSED,
                       comment="两镇联合发文，文字相同属实", reviewer="oversight")
    with factory.begin() as session:
        run_cross_report_rules(session=session, aggregations=[AGGREGATION])
    with factory() as session:
        again = [f for f in report_findings(session=session, report_id=jia) if f.rule == "GK412"]
        assert [f.review.decision if f.review else None for f in again] == [ReviewDecision.DISMISSED]
        positions = [f.position for f in report_findings(session=session, report_id=jia)]
        assert positions == sorted(set(positions))  # after the import's own, no clash


def test_passages_of_a_stored_pair_point_at_the_copied_text(factory: Any, stored: dict[tuple[str, int], int]) -> None:
    jia, yi = stored[("甲镇人民政府", 2024)], stored[("乙镇人民政府", 2024)]
    with factory() as session:
        passages = copied_passages(session=session, report_id=jia, other_report_id=yi)
        texts = {
            (r.report_id, r.title): r.text
            for r in session.scalars(select(ImportedSectionRow).where(ImportedSectionRow.report_id.in_([jia, yi])))
        }
    overview = next(p for p in passages if p.section == "一、总体情况")
    assert overview.other_section == "一、总体情况" and overview.length >= 200
    # The positions point at the same text in both stored reports, each with its own name (names are masked).
    assert texts[(jia, overview.section)][overview.start : overview.end] == overview.text
    other = texts[(yi, overview.other_section)][overview.other_start : overview.other_end]
    assert other == overview.text.replace("甲镇", "乙镇")
    assert overview.text.startswith("甲镇") and len(overview.text) >= len(narrative(1)) - 1


def test_only_the_years_asked_for(factory: Any, stored: dict[tuple[str, int], int]) -> None:
    with factory.begin() as session:
        run = run_cross_report_rules(session=session, years=[2023], aggregations=[AGGREGATION])
    assert run.reports == 2 and run.findings == 0  # 2023 has no pair, no last year, no aggregate report


def test_missing_part_is_said_not_passed(factory: Any, stored: dict[tuple[str, int], int]) -> None:
    with factory.begin() as session:
        run_cross_report_rules(session=session, aggregations=[Aggregation("青溪县人民政府", ("甲镇人民政府", "丁镇"))])
    found = [r for r in mine(factory) if r[1] == "GK411"]
    assert [(r[2], "丁镇" in r[6]) for r in found] == [("info", True)]


def test_aggregations_csv(tmp_path: Path) -> None:
    path = tmp_path / "agg.csv"
    path.write_text("汇总机关,组成机关\n青溪县人民政府,甲镇人民政府\n青溪县 人民政府,乙镇人民政府\n青溪县人民政府,甲镇人民政府\n",
                    encoding="utf-8-sig")
    assert load_aggregations_csv(path) == [AGGREGATION]
    path.write_text("汇总机关,部门\n青溪县人民政府,甲镇\n", encoding="utf-8")
    with pytest.raises(AggregationsFileError, match="缺少“组成机关”列"):
        load_aggregations_csv(path)
    path.write_text("汇总机关,组成机关\n青溪县人民政府,\n", encoding="utf-8")
    with pytest.raises(AggregationsFileError, match="第2行"):
        load_aggregations_csv(path)


def test_cross_rules_are_documented_in_four_parts() -> None:
    for rule in CROSS_RULES.values():
        assert rule.id.startswith("GK41")
        for part in ("检查什么：", "为什么：", "示例：", "如何修改："):
            assert part in rule.docs, (rule.id, part)
