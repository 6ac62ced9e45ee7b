"""Fixtures of the web desk's tests: the whole web application in-process (Starlette's TestClient) on SQLite and
on PostgreSQL — the storage fixtures of tests/store give each test a fresh migrated database.

* ``web_app`` — ``create_web_app`` with the test database (``factory``) and calendar; ``web`` — a TestClient
  that does **not** follow redirects (assert the 303 and its ``Location``; pass ``follow_redirects=True`` to a
  call to follow them).
* ``staff`` — the demo accounts for the two agencies of ``agencies``: ``clerk1``, ``reviewer1``, ``head1``,
  ``admin1`` of agency 1 (``agencies[0]``), the same with 2 for ``agencies[1]``, ``oversight`` (supervises both)
  and ``sysadmin``; a mapping username → :class:`User`. Password: :data:`PASSWORD`.
* ``login(client, username)`` — signs in through the real log-in form; ``post_form(client, url, data)`` — posts
  a form with the page's CSRF token; ``csrf_token(client)`` — the token the client's next form must carry.

Passwords are hashed with cheap argon2 parameters here (``fast_passwords``, autouse): the production
parameters cost ~0.2 s a hash, which would dominate the suite without testing anything more.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
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

from gongkai.accounts import passwords
from gongkai.accounts.demo import load_demo_users
from gongkai.accounts.roles import User
from gongkai.accounts.users import find_account
from gongkai.api import Settings, get_calendar, get_session_factory
from gongkai.desk.calendar import WorkCalendar
from gongkai.web import create_web_app

PASSWORD = "qingxi-desk-2025"
TOKEN_IN_PAGE = re.compile(r'name="csrf[-_]token" (?:value|content)="([^"]+)"')


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def web_settings(tmp_path: Path) -> Settings:
    templates = tmp_path / "notice-templates"
    templates.mkdir(exist_ok=True)
    return Settings(notice_templates=templates, api_migrate=False)


@pytest.fixture
def web_app(factory: sessionmaker[Session], calendar: WorkCalendar, web_settings: Settings) -> FastAPI:  # noqa: F811
    app = create_web_app(web_settings)
    app.dependency_overrides[get_session_factory] = lambda: factory
    app.dependency_overrides[get_calendar] = lambda: calendar
    return app


@pytest.fixture
def web(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


@pytest.fixture
def staff(factory: sessionmaker[Session], agencies: tuple[int, int]) -> dict[str, User]:  # noqa: F811
    """The demo accounts of both agencies (see the module docstring), by username."""
    with factory.begin() as session:
        names = load_demo_users(session=session, agency_ids=agencies, password=PASSWORD)
        users: dict[str, User] = {}
        for name in names:
            account = find_account(session=session, username=name)
            assert account is not None
            users[name] = account.user
    return users


def page_token(html: str) -> str | None:
    """The CSRF token printed in a page (the form field, or the layout's meta tag)."""
    found = TOKEN_IN_PAGE.search(html)
    return found.group(1) if found else None


def csrf_token(client: TestClient, page: str | None = None) -> str:
    """The token the client's next form must carry: read from ``page`` if given, else from the log-in page
    (anonymous) or the account page (signed in) — every page prints the same token."""
    for url in ([page] if page else []) + ["/account", "/login"]:
        answer = client.get(url, follow_redirects=False)
        if answer.status_code == 200:
            token = page_token(answer.text)
            if token:
                return token
    raise AssertionError(f"no page shows a CSRF token to this client (tried {page or ''} /account /login)")


def login(client: TestClient, username: str, password: str = PASSWORD, *, next: str | None = None) -> Response:
    """Sign in through the real form; asserts it worked (303) and returns the answer."""
    token = csrf_token(client, "/login" if next is None else f"/login?next={next}")
    data = {"csrf_token": token, "username": username, "password": password}
    if next is not None:
        data["next"] = next
    answer = client.post("/login", data=data, follow_redirects=False)
    assert answer.status_code == 303, f"log-in of {username} failed: {answer.status_code} {answer.text[:500]}"
    return answer


def post_form(
    client: TestClient,
    url: str,
    data: Mapping[str, Any] | None = None,
    *,
    form_page: str | None = None,
    files: Any = None,
    follow_redirects: bool = False,
) -> Response:
    """POST ``data`` to ``url`` as a form with the CSRF token added. The token is read from ``form_page``
    (default: ``url`` itself when it answers GET with a page, else any page of the client's session)."""
    token = None
    answer = client.get(form_page or url, follow_redirects=False)
    if answer.status_code == 200:
        token = page_token(answer.text)
    if token is None:
        token = csrf_token(client)
    payload = {**(data or {}), "csrf_token": token}
    return client.post(url, data=payload, files=files, follow_redirects=follow_redirects)


__all__ = ["PASSWORD", "csrf_token", "login", "page_token", "post_form"]
