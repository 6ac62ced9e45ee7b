import json
from decimal import Decimal

from tests.conftest import shared_path

from gongkai.model.report import Cell, Provenance, Report, ValueKind, json_number, parse_json_number
from gongkai.readers import read


def test_report_round_trips_through_json() -> None:
    report = read(shared_path("seeds", "004_07ac6476bfab88c2.txt"))
    again = Report.from_dict(json.loads(json.dumps(report.to_dict(), ensure_ascii=False)))
    assert again.cells == report.cells
    assert again.meta.to_dict() == report.meta.to_dict()
    assert again.sections == report.sections


def test_blank_is_not_zero() -> None:
    report = read(shared_path("seeds", "004_07ac6476bfab88c2.txt"))
    cell = report.cell("t4.reconsideration.upheld")
    assert cell is not None
    assert cell.kind is ValueKind.BLANK
    assert cell.value is None
    assert report.numbers()["t4.reconsideration.upheld"] is None


def test_money_keeps_its_decimals() -> None:
    assert json_number(Decimal("4166.241619")) == 4166.241619
    assert parse_json_number(4166.241619) == Decimal("4166.241619")
    assert parse_json_number(3) == 3
    assert json_number(Decimal("0")) == 0


def test_cell_repr_names_the_cell_and_its_position() -> None:
    cell = Cell("t3.granted.natural_person", ValueKind.NUMBER, 1288, provenance=Provenance("a.pdf", page=4))
    assert repr(cell) == "<Cell t3.granted.natural_person=1288 第4页>"


def test_provenance_is_traceable_to_the_source_line() -> None:
    report = read(shared_path("seeds", "002_557b3571ae78e526.txt"))
    cell = report.cell("t2.licensing.decisions")
    assert cell is not None and cell.value == 5
    assert cell.provenance.line is not None
    source_line = shared_path("seeds", "002_557b3571ae78e526.txt").read_text(encoding="utf-8").splitlines()[
        cell.provenance.line - 1
    ]
    assert source_line.startswith("行政许可") and "5" in source_line
