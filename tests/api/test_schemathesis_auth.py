"""schemathesis against the web desk's OpenAPI document, signed in: every operation of /api/openapi.json gets a
bounded number of generated requests from a staff member of agency 1 (the session cookie of the real log-in
form plus the session's token in the ``X-CSRF-Token`` header), on SQLite and on PostgreSQL with the demo ledger
and the demo accounts. None may end in a server error (5xx), and none may be turned away as signed out (401):
the generated requests reach the ledger as a signed-in clerk's would.

schemathesis's pytest plugin does not run under this pytest; its strategies are driven by Hypothesis directly, as
in tests/api/test_openapi.py.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from tests.store.conftest import BACKENDS, fresh_pg_engine

from gongkai.accounts.demo import load_demo_users
from gongkai.api import Settings, get_calendar, get_session_factory
from gongkai.api.deps import CSRF_HEADER, SESSION_COOKIE
from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger.demo import load_demo
from gongkai.store import Protector, make_engine, session_factory, upgrade
from gongkai.web import create_web_app

# Kept small so both backends together stay well under a minute; raise it for a deeper search.
EXAMPLES = int(os.environ.get("GONGKAI_SCHEMATHESIS_AUTH_EXAMPLES", "8"))
PASSWORD = "Schemathesis-staff-2026"
STAFF = "clerk1"  # a 承办人 of agency 1: reads and changes agency 1's records
AGENCY = 1
META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
FORM_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module", params=BACKENDS)
def demo_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "postgresql":
        yield from fresh_pg_engine()
        return
    path = tmp_path_factory.mktemp("schemathesis-auth") / "desk.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def web_app(demo_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    factory: sessionmaker[Session] = session_factory(demo_engine, protector=Protector.generate())
    calendar = WorkCalendar.load(env={})
    with factory.begin() as session:
        session.info["actor"] = "demo"
        summary = load_demo(session=session, seed=3, per_year=20, proactive_per_year=6)
        load_demo_users(session=session, agency_ids=summary.agency_ids, password=PASSWORD)
    templates: Path = tmp_path_factory.mktemp("notice-templates")
    app = create_web_app(Settings(notice_templates=templates, api_migrate=False))
    app.dependency_overrides[get_session_factory] = lambda: factory
    app.dependency_overrides[get_calendar] = lambda: calendar
    return app


@dataclass(frozen=True)
class StaffSession:
    cookies: dict[str, str]
    csrf_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {CSRF_HEADER: self.csrf_token}


def sign_in(app: FastAPI, username: str) -> StaffSession:
    """Through the real log-in form; the session's CSRF token is the one the signed-in pages carry."""
    with TestClient(app, raise_server_exceptions=False) as client:
        form = client.get("/login")
        assert form.status_code == 200, form.text[:500]
        token = FORM_CSRF.search(form.text)
        assert token is not None, "the log-in form has no csrf_token field"
        answer = client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": token.group(1), "next": "/"},
            follow_redirects=False,
        )
        assert answer.status_code == 303, f"log-in of {username}: HTTP {answer.status_code}\n{answer.text[:800]}"
        cookie = client.cookies.get(SESSION_COOKIE)
        assert cookie, f"no {SESSION_COOKIE} cookie after log-in"
        home = client.get("/")
        meta = META_CSRF.search(home.text)
        assert meta is not None, "the signed-in page carries no csrf-token meta"
        return StaffSession(cookies={SESSION_COOKIE: cookie}, csrf_token=meta.group(1))


def test_the_api_needs_the_session_and_its_token(web_app: FastAPI) -> None:
    """The premise of the fuzzing below: without the session the API answers 401, with it 200; a change
    without the token is refused (403)."""
    staff = sign_in(web_app, STAFF)
    with TestClient(web_app, raise_server_exceptions=False) as client:
        assert client.get(f"/api/agencies/{AGENCY}").status_code == 401
        client.cookies.update(staff.cookies)
        assert client.get(f"/api/agencies/{AGENCY}").status_code == 200
        refused = client.post(f"/api/agencies/{AGENCY}/applications", json={})
        assert refused.status_code == 403, refused.text
        checked = client.post(f"/api/agencies/{AGENCY}/applications", json={}, headers=staff.headers)
        assert checked.status_code == 422, checked.text  # past the token: the empty body is what is wrong


@pytest.mark.slow
def test_no_server_error_when_signed_in(web_app: FastAPI) -> None:
    staff = sign_in(web_app, STAFF)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", web_app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"an operation of the OpenAPI document cannot be used: {result}"
        operations.append(result.ok())
    assert operations, "the OpenAPI document lists no operation"
    statuses: Counter[int] = Counter()
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: schemathesis.Case[Any]) -> None:
            if "agency_id" in (case.path_parameters or {}):
                case.path_parameters["agency_id"] = AGENCY  # the staff member's own agency: requests reach the ledger
            response = case.call_and_validate(
                checks=[not_a_server_error], headers=staff.headers, cookies=staff.cookies
            )
            statuses[response.status_code] += 1
            assert response.status_code != 401, f"{case.operation.label}: signed out by a generated request"

        run()
    print(f"answers by status: {dict(sorted(statuses.items()))}")  # shown with -s
    assert sum(statuses.values()) >= len(operations), statuses
    assert any(200 <= code < 300 for code in statuses), f"no request succeeded at all: {statuses}"
