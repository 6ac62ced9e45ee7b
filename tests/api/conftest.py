"""API tests run the FastAPI application in-process (TestClient) on SQLite and on PostgreSQL: the storage
fixtures of tests/store give each test a fresh migrated database; the app's session factory and calendar
dependencies are overridden with them."""

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

from gongkai.api import Settings, create_app, get_calendar, get_session_factory
from gongkai.desk.calendar import WorkCalendar


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
    return app


@pytest.fixture
def client(api: FastAPI) -> Iterator[TestClient]:
    with TestClient(api, raise_server_exceptions=False) as c:
        yield c
