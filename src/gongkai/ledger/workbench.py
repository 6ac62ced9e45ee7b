"""The clerk's queue: an agency's applications, filtered and paged, soonest due first, each with its urgency.

Urgency is judged against ``today`` (injected: statutory days are China's days, and tests fix the day):

* 已逾期 — open and its due date has passed;
* 即将到期 — open and due from today up to ``due_soon_days`` working days after today (counted on the working
  calendar), or provisional (calendar unknown) with its earliest possible due date inside that window — it cannot
  be excluded; when the window itself reaches a year no calendar covers, every open application not yet overdue
  is 即将到期 (as :func:`gongkai.ledger.clock.list_due_within` decides);
* 办理中 — any other open application (awaiting a 补正, a consultation under way, due later);
* 已办结 — closed.

Only the masked applicant name leaves this module. The filter runs in SQL and only one page of rows is read, so
the page costs the same with ten applications or a hundred thousand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from gongkai.desk.calendar import CalendarUnknown, WorkCalendar
from gongkai.ledger import mapping
from gongkai.ledger.common import agency_row, calendar_or_default
from gongkai.store.crypto import protector_for
from gongkai.store.orm import ApplicationRow
from gongkai.store.vocab import OUTCOME_LABELS, ApplicantType, DeadlineState

PAGE_SIZE = 50
# 2025-0012, 2025-12, 2025/12, 吴村〔2025〕依申请第12号, 依申请〔2025〕第12号
_CODE = re.compile(r"^\s*(\d{4})\s*[-/－]\s*(\d{1,6})\s*$")
_NUMBER = re.compile(r"〔(\d{4})〕[^第]*第\s*(\d{1,6})\s*号")
_SEQ = re.compile(r"^\s*0*(\d{1,6})\s*$")


class Urgency(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "soon"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"overdue": "已逾期", "soon": "即将到期", "open": "办理中", "closed": "已办结"}[self.value]


class QueueFilter(StrEnum):
    """The 状态 filter of the queue."""

    OPEN = "open"
    OVERDUE = "overdue"
    DUE_SOON = "soon"
    CLOSED = "closed"
    ALL = "all"

    @property
    def label(self) -> str:
        return {"open": "办理中", "overdue": "已逾期", "soon": "即将到期", "closed": "已办结", "all": "全部"}[self.value]


@dataclass(frozen=True)
class QueueLine:
    id: int
    number: str
    code: str
    applicant_type: ApplicantType
    masked_name: str
    received_on: date
    information: str
    state: DeadlineState
    due_on: date | None
    due_not_before: date | None
    closed_on: date | None
    outcome: str | None
    urgency: Urgency
    working_days_left: int | None  # working days after today up to the due date (open, not overdue)

    @property
    def outcome_label(self) -> str | None:
        return None if self.outcome is None else OUTCOME_LABELS[self.outcome]


@dataclass(frozen=True)
class QueuePage:
    lines: tuple[QueueLine, ...]
    total: int  # lines matching the filter, on every page
    page: int
    pages: int
    page_size: int
    counts: dict[QueueFilter, int]  # per status filter, within the same year and search
    today: date
    soon_until: date | None  # the last day counted as 即将到期 (None: the window reaches an unknown year)


@dataclass(frozen=True)
class NumberQuery:
    year: int | None
    seq: int


def parse_number(text: str) -> NumberQuery | None:
    """An application number as a clerk types it: ``2025-0012``, ``2025/12``, the formal number, or ``12``."""
    for pattern in (_CODE, _NUMBER):
        m = pattern.search(text)
        if m is not None:
            return NumberQuery(int(m.group(1)), int(m.group(2)))
    m = _SEQ.match(text)
    return NumberQuery(None, int(m.group(1))) if m is not None else None


def _window(today: date, due_soon_days: int, cal: WorkCalendar) -> date | None:
    try:
        return cal.add_working_days(today, due_soon_days) if due_soon_days > 0 else today
    except CalendarUnknown:
        return None


def _conditions(today: date, horizon: date | None) -> dict[QueueFilter, ColumnElement[bool]]:
    a = ApplicationRow
    is_open = a.closed_on.is_(None)
    overdue = and_(is_open, a.due_on < today)
    due: ColumnElement[bool] = a.due_on >= today
    bound: ColumnElement[bool] = and_(a.deadline_state == DeadlineState.PROVISIONAL, a.due_not_before.is_not(None))
    if horizon is not None:
        due = and_(due, a.due_on <= horizon)
        bound = and_(bound, a.due_not_before <= horizon)
    soon = and_(is_open, or_(due, bound))
    return {
        QueueFilter.OPEN: is_open,
        QueueFilter.OVERDUE: overdue,
        QueueFilter.DUE_SOON: soon,
        QueueFilter.CLOSED: a.closed_on.is_not(None),
        QueueFilter.ALL: a.id.is_not(None),
    }


def _urgency(
    state: DeadlineState, due_on: date | None, due_not_before: date | None, closed_on: date | None, today: date,
    horizon: date | None,
) -> Urgency:
    if closed_on is not None:
        return Urgency.CLOSED
    if due_on is not None and due_on < today:
        return Urgency.OVERDUE
    if due_on is not None and (horizon is None or due_on <= horizon):
        return Urgency.DUE_SOON
    if state is DeadlineState.PROVISIONAL and due_not_before is not None and (horizon is None or due_not_before <= horizon):
        return Urgency.DUE_SOON
    return Urgency.OPEN


def application_queue(
    *,
    session: Session,
    agency_id: int,
    today: date,
    due_soon_days: int,
    status: QueueFilter = QueueFilter.OPEN,
    year: int | None = None,
    search: str | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    calendar: WorkCalendar | None = None,
) -> QueuePage:
    """One page of the agency's queue, soonest due date first (no due date yet — awaiting a 补正, suspended —
    after those with one, by the lower bound when known); the closed-only list shows the latest closed first.

    ``search`` is an application number (see :func:`parse_number`); text that is no number matches nothing."""
    cal = calendar_or_default(calendar)
    abbreviation = agency_row(session, agency_id).abbreviation
    horizon = _window(today, due_soon_days, cal)
    a = ApplicationRow
    scope: list[ColumnElement[bool]] = [a.agency_id == agency_id]
    if year is not None:
        scope.append(a.number_year == year)
    if search and search.strip():
        wanted = parse_number(search)
        if wanted is None:
            scope.append(false())
        else:
            scope.append(a.seq == wanted.seq)
            if wanted.year is not None:
                scope.append(a.number_year == wanted.year)
    conditions = _conditions(today, horizon)
    counts_stmt = select(*(func.count(case((c, 1))) for c in conditions.values())).where(*scope)
    counted = session.execute(counts_stmt).one()
    counts = {key: int(n or 0) for key, n in zip(conditions, counted, strict=True)}
    total = counts[status]
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    order: list[ColumnElement[Any] | InstrumentedAttribute[Any]]
    if status is QueueFilter.CLOSED:
        order = [a.closed_on.desc(), a.id.desc()]
    else:
        # Portable NULLS LAST: SQLite and PostgreSQL disagree on where NULL sorts.
        order = [
            case((a.due_on.is_(None), 1), else_=0), a.due_on, case((a.due_not_before.is_(None), 1), else_=0),
            a.due_not_before, a.id,
        ]
    stmt = (
        select(a).where(*scope, conditions[status]).order_by(*order).limit(page_size).offset((page - 1) * page_size)
    )
    protector = protector_for(session)
    lines: list[QueueLine] = []
    for row in session.scalars(stmt):
        urgency = _urgency(row.deadline_state, row.due_on, row.due_not_before, row.closed_on, today, horizon)
        left: int | None = None
        if row.closed_on is None and row.due_on is not None and row.due_on >= today:
            try:
                left = cal.working_days_between(today, row.due_on)
            except CalendarUnknown:
                left = None
        summary = mapping.summary(row, abbreviation, protector)
        lines.append(
            QueueLine(
                id=row.id, number=summary.number, code=summary.code, applicant_type=row.applicant_type,
                masked_name=summary.masked_name, received_on=row.received_on, information=row.information,
                state=row.deadline_state, due_on=row.due_on, due_not_before=row.due_not_before,
                closed_on=row.closed_on, outcome=row.outcome, urgency=urgency, working_days_left=left,
            )
        )
    return QueuePage(
        lines=tuple(lines), total=total, page=page, pages=pages, page_size=page_size, counts=counts, today=today,
        soon_until=horizon,
    )


def urgency_of(
    *, state: DeadlineState, due_on: date | None, due_not_before: date | None, closed_on: date | None, today: date,
    due_soon_days: int, calendar: WorkCalendar | None = None,
) -> Urgency:
    """The badge of one application (its page), judged exactly as in the queue."""
    horizon = _window(today, due_soon_days, calendar_or_default(calendar))
    return _urgency(state, due_on, due_not_before, closed_on, today, horizon)



def application_years(*, session: Session, agency_id: int) -> list[int]:
    """The years the agency has applications numbered in, latest first (the queue's year filter)."""
    stmt = (
        select(ApplicationRow.number_year)
        .where(ApplicationRow.agency_id == agency_id)
        .distinct()
        .order_by(ApplicationRow.number_year.desc())
    )
    return [int(y) for y in session.scalars(stmt)]


__all__ = [
    "PAGE_SIZE",
    "NumberQuery",
    "QueueFilter",
    "QueueLine",
    "QueuePage",
    "Urgency",
    "application_queue",
    "application_years",
    "parse_number",
    "urgency_of",
]
