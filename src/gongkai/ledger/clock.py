"""The ledger meets the statutory clock: an application's stored events become :mod:`gongkai.desk` events, and
the due date computed from them is kept on the application with the calendar's fingerprint.

Kept on the row: the state (:class:`DeadlineState`), the due date (None while awaiting a correction, while a
consultation is under way, or when it falls in a year no calendar covers — then ``due_not_before`` is a lower
bound only, never a deadline), and the fingerprint of the calendar used. When the calendar changes (next year's
holidays are announced, an administrator corrects a day), :func:`recompute_open_deadlines` finds every open
application computed under another fingerprint and computes it again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from gongkai.desk.calendar import CalendarUnknown, WorkCalendar
from gongkai.desk.deadline import compute_reply_deadline
from gongkai.desk.model import (
    CorrectionReceived,
    CorrectionRequested,
    DeadlineRules,
    Event,
    Extension,
    FeeNotice,
    Pause,
    PauseKind,
    ReplyDeadline,
    Status,
)
from gongkai.ledger import mapping
from gongkai.ledger.common import agency_row, calendar_or_default, owned
from gongkai.ledger.domain import ApplicationSummary, DeadlineChange
from gongkai.store.crypto import protector_for
from gongkai.store.errors import InvalidRecord
from gongkai.store.orm import AgencyRow, ApplicationEventRow, ApplicationRow, utcnow
from gongkai.store.vocab import DeadlineState, EventKind

_PAUSES = {
    EventKind.THIRD_PARTY_STARTED: (PauseKind.THIRD_PARTY, True),
    EventKind.THIRD_PARTY_ENDED: (PauseKind.THIRD_PARTY, False),
    EventKind.OTHER_AGENCY_STARTED: (PauseKind.OTHER_AGENCY, True),
    EventKind.OTHER_AGENCY_ENDED: (PauseKind.OTHER_AGENCY, False),
}
_STATES = {
    Status.DUE: DeadlineState.DUE,
    Status.PROVISIONAL: DeadlineState.PROVISIONAL,
    Status.SUSPENDED: DeadlineState.SUSPENDED,
    Status.AWAITING_CORRECTION: DeadlineState.AWAITING_CORRECTION,
}


def pauses(events: Sequence[ApplicationEventRow]) -> list[Pause]:
    """Consultation starts and ends paired per kind, first in first out. An end with no open start is refused."""
    open_starts: dict[PauseKind, list[date]] = defaultdict(list)
    done: list[Pause] = []
    for ev in events:
        if ev.kind not in _PAUSES:
            continue
        kind, is_start = _PAUSES[ev.kind]
        if is_start:
            open_starts[kind].append(ev.occurred_on)
            continue
        if not open_starts[kind]:
            raise InvalidRecord(f"没有尚未结束的{kind.value}，不能记录其结束")
        start = open_starts[kind].pop(0)
        if ev.occurred_on < start:
            raise InvalidRecord(f"{kind.value}的结束之日 {ev.occurred_on} 早于开始之日 {start}")
        done.append(Pause(kind, start, ev.occurred_on))
    done.extend(Pause(kind, start) for kind, starts in open_starts.items() for start in starts)
    return done


def desk_events(row: ApplicationRow, events: Sequence[ApplicationEventRow]) -> list[Event]:
    """The clock's input: the receipt, 补正, consultations, extension and fee notice (a reply changes nothing)."""
    out: list[Event] = [mapping.receipt(row)]
    paid = next((e for e in events if e.kind is EventKind.FEE_PAID), None)
    for ev in events:
        if ev.kind is EventKind.CORRECTION_REQUESTED:
            out.append(CorrectionRequested(ev.occurred_on))
        elif ev.kind is EventKind.CORRECTION_RECEIVED:
            out.append(CorrectionReceived(ev.occurred_on))
        elif ev.kind is EventKind.EXTENSION:
            out.append(Extension(ev.approver or "", ev.days or 0, ev.occurred_on))
        elif ev.kind is EventKind.FEE_NOTICE:
            out.append(FeeNotice(ev.occurred_on, ev.applicant_received_on, paid.occurred_on if paid else None))
    out.extend(pauses(events))
    return out


def compute(
    row: ApplicationRow, events: Sequence[ApplicationEventRow], rules: DeadlineRules, calendar: WorkCalendar
) -> ReplyDeadline | None:
    """The explained deadline, or None when the year of receipt itself is not covered by the calendar."""
    try:
        return compute_reply_deadline(desk_events(row, events), calendar, rules)
    except CalendarUnknown:
        return None


def apply(
    row: ApplicationRow, events: Sequence[ApplicationEventRow], rules: DeadlineRules, calendar: WorkCalendar
) -> ReplyDeadline | None:
    """Compute and keep the deadline on ``row`` (a closed application keeps its due date, state ``closed``)."""
    result = compute(row, events, rules, calendar)
    if result is None:
        row.deadline_state, row.due_on, row.due_not_before = DeadlineState.PROVISIONAL, None, None
    else:
        row.deadline_state = _STATES[result.status]
        row.due_on = result.due
        row.due_not_before = result.earliest_possible_due
    if row.closed_on is not None:
        row.deadline_state = DeadlineState.CLOSED
    row.calendar_fingerprint = calendar.fingerprint()
    row.deadline_computed_at = utcnow()
    return result


