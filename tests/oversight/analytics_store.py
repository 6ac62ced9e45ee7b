"""A small store of imported reports with known numbers, for the analytics and export tests.

Four agencies in three counties of two cities, reports for 2022 and 2023, one of them imported twice (version 1
must not count), one with a blank and a "/" cell. The expected figures in the tests are computed by hand from
the numbers below.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from tests.conftest import shared_path

from gongkai.model.report import Cell, Report, Table, ValueKind
from gongkai.model.templates import T2_2021, T3_2021, T4, TableKind, TemplateVersion
from gongkai.oversight import import_reports, load_regions_csv
from gongkai.readers import read
from gongkai.render import render

REGIONS_CSV = """机关,省,市,县,乡镇,部门
青溪县教育局,江南省,临川市,青溪县,,教育
青溪县财政局,江南省,临川市,青溪县,,财政
白石县财政局,江南省,临川市,白石县,,财政
云山县金银镇人民政府,江南省,云州市,云山县,金银镇,
"""

Spec = dict[str, int | Decimal | str | None]  # cell id → number, None (blank) or "/" (not applicable)

# t3 rows by their total column; t4 cells by id. The other cells of each table are 0.
A_2023: Spec = {
    "t3.new.total": 100, "t3.carried_over.total": 10, "t3.granted.total": 50, "t3.partially_granted.total": 10,
    "t3.withheld.state_secret.total": 2, "t3.withheld.third_party.total": 3, "t3.unavailable.not_held.total": 15,
    "t3.not_processed.duplicate.total": 5, "t3.other.other.total": 5, "t3.total.total": 90,
    "t3.carried_forward.total": 20,
    "t4.reconsideration.upheld": 3, "t4.reconsideration.corrected": 1, "t4.reconsideration.pending": 1,
    "t4.reconsideration.total": 5,
    "t4.litigation_direct.upheld": 1, "t4.litigation_direct.corrected": 1, "t4.litigation_direct.total": 2,
    "t4.litigation_after_reconsideration.upheld": 2, "t4.litigation_after_reconsideration.other": 1,
    "t4.litigation_after_reconsideration.total": 3,
    "t2.fees.amount": Decimal("12.5"),
}
A_2023_V1: Spec = {"t3.new.total": 1, "t3.granted.total": 1, "t3.total.total": 1}  # superseded: never counted
A_2022: Spec = {
    "t3.new.total": 40, "t3.granted.total": 30, "t3.withheld.deliberative.total": 6, "t3.total.total": 36,
    "t3.carried_forward.total": 4,
}
B_2023: Spec = {
    "t3.new.total": 50, "t3.carried_over.total": 20, "t3.granted.total": 20, "t3.partially_granted.total": 10,
    "t3.unavailable.needs_creation.total": 10, "t3.total.total": 40, "t3.carried_forward.total": 30,
    "t4.reconsideration.upheld": 1, "t4.reconsideration.corrected": 1, "t4.reconsideration.total": 2,
    "t2.fees.amount": Decimal("0.75"),
}
C_2023: Spec = {
    "t3.new.total": 20, "t3.granted.total": 15, "t3.not_processed.petition.total": 5, "t3.total.total": 20,
}
D_2023: Spec = {
    "t3.new.total": 10, "t3.granted.total": 10, "t3.partially_granted.total": None, "t3.total.total": 10,
    "t4.reconsideration.corrected": "/",
}

AGENCY_A = "青溪县教育局"
AGENCY_B = "白石县财政局"
AGENCY_C = "云山县金银镇人民政府"
AGENCY_D = "青溪县财政局"
FIRST_RUN = ((AGENCY_A, 2023, A_2023_V1), (AGENCY_A, 2022, A_2022), (AGENCY_B, 2023, B_2023),
             (AGENCY_C, 2023, C_2023), (AGENCY_D, 2023, D_2023))
SECOND_RUN = ((AGENCY_A, 2023, A_2023),)


def _cell(cell_id: str, value: int | Decimal | str | None) -> Cell:
    if value is None:
        return Cell(cell_id, ValueKind.BLANK)
    if isinstance(value, str):
        return Cell(cell_id, ValueKind.NOT_APPLICABLE, raw=value)
    return Cell(cell_id, ValueKind.NUMBER, value, raw=str(value))


def known_report(base: Report, agency: str, year: int, spec: Spec) -> Report:
    """A 2021-template report of ``agency`` for ``year``: the cells of ``spec`` (a t3 total also goes to the 自然人
    column, so each row adds up), every other cell 0."""
    tables = []
    for kind, template in ((TableKind.T2, T2_2021), (TableKind.T3, T3_2021), (TableKind.T4, T4)):
        cells = {c.id: _cell(c.id, Decimal("0") if c.money else 0) for c in template.cells}
        for cell_id, value in spec.items():
            if cell_id.startswith(f"{kind}."):
                cells[cell_id] = _cell(cell_id, value)
                if kind is TableKind.T3 and cell_id.endswith(".total"):
                    person = cell_id.removesuffix(".total") + ".natural_person"
                    cells[person] = _cell(person, value)
        tables.append(Table(kind, TemplateVersion.V2021, cells))
    meta = replace(base.meta, agency=agency, year=year, title=None, published=None)
    return Report(meta, base.sections, tuple(tables), source="", reader="")


def build_known_store(engine: Engine, factory: sessionmaker[Session], base: Report, folder: Path) -> None:
    regions = folder / "regions.csv"
    regions.write_text(REGIONS_CSV, encoding="utf-8")
    with factory.begin() as session:
        load_regions_csv(session=session, path=regions)
    for run, reports in enumerate((FIRST_RUN, SECOND_RUN)):
        out = folder / f"run{run}"
        out.mkdir()
        for i, (agency, year, spec) in enumerate(reports):
            (out / f"{i:02d}.md").write_bytes(render(known_report(base, agency, year, spec), "md"))
        summary = import_reports([out], engine=engine)
        assert summary.failed == 0, summary.failures
        assert summary.imported + summary.new_versions == len(reports)


@pytest.fixture(scope="session")
def base_report() -> Report:
    """The report whose narrative the known reports borrow (their numbers are all set here)."""
    return read(sorted(shared_path("seeds").glob("000_*.txt"))[0])


@pytest.fixture
def known_store(engine: Engine, factory: sessionmaker[Session], base_report: Report,
                tmp_path: Path) -> sessionmaker[Session]:
    build_known_store(engine, factory, base_report, tmp_path)
    return factory
