"""The region hierarchy from CSV, and supervised agencies linked to ledger agencies of the same name."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from tests.oversight.conftest import corpus_files

from gongkai.model.report import Report
from gongkai.oversight import RegionsFileError, import_reports, load_regions_csv
from gongkai.oversight.synth import agency_for, write_regions_csv
from gongkai.readers import read
from gongkai.render import render
from gongkai.store.orm_oversight import RegionRow, SupervisedAgencyRow


def test_regions_csv_places_agencies_and_imports_attach_to_them(
    engine: Engine, factory: sessionmaker[Session], synth_dir: Path, tmp_path: Path
) -> None:
    csv_path = tmp_path / "regions.csv"
    write_regions_csv(csv_path, 40)
    with factory.begin() as session:
        loaded = load_regions_csv(session=session, path=csv_path)
    assert (loaded.rows, loaded.agencies_created, loaded.agencies_placed) == (8, 8, 8)
    summary = import_reports([synth_dir], engine=engine)
    assert summary.imported == 40
    with factory() as session:
        agencies = session.scalars(select(SupervisedAgencyRow)).all()
        assert len(agencies) == 8 and all(a.region_id is not None for a in agencies)
        town = next(a for a in agencies if a.name == agency_for(6)[0])
        region = session.get_one(RegionRow, town.region_id)
        assert (region.level, region.path.split("/")[0]) == ("township", "江南省")
        parent = session.get_one(RegionRow, region.parent_id)
        assert parent.level == "county" and town.department is None
        department = next(a for a in agencies if a.name == agency_for(0)[0])
        assert session.get_one(RegionRow, department.region_id).level == "county"
        assert department.department == "自然资源局"
    with factory.begin() as session:
        again = load_regions_csv(session=session, path=csv_path)
    assert (again.regions_created, again.agencies_created, again.agencies_placed) == (0, 0, 0)


def test_regions_csv_errors_name_the_file_and_line(factory: sessionmaker[Session], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("省,市\n江南省,临川市\n", encoding="utf-8")
    with factory.begin() as session, pytest.raises(RegionsFileError, match="第1行缺少“机关”列"):
        load_regions_csv(session=session, path=bad)
    blank = tmp_path / "blank.csv"
    blank.write_text("机关,省\n某局,江南省\n,江南省\n", encoding="utf-8")
    with factory.begin() as session, pytest.raises(RegionsFileError, match="第3行“机关”为空"):
        load_regions_csv(session=session, path=blank)


def test_supervised_agency_is_linked_to_the_ledger_agency_of_the_same_name(
    engine: Engine, factory: sessionmaker[Session], agencies: tuple[int, int], tmp_path: Path
) -> None:
    report = read(corpus_files()[1])
    renamed = Report(type(report.meta)(agency="青溪县 吴村镇人民政府", year=2024), report.sections, report.tables)
    path = tmp_path / "wucun.md"
    path.write_bytes(render(renamed, "md"))
    assert import_reports([path], engine=engine).imported == 1
    with factory() as session:
        row = session.scalars(select(SupervisedAgencyRow)).one()
    assert (row.normalized_name, row.ledger_agency_id) == ("青溪县吴村镇人民政府", agencies[1])
