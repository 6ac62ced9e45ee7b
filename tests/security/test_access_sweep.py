"""Cross-agency access by any URL or API, CSRF on every unsafe page route, security headers on every kind of
answer — swept over every route of ``create_web_app`` as ``app.routes`` lists them, so a route added later is
covered without editing this file (a path parameter never seen before fails loudly: give it a value below).

Path parameters are filled with agency 1's records. A request is *foreign* when its path names agency 1 (its
``agency_id``) or any record of agency 1 under agency 2's ``agency_id``: agency 2's staff (clerk, head,
administrator) and an oversight account supervising agency 2 only must get 403 or 404 (or be sent to log in),
nothing may change in the database (every table fingerprinted before and after) and no secret of agency 1 may
appear in the body. Agency 2's own pages are read too, and must not show agency 1's secrets either.

Access is decided in Python (dependencies), not by the database: the sweeps run on SQLite only; the PostgreSQL
half would repeat the same decisions (the stored-data tests in test_injection.py run on both backends).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.orm import Session, sessionmaker
from tests.security.conftest import YEAR, Endpoint, RecordsOfA, endpoints, fingerprint
from tests.web.conftest import csrf_token, login

from gongkai.accounts.roles import Role, User
from gongkai.accounts.users import create_user, set_supervised
from gongkai.web.security import CSRF_FIELD

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

# Values of the path parameters that name no record of an agency (the same for every agency).
NEUTRAL = {"year": str(YEAR), "version": "1", "fmt": "docx", "cell_id": "t3.new.natural_person", "form_key": "correction_requested",
           "key": "receipt", "report_id": "1", "fingerprint": "0" * 16}
# Routes anyone may use without signing in (the public portal, log-in, the API's documentation).
PUBLIC = frozenset({"/", "/login", "/logout", "/apply", "/apply/done", "/apply/{agency_id}", "/status",
                    "/status/document", "/api/openapi.json", "/api/docs", "/docs/oauth2-redirect"})
# A form and a JSON body that would pass most routes' validation, so a missing check would show as a change.
FORM = {"occurred_on": "2025-09-05", "note": "越权写入", "title": "越权写入", "category": "7", "formed_on": "2025-03-03",
        "kind": "reconsideration", "filed_on": "2025-09-21", "issued_on": "2025-09-05", "outcome": "upheld",
        "decided_on": "2025-09-25", "decision": "approve", "days": "10", "reason": "越权写入",
        "requested_on": "2025-09-05", "step": "drafter", "comment": "越权写入", "published_on": "2025-09-05",
        "channels": "website", "repealed_on": "2025-09-05", "year": str(YEAR), "item": "fees", "value": "1",
        "version": "1", "draft_version": "1", "expected_version": "1", "confirm": "yes", "reason_text": "x",
        "section_overview": "越权写入", "roles": "clerk", "password": "another-password-1",
        "password2": "another-password-1", "agencies": "1", "name": "越权写入", "username": "intruder1",
        "agency": "1", "current": "x", "new": "another-password-1", "confirm_new": "another-password-1"}
# The API validates its JSON body (extra fields forbidden) before a route looks a record up: each unsafe API
# operation gets a body it would accept, so the sweep reaches the ownership check behind the validation.
API_BODIES: dict[str, dict[str, Any]] = {
    "register_application": {"applicant": {"type": "natural_person", "name": "越权写入"}, "channel": "当面",
                             "handed_in": "2025-09-05", "information": "越权写入"},
    "record_event": {"kind": "third_party_started", "occurred_on": "2025-09-05"},
    "close_agency_application": {"outcome": "granted", "closed_on": "2025-09-25"},
    "issue_application_notice": {"kind": "receipt", "issued_on": "2025-09-05"},
    "record_agency_appeal": {"kind": "reconsideration", "filed_on": "2025-09-21", "application_id": 1},
    "decide_agency_appeal": {"outcome": "upheld", "decided_on": "2025-09-25"},
    "create_proactive_item": {"title": "越权写入", "category": 7, "formed_on": "2025-03-03"},
    "review_proactive_item": {"step": "drafter", "decision": "approved", "decided_at": "2025-09-05T10:00:00"},
    "publish_proactive_item": {"published_on": "2025-09-05", "channels": ["portal"]},
    "add_register_document": {"kind": "regulations", "title": "越权写入", "issued_on": "2025-04-01"},
    "repeal_register_document": {"repealed_on": "2025-09-05"},
    "put_register_tally": {"year": YEAR, "item": "fees", "amount": "1"},
    "store_report_version": {},
}
CSV = "种类,标题,文号,制发日期,废止日期\n规范性文件,越权写入,,2025-04-01,\n".encode()


def fill(endpoint: Endpoint, agency_id: int, records: RecordsOfA) -> tuple[str, bool]:
    """The path with its parameters filled, and whether it names anything of agency 1."""
    path, foreign = endpoint.path, agency_id == records.agency_a
    for name in endpoint.params:
        if name == "agency_id":
            value = str(agency_id)
        elif name in records.ids:
            value, foreign = records.ids[name], True
        elif name in NEUTRAL:
            value = NEUTRAL[name]
        else:
            raise AssertionError(f"{endpoint.path}: no value for the path parameter {{{name}}} — add it to "
                                 "records_of_a (a record of agency 1) or NEUTRAL in tests/security")
        path = path.replace("{" + name + "}", value)
    return path, foreign


def send(client: TestClient, endpoint: Endpoint, method: str, path: str, token: str | None) -> Response:
    if method == "GET":
        return client.get(path)
    if endpoint.is_api:
        headers = {"X-CSRF-Token": token} if token else {}
        if endpoint.name == "import_register_csv":
            return client.request(method, path, files={"file": ("r.csv", CSV, "text/csv")}, headers=headers)
        if endpoint.name not in API_BODIES:
            raise AssertionError(f"{method} {endpoint.path}: no body for the API operation {endpoint.name} — add "
                                 "one it would accept to API_BODIES in tests/security")
        return client.request(method, path, json=API_BODIES[endpoint.name], headers=headers)
    form = {**FORM, CSRF_FIELD: token} if token else dict(FORM)
    return client.request(method, path, data=form)


def refused(answer: Response) -> bool:
    if answer.status_code in (401, 403, 404):
        return True
    return answer.status_code == 303 and answer.headers.get("location", "").startswith("/login")


def leaked(answer: Response, records: RecordsOfA) -> list[str]:
    body = answer.content.decode("utf-8", "replace")
    return [s for s in records.secrets if s in body]


@pytest.fixture
def oversight_of_b(factory: sessionmaker[Session], agencies: tuple[int, int], staff: dict[str, User]) -> str:
    """An oversight account that supervises agency 2 only."""
    with factory.begin() as s:
        account = create_user(session=s, username="oversightb", name="乙监督", password="qingxi-desk-2025",
                              roles=[Role.OVERSIGHT], agency_id=None)
        set_supervised(session=s, user_id=account.id, agency_ids=[agencies[1]])
    return "oversightb"


@pytest.fixture
def client_of(web_app: FastAPI) -> Iterator[Any]:
    opened: list[TestClient] = []

    def make(username: str | None) -> TestClient:
        client = TestClient(web_app, raise_server_exceptions=False, follow_redirects=False)
        opened.append(client)
        if username is not None:
            login(client, username)
        return client

    yield make
    for client in opened:
        client.close()


@pytest.mark.parametrize("username", ["clerk2", "head2", "admin2", "oversightb"])
def test_agency_2_reaches_nothing_of_agency_1_by_any_route(
    web_app: FastAPI, records_of_a: RecordsOfA, factory: sessionmaker[Session], oversight_of_b: str,
    client_of: Any, username: str,
) -> None:
    client = client_of(username)
    token = csrf_token(client)
    before = fingerprint(factory)
    problems: list[str] = []
    swept = 0
    for endpoint in endpoints(web_app):
        if endpoint.path in PUBLIC:
            continue
        agency_choices = (records_of_a.agency_a, records_of_a.agency_b) if "agency_id" in endpoint.params else (0,)
        for agency_id in agency_choices:
            path, foreign = fill(endpoint, agency_id, records_of_a)
            for method in sorted(endpoint.methods):
                if method != "GET" and not foreign:
                    continue  # agency 2 changing its own records is its right; not swept here
                answer = send(client, endpoint, method, path, token)
                swept += 1
                if foreign and not refused(answer):
                    problems.append(f"{method} {path} → {answer.status_code} {answer.text[:200]!r}")
                if found := leaked(answer, records_of_a):
                    problems.append(f"{method} {path} → {answer.status_code} shows agency 1's {found}")
    assert not problems, f"{username}:\n" + "\n".join(problems)
    assert fingerprint(factory) == before, "a refused request changed the database"
    assert swept > 100


def test_an_anonymous_visitor_reaches_no_staff_route(
    web_app: FastAPI, records_of_a: RecordsOfA, factory: sessionmaker[Session], client_of: Any,
) -> None:
    client = client_of(None)
    token = csrf_token(client)  # a valid anonymous token: CSRF is not what refuses these requests
    before = fingerprint(factory)
    problems: list[str] = []
    for endpoint in endpoints(web_app):
        if endpoint.path in PUBLIC:
            continue
        path, _ = fill(endpoint, records_of_a.agency_a, records_of_a)
        for method in sorted(endpoint.methods):
            answer = send(client, endpoint, method, path, token)
            expected = 401 if endpoint.is_api else 303
            if answer.status_code != expected or (expected == 303 and not answer.headers["location"].startswith(
                    "/login?next=")):
                problems.append(f"{method} {path} → {answer.status_code}")
            if found := leaked(answer, records_of_a):
                problems.append(f"{method} {path} shows {found}")
    assert not problems, "\n".join(problems)
    assert fingerprint(factory) == before


def test_public_routes_show_nothing_of_agency_1_to_a_visitor(
    web_app: FastAPI, records_of_a: RecordsOfA, client_of: Any
) -> None:
    """The portal's pages name agencies (public bodies) but never an application, without its query code."""
    client = client_of(None)
    token = csrf_token(client)
    for endpoint in endpoints(web_app):
        if endpoint.path not in PUBLIC or endpoint.path in ("/login", "/logout"):
            continue
        path, _ = fill(endpoint, records_of_a.agency_a, records_of_a)
        for method in sorted(endpoint.methods):
            answer = send(client, endpoint, method, path, token)
            assert answer.status_code < 500, (method, path, answer.status_code)
            assert not leaked(answer, records_of_a), (method, path)
    # the number alone (no code, or a wrong one) opens nothing; the page shows back only the number typed
    for code in ("", "000000", records_of_a.ids["code"]):
        answer = client.post("/status", data={CSRF_FIELD: token, "number": records_of_a.number, "code": code})
        assert answer.status_code == 404
        assert leaked(answer, records_of_a) == [records_of_a.number]


