"""API tests run the FastAPI application in-process (TestClient) on SQLite and on PostgreSQL: the storage
fixtures of tests/store give each test a fresh migrated database; the app's session factory and calendar
dependencies are overridden with them.

The ``api`` fixture signs its requests in as :data:`TESTER`, a member of staff of *the agency of the path* (the
user dependency is overridden): these tests are about the ledger behind the API, and access to it stays decided
by :func:`gongkai.api.deps.current_agency` as for a real user. Real log-ins, cookies, CSRF headers and
cross-agency refusals are tested in test_auth.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.store.conftest import (  # noqa: F401  (fixtures)
    agencies,
    backend,
    calendar,
    engine,
    factory,
    protector,
    sqlite_template,
)

from gongkai.accounts.roles import Role, User
from gongkai.api import Settings, create_app, get_calendar, get_session_factory, get_user
from gongkai.api.deps import AgencyId
from gongkai.desk.calendar import WorkCalendar

TESTER = User(id=1, username="tester", name="测试员", roles=frozenset({Role.CLERK, Role.REVIEWER, Role.HEAD}),
              agency_id=None)
ACTOR = TESTER.actor  # what the ledger records as the actor of the tests' requests


def staff_of_the_path(agency_id: AgencyId) -> User:
    """:data:`TESTER`, working for the agency the request names."""
    return User(id=TESTER.id, username=TESTER.username, name=TESTER.name, roles=TESTER.roles, agency_id=agency_id)


@pytest.fixture
def templates_dir(tmp_path: Path) -> Path:
    path = tmp_path / "templates"
    path.mkdir()
    return path


@pytest.fixture
def api(factory: sessionmaker[Session], calendar: WorkCalendar, templates_dir: Path) -> FastAPI:  # noqa: F811
    app = create_app(Settings(notice_templates=templates_dir, api_migrate=False))
    app.dependency_overrides[get_session_factory] = lambda: factory
    app.dependency_overrides[get_calendar] = lambda: calendar
    app.dependency_overrides[get_user] = staff_of_the_path
    return app


@pytest.fixture
def client(api: FastAPI) -> Iterator[TestClient]:
    with TestClient(api, raise_server_exceptions=False) as c:
        yield c
