"""The demonstration data loads on both backends; both years' reports of both agencies pass every rule and
are continuous; every event kind, outcome and appeal result occurs."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import build_report, list_overdue
from gongkai.ledger.demo import DEMO_TODAY, load_demo
from gongkai.model.templates import APPLICANT_COLUMNS
from gongkai.rules import check
from gongkai.store.orm import AppealRow, ApplicationEventRow, ApplicationRow
from gongkai.store.vocab import OUTCOME_KEYS, AppealKind, AppealOutcome, EventKind


def test_demo_loads_and_its_reports_pass_every_rule(factory: sessionmaker[Session], calendar: WorkCalendar) -> None:
    with factory.begin() as s:
        summary = load_demo(session=s, seed=7, calendar=calendar)
    assert len(summary.agency_ids) == 2 and summary.applications >= 400
    with factory() as s:
        kinds = set(s.scalars(select(ApplicationEventRow.kind).distinct()))
        outcomes = set(s.scalars(select(ApplicationRow.outcome).where(ApplicationRow.outcome.is_not(None)).distinct()))
        appeals = {(k, o) for k, o in s.execute(select(AppealRow.kind, AppealRow.outcome).distinct())}
        assert kinds == set(EventKind)
        assert outcomes == set(OUTCOME_KEYS)
        assert {(k, o) for k in AppealKind for o in AppealOutcome} <= appeals
        assert s.scalar(select(func.count()).where(ApplicationRow.closed_on.is_(None))) > 0
        for agency in summary.agency_ids:
            r24 = build_report(session=s, agency_id=agency, year=2024, calendar=calendar)
            r25 = build_report(session=s, agency_id=agency, year=2025, calendar=calendar)
            assert check(r24) == [], [f.message for f in check(r24)]
            assert check(r25, r24) == [], [f.message for f in check(r25, r24)]
            assert r24.numbers()["t3.carried_over.total"] > 0 and r25.numbers()["t3.carried_forward.total"] > 0
            for col in APPLICANT_COLUMNS:
                assert r25.numbers()[f"t3.carried_over.{col.key}"] == r24.numbers()[f"t3.carried_forward.{col.key}"]
            list_overdue(session=s, agency_id=agency, today=DEMO_TODAY)


def test_demo_is_deterministic(factory: sessionmaker[Session], calendar: WorkCalendar) -> None:
    with factory.begin() as s:
        first = load_demo(session=s, seed=3, calendar=calendar, per_year=25, proactive_per_year=3)
        r1 = build_report(session=s, agency_id=first.agency_ids[0], year=2025, calendar=calendar).numbers()
    assert first.applications == 2 * (6 + 2 * 25)
    assert r1["t3.new.total"] == 25
