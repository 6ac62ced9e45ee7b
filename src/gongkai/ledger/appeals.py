"""行政复议 and 行政诉讼 about disclosure decisions (table 四), each linked to its application."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongkai.ledger import mapping
from gongkai.ledger.common import agency_row, owned
from gongkai.ledger.domain import Appeal
from gongkai.ledger.schemas import AppealIn
from gongkai.store.errors import InvalidRecord
from gongkai.store.orm import AppealRow, ApplicationRow
from gongkai.store.vocab import AppealOutcome


def _code(session: Session, row: AppealRow) -> str | None:
    if row.application_id is None:
        return None
    app = session.get(ApplicationRow, row.application_id)
    return None if app is None else mapping.application_code(app.number_year, app.seq)


def _check_decision(outcome: AppealOutcome, decided_on: date | None, filed_on: date) -> None:
    if outcome is AppealOutcome.PENDING and decided_on is not None:
        raise InvalidRecord("尚未审结的案件不能有审结日期")
    if outcome is not AppealOutcome.PENDING and decided_on is None:
        raise InvalidRecord(f"案件结果为“{outcome.label}”时须填写审结日期")
    if decided_on is not None and decided_on < filed_on:
        raise InvalidRecord(f"审结日期 {decided_on} 早于立案（申请）日期 {filed_on}")


def record_appeal(*, session: Session, agency_id: int, data: AppealIn) -> Appeal:
    agency_row(session, agency_id)
    if data.application_id is not None:
        app = owned(session, ApplicationRow, agency_id, data.application_id, "申请")
        if data.filed_on < app.received_on:
            raise InvalidRecord(f"提起日期 {data.filed_on} 早于申请收到之日 {app.received_on}")
    _check_decision(data.outcome, data.decided_on, data.filed_on)
    row = AppealRow(
        agency_id=agency_id,
        application_id=data.application_id,
        kind=data.kind,
        filed_on=data.filed_on,
        outcome=data.outcome,
        decided_on=data.decided_on,
        case_number=data.case_number,
        body=data.body,
        note=data.note,
        created_by=data.actor,
    )
    session.add(row)
    session.flush()
    return mapping.appeal(row, _code(session, row))


def decide_appeal(
    *, session: Session, agency_id: int, appeal_id: int, outcome: AppealOutcome, decided_on: date
) -> Appeal:
    row = owned(session, AppealRow, agency_id, appeal_id, "复议诉讼案件")
    _check_decision(outcome, decided_on, row.filed_on)
    row.outcome, row.decided_on = outcome, decided_on
    session.flush()
    return mapping.appeal(row, _code(session, row))


def list_appeals(*, session: Session, agency_id: int, year: int | None = None) -> list[Appeal]:
    """The agency's cases; with ``year``, those of table 四 of that year: filed by its end and not decided before
    it began (a case pending over several years appears in each of them as 尚未审结 until decided)."""
    stmt = select(AppealRow, ApplicationRow.number_year, ApplicationRow.seq).outerjoin(
        ApplicationRow, ApplicationRow.id == AppealRow.application_id
    ).where(AppealRow.agency_id == agency_id)
    if year is not None:
        stmt = stmt.where(
            AppealRow.filed_on <= date(year, 12, 31),
            (AppealRow.decided_on.is_(None)) | (AppealRow.decided_on >= date(year, 1, 1)),
        )
    out = []
    for row, number_year, seq in session.execute(stmt.order_by(AppealRow.filed_on, AppealRow.id)):
        code = None if number_year is None else mapping.application_code(number_year, seq)
        out.append(mapping.appeal(row, code))
    return out
