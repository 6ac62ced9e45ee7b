"""依申请公开 applications: registration (第二十九条—第三十一条), the event log, and closing with exactly one
table-三 outcome.

Concurrency: every change of an application — a new event included — updates the application row, whose
``version`` column is SQLAlchemy's ``version_id_col``. Two clerks recording events on the same application at
once cannot both win: the second UPDATE finds the version changed and :class:`ConflictError` is raised before
anything of the loser is written; the loser reloads and records again, so no event is lost. A caller that
read an application earlier (a web form) passes ``expected_version`` to be refused the same way.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gongkai.desk.calendar import WorkCalendar
from gongkai.desk.deadline import received_date
from gongkai.desk.fees import FeeError, FeeMethod, assess_fee
from gongkai.ledger import clock, mapping
from gongkai.ledger.common import agency_row, calendar_or_default, owned
from gongkai.ledger.domain import Application
from gongkai.ledger.schemas import ApplicationIn, EventIn
from gongkai.store.crypto import protector_for
from gongkai.store.errors import ConflictError, InvalidRecord, NotFound
from gongkai.store.orm import ApplicationCounterRow, ApplicationEventRow, ApplicationRow, utcnow
from gongkai.store.vocab import FEE_UNPAID, NO_CORRECTION, OUTCOME_KEYS, DeadlineState, EventKind


def _next_seq(session: Session, agency_id: int, year: int) -> int:
    """The next number of the agency's year, allocated atomically (two clerks never get the same number)."""
    bump = (
        update(ApplicationCounterRow)
        .where(ApplicationCounterRow.agency_id == agency_id, ApplicationCounterRow.year == year)
        .values(last=ApplicationCounterRow.last + 1)
        .returning(ApplicationCounterRow.last)
        .execution_options(synchronize_session=False)
    )
    for _ in range(2):
        found = session.execute(bump).scalar_one_or_none()
        if found is not None:
            return int(found)
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        first = insert(ApplicationCounterRow).values(agency_id=agency_id, year=year, last=1)
        inserted = session.execute(first.on_conflict_do_nothing().returning(ApplicationCounterRow.last))
        if inserted.scalar_one_or_none() is not None:
            return 1
    raise ConflictError("申请编号")  # pragma: no cover - the counter row exists after the first round


def _label(row: ApplicationRow, abbreviation: str | None) -> str:
    return f"申请 {mapping.application_number(abbreviation, row.number_year, row.seq)}"


def create_application(
    *, session: Session, agency_id: int, data: ApplicationIn, calendar: WorkCalendar | None = None
) -> Application:
    """Register an application; its received date follows from the channel (第三十一条) and its due date from
    the clock. Personal fields are stored encrypted."""
    cal = calendar_or_default(calendar)
    agency_r = agency_row(session, agency_id)
    agency = mapping.agency(agency_r)
    protector = protector_for(session)
    who = data.applicant
    row = ApplicationRow(
        agency_id=agency_id,
        applicant_type=who.type,
        applicant_name=protector.encrypt(who.name),
        id_document_type=who.id_document_type,
        id_document=protector.encrypt_optional(who.id_document),
        phone=protector.encrypt_optional(who.phone),
        email=protector.encrypt_optional(who.email),
        address=protector.encrypt_optional(who.address),
        applicant_digest=protector.digest(who.type.value, who.name, who.id_document),
        channel=data.channel,
        handed_in=data.handed_in,
        signed_for=data.signed_for,
        arrived=data.arrived,
        confirmed=data.confirmed,
        system_received=data.system_received,
        given_received=data.received if data.channel is None else None,
        information=data.information,
        form_wanted=data.form_wanted,
        delivery=data.delivery,
        note=data.note,
        created_by=data.actor,
    )
    received, _basis, _notes = received_date(mapping.receipt(row), agency.deadline_rules)
    row.received_on = received
    row.number_year = received.year
    clock.apply(row, [], agency.deadline_rules, cal)
    row.seq = _next_seq(session, agency_id, received.year)
    session.add(row)
    session.flush()
    return mapping.application(row, agency_r.abbreviation, [], protector)


def get_application(*, session: Session, agency_id: int, application_id: int) -> Application:
    row = owned(session, ApplicationRow, agency_id, application_id, "申请")
    abbreviation = agency_row(session, agency_id).abbreviation
    return mapping.application(row, abbreviation, clock.events_of(session, row), protector_for(session))


