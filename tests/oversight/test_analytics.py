"""Analytics over a store imported from reports with known numbers (tests/oversight/analytics_store.py), on SQLite
and PostgreSQL: every metric against hand-computed values, blanks, current versions only, region aggregation at
each level, rankings with ties, cell sums, the SQL views and the charts (golden files)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from tests.oversight import analytics_store
from tests.oversight.analytics_store import AGENCY_A, AGENCY_B, AGENCY_C, AGENCY_D

from gongkai.oversight import analytics as an
from gongkai.oversight.charts import Bar, Series, bar_chart, line_chart, ranking_chart, trend_chart

GOLDEN = Path(__file__).parent / "golden"


base_report = analytics_store.base_report  # fixtures
store = analytics_store.known_store


def _pct(numerator: int, denominator: int) -> Decimal:
    return Decimal(numerator) * 100 / Decimal(denominator)


def test_every_metric_per_report_by_hand(store: sessionmaker[Session]) -> None:
    with store() as session:
        rows = {(r.report.agency, r.report.year): r for r in an.report_metrics(session=session)}
    assert sorted(rows) == sorted([(AGENCY_A, 2022), (AGENCY_A, 2023), (AGENCY_B, 2023), (AGENCY_C, 2023),
                                   (AGENCY_D, 2023)])
    a = rows[AGENCY_A, 2023]
    assert a.report.version == 2 and a.report.region == "江南省/临川市/青溪县"  # version 1 is superseded
    v = {k: x.value for k, x in a.values.items()}
    assert v["disclosure_rate"] == _pct(60, 90)
    assert v["withholding_rate"] == _pct(5, 90)
    assert v["unavailable_rate"] == _pct(15, 90)
    assert v["not_processed_rate"] == _pct(5, 90)
    assert v["reconsideration_correction_rate"] == _pct(1, 4)  # 尚未审结 is no result
    assert v["litigation_correction_rate"] == _pct(1, 5)
    assert v["carry_forward_rate"] == _pct(20, 110)
    assert v["applications_new"] == 100 and v["applications_concluded"] == 90
    assert v["reconsiderations"] == 5 and v["lawsuits"] == 5 and v["fee_amount"] == Decimal("12.5")
    b = rows[AGENCY_B, 2023].values
    assert b["disclosure_rate"].value == 75 and b["reconsideration_correction_rate"].value == 50
    assert b["litigation_correction_rate"].value is None and "为 0" in b["litigation_correction_rate"].reason
    assert rows[AGENCY_C, 2023].values["carry_forward_rate"].value == 0  # a true 0, not a blank


def test_blank_and_slash_give_none_with_reason(store: sessionmaker[Session]) -> None:
    with store() as session:
        (d,) = an.report_metrics(session=session, agency_id=_agency_id(session, AGENCY_D))
    disclosure = d.values["disclosure_rate"]
    assert disclosure.value is None and disclosure.numerator is None
    assert disclosure.reason == ("无法计算：“（二）部分公开（区分处理的，只计这一情形，不计其他情形） × 总计”"
                                 "（t3.partially_granted.total）为空白")
    correction = d.values["reconsideration_correction_rate"]
    assert correction.value is None and "t4.reconsideration.corrected" in correction.reason
    assert "填“/”" in correction.reason
    assert d.values["withholding_rate"].value == 0  # its own cells are all numbers


def _agency_id(session: Session, name: str) -> int:
    return next(r.report.agency_id for r in an.report_metrics(session=session, metrics=["applications_new"])
                if r.report.agency == name)


def test_aggregate_by_year_recomputes_rates_from_sums(store: sessionmaker[Session]) -> None:
    with store() as session:
        groups = {g.key: g for g in an.aggregate(session=session, by=an.Grouping.YEAR)}
    assert sorted(groups) == [2022, 2023]
    y2023 = groups[2023].values
    assert y2023["disclosure_rate"].value.value == _pct(60 + 30 + 15, 90 + 40 + 20)
    assert (y2023["disclosure_rate"].reports, y2023["disclosure_rate"].excluded) == (3, 1)
    assert "已排除 1 份" in y2023["disclosure_rate"].note
    assert y2023["applications_new"].value.value == 100 + 50 + 20 + 10
    assert y2023["fee_amount"].value.value == Decimal("13.25")
    assert y2023["reconsideration_correction_rate"].value.value == _pct(1 + 1, 4 + 2)
    assert groups[2022].values["disclosure_rate"].value.value == _pct(30, 36)
    assert groups[2022].values["reconsideration_correction_rate"].value.value is None


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("省", {"江南省": (105, 150)}),
        ("city", {"江南省/临川市": (90, 130), "江南省/云州市": (15, 20)}),
        ("县", {"江南省/临川市/青溪县": (60, 90), "江南省/临川市/白石县": (30, 40), "江南省/云州市/云山县": (15, 20)}),
        ("乡镇", {"江南省/云州市/云山县/金银镇": (15, 20), None: (90, 130)}),
    ],
)
def test_region_aggregation_at_every_level(
    store: sessionmaker[Session], level: str, expected: dict[str | None, tuple[int, int]]
) -> None:
    with store() as session:
        groups = an.aggregate(session=session, by=an.Grouping.REGION, level=level, year=2023,
                              metrics=["disclosure_rate"])
    got = {g.key: g.values["disclosure_rate"].value for g in groups}
    assert set(got) == set(expected)
    for key, (num, den) in expected.items():
        assert (got[key].numerator, got[key].denominator) == (num, den)
        assert got[key].value == _pct(num, den)
    assert [g.label for g in groups if g.key is None] in ([], [an.UNPLACED])


def test_region_filter_and_unknown_region(store: sessionmaker[Session]) -> None:
    with store() as session:
        (total,) = an.aggregate(session=session, by=an.Grouping.TOTAL, year=2023, region="临川市")
        assert total.values["applications_new"].value.value == 100 + 50 + 10
        (by_path,) = an.aggregate(session=session, by=an.Grouping.TOTAL, year=2023, region="江南省/云州市")
        assert by_path.values["applications_new"].value.value == 20
        with pytest.raises(an.AnalyticsError, match="没有地区“火星”"):
            an.aggregate(session=session, region="火星")
        with pytest.raises(an.AnalyticsError, match="没有地区层级"):
            an.aggregate(session=session, by=an.Grouping.REGION, level="村")


def test_ranking_with_ties(store: sessionmaker[Session]) -> None:
    with store() as session:
        ranking = an.rank(session=session, metric="disclosure_rate", n=1, year=2023)
        wider = an.rank(session=session, metric="disclosure_rate", n=2, year=2023)
        counts = an.rank(session=session, metric="applications_new", n=1, year=2023)
    assert [(f.rank, f.report.agency) for f in ranking.top] == [(1, AGENCY_C), (1, AGENCY_B)]
    assert [(f.rank, f.report.agency) for f in ranking.bottom] == [(1, AGENCY_A)]
    assert (ranking.ranked, ranking.excluded) == (3, 1)  # D's blank keeps it out
    assert [f.rank for f in wider.top] == [1, 1]  # the next rank is 3: not within the top 2
    assert ranking.top[0].value.value == 75 and ranking.bottom[0].report.version == 2
    assert [(f.report.agency, f.value.value) for f in counts.top] == [(AGENCY_A, 100)]
    assert [(f.report.agency, f.value.value) for f in counts.bottom] == [(AGENCY_D, 10)]


def test_cell_sums_per_region_and_year(store: sessionmaker[Session]) -> None:
    with store() as session:
        sums = an.cell_sums(session=session, cells=["t3.new.total", "t3.partially_granted.total"],
                            by=an.Grouping.REGION, level="县")
        with pytest.raises(an.AnalyticsError, match="没有单元格"):
            an.cell_sums(session=session, cells=["t9.x"])
    got = {(s.key, s.year, s.cell_id): (s.total, s.numbers, s.not_numbers) for s in sums}
    assert got["江南省/临川市/青溪县", 2023, "t3.new.total"] == (110, 2, 0)
    assert got["江南省/临川市/青溪县", 2023, "t3.partially_granted.total"] == (10, 1, 1)
    assert got["江南省/临川市/青溪县", 2022, "t3.new.total"] == (40, 1, 0)


def test_views_answer_ad_hoc_sql(engine: Engine, store: sessionmaker[Session]) -> None:
    an.create_analytics_views(engine)
    an.create_analytics_views(engine)  # re-creating replaces them
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT m.agency, m.disclosure_rate, m.disclosure_rate_numerator, w.t3_granted_total "
            "FROM agency_year_metrics m JOIN report_cells_wide w ON w.report_id = m.report_id "
            "WHERE m.year = 2023 ORDER BY m.agency"
        ).all()
        by_region = conn.exec_driver_sql(
            "SELECT region, sum(t3_new_total) FROM report_cells_wide WHERE year = 2023 GROUP BY region "
            "ORDER BY region"
        ).all()
    got = {r[0]: (None if r[1] is None else round(float(r[1]), 4), r[2], r[3]) for r in rows}
    assert got[AGENCY_A] == (66.6667, 60, 50)
    assert got[AGENCY_D] == (None, None, 10)  # the blank leaves the rate empty, the cell is still there
    assert got[AGENCY_B][0] == 75.0
    assert dict(by_region)["江南省/临川市/青溪县"] == 110


def test_charts_from_the_store(store: sessionmaker[Session]) -> None:
    with store() as session:
        ranking = an.rank(session=session, metric="disclosure_rate", n=3, year=2023)
        years = an.aggregate(session=session, by=an.Grouping.YEAR, metrics=["disclosure_rate"])
    svg = ranking_chart(ranking)
    assert "<title id=\"ranking-title\">实质公开率前 3 名</title>" in svg
    assert f"1. {AGENCY_B}（2023年）：75.00%" in svg
    trend = trend_chart("disclosure_rate", [("全部", years)])
    assert "2022年 83.33%" in trend and "2023年 70.00%" in trend


def test_charts_match_golden_files() -> None:
    bars = [Bar("1. 青溪县教育局", Decimal("75")), Bar("1. 白石县<财政>局", Decimal("75")),
            Bar("3. 云山县金银镇人民政府", Decimal("66.6666")), Bar("— 青溪县财政局", None)]
    series = [Series("江南省", ((2021, Decimal("61.5")), (2022, None), (2023, Decimal("70")))),
              Series("临川市", ((2021, Decimal("58")), (2022, Decimal("64.25")), (2023, Decimal("69.23"))))]
    outputs = {"ranking.svg": bar_chart("实质公开率排名（2023年）", bars, unit="%"),
               "trend.svg": line_chart("实质公开率（按年度）", series, unit="%")}
    for name, svg in outputs.items():
        assert svg == (GOLDEN / name).read_text(encoding="utf-8"), name
        assert svg == outputs[name]  # deterministic within a run too
    assert "白石县&lt;财政&gt;局" in outputs["ranking.svg"]
    assert "无法计算" in outputs["ranking.svg"]
