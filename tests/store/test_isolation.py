"""Agency isolation: every function takes the agency and never returns, changes or counts another's rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from tests.ledger.helpers import close, event, new_application

from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import (
    build_report,
    get_application,
    list_appeals,
    list_applications,
    list_documents,
    list_overdue,
    record_appeal,
    trace_cell,
)
from gongkai.ledger.schemas import AppealIn
from gongkai.store import NotFound
from gongkai.store.orm import ApplicationEventRow
from gongkai.store.vocab import AppealKind, EventKind


def test_another_agencys_records_do_not_exist_here(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a, b = agencies
    with factory.begin() as s:
        mine = new_application(s, a, date(2025, 3, 3), calendar)
        theirs = new_application(s, b, date(2025, 3, 4), calendar, name="李娜")
        close(s, b, theirs, date(2025, 3, 10), "granted", calendar)
    with factory() as s:
        assert [x.id for x in list_applications(session=s, agency_id=a)] == [mine.id]
        with pytest.raises(NotFound, match="本机关没有申请"):
            get_application(session=s, agency_id=a, application_id=theirs.id)
        with pytest.raises(NotFound):
            event(s, a, theirs, calendar, kind=EventKind.CORRECTION_REQUESTED, occurred_on=date(2025, 3, 5))
        with pytest.raises(NotFound):
            record_appeal(session=s, agency_id=a, data=AppealIn(
                kind=AppealKind.RECONSIDERATION, filed_on=date(2025, 4, 1), application_id=theirs.id, actor="周敏"))
        assert list_overdue(session=s, agency_id=a, today=date(2026, 1, 1))[0].id == mine.id
        assert list_appeals(session=s, agency_id=a) == [] and list_documents(session=s, agency_id=a) == []
        report_a = build_report(session=s, agency_id=a, year=2025, calendar=calendar)
        report_b = build_report(session=s, agency_id=b, year=2025, calendar=calendar)
        assert trace_cell(session=s, agency_id=a, year=2025, cell_id="t3.new.total") == [mine.code]
    assert report_a.numbers()["t3.new.total"] == 1 and report_a.numbers()["t3.carried_forward.total"] == 1
    assert report_b.numbers()["t3.granted.total"] == 1 and report_b.numbers()["t3.carried_forward.total"] == 0


def test_the_database_refuses_a_child_under_another_agency(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    a, b = agencies
    with factory.begin() as s:
        app = new_application(s, a, date(2025, 3, 3), calendar)
    with factory() as s:
        s.add(ApplicationEventRow(agency_id=b, application_id=app.id, kind=EventKind.CORRECTION_REQUESTED,
                                  occurred_on=date(2025, 3, 4), actor="x"))
        with pytest.raises(IntegrityError):
            s.flush()
