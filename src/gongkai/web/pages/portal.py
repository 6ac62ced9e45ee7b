"""Pages of the public portal (no log-in): apply online, see the receipt once, check the status, download the
reply.

* ``GET /apply`` — the agencies to apply to; ``GET /apply/{agency_id}`` — the 第二十九条 form;
  ``POST /apply/{agency_id}`` — checked field by field (422 with the form re-shown and the messages beside the
  fields), else registered and redirected (303) to ``GET /apply/done``, which shows the number and the query
  code once.
* ``GET /status`` — the form; ``POST /status`` — number + code → the status page; ``POST /status/document`` —
  number + code + notice → the DOCX. POST, not GET, so codes end up in no URL, log or browser history.

The receipt crosses the redirect in a cookie encrypted with the installation's key (the code must not be in
the URL, and nothing of it is stored in clear), limited to ``/apply/done``, deleted when shown. Rate limits
(:mod:`gongkai.web.ratelimit`): online applications per address per hour — a form sent back for correction does
not count — and status queries and downloads per address per minute.

The pages are ``async`` and each goes to the database once, in one worker thread (``run_in_threadpool``): the
portal is the part of the site open to everyone, and FastAPI runs every plain ``def`` route and dependency in a
worker thread of its own — the chain settings → session factory → session → agency → route cost five hops
and more CPU than the page. The settings, the session factory, the calendar and the limiters are found on the
event loop (they are made once per application), honouring a test's dependency overrides as the security
middleware does.
"""

from __future__ import annotations

import json
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from gongkai.api.deps import (
    AgencyId,
    AgencyNotFound,
    get_calendar,
    get_session_factory,
    today_in_china,
)
from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import list_agencies, mapping
from gongkai.ledger.common import agency_row
from gongkai.ledger.domain import Agency
from gongkai.ledger.portal import (
    ORGANISATION_TYPES,
    OnlineFormError,
    PublicStatus,
    QueryNotFound,
    public_status,
    read_online_form,
    reply_document,
    submit_online,
)
from gongkai.store import session_scope
from gongkai.store.crypto import Protector, protector_for
from gongkai.store.errors import NotFound, SecretKeyError
from gongkai.store.orm import AgencyRow
from gongkai.store.vocab import APPLICANT_LABELS, ID_DOCUMENT_LABELS, Delivery, FormWanted, IdDocumentType
from gongkai.web.ratelimit import PortalLimits, PortalLimitsDep, client_key, too_many_requests
from gongkai.web.security import app_settings, verify_csrf
from gongkai.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])

RECEIPT_COOKIE = "gongkai_receipt"
RECEIPT_PATH = "/apply/done"
RECEIPT_SECONDS = 15 * 60
NO_STORE = {"Cache-Control": "no-store"}  # codes and personal documents stay out of every cache

ORGANISATION_CHOICES = [
    (t.value, "其他组织" if t.value == "other_org" else APPLICANT_LABELS[t]) for t in ORGANISATION_TYPES
]
ID_DOCUMENT_CHOICES = [(t.value, ID_DOCUMENT_LABELS[t]) for t in IdDocumentType]
FORM_CHOICES = [(f.value, f.label) for f in FormWanted]
DELIVERY_CHOICES = [(d.value, d.label) for d in Delivery]
STATE_BADGES = {
    "已答复": "closed",
    "补正中": "soon",
    "待缴费": "soon",
    "已延期": "info",
    "征求意见中": "info",
}


class ApplicationForm(BaseModel):
    """The fields of the form as typed: every one optional here, so a gap is a message beside its field (422
    with the form) rather than a bare validation error."""

    model_config = ConfigDict(extra="ignore")

    applicant_type: str = Field("", max_length=40)
    name: str = Field("", max_length=1000)
    id_document_type: str = Field("", max_length=40)
    id_document: str = Field("", max_length=200)
    phone: str = Field("", max_length=200)
    email: str = Field("", max_length=1000)
    address: str = Field("", max_length=2000)
    information: str = Field("", max_length=10000)
    form_wanted: str = Field("", max_length=40)
    delivery: str = Field("", max_length=40)
    declaration: str = Field("", max_length=10)


class StatusQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    number: str = Field("", max_length=200)
    code: str = Field("", max_length=200)


class DocumentQuery(StatusQuery):
    notice_id: int = Field(0, ge=0, le=2**31 - 1)


# ---------------------------------------------------------------- the database, one worker thread per request


async def portal_factory(request: Request) -> sessionmaker[Session]:
    """The application's session factory (a test's override of :func:`get_session_factory` first). Only the
    first request of an application makes it — the engine, and the migration when configured — off the loop."""
    override: Callable[[], sessionmaker[Session]] | None = request.app.dependency_overrides.get(
        get_session_factory
    )
    if override is not None:
        return override()
    factory: sessionmaker[Session] | None = getattr(request.app.state, "session_factory", None)
    if factory is None:
        factory = await run_in_threadpool(get_session_factory, request, app_settings(request.app))
    return factory


