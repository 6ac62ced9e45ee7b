"""Explicit conversions: ORM rows → domain objects → API views. Nothing else crosses the layers.

Application numbers: every agency numbers its applications per year of receipt, from 1. The formal number is
``{简称}〔{年}〕依申请第{n}号`` (e.g. 吴村〔2025〕依申请第12号; ``依申请〔2025〕第12号`` when the agency has no
abbreviation); the short code ``2025-0012`` sorts and is used in lists and provenance (#0012 within its year).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from gongkai.desk.model import DeadlineRules, Receipt
from gongkai.ledger.domain import (
    Agency,
    Appeal,
    Applicant,
    Application,
    ApplicationEvent,
    ApplicationSummary,
    ProactiveItem,
    Publication,
    RegisterDocument,
    RegisterTally,
    ReviewStep,
    StoredDeadline,
    StoredReport,
)
from gongkai.ledger.masking import mask_name
from gongkai.ledger.schemas import ApplicantView, ApplicationView, EventView
from gongkai.store.crypto import Protector
from gongkai.store.orm import (
    AgencyRow,
    AppealRow,
    ApplicationEventRow,
    ApplicationRow,
    ProactiveItemRow,
    PublicationRow,
    RegisterDocumentRow,
    RegisterTallyRow,
    ReviewStepRow,
    StoredReportRow,
)
from gongkai.store.vocab import OUTCOME_LABELS


def application_number(abbreviation: str | None, year: int, seq: int) -> str:
    if abbreviation:
        return f"{abbreviation}〔{year}〕依申请第{seq}号"
    return f"依申请〔{year}〕第{seq}号"


def application_code(year: int, seq: int) -> str:
    return f"{year}-{seq:04d}"


def agency(row: AgencyRow) -> Agency:
    return Agency(
        id=row.id,
        name=row.name,
        normalized_name=row.normalized_name,
        kind=row.kind,
        abbreviation=row.abbreviation,
        region=row.region,
        parent_id=row.parent_id,
        deadline_rules=DeadlineRules(exclude_fee_wait=row.exclude_fee_wait, email_rule=row.email_rule),
    )


def receipt(row: ApplicationRow) -> Receipt:
    return Receipt(
        channel=row.channel,
        handed_in=row.handed_in,
        signed_for=row.signed_for,
        arrived=row.arrived,
        confirmed=row.confirmed,
        system_received=row.system_received,
        on=row.given_received,
    )


def applicant(row: ApplicationRow, protector: Protector) -> Applicant:
    return Applicant(
        type=row.applicant_type,
        name=protector.decrypt(row.applicant_name),
        id_document_type=row.id_document_type,
        id_document=protector.decrypt_optional(row.id_document),
        phone=protector.decrypt_optional(row.phone),
        email=protector.decrypt_optional(row.email),
        address=protector.decrypt_optional(row.address),
    )


def event(row: ApplicationEventRow) -> ApplicationEvent:
    return ApplicationEvent(
        id=row.id,
        kind=row.kind,
        occurred_on=row.occurred_on,
        actor=row.actor,
        recorded_at=row.recorded_at,
        approver=row.approver,
        days=row.days,
        fee_method=row.fee_method,
        pages=row.pages,
        prior_this_month=row.prior_this_month,
        units=row.units,
        amount=row.amount,
        applicant_received_on=row.applicant_received_on,
        outcome=row.outcome,
        note=row.note,
    )


def stored_deadline(row: ApplicationRow) -> StoredDeadline:
    return StoredDeadline(
        state=row.deadline_state,
        due_on=row.due_on,
        due_not_before=row.due_not_before,
        calendar_fingerprint=row.calendar_fingerprint,
        computed_at=row.deadline_computed_at,
    )


def application(
    row: ApplicationRow, abbreviation: str | None, events: Iterable[ApplicationEventRow], protector: Protector
) -> Application:
    return Application(
        id=row.id,
        agency_id=row.agency_id,
        number=application_number(abbreviation, row.number_year, row.seq),
        code=application_code(row.number_year, row.seq),
        applicant=applicant(row, protector),
        receipt=receipt(row),
        received_on=row.received_on,
        information=row.information,
        form_wanted=row.form_wanted,
        delivery=row.delivery,
        deadline=stored_deadline(row),
        closed_on=row.closed_on,
        outcome=row.outcome,
        note=row.note,
        created_by=row.created_by,
        created_at=row.created_at,
        version=row.version,
        events=tuple(event(e) for e in events),
    )


def summary(
    row: ApplicationRow, abbreviation: str | None, protector: Protector, working_days_left: int | None = None
) -> ApplicationSummary:
    return ApplicationSummary(
        id=row.id,
        number=application_number(abbreviation, row.number_year, row.seq),
        code=application_code(row.number_year, row.seq),
        applicant_type=row.applicant_type,
        masked_name=mask_name(protector.decrypt(row.applicant_name), row.applicant_type),
        received_on=row.received_on,
        state=row.deadline_state,
        due_on=row.due_on,
        due_not_before=row.due_not_before,
        working_days_left=working_days_left,
    )


def appeal(row: AppealRow, application_code: str | None) -> Appeal:
    return Appeal(
        id=row.id,
        agency_id=row.agency_id,
        application_id=row.application_id,
        application_code=application_code,
        kind=row.kind,
        filed_on=row.filed_on,
        outcome=row.outcome,
        decided_on=row.decided_on,
        case_number=row.case_number,
        body=row.body,
        note=row.note,
    )


def review_step(row: ReviewStepRow) -> ReviewStep:
    return ReviewStep(row.id, row.step, row.reviewer, row.decided_at, row.decision, row.comment)


def proactive_item(
    row: ProactiveItemRow,
    steps: Sequence[ReviewStepRow],
    publications: Sequence[PublicationRow],
    publish_due: date | None = None,
    published_late: bool | None = None,
) -> ProactiveItem:
    return ProactiveItem(
        id=row.id,
        agency_id=row.agency_id,
        title=row.title,
        category=row.category,
        local_category=row.local_category,
        document_number=row.document_number,
        formed_on=row.formed_on,
        published_on=row.published_on,
        version=row.version,
        review=tuple(review_step(s) for s in steps),
        publications=tuple(Publication(p.channel, p.published_on, p.url) for p in publications),
        publish_due=publish_due,
        published_late=published_late,
    )


def register_document(row: RegisterDocumentRow) -> RegisterDocument:
    return RegisterDocument(row.id, row.kind, row.title, row.document_number, row.issued_on, row.repealed_on)


def register_tally(row: RegisterTallyRow) -> RegisterTally:
    return RegisterTally(row.year, row.item, row.decisions, row.amount, row.source)


def stored_report(row: StoredReportRow) -> StoredReport:
    return StoredReport(row.id, row.agency_id, row.year, row.origin, row.source_name, row.created_by, row.created_at)


# ---------------------------------------------------------------- views


def application_view(app: Application) -> ApplicationView:
    """The masked view of an application (for lists, exports and anyone but the handling clerk)."""
    shown = app.applicant.masked()
    return ApplicationView(
        id=app.id,
        number=app.number,
        code=app.code,
        version=app.version,
        applicant=ApplicantView(
            type=shown.type,
            type_label=shown.type.label,
            name=shown.name,
            id_document_type=shown.id_document_type.label if shown.id_document_type else None,
            id_document=shown.id_document,
            phone=shown.phone,
            email=shown.email,
            address=shown.address,
        ),
        channel=app.channel.value if app.channel else None,
        received_on=app.received_on,
        information=app.information,
        form_wanted=app.form_wanted.label if app.form_wanted else None,
        delivery=app.delivery.label if app.delivery else None,
        deadline_state=app.deadline.state,
        deadline_label=app.deadline.state.label,
        due_on=app.deadline.due_on,
        closed_on=app.closed_on,
        outcome=app.outcome,
        outcome_label=OUTCOME_LABELS[app.outcome] if app.outcome else None,
        events=tuple(
            EventView(
                id=e.id,
                kind=e.kind,
                label=e.label,
                occurred_on=e.occurred_on,
                actor=e.actor,
                recorded_at=e.recorded_at,
                details=e.details(),
            )
            for e in app.events
        ),
    )
