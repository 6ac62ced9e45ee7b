"""Log-in, sessions, CSRF, throttling and security headers of the web desk, on SQLite and PostgreSQL.

Everything goes through the real application (``create_web_app``) and its real log-in form; the database is
only touched directly to move time (idle and absolute timeouts, the throttling window) or to deactivate.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

import pytest
from argon2 import PasswordHasher
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.web.conftest import PASSWORD, csrf_token, login, post_form

from gongkai.accounts.roles import Role, User
from gongkai.accounts.users import deactivate
from gongkai.api import Settings
from gongkai.store.orm_accounts import LoginAttemptRow, WebSessionRow
from gongkai.web import create_web_app
from gongkai.web.security import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    CurrentUser,
    ReadableAgency,
    StaffAgency,
    flash,
    installed,
    require_roles,
    verify_csrf,
)

HTML_PAGES = ("/", "/login")
JAR_DOMAIN = "testserver.local"  # where the TestClient's cookie jar files the server's cookies


def _plant(client: TestClient, name: str, value: str) -> None:
    """Put a cookie in the browser as if the server (or an attacker on a sibling site) had set it."""
    client.cookies.set(name, value, domain=JAR_DOMAIN, path="/")


def _age_sessions(factory: sessionmaker[Session], **by: timedelta) -> None:
    """Move the sessions' times back (done in Python: SQLite has no date arithmetic on DATETIME columns)."""
    with factory.begin() as s:
        for row in s.scalars(select(WebSessionRow)):
            for column, delta in by.items():
                setattr(row, column, getattr(row, column) - delta)


def _session_token(client: TestClient) -> str | None:
    return client.cookies.get(SESSION_COOKIE)


def _sessions(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(WebSessionRow)) or 0


def _wrong(client: TestClient, username: str, password: str = "not-the-password") -> int:
    answer = client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "username": username,
                                         "password": password})
    return answer.status_code


def test_create_web_app_installs_the_security_middleware(web_settings: Settings) -> None:
    """The web application itself installs it (src/gongkai/web/app.py: ``security.install(app)``)."""
    assert installed(create_web_app(web_settings))


def test_landing_page_for_visitors_and_home_for_each_role(
    web: TestClient, web_app: FastAPI, staff: dict[str, User], agencies: tuple[int, int]
) -> None:
    landing = web.get("/")
    assert landing.status_code == 200
    assert 'href="/apply"' in landing.text and 'href="/status"' in landing.text and "在线申请" in landing.text
    assert "查询办理进度" in landing.text
    expected = {"clerk1": f"/desk/{agencies[0]}/", "admin2": f"/desk/{agencies[1]}/", "oversight": "/oversight/",
                "sysadmin": "/admin/"}
    for username, home in expected.items():
        with TestClient(web_app, follow_redirects=False) as client:
            assert login(client, username).headers["location"] == home
            assert client.get("/").headers["location"] == home


def test_log_in_and_out(web: TestClient, staff: dict[str, User], factory: sessionmaker[Session]) -> None:
    assert web.get("/account").status_code == 303
    signed_in = login(web, "reviewer1")
    cookie = signed_in.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Path=/" in cookie and "Secure" not in cookie  # cookie_secure is off in the tests
    page = web.get("/account")
    assert page.status_code == 200 and staff["reviewer1"].name in page.text and "审核人" in page.text
    token = _session_token(web)
    assert token is not None
    with factory() as s:  # the database holds the token's hash, never the token
        ids = list(s.scalars(select(WebSessionRow.id)))
    assert len(ids) == 1 and token not in ids[0] and len(ids[0]) == 64

    out = post_form(web, "/logout", {}, form_page="/account")
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert _sessions(factory) == 0
    assert web.get("/account").status_code == 303
    _plant(web, SESSION_COOKIE, token)  # the old cookie replayed opens nothing
    again = web.get("/account")
    assert again.status_code == 303 and again.headers["location"] == "/login?next=/account"


def test_wrong_password_and_unknown_user_get_the_same_answer(web: TestClient, staff: dict[str, User]) -> None:
    for username in ("clerk1", "nobody", "CLERK1 "):
        answer = web.post("/login", data={"csrf_token": csrf_token(web, "/login"), "username": username,
                                          "password": "wrong-password-1"})
        assert answer.status_code == 401 and "用户名或密码不正确" in answer.text
        assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")
    empty = web.post("/login", data={"csrf_token": csrf_token(web, "/login"), "username": "", "password": ""})
    assert empty.status_code == 422 and "请填写用户名" in empty.text and "请填写密码" in empty.text
    # the username is matched case-insensitively, surrounding spaces ignored
    assert web.post("/login", data={"csrf_token": csrf_token(web, "/login"), "username": " Clerk1 ",
                                    "password": PASSWORD}).status_code == 303