def _events_of(session: Session, application_ids: Sequence[int]) -> dict[int, list[ApplicationEventRow]]:
    out: dict[int, list[ApplicationEventRow]] = defaultdict(list)
    if not application_ids:
        return out
    for chunk_start in range(0, len(application_ids), 500):
        chunk = application_ids[chunk_start : chunk_start + 500]
        stmt = (
            select(ApplicationEventRow)
            .where(ApplicationEventRow.application_id.in_(chunk))
            .order_by(ApplicationEventRow.application_id, ApplicationEventRow.id)
        )
        for ev in session.scalars(stmt):
            out[ev.application_id].append(ev)
    return out


def events_of(session: Session, row: ApplicationRow) -> list[ApplicationEventRow]:
    return _events_of(session, [row.id])[row.id]


def reply_deadline(
    *, session: Session, agency_id: int, application_id: int, calendar: WorkCalendar | None = None
) -> ReplyDeadline | None:
    """The deadline explained segment by segment (:mod:`gongkai.desk.explain` prints it); None when the
    calendar does not cover the year of receipt."""
    row = owned(session, ApplicationRow, agency_id, application_id, "申请")
    agency = mapping.agency(agency_row(session, agency_id))
    return compute(row, events_of(session, row), agency.deadline_rules, calendar_or_default(calendar))


def recompute_open_deadlines(
    *, session: Session, calendar: WorkCalendar, agency_id: int | None = None
) -> list[DeadlineChange]:
    """Recompute every open application whose deadline was computed under another calendar (fingerprint).

    ``agency_id`` None runs over the whole installation — the administrator's job after loading a new holidays
    file; the changes are listed per application."""
    fingerprint = calendar.fingerprint()
    stmt = select(ApplicationRow).where(
        ApplicationRow.closed_on.is_(None),
        or_(ApplicationRow.calendar_fingerprint.is_(None), ApplicationRow.calendar_fingerprint != fingerprint),
    )
    if agency_id is not None:
        stmt = stmt.where(ApplicationRow.agency_id == agency_id)
    rows = list(session.scalars(stmt.order_by(ApplicationRow.id)))
    events = _events_of(session, [r.id for r in rows])
    rules: dict[int, DeadlineRules] = {}
    changes: list[DeadlineChange] = []
    for row in rows:
        if row.agency_id not in rules:
            agency = session.get(AgencyRow, row.agency_id)
            assert agency is not None
            rules[row.agency_id] = mapping.agency(agency).deadline_rules
        before = (row.deadline_state, row.due_on)
        apply(row, events[row.id], rules[row.agency_id], calendar)
        row.updated_at = utcnow()
        if before != (row.deadline_state, row.due_on):
            changes.append(
                DeadlineChange(
                    row.id, mapping.application_code(row.number_year, row.seq), before[0], before[1],
                    row.deadline_state, row.due_on,
                )
            )
    session.flush()
    return changes


def list_overdue(*, session: Session, agency_id: int, today: date) -> list[ApplicationSummary]:
    """Open applications whose due date has passed (today is after it)."""
    agency = agency_row(session, agency_id)
    stmt = (
        select(ApplicationRow)
        .where(
            ApplicationRow.agency_id == agency_id,
            ApplicationRow.closed_on.is_(None),
            ApplicationRow.due_on < today,
        )
        .order_by(ApplicationRow.due_on, ApplicationRow.id)
    )
    protector = protector_for(session)
    return [mapping.summary(r, agency.abbreviation, protector) for r in session.scalars(stmt)]


def list_due_within(
    *, session: Session, agency_id: int, today: date, working_days: int, calendar: WorkCalendar | None = None
) -> list[ApplicationSummary]:
    """Open applications due from today to ``working_days`` working days after today, soonest first; and the
    provisional ones (calendar unknown) whose earliest possible due date falls in that window — they cannot be
    excluded. ``working_days_left`` counts the working days after today up to the due date."""
    cal = calendar_or_default(calendar)
    agency = agency_row(session, agency_id)
    try:
        horizon: date | None = cal.add_working_days(today, working_days) if working_days > 0 else today
    except CalendarUnknown:
        horizon = None  # the window reaches an unknown year: list everything not yet overdue
    stmt = select(ApplicationRow).where(ApplicationRow.agency_id == agency_id, ApplicationRow.closed_on.is_(None))
    due: ColumnElement[bool] = ApplicationRow.due_on >= today
    bound: ColumnElement[bool] = ApplicationRow.due_not_before.is_not(None)
    if horizon is not None:
        due = and_(due, ApplicationRow.due_on <= horizon)
        bound = and_(bound, ApplicationRow.due_not_before <= horizon)
    stmt = stmt.where(or_(due, (ApplicationRow.deadline_state == DeadlineState.PROVISIONAL) & bound))
    protector = protector_for(session)
    out: list[ApplicationSummary] = []
    for row in session.scalars(stmt.order_by(ApplicationRow.due_on, ApplicationRow.due_not_before, ApplicationRow.id)):
        left: int | None = None
        if row.due_on is not None:
            try:
                left = cal.working_days_between(today, row.due_on)
            except CalendarUnknown:
                left = None
        out.append(mapping.summary(row, agency.abbreviation, protector, left))
    out.sort(key=lambda s: (s.due_on or s.due_not_before or today, s.id))
    return out
