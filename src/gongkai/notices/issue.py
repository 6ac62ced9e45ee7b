"""Issuing a notice: a number of the agency's year and series, the template filled, the document recorded.

Plain functions with a keyword-only session, like the ledger's. The number is allocated by one atomic UPDATE of
the counter row (two clerks never get the same number); a failure later in the same transaction — a missing
value, a broken template — rolls the counter back with everything else, so no number is lost or skipped.

The filled document names the applicant (it is sent to them): it is stored encrypted with the applicants' key
and its text is never logged. The record itself (kind, template, number, date, by whom) holds no personal data.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, defer

from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger.agencies import get_agency
from gongkai.ledger.applications import get_application
from gongkai.ledger.clock import reply_deadline
from gongkai.ledger.common import owned
from gongkai.notices.catalog import OPTIONAL, PLACEHOLDERS, NoticeKind, spec_for
from gongkai.notices.docxfill import fill
from gongkai.notices.templates import TemplateLibrary
from gongkai.notices.values import notice_values
from gongkai.store.crypto import protector_for
from gongkai.store.errors import ConflictError, InvalidRecord, NotFound
from gongkai.store.orm import ApplicationRow
from gongkai.store.orm_notices import NoticeCounterRow, NoticeRow
from gongkai.store.vocab import OUTCOME_KEYS, OUTCOME_LABELS


@dataclass(frozen=True)
class Notice:
    """The record of an issued notice (no personal data)."""

    id: int
    agency_id: int
    application_id: int
    kind: NoticeKind
    title: str
    template: str
    template_source: str
    number: str
    issued_on: date
    outcome: str | None
    created_by: str
    created_at: datetime
    size: int
    sha256: str

    @property
    def filename(self) -> str:
        return f"{self.number}{self.title}.docx"


@dataclass(frozen=True)
class IssuedNotice:
    notice: Notice
    document: bytes  # the DOCX as issued (names the applicant)


def notice_number(abbreviation: str | None, year: int, series: str, seq: int) -> str:
    """吴村〔2025〕补正第3号; without an abbreviation 补正〔2025〕第3号 (as application numbers are written)."""
    if abbreviation:
        return f"{abbreviation}〔{year}〕{series}第{seq}号"
    return f"{series}〔{year}〕第{seq}号"


def _next_seq(session: Session, agency_id: int, year: int, series: str) -> int:
    c = NoticeCounterRow
    bump = (
        update(c)
        .where(c.agency_id == agency_id, c.year == year, c.series == series)
        .values(last=c.last + 1)
        .returning(c.last)
        .execution_options(synchronize_session=False)
    )
    for _ in range(2):
        found = session.execute(bump).scalar_one_or_none()
        if found is not None:
            return int(found)
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        first = insert(c).values(agency_id=agency_id, year=year, series=series, last=1)
        if session.execute(first.on_conflict_do_nothing().returning(c.last)).scalar_one_or_none() is not None:
            return 1
    raise ConflictError("文书编号")  # pragma: no cover - the counter row exists after the first round


def _to_domain(row: NoticeRow) -> Notice:
    kind = NoticeKind(row.kind)
    spec = spec_for(kind, row.outcome)
    return Notice(
        id=row.id, agency_id=row.agency_id, application_id=row.application_id, kind=kind, title=spec.title,
        template=row.template, template_source=row.template_source, number=row.number, issued_on=row.issued_on,
        outcome=row.outcome, created_by=row.created_by, created_at=row.created_at, size=row.size,
        sha256=row.document_sha256,
    )


def _outcome(kind: NoticeKind, wanted: str | None, closed_with: str | None) -> str | None:
    if kind is not NoticeKind.REPLY:
        if wanted is not None:
            raise InvalidRecord(f"只有答复书才有办理结果，{kind.label}不需要")
        return None
    if wanted is None:
        if closed_with is None:
            raise InvalidRecord("申请尚未办结：出具答复书须指明办理结果（表三的办理结果编号）")
        return closed_with
    if wanted not in OUTCOME_KEYS:
        raise InvalidRecord(f"办理结果“{wanted}”不是表三的办理结果（可用：{'、'.join(OUTCOME_KEYS)}）")
    if closed_with is not None and wanted != closed_with:
        raise InvalidRecord(f"申请已按“{OUTCOME_LABELS[closed_with]}”办结，答复书不能按“{OUTCOME_LABELS[wanted]}”出具")
    return wanted


def issue_notice(
    *,
    session: Session,
    agency_id: int,
    application_id: int,
    kind: NoticeKind,
    issued_on: date,
    actor: str,
    outcome: str | None = None,
    fields: Mapping[str, str] | None = None,
    templates_root: Path | None = None,
    calendar: WorkCalendar | None = None,
) -> IssuedNotice:
    """Fill the agency's template of ``kind`` for the application, number it and record it.

    A reply (``kind=reply``) answers ``outcome``, by default the outcome the application was closed with.
    ``fields`` gives placeholder values only the clerk knows (``{"补正事项": "…"}``); ``templates_root`` is the
    office's template directory (see :mod:`gongkai.notices.templates`)."""
    if not actor.strip() or len(actor) > 100:
        raise InvalidRecord("出具人应为1至100个字")
    agency = get_agency(session=session, agency_id=agency_id)
    app = get_application(session=session, agency_id=agency_id, application_id=application_id)
    if issued_on < app.received_on:
        raise InvalidRecord(f"文书日期 {issued_on} 早于收到申请之日 {app.received_on}")
    answer = _outcome(kind, outcome, app.outcome)
    spec = spec_for(kind, answer)
    library = TemplateLibrary(templates_root, agency_id, agency.name)
    template = library.template(spec)
    explained = reply_deadline(session=session, agency_id=agency_id, application_id=application_id, calendar=calendar)
    seq = _next_seq(session, agency_id, issued_on.year, spec.series)
    number = notice_number(agency.abbreviation, issued_on.year, spec.series, seq)
    values = notice_values(
        spec=spec, agency=agency, app=app, explained=explained, number=number, issued_on=issued_on,
        settings=library.settings(), fields=fields or {},
    )
    source = template.source if template.overridden else f"随软件发布的模板 {spec.filename}"
    document = fill(template.data, values, known=PLACEHOLDERS, optional=OPTIONAL, source=source)
    protector = protector_for(session)
    row = NoticeRow(
        agency_id=agency_id,
        application_id=application_id,
        kind=kind.value,
        template=spec.key,
        template_source=template.source[-500:],  # a very long path keeps its file name
        template_sha256=template.sha256,
        series=spec.series,
        year=issued_on.year,
        seq=seq,
        number=number,
        issued_on=issued_on,
        outcome=answer,
        document=protector.encrypt(base64.b64encode(document).decode("ascii")),
        document_sha256=hashlib.sha256(document).hexdigest(),
        size=len(document),
        created_by=actor,
    )
    session.add(row)
    session.flush()
    return IssuedNotice(_to_domain(row), document)


def list_notices(*, session: Session, agency_id: int, application_id: int) -> list[Notice]:
    """The notices issued for an application of this agency, oldest first."""
    owned(session, ApplicationRow, agency_id, application_id, "申请")  # 404 for another agency's application
    stmt = (
        select(NoticeRow)
        .where(NoticeRow.agency_id == agency_id, NoticeRow.application_id == application_id)
        .order_by(NoticeRow.id)
        .options(defer(NoticeRow.document))  # the encrypted DOCX is read only when downloaded
    )
    return [_to_domain(r) for r in session.scalars(stmt)]


def notice_document(*, session: Session, agency_id: int, application_id: int, notice_id: int) -> IssuedNotice:
    """An issued notice and its document, exactly as issued."""
    row = session.scalars(
        select(NoticeRow).where(
            NoticeRow.id == notice_id, NoticeRow.agency_id == agency_id, NoticeRow.application_id == application_id
        )
    ).one_or_none()
    if row is None:
        raise NotFound("文书", notice_id)
    document = base64.b64decode(protector_for(session).decrypt(row.document))
    return IssuedNotice(_to_domain(row), document)


__all__ = ["IssuedNotice", "Notice", "issue_notice", "list_notices", "notice_document", "notice_number"]
