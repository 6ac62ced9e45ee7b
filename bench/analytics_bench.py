"""Analytics on a large store: fill a database with N imported reports (default 100,000) by bulk inserts — not
through the parser; the numbers are random, the shape (agencies, regions, versions, every cell of the 2021
templates, about 2 % blank) is that of a real import — then time the analytics queries and an export.

    .venv/bin/python bench/analytics_bench.py                 # 100,000 reports in a temporary SQLite file
    .venv/bin/python bench/analytics_bench.py -n 5000
    .venv/bin/python bench/analytics_bench.py --db postgresql+psycopg://…  (an empty, dedicated database)

Figures: wall time of each step (best of ``--repeat``), rows produced.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session, sessionmaker

from gongkai.model.templates import T2_2021, T3_2021, T4
from gongkai.oversight import analytics
from gongkai.oversight.export import Dataset, ExportFormat, export
from gongkai.oversight.synth import PROVINCE, YEARS, agency_for
from gongkai.store import make_engine, session_factory, upgrade
from gongkai.store.orm_oversight import (
    ImportedCellRow,
    ImportedReportRow,
    RegionRow,
    SourceFileRow,
    SupervisedAgencyRow,
)

CELLS = [c for t in (T2_2021, T3_2021, T4) for c in t.cells]
CHUNK = 2000  # reports per transaction of cells
BLANK_SHARE = 0.02


def fill(engine: Engine, reports: int, seed: int = 1) -> int:
    """Insert ``reports`` current reports (five years per agency) with all their cells; returns the cell count."""
    rng = random.Random(seed)
    agencies = (reports + len(YEARS) - 1) // len(YEARS)
    regions: dict[str, int] = {}
    region_rows: list[dict[str, Any]] = []
    agency_rows: list[dict[str, Any]] = []

    def place(path: list[tuple[str, str]]) -> int:
        parent: int | None = None
        for depth in range(1, len(path) + 1):
            key = "/".join(name for name, _ in path[:depth])
            if key not in regions:
                regions[key] = len(regions) + 1
                region_rows.append({"id": regions[key], "parent_id": parent, "level": path[depth - 1][1],
                                    "name": path[depth - 1][0], "path": key})
            parent = regions[key]
        assert parent is not None
        return parent

    for i in range(agencies):
        name, city, county, town = agency_for(i)
        path = [(PROVINCE, "province"), (city, "city"), (county, "county")]
        if town:
            path.append((town, "township"))
        agency_rows.append({"id": i + 1, "name": name, "normalized_name": name, "region_id": place(path)})
    with engine.begin() as conn:
        conn.execute(insert(RegionRow), region_rows)
        conn.execute(insert(SupervisedAgencyRow), agency_rows)
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    insert_cells = (
        f"INSERT INTO {ImportedCellRow.__tablename__} (report_id, cell_id, kind, value, raw, unit, note, uncertain, "
        f"reason, provenance) VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, '', '', false, '', '{{}}')"
    )
    cells = 0
    for start in range(0, reports, CHUNK):
        stop = min(start + CHUNK, reports)
        ids = range(start + 1, stop + 1)
        sources = [{"id": i, "sha256": hashlib.sha256(str(i).encode()).hexdigest(), "name": f"bench/{i:06d}.md",
                    "size": 20_000, "format": "md", "status": "imported"} for i in ids]
        rows = [{"id": i, "agency_id": (i - 1) // len(YEARS) + 1, "year": YEARS[(i - 1) % len(YEARS)], "version": 1,
                 "current": True, "source_file_id": i, "printed_agency": agency_rows[(i - 1) // len(YEARS)]["name"],
                 "reader": "markdown", "t2_template": "2021", "t3_template": "2021"} for i in ids]
        cell_rows = list(_cells(rng, ids))
        with engine.begin() as conn:
            conn.execute(insert(SourceFileRow), sources)
            conn.execute(insert(ImportedReportRow), rows)
            conn.exec_driver_sql(insert_cells, cell_rows)  # tuples: the fast path
        cells += len(cell_rows)
        print(f"\r已写入 {stop}/{reports} 份报告", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return cells


def _cells(rng: random.Random, ids: range) -> Iterator[tuple[int, str, str, int | None, str]]:
    for report_id in ids:
        for spec in CELLS:
            if rng.random() < BLANK_SHARE:
                yield (report_id, spec.id, "blank", None, "")
            else:
                value = rng.randrange(0, 60)
                yield (report_id, spec.id, "number", value, str(value))


def timed(label: str, repeat: int, step: Callable[[], int]) -> None:
    best = float("inf")
    rows = 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = step()
        best = min(best, time.perf_counter() - started)
    print(f"{label:<44} {best:8.3f} s  {rows:>9} 行")


def run(factory: sessionmaker[Session], engine: Engine, repeat: int, out: Path) -> None:
    year = YEARS[-1]

    def session_step(work: Callable[[Session], int]) -> Callable[[], int]:
        def step() -> int:
            with factory() as session:
                return work(session)
        return step

    timed("按年度汇总全部指标（全部年度）", repeat, session_step(
        lambda s: len(analytics.aggregate(session=s, by=analytics.Grouping.YEAR))))
    timed(f"按县汇总全部指标（{year}年）", repeat, session_step(
        lambda s: len(analytics.aggregate(session=s, by=analytics.Grouping.REGION, level="县", year=year))))
    timed("按市汇总全部指标（全部年度）", repeat, session_step(
        lambda s: len(analytics.aggregate(session=s, by=analytics.Grouping.REGION, level="市"))))
    timed(f"实质公开率排名前后 10 名（{year}年）", repeat, session_step(
        lambda s: len(analytics.rank(session=s, metric="disclosure_rate", n=10, year=year).top)))
    timed(f"各机关指标（{year}年，逐份）", repeat, session_step(
        lambda s: sum(1 for _ in analytics.report_metrics(session=s, year=year))))
    timed(f"单元格求和，按县（{year}年，表三新收）", repeat, session_step(
        lambda s: len(analytics.cell_sums(session=s, cells=["t3.new.total"], by=analytics.Grouping.REGION,
                                          level="县", year=year))))
    timed(f"导出指标长表 CSV（{year}年）", repeat, session_step(
        lambda s: export(session=s, to=ExportFormat.CSV, path=out / "metrics.csv", dataset=Dataset.METRICS,
                         year=year).rows))
    timed(f"导出单元格宽表 CSV（{year}年）", repeat, session_step(
        lambda s: export(session=s, to=ExportFormat.CSV, path=out / "wide.csv", wide=True, year=year).rows))
    timed(f"导出单元格长表 CSV（{year}年）", repeat, session_step(
        lambda s: export(session=s, to=ExportFormat.CSV, path=out / "long.csv", year=year).rows))

    def view_query() -> int:
        analytics.create_analytics_views(engine)
        with engine.connect() as conn:
            return len(conn.execute(text(
                "SELECT region, avg(disclosure_rate) FROM agency_year_metrics WHERE year = :y GROUP BY region"
            ), {"y": year}).all())

    timed(f"建视图并按地区查询视图（{year}年）", repeat, view_query)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--reports", type=int, default=100_000)
    parser.add_argument("--db", help="一个空的专用数据库 URL（默认临时 SQLite 文件）")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        engine = make_engine(args.db or f"sqlite:///{out / 'bench.db'}")
        upgrade(engine)
        started = time.perf_counter()
        cells = fill(engine, args.reports)
        print(f"{'写入 ' + str(args.reports) + ' 份报告（批量插入）':<44} {time.perf_counter() - started:8.3f} s  "
              f"{cells:>9} 个单元格")
        run(session_factory(engine), engine, args.repeat, out)
        engine.dispose()


if __name__ == "__main__":
    main()