def test_every_unsafe_page_route_refuses_a_request_without_its_csrf_token(
    web_app: FastAPI, records_of_a: RecordsOfA, factory: sessionmaker[Session], client_of: Any,
) -> None:
    """Signed in as agency 1's head and administrator (who may do everything there): a POST without the
    token, or with another session's token, is refused with 403 on every page route and changes nothing."""
    head, other = client_of("head1"), client_of("clerk1")
    stolen = csrf_token(other)  # a real token, but of another session
    before = fingerprint(factory)
    checked = 0
    for endpoint in endpoints(web_app):
        if endpoint.is_api or not endpoint.methods - {"GET"}:
            continue
        path, _ = fill(endpoint, records_of_a.agency_a, records_of_a)
        for method in sorted(endpoint.methods - {"GET"}):
            for token in (None, stolen):
                answer = send(head, endpoint, method, path, token)
                assert answer.status_code == 403, (method, path, token is not None, answer.status_code)
                assert "安全令牌" in answer.text, (method, path)
                checked += 1
    assert checked >= 2 * 30
    assert fingerprint(factory) == before


def test_every_unsafe_api_route_refuses_a_change_without_the_csrf_header(
    web_app: FastAPI, records_of_a: RecordsOfA, factory: sessionmaker[Session], client_of: Any,
) -> None:
    clerk = client_of("clerk1")
    before = fingerprint(factory)
    for endpoint in endpoints(web_app):
        if not endpoint.is_api:
            continue
        path, _ = fill(endpoint, records_of_a.agency_a, records_of_a)
        for method in sorted(endpoint.methods - {"GET"}):
            answer = send(clerk, endpoint, method, path, None)
            assert answer.status_code == 403, (method, path, answer.status_code)
    assert fingerprint(factory) == before


