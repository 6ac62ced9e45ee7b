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
"""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import RedirectResponse, Response

from gongkai.api.deps import AgencyId, AgencyNotFound, CalendarDep, SessionDep, SettingsDep, today_in_china
from gongkai.ledger import get_agency, list_agencies
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
from gongkai.store.crypto import protector_for
from gongkai.store.errors import NotFound, SecretKeyError
from gongkai.store.vocab import APPLICANT_LABELS, ID_DOCUMENT_LABELS, Delivery, FormWanted, IdDocumentType
from gongkai.web.ratelimit import PortalLimitsDep, client_key, too_many_requests
from gongkai.web.security import verify_csrf
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
STATE_BADGES = {"已答复": "closed", "补正中": "soon", "待缴费": "soon", "已延期": "info", "征求意见中": "info"}


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


def public_agency(agency_id: AgencyId, session: SessionDep) -> Agency:
    """The agency of the path, for anyone: agencies are public bodies and the portal lists them all (the API's
    agency dependency is for signed-in staff)."""
    try:
        return get_agency(session=session, agency_id=agency_id)
    except NotFound as exc:
        raise AgencyNotFound(agency_id) from exc


PublicAgency = Annotated[Agency, Depends(public_agency)]


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
def choose_agency(request: Request, session: SessionDep) -> Response:
    return render(request, "portal/agencies.html", {"agencies": list_agencies(session=session)})


@router.get(RECEIPT_PATH)
def receipt(request: Request, session: SessionDep) -> Response:
    """The number and query code of the application just submitted — once: the cookie goes with this page."""
    shown: dict[str, Any] | None = None
    token = request.cookies.get(RECEIPT_COOKIE)
    if token:
        try:
            data = json.loads(protector_for(session).decrypt(token))
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
    response = render(request, "portal/done.html", {"receipt": shown}, status_code=200 if shown else 404,
                      headers=NO_STORE)
    if token:
        response.delete_cookie(RECEIPT_COOKIE, path=RECEIPT_PATH, httponly=True, samesite="strict")
    return response


@router.get("/apply/{agency_id}")
def application_form(request: Request, agency: PublicAgency) -> Response:
    return _form_page(request, agency, {}, {})


@router.post("/apply/{agency_id}")
def submit_application(
    request: Request,
    agency: PublicAgency,
    form: Annotated[ApplicationForm, Form()],
    session: SessionDep,
    calendar: CalendarDep,
    settings: SettingsDep,
    limits: PortalLimitsDep,
) -> Response:
    key = client_key(request)
    admission = limits.apply.admit(key)
    if not admission.admitted:
        return too_many_requests(request, admission.retry_after, "网上申请")
    values = form.model_dump()
    try:
        data = read_online_form(values)
    except OnlineFormError as exc:
        limits.apply.give_back(key, admission)  # nothing was stored: a corrected form is the same application
        return _form_page(request, agency, values, exc.errors, status_code=422)
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
    response = RedirectResponse(RECEIPT_PATH, status_code=303)
    response.set_cookie(
        RECEIPT_COOKIE,
        protector_for(session).encrypt(json.dumps(payload, ensure_ascii=False)),
        max_age=RECEIPT_SECONDS,
        path=RECEIPT_PATH,
        secure=settings.cookie_secure,
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/status")
def status_form(request: Request) -> Response:
    return render(request, "portal/status_form.html", {"number": "", "error": None})


def _not_found(request: Request, number: str, error: QueryNotFound) -> Response:
    # One page for a wrong number and a wrong code alike; the number is shown back to be corrected, the code not.
    return render(request, "portal/status_form.html", {"number": number, "error": str(error)}, status_code=404,
                  headers=NO_STORE)


def _status_page(request: Request, status: PublicStatus, query: StatusQuery) -> Response:
    return render(
        request,
        "portal/status.html",
        {"status": status, "badge": STATE_BADGES.get(status.state, "ok"), "number": query.number.strip(),
         "code": query.code.strip()},
        headers=NO_STORE,
    )


@router.post("/status")
def status(
    request: Request, query: Annotated[StatusQuery, Form()], session: SessionDep, limits: PortalLimitsDep
) -> Response:
    admission = limits.query.admit(client_key(request))
    if not admission.admitted:
        return too_many_requests(request, admission.retry_after, "查询")
    try:
        found = public_status(session=session, number=query.number, code=query.code)
    except QueryNotFound as exc:
        return _not_found(request, query.number.strip(), exc)
    return _status_page(request, found, query)


def content_disposition(filename: str, fallback: str) -> str:
    """``attachment`` with the Chinese file name (RFC 6266/5987) and an ASCII name for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.post("/status/document")
def download(
    request: Request, query: Annotated[DocumentQuery, Form()], session: SessionDep, limits: PortalLimitsDep
) -> Response:
    admission = limits.query.admit(client_key(request))
    if not admission.admitted:
        return too_many_requests(request, admission.retry_after, "下载")
    try:
        filename, document = reply_document(
            session=session, number=query.number, code=query.code, notice_id=query.notice_id
        )
    except QueryNotFound as exc:
        return _not_found(request, query.number.strip(), exc)
    return Response(
        document,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": content_disposition(filename, f"notice-{query.notice_id}.docx"), **NO_STORE},
    )


__all__ = ["RECEIPT_COOKIE", "content_disposition", "router"]
