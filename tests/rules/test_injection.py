"""Property: one wrong number injected into a valid report is always caught by an identity rule naming it."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import consistent_reports

from gongkai.model.report import Report
from gongkai.rules import check

IDENTITY_RULES = ("GK101", "GK102", "GK103", "GK104")


@settings(max_examples=100, deadline=None)
@given(report=consistent_reports(), data=st.data())
def test_injected_error_is_always_found_and_named(report: Report, data: st.DataObject) -> None:
    assert not [f for f in check(report, select=list(IDENTITY_RULES)) if f.severity == "error"]
    # Every cell of tables 三 and 四 takes part in at least one identity (table 二 has none).
    ids = sorted(c.id for c in report.iter_cells() if c.id.startswith(("t3.", "t4.")))
    cell_id = data.draw(st.sampled_from(ids), label="cell")
    cell = report.cell(cell_id)
    assert cell is not None and isinstance(cell.value, int)
    delta = data.draw(st.integers(-cell.value, 50).filter(lambda d: d != 0), label="delta")
    bad = report.with_cells([dataclasses.replace(cell, value=cell.value + delta, raw=str(cell.value + delta))])
    errors = [f for f in check(bad, select=list(IDENTITY_RULES)) if f.severity == "error"]
    assert errors, f"{cell_id} {cell.value}→{cell.value + delta} not caught"
    assert any(cell_id in f.cells for f in errors)


@settings(max_examples=40, deadline=None)
@given(report=consistent_reports())
def test_valid_reports_have_no_findings(report: Report) -> None:
    assert [f for f in check(report) if f.severity != "info"] == []
