"""Exports (CSV with BOM, XLSX, JSON Lines, Parquet) of the known store, read back equal; and the two commands."""

from __future__ import annotations

import csv
import importlib.util
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker
from tests.oversight import analytics_store
from tests.oversight.analytics_store import AGENCY_A, AGENCY_D, build_known_store
from typer.testing import CliRunner

from gongkai.cli_analytics import export_command, stats_command
from gongkai.model.report import Report
from gongkai.oversight.analytics import CELL_IDS, AnalyticsError
from gongkai.oversight.export import Dataset, ExportError, ExportFormat, export
from gongkai.store import make_engine, session_factory, upgrade

base_report = analytics_store.base_report  # fixtures
store = analytics_store.known_store


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def _read_xlsx(path: Path) -> tuple[list[list[str]], list[Any]]:
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["说明", "数据"]
    readme = [r[0] if r else None for r in book["说明"].iter_rows(values_only=True)]
    rows = [["" if v is None else _text(v) for v in r] for r in book["数据"].iter_rows(values_only=True)]
    return rows, readme


def _text(value: Any) -> str:
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value)


def _read_jsonl(path: Path) -> list[list[str]]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    header = list(records[0])
    return [header, *([("" if r[k] is None else _text(r[k])) for k in header] for r in records)]


@pytest.mark.parametrize(("dataset", "wide"), [(Dataset.CELLS, False), (Dataset.CELLS, True),
                                               (Dataset.METRICS, False), (Dataset.METRICS, True)])
def test_csv_xlsx_jsonl_read_back_equal(
    store: sessionmaker[Session], tmp_path: Path, dataset: Dataset, wide: bool
) -> None:
    got: dict[str, list[list[str]]] = {}
    with store() as session:
        for fmt in (ExportFormat.CSV, ExportFormat.XLSX, ExportFormat.JSONL):
            path = tmp_path / f"out.{fmt}"
            summary = export(session=session, to=fmt, path=path, dataset=dataset, wide=wide, year=2023)
            if fmt is ExportFormat.CSV:
                got[fmt] = _read_csv(path)
            elif fmt is ExportFormat.XLSX:
                got[fmt], readme = _read_xlsx(path)
                assert "范围：2023年度，全部地区" in str(readme[2])
            else:
                got[fmt] = _read_jsonl(path)
            assert summary.rows == len(got[fmt]) - 1
    assert got[ExportFormat.CSV] == got[ExportFormat.XLSX] == got[ExportFormat.JSONL]
    header, *rows = got[ExportFormat.CSV]
    assert header[:5] == ["agency", "region", "year", "version", "report_id"]
    assert {r[0] for r in rows} == {AGENCY_A, "白石县财政局", "云山县金银镇人民政府", AGENCY_D}
    assert all(r[2] == "2023" for r in rows)
    assert {r[3] for r in rows if r[0] == AGENCY_A} == {"2"}  # the current version only
    records = [dict(zip(header, r, strict=True)) for r in rows]
    if dataset is Dataset.CELLS and not wide:
        blank = next(r for r in records if r["agency"] == AGENCY_D and r["cell_id"] == "t3.partially_granted.total")
        assert (blank["kind"], blank["value"], blank["raw"]) == ("blank", "", "")
        fee = next(r for r in records if r["agency"] == AGENCY_A and r["cell_id"] == "t2.fees.amount")
        assert fee["value"] == "12.5"
    elif dataset is Dataset.CELLS:
        assert header[5:] == list(CELL_IDS)
        a = next(r for r in records if r["agency"] == AGENCY_A)
        assert (a["t3.granted.total"], a["t2.fees.amount"], a["t2.regulations.made"]) == ("50", "12.5", "")
        d = next(r for r in records if r["agency"] == AGENCY_D)
        assert d["t3.partially_granted.total"] == ""
    elif not wide:
        a = next(r for r in records if r["agency"] == AGENCY_A and r["metric"] == "disclosure_rate")
        assert (a["name"], a["value"], a["numerator"], a["denominator"], a["unit"]) == (
            "实质公开率", "66.666667", "60", "90", "%")
        d = next(r for r in records if r["agency"] == AGENCY_D and r["metric"] == "disclosure_rate")
        assert d["value"] == "" and d["reason"].startswith("无法计算：")
    else:
        a = next(r for r in records if r["agency"] == AGENCY_A)
        assert a["carry_forward_rate"] == "18.181818" and a["lawsuits"] == "5"


def test_parquet_needs_pyarrow(store: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    with store() as session:
        if importlib.util.find_spec("pyarrow") is None:
            with pytest.raises(ExportError, match="导出 Parquet 需要 pyarrow 库，当前环境未安装"):
                export(session=session, to=ExportFormat.PARQUET, path=path)
            assert not path.exists()
            return
        summary = export(session=session, to=ExportFormat.PARQUET, path=path)
    parquet = importlib.import_module("pyarrow.parquet")
    table = parquet.read_table(path)
    assert table.num_rows == summary.rows and table.column_names[:3] == ["agency", "region", "year"]


def test_unknown_region_fails_before_writing(store: sessionmaker[Session], tmp_path: Path) -> None:
    with store() as session, pytest.raises(AnalyticsError, match="没有地区"):
        export(session=session, to=ExportFormat.CSV, path=tmp_path / "x.csv", region="火星")
    assert not (tmp_path / "x.csv").exists() and list(tmp_path.glob(".*part")) == []


app = typer.Typer()
app.command("stats")(stats_command)
app.command("export")(export_command)


def test_commands(base_report: Report, tmp_path: Path) -> None:
    # The commands take a URL; the queries themselves are tested on both backends above.
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade(engine)
    build_known_store(engine, session_factory(engine), base_report, tmp_path)
    runner = CliRunner(env={"COLUMNS": "200"})
    table = runner.invoke(app, ["stats", "--db", url, "--year", "2023", "--by", "region", "--level", "市"])
    assert table.exit_code == 0, table.output
    assert "江南省/临川市" in table.output and "69.23%" in table.output
    ranked = runner.invoke(app, ["stats", "--db", url, "--year", "2023", "--metric", "disclosure_rate", "--top",
                                 "1", "--format", "json", "--chart", str(tmp_path / "r.svg")])
    assert ranked.exit_code == 0, ranked.output
    records = json.loads(ranked.output)
    assert [(r["排名"], r["值"]) for r in records] == [("前1", "75.00%"), ("前1", "75.00%"), ("后1", "66.67%")]
    assert "<title" in (tmp_path / "r.svg").read_text(encoding="utf-8")
    as_csv = runner.invoke(app, ["stats", "--db", url, "--metric", "applications_new", "--format", "csv"])
    assert as_csv.output.splitlines()[0] == "年度,指标,值,分子,分母,报告数,排除,说明"
    assert "2023,本年新收申请数,180,180,,4,0," in as_csv.output
    bad = runner.invoke(app, ["stats", "--db", url, "--metric", "no_such"])
    assert bad.exit_code == 2 and "错误：没有指标“no_such”" in bad.output
    dictionary = runner.invoke(app, ["stats", "--dictionary"])
    assert dictionary.output.startswith("# 指标字典")
    out = tmp_path / "指标.xlsx"
    exported = runner.invoke(app, ["export", "--db", url, "--to", "xlsx", "--metrics", "--wide", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    assert "已导出 5 行" in exported.output and out.exists()
    if importlib.util.find_spec("pyarrow") is None:
        refused = runner.invoke(app, ["export", "--db", url, "--to", "parquet", "-o", str(tmp_path / "x.parquet")])
        assert refused.exit_code == 2 and "pyarrow" in refused.output
