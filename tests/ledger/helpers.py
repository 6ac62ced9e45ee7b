"""Small builders shared by the ledger tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from gongkai.desk.calendar import WorkCalendar
from gongkai.desk.model import Channel
from gongkai.ledger import add_event, close_application, create_application
from gongkai.ledger.domain import Application
from gongkai.ledger.schemas import ApplicantIn, ApplicationIn, EventIn
from gongkai.store.vocab import ApplicantType, IdDocumentType


def applicant(kind: ApplicantType = ApplicantType.NATURAL_PERSON, name: str = "张晓明") -> ApplicantIn:
    return ApplicantIn(
        type=kind, name=name, id_document_type=IdDocumentType.RESIDENT_ID, id_document="110101199001011234",
        phone="13812345678", email="zhangxm@example.cn", address="青溪县吴村镇东山村12号",
    )


def new_application(
    session: Session,
    agency_id: int,
    received: date,
    calendar: WorkCalendar,
    kind: ApplicantType = ApplicantType.NATURAL_PERSON,
    name: str = "张晓明",
) -> Application:
    return create_application(
        session=session, agency_id=agency_id, calendar=calendar,
        data=ApplicationIn(applicant=applicant(kind, name), channel=Channel.IN_PERSON, handed_in=received,
                           information="申请公开2024年度食品安全抽检结果", actor="周敏"),
    )


def event(session: Session, agency_id: int, app: Application, calendar: WorkCalendar, **fields: Any) -> Application:
    return add_event(session=session, agency_id=agency_id, application_id=app.id, calendar=calendar,
                     data=EventIn.model_validate({"actor": "周敏", **fields}))


def close(session: Session, agency_id: int, app: Application, day: date, outcome: str, calendar: WorkCalendar) -> Application:
    return close_application(session=session, agency_id=agency_id, application_id=app.id, outcome=outcome,
                             closed_on=day, actor="周敏", calendar=calendar)