def check_headers(answer: Response, what: str) -> None:
    headers = answer.headers
    csp = headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp, what
    assert "object-src 'none'" in csp or "default-src 'none'" in csp, what
    assert "script-src" not in csp or "'unsafe-inline'" not in csp or "/api/docs" in what, what
    assert headers.get("x-content-type-options") == "nosniff", what
    assert headers.get("x-frame-options") == "DENY", what
    assert headers.get("referrer-policy") == "same-origin", what


def test_security_headers_on_every_kind_of_answer(
    web_app: FastAPI, records_of_a: RecordsOfA, client_of: Any
) -> None:
    """Pages, API answers, static files, error pages (HTML and JSON), downloads (DOCX, report exports), the
    report preview, redirects — every GET route as agency 1's head, and the error answers."""
    head = client_of("head1")
    kinds: set[str] = set()
    for endpoint in endpoints(web_app):
        if "GET" not in endpoint.methods:
            continue
        path, _ = fill(endpoint, records_of_a.agency_a, records_of_a)
        answer = head.get(path)
        check_headers(answer, f"GET {path} → {answer.status_code}")
        kinds.add(answer.headers.get("content-type", "").split(";")[0] or str(answer.status_code))
        if answer.status_code == 200:
            assert answer.headers.get("cache-control") == "no-store", path  # a signed-in user's answer
    for extra in ("/static/site.css", "/no-such-page", "/api/no-such-thing", "/desk/999999/", "/desk/x/"):
        answer = head.get(extra)
        check_headers(answer, extra)
        kinds.add(answer.headers.get("content-type", "").split(";")[0])
    wanted = {"text/html", "application/json", "text/css",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    assert wanted <= kinds, kinds


def test_logout_kills_the_session_for_the_api_too(web_app: FastAPI, records_of_a: RecordsOfA, client_of: Any) -> None:
    """test_security covers the pages; the replayed cookie must not open the JSON API either."""
    clerk = client_of("clerk1")
    cookie = clerk.cookies.get("gongkai_session")
    url = f"/api/agencies/{records_of_a.agency_a}/applications"
    assert clerk.get(url).status_code == 200
    assert clerk.post("/logout", data={CSRF_FIELD: csrf_token(clerk)}).status_code == 303
    replay = client_of(None)
    replay.cookies.set("gongkai_session", cookie or "")
    assert replay.get(url).status_code == 401
    assert replay.get(f"/desk/{records_of_a.agency_a}/").status_code == 303