def test_unknown_usernames_cost_one_password_check(
    web: TestClient, staff: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer's timing does not tell whether an account exists: an unknown name is checked against a dummy
    hash with the same hasher, exactly once, like a known one."""
    from gongkai.accounts import passwords

    calls: list[str] = []
    cheap = passwords.hasher

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            calls.append("verify")
            return super().verify(hash, password)

    monkeypatch.setattr(passwords, "hasher", Counting(time_cost=cheap.time_cost, memory_cost=cheap.memory_cost,
                                                      parallelism=cheap.parallelism))
    _wrong(web, "clerk1")
    assert calls == ["verify"]
    _wrong(web, "no-such-user")
    assert calls == ["verify", "verify"]


def test_throttling_after_repeated_failures(
    web: TestClient, web_app: FastAPI, staff: dict[str, User], factory: sessionmaker[Session]
) -> None:
    limit = Settings().login_max_failures
    for _ in range(limit):
        assert _wrong(web, "clerk1") == 401
    paused = web.post("/login", data={"csrf_token": csrf_token(web, "/login"), "username": "clerk1",
                                      "password": PASSWORD})  # even the right password waits
    assert paused.status_code == 429
    assert "登录失败次数过多" in paused.text and re.search(r"请于 <strong>\d\d:\d\d</strong>", paused.text)
    assert int(paused.headers["retry-after"]) > 60 * (Settings().login_pause_minutes - 1)
    assert SESSION_COOKIE not in paused.headers.get("set-cookie", "")
    # an unknown username is paused the same way (its attempts are counted too)
    for _ in range(limit):
        assert _wrong(web, "ghost") == 401
    assert _wrong(web, "ghost") == 429
    # another account from the same address still gets in: the address limit is higher
    login(web, "clerk2")
    # once the failures are older than the window, clerk1 may try again
    with factory.begin() as s:
        for attempt in s.scalars(select(LoginAttemptRow)):
            attempt.at -= timedelta(minutes=Settings().login_pause_minutes)
    with TestClient(web_app, follow_redirects=False) as fresh:
        login(fresh, "clerk1")


def test_throttling_per_address(web: TestClient, staff: dict[str, User]) -> None:
    limit = Settings().login_max_failures * 4
    for number in range(limit):
        assert _wrong(web, f"guess{number}") == 401
    assert _wrong(web, "clerk1", PASSWORD) == 429


def test_session_fixation_a_new_token_at_every_log_in(
    web: TestClient, web_app: FastAPI, staff: dict[str, User], factory: sessionmaker[Session]
) -> None:
    _plant(web, SESSION_COOKIE, "planted-by-an-attacker")
    login(web, "clerk1")
    first = _session_token(web)
    assert first is not None and first != "planted-by-an-attacker"
    # signing in again (here as another account) replaces the session: the old token is dead
    answer = web.post("/login", data={"csrf_token": csrf_token(web), "username": "head1", "password": PASSWORD})
    assert answer.status_code == 303
    second = _session_token(web)
    assert second is not None and second != first
    assert _sessions(factory) == 1
    with TestClient(web_app, follow_redirects=False) as other:
        _plant(other, SESSION_COOKIE, first)
        assert other.get("/account").status_code == 303
    assert staff["head1"].name in web.get("/account").text


def test_csrf_missing_or_wrong_is_refused(web: TestClient, staff: dict[str, User]) -> None:
    # anonymous: the log-in form itself is protected
    assert web.post("/login", data={"username": "clerk1", "password": PASSWORD}).status_code == 403
    assert web.post("/login", data={"username": "clerk1", "password": PASSWORD,
                                    "csrf_token": "forged"}).status_code == 403
    # a token from a tampered cookie does not verify
    token = csrf_token(web, "/login")
    _plant(web, CSRF_COOKIE, "chosen-by-attacker.c2lnbmF0dXJl")
    refused = web.post("/login", data={"username": "clerk1", "password": PASSWORD, "csrf_token": "chosen-by-attacker"})
    assert refused.status_code == 403 and "安全令牌" in refused.text
    web.cookies.delete(CSRF_COOKIE, domain=JAR_DOMAIN, path="/")
    assert token  # a fresh visit gets a fresh token
    login(web, "clerk1")
    data = {"current": PASSWORD, "new": "another-password-9", "confirm": "another-password-9"}
    assert web.post("/account", data=data).status_code == 403
    assert web.post("/account", data={**data, "csrf_token": token}).status_code == 403  # the pre-log-in token
    assert web.post("/logout", data={}).status_code == 403
    assert web.get("/account").status_code == 200  # still signed in: nothing happened


def test_security_headers_on_every_answer(web: TestClient, staff: dict[str, User], agencies: tuple[int, int]) -> None:
    answers = [web.get(path) for path in (*HTML_PAGES, "/static/site.css", "/no-such-page")]
    login(web, "clerk1")
    answers += [web.get("/account"), web.get(f"/api/agencies/{agencies[0]}")]
    for answer in answers:
        headers = answer.headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, answer.url
        assert "unsafe-inline" not in csp and "script-src 'self'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
    for signed_in in answers[-2:]:
        assert signed_in.status_code == 200 and signed_in.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
                                    "/%0d%0aSet-Cookie:x", " //evil.example"])
def test_next_never_leads_off_site(
    web: TestClient, staff: dict[str, User], agencies: tuple[int, int], target: str
) -> None:
    answer = login(web, "clerk1", next=target)
    location = answer.headers["location"]
    assert location == f"/desk/{agencies[0]}/" or location == "/%0d%0aSet-Cookie:x"
    assert "evil" not in location and "\r" not in location and "\n" not in location


def test_next_leads_back_to_the_page_asked_for(web: TestClient, staff: dict[str, User]) -> None:
    sent = web.get("/account?tab=password")
    assert sent.status_code == 303 and sent.headers["location"] == "/login?next=/account%3Ftab%3Dpassword"
    form = web.get(sent.headers["location"])
    assert 'name="next" value="/account?tab=password"' in form.text
    assert login(web, "clerk1", next="/account?tab=password").headers["location"] == "/account?tab=password"


def test_idle_and_absolute_timeouts(
    web: TestClient, staff: dict[str, User], factory: sessionmaker[Session]
) -> None:
    settings = Settings()
    login(web, "clerk1")
    _age_sessions(factory, last_seen_at=timedelta(minutes=settings.session_idle_minutes - 1))
    assert web.get("/account").status_code == 200  # inside the idle limit, and the request renews it
    _age_sessions(factory, last_seen_at=timedelta(minutes=settings.session_idle_minutes + 1))
    expired = web.get("/account")
    assert expired.status_code == 303 and expired.headers["location"].startswith("/login")
    assert f'{SESSION_COOKIE}=""' in expired.headers["set-cookie"] or "Max-Age=0" in expired.headers["set-cookie"]
    assert _sessions(factory) == 0

    login(web, "clerk1")
    _age_sessions(factory, created_at=timedelta(hours=settings.session_max_hours),
                  expires_at=timedelta(hours=settings.session_max_hours))
    assert web.get("/account").status_code == 303  # active all along, but past the absolute end
    assert _sessions(factory) == 0


def test_a_deactivated_user_is_signed_out(
    web: TestClient, staff: dict[str, User], factory: sessionmaker[Session]
) -> None:
    login(web, "clerk1")
    assert web.get("/account").status_code == 200
    with factory.begin() as s:
        deactivate(session=s, user_id=staff["clerk1"].id)
    assert web.get("/account").status_code == 303
    answer = web.post("/login", data={"csrf_token": csrf_token(web, "/login"), "username": "clerk1",
                                      "password": PASSWORD})
    assert answer.status_code == 401


def test_change_own_password(
    web: TestClient, web_app: FastAPI, staff: dict[str, User], factory: sessionmaker[Session]
) -> None:
    login(web, "admin1")
    with TestClient(web_app, follow_redirects=False) as laptop:
        login(laptop, "admin1")
        new = "new-password-2025"
        wrong = post_form(web, "/account", {"current": "not-it-at-all", "new": new, "confirm": new})
        assert wrong.status_code == 422 and "当前密码不正确" in wrong.text
        short = post_form(web, "/account", {"current": PASSWORD, "new": "short", "confirm": "short"})
        assert short.status_code == 422 and "至少需要 10 个字符" in short.text
        mismatch = post_form(web, "/account", {"current": PASSWORD, "new": new, "confirm": new + "x"})
        assert mismatch.status_code == 422 and "两次输入的新密码不一致" in mismatch.text
        done = post_form(web, "/account", {"current": PASSWORD, "new": new, "confirm": new})
        assert done.status_code == 303 and done.headers["location"] == "/account"
        shown = web.get("/account")
        assert shown.status_code == 200 and "密码已修改" in shown.text  # the flash survived the redirect
        assert "密码已修改" not in web.get("/account").text  # and is shown once
        assert laptop.get("/account").status_code == 303  # the other device was signed out
    post_form(web, "/logout", {}, form_page="/account")
    assert _wrong(web, "admin1", PASSWORD) == 401
    login(web, "admin1", "new-password-2025")


def test_flash_survives_one_redirect_only(web: TestClient, staff: dict[str, User]) -> None:
    login(web, "clerk1")
    post_form(web, "/logout", {}, form_page="/account")
    shown = web.get("/")
    assert "您已安全退出" in shown.text
    assert "您已安全退出" not in web.get("/").text


def _guarded_app(web_app: FastAPI) -> FastAPI:
    """Routes that only return what the security dependencies let through."""
    router = APIRouter(dependencies=[Depends(verify_csrf)])

    @router.get("/test-guard/{agency_id}/read")
    def read(agency: ReadableAgency) -> dict[str, int]:
        return {"agency": agency.id}

    @router.get("/test-guard/{agency_id}/staff")
    def work(agency: StaffAgency) -> dict[str, int]:
        return {"agency": agency.id}

    @router.get("/test-guard/head")
    def head_only(user: Annotated[User, Depends(require_roles(Role.HEAD, Role.SYSTEM_ADMIN))]) -> dict[str, str]:
        return {"user": user.username}

    @router.post("/test-guard/change")
    def change(user: CurrentUser) -> dict[str, str]:
        return {"user": user.username}

    web_app.include_router(router)
    return web_app


def test_agency_and_role_dependencies(
    web_app: FastAPI, staff: dict[str, User], agencies: tuple[int, int]
) -> None:
    app = _guarded_app(web_app)
    a, b = agencies
    expectations = {
        # user: (read a, read b, staff a, staff b, head page)
        "clerk1": (200, 404, 200, 404, 403),
        "head2": (404, 200, 404, 200, 200),
        "oversight": (200, 200, 404, 404, 403),
        "sysadmin": (200, 200, 404, 404, 200),
    }
    for username, expected in expectations.items():
        with TestClient(app, follow_redirects=False) as client:
            login(client, username)
            got = tuple(client.get(url).status_code for url in (
                f"/test-guard/{a}/read", f"/test-guard/{b}/read", f"/test-guard/{a}/staff", f"/test-guard/{b}/staff",
                "/test-guard/head"))
            assert got == expected, username
            assert client.get("/test-guard/999999/read").status_code == 404
            assert client.post("/test-guard/change").status_code == 403  # no token
            assert post_form(client, "/test-guard/change", {}, form_page="/account").status_code == 200
    with TestClient(app, follow_redirects=False) as anonymous:
        sent = anonymous.get(f"/test-guard/{a}/read")
        assert sent.status_code == 303 and sent.headers["location"] == f"/login?next=/test-guard/{a}/read"


def test_the_api_takes_the_session_cookie_and_its_csrf_header(
    web: TestClient, staff: dict[str, User], agencies: tuple[int, int]
) -> None:
    url = f"/api/agencies/{agencies[0]}/proactive"
    item = {"title": "2025年部门预算", "category": 7, "formed_on": "2025-03-03"}
    assert web.get(url).status_code == 401
    login(web, "clerk1")
    assert web.get(url).status_code == 200
    refused = web.post(url, json=item)
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["detail"]
    created = web.post(url, json=item, headers={"X-CSRF-Token": csrf_token(web)})
    assert created.status_code == 201, created.text
    assert created.json()["title"] == item["title"]
    assert web.get(f"/api/agencies/{agencies[1]}/proactive").status_code == 404


def test_flash_outside_the_middleware_fails_loudly() -> None:
    from starlette.requests import Request

    request = Request({"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""})
    with pytest.raises(RuntimeError, match="security middleware"):
        flash(request, "x")


def test_behind_tls_cookies_are_secure_and_hsts_is_sent(
    factory: sessionmaker[Session], web_settings: Settings, staff: dict[str, User]
) -> None:
    from gongkai.api import get_session_factory

    app = create_web_app(web_settings.model_copy(update={"cookie_secure": True}))
    app.dependency_overrides[get_session_factory] = lambda: factory
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        page = client.get("/login")
        assert "Secure" in page.headers["set-cookie"] and page.headers["strict-transport-security"]
        signed_in = login(client, "clerk1")
        assert all("Secure" in value for value in signed_in.headers.get_list("set-cookie"))


def test_only_the_api_docs_page_may_run_its_inline_script(web: TestClient) -> None:
    docs = web.get("/api/docs")
    assert docs.status_code == 200 and "'unsafe-inline'" in docs.headers["content-security-policy"]
    assert "'unsafe-inline'" not in web.get("/api/openapi.json").headers["content-security-policy"]
