"""Each rule with a report that passes it and one that trips it (fixtures built from seed 002, clean once the
other town's name it was copied with — 桐峪, GK511 — is replaced by its own, 陆浑)."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import pytest
from tests.conftest import shared_path

from gongkai.model.report import Cell, Report, Section, SectionKey, ValueKind
from gongkai.model.templates import TableKind, TemplateVersion
from gongkai.readers import read
from gongkai.rules import RULES, Finding, check, select_rules

HERE = Path(__file__)


SEED_002 = "002_557b3571ae78e526.txt"


@pytest.fixture(scope="module")
def clean() -> Report:
    report = read(shared_path("seeds", SEED_002))
    sections = tuple(dataclasses.replace(s, text=s.text.replace("桐峪", "陆浑")) for s in report.sections)
    return dataclasses.replace(report, sections=sections)


def test_gk511_another_places_name(clean: Report) -> None:
    as_printed = read(shared_path("seeds", SEED_002))
    found = check(as_printed, select=["GK511"])
    assert len(found) == 1 and "桐峪" in found[0].message
    assert check(clean, select=["GK511"]) == []


def numbers(report: Report, **values: int | Decimal | None) -> Report:
    """A copy with cells set (``t3__new__total=3`` → t3.new.total); None makes the cell blank."""
    cells = []
    for key, value in values.items():
        cell_id = key.replace("__", ".")
        old = report.cell(cell_id)
        assert old is not None, cell_id
        kind = ValueKind.BLANK if value is None else ValueKind.NUMBER
        cells.append(dataclasses.replace(old, kind=kind, value=value, raw="" if value is None else str(value)))
    return report.with_cells(cells)


def ids(findings: list[Finding], severity: str | None = None) -> list[str]:
    return [f.rule for f in findings if severity is None or f.severity == severity]


def test_clean_report_has_no_findings(clean: Report) -> None:
    assert check(clean) == []


def test_gk101_column_balance(clean: Report) -> None:
    bad = numbers(clean, t3__new__natural_person=2, t3__new__total=2, t3__total__natural_person=1, t3__total__total=1,
                  t3__granted__natural_person=1, t3__granted__total=1)
    found = [f for f in check(bad, select=["GK101"])]
    assert [f.cells[0] for f in found] == ["t3.total.natural_person", "t3.total.total"]
    assert found[0].printed == 1 and found[0].computed == 2


def test_gk102_row_total(clean: Report) -> None:
    bad = numbers(clean, t3__granted__natural_person=3)
    found = check(bad, select=["GK102"])
    assert [(f.cells[0], f.printed, f.computed) for f in found] == [("t3.granted.total", 0, 3)]


def test_gk103_result_total(clean: Report) -> None:
    bad = numbers(clean, t3__withheld__state_secret__business=1, t3__withheld__state_secret__total=1)
    found = check(bad, select=["GK103"])
    assert sorted(f.cells[0] for f in found) == ["t3.total.business", "t3.total.total"]


def test_gk104_t4_total(clean: Report) -> None:
    bad = numbers(clean, t4__reconsideration__upheld=10, t4__reconsideration__corrected=1)
    found = check(bad, select=["GK104"])
    assert [(f.cells[0], f.printed, f.computed) for f in found] == [("t4.reconsideration.total", 0, 11)]


def test_identity_with_a_blank_is_not_assessed(clean: Report) -> None:
    found = check(numbers(clean, t3__granted__total=None), select=["GK102"])
    assert [(f.severity.value, f.cells) for f in found] == [("info", ("t3.granted.total",))]


def test_gk105_split_cell(clean: Report) -> None:
    bad = numbers(clean, t3__granted__natural_person=1, t3__granted__business=2, t3__granted__total=12)
    found = check(bad, select=["GK105"])
    assert found and found[0].cells == ("t3.granted.natural_person", "t3.granted.business")
    assert found[0].computed == 12
    assert check(clean, select=["GK105"]) == []


def test_gk201_blank_cells_grouped_by_row(clean: Report) -> None:
    bad = numbers(clean, t4__reconsideration__upheld=None, t4__reconsideration__total=None)
    found = check(bad, select=["GK201"])
    assert [f.cells for f in found] == [("t4.reconsideration.upheld", "t4.reconsideration.total")]


def test_gk202_mark_not_number(clean: Report) -> None:
    cell = clean.cell("t3.new.research")
    assert cell is not None
    bad = clean.with_cells([dataclasses.replace(cell, kind=ValueKind.NOT_APPLICABLE, value=None, raw="/")])
    assert [f.cells for f in check(bad, select=["GK202"])] == [("t3.new.research",)]


def test_gk203_negative(clean: Report) -> None:
    assert ids(check(numbers(clean, t2__licensing__decisions=-1), select=["GK203"])) == ["GK203"]


def test_gk204_fractional(clean: Report) -> None:
    assert ids(check(numbers(clean, t2__licensing__decisions=Decimal("2.5")), select=["GK204"])) == ["GK204"]
    assert check(numbers(clean, t2__fees__amount=Decimal("2.5")), select=["GK204"]) == []


def test_gk205_uncertain(clean: Report) -> None:
    cell = clean.cell("t2.licensing.decisions")
    assert cell is not None
    bad = clean.with_cells([dataclasses.replace(cell, uncertain=True, reason="数字粘连")])
    found = check(bad, select=["GK205"])
    assert len(found) == 1 and "数字粘连" in found[0].message


def _template(report: Report, kind: TableKind, version: TemplateVersion) -> Report:
    tables = tuple(dataclasses.replace(t, template=version) if t.kind is kind else t for t in report.tables)
    return dataclasses.replace(report, tables=tables)


def test_gk301_outdated_template(clean: Report) -> None:
    bad = _template(clean, TableKind.T3, TemplateVersion.V2019)
    assert ids(check(bad, select=["GK301"])) == ["GK301"]
    old = dataclasses.replace(bad, meta=dataclasses.replace(bad.meta, year=2020))
    assert check(old, select=["GK301"]) == []


def test_gk302_mixed(clean: Report) -> None:
    assert ids(check(_template(clean, TableKind.T2, TemplateVersion.V2019), select=["GK302"])) == ["GK302"]


def test_gk303_template_before_issued(clean: Report) -> None:
    early = dataclasses.replace(clean, meta=dataclasses.replace(clean.meta, year=2020))
    assert ids(check(early, select=["GK303"])) == ["GK303", "GK303"]


def test_gk311_missing_table(clean: Report) -> None:
    bad = dataclasses.replace(clean, tables=tuple(t for t in clean.tables if t.kind is not TableKind.T4))
    assert ids(check(bad, select=["GK311"])) == ["GK311"]


def test_gk312_missing_rows(clean: Report) -> None:
    cell = clean.cell("t3.new.total")
    assert cell is not None
    bad = clean.with_cells([dataclasses.replace(cell, kind=ValueKind.MISSING, value=None, reason="报告中未找到该行")])
    assert ids(check(bad, select=["GK312"])) == ["GK312"]


def test_gk313_missing_section(clean: Report) -> None:
    bad = dataclasses.replace(clean, sections=clean.sections[:-1])
    found = check(bad, select=["GK313"])
    assert len(found) == 1 and "六、其他需要报告的事项" in found[0].message


def test_gk321_gk322_meta(clean: Report) -> None:
    bad = dataclasses.replace(clean, meta=dataclasses.replace(clean.meta, year=None, agency=None))
    assert ids(check(bad, select=["GK32"])) == ["GK321", "GK322"]


def test_gk401_carry_over(clean: Report) -> None:
    last = numbers(clean, t3__carried_forward__natural_person=2, t3__carried_forward__total=2)
    last = dataclasses.replace(last, meta=dataclasses.replace(last.meta, year=2020))
    found = check(clean, last, select=["GK401"])
    assert [(f.cells, f.printed, f.computed) for f in found] == [
        (("t3.carried_over.natural_person",), 0, 2),
        (("t3.carried_over.total",), 0, 2),
    ]
    assert check(clean, select=["GK401"]) == []


def test_gk402_in_force(clean: Report) -> None:
    last = numbers(clean, t2__normative_documents__in_force=5)
    last = dataclasses.replace(last, meta=dataclasses.replace(last.meta, year=2020))
    found = check(clean, last, select=["GK402"])
    assert [(f.printed, f.computed) for f in found] == [(0, 5)]


def test_gk403_previous_year(clean: Report) -> None:
    assert ids(check(clean, clean, select=["GK403"])) == ["GK403"]


def _with_text(report: Report, text: str) -> Report:
    sections = tuple(
        dataclasses.replace(s, text=text) if s.key is SectionKey.OVERVIEW else s for s in report.sections
    )
    return dataclasses.replace(report, sections=sections)


def test_gk501_narrative_applications(clean: Report) -> None:
    said = _with_text(clean, "2021年我镇未收到政府信息公开申请。")
    assert check(said, select=["GK501"]) == []
    bad = numbers(said, t3__new__natural_person=1, t3__new__total=1)
    found = check(bad, select=["GK501"])
    assert ids(found) == ["GK501"] and "未收到政府信息公开申请" in found[0].message


def test_gk502_narrative_appeals(clean: Report) -> None:
    said = _with_text(clean, "全年未发生政府信息公开行政复议案件。")
    bad = numbers(said, t4__reconsideration__upheld=1, t4__reconsideration__total=1)
    assert ids(check(bad, select=["GK502"])) == ["GK502"]
    assert check(said, select=["GK502"]) == []


def test_select_and_ignore_in_one_place() -> None:
    assert {r.id for r in select_rules(["GK1"])} == {"GK101", "GK102", "GK103", "GK104", "GK105"}
    assert "GK201" not in {r.id for r in select_rules(ignore=["GK2"])}
    with pytest.raises(ValueError):
        select_rules(["GK999"])


def test_every_rule_has_an_id_docs_and_a_test() -> None:
    source = HERE.read_text(encoding="utf-8")
    for rule in RULES.values():
        assert re.fullmatch(r"GK\d{3}", rule.id)
        for part in ("检查什么", "为什么", "示例", "如何修改"):
            assert part in rule.docs, (rule.id, part)
        assert rule.summary and rule.name
        assert f'"{rule.id}"' in source or f"test_{rule.id.lower()}" in source, f"{rule.id} has no test"


def test_sections_keep_headings(clean: Report) -> None:
    assert [s.key for s in clean.sections] == list(SectionKey)
    assert isinstance(clean.sections[0], Section)
    assert clean.sections[0].heading == "一、总体情况"


def test_cells_unaffected_by_rules(clean: Report) -> None:
    before = clean.cells
    check(clean)
    assert clean.cells == before
    assert isinstance(next(iter(before.values())), Cell)
