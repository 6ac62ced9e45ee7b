"""The annual report built from the ledger: counts per cell, every rule passed by construction, continuity with
last year (generated or imported), provenance pointing at the records, the draft narrative, rendering."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker
from tests.ledger.helpers import close, event, new_application

from gongkai.desk.calendar import WorkCalendar
from gongkai.desk.fees import FeeMethod
from gongkai.ledger import (
    build_report,
    check_built_report,
    record_appeal,
    set_tally,
    store_report,
    trace_cell,
)
from gongkai.ledger.schemas import AppealIn, TallyIn
from gongkai.model.report import SectionKey, ValueKind
from gongkai.model.templates import APPLICANT_COLUMNS
from gongkai.render import render
from gongkai.rules import check
from gongkai.store.vocab import (
    OUTCOME_KEYS,
    AppealKind,
    AppealOutcome,
    ApplicantType,
    EventKind,
    ReportOrigin,
    TallyItem,
)

D = date


def _random_ledger(s: Session, agency: int, calendar: WorkCalendar, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(40):
        received = D(2024, 1, 2) + timedelta(rng.randrange(700))
        while not calendar.is_working_day(received):
            received += timedelta(1)
        app = new_application(s, agency, received, calendar, kind=rng.choice(list(ApplicantType)), name="某申请人")
        if rng.random() < 0.8:
            closing = received + timedelta(rng.randrange(45))
            outcome = rng.choice([k for k in OUTCOME_KEYS if k not in ("other.no_correction", "other.fee_unpaid",
                                                                       "unavailable.unclear")])
            close(s, agency, app, closing, outcome, calendar)


def test_identities_hold_by_construction_and_years_are_continuous(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a, b = agencies
    with factory.begin() as s:
        _random_ledger(s, a, calendar, 1)
        _random_ledger(s, b, calendar, 2)
        for agency in agencies:
            for year in (2024, 2025):
                for item in (TallyItem.LICENSING, TallyItem.PUNISHMENT, TallyItem.COERCION):
                    set_tally(session=s, agency_id=agency, data=TallyIn(year=year, item=item, decisions=3))
                set_tally(session=s, agency_id=agency, data=TallyIn(year=year, item=TallyItem.FEES, amount=Decimal("1.5")))
    with factory() as s:
        for agency in agencies:
            r24 = build_report(session=s, agency_id=agency, year=2024, calendar=calendar)
            r25 = build_report(session=s, agency_id=agency, year=2025, calendar=calendar)
            assert check(r24) == []
            assert check(r25, r24) == []  # every rule, GK401/GK402 across the years included
            for col in APPLICANT_COLUMNS:
                assert r25.numbers()[f"t3.carried_over.{col.key}"] == r24.numbers()[f"t3.carried_forward.{col.key}"]
            for cell in r25.iter_cells():
                assert cell.provenance.reader == "ledger" and cell.provenance.source.startswith("ledger:")
            total = r25.numbers()["t3.granted.total"]
            assert len(trace_cell(session=s, agency_id=agency, year=2025, cell_id="t3.granted.total")) == total


def test_cells_count_the_records_with_their_numbers(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        old = new_application(s, a, D(2024, 12, 20), calendar)  # carried into 2025
        close(s, a, old, D(2025, 1, 10), "partially_granted", calendar)
        x = new_application(s, a, D(2025, 3, 3), calendar)
        close(s, a, x, D(2025, 3, 20), "granted", calendar)
        new_application(s, a, D(2025, 12, 29), calendar, kind=ApplicantType.LEGAL_SERVICE, name="青溪明正律师事务所")
        z = new_application(s, a, D(2025, 5, 6), calendar)
        z = event(s, a, z, calendar, kind=EventKind.FEE_NOTICE, occurred_on=D(2025, 5, 8), fee_method=FeeMethod.PER_VOLUME,
                  pages=60, applicant_received_on=D(2025, 5, 9))
        z = event(s, a, z, calendar, kind=EventKind.FEE_PAID, occurred_on=D(2025, 5, 12))
        close(s, a, z, D(2025, 5, 20), "granted", calendar)
        record_appeal(session=s, agency_id=a, data=AppealIn(kind=AppealKind.RECONSIDERATION, filed_on=D(2025, 4, 1),
                      application_id=x.id, outcome=AppealOutcome.UPHELD, decided_on=D(2025, 6, 1), actor="周敏"))
        record_appeal(session=s, agency_id=a, data=AppealIn(kind=AppealKind.LITIGATION_DIRECT, filed_on=D(2025, 11, 1),
                      application_id=x.id, outcome=AppealOutcome.CORRECTED, decided_on=D(2026, 2, 1), actor="周敏"))
    with factory() as s:
        report = build_report(session=s, agency_id=a, year=2025, calendar=calendar)
    n = report.numbers()
    assert (n["t3.new.natural_person"], n["t3.new.legal_service"], n["t3.new.total"]) == (2, 1, 3)
    assert n["t3.carried_over.natural_person"] == 1 and n["t3.partially_granted.natural_person"] == 1
    assert n["t3.granted.total"] == 2 and n["t3.carried_forward.legal_service"] == 1 and n["t3.total.total"] == 3
    assert n["t4.reconsideration.upheld"] == 1 and n["t4.litigation_direct.pending"] == 1  # decided only in 2026
    text = report.cell("t3.granted.natural_person")
    assert text is not None
    assert text.provenance.text == "依申请 2025 年办结，办理结果=（一）予以公开，申请人类型=自然人：2 件（#0001、#0003）"
    assert report.cell("t3.carried_over.natural_person").provenance.text.endswith("（#2024-0001）")  # type: ignore[union-attr]
    # Table 二: no document was ever registered → 0 (the register is complete); no figure entered → blank, not 0.
    assert n["t2.normative_documents.in_force"] == 0
    blank = report.cell("t2.licensing.decisions")
    assert blank is not None and blank.kind is ValueKind.BLANK and "空白不等于 0" in blank.reason
    sections = {sec.key: sec.text for sec in report.sections}
    assert "共收取信息处理费300元" in sections[SectionKey.OTHER]  # 60 pages: 30 × 10 元
    assert "本年度涉及政府信息公开的行政复议1件" in sections[SectionKey.APPEALS]
    assert report.meta.title == "青溪县市场监督管理局2025年政府信息公开工作年度报告"
    assert render(report, "docx")[:2] == b"PK"
    assert "予以公开" in render(report, "html").decode()


def test_an_empty_year_says_so(factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar) -> None:
    with factory() as s:
        report = build_report(session=s, agency_id=agencies[1], year=2025, calendar=calendar)
    sections = {sec.key: sec.text for sec in report.sections}
    assert "本机关2025年度未收取信息处理费。" in sections[SectionKey.OTHER]
    assert "本年度未收到政府信息公开申请" in sections[SectionKey.APPLICATIONS]
    assert sections[SectionKey.APPEALS] == "本年度未发生政府信息公开行政复议、行政诉讼案件。"
    assert [f.rule for f in check(report) if f.rule != "GK201"] == []  # only the blank (unentered) figures


def test_an_imported_report_that_disagrees_is_flagged_by_gk401(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a = agencies[0]
    with factory.begin() as s:
        new_application(s, a, D(2024, 12, 20), calendar)  # open at the end of 2024
        generated = build_report(session=s, agency_id=a, year=2024, calendar=calendar)
        store_report(session=s, agency_id=a, report=generated, origin=ReportOrigin.GENERATED, created_by="周敏")
    with factory() as s:
        this_year = build_report(session=s, agency_id=a, year=2025, calendar=calendar)
        assert [f.rule for f in check_built_report(session=s, agency_id=a, report=this_year) if f.rule != "GK201"] == []
    # The published 2024 report, as imported, printed 结转下年度 0 for 自然人: it wins over the generated one.
    cell = generated.cell("t3.carried_forward.natural_person")
    assert cell is not None
    published = generated.with_cells([replace(cell, value=0, raw="0")])
    with factory.begin() as s:
        store_report(session=s, agency_id=a, report=published, origin=ReportOrigin.IMPORTED, created_by="周敏",
                     source_name="2024年报告.docx")
    with factory() as s:
        findings = check_built_report(session=s, agency_id=a, report=this_year)
    gk401 = [f for f in findings if f.rule == "GK401"]
    assert len(gk401) == 1 and "自然人" in gk401[0].message and "不衔接" in gk401[0].message
