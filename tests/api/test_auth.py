"""Who may use the API, on SQLite and PostgreSQL: the JSON API alone (``create_app``, no web middleware) reads the
session cookie of a signed-in user itself. No cookie → 401; staff of agency A find nothing of agency B (404 on
every GET, and cannot POST there); oversight and the system administrator read the agencies they may, but write
nothing (403); a change authenticated by the cookie needs the session's token in ``X-CSRF-Token`` (403 without).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.api.helpers import application, base
from tests.web.conftest import fast_passwords, staff  # noqa: F401  (fixtures)

from gongkai.accounts.roles import User
from gongkai.accounts.sessions import SessionPolicy, start_session
from gongkai.accounts.users import deactivate
from gongkai.api import Settings, create_app, get_calendar, get_session_factory
from gongkai.api.deps import CSRF_HEADER, SESSION_COOKIE
from gongkai.desk.calendar import WorkCalendar
from gongkai.store.orm import ApplicationEventRow
from gongkai.store.orm_accounts import WebSessionRow

POLICY = SessionPolicy(idle=timedelta(minutes=120), absolute=timedelta(hours=12))
ITEM = {"title": "2025年部门预算", "category": 7, "formed_on": "2025-03-03"}


@pytest.fixture
def bare_api(factory: sessionmaker[Session], calendar: WorkCalendar, tmp_path: Path) -> FastAPI:
    app = create_app(Settings(notice_templates=tmp_path, api_migrate=False))
    app.dependency_overrides[get_session_factory] = lambda: factory
    app.dependency_overrides[get_calendar] = lambda: calendar
    return app


class Signed:
    """A client signed in as one user: the session cookie, and the token its changes must carry."""

    def __init__(self, app: FastAPI, factory: sessionmaker[Session], user: User) -> None:
        with factory.begin() as s:
            started = start_session(session=s, user=user, policy=POLICY)
        self.client = TestClient(app, raise_server_exceptions=False)
        self.client.cookies.set(SESSION_COOKIE, started.token)
        self.token = started.csrf_token
        self.user = user

    @property
    def headers(self) -> dict[str, str]:
        return {CSRF_HEADER: self.token}


@pytest.fixture
def signed(bare_api: FastAPI, factory: sessionmaker[Session], staff: dict[str, User]) -> Iterator[dict[str, Signed]]:  # noqa: F811
    clients = {name: Signed(bare_api, factory, user) for name, user in staff.items()}
    yield clients
    for each in clients.values():
        each.client.close()


def _get_paths(app: FastAPI, agency_id: int) -> list[str]:
    """Every GET operation of the OpenAPI document, with plausible values for its path parameters."""
    values = {"application_id": "1", "notice_id": "1", "year": "2025", "code": "2025-0001", "key": "correction",
              "cell_id": "3.1", "agency_id": str(agency_id)}
    paths = []
    for path, item in app.openapi()["paths"].items():
        if "get" in item:
            for name, value in values.items():
                path = path.replace("{" + name + "}", value)
            assert "{" not in path, path
            paths.append(path)
    return paths


def test_no_session_is_401(bare_api: FastAPI, agencies: tuple[int, int], staff: dict[str, User]) -> None:  # noqa: F811
    with TestClient(bare_api, raise_server_exceptions=False) as anonymous:
        for path in _get_paths(bare_api, agencies[0]):
            answer = anonymous.get(path)
            assert answer.status_code == 401, path
            assert "请先登录" in answer.json()["detail"]
        assert anonymous.post(base(agencies[0]) + "/applications", json=application()).status_code == 401
        anonymous.cookies.set(SESSION_COOKIE, "made-up-token")
        assert anonymous.get(base(agencies[0])).status_code == 401


def test_a_clerk_finds_nothing_of_another_agency(
    signed: dict[str, Signed], bare_api: FastAPI, agencies: tuple[int, int]
) -> None:
    own, other = agencies
    clerk = signed["clerk1"]
    created = clerk.client.post(base(own) + "/applications", json=application(), headers=clerk.headers)
    assert created.status_code == 201, created.text
    assert clerk.client.get(base(own)).status_code == 200
    for path in _get_paths(bare_api, other):
        answer = clerk.client.get(path)
        assert answer.status_code == 404, (path, answer.status_code, answer.text)
        assert answer.json()["detail"] == f"没有编号为“{other}”的机关", path
    posted = clerk.client.post(base(other) + "/applications", json=application(), headers=clerk.headers)
    assert posted.status_code == 404
    assert clerk.client.post(base(other) + "/proactive", json=ITEM, headers=clerk.headers).status_code == 404
    # an agency that does not exist looks the same as one that is not yours
    missing = clerk.client.get(base(999_999))
    assert missing.status_code == 404 and missing.json() == {"detail": "没有编号为“999999”的机关"}


def test_oversight_and_the_system_administrator_read_but_do_not_write(
    signed: dict[str, Signed], agencies: tuple[int, int]
) -> None:
    for reader in ("oversight", "sysadmin"):
        each = signed[reader]
        for agency_id in agencies:
            assert each.client.get(base(agency_id) + "/applications").status_code == 200, reader
            refused = each.client.post(base(agency_id) + "/proactive", json=ITEM, headers=each.headers)
            assert refused.status_code == 403, (reader, refused.text)
            assert "只能查阅" in refused.json()["detail"]


def test_a_change_needs_the_sessions_csrf_token(
    signed: dict[str, Signed], agencies: tuple[int, int], factory: sessionmaker[Session]
) -> None:
    clerk = signed["clerk2"]
    url = base(agencies[1]) + "/proactive"
    missing = clerk.client.post(url, json=ITEM)
    assert missing.status_code == 403 and CSRF_HEADER in missing.json()["detail"]
    other_session = signed["reviewer2"].token  # a real token, but another session's
    assert clerk.client.post(url, json=ITEM, headers={CSRF_HEADER: other_session}).status_code == 403
    assert clerk.client.post(url, json=ITEM, headers={CSRF_HEADER: ""}).status_code == 403
    assert clerk.client.get(url).json() == []  # nothing was written
    accepted = clerk.client.post(url, json=ITEM, headers=clerk.headers)
    assert accepted.status_code == 201, accepted.text


def test_the_signed_in_user_is_the_actor(
    signed: dict[str, Signed], agencies: tuple[int, int], factory: sessionmaker[Session]
) -> None:
    clerk = signed["clerk2"]
    url = base(agencies[1]) + "/applications"
    app = clerk.client.post(url, json=application(), headers=clerk.headers).json()
    event = clerk.client.post(f"{url}/{app['id']}/events", headers=clerk.headers,
                              json={"kind": "third_party_started", "occurred_on": "2025-09-25"})
    assert event.status_code == 201, event.text
    assert event.json()["events"][0]["actor"] == clerk.user.actor == "刘承办（clerk2）"
    with factory() as s:
        assert list(s.scalars(select(ApplicationEventRow.actor))) == [clerk.user.actor]


def test_a_deactivated_users_session_ends(
    signed: dict[str, Signed], agencies: tuple[int, int], factory: sessionmaker[Session]
) -> None:
    clerk = signed["clerk1"]
    assert clerk.client.get(base(agencies[0])).status_code == 200
    with factory.begin() as s:
        deactivate(session=s, user_id=clerk.user.id)
    assert clerk.client.get(base(agencies[0])).status_code == 401
    with factory() as s:
        assert not list(s.scalars(select(WebSessionRow).where(WebSessionRow.user_id == clerk.user.id)))
