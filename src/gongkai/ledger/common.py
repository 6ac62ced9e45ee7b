"""What every ledger function shares: finding a row *of this agency*, and the default working calendar."""

from __future__ import annotations

from functools import cache
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongkai.desk.calendar import WorkCalendar
from gongkai.store.errors import NotFound
from gongkai.store.orm import AgencyRow, Base

RowT = TypeVar("RowT", bound=Base)


@cache
def default_calendar() -> WorkCalendar:
    """The shipped holidays plus the administrator's file (``GONGKAI_HOLIDAYS_FILE``), loaded once."""
    return WorkCalendar.load()


def calendar_or_default(calendar: WorkCalendar | None) -> WorkCalendar:
    return calendar if calendar is not None else default_calendar()


def agency_row(session: Session, agency_id: int) -> AgencyRow:
    row = session.get(AgencyRow, agency_id)
    if row is None:
        raise NotFound("机关", agency_id)
    return row


def owned(session: Session, model: type[RowT], agency_id: int, row_id: int, what: str) -> RowT:
    """The row ``row_id`` of ``model`` if it belongs to ``agency_id``; another agency's row does not exist here."""
    found = session.scalars(
        select(model).where(model.id == row_id, model.agency_id == agency_id)  # type: ignore[attr-defined]
    ).one_or_none()
    if found is None:
        raise NotFound(what, row_id)
    return found