def find_application(*, session: Session, agency_id: int, year: int, seq: int) -> Application:
    """By number: ``find_application(..., year=2025, seq=12)`` is 2025-0012 of this agency."""
    row_id = session.scalars(
        select(ApplicationRow.id).where(
            ApplicationRow.agency_id == agency_id, ApplicationRow.number_year == year, ApplicationRow.seq == seq
        )
    ).one_or_none()
    if row_id is None:
        raise NotFound("申请", mapping.application_code(year, seq))
    return get_application(session=session, agency_id=agency_id, application_id=row_id)


def list_applications(
    *, session: Session, agency_id: int, year: int | None = None, open_only: bool = False
) -> list[Application]:
    """The agency's applications (received in ``year``), in number order, events included."""
    abbreviation = agency_row(session, agency_id).abbreviation
    stmt = select(ApplicationRow).where(ApplicationRow.agency_id == agency_id)
    if year is not None:
        stmt = stmt.where(ApplicationRow.received_on >= date(year, 1, 1), ApplicationRow.received_on <= date(year, 12, 31))
    if open_only:
        stmt = stmt.where(ApplicationRow.closed_on.is_(None))
    rows = list(session.scalars(stmt.order_by(ApplicationRow.number_year, ApplicationRow.seq)))
    events = clock._events_of(session, [r.id for r in rows])
    protector = protector_for(session)
    return [mapping.application(r, abbreviation, events[r.id], protector) for r in rows]


def _prior_this_month(session: Session, row: ApplicationRow) -> int:
    """按件: how many applications the same applicant made to this agency earlier in the calendar month."""
    start = row.received_on.replace(day=1)
    stmt = select(func.count()).where(
        ApplicationRow.agency_id == row.agency_id,
        ApplicationRow.applicant_digest == row.applicant_digest,
        ApplicationRow.received_on >= start,
        ApplicationRow.id != row.id,
        (ApplicationRow.received_on < row.received_on)
        | ((ApplicationRow.received_on == row.received_on) & (ApplicationRow.id < row.id)),
    )
    return int(session.scalar(stmt) or 0)


def _check(session: Session, row: ApplicationRow, events: list[ApplicationEventRow], data: EventIn) -> ApplicationEventRow:
    """The new event row after checking it against the log; raises InvalidRecord with the reason."""
    kinds = [e.kind for e in events]
    if data.occurred_on < row.received_on:
        raise InvalidRecord(f"{data.kind.label}之日 {data.occurred_on} 早于收到申请之日 {row.received_on}")
    new = ApplicationEventRow(
        agency_id=row.agency_id,
        application_id=row.id,
        kind=data.kind,
        occurred_on=data.occurred_on,
        actor=data.actor,
        note=data.note,
    )
    if data.kind is EventKind.CORRECTION_RECEIVED and EventKind.CORRECTION_REQUESTED not in kinds:
        raise InvalidRecord("尚未记录补正告知，不能记录补正到达")
    if data.kind is EventKind.EXTENSION:
        if not data.approver:
            raise InvalidRecord("延长答复期限须记录批准人（政府信息公开工作机构负责人）")
        new.approver, new.days = data.approver, data.days or 20
    if data.kind is EventKind.FEE_NOTICE:
        new.applicant_received_on = data.applicant_received_on
        new.fee_method = data.fee_method
        try:
            if data.fee_method is FeeMethod.PER_VOLUME:
                new.pages = data.pages
                new.amount = assess_fee(FeeMethod.PER_VOLUME, pages=data.pages).amount
            elif data.fee_method is FeeMethod.PER_APPLICATION:
                prior = data.prior_this_month if data.prior_this_month is not None else _prior_this_month(session, row)
                new.prior_this_month, new.units = prior, data.units or 1
                new.amount = assess_fee(FeeMethod.PER_APPLICATION, prior_this_month=prior, count=new.units).amount
            else:
                raise InvalidRecord("收费通知须注明计收方式：按件或者按量")
        except FeeError as exc:
            raise InvalidRecord(str(exc)) from exc
    if data.kind is EventKind.FEE_PAID:
        notice = next((e for e in events if e.kind is EventKind.FEE_NOTICE), None)
        if notice is None or EventKind.FEE_PAID in kinds:
            raise InvalidRecord("没有待缴费的收费通知，不能记录缴费")
        new.amount = data.amount if data.amount is not None else notice.amount
    if data.kind is EventKind.REPLY:
        _check_outcome(events, data)
        new.outcome = data.outcome
    return new


