"""Registers of table 二: documents in force derived from their dates; CSV import all or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import build_report, import_registers_csv, list_documents, tallies
from gongkai.store import ImportRowError
from gongkai.store.vocab import TallyItem

DOCS = """类别,标题,文号,制发日期,废止日期
行政规范性文件,关于印发《青溪县市场监管行政执法公示办法》的通知,青市监〔2023〕1号,2023-03-01,
行政规范性文件,关于规范农贸市场管理的通知,青市监〔2023〕5号,2023年6月1日,2025-02-01
规范性文件,关于加强特种设备安全管理的通知,青市监〔2025〕2号,2025/4/10,
"""
FIGURES = """年度,事项,数量,金额（万元）
2025,行政许可,812,
2025,行政处罚,37,
2025,行政强制,0,
2025,行政事业性收费,,12.3456
"""


def test_documents_and_figures_import_and_reach_table_two(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        docs = import_registers_csv(session=s, agency_id=a, name="文件登记.csv", data=DOCS.encode("gb18030"))
        figs = import_registers_csv(session=s, agency_id=a, name="年度数据.csv", data=FIGURES.encode("utf-8-sig"))
        again = import_registers_csv(session=s, agency_id=a, name="文件登记.csv", data=DOCS.encode("utf-8"))
    assert (docs.layout, docs.created, figs.layout, figs.created, again.updated) == ("documents", 3, "figures", 4, 3)
    with factory() as s:
        assert len(list_documents(session=s, agency_id=a)) == 3
        assert tallies(session=s, agency_id=a, year=2025)[TallyItem.FEES].amount == Decimal("12.3456")
        report = build_report(session=s, agency_id=a, year=2025, calendar=calendar)
    n = report.numbers()
    assert (n["t2.normative_documents.issued"], n["t2.normative_documents.repealed"], n["t2.normative_documents.in_force"]) == (1, 1, 2)
    assert (n["t2.licensing.decisions"], n["t2.coercion.decisions"], n["t2.regulations.in_force"]) == (812, 0, 0)
    assert str(n["t2.fees.amount"]) == "12.3456"


@pytest.mark.parametrize(
    ("content", "line", "column", "problem"),
    [
        (DOCS + "行政规范性文件,关于某事项的通知,,2025-13-01,\n", 5, "制发日期", "不是日期"),
        (DOCS.replace("2025/4/10,", "2025/4/10,2024-01-01"), 4, "废止日期", "早于制发日期"),
        (DOCS + "规定,关于某事项的通知,,2025-01-01,\n", 5, "类别", "不是可用的取值"),
        (FIGURES.replace("2025,行政处罚,37,", "2025,行政处罚,,"), 3, "数量", "空白不等于 0"),
        (FIGURES.replace("2025,行政强制,0,", "2025,行政许可,5,"), 4, "事项", "与第2行重复"),
    ],
)
def test_a_bad_row_names_file_line_and_column_and_nothing_is_written(
    factory: sessionmaker[Session], agencies: tuple[int, int], content: str, line: int, column: str, problem: str
) -> None:
    a = agencies[0]
    with factory() as s:
        with pytest.raises(ImportRowError) as err:
            import_registers_csv(session=s, agency_id=a, name="登记.csv", data=content.encode("utf-8"))
        message = str(err.value)
        assert message.startswith(f"登记.csv 第{line}行「{column}」列：") and problem in message
        assert "整个文件未导入" in message
        assert list_documents(session=s, agency_id=a) == [] and tallies(session=s, agency_id=a, year=2025) == {}


def test_an_unknown_header_is_refused(factory: sessionmaker[Session], agencies: tuple[int, int]) -> None:
    with factory() as s, pytest.raises(ImportRowError, match="第1行「（表头）」列：无法识别表头"):
        import_registers_csv(session=s, agency_id=agencies[0], name="x.csv", data=b"a,b\n1,2\n")


def test_dates_are_read_in_every_usual_spelling() -> None:
    from gongkai.ledger.registers import _date

    assert _date("2025年3月1日", "c", True) == date(2025, 3, 1) == _date("2025.03.01", "c", True)