async def portal_calendar(request: Request) -> WorkCalendar:
    """The application's working calendar (a test's override of :func:`get_calendar` first), loaded once."""
    override: Callable[[], WorkCalendar] | None = request.app.dependency_overrides.get(get_calendar)
    if override is not None:
        return override()
    calendar: WorkCalendar | None = getattr(request.app.state, "calendar", None)
    if calendar is None:
        calendar = await run_in_threadpool(get_calendar, request, app_settings(request.app))
    return calendar


PortalFactory = Annotated[sessionmaker[Session], Depends(portal_factory)]
PortalCalendar = Annotated[WorkCalendar, Depends(portal_calendar)]

# The protector of each session factory, found once: without it every session reads the key file and builds
# the cipher again (``protector_for``). The key stays what it was when the process first needed it — as for
# the cookie-signing secret the security middleware derives from it.
_protectors: weakref.WeakKeyDictionary[sessionmaker[Session], Protector] = weakref.WeakKeyDictionary()


@contextmanager
def _unit(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction (committed at the end, rolled back on any error), with the factory's protector."""
    with session_scope(factory) as session:
        known = _protectors.get(factory)
        if known is None:
            _protectors[factory] = protector_for(session)
        else:
            session.info.setdefault("protector", known)
        yield session


def _agency_row(session: Session, agency_id: int) -> AgencyRow:
    """The agency of the path, for anyone: agencies are public bodies and the portal lists them all (the API's
    agency dependency is for signed-in staff)."""
    try:
        return agency_row(session, agency_id)
    except NotFound as exc:
        raise AgencyNotFound(agency_id) from exc


def _agency(session: Session, agency_id: int) -> Agency:
    return mapping.agency(_agency_row(session, agency_id))


def _find_agency(factory: sessionmaker[Session], agency_id: int) -> Agency:
    with _unit(factory) as session:
        return _agency(session, agency_id)


def _find_agencies(factory: sessionmaker[Session]) -> list[Agency]:
    with _unit(factory) as session:
        return list_agencies(session=session)


def _find_protector(factory: sessionmaker[Session]) -> Protector:
    with _unit(factory) as session:
        return protector_for(session)


async def _protector(factory: sessionmaker[Session]) -> Protector:
    known = _protectors.get(factory)
    return known if known is not None else await run_in_threadpool(_find_protector, factory)


# ---------------------------------------------------------------- pages


def _form_page(
    request: Request, agency: Agency, values: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Response:
    return render(
        request,
        "portal/form.html",
        {
            "agency": agency,
            "values": values,
            "errors": errors,
            "organisation_types": ORGANISATION_CHOICES,
            "id_document_types": ID_DOCUMENT_CHOICES,
            "form_choices": FORM_CHOICES,
            "delivery_choices": DELIVERY_CHOICES,
        },
        status_code=status_code,
        headers=NO_STORE,  # what the applicant typed stays out of caches and the back-forward history
    )


@router.get("/apply")
async def choose_agency(request: Request, factory: PortalFactory) -> Response:
    agencies = await run_in_threadpool(_find_agencies, factory)
    return render(request, "portal/agencies.html", {"agencies": agencies})


@router.get(RECEIPT_PATH)
async def receipt(request: Request, factory: PortalFactory) -> Response:
    """The number and query code of the application just submitted — once: the cookie goes with this page."""
    shown: dict[str, Any] | None = None
    token = request.cookies.get(RECEIPT_COOKIE)
    if token:
        try:
            data = json.loads((await _protector(factory)).decrypt(token))
        except (SecretKeyError, ValueError):
            data = None
        if isinstance(data, dict) and time.time() - float(data.get("at", 0)) <= RECEIPT_SECONDS:
            shown = {
                "number": data["number"],
                "code": data["code"],
                "agency": data["agency"],
                "received_on": date.fromisoformat(data["received_on"]),
                "due_on": date.fromisoformat(data["due_on"]) if data.get("due_on") else None,
            }
    response = render(
        request, "portal/done.html", {"receipt": shown}, status_code=200 if shown else 404, headers=NO_STORE
    )
    if token:
        response.delete_cookie(RECEIPT_COOKIE, path=RECEIPT_PATH, httponly=True, samesite="strict")
    return response


@router.get("/apply/{agency_id}")
async def application_form(request: Request, agency_id: AgencyId, factory: PortalFactory) -> Response:
    return _form_page(request, await run_in_threadpool(_find_agency, factory, agency_id), {}, {})


@dataclass(frozen=True)
class _Submitted:
    """How a submitted form ended: refused by the limit, sent back with messages, or registered (the receipt
    cookie's value: number and code encrypted)."""

    agency: Agency
    retry_after: float | None = None
    errors: dict[str, str] | None = None
    receipt: str | None = None


def _submit(
    factory: sessionmaker[Session],
    agency_id: int,
    values: dict[str, str],
    key: str,
    limits: PortalLimits,
    calendar: WorkCalendar,
) -> _Submitted:
    """The agency first (404 whatever the form says), then the limit, the form, and the application with its
    code — in one transaction, committed before the answer leaves."""
    with _unit(factory) as session:
        # The row is held until the application is made: the session keeps rows only weakly, and
        # create_application would otherwise read the agency a second time.
        row = _agency_row(session, agency_id)
        agency = mapping.agency(row)
        admission = limits.apply.admit(key)
        if not admission.admitted:
            return _Submitted(agency, retry_after=admission.retry_after)
        try:
            data = read_online_form(values)
        except OnlineFormError as exc:
            # Nothing was stored: a corrected form is the same application.
            limits.apply.give_back(key, admission)
            return _Submitted(agency, errors=exc.errors)
        app, code = submit_online(
            session=session, agency_id=agency.id, data=data, submitted_on=today_in_china(), calendar=calendar
        )
        payload = {
            "number": app.number,
            "code": code,
            "agency": agency.name,
            "received_on": app.received_on.isoformat(),
            "due_on": app.deadline.due_on.isoformat() if app.deadline.due_on else None,
            "at": time.time(),
        }
        return _Submitted(
            agency, receipt=protector_for(session).encrypt(json.dumps(payload, ensure_ascii=False))
        )


@router.post("/apply/{agency_id}")
async def submit_application(
    request: Request,
    agency_id: AgencyId,
    form: Annotated[ApplicationForm, Form()],
    factory: PortalFactory,
    calendar: PortalCalendar,
    limits: PortalLimitsDep,
) -> Response:
    values = form.model_dump()
    done = await run_in_threadpool(_submit, factory, agency_id, values, client_key(request), limits, calendar)
    if done.retry_after is not None:
        return too_many_requests(request, done.retry_after, "网上申请")
    if done.errors is not None or done.receipt is None:
        return _form_page(request, done.agency, values, done.errors or {}, status_code=422)
    response = RedirectResponse(RECEIPT_PATH, status_code=303)
    response.set_cookie(
        RECEIPT_COOKIE,
        done.receipt,
        max_age=RECEIPT_SECONDS,
        path=RECEIPT_PATH,
        secure=app_settings(request.app).cookie_secure,
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/status")
async def status_form(request: Request) -> Response:
    return render(request, "portal/status_form.html", {"number": "", "error": None})


def _not_found(request: Request, number: str, error: QueryNotFound) -> Response:
    # One page for a wrong number and a wrong code alike; the number is shown back to be corrected, the code not.
    return render(
        request,
        "portal/status_form.html",
        {"number": number, "error": str(error)},
        status_code=404,
        headers=NO_STORE,
    )


def _status_page(request: Request, status: PublicStatus, query: StatusQuery) -> Response:
    return render(
        request,
        "portal/status.html",
        {
            "status": status,
            "badge": STATE_BADGES.get(status.state, "ok"),
            "number": query.number.strip(),
            "code": query.code.strip(),
        },
        headers=NO_STORE,
    )


def _status(factory: sessionmaker[Session], number: str, code: str) -> PublicStatus:
    with _unit(factory) as session:
        return public_status(session=session, number=number, code=code)


@router.post("/status")
async def status(
    request: Request, query: Annotated[StatusQuery, Form()], factory: PortalFactory, limits: PortalLimitsDep
) -> Response:
    admission = limits.query.admit(client_key(request))
    if not admission.admitted:
        return too_many_requests(request, admission.retry_after, "查询")
    try:
        found = await run_in_threadpool(_status, factory, query.number, query.code)
    except QueryNotFound as exc:
        return _not_found(request, query.number.strip(), exc)
    return _status_page(request, found, query)


def content_disposition(filename: str, fallback: str) -> str:
    """``attachment`` with the Chinese file name (RFC 6266/5987) and an ASCII name for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _document(factory: sessionmaker[Session], query: DocumentQuery) -> tuple[str, bytes]:
    with _unit(factory) as session:
        return reply_document(
            session=session, number=query.number, code=query.code, notice_id=query.notice_id
        )


@router.post("/status/document")
async def download(
    request: Request, query: Annotated[DocumentQuery, Form()], factory: PortalFactory, limits: PortalLimitsDep
) -> Response:
    admission = limits.query.admit(client_key(request))
    if not admission.admitted:
        return too_many_requests(request, admission.retry_after, "下载")
    try:
        filename, document = await run_in_threadpool(_document, factory, query)
    except QueryNotFound as exc:
        return _not_found(request, query.number.strip(), exc)
    return Response(
        document,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={
            "Content-Disposition": content_disposition(filename, f"notice-{query.notice_id}.docx"),
            **NO_STORE,
        },
    )


__all__ = ["RECEIPT_COOKIE", "content_disposition", "router"]
