"""Extending the reply period (条例 第三十三条第二款) as a request and a decision.

"需要延长答复期限的，应当经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日。"
A clerk files a request (days, reason); the office's head approves or refuses it. Only an approval writes the
EXTENSION event into the application's log — with the head recorded as its approver and actor — so the clock
never counts an extension nobody with the power to grant it has granted. Who may decide (the head's role) is
checked by the caller that knows the signed-in user; here the decision is recorded as made by ``approver``.

One application gets at most one extension (the clock refuses a second): a request is refused here while
another is pending or once an extension is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gongkai.desk.calendar import WorkCalendar
from gongkai.desk.model import EXTENSION_MAX_WORKING_DAYS
from gongkai.ledger import mapping
from gongkai.ledger.applications import add_event
from gongkai.ledger.common import agency_row, owned
from gongkai.ledger.schemas import EventIn
from gongkai.store.errors import ConflictError, InvalidRecord, NotFound
from gongkai.store.orm import ApplicationEventRow, ApplicationRow, utcnow
from gongkai.store.orm_workbench import ExtensionRequestRow, ExtensionStatus
from gongkai.store.vocab import EventKind

MAX_ACTOR = 100


@dataclass(frozen=True)
class ExtensionRequest:
    id: int
    agency_id: int
    application_id: int
    application_code: str  # 2025-0012
    application_number: str  # 吴村〔2025〕依申请第12号
    days: int
    reason: str
    requested_on: date
    requested_by: str
    requested_at: datetime
    status: ExtensionStatus
    decided_by: str | None
    decided_on: date | None
    decision_note: str | None
    version: int

    @property
    def is_pending(self) -> bool:
        return self.status is ExtensionStatus.PENDING


def _domain(row: ExtensionRequestRow, app: ApplicationRow, abbreviation: str | None) -> ExtensionRequest:
    return ExtensionRequest(
        id=row.id,
        agency_id=row.agency_id,
        application_id=row.application_id,
        application_code=mapping.application_code(app.number_year, app.seq),
        application_number=mapping.application_number(abbreviation, app.number_year, app.seq),
        days=row.days,
        reason=row.reason,
        requested_on=row.requested_on,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        status=row.status,
        decided_by=row.decided_by,
        decided_on=row.decided_on,
        decision_note=row.decision_note,
        version=row.version,
    )


def _actor(value: str, what: str) -> str:
    value = value.strip()
    if not value or len(value) > MAX_ACTOR:
        raise InvalidRecord(f"{what}应为1至{MAX_ACTOR}个字")
    return value


def request_extension(
    *,
    session: Session,
    agency_id: int,
    application_id: int,
    days: int,
    reason: str,
    requested_on: date,
    actor: str,
) -> ExtensionRequest:
    """File a request to extend the reply period by ``days`` working days (1–20) for ``reason``."""
    abbreviation = agency_row(session, agency_id).abbreviation
    app = owned(session, ApplicationRow, agency_id, application_id, "申请")
    code = mapping.application_code(app.number_year, app.seq)
    if not 1 <= days <= EXTENSION_MAX_WORKING_DAYS:
        raise InvalidRecord(f"延长 {days} 个工作日：第三十三条第二款规定延长的期限最长不得超过20个工作日")
    reason = reason.strip()
    if not reason:
        raise InvalidRecord("请说明需要延长答复期限的理由")
    actor = _actor(actor, "申请人（经办人）")
    if app.closed_on is not None:
        raise InvalidRecord(f"申请 {code} 已于 {app.closed_on} 办结，不能再延长答复期限")
    if requested_on < app.received_on:
        raise InvalidRecord(f"申请延期之日 {requested_on} 早于收到申请之日 {app.received_on}")
    extended = session.scalar(
        select(ApplicationEventRow.id).where(
            ApplicationEventRow.application_id == app.id, ApplicationEventRow.kind == EventKind.EXTENSION
        )
    )
    if extended is not None:
        raise InvalidRecord(f"申请 {code} 已经延长过答复期限：第三十三条第二款只允许延长一次")
    pending = session.scalar(
        select(ExtensionRequestRow.id).where(
            ExtensionRequestRow.application_id == app.id, ExtensionRequestRow.status == ExtensionStatus.PENDING
        )
    )
    if pending is not None:
        raise InvalidRecord(f"申请 {code} 已有一份待负责人审批的延期申请")
    row = ExtensionRequestRow(
        agency_id=agency_id,
        application_id=app.id,
        days=days,
        reason=reason,
        requested_on=requested_on,
        requested_by=actor,
        status=ExtensionStatus.PENDING,
    )
    session.add(row)
    session.flush()
    return _domain(row, app, abbreviation)


def decide_extension(
    *,
    session: Session,
    agency_id: int,
    request_id: int,
    approve: bool,
    decided_on: date,
    approver: str,
    note: str | None = None,
    calendar: WorkCalendar | None = None,
    expected_version: int | None = None,
) -> ExtensionRequest:
    """The head's decision. Approval records the EXTENSION event (approver and actor: ``approver``) dated
    ``decided_on``, and the application's due date moves; refusal records only the decision. A request decided
    meanwhile (``expected_version`` stale, or a concurrent decision) raises :class:`ConflictError`."""
    abbreviation = agency_row(session, agency_id).abbreviation
    row = owned(session, ExtensionRequestRow, agency_id, request_id, "延期申请")
    app = owned(session, ApplicationRow, agency_id, row.application_id, "申请")
    label = f"延期申请（申请 {mapping.application_code(app.number_year, app.seq)}）"
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(label, f"当前版本 {row.version}，提交的版本 {expected_version}")
    if row.status is not ExtensionStatus.PENDING:
        raise InvalidRecord(f"{label}已于 {row.decided_on} 由 {row.decided_by} 作出决定（{row.status.label}）")
    approver = _actor(approver, "批准人")
    if decided_on < row.requested_on:
        raise InvalidRecord(f"决定之日 {decided_on} 早于申请延期之日 {row.requested_on}")
    note = (note or "").strip() or None
    if approve:
        event = EventIn(
            kind=EventKind.EXTENSION, occurred_on=decided_on, actor=approver, approver=approver, days=row.days,
            note=row.reason,
        )
        add_event(session=session, agency_id=agency_id, application_id=app.id, data=event, calendar=calendar)
        row.event_id = session.scalars(
            select(ApplicationEventRow.id)
            .where(ApplicationEventRow.application_id == app.id, ApplicationEventRow.kind == EventKind.EXTENSION)
            .order_by(ApplicationEventRow.id.desc())
        ).first()
    row.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    row.decided_by, row.decided_on, row.decided_at, row.decision_note = approver, decided_on, utcnow(), note
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(label, "另一位负责人同时作出了决定") from exc
    return _domain(row, app, abbreviation)


def _listed(session: Session, agency_id: int, stmt_rows: list[ExtensionRequestRow]) -> list[ExtensionRequest]:
    abbreviation = agency_row(session, agency_id).abbreviation
    ids = {r.application_id for r in stmt_rows}
    apps = {
        a.id: a
        for a in session.scalars(select(ApplicationRow).where(ApplicationRow.id.in_(ids), ApplicationRow.agency_id == agency_id))
    } if ids else {}
    return [_domain(r, apps[r.application_id], abbreviation) for r in stmt_rows]


def pending_extensions(*, session: Session, agency_id: int) -> list[ExtensionRequest]:
    """Requests awaiting the head's decision, oldest first."""
    rows = list(
        session.scalars(
            select(ExtensionRequestRow)
            .where(ExtensionRequestRow.agency_id == agency_id, ExtensionRequestRow.status == ExtensionStatus.PENDING)
            .order_by(ExtensionRequestRow.id)
        )
    )
    return _listed(session, agency_id, rows)


def extension_requests(*, session: Session, agency_id: int, application_id: int) -> list[ExtensionRequest]:
    """Every request filed for an application of this agency, oldest first (another agency's: NotFound)."""
    owned(session, ApplicationRow, agency_id, application_id, "申请")
    rows = list(
        session.scalars(
            select(ExtensionRequestRow)
            .where(ExtensionRequestRow.agency_id == agency_id, ExtensionRequestRow.application_id == application_id)
            .order_by(ExtensionRequestRow.id)
        )
    )
    return _listed(session, agency_id, rows)


def get_extension_request(*, session: Session, agency_id: int, request_id: int) -> ExtensionRequest:
    row = owned(session, ExtensionRequestRow, agency_id, request_id, "延期申请")
    found = _listed(session, agency_id, [row])
    if not found:  # pragma: no cover - the composite key ties the request to an application of the agency
        raise NotFound("延期申请", request_id)
    return found[0]


__all__ = [
    "ExtensionRequest",
    "ExtensionStatus",
    "decide_extension",
    "extension_requests",
    "get_extension_request",
    "pending_extensions",
    "request_extension",
]
