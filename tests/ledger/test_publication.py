"""The annual report from draft to publication: the narrative saved with optimistic locking, publication locking a
version, corrections as new versions, the oversight office's view (published, late, missing, findings) — on both
backends."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.ledger.helpers import close, new_application

from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import build_report, mapping, trace_cell
from gongkai.ledger.publication import (
    correct_report,
    draft_report,
    due_date,
    load_draft,
    oversight_overview,
    publication_status,
    publications,
    publish_report,
    published_report,
    report_years,
    save_draft,
    traced_applications,
)
from gongkai.model.report import SectionKey
from gongkai.rules import Severity
from gongkai.store.errors import ConflictError, InvalidRecord, NotFound
from gongkai.store.orm import ApplicationRow, StoredReportRow
from gongkai.store.orm_reports import PublishedReportLocked, ReportPublicationRow
from gongkai.store.vocab import AgencyKind

D = date
HEAD = "李明（head1）"


def _ledger(s: Session, agency: int, calendar: WorkCalendar) -> list[str]:
    """Three applications of 2025: two granted, one still open at the end of the year."""
    codes = []
    for day in (D(2025, 3, 3), D(2025, 5, 6), D(2025, 12, 29)):
        app = new_application(s, agency, day, calendar)
        codes.append(app.number)
        if day.month < 12:
            close(s, agency, app, day.replace(day=day.day + 7), "granted", calendar)
    return codes


def _texts(**changed: str) -> dict[SectionKey, str]:
    texts = {key: f"{key.value} 的正文" for key in SectionKey}
    texts.update({SectionKey(k): v for k, v in changed.items()})
    return texts


def test_the_draft_starts_from_the_ledger_and_saves_with_optimistic_locking(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a, _ = agencies
    with factory.begin() as s:
        _ledger(s, a, calendar)
        draft = load_draft(session=s, agency_id=a, year=2025, calendar=calendar)
        assert draft.version == 0 and not draft.saved
        generated = build_report(session=s, agency_id=a, year=2025, calendar=calendar)
        assert [sec.text for sec in draft.sections] == [sec.text for sec in generated.sections]
        assert "新收政府信息公开申请3件" in draft.text(SectionKey.APPLICATIONS)
    with factory.begin() as s:
        saved = save_draft(session=s, agency_id=a, year=2025, texts=_texts(overview="总体\r\n情况"),
                           expected_version=0, updated_by="周敏（clerk1）")
        assert saved.version == 1 and saved.updated_by == "周敏（clerk1）"
        assert saved.text(SectionKey.OVERVIEW) == "总体\n情况"  # the browser's CRLF stored as plain line breaks
    # Two editors opened version 1; the first save wins, the second is refused and writes nothing.
    with factory.begin() as s:
        assert save_draft(session=s, agency_id=a, year=2025, texts=_texts(problems="甲的修改"),
                          expected_version=1, updated_by="甲").version == 2
    with factory() as s, pytest.raises(ConflictError, match="已被他人修改"):
        save_draft(session=s, agency_id=a, year=2025, texts=_texts(problems="乙的修改"), expected_version=1,
                   updated_by="乙")
    with factory() as s:
        draft = load_draft(session=s, agency_id=a, year=2025)
        assert draft.version == 2 and draft.text(SectionKey.PROBLEMS) == "甲的修改"
        # The report as it stands: live tables, the saved narrative.
        report = draft_report(session=s, agency_id=a, year=2025, calendar=calendar)
        section = report.section(SectionKey.PROBLEMS)
        assert section is not None and section.text == "甲的修改" and section.heading == "五、存在的主要问题及改进情况"
        assert report.numbers()["t3.new.total"] == 3
    with factory() as s, pytest.raises(ConflictError):  # a first save racing a saved draft: version 0 is stale
        save_draft(session=s, agency_id=a, year=2025, texts=_texts(), expected_version=0, updated_by="丙")


def test_publish_locks_the_version_and_a_correction_makes_the_next(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a, _ = agencies
    with factory.begin() as s:
        _ledger(s, a, calendar)
        save_draft(session=s, agency_id=a, year=2025, texts=_texts(overview="第一版的总体情况"), expected_version=0,
                   updated_by="周敏")
    with factory() as s, pytest.raises(ConflictError, match="审阅后又被修改"):  # the head read an older draft
        publish_report(session=s, agency_id=a, year=2025, published_by=HEAD, on=D(2026, 1, 20), calendar=calendar,
                       expected_draft_version=0)
    with factory.begin() as s:
        first = publish_report(session=s, agency_id=a, year=2025, published_by=HEAD, on=D(2026, 1, 20),
                               calendar=calendar, expected_draft_version=1)
        assert (first.version, first.reason, first.supersedes_id, first.published_by) == (1, None, None, HEAD)
    with factory() as s:
        shown = published_report(session=s, agency_id=a, year=2025)
        assert shown.publication == first
        assert shown.report.meta.published == D(2026, 1, 20)
        overview = shown.report.section(SectionKey.OVERVIEW)
        assert overview is not None and overview.text == "第一版的总体情况"
        assert shown.report.numbers() == build_report(session=s, agency_id=a, year=2025, calendar=calendar).numbers()
    # Locked: no second version 1, no more saves of the draft.
    with factory() as s, pytest.raises(PublishedReportLocked, match="已发布"):
        publish_report(session=s, agency_id=a, year=2025, published_by=HEAD, on=D(2026, 1, 21), calendar=calendar)
    with factory() as s, pytest.raises(PublishedReportLocked):
        save_draft(session=s, agency_id=a, year=2025, texts=_texts(), expected_version=1, updated_by="周敏")
    # A correction: the ledger changed (a late-registered application) and the narrative too.
    with factory.begin() as s:
        new_application(s, a, D(2025, 12, 30), calendar)
    with factory() as s, pytest.raises(InvalidRecord, match="更正原因"):
        correct_report(session=s, agency_id=a, year=2025, reason="  ", texts=_texts(), expected_version=1,
                       published_by=HEAD, on=D(2026, 2, 3), calendar=calendar)
    with factory.begin() as s:
        second = correct_report(session=s, agency_id=a, year=2025, reason="补录12月30日收到的申请1件",
                                texts=_texts(overview="更正后的总体情况"), expected_version=1, published_by=HEAD,
                                on=D(2026, 2, 3), calendar=calendar)
        assert (second.version, second.supersedes_id, second.reason) == (2, first.id, "补录12月30日收到的申请1件")
    with factory() as s, pytest.raises(ConflictError, match="第2版"):  # correcting version 1 again: stale
        correct_report(session=s, agency_id=a, year=2025, reason="再次更正", texts=_texts(), expected_version=1,
                       published_by=HEAD, on=D(2026, 2, 4), calendar=calendar)
    with factory() as s:
        assert [p.version for p in publications(session=s, agency_id=a, year=2025)] == [1, 2]
        v1 = published_report(session=s, agency_id=a, year=2025, version=1)
        v2 = published_report(session=s, agency_id=a, year=2025)
        assert v1.report.numbers()["t3.new.total"] == 3 and v2.report.numbers()["t3.new.total"] == 4
        assert v1.report.section(SectionKey.OVERVIEW).text == "第一版的总体情况"  # type: ignore[union-attr]
        assert v2.report.section(SectionKey.OVERVIEW).text == "更正后的总体情况"  # type: ignore[union-attr]
        assert v2.publication.published_on == D(2026, 2, 3)
        with pytest.raises(NotFound):
            published_report(session=s, agency_id=a, year=2025, version=3)
        years = report_years(session=s, agency_id=a, today=D(2026, 2, 5))
        assert [(y.year, [p.version for p in y.publications]) for y in years] == [(2025, [1, 2])]


def test_nothing_changes_or_deletes_a_published_version(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a, _ = agencies
    with factory.begin() as s:
        _ledger(s, a, calendar)
        published = publish_report(session=s, agency_id=a, year=2025, published_by=HEAD, on=D(2026, 1, 5),
                                   calendar=calendar)
    with factory() as s:
        row = s.scalars(select(ReportPublicationRow)).one()
        row.published_by = "别人"
        with pytest.raises(PublishedReportLocked):
            s.flush()
    with factory() as s:
        stored = s.get(StoredReportRow, published.stored_report_id)
        assert stored is not None
        stored.payload = {**stored.payload, "sections": []}
        with pytest.raises(PublishedReportLocked):
            s.flush()
    with factory() as s:
        s.delete(s.scalars(select(ReportPublicationRow)).one())
        with pytest.raises(PublishedReportLocked):
            s.flush()
    with factory() as s:
        assert published_report(session=s, agency_id=a, year=2025).publication == published


def test_publication_is_dated_after_the_year(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a, _ = agencies
    with factory() as s, pytest.raises(InvalidRecord, match="年度结束后"):
        publish_report(session=s, agency_id=a, year=2025, published_by=HEAD, on=D(2025, 12, 31), calendar=calendar)


def test_due_dates_follow_article_49_and_guess_nothing() -> None:
    assert due_date(AgencyKind.COUNTY_DEPARTMENT, 2025) == D(2026, 1, 31)
    assert due_date(AgencyKind.CITY_DEPARTMENT, 2025) == D(2026, 1, 31)
    assert due_date(AgencyKind.COUNTY_GOVERNMENT, 2025) == D(2026, 3, 31)
    assert due_date(AgencyKind.TOWNSHIP, 2025) is None  # no national date for 乡（镇）
    assert due_date(AgencyKind.TOWNSHIP, 2025, {AgencyKind.TOWNSHIP: (2, 28)}) == D(2026, 2, 28)


def test_oversight_sees_published_late_missing_and_findings(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    department, town = agencies  # a county department (due 31 January) and a town (no national date)
    with factory.begin() as s:
        _ledger(s, department, calendar)
        _ledger(s, town, calendar)
        publish_report(session=s, agency_id=department, year=2025, published_by=HEAD, on=D(2026, 2, 2),
                       calendar=calendar)
    with factory() as s:
        status = {st.agency.id: st for st in publication_status(session=s, year=2025)}
        dep, tw = status[department], status[town]
        assert dep.published and dep.late and dep.due == D(2026, 1, 31) and not dep.overdue(D(2026, 3, 1))
        assert dep.latest is not None and dep.latest.version == 1
        # The ledger's tables of 2025 have no yearly figures entered: blank table-二 cells are findings.
        assert dep.counts.total == len(dep.findings) > 0
        blanks = [f for f in dep.findings if "t2.licensing.decisions" in f.cells]
        assert blanks and all(f.severity in (Severity.ERROR, Severity.WARNING) for f in blanks)
        assert not tw.published and not tw.late and tw.due is None and not tw.overdue(D(2026, 12, 1))
        assert tw.findings == ()
        # Only the supervised agencies are looked at.
        only = publication_status(session=s, year=2025, agency_ids={town})
        assert [st.agency.id for st in only] == [town]
        # A department that has not published by 31 January is overdue.
        unpublished = publication_status(session=s, year=2024, agency_ids={department})[0]
        assert not unpublished.published and unpublished.overdue(D(2025, 2, 1))
        assert not unpublished.overdue(D(2025, 1, 31))
        overview = oversight_overview(session=s, years=(2025, 2024), agency_ids={department, town})
        assert [(o.agency.id, [y.year for y in o.years]) for o in overview] == [(department, [2024, 2025]),
                                                                                 (town, [2024, 2025])]
        assert [y.published for y in overview[0].years] == [False, True]


def test_a_cell_traces_to_its_applications(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a, _ = agencies
    with factory.begin() as s:
        codes = _ledger(s, a, calendar)
    with factory() as s:
        traced = traced_applications(session=s, agency_id=a, year=2025, cell_id="t3.granted.natural_person")
        assert [t.number for t in traced] == codes[:2]
        assert [t.code for t in traced] == ["2025-0001", "2025-0002"] == trace_cell(session=s, agency_id=a, year=2025,
                                                                   cell_id="t3.granted.natural_person")
        for t in traced:
            row = s.get(ApplicationRow, t.application_id)
            assert row is not None and mapping.application_code(row.number_year, row.seq) == t.code
        forward = traced_applications(session=s, agency_id=a, year=2025, cell_id="t3.carried_forward.total")
        assert [t.number for t in forward] == codes[2:]