def _check_outcome(events: list[ApplicationEventRow], data: EventIn) -> None:
    kinds = [e.kind for e in events]
    if data.outcome not in OUTCOME_KEYS:
        raise InvalidRecord(f"办理结果“{data.outcome}”不是表三的办理结果（可用：{'、'.join(OUTCOME_KEYS)}）")
    if data.outcome == NO_CORRECTION and (
        EventKind.CORRECTION_REQUESTED not in kinds or EventKind.CORRECTION_RECEIVED in kinds
    ):
        raise InvalidRecord("只有已告知补正、申请人逾期未补正的申请，才能按“逾期不补正”办结")
    if data.outcome == "unavailable.unclear" and EventKind.CORRECTION_RECEIVED not in kinds:
        raise InvalidRecord("“补正后申请内容仍不明确”须先记录补正到达")
    if data.outcome == FEE_UNPAID and (EventKind.FEE_NOTICE not in kinds or EventKind.FEE_PAID in kinds):
        raise InvalidRecord("只有发出收费通知、申请人逾期未缴费的申请，才能按“逾期未缴费”办结")
    last = max((e.occurred_on for e in events), default=None)
    if last is not None and data.occurred_on < last:
        raise InvalidRecord(f"答复之日 {data.occurred_on} 早于已记录的事件（{last}）")


def add_event(
    *,
    session: Session,
    agency_id: int,
    application_id: int,
    data: EventIn,
    calendar: WorkCalendar | None = None,
    expected_version: int | None = None,
) -> Application:
    """Append an event; the due date is computed again over the whole log. A 答复 closes the application with its
    outcome. Raises :class:`ConflictError` when the application changed since it was read (``expected_version``,
    or a concurrent writer) — nothing is written then; the caller rolls back and tries again."""
    cal = calendar_or_default(calendar)
    agency_r = agency_row(session, agency_id)
    agency = mapping.agency(agency_r)
    row = owned(session, ApplicationRow, agency_id, application_id, "申请")
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(_label(row, agency_r.abbreviation), f"当前版本 {row.version}，提交的版本 {expected_version}")
    if row.closed_on is not None:
        raise InvalidRecord(f"{_label(row, agency_r.abbreviation)} 已于 {row.closed_on} 办结，不能再记录事件")
    events = clock.events_of(session, row)
    new = _check(session, row, events, data)
    log = [*events, new]
    # Refuse an event the clock cannot accept (a second 补正告知, an extension over 20 days …) before anything
    # changes: DeadlineInputError says why.
    clock.compute(row, log, agency.deadline_rules, cal)
    if data.kind is EventKind.REPLY:
        row.closed_on, row.outcome = data.occurred_on, data.outcome
    clock.apply(row, log, agency.deadline_rules, cal)
    row.updated_at = utcnow()  # always an UPDATE of the application: the version moves with every event
    label = _label(row, agency_r.abbreviation)  # before the flush: a failed flush expires the row
    session.add(new)
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(label, "另一位工作人员同时记录了事件") from exc
    return mapping.application(row, agency_r.abbreviation, log, protector_for(session))


def close_application(
    *,
    session: Session,
    agency_id: int,
    application_id: int,
    outcome: str,
    closed_on: date,
    actor: str,
    note: str | None = None,
    calendar: WorkCalendar | None = None,
    expected_version: int | None = None,
) -> Application:
    """Close with exactly one table-三 outcome (a 答复 event): e.g. ``granted``; ``other.no_correction`` when the
    补正 was not made in time; ``other.fee_unpaid`` when the fee was not paid."""
    data = EventIn(kind=EventKind.REPLY, occurred_on=closed_on, actor=actor, outcome=outcome, note=note)
    return add_event(
        session=session, agency_id=agency_id, application_id=application_id, data=data, calendar=calendar,
        expected_version=expected_version,
    )


def replied_late(app: Application) -> bool | None:
    """Closed after its due date (None: open, or no due date known)."""
    if app.closed_on is None or app.deadline.due_on is None:
        return None
    return app.closed_on > app.deadline.due_on


def fees_collected(*, session: Session, agency_id: int, year: int) -> Decimal:
    """信息处理费 paid to the agency in ``year`` (元), for section 六 of the annual report."""
    stmt = select(func.coalesce(func.sum(ApplicationEventRow.amount), 0)).where(
        ApplicationEventRow.agency_id == agency_id,
        ApplicationEventRow.kind == EventKind.FEE_PAID,
        ApplicationEventRow.occurred_on >= date(year, 1, 1),
        ApplicationEventRow.occurred_on <= date(year, 12, 31),
    )
    return Decimal(str(session.scalar(stmt) or 0))


__all__ = [
    "DeadlineState",
    "add_event",
    "close_application",
    "create_application",
    "fees_collected",
    "find_application",
    "get_application",
    "list_applications",
    "replied_late",
]
