"""Round trips: a valid report rendered to a format and read back is the same report.

For random valid reports of both templates (and of mixed templates), rendering to Markdown, tab-separated
text, Word's "one cell per line" text, HTML and DOCX and reading the bytes back with ``gongkai.readers.read``
gives the same cells (id → number), the same meta (agency, year, templates) and the same section texts
(whitespace normalised).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.render.samples import seed_002
from tests.strategies import consistent_reports, reports

from gongkai.model.report import Cell, Report, ValueKind
from gongkai.readers import read
from gongkai.render import render
from gongkai.rules import check

# format → the reader format that reads it back
READ_BACK = {"md": "markdown", "tsv": "text", "wordlines": "text", "html": "html", "docx": "docx"}
NAMES = {"md": "report.md", "tsv": "report.txt", "wordlines": "report.txt", "html": "report.html",
         "docx": "report.docx"}
# Formats whose section texts are compared too.
SECTION_TEXTS_CHECKED = {"md", "tsv", "wordlines", "docx", "html"}
BOUNDED = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

def round_trip(report: Report, fmt: str) -> Report:
    return read(render(report, fmt), format=READ_BACK[fmt], name=NAMES[fmt])


def meta_of(report: Report) -> tuple[object, ...]:
    m = report.meta
    return (m.agency, m.year, m.t2_template, m.t3_template)


def texts_of(report: Report) -> dict[str, str]:
    return {s.key.value: " ".join(s.text.split()) for s in report.sections}


def assert_same_tables(got: Report, want: Report) -> None:
    assert [t.kind for t in got.tables] == [t.kind for t in want.tables]
    assert got.numbers() == want.numbers()
    assert got.uncertain == []


@pytest.mark.parametrize("fmt", sorted(READ_BACK))
@BOUNDED
@given(report=reports())
def test_round_trip(fmt: str, report: Report) -> None:
    back = round_trip(report, fmt)
    assert_same_tables(back, report)
    assert meta_of(back) == meta_of(report)
    if fmt in SECTION_TEXTS_CHECKED:
        assert texts_of(back) == texts_of(report)


@pytest.mark.parametrize("fmt", sorted(READ_BACK))
@settings(max_examples=15, deadline=None)
@given(report=reports(), data=st.data())
def test_blanks_and_marks_round_trip(fmt: str, report: Report, data: st.DataObject) -> None:
    """Blank cells stay blank (never 0) and a "/" stays a mark — away from the edge of a merged label row
    (see ``test_blank_after_a_merged_label``)."""
    inner = sorted(c for c in report.cells if not c.endswith((".total", ".natural_person")))
    chosen = data.draw(st.lists(st.sampled_from(inner), min_size=1, max_size=5, unique=True))
    kind = data.draw(st.sampled_from([ValueKind.BLANK, ValueKind.NOT_APPLICABLE]))
    raw = "/" if kind is ValueKind.NOT_APPLICABLE else ""
    changed = report.with_cells(Cell(cid, kind, None, raw=raw) for cid in chosen)
    back = round_trip(changed, fmt)
    for cid in chosen:
        cell = back.cell(cid)
        assert cell is not None and cell.kind is kind, (cid, cell)
    assert back.numbers() == changed.numbers()


@pytest.mark.parametrize("fmt", sorted(READ_BACK))
def test_blank_after_a_merged_label(fmt: str) -> None:
    report = _fixed_report()
    changed = report.with_cells([Cell("t3.new.total", ValueKind.BLANK)])
    back = round_trip(changed, fmt)
    assert back.numbers() == changed.numbers()


def _fixed_report() -> Report:
    report = seed_002()
    # distinct numbers in the row, so a shift cannot go unnoticed
    row = ["natural_person", "business", "research", "nonprofit", "legal_service", "other_org"]
    return report.with_cells(Cell(f"t3.new.{col}", ValueKind.NUMBER, i + 1, raw=str(i + 1)) for i, col in
                             enumerate(row))


@pytest.mark.parametrize("fmt", sorted(READ_BACK))
@settings(max_examples=10, deadline=None)
@given(report=reports(), drop=st.sets(st.sampled_from(["t2", "t3", "t4"]), max_size=2))
def test_missing_tables_are_not_invented(fmt: str, report: Report, drop: set[str]) -> None:
    partial = replace(report, tables=tuple(t for t in report.tables if t.kind.value not in drop))
    back = round_trip(partial, fmt)
    assert_same_tables(back, partial)


@settings(max_examples=20, deadline=None)
@given(report=reports())
def test_json_round_trip(report: Report) -> None:
    back = read(render(report, "json"), format="json", name="report.json")
    assert back.to_dict() == report.to_dict()


@BOUNDED
@given(report=consistent_reports())
def test_strategy_reports_pass_every_rule(report: Report) -> None:
    """The strategy draws valid reports: with templates matching the year, the rules find nothing."""
    assert check(report) == []
